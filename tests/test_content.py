"""The shipped bank: valid, every computable answer recomputed, the whole syllabus covered."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from eqprep.bank.coverage import coverage
from eqprep.bank.model import Bank, ChoiceQuestion, CodeChoiceQuestion, ExpressionQuestion, NumericQuestion
from eqprep.bank.validate import validate

SEED_TOPICS = {
    "nn-basics", "activation", "output-layer", "loss", "gradient-descent", "backprop", "vanishing-gradient",
    "initialization", "normalization", "optimizers", "regularization", "cnn", "cnn-architectures",
}


@pytest.mark.slow
def test_no_problems(shipped_bank: Bank) -> None:
    """Validation recomputes numeric formulas, SymPy-checks expressions, runs every code option and generator."""
    problems = validate(shipped_bank)
    assert not problems, "\n".join(map(str, problems[:50]))


def test_every_computable_answer_has_a_recomputation(shipped_bank: Bank) -> None:
    for q in shipped_bank.questions.values():
        if isinstance(q, NumericQuestion):
            assert len(q.formula) == len(q.answer), q.id
        if isinstance(q, ExpressionQuestion):
            assert q.formula, q.id
        if isinstance(q, CodeChoiceQuestion):
            assert q.check.strip() and q.answer in q.choices, q.id


def test_size_and_mix(shipped_bank: Bank) -> None:
    kinds = Counter(q.kind for q in shipped_bank.questions.values())
    assert len(shipped_bank.questions) >= 400, kinds
    assert sum(1 for q in shipped_bank.questions.values() if q.topic in SEED_TOPICS) >= 150
    for kind in ("choice", "numeric", "expression", "code_choice", "self_graded", "parametric"):
        assert kinds[kind] >= 5, kinds


def test_every_syllabus_item_covered(shipped_bank: Bank) -> None:
    gaps = [(r.item_id, r.notes, r.questions) for r in coverage(shipped_bank) if not r.ok]
    assert not gaps


def test_every_seed_topic_has_a_note(shipped_bank: Bank) -> None:
    assert SEED_TOPICS <= set(shipped_bank.notes)


@pytest.mark.parametrize("number", range(1, 30))
def test_confirmation_tests_present(number: int, shipped_bank: Bank) -> None:
    numbers = {
        int(n) for q in shipped_bank.questions.values() if q.source and q.source.startswith("確認テスト")
        for n in re.findall(r"\d+", q.source)
    }
    assert number in numbers


def test_known_answers(shipped_bank: Bank) -> None:
    """Answers that circulate wrongly must be right here (確認テスト18 is 7, not 6)."""
    [test18] = [q for q in shipped_bank.questions.values() if q.source == "確認テスト18"]
    assert isinstance(test18, ChoiceQuestion) and test18.answer == frozenset({"7×7"}) and "6×6" in test18.choices
