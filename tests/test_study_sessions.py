"""Study facade with a small in-memory bank: recording, selection modes, limits, exams, stats, transfer."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from fsrs import Rating, State
from hypothesis import given
from hypothesis import strategies as st

from eqprep.bank.model import (
    AREAS,
    Bank,
    ChoiceQuestion,
    Mistake,
    NumericQuestion,
    ParametricQuestion,
    ParamSpec,
    Question,
    SelfGradedQuestion,
    SyllabusItem,
)
from eqprep.quiz import Verdict, grade, make_item
from eqprep.study import (
    Filters,
    Store,
    StoreError,
    Study,
    assemble_exam,
    build_report,
    compute_stats,
    export_json,
    import_json,
)
from eqprep.study.exam import area_weights, quotas
from eqprep.study.service import Leech
from eqprep.study.stats import Day, Retention

T0 = datetime(2026, 4, 1, 10, 0, tzinfo=timezone.utc)
AREA_TAGS = {"応用数学": "1-2-1", "機械学習": "2-2-1", "深層学習": "3-1-1", "開発環境": "5-1-2"}


class Clock:
    """A settable clock so scheduling is deterministic."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def _numeric(qid: str, tag: str, value: float, topic: str = "t", source: str | None = None) -> NumericQuestion:
    return NumericQuestion(id=qid, topic=topic, prompt=f"{qid}?", explanation="e", tags=(tag,),
                           path=Path("x.toml"), source=source, answer=(value,),
                           mistakes=tuple(Mistake(f"{k} 多い", (f"{value} + {k}",)) for k in (1, 2, 3)))


def make_bank(per_area: dict[str, int] | None = None) -> Bank:
    """Numeric questions per area (answer = index), plus one choice, one self-graded, one parametric."""
    per_area = per_area or {"応用数学": 3, "機械学習": 3, "深層学習": 6, "開発環境": 2}
    syllabus = {
        "1-2-1": SyllabusItem("1-2-1", "確率", "応用数学"),
        "1-1-1": SyllabusItem("1-1-1", "行列", "応用数学", option=True),
        "2-2-1": SyllabusItem("2-2-1", "回帰", "機械学習"),
        "3-1-1": SyllabusItem("3-1-1", "NN", "深層学習"),
        "3-1-2": SyllabusItem("3-1-2", "出力層", "深層学習"),
        "3-1-3": SyllabusItem("3-1-3", "損失", "深層学習"),
        "5-1-2": SyllabusItem("5-1-2", "分散", "開発環境"),
    }
    questions: dict[str, Question] = {}
    for area, n in per_area.items():
        for i in range(n):
            q = _numeric(f"{AREA_TAGS[area]}-q{i}", AREA_TAGS[area], i, topic=f"topic-{area}",
                         source="確認テスト3" if i == 0 else None)
            questions[q.id] = q
    extra: list[Question] = [
        ChoiceQuestion(id="choice", topic="c", prompt="p", explanation="e", tags=("3-1-2",),
                       path=Path("x"), choices=("A", "B", "C"), answer=frozenset({"B"})),
        SelfGradedQuestion(id="essay", topic="c", prompt="p", explanation="e",
                           tags=("3-1-3",), path=Path("x"), answer="model"),
        ParametricQuestion(id="param", topic="c", prompt="{a}+{b}?", explanation="e",
                           tags=("3-1-1",), path=Path("x"), params={"a": ParamSpec("a", 1, 9), "b": ParamSpec("b", 1, 9)},
                           answer=("a + b",)),
        _numeric("option-only", "1-1-1", 1),
    ]
    questions.update({q.id: q for q in extra})
    return Bank(root=Path("."), questions=questions, syllabus=syllabus)


@pytest.fixture
def study(tmp_path: Path) -> Study:
    return Study(Store.open(tmp_path), make_bank(), clock=Clock(T0), tz=timezone.utc, enable_fuzzing=False)


def answer(study: Study, qid: str, text: str, ms: int = 3000, self_rating: int | None = None):  # type: ignore[no-untyped-def]
    """Ask a bank question with fixed numbers and record the typed text."""
    item = make_item(study.bank.questions[qid], seed=7)
    return study.record(item, grade(item, text), text, ms, self_rating)


