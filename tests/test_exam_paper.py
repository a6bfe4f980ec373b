"""Mock exam like the real one: every item a 4-6 option single-answer choice, sets kept together, seeded papers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eqprep.bank import load_bank
from eqprep.bank.exam_form import exam_ready, exam_version
from eqprep.bank.model import AREAS, Bank, ChoiceQuestion, ExpressionQuestion, NumericQuestion, ParametricQuestion
from eqprep.cli import main
from eqprep.quiz import grade, make_item
from eqprep.study.exam import assemble_exam
from eqprep.study.store import DB_NAME

SEEDS = 200


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank(use_cache=False)


def test_default_paper_is_about_100_choices_with_sets_together(bank: Bank) -> None:
    paper = assemble_exam(bank, 100, seed=11)
    assert 95 <= len(paper) <= 100
    assert all(isinstance(q, ChoiceQuestion) or q.kind == "code_choice" for q in paper)
    assert all(4 <= len(q.choices) <= 6 for q in paper)  # type: ignore[attr-defined]
    assert len({q.id for q in paper}) == len(paper)
    # areas in report order, and every area represented
    areas = [bank.area_of(q) for q in paper]
    assert areas == sorted(areas, key=AREAS.index) and set(areas) == set(AREAS)
    # each set's 小問 are consecutive and in the set's order
    positions: dict[str, list[int]] = {}
    for index, q in enumerate(paper):
        if q.group:
            positions.setdefault(q.group.id, []).append(index)
    assert positions, "the bundled sets appear in a full paper"
    for set_id, where in positions.items():
        assert where == list(range(where[0], where[0] + len(where)))
        assert [paper[i].id for i in where] == [qid for qid in bank.sets[set_id].question_ids if qid in
                                                {paper[i].id for i in where}]


def test_same_seed_same_paper_other_seed_other_paper(bank: Bank) -> None:
    first = assemble_exam(bank, 40, seed=5)
    again = assemble_exam(bank, 40, seed=5)
    assert [(q.id, q.prompt, q.choices) for q in first] == [(q.id, q.prompt, q.choices) for q in again]  # type: ignore[attr-defined]
    assert [q.id for q in assemble_exam(bank, 40, seed=6)] != [q.id for q in first]


def test_numeric_question_becomes_choice_of_key_and_named_mistakes(bank: Bank) -> None:
    original = bank.questions["set-dense-sigmoid-shapes-params"]
    version = exam_version(original, seed=0)
    assert isinstance(version, ChoiceQuestion) and version.id == original.id and version.group is original.group
    assert version.choices == ("78400", "78500", "79184", "79285")  # ascending
    assert version.answer == frozenset({"78500"})
    assert "78400: バイアスを数え忘れた" in version.explanation
    item = make_item(version, seed=1)
    assert grade(item, str(item.choices.index("78500") + 1)).correct
    assert not grade(item, str(item.choices.index("78400") + 1)).correct


def _mistake_questions(bank: Bank) -> list[NumericQuestion | ParametricQuestion | ExpressionQuestion]:
    return [q for q in bank.questions.values()
            if isinstance(q, NumericQuestion | ParametricQuestion | ExpressionQuestion) and q.mistakes]


def test_every_distractor_generator_over_many_seeds(bank: Bank) -> None:
    """Never equal to the key, never equal to another option, every mistake named in the explanation."""
    questions = _mistake_questions(bank)
    assert questions
    for q in questions:
        assert exam_ready(q), q.id
        seeds = range(SEEDS) if isinstance(q, ParametricQuestion) else range(1)
        for seed in seeds:
            version = exam_version(q, seed)
            assert isinstance(version, ChoiceQuestion), (q.id, seed)
            assert len(version.choices) == len(set(version.choices)) == len(q.mistakes) + 1, (q.id, seed)
            [key] = version.answer
            assert key in version.choices
            listed = version.explanation.split("その値になる誤り:\n")[1].splitlines()
            assert sorted(line.split(": ", 1)[1] for line in listed) == sorted(m.name for m in q.mistakes)
            assert {line[2:].split(": ", 1)[0] for line in listed} == set(version.choices) - {key}


def test_questions_without_mistakes_stay_out_of_the_exam(bank: Bank) -> None:
    typed = [q for q in bank.questions.values()
             if isinstance(q, NumericQuestion | ParametricQuestion | ExpressionQuestion) and not q.mistakes]
    assert typed and not any(exam_ready(q) for q in typed)
    ids = {q.id for q in assemble_exam(bank, 100, seed=3)}
    assert not ids & {q.id for q in typed}


def test_paper_json_has_no_answers_and_is_reproducible(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["--data-dir", str(tmp_path), "exam", "--paper", "--json", "--seed", "9", "--count", "100"]) == 0
    first = capsys.readouterr().out
    items = json.loads(first)
    assert 95 <= len(items) <= 100
    for item in items:
        assert {"id", "set", "area", "prompt", "options"} <= set(item)
        assert not {"answer", "explanation"} & set(item)
        assert 4 <= len(item["options"]) <= 6
        assert item["area"] in AREAS
    sets = [item["set"] for item in items if item["set"]]
    assert sets and all(item["code"] or item["passage"] for item in items if item["set"])
    assert main(["--data-dir", str(tmp_path), "exam", "--paper", "--json", "--seed", "9", "--count", "100"]) == 0
    assert capsys.readouterr().out == first
    assert not (tmp_path / DB_NAME).exists(), "printing a paper records nothing"


def test_option_number_wins_over_an_option_whose_text_is_a_number(bank: Bank) -> None:
    """Exam choices of values ('5', '6', '7', '9'): typing 2 picks the second option, typing 9 picks the value."""
    version = exam_version(bank.questions["cnn-maxpool-output"], seed=0)
    assert isinstance(version, ChoiceQuestion)
    item = make_item(version, seed=0)
    key = next(iter(version.answer))
    assert grade(item, str(item.choices.index(key) + 1)).correct
    assert grade(item, "abcd"[item.choices.index(key)]).correct
    assert grade(item, key).correct  # 14 is not an option number, so it is read as the value
