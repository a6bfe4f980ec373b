"""Exact stage after a numeric "equal": exact rational arithmetic for rational functions, bounded high precision else.

Float comparison at random points cannot see a difference below about 1e-8 of the values (a degree-13
polynomial whose constant term is off by 1, `x + 10^-15`). This stage re-decides such a match:

* Rational functions (+ − × ÷, integer powers, abs/max/min/relu/sign/floor) are evaluated in exact fractions at
  random rational points of a 2^40-step grid: equal values at every point, or a proven difference.
* Everything else is evaluated in mpmath at those points with a precision chosen from the tree itself: enough
  digits that the smallest non-zero intermediate value stays 30 digits above the rounding noise of the largest.
* Decimals the learner (or the answer key) wrote as `0.333` or `5.1e-2` are compared with the relative
  tolerance RTOL_DECIMAL instead, as WeBWorK does; exact input is compared exactly.

Work is capped (bits of every fraction, digits of precision); hitting a cap gives "unknown", never "equal".
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from eqprep.maths.compare import DEFAULT_DOMAIN, evaluators
from eqprep.maths.numeric import (
    PreciseEvaluator,
    TooLarge,
    TrackingEvaluator,
    Undefined,
)
from eqprep.maths.tree import Node, TreeFold, children, mentions

POINTS = 2
MAX_ATTEMPTS = 8
GRID = 2**40
MAX_BITS = 20_000  # numerator or denominator bits of any exact intermediate value
BASE_DPS = 50
GUARD_DIGITS = 30  # digits kept between the smallest intermediate value and the rounding noise
MAX_DPS = 400
MAX_WORK = 60_000  # tree nodes × digits of precision per evaluation
RTOL_DECIMAL = 1e-8
SEED = 20261207
_PIECEWISE = {"abs", "max", "min", "relu", "sign", "heaviside", "floor"}


class NotRational(Exception):
    """The tree uses something outside exact rational arithmetic (or the exact values grew too large)."""


@dataclass(frozen=True)
class ExactResult:
    """"equal", "different" (with point and values) or "unknown"; `method` is exact, precise or tolerance."""

    outcome: str
    method: str = ""
    point: dict[str, float] | None = None
    expected_value: float | None = None
    given_value: float | None = None


def is_decimal(node: Node) -> bool:
    """Whether the tree contains a decimal literal with a point or an exponent (0.333, 5.1e-2)."""
    if node[0] == "num":
        return "." in node[1] or "e" in node[1].lower()
    return any(is_decimal(child) for child in children(node))


def size(node: Node) -> int:
    """Number of nodes (iterative, so deep trees are fine)."""
    count, stack = 0, [node]
    while stack:
        item = stack.pop()
        count += 1
        stack.extend(children(item))
    return count


def is_rational(node: Node) -> bool:
    """Only arithmetic, integer constant powers and piecewise-rational functions: exact fractions apply."""
    kind = node[0]
    if kind == "const":
        return False
    if kind == "call":
        return node[1] in _PIECEWISE and all(is_rational(arg) for arg in node[2])
    if kind == "pow":
        exponent = node[2]
        if exponent[0] == "neg":
            exponent = exponent[1]
        return exponent[0] == "num" and exponent[1].isdigit() and is_rational(node[1])
    return all(is_rational(child) for child in children(node))


class RationalEvaluator(TreeFold):
    """Exact evaluation in fractions; values beyond MAX_BITS raise NotRational, division by 0 Undefined."""

    def fold(self, node: Node, env: Mapping[str, Any]) -> Any:
        """Evaluate and check the size of the result."""
        value = super().fold(node, env)
        if value.numerator.bit_length() > MAX_BITS or value.denominator.bit_length() > MAX_BITS:
            raise NotRational("too large")
        return value

    def number(self, text: str) -> Any:
        """A literal as an exact fraction (5.1e-2 is 51/1000)."""
        return Fraction(text)

    def constant(self, name: str) -> Any:
        """e and π are not rational."""
        raise NotRational(name)

    def call(self, name: str, args: tuple[Node, ...], env: Mapping[str, Any]) -> Any:
        """The piecewise-rational functions, exactly."""
        values = [self.fold(arg, env) for arg in args]
        x = values[0]
        if name == "abs":
            return abs(x)
        if name in ("max", "min"):
            return max(values) if name == "max" else min(values)
        if name == "relu":
            return max(x, Fraction(0))
        if name == "sign":
            return Fraction((x > 0) - (x < 0))
        if name == "heaviside":
            if x == 0:
                raise Undefined
            return Fraction(int(x > 0))
        if name == "floor":
            return Fraction(math.floor(x))
        raise NotRational(name)

    def power(self, base: Any, exponent: Any) -> Any:
        """Integer powers only, refused before computing when the result would exceed MAX_BITS."""
        if exponent.denominator != 1:
            raise NotRational("fractional power")
        bits = max(base.numerator.bit_length(), base.denominator.bit_length())
        if bits * abs(exponent.numerator) > MAX_BITS:
            raise NotRational("too large")
        if base == 0 and exponent < 0:
            raise Undefined
        return base ** int(exponent)


def _points(names: list[str], domain: Mapping[str, tuple[float, float]], rng: random.Random,
            shrink: int) -> dict[str, Fraction]:
    """A random rational point on a 2^40 grid inside each variable's domain (pulled toward the centre by `shrink`)."""
    point = {}
    for name in names:
        low, high = (Fraction(bound) for bound in domain.get(name, DEFAULT_DOMAIN))
        centre, half = (low + high) / 2, (high - low) / 2 / 10**shrink
        point[name] = centre - half + 2 * half * Fraction(rng.randrange(1, GRID), GRID)
    return point


