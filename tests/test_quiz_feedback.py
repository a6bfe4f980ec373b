"""Feedback wording: options numbered as shown, the learner's choice echoed, a swapped pair named as such."""

from __future__ import annotations

from pathlib import Path

from eqprep.bank.model import ChoiceQuestion, NumericQuestion
from eqprep.quiz import grade, make_item


def test_choice_feedback_numbers_options_and_echoes_the_choice() -> None:
    """Options are 1-4 on screen, so feedback says `正解: 2.` and repeats what was picked."""
    question = ChoiceQuestion(id="c", topic="t", prompt="p", explanation="e", tags=(), path=Path("x"),
                              choices=("$a_n$", "B", "C"), answer=frozenset({"B"}), shuffle=False)
    verdict = grade(make_item(question, seed=1), "1")
    assert verdict.status == "wrong" and verdict.expected_text == "2. B"
    assert "あなたの解答: 1. aₙ" in verdict.message


def test_swapped_values_are_named_a_reversed_order() -> None:
    """`8, 3` for expected `3, 8` says the order is reversed instead of calling both values wrong."""
    question = NumericQuestion(id="n", topic="t", prompt="p", explanation="e", tags=(),
                               path=Path("x"), answer=(3.0, 8.0), labels=("小さい方", "大きい方"))
    verdict = grade(make_item(question, seed=1), "8, 3")
    assert verdict.status == "wrong" and "順番が逆" in verdict.message
    assert "大きい方 が違います" in grade(make_item(question, seed=1), "3, 9").message
