"""Learner step checker: each line must follow from the last correct line; the first wrong step is shown.

Lines may use derivative notation (d/du f(u), diff(f, u), f'(u)); each comparison is numeric at random points
and then confirmed by the exact stage, so a slip hidden below float precision is still caught.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, get_args

from eqprep.maths.calculus import NotNumeric, expand_trusted
from eqprep.maths.compare import DEFAULT_DOMAIN, compare, evaluators
from eqprep.maths.display import point_text, to_text
from eqprep.maths.exact import confirm
from eqprep.maths.grammar import FormulaError, Parsed, parse_line
from eqprep.maths.names import KNOWN_FUNCTIONS, Vocabulary
from eqprep.maths.numeric import Undefined
from eqprep.maths.parse import render
from eqprep.maths.tree import Node, mentions

StepStatus = Literal["start", "ok", "wrong", "invalid", "undecided", "unchecked"]
STATUSES: tuple[StepStatus, ...] = get_args(StepStatus)
Relation = Literal["ok", "wrong", "undecided"]  # how one expression relates to the next


@dataclass(frozen=True)
class StepCheck:
    """One line: `status` in STATUSES, how it was read, and a Japanese message."""

    index: int
    display: str
    status: StepStatus
    message: str = ""
    counterexample: dict[str, float] | None = None

    @property
    def ok(self) -> bool:
        """True for the first line and for lines that follow from the previous one."""
        return self.status in ("start", "ok")


@dataclass
class _Line:
    """A read line: its expressions (with the carried-over one) and whether it is an equation."""
    parsed: Parsed
    exprs: list[Node]
    equation: bool


class _Context:
    """Names, stand-ins for abstract functions and the domain shared by all comparisons."""

    def __init__(self, variables: Sequence[str], functions: Sequence[str],
                 domain: Mapping[str, tuple[float, float]] | None) -> None:
        self.vocab = Vocabulary(frozenset(variables), frozenset(functions), derivatives=True)
        self.abstract = {f for f in functions if f not in KNOWN_FUNCTIONS}
        self.domain = dict(domain or {})

    def same(self, a: Node, b: Node) -> tuple[Relation, dict[str, float] | None]:
        """("ok" | "wrong" | "undecided", counterexample over the variables used) for two expressions."""
        try:
            a, b = expand_trusted(a), expand_trusted(b)
        except (NotNumeric, RecursionError):
            return "undecided", None
        used = {v for v in self.vocab.variables if mentions(a, v) or mentions(b, v)}
        result = compare(a, b, used, self.abstract, self.domain)
        if result.outcome == "equal":
            exact = confirm(a, b, used, self.abstract, result.domain)
            if exact.outcome == "different":
                return "wrong", exact.point
            return ("ok", None) if exact.outcome == "equal" else ("undecided", None)
        if result.outcome == "different":
            return "wrong", result.point
        return "undecided", None

    def proportional(self, first: Node, second: Node) -> Relation:
        """Whether two equation residuals differ by a nonzero constant factor (same solutions)."""
        try:
            first, second = expand_trusted(first), expand_trusted(second)
        except (NotNumeric, RecursionError):
            return "undecided"
        rng = random.Random(11)
        evaluate, _ = evaluators(self.abstract)
        ratios = []
        for _ in range(40):
            point = {v: rng.uniform(*self.domain.get(v, DEFAULT_DOMAIN)) for v in self.vocab.variables}
            try:
                a, b = evaluate(first, point), evaluate(second, point)
            except Undefined:
                continue
            if abs(a) < 1e-9:
                if abs(b) > 1e-6:
                    return "wrong"
                continue
            ratios.append(b / a)
            if len(ratios) >= 8:
                break
        if len(ratios) < 3:
            return "undecided"
        base = ratios[0]
        if abs(base) < 1e-12 or any(abs(r - base) > 1e-6 * max(1.0, abs(base)) for r in ratios):
            return "wrong"
        return "ok"


def _residual(line: _Line) -> Node:
    """lhs − rhs of an equation line."""
    return ("sub", line.exprs[0], line.exprs[1])


def _differs_from_previous(point: dict[str, float] | None) -> str:
    """Message for a line whose value differs from the last correct line's at `point`."""
    return f"前の行と等しくありません。{point_text(point or {})} で値が違います。"


