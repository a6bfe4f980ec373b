"""FSRS scheduling: verdict -> rating mapping, intervals identical to fsrs, retention, lapses and leeches."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from fsrs import Card, Rating, Scheduler, State

from eqprep.study import StudyScheduler, rating_for
from eqprep.study.scheduling import card_id_for

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("status", "ms", "history", "self_rating", "expected"),
    [
        ("wrong", 1000, [4000, 4000, 4000], None, Rating.Again),
        ("unanswered", 0, [], None, Rating.Again),
        ("correct", 4000, [], None, Rating.Good),
        ("correct", 4000, [4000, 3000, 5000], None, Rating.Good),
        ("correct", 2000, [4000, 3000, 5000], None, Rating.Easy),
        ("correct", 8000, [4000, 3000, 5000], None, Rating.Hard),
        ("self", 9000, [], 2, Rating.Hard),
        ("self", 9000, [], 4, Rating.Easy),
        ("undecided", 1000, [], None, None),
    ],
)
def test_rating_mapping(status: str, ms: int, history: list[int], self_rating: int | None,
                        expected: Rating | None) -> None:
    assert rating_for(status, ms, history, self_rating) == expected


def test_self_graded_needs_a_rating() -> None:
    with pytest.raises(ValueError, match="自己採点"):
        rating_for("self", 1000, [], None)


def test_scripted_history_follows_fsrs() -> None:
    """Replaying a scripted verdict history gives exactly fsrs's cards and intervals."""
    script = [("correct", 5000), ("correct", 5000), ("wrong", 3000), ("correct", 4000), ("correct", 1000),
              ("correct", 20000)]
    ours = StudyScheduler(desired_retention=0.9, enable_fuzzing=False)
    reference = Scheduler(desired_retention=0.9, enable_fuzzing=False)
    ref_card = Card(card_id=card_id_for("fam"), due=T0)
    state = None
    history: list[int] = []
    when = T0
    for status, ms in script:
        rating = rating_for(status, ms, history if len(history) >= 3 else [])
        assert rating is not None
        state = ours.review(state, "fam", rating, when, ms)
        ref_card, _ = reference.review_card(ref_card, rating, review_datetime=when, review_duration=ms)
        assert state.card.to_dict() == ref_card.to_dict()
        if status == "correct":
            history.append(ms)
        when = state.card.due
    assert state is not None and state.reps == len(script)


def test_good_good_good_matches_published_run() -> None:
    """Anchor from the py-fsrs 6.3 docs run: 10 min, then 2 days, then 11 days (fuzz off)."""
    ours = StudyScheduler(enable_fuzzing=False)
    state = ours.review(None, "q", Rating.Good, T0)
    assert state.card.due - T0 == timedelta(minutes=10)
    second = state.card.due
    state = ours.review(state, "q", Rating.Good, second)
    assert state.card.state == State.Review and (state.card.due - second).days == 2
    third = state.card.due
    state = ours.review(state, "q", Rating.Good, third)
    assert (state.card.due - third).days == 11


def test_higher_retention_gives_shorter_intervals() -> None:
    def interval(retention: float) -> timedelta:
        scheduler = StudyScheduler(desired_retention=retention, enable_fuzzing=False)
        state = scheduler.review(None, "q", Rating.Good, T0)
        state = scheduler.review(state, "q", Rating.Good, state.card.due)
        when = state.card.due
        state = scheduler.review(state, "q", Rating.Good, when)
        return state.card.due - when

    assert interval(0.95) < interval(0.9) < interval(0.8)


def test_retention_out_of_range_is_rejected() -> None:
    with pytest.raises(ValueError, match="目標保持率"):
        StudyScheduler(desired_retention=0.5)


def test_lapses_count_only_forgetting_in_review_and_make_a_leech() -> None:
    scheduler = StudyScheduler(enable_fuzzing=False, leech_threshold=3)
    state = scheduler.review(None, "q", Rating.Again, T0)
    assert state.lapses == 0, "Again while still learning is not a lapse"
    when = T0
    lapses = 0
    while lapses < 3:
        assert not scheduler.is_leech(state)
        while state.card.state != State.Review:
            when = state.card.due
            state = scheduler.review(state, "q", Rating.Good, when)
        when = state.card.due
        state = scheduler.review(state, "q", Rating.Again, when)
        lapses += 1
        assert state.lapses == lapses
    assert scheduler.is_leech(state)


def test_retrievability_is_zero_unseen_and_falls_with_time() -> None:
    scheduler = StudyScheduler(enable_fuzzing=False)
    assert scheduler.retrievability(None, T0) == 0.0
    state = scheduler.review(None, "q", Rating.Good, T0)
    state = scheduler.review(state, "q", Rating.Good, state.card.due)
    soon = scheduler.retrievability(state, state.card.due)
    late = scheduler.retrievability(state, state.card.due + timedelta(days=30))
    assert 0.0 < late < soon <= 1.0
