"""Hypothesis fuzzing: the parser and checker never crash, never hang, never run code."""

from __future__ import annotations

import contextlib
import io
import time

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
    """Formula-like garbage always yields one of the four statuses within the time budget."""
    start = time.monotonic()
    result = check_answer("sigmoid(x)*(1 - sigmoid(x)) + y", text, ["x", "y"], ["sigmoid"], timeout=1.0)
    assert result.status in STATUSES
    assert result.message
    assert time.monotonic() - start < 3.0


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(FORMULA, FORMULA)
def test_equiv_command_exit_codes(expected: str, given_text: str) -> None:
    """`eqprep equiv` exits 0/1/2 and prints a verdict, never a traceback."""
    start = time.monotonic()
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = main(["equiv", "--vars", "x,y,u", "--", expected, given_text])
    out = buffer.getvalue()
    assert code in (0, 1, 2)
    assert out.split(":")[0] in ("同値", "同値ではない", "判定できず", "入力エラー")
    assert "Traceback" not in out
    assert time.monotonic() - start < 3.0


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
