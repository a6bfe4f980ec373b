"""Float (and mpmath) evaluation of formula trees: the fast, always-bounded path of answer checking."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

Node = tuple
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


def _log(x: float, base: float | None = None) -> float:
    """Natural log (or log to `base`), undefined for non-positive input."""
    if x <= 0 or (base is not None and (base <= 0 or base == 1)):
        raise Undefined
    return math.log(x) if base is None else math.log(x) / math.log(base)


def _sqrt(x: float) -> float:
    """Real square root."""
    if x < 0:
        raise Undefined
    return math.sqrt(x)


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


FLOAT_FUNCTIONS: dict[str, Callable[..., float]] = {
    "exp": math.exp, "log": _log, "ln": _log, "sqrt": _sqrt, "abs": abs, "sigmoid": sigmoid,
    "tanh": math.tanh, "relu": lambda x: max(x, 0.0), "sin": math.sin, "cos": math.cos,
    "tan": math.tan, "sign": _sign, "heaviside": _heaviside, "floor": math.floor,
    "max": max, "min": min, "softplus": _softplus,
}


def _mp_functions() -> dict[str, Callable[..., Any]]:
    """The same functions in mpmath, for re-checking a suspected counterexample at high precision."""
    import mpmath

    def log(x: Any, base: Any = None) -> Any:
        """Natural log (or to `base`), undefined for non-positive input."""
        if x <= 0:
            raise Undefined
        return mpmath.log(x) if base is None else mpmath.log(x) / mpmath.log(base)

    def sqrt(x: Any) -> Any:
        """Real square root."""
        if x < 0:
            raise Undefined
        return mpmath.sqrt(x)

    return {
        "exp": mpmath.exp, "log": log, "ln": log, "sqrt": sqrt, "abs": abs,
        "sigmoid": lambda x: 1 / (1 + mpmath.exp(-x)), "tanh": mpmath.tanh,
        "relu": lambda x: max(x, 0), "sin": mpmath.sin, "cos": mpmath.cos, "tan": mpmath.tan,
        "sign": mpmath.sign, "heaviside": _heaviside, "floor": mpmath.floor, "max": max, "min": min,
        "softplus": lambda x: mpmath.log(1 + mpmath.exp(x)),
    }


class Evaluator:
    """Evaluates trees at a point; abstract functions are given concrete random stand-ins."""

    def __init__(self, abstract: Mapping[str, Callable[..., Any]] | None = None, precise: bool = False) -> None:
        self.precise = precise
        if precise:
            import mpmath

            self._mp = mpmath
            self.functions = _mp_functions()
            self.constants = {"e": mpmath.e, "pi": mpmath.pi}
        else:
            self.functions = dict(FLOAT_FUNCTIONS)
            self.constants = {"e": math.e, "pi": math.pi}
        self.functions.update(abstract or {})

    def number(self, text: str) -> Any:
        """A literal as float or mpf."""
        return self._mp.mpf(text) if self.precise else float(text)

    def __call__(self, node: Node, env: Mapping[str, Any]) -> Any:
        """Value of `node` with variables from `env`; raises Undefined where there is no real value."""
        try:
            value = self._eval(node, env)
        except OverflowError:
            raise TooLarge from None
        except (ZeroDivisionError, ValueError, TypeError, RecursionError):
            raise Undefined from None
        if isinstance(value, complex) or (not self.precise and not math.isfinite(value)):
            raise Undefined
        if self.precise and not self._mp.isfinite(value):
            raise Undefined
        return value

    def _eval(self, node: Node, env: Mapping[str, Any]) -> Any:
        """Evaluate a node, capping mpmath magnitudes."""
        value = self._eval_node(node, env)
        if self.precise and abs(value) > PRECISE_LIMIT:
            raise TooLarge  # huge mpmath values would make trig reduction unbounded
        return value

    def _eval_node(self, node: Node, env: Mapping[str, Any]) -> Any:
        """Evaluate one node by kind."""
        kind = node[0]
        if kind == "num":
            return self.number(node[1])
        if kind == "var":
            return env[node[1]]
        if kind == "const":
            return self.constants[node[1]]
        if kind == "neg":
            return -self._eval(node[1], env)
        if kind == "call":
            args = [self._eval(arg, env) for arg in node[2]]
            func = self.functions.get(node[1])
            if func is None:
                raise Undefined
            return func(*args)
        a = self._eval(node[1], env)
        b = self._eval(node[2], env)
        if kind == "add":
            return a + b
        if kind == "sub":
            return a - b
        if kind == "mul":
            return a * b
        if kind == "div":
            return a / b
        if kind == "pow":
            return _power(a, b)
        raise Undefined


def _power(a: Any, b: Any) -> Any:
    """Real power: negative bases only with integer exponents, 0 only to non-negative powers."""
    if a < 0 and b != int(b):
        raise Undefined
    if a == 0 and b < 0:
        raise Undefined
    return a**b


def constant_value(node: Node) -> float | None:
    """Float value of a variable-free tree, or None if it has variables or no real value."""
    if has_free(node):
        return None
    try:
        return Evaluator()(node, {})
    except Undefined:
        return None


def has_free(node: Node) -> bool:
    """Whether the tree mentions a variable or a function we cannot evaluate on floats."""
    kind = node[0]
    if kind == "var":
        return True
    if kind in ("num", "const"):
        return False
    if kind == "call":
        return node[1] not in FLOAT_FUNCTIONS or any(has_free(arg) for arg in node[2])
    return any(has_free(child) for child in node[1:])
