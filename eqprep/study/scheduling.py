"""FSRS-6 scheduling of question families (fsrs package) and the verdict -> rating mapping."""

from __future__ import annotations

import statistics
import zlib
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timezone

from fsrs import Card, Rating, Scheduler, State

from eqprep.study.settings import DEFAULT_LEECH_THRESHOLD, DEFAULT_RETENTION, RETENTION_RANGE
from eqprep.study.store import CardState

FAST_RATIO = 0.5
SLOW_RATIO = 2.0
MIN_OWN_HISTORY = 3
MIN_KIND_HISTORY = 5
RATING_NAMES = {1: "Again (忘れた)", 2: "Hard (難しい)", 3: "Good (できた)", 4: "Easy (簡単)"}


def rating_for(
    status: str, response_ms: int, history_ms: Sequence[int] = (), self_rating: int | None = None
) -> Rating | None:
    """Map a verdict to an FSRS rating (None = do not reschedule); see docs/study.md for the table."""
    if status in ("wrong", "unanswered"):
        return Rating.Again
    if status == "self":
        if self_rating not in (1, 2, 3, 4):
            raise ValueError("自己採点には 1〜4 (Again/Hard/Good/Easy) の評価が必要です。")
        return Rating(self_rating)
    if status != "correct":
        return None
    if not history_ms:
        return Rating.Good
    typical = statistics.median(history_ms)
    if response_ms <= FAST_RATIO * typical:
        return Rating.Easy
    if response_ms >= SLOW_RATIO * typical:
        return Rating.Hard
    return Rating.Good


def card_id_for(question_id: str) -> int:
    """A stable fsrs card id derived from the question id (fsrs only uses it to tag logs)."""
    return zlib.crc32(question_id.encode("utf-8")) + 1


class StudyScheduler:
    """Wraps fsrs.Scheduler: new cards, reviews with reps/lapses counting, retrievability, leeches."""

    def __init__(
        self,
        desired_retention: float = DEFAULT_RETENTION,
        enable_fuzzing: bool = True,
        leech_threshold: int = DEFAULT_LEECH_THRESHOLD,
    ) -> None:
        low, high = RETENTION_RANGE
        if not low <= desired_retention <= high:
            raise ValueError(f"目標保持率は {low}〜{high} の範囲で指定してください (指定値 {desired_retention})。")
        self.fsrs = Scheduler(desired_retention=desired_retention, enable_fuzzing=enable_fuzzing)
        self.leech_threshold = leech_threshold

    def new_card(self, question_id: str, now: datetime) -> CardState:
        """A never-reviewed card for a question family, due now."""
        return CardState(question_id, Card(card_id=card_id_for(question_id), due=now))

    def review(self, state: CardState | None, question_id: str, rating: Rating, when: datetime,
               duration_ms: int | None = None) -> CardState:
        """Apply one rating at `when` (UTC); a lapse is Again on a card in the Review state."""
        when = when.astimezone(timezone.utc)
        current = state or self.new_card(question_id, when)
        card, _log = self.fsrs.review_card(current.card, rating, review_datetime=when, review_duration=duration_ms)
        lapse = rating == Rating.Again and current.card.state == State.Review
        return replace(current, card=card, reps=current.reps + 1, lapses=current.lapses + int(lapse))

    def retrievability(self, state: CardState | None, now: datetime) -> float:
        """Predicted recall probability now (0 for an unseen question)."""
        if state is None:
            return 0.0
        return float(self.fsrs.get_card_retrievability(state.card, now.astimezone(timezone.utc)))

    def is_leech(self, state: CardState | None) -> bool:
        """True when the card lapsed at least leech_threshold times."""
        return state is not None and state.lapses >= self.leech_threshold