def test_record_writes_answer_and_schedules(study: Study) -> None:
    outcome = answer(study, "3-1-1-q2", "2")
    assert outcome.recorded and outcome.rating == Rating.Good
    [row] = study.store.answers()
    assert (row.question_id, row.answer, row.verdict, row.response_ms, row.rating) == ("3-1-1-q2", "2", "correct",
                                                                                        3000, 3)
    assert study.store.card("3-1-1-q2").card.due == outcome.due == T0 + timedelta(minutes=10)


def test_invalid_is_not_recorded_and_wrong_is_again(study: Study) -> None:
    assert not answer(study, "3-1-1-q2", "abc").recorded
    assert study.store.answers() == []
    assert answer(study, "3-1-1-q2", "5").rating == Rating.Again


def test_undecided_is_recorded_but_not_scheduled(study: Study) -> None:
    item = make_item(study.bank.questions["3-1-1-q1"], seed=1)
    outcome = study.record(item, Verdict("undecided", "時間切れ", "1"), "x", 100)
    assert outcome.recorded and outcome.rating is None and outcome.due is None
    assert study.store.answers()[0].verdict == "undecided"
    assert study.store.card("3-1-1-q1") is None


def test_self_graded_uses_learner_rating(study: Study) -> None:
    assert answer(study, "essay", "my text", self_rating=4).rating == Rating.Easy
    with pytest.raises(ValueError):
        answer(study, "essay", "my text")


def test_parametric_family_keeps_params_of_each_instance(study: Study) -> None:
    for seed in (1, 2):
        item = make_item(study.bank.questions["param"], seed=seed)
        study.record(item, grade(item, str(item.expected[0])), str(item.expected[0]), 2000)
    rows = study.store.answers("param")
    assert [r.params for r in rows] == [make_item(study.bank.questions["param"], seed=s).params for s in (1, 2)]
    assert all(r.verdict == "correct" for r in rows)
    assert study.store.card("param").reps == 2


def test_fast_answers_become_easy_once_history_exists(study: Study) -> None:
    for i in range(4):
        answer(study, f"3-1-1-q{i}", str(i), ms=4000)
    assert answer(study, "2-2-1-q1", "1", ms=1000).rating == Rating.Good, "4 samples are not enough yet"
    assert answer(study, "3-1-1-q5", "5", ms=1000).rating == Rating.Easy
    assert answer(study, "1-2-1-q1", "1", ms=30000).rating == Rating.Hard


def test_review_mode_puts_due_first_then_new_within_daily_limit(study: Study) -> None:
    study.set_new_per_day(3)
    answer(study, "3-1-1-q0", "9")
    study.clock.now = T0 + timedelta(hours=1)  # type: ignore[attr-defined]
    picked = study.select(count=50)
    assert picked[0].id == "3-1-1-q0"
    assert len(picked) == 1 + 2, "one of the three new slots was used today"
    assert all(q.id not in study.store.cards() for q in picked[1:])


def test_new_limit_resets_next_day(study: Study) -> None:
    study.set_new_per_day(1)
    answer(study, "3-1-1-q0", "0")
    assert study.new_left_today() == 0
    study.clock.now = T0 + timedelta(days=1)  # type: ignore[attr-defined]
    assert study.new_left_today() == 1


def test_due_mode_only_returns_due_cards(study: Study) -> None:
    answer(study, "3-1-1-q0", "0")
    assert study.select(mode="due") == []
    study.clock.now = T0 + timedelta(minutes=11)  # type: ignore[attr-defined]
    assert [q.id for q in study.select(mode="due")] == ["3-1-1-q0"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(area="開発環境"), {"5-1-2-q0", "5-1-2-q1"}),
        (Filters(source="確認テスト"), {f"{t}-q0" for t in AREA_TAGS.values()}),
        (Filters(kind="choice"), {"choice"}),
        (Filters(tag="3-1-3"), {"essay"}),
        (Filters(topic="topic-機械学習"), {"2-2-1-q0", "2-2-1-q1", "2-2-1-q2"}),
    ],
)
def test_drill_filters(study: Study, filters: Filters, expected: set[str]) -> None:
    study.set_new_per_day(0)
    assert {q.id for q in study.select(filters, mode="drill", count=100)} == expected


