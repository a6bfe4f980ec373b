"""The one bounded number evaluator for text: learner numbers, content formulas and parameter specs (no eval).

Bounds: input length and node count, integers below 2**MAX_INT_BITS (checked *before* a power or product is
computed), iterative evaluation (no recursion, so a 999-term sum is fine), and every failure is a FormulaError
with a Japanese message. Complex results are refused as "実数になりません".
"""

from __future__ import annotations

import ast
import math
import operator
import sys
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from eqprep.maths.numeric import sigmoid

MAX_LENGTH = 2000
MAX_NODES = 2500
MAX_INT_BITS = 1024  # |integer| < 2**1024 ≈ 1.8e308, the float range: larger numbers are never useful here
FLOAT_MAX_INT = int(sys.float_info.max)
MAX_COMB_N = 10_000
MAX_FACTORIAL = 170


class FormulaError(ValueError):
    """A formula that cannot be parsed or evaluated; the message is Japanese."""


def _log(x: float, base: float | None = None) -> float:
    """Natural log, or log in `base` when given."""
    return math.log(x) if base is None else math.log(x, base)


def _factorial(n: float) -> float:
    """Factorial limited to small integers so content cannot stall the checker."""
    if n != int(n) or not 0 <= n <= MAX_FACTORIAL:
        raise FormulaError(f"factorial は 0〜{MAX_FACTORIAL} の整数にだけ使えます")
    return float(math.factorial(int(n)))


def _comb(n: float, k: float) -> int:
    """Binomial coefficient C(n, k) for modest integers (also spelled binomial / C)."""
    if n != int(n) or k != int(k) or not 0 <= n <= MAX_COMB_N:
        raise FormulaError(f"二項係数 C(n, k) は n が 0〜{MAX_COMB_N} の整数のときだけ使えます")
    return math.comb(int(n), int(k)) if k >= 0 else 0


FUNCTIONS: dict[str, Callable[..., Any]] = {
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
    "sinh": math.sinh,
    "cosh": math.cosh,
    "sin": math.sin,
    "cos": math.cos,
    "tan": math.tan,
    "atan": math.atan,
    "comb": _comb,
    "binomial": _comb,
    "C": _comb,
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
_ALLOWED = (
    ast.Expression, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.IfExp, ast.Call,
    ast.Constant, ast.Name, ast.Load, ast.operator, ast.unaryop, ast.boolop, ast.cmpop,
)
TOO_LARGE = f"数が大きすぎます (絶対値 2^{MAX_INT_BITS} ≈ 1.8e308 まで)"
NOT_REAL = "実数になりません"


def _vet_call(node: ast.Call) -> None:
    """Only a known function by name, with plain positional arguments."""
    if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
        name = node.func.id if isinstance(node.func, ast.Name) else "?"
        raise FormulaError(f"関数 '{name}' は使えません (使える関数: {', '.join(sorted(FUNCTIONS))})")
    if node.keywords:
        raise FormulaError("関数のキーワード引数は使えません")
    if any(isinstance(arg, ast.Starred) for arg in node.args):
        raise FormulaError("* による引数の展開は使えません")


def _vet_constant(value: Any) -> None:
    """Only bounded real numbers."""
    if isinstance(value, complex):
        raise FormulaError(f"複素数は使えません ({NOT_REAL}): {value!r}")
    if not isinstance(value, (int, float)):
        raise FormulaError(f"数値以外の定数は使えません: {value!r}")
    _checked(value)


def _vet(node: ast.AST) -> None:
    """Refuse anything outside the allowlist (checked on every node before evaluation)."""
    if isinstance(node, ast.Call):
        _vet_call(node)
    elif not isinstance(node, _ALLOWED):
        raise FormulaError(f"式に使えない構文があります: {type(node).__name__}")
    if isinstance(node, ast.Constant):
        _vet_constant(node.value)
    if isinstance(node, ast.BinOp) and type(node.op) not in _BINOPS:
        raise FormulaError(f"演算子 {type(node.op).__name__} は使えません")
    if isinstance(node, ast.UnaryOp) and not isinstance(node.op, (ast.USub, ast.UAdd, ast.Not)):
        raise FormulaError(f"演算子 {type(node.op).__name__} は使えません")
    if isinstance(node, ast.Name) and "__" in node.id:
        raise FormulaError(f"使えない名前です: {node.id}")


@lru_cache(maxsize=4096)
def compile_formula(text: str) -> ast.Expression:
    """Parse and vet a formula against the allowlist before any evaluation (cached: generators reuse it per seed)."""
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"式が長すぎます ({len(text)} 文字、上限 {MAX_LENGTH})")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise FormulaError(f"式を読めません ({exc.offset} 文字目付近): {text[:60]!r}") from None
    except (ValueError, RecursionError, MemoryError, OverflowError):
        raise FormulaError(f"式を読めません (数が長すぎるか入れ子が深すぎます): {text[:60]!r}") from None
    count = 0
    for node in ast.walk(tree):
        count += isinstance(node, ast.expr)
        if count > MAX_NODES:
            raise FormulaError(f"式が長すぎます (要素 {MAX_NODES} 個まで)")
        _vet(node)
    return tree


