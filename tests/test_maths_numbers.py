"""Number answers: the natural spellings learners type (percent, shapes, binomial) and bounded parameter specs."""

from __future__ import annotations

from pathlib import Path

import pytest

from eqprep.bank.model import NumericQuestion, ParametricQuestion, ParamSpec
from eqprep.bank.params import GeneratorError, check_spec, instantiate
from eqprep.quiz import grade, make_item
from eqprep.quiz.grade import parse_numbers


def _numeric(answer: tuple[float, ...], unit: str = "") -> NumericQuestion:
    """A numeric question with the given expected values."""
    return NumericQuestion(id="t", topic="t", prompt="?", explanation="", tags=(), path=Path("t.toml"),
                           answer=answer, formula=tuple(str(a) for a in answer), unit=unit)


@pytest.mark.parametrize(
    ("text", "count", "values"),
    [
        ("47%", 1, [0.47]),
        ("12.5 %", 1, [0.125]),
        ("(128, 128)", 2, [128.0, 128.0]),
        ("[1, 28, 28]", 3, [1.0, 28.0, 28.0]),
        ("128×128", 2, [128.0, 128.0]),
        ("1x28x28", 3, [1.0, 28.0, 28.0]),
        ("binomial(5,1)", 1, [5.0]),
        ("C(5,2)", 1, [10.0]),
        ("5.1e-2", 1, [0.051]),
        ("2^-3", 1, [0.125]),
        ("(1+2)*(3+4)", 1, [21.0]),
    ],
)
def test_number_spellings(text: str, count: int, values: list[float]) -> None:
    """Percentages, tuples and shapes, binomial coefficients and scientific notation are read."""
    assert parse_numbers(text, count) == pytest.approx(values)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("10^400", "大きすぎ"),
        ("(9^9999)^9999", "大きすぎ"),
        ("(-8)^(1/3)", "実数になりません"),
        ("1e999999", "大きすぎ"),
        ("foo(3)", "'foo'"),
        ("choose(5,2)", "'choose'"),
        ("+".join(["1"] * 60), "長すぎ"),
    ],
)
def test_number_failures_are_messages(text: str, needle: str) -> None:
    """Every failure is a Japanese message naming the reason (never an exception)."""
    message = parse_numbers(text, 1)
    assert isinstance(message, str) and needle in message


def test_percent_and_tuple_answers_are_graded() -> None:
    """47% answers a ratio 0.47; (128, 128) answers a two-number shape; a '%' unit strips instead of scaling."""
    assert grade(make_item(_numeric((0.47,)), seed=0), "47%").correct
    assert grade(make_item(_numeric((128.0, 128.0)), seed=0), "(128, 128)").correct
    assert grade(make_item(_numeric((47.0,), unit="%"), seed=0), "47%").correct
    assert grade(make_item(_numeric((5.0,)), seed=0), "binomial(5,1)").correct
    assert grade(make_item(_numeric((0.47,)), seed=0), "10^400").status == "invalid"


def _parametric(spec: ParamSpec) -> ParametricQuestion:
    """A parametric question with one parameter."""
    return ParametricQuestion(id="p", topic="t", prompt="{a}", explanation="", tags=(),
                              path=Path("p.toml"), params={"a": spec}, answer=("a * 2",))


@pytest.mark.parametrize(
    "spec",
    [
        ParamSpec("a", min=0.0, max=1e308, step=1e-300),
        ParamSpec("a", min=0.0, max=float("inf")),
        ParamSpec("a", min=float("nan"), max=1.0, step=0.1),
        ParamSpec("a", min=2.0, max=1.0),
        ParamSpec("a", min=0.0, max=1.0, step=-0.1),
        ParamSpec("a", min=0.0, max=1.0, step=0.0),
    ],
)
def test_unbounded_parameter_specs_are_refused(spec: ParamSpec) -> None:
    """A spec whose grid is infinite or huge is a Japanese error, not an OverflowError or a hang."""
    assert check_spec(spec)
    with pytest.raises(GeneratorError, match="パラメータ"):
        instantiate(_parametric(spec), 0)


def test_reasonable_parameter_specs_still_draw() -> None:
    """Integer ranges, step grids and choices keep working, and answers overflowing floats are refused."""
    for spec in (ParamSpec("a", min=1, max=9), ParamSpec("a", min=0.0, max=1.0, step=0.01), ParamSpec("a", choices=(2.0, 3.0))):
        assert check_spec(spec) is None
        instance = instantiate(_parametric(spec), 3)
        assert instance.answers[0] == pytest.approx(2 * instance.values["a"])
    with pytest.raises(GeneratorError):
        instantiate(_parametric(ParamSpec("a", min=1e308, max=1e308)), 0)
