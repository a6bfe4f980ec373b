"""Items and grading for every kind, including hostile and malformed answers."""

from __future__ import annotations

import pytest

from eqprep.bank.model import Bank
from eqprep.quiz import grade, make_item
from eqprep.quiz.item import Item


def _item(bank: Bank, qid: str, seed: int = 0) -> Item:
    """A fixture question made askable with a fixed seed."""
    return make_item(bank.questions[qid], seed=seed)


def test_choice_by_number_letter_and_text(fixture_bank: Bank) -> None:
    item = _item(fixture_bank, "act-sigmoid-max")
    index = item.choices.index("0.25")
    for answer in (str(index + 1), "abcd"[index], "0.25", f" {index + 1} "):
        assert grade(item, answer).status == "correct", answer
    wrong = (index + 1) % 4
    assert grade(item, str(wrong + 1)).status == "wrong"
    assert grade(item, "9").status == "invalid"
    assert grade(item, "").status == "invalid"


def test_same_seed_same_order_and_numbers(fixture_bank: Bank) -> None:
    assert _item(fixture_bank, "act-sigmoid-max", 5).choices == _item(fixture_bank, "act-sigmoid-max", 5).choices
    a, b = _item(fixture_bank, "cnn-drill-output", 7), _item(fixture_bank, "cnn-drill-output", 7)
    assert a.prompt == b.prompt and a.expected == b.expected
    prompts = {_item(fixture_bank, "cnn-drill-output", s).prompt for s in range(20)}
    assert len(prompts) > 10  # fresh numbers across attempts


@pytest.mark.parametrize(("answer", "status"), [("7", "correct"), ("７", "correct"), ("7×7", "correct"), ("14/2", "correct"), ("6", "wrong"), ("seven", "invalid"), ("__import__('os')", "invalid"), ("9" * 5000, "invalid")])
def test_numeric(answer: str, status: str, fixture_bank: Bank) -> None:
    assert grade(_item(fixture_bank, "cnn-test18"), answer).status == status


def test_parametric_graded_against_its_own_numbers(fixture_bank: Bank) -> None:
    for seed in range(30):
        item = _item(fixture_bank, "cnn-drill-output", seed)
        h, k, s, p = (int(item.params[n]) for n in "HKSP")
        expected = (h + 2 * p - k) // s + 1
        assert item.expected == (expected,)
        assert grade(item, str(expected)).correct
        assert grade(item, str(expected + 1)).status == "wrong"
        assert str(expected) in item.explanation


def test_code_choice_and_self_graded(fixture_bank: Bank) -> None:
    item = _item(fixture_bank, "act-softmax-code")
    right = item.choices.index(fixture_bank.questions["act-softmax-code"].answer) + 1
    assert grade(item, str(right)).correct
    assert grade(item, str(right % 3 + 1)).status == "wrong"
    assert "(あ)" in item.code and "{blank}" not in item.code and _item(fixture_bank, "cnn-test18").code == ""
    verdict = grade(_item(fixture_bank, "act-zero-init"), "何か書いた")
    assert verdict.status == "self" and "対称性" in verdict.expected_text


def test_prompt_text_renders_math(fixture_bank: Bank) -> None:
    item = _item(fixture_bank, "act-chain")
    assert "\\frac" not in item.prompt_text and "dz" in item.prompt_text


def test_default_tolerance_is_exact_for_whole_numbers() -> None:
    from eqprep.bank.model import within

    assert not within(29312, 29313, 0.0, None)  # a parameter count off by one is wrong
    assert within(0.3567, 0.357, 0.0, None)  # 0.5% on non-integers
    assert within(29312, 29313, 0.0, 0.001)  # an explicit relative tolerance still applies


def test_expected_text_renders_math_in_choices(fixture_bank: Bank) -> None:
    from eqprep.bank.model import ChoiceQuestion

    base = fixture_bank.questions["act-sigmoid-max"]
    assert isinstance(base, ChoiceQuestion)
    question = ChoiceQuestion(**{**base.__dict__, "choices": ("$\\frac{1}{4}$", "$1$"), "answer": frozenset({"$\\frac{1}{4}$"})})
    verdict = grade(make_item(question, seed=0), "1")
    assert "¼" in verdict.expected_text and "$" not in verdict.expected_text


def test_several_values_name_the_wrong_ones(fixture_bank: Bank) -> None:
    from dataclasses import replace

    base = fixture_bank.questions["cnn-test18"]
    labelled = make_item(replace(base, answer=(3.0, 5.0), labels=("幅", "高さ")), seed=0)
    verdict = grade(labelled, "3, 4")
    assert verdict.status == "wrong" and "高さ" in verdict.message and "幅" not in verdict.message
    assert grade(labelled, "3, 5").correct
    unlabelled = make_item(replace(base, answer=(3.0, 5.0)), seed=0)
    assert "1 番目" in grade(unlabelled, "4, 5").message
    assert grade(unlabelled, "3").status == "invalid"
