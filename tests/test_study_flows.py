"""The use-case layer both front ends share: answer policies, ReviewSession, ExamSession and their presenters."""

from __future__ import annotations

from datetime import timezone
from pathlib import Path

import pytest
from fsrs import Rating

from eqprep.bank.model import ChoiceQuestion
from eqprep.bank.params import format_value
from eqprep.quiz import Item, Verdict, make_item
from eqprep.study import ExamSession, ReviewSession, Store, Study
from eqprep.study.policy import judge
from eqprep.study.present import answer_review_lines, exam_report_text, summary_text
from tests.test_study_sessions import T0, Clock, make_bank


class Ticks:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def study(tmp_path: Path) -> Study:
    return Study(Store.open(tmp_path), make_bank(), clock=Clock(T0), tz=timezone.utc, enable_fuzzing=False)


def _item(study: Study, qid: str):  # type: ignore[no-untyped-def]
    return make_item(study.bank.questions[qid], seed=3)


def test_policies_for_open_and_closed_papers(study: Study) -> None:
    """'?' is a wrong "don't know"; blank is unanswered only where skipping is allowed; unreadable input asks again
    until the paper closes, then it is wrong."""
    item = _item(study, "3-1-1-q2")
    assert judge(item, " ? ").status == "wrong" and "わからない" in judge(item, "?").message
    assert judge(item, "").status == "invalid"
    assert judge(item, "  ", blank_is_unanswered=True).status == "unanswered"
    assert judge(item, "seven").status == "invalid"
    assert judge(item, "seven", final=True).status == "wrong"
    assert judge(item, "2").status == "correct" and judge(item, "3").status == "wrong"


def test_checker_crash_asks_again_or_is_undecided_at_closing(study: Study, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failing checker never becomes a traceback or a lost paper."""
    def broken(*_: object) -> Verdict:
        raise RuntimeError("boom")

    monkeypatch.setattr("eqprep.study.policy.grade", broken)
    item = _item(study, "3-1-1-q2")
    assert judge(item, "2").status == "invalid" and "boom" in judge(item, "2").message
    assert judge(item, "2", final=True).status == "undecided"


def test_review_session_times_from_showing_and_summarises(study: Study) -> None:
    """Response time runs from next_item to the gradable answer; invalid input records nothing."""
    ticks = Ticks()
    seeds = iter(range(100))
    session = ReviewSession(study, [study.bank.questions[q] for q in ("3-1-1-q1", "3-1-1-q2")],
                            lambda: next(seeds), timer=ticks)
    item = session.next_item()
    assert item is not None and session.number == 1
    ticks.now += 4.5
    unreadable = session.grade(item, "abc")
    assert unreadable.retry and not session.record(unreadable).recorded
    answer = session.grade(item, "1")
    assert answer.response_ms == 4500 and session.record(answer).rating == Rating.Good
    item = session.next_item()
    assert item is not None and session.number == 2
    session.record(session.grade(item, "?"))
    assert session.next_item() is None
    summary = session.summary()
    assert (summary.total, summary.answered, summary.count("correct"), summary.count("wrong")) == (2, 2, 1, 1)
    assert summary_text(summary) == "お疲れさまでした。2/2 問に解答、正解 1、不正解 1。"
    assert [(r.verdict, r.response_ms) for r in study.store.answers()] == [("correct", 4500), ("wrong", 0)]


def test_review_session_skips_content_that_cannot_be_asked(study: Study, monkeypatch: pytest.MonkeyPatch) -> None:
    """A question whose item cannot be built is reported and skipped; numbering keeps its place."""
    skipped: list[str] = []

    def make(question: object, seed: int) -> object:
        if getattr(question, "id", "") == "3-1-1-q1":
            raise ValueError("制約を満たせません")
        return make_item(question, seed=seed)  # type: ignore[arg-type]

    monkeypatch.setattr("eqprep.quiz.make_item", make)
    session = ReviewSession(study, [study.bank.questions[q] for q in ("3-1-1-q1", "3-1-1-q2")], lambda: 1,
                            on_skip=lambda q, error: skipped.append(f"{q.id}: {error}"))
    item = session.next_item()
    assert item is not None and item.question.id == "3-1-1-q2" and session.number == 2
    assert skipped == ["3-1-1-q1: 制約を満たせません"]


def _right(item: Item) -> str:
    """The correct answer as typed: the value, or the number of the correct option."""
    if item.expected:
        return format_value(item.expected[0])
    assert isinstance(item.question, ChoiceQuestion)
    return ",".join(str(n) for n, c in enumerate(item.choices, 1) if c in item.question.answer)


def _drill_history(study: Study, qid: str, ms: int, times: int = 3) -> None:
    item = _item(study, qid)
    for _ in range(times):
        study.record(item, Verdict("correct", "", ""), "x", ms)


def test_exam_rates_by_correctness_and_keeps_out_of_timing_history(study: Study) -> None:
    """Regression: exam answers are Good when correct whatever their time, and never enter correct_times,
    so a later drill answer at the learner's usual speed stays Good (it was Hard once zero-time exam rows
    dominated the median)."""
    ticks = Ticks()
    exam = ExamSession.create(study, 4, seed=1, seeds=lambda: 5, timer=ticks)
    assert len(exam.items) == 4
    for item in exam.items:
        _drill_history(study, item.question.id, 8000)
    exam.begin()
    for index, item in enumerate(exam.items):
        exam.visit(index)
        ticks.now += 1.0 + index
        exam.set_answer(index, _right(item))
    result = exam.finish()
    assert result.report.total.correct == 4
    rows = study.store.answers(exam_id=exam.exam_id)
    assert [(r.verdict, r.rating) for r in rows] == [("correct", int(Rating.Good))] * 4
    assert [r.response_ms for r in rows] == [1000, 2000, 3000, 4000]
    first = exam.items[0].question
    assert study.store.correct_times([first.id], 50) == [8000, 8000, 8000]
    later = study.record(_item(study, first.id), Verdict("correct", "", ""), "x", 7000)
    assert later.rating == Rating.Good


def test_exam_session_retry_then_record_as_you_go_and_close_once(study: Study) -> None:
    """CLI style: unreadable input may be retyped; each answer is recorded at once; finish grades the rest."""
    exam = ExamSession.create(study, 3, seed=2, seeds=lambda: 5, timer=Ticks())
    assert exam.answer(0, "seven").status == "invalid" and exam.verdicts[0] is None
    exam.answer(0, "?")
    exam.record(0)
    assert exam.exam_id is not None and len(study.store.answers(exam_id=exam.exam_id)) == 1
    exam.set_answer(1, "seven")  # TUI style: left unreadable when the paper closes
    result = exam.finish()
    assert [v.status for v in result.verdicts] == ["wrong", "wrong", "unanswered"]
    assert exam.finish() is result and len(study.store.exams()) == 1
    assert len(study.store.answers(exam_id=exam.exam_id)) == 3
    lines = answer_review_lines(result.items, result.verdicts)
    assert [line.split()[1] for line in lines] == ["✕", "✕", "―"]
    assert answer_review_lines(result.items, result.verdicts, missed_only=True) == lines
    text = exam_report_text(result.report, {})
    assert text.startswith("総合  0/3 問正解  0.0%\n未解答 1 問") and "誤答・未解答の 3 問" in text
