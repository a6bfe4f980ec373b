"""The shared tree walk: float, mpmath and SymPy evaluation agree; tree helpers keep structure."""

from __future__ import annotations

import math

import mpmath
import pytest

from eqprep.maths.calculus import substitute
from eqprep.maths.grammar import parse_expression
from eqprep.maths.names import Vocabulary
from eqprep.maths.numeric import Evaluator, PreciseEvaluator, Undefined
from eqprep.maths.tosympy import SympyBuilder
from eqprep.maths.tree import children, mentions

VOCAB = Vocabulary(frozenset({"x", "y"}), frozenset({"f"}))
POINT = {"x": 0.75, "y": -1.25}
FORMULAS = [
    "2(x + y)^3 - x/y",
    "sigmoid(x) * (1 - sigmoid(x)) + softplus(y)",
    "log(x, 2) + ln(x^2 + 1) * exp(-y^2)",
    "sqrt(x) + abs(y) + relu(y) + max(x, y) - min(x, y)",
    "tanh(x) + sin(pi x) * cos(e y) - tan(x)",
    "(-2)^3 + x^(-2) + sign(y) + floor(y)",
]


def tree(text: str) -> tuple:
    """Parse with the shared test vocabulary."""
    return parse_expression(text, VOCAB)[0]


@pytest.mark.parametrize("text", FORMULAS)
def test_float_and_precise_evaluators_agree(text: str) -> None:
    node = tree(text)
    fast = Evaluator()(node, POINT)
    with mpmath.workdps(30):
        precise = PreciseEvaluator()(node, {k: mpmath.mpf(v) for k, v in POINT.items()})
    assert isinstance(precise, mpmath.mpf)
    assert math.isclose(fast, float(precise), rel_tol=1e-12, abs_tol=1e-12)


@pytest.mark.parametrize("text", ["log(y)", "sqrt(y)", "log(x, -2)", "log(x, 1)", "y^0.5", "(x - x)^(-1)", "1/(x - x)"])
def test_no_real_value_is_undefined_in_both_arithmetics(text: str) -> None:
    node = tree(text)
    with pytest.raises(Undefined):
        Evaluator()(node, POINT)
    with mpmath.workdps(30), pytest.raises(Undefined):
        PreciseEvaluator()(node, {k: mpmath.mpf(v) for k, v in POINT.items()})


def test_stand_in_functions_are_used_by_both() -> None:
    node = tree("f(x, y) + 1")
    stand_in = {"f": lambda a, b: 3 * a - b}
    assert Evaluator(stand_in)(node, POINT) == pytest.approx(3 * 0.75 + 1.25 + 1)
    assert float(PreciseEvaluator(stand_in)(node, POINT)) == pytest.approx(3 * 0.75 + 1.25 + 1)


@pytest.mark.parametrize("text", FORMULAS[:3])
def test_sympy_builder_matches_float_evaluation(text: str) -> None:
    node = tree(text)
    build = SympyBuilder()
    expr = build(node)
    value = float(expr.subs({build.symbol(k): v for k, v in POINT.items()}).evalf(30))
    assert value == pytest.approx(Evaluator()(node, POINT), rel=1e-12)


def test_sympy_builder_uses_bindings_before_symbols() -> None:
    import sympy

    build = SympyBuilder(bindings={"y": sympy.Integer(4)})
    assert build(tree("x + y")) == build.symbol("x") + 4


def test_substitute_and_mentions_walk_calls_and_operators() -> None:
    node = tree("exp(x) * (y - x)")
    replaced = substitute(node, "x", ("num", "2"))
    assert not mentions(replaced, "x") and mentions(replaced, "y")
    assert Evaluator()(replaced, POINT) == pytest.approx(math.exp(2) * (POINT["y"] - 2))
    assert children(("call", "max", (("var", "x"), ("num", "1")))) == (("var", "x"), ("num", "1"))
    assert children(("num", "1")) == ()