def test_weak_mode_orders_by_lapses_then_recall(study: Study) -> None:
    clock = study.clock
    for qid, forget in (("3-1-1-q0", 2), ("3-1-1-q1", 0), ("3-1-1-q2", 1)):
        lapses = 0
        while True:
            state = study.store.card(qid)
            if state is not None and state.card.state == State.Review:
                if lapses == forget:
                    break
                clock.now = state.card.due  # type: ignore[attr-defined]
                answer(study, qid, "999")
                lapses += 1
                continue
            if state is not None:
                clock.now = max(clock.now, state.card.due)  # type: ignore[attr-defined]
            answer(study, qid, qid[-1])
    assert [q.id for q in study.select(mode="weak", count=3)] == ["3-1-1-q0", "3-1-1-q2", "3-1-1-q1"]


def test_leeches_listed_at_threshold(study: Study) -> None:
    study.scheduler.leech_threshold = 1
    answer(study, "3-1-1-q0", "0")
    state = study.store.card("3-1-1-q0")
    while state.card.state != State.Review:
        study.clock.now = state.card.due  # type: ignore[attr-defined]
        answer(study, "3-1-1-q0", "0")
        state = study.store.card("3-1-1-q0")
    study.clock.now = state.card.due  # type: ignore[attr-defined]
    assert answer(study, "3-1-1-q0", "7").leech
    assert [(x.question_id, x.lapses) for x in study.leeches()] == [("3-1-1-q0", 1)]
    assert compute_stats(study).leeches == [Leech("3-1-1-q0", lapses=1, reps=state.reps + 1)]


