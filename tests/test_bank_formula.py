"""The numeric formula language: correct arithmetic, and nothing outside the allowlist runs."""

from __future__ import annotations

import math

import pytest

from eqprep.bank.formula import FormulaError, evaluate, names_in


@pytest.mark.parametrize(
    ("text", "env", "expected"),
    [
        ("(H + 2*P - K)//S + 1", {"H": 6, "P": 1, "K": 2, "S": 1}, 7),
        ("-log(0.7)", {}, 0.35667494393873245),
        ("sigmoid(0) * (1 - sigmoid(0))", {}, 0.25),
        ("0.25 ** 5", {}, 0.0009765625),
        ("exp(1) / (exp(1) + exp(2) + exp(3))", {}, 0.09003057317038046),
        ("1 if r < c else exp(1 - r / c)", {"r": 10, "c": 8}, math.exp(1 - 10 / 8)),
        ("max(a, b) + min(a, b) + abs(-a)", {"a": 2, "b": 5}, 9),
        ("log(8, 2) + log2(4) + log10(100)", {}, 7),
        ("comb(5, 2) + factorial(3)", {}, 16),
        ("pi > 3 and e < 3", {}, True),
        ("(3 * 3 * 3 + 1) * 64", {}, 1792),
    ],
)
def test_evaluates(text: str, env: dict, expected: float) -> None:
    assert evaluate(text, env) == pytest.approx(expected)


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('echo hi')",
        "().__class__",
        "x.real",
        "[1, 2][0]",
        "lambda: 1",
        "open('f')",
        "'abc'",
        "2 ** 10 ** 10",
        "1 / 0",
        "log(-1)",
        "undefined_name + 1",
        "exp(x=1)",
        "(" * 50 + "1" + ")" * 50 + " +",
        "1" * 3000,
    ],
)
def test_rejects_with_japanese_message(text: str) -> None:
    with pytest.raises(FormulaError) as info:
        evaluate(text, {})
    assert any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in str(info.value))


def test_names_in_excludes_functions_and_constants() -> None:
    assert names_in("exp(a) + b * pi + log(c, 2)") == {"a", "b", "c"}


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("10**400", "大きすぎ"),
        ("(9**9999)**9999", "大きすぎ"),
        ("((9**9)**9999)**9999", "大きすぎ"),
        ("1e999999", "大きすぎ"),
        ("10**300 * 1e10", "大きすぎ"),
        ("comb(10000, 5000)", "大きすぎ"),
        ("(-8)**(1/3)", "実数になりません"),
        ("sqrt(-1)", "実数になりません"),
        ("1j", "実数になりません"),
        ("0**-1", "定義されません"),
        ("~3", "使えません"),
        ("1 | 2", "使えません"),
        ("foo(3)", "'foo'"),
    ],
)
def test_bounded_evaluator_refuses_with_the_reason(text: str, needle: str) -> None:
    """Huge integers are refused before they are computed; complex results and unknown functions are named."""
    with pytest.raises(FormulaError) as info:
        evaluate(text, {})
    assert needle in str(info.value)


def test_integer_cap_is_checked_before_the_power_is_computed() -> None:
    """The cap sits exactly at the float range: 2**1023 is computed, 2**1024 is refused without computing it."""
    from eqprep.bank import formula

    assert evaluate("2**1023") == 2**1023
    assert evaluate("-(10**308)") == -(10**308)
    with pytest.raises(FormulaError):
        evaluate("2**1024")
    assert formula.FLOAT_MAX_INT < 2**formula.MAX_INT_BITS  # every accepted integer converts to a float
    assert float(evaluate("10**308")) == 1e308


def test_long_sums_evaluate_without_recursion() -> None:
    """A 999-term sum (a 999-deep tree) is evaluated with an explicit stack."""
    assert evaluate("+".join(["1"] * 999)) == 999
    assert evaluate("-".join(["x"] * 999), {"x": 2}) == 2 - 998 * 2
    assert evaluate("-" * 500 + "1") == 1


def test_short_circuit_still_guards_errors() -> None:
    """`and`/`or` and `if ... else` skip the branch that would fail, as Python does."""
    assert evaluate("x != 0 and 1/x > 2", {"x": 0}) is False
    assert evaluate("x == 0 or 1/x > 2", {"x": 0}) is True
    assert evaluate("0 if x == 0 else 1/x", {"x": 0}) == 0


@pytest.mark.parametrize(("text", "value"), [("binomial(5, 1)", 5), ("C(5, 2)", 10), ("comb(5, 2)", 10),
                                             ("cosh(0) + sinh(0)", 1.0), ("5.1e-2", 0.051), ("1e-12", 1e-12)])
def test_natural_spellings(text: str, value: float) -> None:
    """binomial / C for the binomial coefficient, hyperbolic functions, scientific notation."""
    assert evaluate(text) == pytest.approx(value)


def test_every_node_kind_is_bounded_work() -> None:
    """Work is bounded by the node cap: the longest accepted formula has at most MAX_NODES expression nodes."""
    from eqprep.bank import formula

    with pytest.raises(FormulaError, match="長すぎ"):
        evaluate("+".join(["1"] * (formula.MAX_NODES // 2 + 10)))
    with pytest.raises(FormulaError, match="長すぎ"):
        evaluate("1" * (formula.MAX_LENGTH + 1))
