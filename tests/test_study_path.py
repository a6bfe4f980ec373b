"""The study path: new questions follow the course, topics interleave, option items come last."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from eqprep.bank.loader import load_bank
from eqprep.bank.model import Bank
from eqprep.bank.studypath import Stage, StudyPath, load_study_path, study_path_problems
from eqprep.study import Store, Study
from eqprep.study.order import is_option_only, new_question_order


@pytest.fixture(scope="module")
def shipped() -> Bank:
    """The bundled content, loaded once without touching any cache."""
    return load_bank(use_cache=False)


def test_shipped_path_is_valid_and_covers_every_note(shipped: Bank) -> None:
    path = load_study_path(shipped.root)
    assert len(path.stages) >= 5
    assert path.stages[0].topics[0] == "nn-basics"
    assert study_path_problems(shipped) == []


def test_new_learner_first_20_come_from_the_first_stage_without_option_items(shipped: Bank, tmp_path: Path) -> None:
    study = Study(Store.open(tmp_path / "data"), shipped, clock=lambda: datetime(2026, 12, 7, 9, tzinfo=timezone.utc))
    study.set_new_per_day(50)
    first = study.select(mode="new", count=20)
    assert len(first) == 20
    first_stage = set(load_study_path(shipped.root).stages[0].topics)
    assert {q.topic for q in first} <= first_stage
    assert not any(is_option_only(shipped, q) for q in first)
    assert len({q.topic for q in first}) == len(first_stage), "topics of the first stage are interleaved"


def test_topics_interleave_round_robin(shipped: Bank) -> None:
    ordered = new_question_order(shipped, shipped.questions.values())
    stage = load_study_path(shipped.root).stages[0].topics
    assert [q.topic for q in ordered[: len(stage)]] == list(stage)
    assert [q.topic for q in ordered[len(stage) : 2 * len(stage)]] == list(stage)


def test_option_items_come_after_every_non_option_question(shipped: Bank) -> None:
    ordered = new_question_order(shipped, shipped.questions.values())
    flags = [is_option_only(shipped, q) for q in ordered]
    assert sorted(ordered, key=lambda q: q.id) == sorted(shipped.questions.values(), key=lambda q: q.id)
    assert True in flags and flags.index(True) == flags.count(False)


def test_focus_filter_keeps_path_order_inside_an_area(shipped: Bank) -> None:
    from eqprep.study.selection import Filters

    deep = [q for q in shipped.questions.values() if Filters(area="応用数学").matches(shipped, q)]
    ordered = new_question_order(shipped, deep)
    assert ordered[0].topic == "probability"
    assert all(is_option_only(shipped, q) for q in ordered if q.topic == "linear-algebra")


def test_explicit_path_orders_stages(shipped: Bank) -> None:
    path = StudyPath((Stage("後", ("cnn",)), Stage("先", ("rnn",))))
    subset = [q for q in shipped.questions.values() if q.topic in {"cnn", "rnn"}]
    ordered = new_question_order(shipped, subset, path)
    topics = [q.topic for q in ordered]
    assert topics.index("rnn") == topics.count("cnn")


def test_check_reports_unknown_duplicate_and_missing_topics(content_copy: Path) -> None:
    (content_copy / "study-path.toml").write_text(
        '[[stage]]\nname = "a"\ntopics = ["no-such-note", "no-such-note"]\n', encoding="utf-8"
    )
    bank = load_bank(content_copy, use_cache=False)
    messages = [p.message for p in study_path_problems(bank)]
    assert any("no-such-note" in m and "ノートがありません" in m for m in messages)
    assert any("2 回" in m for m in messages)
    assert sum("どの段階にもありません" in m for m in messages) == len(bank.notes)


def test_broken_path_file_is_a_problem_not_a_crash(content_copy: Path) -> None:
    (content_copy / "study-path.toml").write_text("[[stage]]\nname = 3\n", encoding="utf-8")
    problems: list = []
    assert load_study_path(content_copy, problems).stages == ()
    assert problems and "学習パスを読めません" in problems[0].message
