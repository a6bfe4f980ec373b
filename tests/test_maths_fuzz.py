"""Hypothesis fuzzing: the parser and checker never crash, never hang, never run code."""

from __future__ import annotations

import contextlib
import io

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from eqprep.cli import main
from eqprep.maths.check import STATUSES, check_answer
from eqprep.maths.parse import preview

ALPHABET = st.sampled_from(list("xyu0123456789+-*/^()., =e_'\"[]!σ") + ["sigmoid", "exp", "log", "**", "__", "os"])
FORMULA = st.lists(ALPHABET, max_size=40).map("".join)
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.text(max_size=200))
def test_preview_never_crashes_on_any_text(text: str) -> None:
    """Arbitrary Unicode gives a preview or a Japanese message."""
    result = preview(text, ["x", "y"], ["sigmoid"])
    assert result.ok or result.message


@FUZZ
@given(FORMULA)
def test_check_answer_is_total_and_bounded(text: str) -> None:
    """Formula-like garbage always yields one of the four statuses (the SymPy stage has a hard 1 s limit)."""
    result = check_answer("sigmoid(x)*(1 - sigmoid(x)) + y", text, ["x", "y"], ["sigmoid"], timeout=1.0)
    assert result.status in STATUSES
    assert result.message


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(FORMULA, FORMULA)
def test_equiv_command_exit_codes(expected: str, given_text: str) -> None:
    """`eqprep equiv` exits 0/1/2/3 and prints a verdict, never a traceback."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = main(["equiv", "--vars", "x,y,u", "--", expected, given_text])
    out = buffer.getvalue()
    assert code in (0, 1, 2, 3)
    assert out.split(":")[0] in ("同値", "同値ではない", "判定できず", "入力エラー")
    assert "Traceback" not in out


LEAF = st.sampled_from(["x", "y", "2", "0.5", "3", "e", "pi"])


def _extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Binary operations (including implicit multiplication), function calls and negation."""
    binary = st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "^", " "]), inner).map(lambda t: f"({t[0]}){t[1]}({t[2]})")
    calls = st.tuples(st.sampled_from(["exp", "log", "sqrt", "sigmoid", "tanh", "relu", "abs", "sin"]), inner)
    return st.one_of(binary, calls.map(lambda t: f"{t[0]}({t[1]})"), inner.map(lambda s: f"-({s})"))


EXPRESSIONS = st.recursive(LEAF, _extend, max_leaves=12)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(EXPRESSIONS)
def test_valid_formula_equals_itself_and_not_itself_plus_one(text: str) -> None:
    """Any readable formula is equivalent to itself and never to a 0.1 % change of itself (at worst: undecided)."""
    assume(preview(text, ["x", "y"]).ok)  # constant non-real values such as (-e^2)^0.5 are rejected on input
    same = check_answer(text, text, ["x", "y"], timeout=0.5)
    assert same.status in ("equivalent", "undecided")
    shifted = check_answer(text, f"({text})*1.001 + 0.000123456789", ["x", "y"], timeout=0.5)
    assert shifted.status in ("not_equivalent", "undecided")


NUMBER_ALPHABET = st.sampled_from(list("0123456789+-*/^()., %e") + ["9999", "**", "1e", "e-", "10^", "C(", "binomial(",
                                                                    "sqrt(", "log(", "exp(", "factorial(", "×", "[", "]"])
NUMBER_TEXT = st.lists(NUMBER_ALPHABET, max_size=40).map("".join)
FORMULA_ALPHABET = st.sampled_from(
    list("0123456789+-*/%()., <>=") + ["**", "//", "a", "b", " if ", " else ", " and ", " or ", " not ", "comb(", "9**9",
                                       "factorial(", "exp(", "log(", "sqrt(", "round(", "max(", "1e308", "-8", "1/3"])
FORMULA_TEXT = st.lists(FORMULA_ALPHABET, max_size=50).map("".join)


def _bounded(run: object) -> tuple[int, int]:
    """Run while counting evaluation steps and the largest integer seen by the evaluator's value check."""
    from eqprep.bank import formula

    original = formula._checked
    seen = {"steps": 0, "bits": 0}

    def counting(value: object) -> object:
        """The real check, recording how much work was done."""
        seen["steps"] += 1
        if isinstance(value, int):
            seen["bits"] = max(seen["bits"], value.bit_length())
        return original(value)

    formula._checked = counting  # type: ignore[assignment]
    try:
        run()  # type: ignore[operator]
    finally:
        formula._checked = original  # type: ignore[assignment]
    return seen["steps"], seen["bits"]


@FUZZ
@given(NUMBER_TEXT, st.integers(min_value=1, max_value=3))
def test_number_answers_are_total_and_work_capped(text: str, count: int) -> None:
    """Any typed number answer gives values or a Japanese message; work and integer size stay under the caps."""
    from eqprep.bank.formula import MAX_INT_BITS
    from eqprep.quiz.grade import parse_numbers

    result: list[object] = []
    steps, bits = _bounded(lambda: result.append(parse_numbers(text, count)))
    values = result[0]
    assert isinstance(values, str) or (isinstance(values, list) and len(values) == count)
    assert steps <= 2 * 100 * count  # at most two checks per node of a 100-character value
    assert bits <= MAX_INT_BITS + 1


@FUZZ
@given(FORMULA_TEXT)
def test_content_formulas_are_total_and_work_capped(text: str) -> None:
    """Content formulas (numeric `formula`, parametric `answer`/`let`) never raise anything but FormulaError."""
    from eqprep.bank.formula import MAX_INT_BITS, MAX_NODES, FormulaError, evaluate

    def run() -> None:
        """Evaluate, allowing only the Japanese FormulaError."""
        try:
            evaluate(text, {"a": 3, "b": 0.5})
        except FormulaError as error:
            assert any("\u3040" <= ch <= "\u9fff" for ch in str(error))

    steps, bits = _bounded(run)
    assert steps <= 2 * MAX_NODES
    assert bits <= MAX_INT_BITS + 1


EXACT_LEAF = st.sampled_from(["x", "2", "10^-15", "10^-30", "1e-9", "0.5", "99999999", "3/7", "x^13", "(x+100)^5"])
EXACT_EXPRESSIONS = st.recursive(EXACT_LEAF, _extend, max_leaves=8)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(EXACT_EXPRESSIONS)
def test_tiny_perturbations_are_never_accepted(text: str) -> None:
    """Adding 10^-20·(1 + x²) to any readable exact formula is never judged equivalent."""
    assume(preview(text, ["x"]).ok and "." not in text and "e-" not in text)
    result = check_answer(text, f"({text}) + 10^-20*(1 + x^2)", ["x"], timeout=0.5)
    assert result.status in ("not_equivalent", "undecided", "invalid")
