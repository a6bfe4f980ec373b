"""Random-point numeric comparison of two formula trees (WeBWorK style), bounded and in-process."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from eqprep.maths.numeric import (
    Evaluator,
    PreciseEvaluator,
    TooLarge,
    TrackingEvaluator,
    Undefined,
)
from eqprep.maths.tree import Node

DEFAULT_DOMAIN = (-3.0, 3.0)
WANTED_POINTS = 8
MAX_ATTEMPTS = 40
RTOL = 1e-8
ATOL = 1e-9
SEED = 20240801


@dataclass(frozen=True)
class Comparison:
    """Outcome: "equal", "different" (with the point and both values) or "unknown"."""

    outcome: str
    point: dict[str, float] | None = None
    expected_value: float | None = None
    given_value: float | None = None
    given_undefined: bool = False
    valid_points: int = 0
    domain: dict[str, tuple[float, float]] | None = None  # where the points were drawn (narrowed, see compare)


def _stand_in(rng: random.Random) -> Callable[[Any, Any, Any, int], Callable[..., Any]]:
    """A random smooth function standing in for an abstract f, and its first two derivatives (one argument).

    The same coefficients serve float and mpmath, so a high-precision re-check sees the same function.
    """
    c0, c1, c2 = (rng.uniform(0.5, 1.5) for _ in range(3))
    weights = [rng.uniform(0.3, 1.2) for _ in range(4)]

    def build(sin: Any, exp: Any, cos: Any, order: int = 0) -> Callable[..., Any]:
        """Instantiate the stand-in (order 0) or its derivative (order 1, 2) with float or mpmath functions."""
        def f(*args: Any) -> Any:
            """c0 + c1·sin(c2·Σwᵢaᵢ + 0.3) + 0.1·exp(0.2·Σwᵢaᵢ), or its derivative in a₁."""
            s = sum(w * a for w, a in zip(weights, args, strict=False))
            w = weights[0]
            if order == 1:
                return w * (c1 * c2 * cos(c2 * s + 0.3) + 0.02 * exp(0.2 * s))
            if order == 2:
                return w * w * (-c1 * c2 * c2 * sin(c2 * s + 0.3) + 0.004 * exp(0.2 * s))
            return c0 + c1 * sin(c2 * s + 0.3) + 0.1 * exp(0.2 * s)

        return f

    return build


def evaluators(abstract: Iterable[str]) -> tuple[Evaluator, Callable[[], PreciseEvaluator]]:
    """A float evaluator and a lazily built high-precision one, sharing the stand-ins (f, f' and f'')."""
    rng = random.Random(SEED + 1)
    builders = {name: _stand_in(rng) for name in sorted(abstract)}
    names = {name + "'" * order: (name, order) for name in builders for order in range(3)}
    fast = Evaluator({key: builders[n](math.sin, math.exp, math.cos, k) for key, (n, k) in names.items()})

    def precise() -> PreciseEvaluator:
        """The mpmath evaluator, built only when a float mismatch needs a re-check."""
        import mpmath

        return PreciseEvaluator({key: builders[n](mpmath.sin, mpmath.exp, mpmath.cos, k)
                                 for key, (n, k) in names.items()})

    return fast, precise


def _close(a: float, b: float, rtol: float = RTOL, atol: float = ATOL) -> bool:
    """Relative tolerance with an absolute floor (values near 0)."""
    return abs(a - b) <= rtol * max(abs(a), abs(b)) + atol


def _points(variables: list[str], domain: Mapping[str, tuple[float, float]], rng: random.Random) -> dict[str, float]:
    """One random point per call, on a round grid (about 200 steps) inside each variable's domain."""
    point = {}
    for name in variables:
        low, high = domain.get(name, DEFAULT_DOMAIN)
        digits = -math.floor(math.log10((high - low) / 200)) if high > low else 0
        value = round(rng.uniform(low, high), digits)
        point[name] = min(max(value, low), high)
    return point


def compare(expected: Node, given: Node, variables: Iterable[str], abstract: Iterable[str] = (),
            domain: Mapping[str, tuple[float, float]] | None = None) -> Comparison:
    """Evaluate both trees at random points; a float mismatch is re-checked with mpmath before it counts.

    When the expected formula is undefined at most points (log p with p outside (0, 1)), a second round draws
    from the box spanned by the points where it was defined, so such formulas need no declared domain.
    """
    names = sorted(set(variables))
    fast, make_precise = evaluators(abstract)
    rng = random.Random(SEED)
    result, defined = _round(expected, given, names, dict(domain or {}), fast, make_precise, rng)
    box = _box(names, defined)
    if result.outcome == "unknown" and box:
        result, defined = _round(expected, given, names, box, fast, make_precise, rng)
        box = _box(names, defined) or box
    return Comparison(**{**result.__dict__, "domain": box or (dict(domain) if domain else None)})


def _box(names: list[str], points: list[dict[str, float]]) -> dict[str, tuple[float, float]] | None:
    """The bounding box of the points where the expected formula was defined (None if it is degenerate)."""
    if len(points) < 2 or not names:
        return None
    box = {name: (min(p[name] for p in points), max(p[name] for p in points)) for name in names}
    return box if all(high > low for low, high in box.values()) else None


def _round(expected: Node, given: Node, names: list[str], domain: Mapping[str, tuple[float, float]],
           fast: Evaluator, make_precise: Callable[[], PreciseEvaluator],
           rng: random.Random) -> tuple[Comparison, list[dict[str, float]]]:
    """One round of up to MAX_ATTEMPTS points; also returns the points where `expected` was defined."""
    precise: PreciseEvaluator | None = None
    valid = 0
    defined: list[dict[str, float]] = []
    for _ in range(MAX_ATTEMPTS):
        point = _points(names, domain, rng)
        try:
            want = fast(expected, point)
        except Undefined:
            continue
        defined.append(point)
        try:
            got = fast(given, point)
        except Undefined:
            got = None
        if got is not None and _close(want, got):
            valid += 1
            if valid >= WANTED_POINTS:
                return Comparison("equal", valid_points=valid), defined
            continue
        precise = precise or make_precise()
        verdict = _recheck(precise, expected, given, point)
        if verdict == "equal":
            valid += 1
        elif verdict == "different":
            return Comparison("different", point, want, got, got is None, valid), defined
        if valid >= WANTED_POINTS:
            return Comparison("equal", valid_points=valid), defined
    return Comparison("unknown", valid_points=valid), defined


def _recheck(precise: PreciseEvaluator, expected: Node, given: Node, point: dict[str, float]) -> str:
    """Decide a float disagreement at 40 digits: "equal", "different" or "skip".

    Values that agree within the rounding noise of the largest intermediate value (cancellation, as in
    (x^100 + sin x) − x^100) count as equal here; the exact stage after an "equal" decides such cases.
    """
    import mpmath

    with mpmath.workdps(40):
        env = {name: mpmath.mpf(str(value)) for name, value in point.items()}
        tracking = TrackingEvaluator(precise.functions)
        try:
            want = tracking(expected, env)
        except Undefined:
            return "skip"
        try:
            got = tracking(given, env)
        except TooLarge:
            return "skip"
        except Undefined:
            return "different"
        if _close(want, got, 1e-12, 1e-25) or abs(want - got) <= tracking.largest * mpmath.mpf(10) ** -30:
            return "equal"
        return "different"
