"""Learner step checker: lines are compared with the previous line and the first wrong one is reported."""

from __future__ import annotations

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
    """An unreadable line is invalid (with a suggestion); the next one cannot be compared; blanks are skipped."""
    results = check_steps(["2(x+y)", "", "sigmod(x)", "2x+2y"], ["x", "y"])
    assert [(r.index, r.status) for r in results] == [(1, "start"), (3, "invalid"), (4, "unchecked")]
    assert "sigmoid ですか?" in results[1].message
    assert all(r.status in STATUSES for r in results)