def test_desired_retention_is_validated_and_persisted(study: Study, tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        study.set_desired_retention(0.3)
    study.set_desired_retention(0.85)
    again = Study(Store.open(tmp_path), study.bank)
    assert again.scheduler.fsrs.desired_retention == 0.85


def test_quotas_follow_weights_and_spill_over() -> None:
    weights = {"応用数学": 2, "機械学習": 2, "深層学習": 4, "開発環境": 2}
    assert quotas(weights, {a: 100 for a in weights}, 10) == {"応用数学": 2, "機械学習": 2, "深層学習": 4, "開発環境": 2}
    short = quotas(weights, {"応用数学": 100, "機械学習": 0, "深層学習": 100, "開発環境": 1}, 10)
    assert short["機械学習"] == 0 and short["開発環境"] == 1 and sum(short.values()) == 10
    assert short["深層学習"] > short["応用数学"]
    assert sum(quotas(weights, {a: 1 for a in weights}, 10).values()) == 4


@given(
    weights=st.lists(st.integers(0, 30), min_size=4, max_size=4),
    available=st.lists(st.integers(0, 60), min_size=4, max_size=4),
    count=st.integers(0, 150),
)
def test_quotas_never_exceed_supply_and_fill_what_they_can(weights: list[int], available: list[int],
                                                           count: int) -> None:
    w = dict(zip(AREAS, weights))
    a = dict(zip(AREAS, available))
    share = quotas(w, a, count)
    assert sum(share.values()) == min(count, sum(available))
    assert all(0 <= share[k] <= a[k] for k in AREAS)
    if all(a[k] >= count for k in AREAS) and sum(weights):
        for k in AREAS:
            assert abs(share[k] - count * w[k] / sum(weights)) < 1


def test_exam_is_proportional_and_excludes_self_graded_and_option_only() -> None:
    bank = make_bank({"応用数学": 10, "機械学習": 10, "深層学習": 20, "開発環境": 10})
    weights = area_weights(bank)
    assert weights == {"応用数学": 1, "機械学習": 1, "深層学習": 3, "開発環境": 1}
    paper = assemble_exam(bank, 12, seed=5)
    assert len(paper) == len({q.id for q in paper}) == 12
    counts = {a: sum(1 for q in paper if bank.area_of(q) == a) for a in AREAS}
    assert counts == {"応用数学": 2, "機械学習": 2, "深層学習": 6, "開発環境": 2}
    assert not {"essay", "option-only"} & {q.id for q in paper}
    assert [q.id for q in assemble_exam(bank, 12, seed=5)] == [q.id for q in paper]


def test_exam_report_by_area_and_topic() -> None:
    bank = make_bank()
    qs = bank.questions
    results = [(qs["1-2-1-q0"], "correct"), (qs["1-2-1-q1"], "wrong"), (qs["3-1-1-q0"], "unanswered"),
               (qs["choice"], "correct")]
    report = build_report(bank, results)
    assert (report.total.correct, report.total.total, report.unanswered) == (2, 4, 1)
    assert report.areas["応用数学"].percent == 50.0
    assert (report.areas["深層学習"].correct, report.areas["深層学習"].total) == (1, 2)
    assert report.areas["開発環境"].total == 0
    assert report.topics["c"].correct == 1
    assert report.wrong == ["1-2-1-q1", "3-1-1-q0"]
    assert json.loads(json.dumps(report.to_dict()))["areas"]["応用数学"] == {"correct": 1, "total": 2}


def test_stats_counts_streak_and_mastery(study: Study) -> None:
    answer(study, "3-1-1-q0", "0")
    study.clock.now = T0 + timedelta(days=1)  # type: ignore[attr-defined]
    answer(study, "3-1-1-q1", "5")
    answer(study, "3-1-1-q0", "0")
    stats = compute_stats(study)
    assert (stats.answers, stats.seen, stats.streak) == (3, 2, 2)
    assert stats.retention == Retention(days=30, reviews=3, passed=2, rate=round(2 / 3, 4))
    assert stats.history[-1] == Day(date(2026, 4, 2), answers=2, correct=1)
    assert stats.to_dict()["history"][-1] == {"date": "2026-04-02", "answers": 2, "correct": 1}
    area = {row.name: row for row in stats.areas}["深層学習"]
    assert area.seen == 2 and area.accuracy == round(2 / 3, 4)
    # q0 was recalled twice (retrievability ~1 right after), q1 was just missed and not yet relearned (counts 0)
    assert area.mastery == pytest.approx(0.5, abs=0.01)
    assert stats.due_now == 0 and stats.due_today == 1, "q1 was just missed: due again in a minute"
    study.clock.now += timedelta(minutes=2)  # type: ignore[attr-defined]
    assert compute_stats(study).due_now == 1
    study.clock.now += timedelta(days=5)  # type: ignore[attr-defined]
    assert compute_stats(study).streak == 0


def test_export_import_round_trip_reproduces_stats(study: Study, tmp_path: Path) -> None:
    answer(study, "3-1-1-q0", "0")
    answer(study, "choice", "x")
    answer(study, "essay", "t", self_rating=2)
    exam_id = study.store.start_exam(T0, 2, 2.4, 1)
    study.store.finish_exam(exam_id, T0, build_report(study.bank, [(study.bank.questions["choice"], "wrong")]).to_dict())
    study.set_desired_retention(0.8)
    backup = tmp_path / "backup.json"
    export_json(study.store, backup)
    fresh = Store.open(tmp_path / "other")
    assert import_json(fresh, backup)["answers"] == 2
    target = Study(fresh, study.bank, clock=study.clock, tz=timezone.utc)
    assert compute_stats(target) == compute_stats(study)
    assert import_json(target.store, backup) == {"answers": 0, "cards": 0, "exams": 0, "settings": 1}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "JSON として読めません"),
        ('{"format": "other"}', "エクスポートではありません"),
        ('{"format": "eqprep-progress", "version": 99}', "対応していない版"),
        ('{"format": "eqprep-progress", "version": 1, "answers": [{"question_id": "q"}]}', "がありません"),
    ],
)
def test_import_rejects_bad_files_without_writing(tmp_path: Path, content: str, message: str) -> None:
    store = Store.open(tmp_path / "data")
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(StoreError, match=message):
        import_json(store, bad)
    assert store.dump() == {"answers": [], "cards": [], "exams": [], "settings": []}
