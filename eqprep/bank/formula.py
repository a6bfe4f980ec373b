"""Safe numeric formula language for numeric and parametric questions (AST allowlist, no eval)."""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from eqprep.maths.numeric import sigmoid

MAX_LENGTH = 2000
MAX_POWER = 1e4  # largest exponent magnitude; keeps `2**10**10` from hanging


class FormulaError(ValueError):
    """A formula that cannot be parsed or evaluated; the message is Japanese."""


def _log(x: float, base: float | None = None) -> float:
    """Natural log, or log in `base` when given."""
    return math.log(x) if base is None else math.log(x, base)


def _factorial(n: float) -> float:
    """Factorial limited to small integers so content cannot stall the checker."""
    if n != int(n) or not 0 <= n <= 170:
        raise FormulaError("factorial は 0〜170 の整数にだけ使えます")
    return float(math.factorial(int(n)))


def _comb(n: float, k: float) -> float:
    """Binomial coefficient for modest integers."""
    if n != int(n) or k != int(k) or not 0 <= n <= 10_000:
        raise FormulaError("comb は 0〜10000 の整数にだけ使えます")
    return float(math.comb(int(n), int(k)))


FUNCTIONS: dict[str, Callable[..., float]] = {
    "exp": math.exp,
    "log": _log,
    "ln": math.log,
    "log2": math.log2,
    "log10": math.log10,
    "sqrt": math.sqrt,
    "floor": math.floor,
    "ceil": math.ceil,
    "abs": abs,
    "min": min,
    "max": max,
    "round": round,
    "sigmoid": sigmoid,
    "tanh": math.tanh,
    "sin": math.sin,
    "cos": math.cos,
    "atan": math.atan,
    "comb": _comb,
    "factorial": _factorial,
}
CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e}

_BINOPS: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_CMPOPS: dict[type[ast.cmpop], Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}


@lru_cache(maxsize=4096)
def compile_formula(text: str) -> ast.Expression:
    """Parse and vet a formula against the allowlist before any evaluation (cached: generators reuse it per seed)."""
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"式が長すぎます ({len(text)} 文字、上限 {MAX_LENGTH})")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise FormulaError(f"式を読めません ({exc.offset} 文字目付近): {text!r}") from None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
                name = node.func.id if isinstance(node.func, ast.Name) else "?"
                raise FormulaError(f"使えない関数です: {name}")
            if node.keywords:
                raise FormulaError("関数のキーワード引数は使えません")
        elif not isinstance(
            node,
            (
                ast.Expression, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.IfExp,
                ast.Constant, ast.Name, ast.Load, ast.operator, ast.unaryop, ast.boolop, ast.cmpop,
            ),
        ):
            raise FormulaError(f"式に使えない構文があります: {type(node).__name__}")
        if isinstance(node, ast.Constant) and not isinstance(node.value, (int, float)):
            raise FormulaError(f"数値以外の定数は使えません: {node.value!r}")
        if isinstance(node, ast.Name) and "__" in node.id:
            raise FormulaError(f"使えない名前です: {node.id}")
    return tree


def names_in(text: str) -> set[str]:
    """Variable names a formula refers to (functions and constants excluded)."""
    tree = compile_formula(text)
    called = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} - called - set(CONSTANTS)


def _eval(node: ast.AST, env: Mapping[str, float]) -> Any:
    """Evaluate a vetted AST node."""
    match node:
        case ast.Expression(body=body):
            return _eval(body, env)
        case ast.Constant(value=value):
            return value
        case ast.Name(id=name):
            if name in env:
                return env[name]
            if name in CONSTANTS:
                return CONSTANTS[name]
            raise FormulaError(f"未定義の名前です: {name}")
        case ast.UnaryOp(op=ast.USub(), operand=operand):
            return -_eval(operand, env)
        case ast.UnaryOp(op=ast.UAdd(), operand=operand):
            return +_eval(operand, env)
        case ast.UnaryOp(op=ast.Not(), operand=operand):
            return not _eval(operand, env)
        case ast.BinOp(left=left, op=op, right=right):
            a, b = _eval(left, env), _eval(right, env)
            if isinstance(op, ast.Pow) and abs(b) > MAX_POWER:
                raise FormulaError(f"指数が大きすぎます: {b}")
            return _BINOPS[type(op)](a, b)
        case ast.BoolOp(op=op, values=values):
            results = (_eval(v, env) for v in values)
            return all(results) if isinstance(op, ast.And) else any(results)
        case ast.Compare(left=left, ops=ops, comparators=comparators):
            current = _eval(left, env)
            for op, comp in zip(ops, comparators, strict=True):
                nxt = _eval(comp, env)
                if not _CMPOPS[type(op)](current, nxt):
                    return False
                current = nxt
            return True
        case ast.IfExp(test=test, body=body, orelse=orelse):
            return _eval(body, env) if _eval(test, env) else _eval(orelse, env)
        case ast.Call(func=ast.Name(id=name), args=args):
            return FUNCTIONS[name](*(_eval(a, env) for a in args))
    raise FormulaError(f"式に使えない構文があります: {type(node).__name__}")


def evaluate(text: str, env: Mapping[str, float] | None = None) -> Any:
    """Evaluate a formula with the given variables; every failure becomes FormulaError."""
    tree = compile_formula(text)
    try:
        return _eval(tree, env or {})
    except FormulaError:
        raise
    except ZeroDivisionError:
        raise FormulaError(f"0 で割っています: {text}") from None
    except (ValueError, OverflowError, TypeError) as exc:
        raise FormulaError(f"計算できません ({exc}): {text}") from None