def names_in(text: str) -> set[str]:
    """Variable names a formula refers to (functions and constants excluded)."""
    tree = compile_formula(text)
    called = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} - called - set(CONSTANTS)


def _checked(value: Any) -> Any:
    """The value if it is a bounded real number; FormulaError otherwise."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        if value.bit_length() > MAX_INT_BITS or abs(value) > FLOAT_MAX_INT:
            raise FormulaError(TOO_LARGE)
        return value
    if isinstance(value, float):
        if math.isinf(value):
            raise FormulaError(TOO_LARGE)
        if math.isnan(value):
            raise FormulaError(f"値が定まりません ({NOT_REAL})")
        return value
    if isinstance(value, complex):
        raise FormulaError(NOT_REAL)
    raise FormulaError("数値になりません")


def _binop(op: ast.operator, a: Any, b: Any) -> Any:
    """One arithmetic step, refused *before* computing when an integer result would exceed the cap."""
    if isinstance(op, ast.Pow):
        if isinstance(a, int) and isinstance(b, int) and b > 0 and abs(a) > 1 and math.log2(abs(a)) * b > MAX_INT_BITS:
            raise FormulaError(TOO_LARGE)
        if isinstance(a, (int, float)) and a < 0 and isinstance(b, float) and not b.is_integer():
            raise FormulaError(f"負の数の非整数乗は{NOT_REAL}: ({a})^({b})")
        if a == 0 and b < 0:
            raise FormulaError("0 の負の累乗は定義されません (0 で割っています)")
    if isinstance(op, ast.Mult) and isinstance(a, int) and isinstance(b, int) and a.bit_length() + b.bit_length() > MAX_INT_BITS + 1:
        raise FormulaError(TOO_LARGE)
    return _BINOPS[type(op)](a, b)


def _call(name: str, args: list[Any]) -> Any:
    """A vetted function call; domain errors become Japanese messages."""
    try:
        return FUNCTIONS[name](*args)
    except ValueError as exc:
        if isinstance(exc, FormulaError):
            raise
        shown = ", ".join(f"{a:g}" if isinstance(a, float) else str(a) for a in args)
        raise FormulaError(f"{name}({shown}) は{NOT_REAL} (定義域の外です)") from None
    except TypeError:
        raise FormulaError(f"{name} の引数の数が違います ({len(args)} 個)") from None


_PENDING = object()


Step = tuple[ast.AST | None, Any]  # (child to evaluate next, _PENDING) or (None, the node's value)


def _name(node: ast.Name, values: list[Any], env: Mapping[str, Any]) -> Step:
    """A variable from the environment, else a named constant."""
    if node.id in env:
        return None, env[node.id]
    if node.id in CONSTANTS:
        return None, CONSTANTS[node.id]
    raise FormulaError(f"未定義の名前です: {node.id}")


def _unary(node: ast.UnaryOp, values: list[Any], env: Mapping[str, Any]) -> Step:
    """-x, +x, not x."""
    if not values:
        return node.operand, _PENDING
    if isinstance(node.op, ast.Not):
        return None, not values[0]
    return None, -values[0] if isinstance(node.op, ast.USub) else +values[0]


def _binary(node: ast.BinOp, values: list[Any], env: Mapping[str, Any]) -> Step:
    """Both operands, then the guarded arithmetic step."""
    if len(values) < 2:
        return (node.left, node.right)[len(values)], _PENDING
    return None, _binop(node.op, values[0], values[1])


def _boolean(node: ast.BoolOp, values: list[Any], env: Mapping[str, Any]) -> Step:
    """`and` / `or` with short-circuit."""
    is_and = isinstance(node.op, ast.And)
    if values and bool(values[-1]) != is_and:
        return None, bool(values[-1])  # short-circuit: `and` saw a false, `or` saw a true
    if len(values) < len(node.values):
        return node.values[len(values)], _PENDING
    return None, is_and


def _compare(node: ast.Compare, values: list[Any], env: Mapping[str, Any]) -> Step:
    """A chained comparison: every operand, then every link."""
    operands = [node.left, *node.comparators]
    if len(values) < len(operands):
        return operands[len(values)], _PENDING
    return None, all(_CMPOPS[type(o)](a, b) for o, a, b in zip(node.ops, values, values[1:], strict=False))


def _conditional(node: ast.IfExp, values: list[Any], env: Mapping[str, Any]) -> Step:
    """`a if test else b`: the test, then only the branch taken."""
    if not values:
        return node.test, _PENDING
    if len(values) == 1:
        return (node.body if values[0] else node.orelse), _PENDING
    return None, values[1]


def _function(node: ast.Call, values: list[Any], env: Mapping[str, Any]) -> Step:
    """Every argument, then the vetted call."""
    if not isinstance(node.func, ast.Name):
        raise FormulaError("式に使えない構文があります: Call")
    if len(values) < len(node.args):
        return node.args[len(values)], _PENDING
    return None, _call(node.func.id, values)


_STEPS: dict[type[ast.AST], Callable[[Any, list[Any], Mapping[str, Any]], Step]] = {
    ast.Name: _name, ast.UnaryOp: _unary, ast.BinOp: _binary, ast.BoolOp: _boolean, ast.Compare: _compare,
    ast.IfExp: _conditional, ast.Call: _function,
}


def _next(node: ast.AST, values: list[Any], env: Mapping[str, Any]) -> Step:
    """(child to evaluate next, _PENDING) or (None, this node's value once its children are done)."""
    if isinstance(node, ast.Constant):
        return None, node.value
    step = _STEPS.get(type(node))
    if step is None:
        raise FormulaError(f"式に使えない構文があります: {type(node).__name__}")
    return step(node, values, env)


def _run(body: ast.AST, env: Mapping[str, Any]) -> Any:
    """Evaluate with an explicit stack (no recursion); every intermediate value is checked."""
    stack: list[tuple[ast.AST, list[Any]]] = [(body, [])]
    while True:
        node, values = stack[-1]
        child, value = _next(node, values, env)
        if child is not None:
            stack.append((child, []))
            continue
        value = _checked(value)
        stack.pop()
        if not stack:
            return value
        stack[-1][1].append(value)


def evaluate(text: str, env: Mapping[str, float] | None = None) -> Any:
    """Evaluate a formula with the given variables; every failure becomes FormulaError (Japanese)."""
    tree = compile_formula(text)
    try:
        return _run(tree.body, env or {})
    except FormulaError:
        raise
    except ZeroDivisionError:
        raise FormulaError(f"0 で割っています: {text[:60]}") from None
    except OverflowError:
        raise FormulaError(f"{TOO_LARGE}: {text[:60]}") from None
    except (ValueError, TypeError, ArithmeticError) as exc:
        raise FormulaError(f"計算できません ({type(exc).__name__}): {text[:60]}") from None