def _read(text: str, ctx: _Context, previous: _Line | None) -> tuple[_Line | None, StepCheck | None]:
    """Parse a line and check its own '=' signs; returns the line or an error result."""
    try:
        parsed = parse_line(text, ctx.vocab)
    except FormulaError as error:
        hint = ""
        if "はこの問題では使えません" in error.message and error.problem.startswith("名前"):
            hint = " 変数なら、上の「変数」欄に追加してください (例: x, y, u)。"
        return None, StepCheck(0, "", "invalid", error.message + hint)
    exprs = list(parsed.parts)
    if parsed.continued:
        if previous is None or previous.equation:
            return None, StepCheck(0, "", "invalid", "'=' で始まる行は、前の行が式のときだけ使えます。")
        exprs = [previous.exprs[-1], *exprs]
    if len(exprs) == 2 and not parsed.continued:
        status, _ = ctx.same(exprs[0], exprs[1])
        if status != "ok":
            return _Line(parsed, exprs, equation=True), None
    for position, (a, b) in enumerate(itertools.pairwise(exprs)):
        status, point = ctx.same(a, b)
        if status != "ok":
            if position == 0 and parsed.continued:
                message = _differs_from_previous(point)
            else:
                message = f"この行の中の '=' が成り立ちません ({to_text(a)} ≠ {to_text(b)})。"
            return _Line(parsed, exprs, False), StepCheck(0, "", status if status == "undecided" else "wrong", message, point)
    return _Line(parsed, exprs, equation=False), None


def _judge(anchor: _Line | None, line: _Line, ctx: _Context,
           after_others: bool) -> tuple[StepStatus, str, dict[str, float] | None]:
    """A readable line against the last right one: the first line starts, later ones follow or not."""
    if anchor is None:
        return ("unchecked", "前に読める行がないので比べられません。", None) if after_others else ("start", "", None)
    if line.parsed.continued:
        return "ok", "", None  # `_read` already compared it with the anchor line
    return _transition(anchor, line, ctx)


def _transition(previous: _Line, line: _Line, ctx: _Context) -> tuple[Relation, str, dict[str, float] | None]:
    """Does `line` follow from `previous`? (status, Japanese message, counterexample)"""
    if previous.equation and line.equation:
        status = ctx.proportional(_residual(previous), _residual(line))
        message = {"ok": "", "wrong": "前の行の方程式と同値ではありません (解が変わります)。",
                   "undecided": "判定できませんでした。"}[status]
        return status, message, None
    if previous.equation or line.equation:
        return "undecided", "式と方程式は比べられません。同じ種類の行を続けてください。", None
    status, point = ctx.same(previous.exprs[-1], line.exprs[0])
    if status == "wrong":
        return status, _differs_from_previous(point), point
    return status, "" if status == "ok" else "判定できませんでした。", point


def check_steps(lines: list[str], variables: Sequence[str] = (), functions: Sequence[str] = (),
                domain: Mapping[str, tuple[float, float]] | None = None) -> list[StepCheck]:
    """Check each non-blank line against the last correct line (lines may be `a = b` or start with '=').

    After a wrong or unreadable line, later lines are still compared with the last line that was right, so
    one slip does not mark every following correct step wrong.
    """
    ctx = _Context(variables, functions, domain)
    results: list[StepCheck] = []
    anchor: _Line | None = None  # the last line that was right (or the first line)
    anchor_index = 0
    for index, text in enumerate(lines, 1):
        if not text.strip():
            continue
        line, error = _read(text, ctx, anchor)
        display = render(line.parsed) if line is not None else ""
        note = "" if not results or anchor_index == results[-1].index else f" ({anchor_index} 行目と比べました)"
        if error is not None:
            message = error.message + (note if error.status != "invalid" and line and line.parsed.continued else "")
            results.append(StepCheck(index, display, error.status, message, error.counterexample))
            continue
        assert line is not None
        status, message, point = _judge(anchor, line, ctx, bool(results))
        if status in ("ok", "start", "unchecked"):
            anchor, anchor_index = line, index
        results.append(StepCheck(index, display, status, message + (note if message else ""), point))
    return results


def first_error(results: Sequence[StepCheck]) -> StepCheck | None:
    """The first line that is not ok (what the UI highlights)."""
    return next((r for r in results if not r.ok), None)
