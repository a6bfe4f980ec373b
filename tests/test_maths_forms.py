"""Form requirements with their usual textbook meanings (factored over ℚ, expanded, single fraction, lowest terms)."""

from __future__ import annotations

import pytest

from eqprep.maths.check import check_answer
from eqprep.maths.forms import FORMS, fraction_parts, valid_form
from eqprep.maths.grammar import parse_expression
from eqprep.maths.names import Vocabulary

E, N = "equivalent", "not_equivalent"


@pytest.mark.parametrize(
    ("expected", "given", "status"),
    [
        # factored over ℚ, content taken out; an irreducible polynomial counts as factored
        ("2*x^2 - 6*x", "2x(x-3)", E),
        ("2*x^2 - 6*x", "x*(2*x-6)", N),
        ("2*x^2 - 6*x", "2x^2-6x", N),
        ("(x-2)^2*(3-x)", "(x^2-4*x+4)*(3-x)", N),
        ("(x-2)^2*(3-x)", "(x-2)^2*(3-x)", E),
        ("(x-2)^2*(3-x)", "-(x-2)^2*(x-3)", E),
        ("x^2 + 1", "x^2+1", E),
        ("x^2 - 2", "x^2-2", E),
        ("x^2 - 4", "x^2-4", N),
        ("x^2 - 4", "(x-2)(x+2)", E),
        ("x^3 - x", "x(x-1)(x+1)", E),
        ("x^3 - x", "x(x^2-1)", N),
        ("x^4 - 1", "(x^2+1)(x-1)(x+1)", E),
        ("x^4 - 1", "(x^2+1)(x^2-1)", N),
        ("6*x^2 + 5*x + 1", "(2x+1)(3x+1)", E),
        ("x^2 + 2*x*y + y^2", "(x+y)^2", E),
        ("x^2 + 2*x*y + y^2", "(x+y)(x+y)", E),
        ("(x+1)/(x-1)", "(x+1)/(x-1)", E),
        ("x*exp(x) + x", "x(exp(x)+1)", E),
        ("x*exp(x) + x", "x*exp(x)+x", N),
    ],
)
def test_factored(expected: str, given: str, status: str) -> None:
    """Textbook factoring cases: each factor irreducible over ℚ and primitive."""
    result = check_answer(expected, given, ["x", "y"], form="factored", timeout=10)
    assert result.status == status, result
    if status == N:
        assert "値は正しいですが" in result.message


@pytest.mark.parametrize(
    ("expected", "given", "status"),
    [
        ("(x+1)^2", "x^2+2x+1", E),
        ("(x+1)^2", "(x+1)^2", N),
        ("(x+1)*(x-1)", "x^2-1", E),
        ("(x+1)*(x-1)", "(x+1)(x-1)", N),
        ("x*(x+y)", "x^2+x*y", E),
        ("x*(x+y)", "x(x+y)", N),
        ("2*(x+y)^3", "2x^3+6x^2y+6xy^2+2y^3", E),
    ],
)
def test_expanded(expected: str, given: str, status: str) -> None:
    """Expanded: no product of sums and no power of a sum."""
    assert check_answer(expected, given, ["x", "y"], form="expanded").status == status


@pytest.mark.parametrize(
    ("expected", "given", "status"),
    [
        ("1/x + 1/y", "(x+y)/(x*y)", E),
        ("1/x + 1/y", "1/x + 1/y", N),
        ("1/x + 1/y", "(y+x)/(y*x)", E),
        ("x/2 + 1", "(x+2)/2", E),
        ("x/2 + 1", "x/2 + 1", N),
        ("1/(x*(x+1))", "1/x - 1/(x+1)", N),
        ("x^2 + x", "x^2 + x", E),
    ],
)
def test_single_fraction(expected: str, given: str, status: str) -> None:
    """Single fraction: one p/q at the top, no division inside p or q."""
    assert check_answer(expected, given, ["x", "y"], form="single_fraction").status == status


@pytest.mark.parametrize(
    ("expected", "given", "status"),
    [
        ("3/4", "3/4", E),
        ("3/4", "6/8", N),
        ("x/(2*y)", "2x/(4y)", N),
        ("x/(2*y)", "x/(2y)", E),
        ("1/(x-1)", "(x+1)/(x^2-1)", N),
        ("1/(x-1)", "1/(x-1)", E),
        ("(x+1)/(x+2)", "(x+1)/(x+2)", E),
        ("1/x + 1/y", "1/x + 1/y", N),
    ],
)
def test_lowest_terms(expected: str, given: str, status: str) -> None:
    """Lowest terms: a single fraction whose numerator and denominator share no factor."""
    result = check_answer(expected, given, ["x", "y"], form="lowest_terms", timeout=10)
    assert result.status == status, result


def test_form_names_and_fraction_parts() -> None:
    """Every documented form is accepted by the content validator; the fraction split is structural."""
    assert all(valid_form(form) for form in FORMS if form != "in_terms")
    assert valid_form("in_terms:sigmoid") and not valid_form("in_terms") and not valid_form("tidy")
    vocab = Vocabulary(frozenset({"x", "y"}))
    node, _ = parse_expression("-(x+1)/(x*y)", vocab)
    assert fraction_parts(node) is not None
    node, _ = parse_expression("x^-1 + 1", vocab)
    assert fraction_parts(node) is None
