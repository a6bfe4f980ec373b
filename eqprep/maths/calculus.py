"""Tree-level calculus for trusted formulas (diff, subs, finite sums) so checks need no SymPy."""

from __future__ import annotations

from collections.abc import Callable

from eqprep.maths.names import KNOWN_FUNCTIONS
from eqprep.maths.tree import Node, mentions, rebuild

MAX_SUM_TERMS = 200
MAX_PRIMES = 2
_FRESH = "__t"  # never a parsed name ("__" is refused in input)


class NotNumeric(Exception):
    """The formula needs SymPy (symbolic sums, expectations, derivatives of abstract functions)."""


ZERO: Node = ("num", "0")
ONE: Node = ("num", "1")


def _call(name: str, *args: Node) -> Node:
    """Build a call node."""
    return ("call", name, tuple(args))


def expand_trusted(node: Node) -> Node:
    """Replace diff/subs/sum calls by plain trees; raise NotNumeric if that is not possible."""
    if node[0] == "call":
        name, args = node[1], node[2]
        if name == "diff":
            return _diff_call(args)
        if name == "subs":
            return _subs(args)
        if name == "sum":
            return _sum(args)
        if name in ("mean", "var", "limit"):
            raise NotNumeric(name)
        if name.endswith("'") and name.rstrip("'") in KNOWN_FUNCTIONS:
            return _prime(name, expand_trusted(args[0]))
    return rebuild(node, expand_trusted)


def _prime(name: str, argument: Node) -> Node:
    """sigmoid'(a): differentiate the known function in a fresh variable, then put `a` in."""
    base = name.rstrip("'")
    result: Node = _call(base, ("var", _FRESH))
    for _ in range(len(name) - len(base)):
        result = differentiate(result, _FRESH)
    return substitute(result, _FRESH, argument)


def _symbol(node: Node) -> str:
    """The variable name in diff(expr, x) / subs(expr, x, v)."""
    if node[0] != "var":
        raise NotNumeric("not a variable")
    return node[1]


def _diff_call(args: tuple[Node, ...]) -> Node:
    """diff(expr, x) or diff(expr, x, n) with a small integer n."""
    result = expand_trusted(args[0])
    var = _symbol(args[1])
    order = 1
    if len(args) == 3:
        if args[2][0] != "num" or not args[2][1].isdigit() or not 1 <= int(args[2][1]) <= 4:
            raise NotNumeric("order")
        order = int(args[2][1])
    for _ in range(order):
        result = differentiate(result, var)
    return result


def _subs(args: tuple[Node, ...]) -> Node:
    """subs(expr, x, a[, y, b ...]): substitute each pair in turn."""
    if len(args) % 2 == 0:
        raise NotNumeric("subs pairs")
    result = expand_trusted(args[0])
    for name, value in zip(args[1::2], args[2::2]):
        result = substitute(result, _symbol(name), expand_trusted(value))
    return result


def _sum(args: tuple[Node, ...]) -> Node:
    """sum(expr, i, a, b) with integer literal bounds, unrolled."""
    body, index, low, high = args
    name = _symbol(index)
    bounds = []
    for bound in (low, high):
        if bound[0] != "num" or not bound[1].isdigit():
            raise NotNumeric("symbolic bounds")
        bounds.append(int(bound[1]))
    if bounds[1] - bounds[0] + 1 > MAX_SUM_TERMS:
        raise NotNumeric("too many terms")
    body = expand_trusted(body)
    result: Node = ZERO
    for k in range(bounds[0], bounds[1] + 1):
        result = ("add", result, substitute(body, name, ("num", str(k))))
    return result


def substitute(node: Node, name: str, value: Node) -> Node:
    """Replace variable `name` by the tree `value`."""
    if node[0] == "var":
        return value if node[1] == name else node
    return rebuild(node, lambda child: substitute(child, name, value))


