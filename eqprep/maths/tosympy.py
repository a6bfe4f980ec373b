"""Build SymPy expressions from vetted formula trees (never from strings, never with eval)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from eqprep.maths.tree import Node, TreeFold


class SympyBuilder(TreeFold):
    """Converts trees with real symbols; `bindings` maps names to expressions (definitions, random variables)."""

    def __init__(self, positive: tuple[str, ...] = (), integer: tuple[str, ...] = (),
                 bindings: Mapping[str, Any] | None = None) -> None:
        import sympy

        self.sp = sympy
        self.positive = set(positive)
        self.integer = set(integer)
        self.bindings = dict(bindings or {})
        self.symbols: dict[str, Any] = {}

    def symbol(self, name: str) -> Any:
        """The (cached) real SymPy symbol for a variable name."""
        if name not in self.symbols:
            self.symbols[name] = self.sp.Symbol(
                name, real=True, positive=(name in self.positive) or None, integer=(name in self.integer) or None
            )
        return self.symbols[name]

    def __call__(self, node: Node) -> Any:
        """SymPy expression for a tree."""
        return self.fold(node, self.bindings)

    def number(self, text: str) -> Any:
        """An exact rational for a literal."""
        return self.sp.Rational(text)

    def variable(self, name: str, env: Mapping[str, Any]) -> Any:
        """The bound expression (definition, random variable) or else the real symbol."""
        return env[name] if name in env else self.symbol(name)

    def constant(self, name: str) -> Any:
        """SymPy's E or pi."""
        return self.sp.E if name == "e" else self.sp.pi

    def call(self, name: str, args: tuple[Node, ...], env: Mapping[str, Any]) -> Any:
        """Function calls, including the trusted diff/subs/sum/limit/mean/var (their arguments stay unevaluated)."""
        if name in ("diff", "subs", "sum", "limit", "mean", "var"):
            return self._operator(name, args)
        return self._function(name, [self(arg) for arg in args])

    def _operator(self, name: str, args: tuple[Node, ...]) -> Any:
        """diff / subs / sum / limit / mean / var, which read their arguments as expressions and symbols."""
        sp = self.sp
        if name == "diff":
            order = int(args[2][1]) if len(args) == 3 else 1
            return sp.diff(self(args[0]), self(args[1]), order)
        if name == "subs":
            pairs = [(self(a), self(b)) for a, b in zip(args[1::2], args[2::2])]
            return self(args[0]).subs(pairs)
        if name == "sum":
            index = sp.Symbol(args[1][1], integer=True)
            body = self(args[0]).subs(self(args[1]), index)
            return sp.summation(body, (index, self(args[2]), self(args[3])))
        if name == "limit":
            return sp.limit(self(args[0]), self(args[1]), self(args[2]))
        from sympy import stats  # mean or var

        inner = self(args[0])
        return stats.E(inner) if name == "mean" else stats.variance(inner)

    def _function(self, name: str, values: list[Any]) -> Any:
        """A function of already converted values; an unknown name is an abstract SymPy function."""
        sp = self.sp
        table = {
            "exp": sp.exp, "ln": sp.log, "sqrt": sp.sqrt, "abs": sp.Abs, "tanh": sp.tanh,
            "sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "sign": sp.sign, "heaviside": sp.Heaviside,
            "floor": sp.floor, "max": sp.Max, "min": sp.Min, "sinh": sp.sinh, "cosh": sp.cosh,
            "sech": sp.sech, "csch": sp.csch, "coth": sp.coth, "asinh": sp.asinh, "acosh": sp.acosh,
            "atanh": sp.atanh, "asin": sp.asin, "acos": sp.acos, "atan": sp.atan,
        }
        if name in table:
            return table[name](*values)
        if name == "log":
            return sp.log(values[0]) if len(values) == 1 else sp.log(values[0]) / sp.log(values[1])
        if name == "sigmoid":
            return 1 / (1 + sp.exp(-values[0]))
        if name == "relu":
            return sp.Max(0, values[0])
        if name == "softplus":
            return sp.log(1 + sp.exp(values[0]))
        return sp.Function(name)(*values)


def is_zero(sp: Any, difference: Any) -> bool | None:
    """Try cheap to expensive simplifications: True if proven 0, False if a nonzero number, else None."""
    attempts = (
        lambda e: e,
        sp.expand,
        lambda e: sp.cancel(sp.together(e)),
        sp.simplify,
        lambda e: sp.simplify(e.rewrite(sp.exp)),
    )
    for attempt in attempts:
        reduced = attempt(difference)
        if reduced == 0:
            return True
        if reduced.is_number and reduced.is_zero is False:
            return False
    return None
