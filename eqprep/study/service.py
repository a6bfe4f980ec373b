"""The study facade the CLI and TUI share: record graded answers, schedule, select, settings, leeches."""

from __future__ import annotations

import copy
import json
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from fsrs import Card, Rating

from eqprep.bank import load_bank
from eqprep.bank.model import Bank, Question
from eqprep.paths import data_dir as resolve_data_dir
from eqprep.study.errors import StoreError
from eqprep.study.scheduling import MIN_KIND_HISTORY, MIN_OWN_HISTORY, StudyScheduler, rating_for
from eqprep.study.selection import Filters, select_questions
from eqprep.study.settings import BURIED_KEY, SUSPENDED_KEY, parse_setting, read_settings
from eqprep.study.store import AnswerRecord, CardState, Store, from_iso, to_iso

if TYPE_CHECKING:
    from eqprep.quiz import Item, Verdict

KIND_HISTORY = 50


@dataclass(frozen=True)
class Outcome:
    """Result of recording an answer: whether a row was written, the rating used, next due, leech flag."""

    recorded: bool
    rating: Rating | None = None
    due: datetime | None = None
    leech: bool = False
    answer_id: int | None = None
    previous: CardState | None = None  # the card before this answer, so the rating can be undone


@dataclass(frozen=True)
class Leech:
    """A question the learner keeps forgetting."""

    question_id: str
    lapses: int
    reps: int


@dataclass(frozen=True)
class SetAside:
    """A question kept out of reviews: suspended (until restored) or buried (until `until`, the next day)."""

    question_id: str
    kind: str  # "suspended" | "buried"
    until: datetime | None = None


def utc_now() -> datetime:
    """Current time in UTC (the default clock)."""
    return datetime.now(timezone.utc)


def replace_due(card: Card, due: datetime) -> Card:
    """A copy of an fsrs card with another due time (fsrs cards are mutable; the stored one stays as it was)."""
    moved = copy.copy(card)
    moved.due = due
    return moved


