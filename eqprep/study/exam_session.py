"""ExamSession: one mock exam sitting (paper, answers, timing, grading, report) shared by `eqprep exam` and the TUI.

Policies held here and nowhere else: a blank is unanswered; unreadable input may be retyped while the paper is
open and counts as wrong once it closes; a checker crash at closing is undecided; answers are rated by
correctness alone (the learner moves freely through the paper, so its times say nothing about recall speed)
and exam rows never enter the timing history used for drill ratings (`Store.correct_times`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from eqprep.bank.model import DEFAULT_TRACK
from eqprep.study.exam import ExamReport, assemble_exam, build_report, default_minutes
from eqprep.study.policy import judge

if TYPE_CHECKING:
    from eqprep.bank.model import Bank, Question
    from eqprep.quiz import Item, Verdict
    from eqprep.study.service import Study

Timer = Callable[[], float]


@dataclass(frozen=True)
class ExamResult:
    """A closed exam: the report and, in paper order, each item with its answer text and verdict."""

    report: ExamReport
    items: list[Item]
    texts: list[str]
    verdicts: list[Verdict]


def paper_items(bank: Bank, count: int, seed: int | None, seeds: Callable[[], int],
                on_skip: Callable[[Question, str], None] = lambda q, e: None,
                framework: str = DEFAULT_TRACK) -> list[Item]:
    """The items of a paper in order (also printed by `exam --paper`); unbuildable content is skipped and reported."""
    from eqprep.quiz import make_item

    items: list[Item] = []
    for question in assemble_exam(bank, count, seed, framework):
        item_seed = seeds()
        try:
            items.append(make_item(question, seed=item_seed))
        except ValueError as error:
            on_skip(question, str(error))
    return items


class ExamSession:
    """A paper of items with the learner's answers; the front end shows questions and calls these methods."""

    def __init__(self, study: Study, items: list[Item], minutes: float, seed: int | None = None,
                 timer: Timer | None = None) -> None:
        self.study = study
        self.items = items
        self.minutes = minutes
        self.seed = seed
        self.timer = timer or time.monotonic
        self.texts = [""] * len(items)
        self.verdicts: list[Verdict | None] = [None] * len(items)
        self.recorded = [False] * len(items)
        self.spent = [0.0] * len(items)
        self.exam_id: int | None = None
        self.result: ExamResult | None = None
        self.deadline = self.timer() + minutes * 60
        self._current: int | None = None
        self._since = self.timer()
        self._lock = threading.Lock()

    @classmethod
    def create(cls, study: Study, count: int, seed: int | None, seeds: Callable[[], int],
               minutes: float | None = None, on_skip: Callable[[Question, str], None] = lambda q, e: None,
               timer: Timer | None = None) -> ExamSession:
        """Assemble a paper of `count` questions (content that cannot build an item is skipped and reported)."""
        items = paper_items(study.bank, count, seed, seeds, on_skip, study.framework)
        limit = minutes if minutes is not None else default_minutes(len(items))
        return cls(study, items, limit, seed, timer)

    # --- sitting ----------------------------------------------------------------------------

    def begin(self) -> int:
        """Create the exam row once (a database write: the TUI calls this in a worker); returns its id."""
        with self._lock:
            if self.exam_id is None:
                self.exam_id = self.study.store.start_exam(self.study.clock(), len(self.items), self.minutes,
                                                           self.seed)
            return self.exam_id

    def left_seconds(self) -> float:
        """Seconds until the time limit."""
        return self.deadline - self.timer()

    def time_up(self) -> bool:
        """The time limit has passed."""
        return self.left_seconds() <= 0

    def visit(self, index: int | None) -> None:
        """Question `index` is now on screen (None: none is); the time since the last visit goes to the previous one."""
        now = self.timer()
        if self._current is not None:
            self.spent[self._current] += now - self._since
        self._current, self._since = index, now

    def set_answer(self, index: int, text: str) -> None:
        """Keep what is typed or selected for a question (graded when the paper closes)."""
        self.texts[index] = text

    def answer(self, index: int, text: str) -> Verdict:
        """Grade an answer now; an `invalid` verdict means the learner may retype (nothing is kept)."""
        verdict = judge(self.items[index], text, blank_is_unanswered=True)
        if verdict.status != "invalid":
            self.texts[index], self.verdicts[index] = text, verdict
        return verdict

    def record(self, index: int) -> None:
        """Record a graded answer now, so a sitting cut short keeps what was answered (database write)."""
        verdict = self.verdicts[index]
        if verdict is None or self.recorded[index]:
            return
        self.study.record(self.items[index], verdict, self.texts[index], int(self.spent[index] * 1000),
                          exam_id=self.begin())
        self.recorded[index] = True

    @property
    def answered(self) -> int:
        """Questions with a non-blank answer so far."""
        return sum(1 for text in self.texts if text.strip())

    # --- closing ----------------------------------------------------------------------------

    def finish(self) -> ExamResult:
        """Close the paper: grade what is left (final rules), record every answer, store and return the report."""
        if self.result is not None:
            return self.result
        self.visit(None)
        for index, item in enumerate(self.items):
            if self.verdicts[index] is None:
                self.verdicts[index] = judge(item, self.texts[index], blank_is_unanswered=True, final=True)
            self.record(index)
        verdicts = [v for v in self.verdicts if v is not None]
        report = build_report(self.study.bank, [(item.question, v.status) for item, v in zip(self.items, verdicts,
                                                                                                 strict=True)])
        self.study.store.finish_exam(self.begin(), self.study.clock(), report.to_dict())
        self.result = ExamResult(report, self.items, list(self.texts), verdicts)
        return self.result
