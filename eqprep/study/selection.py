"""Choosing what to ask next: due reviews, new questions within the daily limit, drills, weak spots."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from eqprep.bank.model import DEFAULT_TRACK, Bank, Question, on_track
from eqprep.study.order import new_question_order
from eqprep.study.store import CardState

MODES = ("review", "due", "new", "drill", "weak")


@dataclass(frozen=True)
class Filters:
    """Narrow the bank: topic (note id), syllabus area, syllabus tag, kind, source prefix, framework."""

    topic: str | None = None
    area: str | None = None
    tag: str | None = None
    kind: str | None = None
    source: str | None = None
    framework: str | None = None

    def matches(self, bank: Bank, question: Question) -> bool:
        """True when the question passes every given filter."""
        return (
            (self.topic is None or question.topic == self.topic or question.note_id == self.topic)
            and (self.area is None or bank.area_of(question) == self.area)
            and (self.tag is None or self.tag in question.tags)
            and (self.kind is None or question.kind == self.kind)
            and (self.source is None or (question.source or "").startswith(self.source))
            and (self.framework is None or question.framework == self.framework)
        )


def select_questions(
    bank: Bank,
    cards: dict[str, CardState],
    retrievability: Callable[[CardState], float],
    *,
    now: datetime,
    mode: str = "review",
    filters: Filters = Filters(),
    count: int = 20,
    new_left: int = 20,
    seed: int | None = None,
    track: str = DEFAULT_TRACK,
) -> list[Question]:
    """Pick up to `count` questions for a session (see docs/study.md for the meaning of each mode)."""
    if mode not in MODES:
        raise ValueError(f"不明なモード: {mode} (使えるもの: {', '.join(MODES)})")
    pool = [q for q in bank.questions.values() if on_track(q, track) and filters.matches(bank, q)]
    seen = [q for q in pool if q.id in cards]
    due = sorted(
        (q for q in seen if cards[q.id].card.due <= now),
        key=lambda q: (retrievability(cards[q.id]), cards[q.id].card.due, q.id),
    )
    fresh = new_question_order(bank, (q for q in pool if q.id not in cards))
    if seed is not None:
        random.Random(seed).shuffle(fresh)
    if mode == "due":
        chosen = due
    elif mode == "new":
        chosen = fresh[: max(new_left, 0)]
    elif mode == "review":
        chosen = due + fresh[: max(new_left, 0)]
    elif mode == "weak":
        chosen = sorted(seen, key=lambda q: (-cards[q.id].lapses, retrievability(cards[q.id]), q.id))
    else:
        rest = sorted(
            (q for q in seen if cards[q.id].card.due > now), key=lambda q: (retrievability(cards[q.id]), q.id)
        )
        chosen = due + fresh + rest
    return chosen[: max(count, 0)]