def _shown(point: Mapping[str, Fraction]) -> dict[str, float]:
    """A point as floats for messages."""
    return {name: float(value) for name, value in point.items()}


def confirm(expected: Node, given: Node, variables: Iterable[str], abstract: Iterable[str] = (),
            domain: Mapping[str, tuple[float, float]] | None = None) -> ExactResult:
    """Re-decide a numeric match exactly (rational trees) or at a bounded, adaptive precision."""
    if expected == given:
        return ExactResult("equal", "exact")  # the same tree: equal wherever it is defined
    names = sorted(v for v in set(variables) if mentions(expected, v) or mentions(given, v))
    tolerant = is_decimal(expected) or is_decimal(given)
    abstract = set(abstract)
    try:
        if not abstract and is_rational(expected) and is_rational(given):
            result = _rational(expected, given, names, domain or {}, tolerant)
            if result.outcome != "unknown":
                return result
        return _precise(expected, given, names, abstract, domain or {}, tolerant)
    except RecursionError:
        return ExactResult("unknown")


def _rational(expected: Node, given: Node, names: list[str], domain: Mapping[str, tuple[float, float]],
              tolerant: bool) -> ExactResult:
    """Exact fractions at random rational points (Schwartz–Zippel: a false "equal" has probability < deg/2^40)."""
    evaluate = RationalEvaluator()
    rng = random.Random(SEED)
    checked = 0
    for _ in range(MAX_ATTEMPTS):
        point = _points(names, domain, rng, 0)
        try:
            want = evaluate.fold(expected, point)
        except (Undefined, ZeroDivisionError):
            continue
        except NotRational:
            return ExactResult("unknown")
        try:
            got = evaluate.fold(given, point)
        except (Undefined, ZeroDivisionError):
            return ExactResult("different", "exact", _shown(point), float(want), None)
        except NotRational:
            return ExactResult("unknown")
        if want != got:
            if tolerant and abs(want - got) <= Fraction(RTOL_DECIMAL) * max(abs(want), abs(got)):
                return ExactResult("equal", "tolerance")
            return ExactResult("different", "exact", _shown(point), float(want), float(got))
        checked += 1
        if checked >= POINTS or not names:
            return ExactResult("equal", "exact")
    return ExactResult("unknown")


def _precise(expected: Node, given: Node, names: list[str], abstract: set[str],
             domain: Mapping[str, tuple[float, float]], tolerant: bool) -> ExactResult:
    """mpmath at a precision chosen from the spread of intermediate magnitudes, at rational points."""
    import mpmath

    _, make_precise = evaluators(abstract)
    nodes = size(expected) + size(given)
    rng = random.Random(SEED)
    checked = 0
    method = "precise"
    for attempt in range(MAX_ATTEMPTS):
        point = _points(names, domain, rng, attempt // 3)
        dps = BASE_DPS
        values = _evaluate(expected, given, point, dps, make_precise, abstract)
        if values is None:
            continue
        _, _, largest, smallest = values
        spread = 0 if smallest == mpmath.inf or largest == 0 else int(mpmath.log10(largest / smallest))
        if spread + GUARD_DIGITS + 10 > dps:
            dps = spread + GUARD_DIGITS + 10
            if dps > MAX_DPS or nodes * dps > MAX_WORK:
                return ExactResult("unknown")
            values = _evaluate(expected, given, point, dps, make_precise, abstract)
            if values is None:
                continue
        verdict = _decide(values, dps, tolerant)
        if verdict == "different":
            again = _evaluate(expected, given, point, dps + 20, make_precise, abstract)
            if again is None or _decide(again, dps + 20, tolerant) != "different":
                return ExactResult("unknown")
            return ExactResult("different", "precise", _shown(point), float(values[0]), float(values[1]))
        if verdict == "tolerance":
            method = "tolerance"
        checked += 1
        if checked >= POINTS or not names:
            return ExactResult("equal", method)
    return ExactResult("unknown")


def _evaluate(expected: Node, given: Node, point: Mapping[str, Fraction], dps: int,
              make_precise: Callable[[], PreciseEvaluator], abstract: set[str]) -> tuple[Any, Any, Any, Any] | None:
    """Both values and the magnitude range at `dps` digits, or None where either has no real value."""
    import mpmath

    with mpmath.workdps(dps):
        evaluate = TrackingEvaluator(make_precise().functions if abstract else None)
        env = {name: mpmath.mpf(value.numerator) / value.denominator for name, value in point.items()}
        try:
            want = evaluate(expected, env)
            got = evaluate(given, env)
        except (Undefined, TooLarge):
            return None
        return want, got, evaluate.largest, evaluate.smallest


def _decide(values: tuple[Any, Any, Any, Any], dps: int, tolerant: bool) -> str:
    """"equal", "tolerance" or "different" for values computed at `dps` digits."""
    import mpmath

    want, got, largest, _ = values
    with mpmath.workdps(dps):
        difference = abs(want - got)
        noise = largest * mpmath.mpf(10) ** (GUARD_DIGITS // 2 - dps)
        if difference <= noise:
            return "equal"
        if tolerant and difference <= RTOL_DECIMAL * max(abs(want), abs(got)):
            return "tolerance"
    return "different"
