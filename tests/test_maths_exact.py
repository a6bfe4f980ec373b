"""Issue 11: the exact stage after a numeric match, and the input forms that used to be misread."""

from __future__ import annotations

import contextlib
import io

import pytest

from eqprep.cli import main
from eqprep.maths import exact
from eqprep.maths.check import check_answer, check_untrusted
from eqprep.maths.grammar import parse_expression
from eqprep.maths.names import Vocabulary
from eqprep.maths.parse import infer_variables, preview


def _expand(text: str) -> str:
    """A polynomial written out in expanded form (SymPy, trusted test input)."""
    import sympy

    x = sympy.Symbol("x")
    return str(sympy.expand(sympy.sympify(text.replace("^", "**"), locals={"x": x}))).replace("**", "^")


POLY = "512*(2*x+5)^7*(5*x-1)^5*(70*x+67)"
FALSE_ACCEPTS = [
    (POLY, lambda: _expand(POLY) + " + 1"),
    (POLY, lambda: _expand(POLY) + " - 1"),
    ("(x+100)^5", lambda: _expand("(x+100)^5") + " + 1"),
    ("(x+100)^5", lambda: _expand("(x+100)^5") + " + x"),
    ("99999998/99999999", lambda: "99999999/10^8"),
    ("x", lambda: "x + 10^-15"),
    ("x", lambda: "x*(1+10^-30)"),
    ("x", lambda: "x + 10^-9*sin(10^6*x)"),
    ("x", lambda: "x + 10^-100*sin(x)"),
    ("1e-12*x", lambda: "2e-12*x"),
    ("sqrt(x^2+1)", lambda: "sqrt(x^2+1+10^-20)"),
]


@pytest.mark.parametrize(("expected", "make_given"), FALSE_ACCEPTS)
def test_differences_floats_cannot_see_are_found(expected: str, make_given: object) -> None:
    """Each former false accept is now not equivalent, with the point where the values differ."""
    given = make_given()  # type: ignore[operator]
    for result in (check_untrusted(expected, given, ["x"]), check_answer(expected, given, ["x"])):
        assert result.status == "not_equivalent", (given, result)
        assert result.method in ("exact", "precise")
        assert "厳密" in result.message


@pytest.mark.parametrize(
    ("expected", "given"),
    [
        (POLY, _expand(POLY)),
        ("(x+100)^5", _expand("(x+100)^5")),
        ("1 - tanh(x)^2", "1/cosh(x)^2"),
        ("1 - tanh(x)^2", "sech(x)^2"),
        ("(x^100 + sin(x)) - x^100", "sin(x)"),
        ("0", "(x^100 + sin(x)) - x^100 - sin(x)"),
        ("99999998/99999999", "1 - 1/99999999"),
        ("cosh(x)^2 - sinh(x)^2", "1"),
        ("atanh(x/4)", "log((4+x)/(4-x))/2"),
        ("asinh(x)", "log(x + sqrt(x^2+1))"),
    ],
)
def test_true_identities_are_confirmed(expected: str, given: str) -> None:
    """Equal expressions stay equivalent through the exact stage (including heavy cancellation)."""
    result = check_untrusted(expected, given, ["x"])
    assert result.status == "equivalent", result


def test_polynomial_identity_is_decided_in_exact_fractions() -> None:
    """Rational trees use exact arithmetic; transcendental ones use the adaptive-precision path."""
    assert check_untrusted(POLY, _expand(POLY), ["x"]).method == "exact"
    assert check_untrusted("1 - tanh(x)^2", "1/cosh(x)^2", ["x"]).method == "precise"


@pytest.mark.parametrize(
    ("expected", "given", "status"),
    [
        ("x/3", "0.333333333333*x", "equivalent"),
        ("sqrt(2)*x", "1.41421356237*x", "equivalent"),
        ("x", "x + 1e-15", "equivalent"),
        ("x/3", "0.333*x", "not_equivalent"),
        ("pi", "355/113", "not_equivalent"),
        ("x/2", "0.5*x", "equivalent"),
        ("1e-12*x", "2e-12*x", "not_equivalent"),
    ],
)
def test_decimal_input_is_compared_with_the_documented_tolerance(expected: str, given: str, status: str) -> None:
    """Decimals within a relative 1e-8 are accepted (method "tolerance"); exact input is compared exactly."""
    result = check_untrusted(expected, given, ["x"])
    assert result.status == status, result
    if status == "equivalent" and "0.5" not in given:
        assert result.method == "tolerance"