class Study:
    """Ties the store, the bank and the FSRS scheduler together for one learner."""

    def __init__(self, store: Store, bank: Bank, clock: Callable[[], datetime] = utc_now,
                 tz: tzinfo | None = None, enable_fuzzing: bool = True) -> None:
        self.store = store
        self.bank = bank
        self.clock = clock
        self.tz = tz
        values, self.setting_problems = read_settings(store.settings())  # a bad stored value: its default, and a message
        self.framework = str(values["framework"])
        self.new_per_day = int(values["new_per_day"])
        self.scheduler = StudyScheduler(
            desired_retention=float(values["desired_retention"]),
            enable_fuzzing=enable_fuzzing,
            leech_threshold=int(values["leech_threshold"]),
        )

    # --- settings ----------------------------------------------------------------------------

    def set_setting(self, key: str, text: str) -> None:
        """Check, store and apply one setting; SettingError (Japanese) and nothing changed when it is not allowed."""
        value = parse_setting(key, text)
        if key == "desired_retention":
            scheduler = StudyScheduler(float(text), self.scheduler.fsrs.enable_fuzzing, self.scheduler.leech_threshold)
        elif key == "leech_threshold":
            scheduler = StudyScheduler(self.scheduler.fsrs.desired_retention, self.scheduler.fsrs.enable_fuzzing, int(text))
        else:
            scheduler = self.scheduler
        self.store.set_setting(key, text)
        self.scheduler = scheduler
        if key == "new_per_day":
            self.new_per_day = int(text)
        elif key == "framework":
            self.framework = str(value)

    def set_desired_retention(self, value: float) -> None:
        """Validate and persist the desired retention (0.70-0.97)."""
        self.set_setting("desired_retention", repr(float(value)))

    def set_new_per_day(self, value: int) -> None:
        """Persist the daily limit of new questions (0 or more)."""
        self.set_setting("new_per_day", str(int(value)))

    def set_framework(self, track: str) -> None:
        """Persist the framework track: "pytorch" (framework questions included) or "none"."""
        self.set_setting("framework", track)

    # --- recording ---------------------------------------------------------------------------

    def history_ms(self, question: Question) -> list[int]:
        """Typical-speed sample for the rating: own correct times, else recent ones of the same kind."""
        own = self.store.correct_times([question.id], KIND_HISTORY)
        if len(own) >= MIN_OWN_HISTORY:
            return own
        same_kind = [q.id for q in self.bank.questions.values() if q.kind == question.kind]
        sample = self.store.correct_times(same_kind, KIND_HISTORY)
        return sample if len(sample) >= MIN_KIND_HISTORY else []

    def record(self, item: Item, verdict: Verdict, answer_text: str, response_ms: int,
               self_rating: int | None = None, exam_id: int | None = None) -> Outcome:
        """Record one graded answer and reschedule its question family in a single transaction."""
        if verdict.status == "invalid":
            return Outcome(recorded=False)
        question = item.question
        history = [] if exam_id is not None else self.history_ms(question)  # exam answers: correctness only
        rating = rating_for(verdict.status, response_ms, history, self_rating)
        now = self.clock()
        current, updated, answer_id = self.store.record_review(
            AnswerRecord(
                question_id=question.id,
                params=dict(item.params),
                answer=answer_text,
                verdict=verdict.status,
                response_ms=int(response_ms),
                answered_at=now,
                rating=int(rating) if rating is not None else None,
                exam_id=exam_id,
            ),
            lambda card: None if rating is None else self.scheduler.review(card, question.id, rating, now, response_ms),
        )
        return Outcome(
            recorded=True,
            rating=rating,
            due=updated.card.due if updated is not None else None,
            leech=self.scheduler.is_leech(updated or current),
            answer_id=answer_id,
            previous=current,
        )

    def undo(self, outcome: Outcome) -> None:
        """Take back a recorded answer: delete its row and put its question's card back as it was."""
        if outcome.answer_id is not None:
            self.store.undo(outcome.answer_id, outcome.previous)

    def preview_due(self, question: Question) -> dict[int, datetime]:
        """When the question would come back after each self-rating 1-4 (Again..Easy), without recording."""
        now = self.clock()
        current = self.store.card(question.id)
        return {rating: self.scheduler.review(current, question.id, Rating(rating), now).card.due
                for rating in (1, 2, 3, 4)}

    def bury(self, question: Question) -> datetime:
        """Hide a question until tomorrow: its card (a new one if never seen) falls due at the next day's start."""
        tomorrow = self.day_start() + timedelta(days=1)
        stored = self.store.card(question.id)
        current = stored or self.scheduler.new_card(question.id, self.clock())
        self.store.put_card(replace(current, card=replace_due(current.card, tomorrow)))
        buried = {k: v for k, v in self._buried().items() if self._still_buried(k, v)}  # stale entries go
        buried[question.id] = {"until": to_iso(tomorrow), "due": to_iso(stored.card.due) if stored else None}
        self.store.set_setting(BURIED_KEY, json.dumps(buried, sort_keys=True))
        return tomorrow

    def suspended(self) -> set[str]:
        """Questions the learner suspended (never selected until unsuspended)."""
        stored = self.store.settings().get(SUSPENDED_KEY)
        try:
            return set(json.loads(stored)) if stored is not None else set()
        except (ValueError, TypeError):  # reported by read_settings at start
            return set()

    def suspend(self, question: Question, on: bool = True) -> None:
        """Suspend (or unsuspend) a question: review sessions skip it."""
        ids = self.suspended()
        ids = ids | {question.id} if on else ids - {question.id}
        self.store.set_setting(SUSPENDED_KEY, json.dumps(sorted(ids)))

    def _buried(self) -> dict[str, dict[str, str | None]]:
        """The stored bury entries (also stale ones: the day has passed or the question was answered since)."""
        try:
            entries = json.loads(self.store.settings().get(BURIED_KEY, "{}"))
        except ValueError:
            return {}
        return entries if isinstance(entries, dict) else {}

    def _still_buried(self, question_id: str, entry: dict[str, str | None]) -> bool:
        """True while the bury holds: its day has not come and the card still falls due exactly then."""
        try:
            until = from_iso(str(entry["until"]))
        except (KeyError, TypeError, ValueError):
            return False
        card = self.store.card(question_id)
        return until > self.clock() and card is not None and card.card.due == until

    def set_aside(self) -> list[SetAside]:
        """Suspended questions, then buried ones still hidden, each in id order."""
        found = [SetAside(question_id, "suspended") for question_id in sorted(self.suspended())]
        for question_id, entry in sorted(self._buried().items()):
            if self._still_buried(question_id, entry):
                found.append(SetAside(question_id, "buried", from_iso(str(entry["until"]))))
        return found

    def restore(self, question_id: str) -> bool:
        """Bring a suspended or buried question back into reviews now; False if it was neither.

        A buried card gets back the due time it had (a never-answered question is new again).
        """
        restored = False
        suspended = self.suspended()
        if question_id in suspended:
            self.store.set_setting(SUSPENDED_KEY, json.dumps(sorted(suspended - {question_id})))
            restored = True
        buried = self._buried()
        entry = buried.pop(question_id, None)
        if entry is not None:
            if self._still_buried(question_id, entry):
                previous = entry.get("due")
                card = self.store.card(question_id)
                if previous is None:
                    self.store.delete_card(question_id)
                elif card is not None:
                    self.store.put_card(replace(card, card=replace_due(card.card, from_iso(previous))))
                restored = True
            self.store.set_setting(BURIED_KEY, json.dumps(buried, sort_keys=True))
        return restored

    # --- selection ---------------------------------------------------------------------------

    def local_date(self, moment: datetime | None = None) -> date:
        """Calendar date of `moment` (default: now by the clock) in the learner's time zone."""
        return (moment or self.clock()).astimezone(self.tz).date()

    def day_start(self) -> datetime:
        """Start of the learner's current day (local time unless tz is given), in UTC."""
        local = self.clock().astimezone(self.tz)
        return datetime.combine(local.date(), time(0), local.tzinfo).astimezone(timezone.utc)

    def new_left_today(self) -> int:
        """How many never-seen questions may still be introduced today."""
        start = self.day_start()
        introduced = sum(1 for first in self.store.first_seen().values() if first >= start)
        return max(self.new_per_day - introduced, 0)

    def select(self, filters: Filters | None = None, mode: str = "review", count: int = 20,
               seed: int | None = None) -> list[Question]:
        """Questions for a session; see selection.select_questions for the modes."""
        now = self.clock()
        suspended = self.suspended()
        chosen = select_questions(
            self.bank,
            self.store.cards(),
            lambda state: self.scheduler.retrievability(state, now),
            now=now,
            mode=mode,
            filters=filters or Filters(),
            count=count + len(suspended),
            new_left=self.new_left_today(),
            seed=seed,
            track=self.framework,
        )
        return [q for q in chosen if q.id not in suspended][: max(count, 0)]

    def leeches(self) -> list[Leech]:
        """Cards at or over the leech threshold, most lapses first."""
        found = [
            Leech(s.question_id, s.lapses, s.reps)
            for s in self.store.cards().values()
            if self.scheduler.is_leech(s)
        ]
        return sorted(found, key=lambda leech: (-leech.lapses, leech.question_id))


def open_study(content: str | Path | None, data_dir: str | os.PathLike[str] | None,
               clock: Callable[[], datetime] = utc_now, enable_fuzzing: bool = True) -> Study:
    """Load the bank and open the learner's store (CLI and TUI share it); StoreError when nothing can be asked.

    The store is opened in a thread meanwhile: its integrity check is one long step inside SQLite, which
    releases the GIL, so a long history's check costs no time next to the bank's (Python) parsing. (Reading rows
    there would not overlap: each row takes the GIL back, and waits for the parser's switch interval.)
    """
    opened: list[Store | BaseException] = []

    def open_store() -> None:
        try:
            opened.append(Store.open(resolve_data_dir(data_dir)))
        except BaseException as error:  # noqa: BLE001 - re-raised in the caller's thread below
            opened.append(error)

    opener = threading.Thread(target=open_store, name="eqprep-open-store")
    opener.start()
    try:
        bank = load_bank(content)
    finally:
        opener.join()
    store = opened[0]
    if isinstance(store, BaseException):
        raise store
    if not bank.questions:
        raise StoreError(f"問題が 1 つも読み込めませんでした ({bank.root})。`eqprep check` で確認してください。")
    return Study(store, bank, clock=clock, enable_fuzzing=enable_fuzzing)