def differentiate(node: Node, x: str) -> Node:
    """d/dx of a plain tree by the usual rules (no simplification; evaluated numerically later)."""
    if not mentions(node, x):
        return ZERO
    kind = node[0]
    if kind == "var":
        return ONE
    if kind == "neg":
        return ("neg", differentiate(node[1], x))
    if kind == "call":
        return _chain(node, x)
    a, b = node[1], node[2]
    da, db = differentiate(a, x), differentiate(b, x)
    if kind in ("add", "sub"):
        return (kind, da, db)
    if kind == "mul":
        return ("add", ("mul", da, b), ("mul", a, db))
    if kind == "div":
        return ("div", ("sub", ("mul", da, b), ("mul", a, db)), ("pow", b, ("num", "2")))
    if kind == "pow":
        if not mentions(b, x):
            return ("mul", ("mul", b, ("pow", a, ("sub", b, ONE))), da)
        return ("mul", node, ("add", ("mul", db, _call("log", a)), ("div", ("mul", b, da), a)))
    raise NotNumeric(kind)


def _chain(node: Node, x: str) -> Node:
    """Chain rule for the known one-argument functions (and max/min, log with a base)."""
    name, args = node[1], node[2]
    if name in ("max", "min"):
        a, b = args
        first, second = (a, b) if name == "max" else (b, a)
        step = _call("heaviside", ("sub", first, second))
        return ("add", ("mul", step, differentiate(a if name == "max" else b, x)),
                ("mul", ("sub", ONE, step), differentiate(b if name == "max" else a, x)))
    if name == "log" and len(args) == 2:
        return differentiate(("div", _call("log", args[0]), _call("log", args[1])), x)
    if len(args) != 1:
        raise NotNumeric(name)
    u = args[0]
    outer = _outer_derivative(name, u)
    return ("mul", outer, differentiate(u, x))


def _outer_derivative(name: str, u: Node) -> Node:
    """f'(u) for a known function f; an abstract f gets f' (up to MAX_PRIMES primes)."""
    if name in _DERIVATIVES:
        return _DERIVATIVES[name](u)
    if name.rstrip("'") not in KNOWN_FUNCTIONS and len(name) - len(name.rstrip("'")) < MAX_PRIMES:
        return _call(name + "'", u)  # an abstract f: f' has its own numeric stand-in
    raise NotNumeric(name)


def _square(node: Node) -> Node:
    """node²."""
    return ("pow", node, ("num", "2"))


_DERIVATIVES: dict[str, Callable[[Node], Node]] = {  # f'(u) for each known f
    "exp": lambda u: _call("exp", u),
    "log": lambda u: ("div", ONE, u),
    "ln": lambda u: ("div", ONE, u),
    "sqrt": lambda u: ("div", ONE, ("mul", ("num", "2"), _call("sqrt", u))),
    "abs": lambda u: _call("sign", u),
    "sigmoid": lambda u: ("mul", _call("sigmoid", u), ("sub", ONE, _call("sigmoid", u))),
    "tanh": lambda u: ("sub", ONE, ("pow", _call("tanh", u), ("num", "2"))),
    "relu": lambda u: _call("heaviside", u),
    "softplus": lambda u: _call("sigmoid", u),
    "sin": lambda u: _call("cos", u),
    "cos": lambda u: ("neg", _call("sin", u)),
    "tan": lambda u: ("add", ONE, ("pow", _call("tan", u), ("num", "2"))),
    "sign": lambda u: ZERO,
    "heaviside": lambda u: ZERO,
    "floor": lambda u: ZERO,
    "sinh": lambda u: _call("cosh", u),
    "cosh": lambda u: _call("sinh", u),
    "sech": lambda u: ("neg", ("mul", _call("sech", u), _call("tanh", u))),
    "csch": lambda u: ("neg", ("mul", _call("csch", u), _call("coth", u))),
    "coth": lambda u: ("sub", ONE, _square(_call("coth", u))),
    "asinh": lambda u: ("div", ONE, _call("sqrt", ("add", _square(u), ONE))),
    "acosh": lambda u: ("div", ONE, _call("sqrt", ("sub", _square(u), ONE))),
    "atanh": lambda u: ("div", ONE, ("sub", ONE, _square(u))),
    "asin": lambda u: ("div", ONE, _call("sqrt", ("sub", ONE, _square(u)))),
    "acos": lambda u: ("neg", ("div", ONE, _call("sqrt", ("sub", ONE, _square(u))))),
    "atan": lambda u: ("div", ONE, ("add", ONE, _square(u))),
}
