"""Learner step checker: lines are compared with the previous line and the first wrong one is reported."""

from __future__ import annotations

import pytest

from eqprep.maths.steps import STATUSES, check_steps, first_error

SIGMOID = ["exp(-u)/(1+exp(-u))^2", "= 1/(1+exp(-u)) * exp(-u)/(1+exp(-u))", "= sigmoid(u)*(1-sigmoid(u))"]


def test_correct_chain_passes() -> None:
    """A correct derivation has no error and every line is displayed."""
    results = check_steps(SIGMOID, ["u"])
    assert [r.status for r in results] == ["start", "ok", "ok"]
    assert first_error(results) is None
    assert results[2].display == "= sigmoid(u)·(1 − sigmoid(u))"


def test_first_wrong_step_is_pointed_out() -> None:
    """The classic (x + y)² = x² + y² slip is the first error, with a counterexample."""
    results = check_steps(["(x+y)^2", "= x^2 + y^2", "= x^2 + 2xy + y^2"], ["x", "y"])
    error = first_error(results)
    assert error is not None and error.index == 2 and error.status == "wrong"
    assert error.counterexample is not None and set(error.counterexample) == {"x", "y"}
    assert "前の行と等しくありません" in error.message


def test_separate_lines_without_leading_equals() -> None:
    """Lines may also be written without '='; each is compared with the one before."""
    results = check_steps(["2(x+y)", "2x + 2y", "2x + y"], ["x", "y"])
    assert [r.status for r in results] == ["start", "ok", "wrong"]


def test_equation_steps_keep_the_solutions() -> None:
    """Equation lines are equivalent when their residuals differ by a nonzero factor."""
    results = check_steps(["2x + 4 = 0", "x + 2 = 0", "x = -2", "x = 2"], ["x"])
    assert [r.status for r in results] == ["start", "ok", "ok", "wrong"]
    assert [r.status for r in check_steps(["x^2 = 4", "x = 2"], ["x"])] == ["start", "wrong"]


def test_wrong_equals_inside_a_line() -> None:
    """A chain a = b = c on one line is checked link by link."""
    results = check_steps(["2(x+y) = 2x+2y = 2x+y"], ["x", "y"])
    assert results[0].status == "wrong" and "≠" in results[0].message


def test_unreadable_line_and_blank_lines() -> None:
    """An unreadable line is invalid (with a suggestion); the next one is compared with line 1; blanks are skipped."""
    results = check_steps(["2(x+y)", "", "sigmod(x)", "2x+2y"], ["x", "y"])
    assert [(r.index, r.status) for r in results] == [(1, "start"), (3, "invalid"), (4, "ok")]
    assert [r.status for r in check_steps(["sigmod(x)", "2x+2y", "2(x+y)"], ["x", "y"])] == ["invalid", "unchecked", "ok"]
    assert "sigmoid ですか?" in results[1].message
    assert all(r.status in STATUSES for r in results)


def test_after_a_wrong_step_later_lines_are_compared_with_the_last_correct_one() -> None:
    """One slip marks one line: the next correct lines are ✓ again (compared with the last correct line)."""
    results = check_steps(["(x+y)^2", "= x^2 + y^2", "= x^2 + 2xy + y^2", "= (x+y)(x+y)"], ["x", "y"])
    assert [r.status for r in results] == ["start", "wrong", "ok", "ok"]
    results = check_steps(["(x+y)^2", "x^2 + y^2", "x^2 + 2xy + y^2", "x^2 + 2xy"], ["x", "y"])
    assert [r.status for r in results] == ["start", "wrong", "ok", "wrong"]
    assert "3 行目" not in results[2].message and "前の行と等しくありません" in results[3].message


def test_wrong_line_message_names_the_line_it_was_compared_with() -> None:
    """After a slip, a further wrong line says which earlier line it was compared with."""
    results = check_steps(["2(x+y)", "2x + y", "2x + 3y"], ["x", "y"])
    assert [r.status for r in results] == ["start", "wrong", "wrong"]
    assert "(1 行目と比べました)" in results[2].message


@pytest.mark.parametrize(
    "first",
    ["d/du sigmoid(u)", "diff(sigmoid(u), u)", "diff(sigmoid, u)", "sigmoid'(u)"],
)
def test_derivations_may_start_from_a_derivative(first: str) -> None:
    """σ'(u) written in any of the usual notations starts a derivation."""
    results = check_steps([first, "= exp(-u)/(1+exp(-u))^2", "= sigmoid(u)*(1 - sigmoid(u))"], ["u"])
    assert [r.status for r in results] == ["start", "ok", "ok"], results


def test_declared_function_derivatives_follow_the_chain_rule() -> None:
    """f'(u) for a declared f: d/du f(u)^2 = 2 f(u) f'(u), and a missing factor 2 is caught."""
    lines = ["d/du f(u)^2", "= 2*f(u)*f'(u)", "= diff(f, u)*f(u)*2"]
    assert [r.status for r in check_steps(lines, ["u"], ["f"])] == ["start", "ok", "ok"]
    assert [r.status for r in check_steps(["d/du f(u)^2", "= f(u)*f'(u)"], ["u"], ["f"])] == ["start", "wrong"]
    assert [r.status for r in check_steps(["d/du f(2u)", "= 2f'(2u)"], ["u"], ["f"])] == ["start", "ok"]


def test_unknown_name_says_to_add_a_variable() -> None:
    """Using an undeclared variable tells the learner where to declare it."""
    results = check_steps(["2(x+z)", "2x+2z"], ["x"])
    assert results[0].status == "invalid" and "「変数」欄に追加" in results[0].message


def test_a_slip_below_float_precision_is_caught() -> None:
    """The exact stage also runs on steps: x + 10^-15 is not the same line as x."""
    assert [r.status for r in check_steps(["x*(x+1)", "= x^2 + x + 10^-15"], ["x"])] == ["start", "wrong"]
