"""Textual-free state of one TUI run: injected config, the loaded bank and study, and derived home figures."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from eqprep.bank.model import Bank
    from eqprep.maths.derivations import Derivation
    from eqprep.study.preload import Loaded, Preload
    from eqprep.study.service import Study
    from eqprep.study.stats import Stats

EXAM_DATE_KEY = "exam_date"
TRACK_NAMES = {"pytorch": "PyTorch", "none": "なし (フレームワークの問題を出さない)"}
STATS_MAX_AGE = timedelta(minutes=1)  # due counts move with the clock even when nothing was recorded


@dataclass(frozen=True)
class HomeSummary:
    """The figures the home dashboard shows."""

    due: int
    due_later: int
    new: int
    streak: int
    answers: int
    questions: int
    seen: int
    days_left: int | None
    exam_date: date | None
    weakest: list[tuple[str, str, float]]
    problems: int
    framework: str  # the question track, shown beside its menu entry


@dataclass
class Config:
    """Everything a run can be told from outside, so tests and snapshots are deterministic."""

    content_root: Path | None = None
    data_dir: str | None = None
    clock: Callable[[], datetime] | None = None  # None: the real clock (tests inject a fixed one)
    seed: int | None = None
    exam_date: date | None = None


@dataclass
class Session:
    """The learner's bank and study service, loaded in the app's on_load before the first screen is drawn."""

    config: Config
    study: Study
    rng: random.Random = field(default_factory=random.Random)
    _stats: tuple[tuple[object, ...], datetime, Stats] | None = field(default=None, repr=False)
    _stats_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _derivations: dict[str, Derivation] | None = field(default=None, repr=False)
    _derivations_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def load(cls, config: Config) -> Session:
        """Load the bank and open the store; raises StoreError with a Japanese message."""
        return cls(config, open_config_study(config), random.Random(config.seed))

    @classmethod
    def from_preload(cls, config: Config, loaded: Loaded) -> Session:
        """The session for what a preload child loaded: the same study, statistics already counted."""
        from eqprep.study.service import Study, utc_now
        from eqprep.study.store import Store

        study = Study(Store(loaded.store_path), loaded.bank, config.clock or utc_now,
                      enable_fuzzing=config.seed is None)
        session = cls(config, study, random.Random(config.seed))
        session._stats = (loaded.version, loaded.computed_at, loaded.stats)
        return session

    @property
    def bank(self) -> Bank:
        """The loaded question bank (the study service owns it)."""
        return self.study.bank

    def derivations(self) -> dict[str, Derivation]:
        """The content's verified derivations by id, read from disk once per run (screens and workers share them)."""
        with self._derivations_lock:
            if self._derivations is None:
                from eqprep.maths.derivations import load_derivations

                self._derivations = load_derivations(self.bank.root)
            return self._derivations

    def item_seed(self) -> int:
        """A seed for the next item: reproducible when the run was given a seed."""
        return self.rng.randrange(2**31)

    def today(self) -> date:
        """The learner's local calendar date by the injected clock."""
        return self.study.local_date()

    def exam_date(self) -> date | None:
        """Exam date: the injected one, else the one saved in the store's settings."""
        if self.config.exam_date is not None:
            return self.config.exam_date
        return parse_date(self.study.store.settings().get(EXAM_DATE_KEY, ""))

    def set_exam_date(self, text: str) -> str | None:
        """Save an exam date typed as YYYY-MM-DD; returns a Japanese error message or None."""
        parsed = parse_date(text)
        if parsed is None:
            return "日付は YYYY-MM-DD (例: 2027-02-20) の形で入力してください。"
        try:
            self.study.set_setting(EXAM_DATE_KEY, parsed.isoformat())
        except ValueError as error:  # SettingError: the stored date stays as it was
            return str(error)
        self.config.exam_date = None
        return None

    def stats(self) -> Stats:
        """Statistics, recomputed only when the store changed or a minute passed (call from a worker thread)."""
        from eqprep.study.stats import compute_stats

        with self._stats_lock:
            version, now = self.study.store.version(), self.study.clock()
            cached = self._stats
            if cached is None or cached[0] != version or now - cached[1] >= STATS_MAX_AGE:
                cached = self._stats = (version, now, compute_stats(self.study))
            return cached[2]

    def summary(self, stats: Stats) -> HomeSummary:
        """Home figures: due, new, streak, countdown, weakest topics."""
        exam = self.exam_date()
        return HomeSummary(
            due=stats.due_now,
            due_later=stats.due_today - stats.due_now,
            new=min(stats.new_left_today, stats.questions - stats.seen),
            streak=stats.streak,
            answers=stats.answers,
            questions=stats.questions,
            seen=stats.seen,
            days_left=(exam - self.today()).days if exam else None,
            exam_date=exam,
            weakest=[(t.key, t.name, t.mastery or 0.0) for t in stats.weakest],
            problems=len(self.bank.problems),
            framework=self.study.framework,
        )


def open_config_study(config: Config) -> Study:
    """The study `config` describes (bank, store, clock); raises StoreError with a Japanese message."""
    from eqprep.study.service import open_study, utc_now

    return open_study(config.content_root, config.data_dir, config.clock or utc_now,
                      enable_fuzzing=config.seed is None)


def start_loading(config: Config) -> Preload | None:
    """Fork the child that loads `config`'s study and sends home's figures first (call before importing Textual)."""
    from eqprep.study.preload import start_preload

    return start_preload(lambda: open_config_study(config),
                         lambda loaded: Session.from_preload(config, loaded).summary(loaded.stats))


def parse_date(text: str) -> date | None:
    """A YYYY-MM-DD date, or None when the text is not one."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def countdown_text(days_left: int | None, exam: date | None) -> str:
    """Japanese exam countdown line."""
    if days_left is None or exam is None:
        return "試験日: 未設定 (t で設定)"
    if days_left > 0:
        return f"試験日 {exam.isoformat()} まで あと {days_left} 日"
    if days_left == 0:
        return f"試験日 {exam.isoformat()}: 今日です。がんばって!"
    return f"試験日 {exam.isoformat()} は {-days_left} 日前に過ぎました (t で変更)"
