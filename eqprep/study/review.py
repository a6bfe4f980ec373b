"""ReviewSession: one drill or review run (ask, grade, record, summarise) shared by `eqprep drill` and the TUI."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from eqprep.study.policy import judge

if TYPE_CHECKING:
    from eqprep.bank.model import Question
    from eqprep.quiz import Item, Verdict
    from eqprep.study.service import Outcome, Study

Timer = Callable[[], float]


@dataclass(frozen=True)
class Answer:
    """A graded answer waiting to be recorded: the item, the text typed, its verdict and the time taken."""

    item: Item
    text: str
    verdict: Verdict
    response_ms: int

    @property
    def retry(self) -> bool:
        """The input could not be read: nothing is recorded and the learner answers again."""
        return self.verdict.status == "invalid"

    @property
    def needs_rating(self) -> bool:
        """Self-graded: the learner rates Again/Hard/Good/Easy after seeing the model answer."""
        return self.verdict.status == "self"


@dataclass(frozen=True)
class SessionSummary:
    """How a session went: questions planned, answers recorded, and how many of each verdict."""

    total: int
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def answered(self) -> int:
        """Answers recorded in this session."""
        return sum(self.counts.values())

    def count(self, status: str) -> int:
        """Answers with this verdict status."""
        return self.counts.get(status, 0)


class ReviewSession:
    """Questions in order; each answer is graded under the shared policies and recorded at once."""

    def __init__(self, study: Study, questions: Sequence[Question], seeds: Callable[[], int],
                 on_skip: Callable[[Question, str], None] = lambda question, error: None,
                 timer: Timer | None = None) -> None:
        self.study = study
        self.questions = list(questions)
        self.seeds = seeds
        self.on_skip = on_skip
        self.timer = timer or time.monotonic
        self.position = -1  # index into questions of the item on screen
        self.item: Item | None = None
        self.shown_at = 0.0
        self.results: Counter[str] = Counter()

    @property
    def total(self) -> int:
        """Questions planned for this session."""
        return len(self.questions)

    @property
    def number(self) -> int:
        """1-based number of the question on screen (skipped questions keep their numbers)."""
        return self.position + 1

    def next_item(self) -> Item | None:
        """Move on to the next askable question and start its clock; None when the session is over."""
        from eqprep.quiz import make_item

        while self.position + 1 < len(self.questions):
            self.position += 1
            question = self.questions[self.position]
            seed = self.seeds()
            try:
                self.item = make_item(question, seed=seed)
            except ValueError as error:
                self.on_skip(question, str(error))
                continue
            self.shown_at = self.timer()
            return self.item
        self.item = None
        return None

    def grade(self, item: Item, text: str) -> Answer:
        """Grade an answer (thread-safe; formula answers may take a SymPy round-trip); time runs from showing."""
        verdict = judge(item, text)
        return Answer(item, text, verdict, int((self.timer() - self.shown_at) * 1000))

    def record(self, answer: Answer, self_rating: int | None = None) -> Outcome:
        """Record a gradable answer and reschedule its question (a database write: the TUI calls this in a worker)."""
        outcome = self.study.record(answer.item, answer.verdict, answer.text, answer.response_ms, self_rating)
        if outcome.recorded:
            self.results[answer.verdict.status] += 1
        return outcome

    def summary(self) -> SessionSummary:
        """The end-of-session figures."""
        return SessionSummary(self.total, dict(self.results))
