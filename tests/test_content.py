"""The shipped bank: valid, every computable answer recomputed, the whole syllabus covered."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from eqprep.bank import load_bank
from eqprep.bank.coverage import coverage
from eqprep.bank.model import CodeChoiceQuestion, ExpressionQuestion, NumericQuestion
from eqprep.bank.validate import validate

BANK = load_bank()
SEED_TOPICS = {
    "nn-basics", "activation", "output-layer", "loss", "gradient-descent", "backprop", "vanishing-gradient",
    "initialization", "normalization", "optimizers", "regularization", "cnn", "cnn-architectures",
}


def test_no_problems() -> None:
    """Validation recomputes numeric formulas, SymPy-checks expressions, runs every code option and generator."""
    problems = validate(BANK)
    assert not problems, "\n".join(map(str, problems[:50]))


def test_every_computable_answer_has_a_recomputation() -> None:
    for q in BANK.questions.values():
        if isinstance(q, NumericQuestion):
            assert len(q.formula) == len(q.answer), q.id
        if isinstance(q, ExpressionQuestion):
            assert q.formula, q.id
        if isinstance(q, CodeChoiceQuestion):
            assert q.check.strip() and q.answer in q.choices, q.id


def test_size_and_mix() -> None:
    kinds = Counter(q.kind for q in BANK.questions.values())
    assert len(BANK.questions) >= 400, kinds
    assert sum(1 for q in BANK.questions.values() if q.topic in SEED_TOPICS) >= 150
    for kind in ("choice", "numeric", "expression", "code_choice", "self_graded", "parametric"):
        assert kinds[kind] >= 5, kinds


def test_every_syllabus_item_covered() -> None:
    gaps = [(r.item_id, r.notes, r.questions) for r in coverage(BANK) if not r.ok]
    assert not gaps


def test_every_seed_topic_has_a_note() -> None:
    assert SEED_TOPICS <= set(BANK.notes)


@pytest.mark.parametrize("number", range(1, 30))
def test_confirmation_tests_present(number: int) -> None:
    numbers = {
        int(n) for q in BANK.questions.values() if q.source and q.source.startswith("確認テスト")
        for n in re.findall(r"\d+", q.source)
    }
    assert number in numbers


def test_known_answers() -> None:
    """Answers that circulate wrongly must be right here (確認テスト18 is 7, not 6)."""
    [test18] = [q for q in BANK.questions.values() if q.source == "確認テスト18"]
    text = repr(getattr(test18, "answer", ""))
    assert "7" in text and "6" not in text