def test_exact_stage_work_is_capped() -> None:
    """Huge exact values or precision needs give "unknown" (then SymPy or undecided), never "equal"."""
    x = ("var", "x")
    huge = ("pow", ("pow", x, ("num", "1000")), ("num", "1000"))
    assert exact.confirm(huge, huge, ["x"]).outcome in ("equal", "unknown")
    plus = ("add", huge, ("num", "1"))
    assert exact.confirm(huge, plus, ["x"]).outcome in ("different", "unknown")
    assert exact.MAX_DPS * 10 <= exact.MAX_WORK  # a 10-node tree may use the full precision


@pytest.mark.parametrize(
    ("text", "display"),
    [
        ("5.1e-2*x", "5.1·10⁻²·x"),
        ("1e-12 + x", "10⁻¹² + x"),
        ("2e-x", "2·e − x"),
        ("σ(u)(1-σ(u))", "sigmoid(u)·(1 − sigmoid(u))"),
        ("sigma(u)", "sigmoid(u)"),
        ("1/cosh(u)^2", "1/cosh(u)²"),
        ("asinh(u) + acosh(u+2) + atanh(u/9)", "asinh(u) + acosh(u + 2) + atanh(u/9)"),
        ("arctan(u)", "atan(u)"),
        ("sech(u)+csch(u)+coth(u)", "sech(u) + csch(u) + coth(u)"),
    ],
)
def test_new_input_forms_are_read(text: str, display: str) -> None:
    """Scientific notation, σ as the sigmoid, hyperbolic and inverse functions."""
    result = preview(text, ["u", "x"])
    assert result.ok, result.message
    assert result.display == display


@pytest.mark.parametrize(
    ("text", "fragment"),
    [("1e999999", "指数表記"), ("oo", "無限大"), ("nan", "nan"), ("E^x", "小文字の e"), ("2*I*x", "虚数単位"),
     ("x + inf", "無限大")],
)
def test_special_names_are_refused_with_a_message(text: str, fragment: str) -> None:
    """oo / nan / E / I never silently become variables, also when variables are inferred."""
    assert fragment in preview(text, ["x"]).message
    with pytest.raises(Exception) as info:
        parse_expression(text, Vocabulary(infer_variables=True))
    assert fragment in str(info.value)


def test_sigma_stays_a_variable_when_declared() -> None:
    """A question that declares σ (a standard deviation) keeps it as a variable."""
    assert preview("sigma^2 + x", ["sigma", "x"]).display == "σ² + x"


def _equiv(*args: str) -> tuple[int, str]:
    """Run `eqprep equiv` in-process; exit code and output."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = main(["equiv", *args])
    return code, buffer.getvalue()


def test_equiv_reads_run_together_names_as_products_and_says_so() -> None:
    """Without --vars, `xy` is x·y when x and y are used on their own; the interpretation is printed."""
    code, out = _equiv("(x+y)^2", "x^2+2xy+y^2")
    assert code == 0 and "x·y" in out and "'xy' を積 x·y と読みました" in out
    assert infer_variables(["ab + 1"])[1][0].startswith("ヒント: 'ab'")
    code, out = _equiv("(x+y)^2", "x^2+2xy+y^2", "--vars", "x,y")
    assert code == 0 and "2·x·y" in out


@pytest.mark.parametrize(
    ("args", "code", "label"),
    [
        (["-(x+1)", "-x-1"], 0, "同値"),
        (["x", "x + 10^-15"], 1, "同値ではない"),
        (["x", "x*(1+10^-30)"], 1, "同値ではない"),
        (["x", "x + 10^-9*sin(10^6*x)"], 1, "同値ではない"),
        (["99999998/99999999", "99999999/10^8"], 1, "同値ではない"),
        (["-x", "oo"], 2, "入力エラー"),
        (["1/cosh(x)^2", "1-tanh(x)^2"], 0, "同値"),
    ],
)
def test_equiv_command_listed_cases(args: list[str], code: int, label: str) -> None:
    """The command-line cases of the issue, with exit 2 only for input errors."""
    got, out = _equiv(*args)
    assert got == code, out
    assert out.split(":")[0] == label


def test_run_together_power_binds_to_the_last_letter() -> None:
    """`xy^2` is x·y² (as on paper), not (x·y)²."""
    assert preview("6xy^2", ["x", "y"]).display == "6·x·y²"
    assert check_answer("x*y^2", "xy^2", ["x", "y"]).ok
