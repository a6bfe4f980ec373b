"""Float (and mpmath) evaluation of formula trees: the fast, always-bounded path of answer checking."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from typing import Any

from eqprep.maths.tree import Node, TreeFold, children

PRECISE_LIMIT = 1e300


class Undefined(Exception):
    """The formula has no real value at this point (log of a negative, division by zero, overflow)."""


class TooLarge(Undefined):
    """A high-precision value beyond PRECISE_LIMIT: the point is skipped, not held against the answer."""


def sigmoid(x: float) -> float:
    """Logistic function, stable for large |x|."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def _real_log(log: Callable[[Any], Any]) -> Callable[..., Any]:
    """Natural log (or log to `base`) built on `log` (math or mpmath), undefined for non-positive input or base 1."""

    def real_log(x: Any, base: Any = None) -> Any:
        """log x, or log x / log base."""
        if x <= 0 or (base is not None and (base <= 0 or base == 1)):
            raise Undefined
        return log(x) if base is None else log(x) / log(base)

    return real_log


def _real_sqrt(sqrt: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Real square root built on `sqrt` (math or mpmath), undefined for negative input."""

    def real_sqrt(x: Any) -> Any:
        """sqrt x for x >= 0."""
        if x < 0:
            raise Undefined
        return sqrt(x)

    return real_sqrt


def _sign(x: float) -> float:
    """Sign function."""
    return float((x > 0) - (x < 0))


def _heaviside(x: float) -> float:
    """Step function; undefined exactly at 0 where conventions differ."""
    if x == 0:
        raise Undefined
    return 1.0 if x > 0 else 0.0


def _softplus(x: float) -> float:
    """log(1 + e^x), stable."""
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def _inside(low: float, high: float, func: Callable[[Any], Any], open_: bool = False) -> Callable[[Any], Any]:
    """`func` restricted to [low, high] (or the open interval): undefined outside its real domain."""

    def restricted(x: Any) -> Any:
        """func(x) where it is real."""
        if x < low or x > high or (open_ and (x == low or x == high)):
            raise Undefined
        return func(x)

    return restricted


def _reciprocal(func: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """1/func(x), undefined where func is 0 (sech, csch, coth)."""

    def inverse(x: Any) -> Any:
        """1 / func(x)."""
        value = func(x)
        if value == 0:
            raise Undefined
        return 1 / value

    return inverse


def _hyperbolic(lib: Any) -> dict[str, Callable[..., Any]]:
    """Hyperbolic and inverse functions in `lib` (math or mpmath), each with its real domain."""
    inf = float("inf")
    return {
        "sinh": lib.sinh, "cosh": lib.cosh, "tanh": lib.tanh,
        "sech": _reciprocal(lib.cosh), "csch": _reciprocal(lib.sinh), "coth": _reciprocal(lib.tanh),
        "asinh": lib.asinh, "acosh": _inside(1, inf, lib.acosh), "atanh": _inside(-1, 1, lib.atanh, open_=True),
        "asin": _inside(-1, 1, lib.asin), "acos": _inside(-1, 1, lib.acos), "atan": lib.atan,
    }


_float_log = _real_log(math.log)
FLOAT_FUNCTIONS: dict[str, Callable[..., float]] = {
    "exp": math.exp, "log": _float_log, "ln": _float_log, "sqrt": _real_sqrt(math.sqrt), "abs": abs,
    "sigmoid": sigmoid, "relu": lambda x: max(x, 0.0), "sin": math.sin, "cos": math.cos,
    "tan": math.tan, "sign": _sign, "heaviside": _heaviside, "floor": math.floor,
    "max": max, "min": min, "softplus": _softplus, **_hyperbolic(math),
}


@functools.cache
def _mp_functions() -> dict[str, Callable[..., Any]]:
    """The same functions in mpmath, for re-checking a suspected counterexample at high precision (built once)."""
    import mpmath

    log = _real_log(mpmath.log)
    return {
        "exp": mpmath.exp, "log": log, "ln": log, "sqrt": _real_sqrt(mpmath.sqrt), "abs": abs,
        "sigmoid": lambda x: 1 / (1 + mpmath.exp(-x)),
        "relu": lambda x: max(x, 0), "sin": mpmath.sin, "cos": mpmath.cos, "tan": mpmath.tan,
        "sign": mpmath.sign, "heaviside": _heaviside, "floor": mpmath.floor, "max": max, "min": min,
        "softplus": lambda x: mpmath.log(1 + mpmath.exp(x)), **_hyperbolic(mpmath),
    }


class Evaluator(TreeFold):
    """Evaluates trees at a point in floats; abstract functions are given concrete random stand-ins."""

    def __init__(self, abstract: Mapping[str, Callable[..., Any]] | None = None) -> None:
        self.functions = {**self._known_functions(), **(abstract or {})}

    def _known_functions(self) -> dict[str, Callable[..., Any]]:
        """The built-in functions in this evaluator's arithmetic."""
        return FLOAT_FUNCTIONS

    def __call__(self, node: Node, env: Mapping[str, Any]) -> Any:
        """Value of `node` with variables from `env`; raises Undefined where there is no real value."""
        try:
            value = self.fold(node, env)
        except OverflowError:
            raise TooLarge from None
        except (ZeroDivisionError, ValueError, TypeError, RecursionError):
            raise Undefined from None
        if isinstance(value, complex) or not self._finite(value):
            raise Undefined
        return value

    def _finite(self, value: Any) -> bool:
        """Whether a result is a finite real number."""
        return math.isfinite(value)

    def number(self, text: str) -> Any:
        """A literal as a float."""
        return float(text)

    def constant(self, name: str) -> Any:
        """e or pi as a float."""
        return math.e if name == "e" else math.pi

    def call(self, name: str, args: tuple[Node, ...], env: Mapping[str, Any]) -> Any:
        """A known or stand-in function of the evaluated arguments; Undefined for anything else."""
        values = [self.fold(arg, env) for arg in args]
        func = self.functions.get(name)
        if func is None:
            raise Undefined
        return func(*values)

    def power(self, base: Any, exponent: Any) -> Any:
        """Real power: negative bases only with integer exponents, 0 only to non-negative powers."""
        if base < 0 and exponent != int(exponent):
            raise Undefined
        if base == 0 and exponent < 0:
            raise Undefined
        return base**exponent


class PreciseEvaluator(Evaluator):
    """The same evaluation in mpmath (at the caller's working precision), for re-checking a float mismatch."""

    def __init__(self, abstract: Mapping[str, Callable[..., Any]] | None = None) -> None:
        import mpmath

        self._mp = mpmath
        super().__init__(abstract)

    def _known_functions(self) -> dict[str, Callable[..., Any]]:
        """The built-in functions in mpmath."""
        return _mp_functions()

    def _finite(self, value: Any) -> bool:
        """Whether an mpf result is finite."""
        return bool(self._mp.isfinite(value))

    def fold(self, node: Node, env: Mapping[str, Any]) -> Any:
        """Evaluate a node, capping magnitudes."""
        value = super().fold(node, env)
        if abs(value) > PRECISE_LIMIT:
            raise TooLarge  # huge mpmath values would make trig reduction unbounded
        return value

    def number(self, text: str) -> Any:
        """A literal as an mpf."""
        return self._mp.mpf(text)

    def constant(self, name: str) -> Any:
        """e or pi as an mpf."""
        return self._mp.e if name == "e" else self._mp.pi


class TrackingEvaluator(PreciseEvaluator):
    """mpmath evaluation that records the largest and smallest non-zero magnitude of every intermediate value."""

    def __init__(self, abstract: Mapping[str, Callable[..., Any]] | None = None) -> None:
        super().__init__(abstract)
        self.largest = self._mp.mpf(0)
        self.smallest = self._mp.inf

    def fold(self, node: Node, env: Mapping[str, Any]) -> Any:
        """Evaluate a node and widen the recorded magnitude range."""
        value = super().fold(node, env)
        magnitude = abs(value)
        self.largest = max(self.largest, magnitude)
        if 0 < magnitude < self.smallest:
            self.smallest = magnitude
        return value


_CONSTANTS = Evaluator()  # shared by the parser's many constant checks instead of one per call


def constant_value(node: Node) -> float | None:
    """Float value of a variable-free tree, or None if it has variables or no real value."""
    if has_free(node):
        return None
    try:
        return _CONSTANTS(node, {})
    except Undefined:
        return None


def has_free(node: Node) -> bool:
    """Whether the tree mentions a variable or a function we cannot evaluate on floats."""
    if node[0] == "var" or (node[0] == "call" and node[1] not in FLOAT_FUNCTIONS):
        return True
    return any(has_free(child) for child in children(node))
