"""Answer checking: parse safely, compare at random points in-process, fall back to SymPy in a killable worker."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, get_args

from eqprep.maths.calculus import NotNumeric, expand_trusted
from eqprep.maths.compare import Comparison, compare
from eqprep.maths.display import point_text, to_text
from eqprep.maths.exact import ExactResult
from eqprep.maths.exact import confirm as confirm_exactly
from eqprep.maths.forms import FORMS, SYMBOLIC_FORMS, check_form, valid_form
from eqprep.maths.grammar import FormulaError, parse_expression
from eqprep.maths.names import KNOWN_FUNCTIONS, Vocabulary
from eqprep.maths.sandbox import shared_worker
from eqprep.maths.tree import Node

CheckStatus = Literal["equivalent", "not_equivalent", "undecided", "invalid"]
STATUSES: tuple[CheckStatus, ...] = get_args(CheckStatus)


@dataclass(frozen=True)
class CheckResult:
    """Verdict with a Japanese message; `counterexample` is a point where the two differ."""

    status: CheckStatus
    message: str
    counterexample: dict[str, float] | None = None
    display: str = ""
    method: str = ""

    @property
    def ok(self) -> bool:
        """True only for a proven or numerically confirmed equivalence."""
        return self.status == "equivalent"


def _fmt(value: float, digits: int = 6) -> str:
    """Short number for messages (more digits when needed to tell two values apart)."""
    return f"{value:.{digits}g}"


def check_answer(
    expected: str,
    given: str,
    variables: Sequence[str] = (),
    functions: Sequence[str] = (),
    domain: Mapping[str, tuple[float, float]] | None = None,
    form: str | None = None,
    timeout: float = 2.0,
    confirm: bool = False,
) -> CheckResult:
    """Grade learner text `given` against trusted `expected`; never raises for bad learner input.

    `confirm=True` also asks SymPy after a numeric match (slower; a proven nonzero difference overrules it).
    """
    if not isinstance(given, str):
        return CheckResult("invalid", "入力が文字列ではありません。")
    return _check(expected, given, variables, functions, domain, form, timeout, given_trusted=False,
                  confirm=confirm)


def check_untrusted(expected: str, given: str, variables: Sequence[str] = (), functions: Sequence[str] = (),
                    form: str | None = None, timeout: float = 2.0) -> CheckResult:
    """Like check_answer, but `expected` is hostile too (the `eqprep equiv` command): no trusted operations."""
    return _check(expected, given, variables, functions, None, form, timeout, given_trusted=False,
                  expected_trusted=False)


def check_formula(formula: str, answer: str, variables: Sequence[str] = (), functions: Sequence[str] = (),
                  domain: Mapping[str, tuple[float, float]] | None = None, timeout: float = 5.0) -> CheckResult:
    """Content check: does the stated `answer` equal `formula` (which may use diff, subs, sum)? Also asks SymPy."""
    return _check(formula, answer, variables, functions, domain, None, timeout, given_trusted=True, confirm=True)


def _check(expected_text: str, given_text: str, variables: Sequence[str], functions: Sequence[str],
           domain: Mapping[str, tuple[float, float]] | None, form: str | None, timeout: float,
           given_trusted: bool, expected_trusted: bool = True, confirm: bool = False) -> CheckResult:
    """Shared pipeline of check_answer, check_untrusted and check_formula: read both, compare, then the form."""
    pair = _read_pair(expected_text, given_text, frozenset(variables), frozenset(functions), given_trusted,
                      expected_trusted)
    if isinstance(pair, CheckResult):
        return pair
    if form and not valid_form(form):
        return CheckResult("invalid", f"form '{form}' は使えません ({' / '.join(FORMS)} / in_terms:f)。",
                           display=pair.shown)
    method = _equivalence(pair, domain, timeout, (expected_trusted, given_trusted), confirm)
    if isinstance(method, CheckResult):
        return method
    if form:
        wrong_form = _form_problem(form, pair, given_trusted, timeout)
        if wrong_form is not None:
            return wrong_form
    return CheckResult("equivalent", "正解です。", display=pair.shown, method=method)


@dataclass(frozen=True)
class _Pair:
    """Both formulas read: their trees and texts, the names in play and the functions without a known value."""

    expected: Node
    given: Node
    expected_text: str
    given_text: str
    names: frozenset[str]
    functions: frozenset[str]
    abstract: set[str]
    shown: str  # the learner's formula as displayed back


def _read_pair(expected_text: str, given_text: str, declared: frozenset[str], funcs: frozenset[str],
               given_trusted: bool, expected_trusted: bool) -> _Pair | CheckResult:
    """Parse the key (its names become the learner's vocabulary), then the answer; an invalid result if either fails."""
    try:
        expected, parsed_expected = parse_expression(expected_text, Vocabulary(declared, funcs, expected_trusted, True))
    except FormulaError as error:
        prefix = "模範解答の式を読めません (問題データの誤り)" if expected_trusted else "基準の式を読めません"
        return CheckResult("invalid", f"{prefix}: {error.message}", method="parse")
    names = declared | parsed_expected.variables
    learner = Vocabulary(names, funcs, trusted=given_trusted, infer_variables=False)
    try:
        given, parsed_given = parse_expression(given_text, learner)
    except FormulaError as error:
        return CheckResult("invalid", error.message, method="parse")
    abstract = {f for f in funcs | parsed_given.functions | parsed_expected.functions if f not in KNOWN_FUNCTIONS}
    return _Pair(expected, given, expected_text, given_text, names, funcs, abstract, to_text(given))


def _equivalence(pair: _Pair, domain: Mapping[str, tuple[float, float]] | None, timeout: float,
                 trusted: tuple[bool, bool], confirm: bool) -> str | CheckResult:
    """How the two were shown equal (numeric, an exact method, symbolic), or the result that they are not (yet)."""
    plain = _expanded(pair.expected, pair.given)
    comparison = compare(*plain, pair.names, pair.abstract, domain) if plain else None
    if comparison is not None and comparison.outcome == "different":
        return _not_equivalent(comparison, pair.shown, pair.abstract)
    numeric_equal = comparison is not None and comparison.outcome == "equal"
    method = "numeric"
    if numeric_equal and plain:
        exact = confirm_exactly(*plain, pair.names, pair.abstract, comparison.domain if comparison else domain)
        if exact.outcome == "different":
            return _exactly_different(exact, pair.shown, pair.abstract)
        numeric_equal = exact.outcome == "equal"
        method = exact.method
    if confirm or not numeric_equal:
        symbolic = _symbolic(pair.expected_text, pair.given_text, pair.names, pair.functions, trusted, timeout)
        # A proven difference always wins; no proof only counts against answers the exact stage did not confirm.
        if symbolic == "not_equivalent" or (symbolic != "equivalent" and not numeric_equal):
            return _undecided_or_wrong(symbolic, pair.shown)
        if symbolic == "equivalent":
            method = "symbolic"
    return method


def _form_problem(form: str, pair: _Pair, given_trusted: bool, timeout: float) -> CheckResult | None:
    """An equivalent answer must also have the asked form (factored, reduced, ...); None when it has."""
    shown = pair.shown
    problem = check_form(form, pair.given, expand_or_self(pair.expected))
    if problem:
        return CheckResult("not_equivalent", problem, display=shown, method="form")
    if form.strip() not in SYMBOLIC_FORMS:
        return None
    reply = shared_worker().request({"form": form.strip(), "given": pair.given_text, "variables": sorted(pair.names),
                                     "functions": sorted(pair.functions), "given_trusted": given_trusted}, timeout)
    if not reply or reply.get("status") not in ("ok", "wrong_form"):
        return CheckResult("undecided", "形 (因数分解・約分) を時間内に確かめられませんでした。正解とは扱いません。",
                           display=shown, method="form")
    if reply["status"] == "wrong_form":
        return CheckResult("not_equivalent", str(reply.get("message", "")), display=shown, method="form")
    return None


def expand_or_self(node: Node) -> Node:
    """The tree with diff/subs/sum expanded where possible."""
    try:
        return expand_trusted(node)
    except NotNumeric:
        return node


def _expanded(expected: Node, given: Node) -> tuple[Node, Node] | None:
    """Both trees with diff/subs/sum expanded, or None when a formula needs SymPy (symbolic sums, expectations)."""
    try:
        return expand_trusted(expected), expand_trusted(given)
    except (NotNumeric, RecursionError):
        return None


def _exactly_different(exact: ExactResult, shown: str, abstract: set[str]) -> CheckResult:
    """A difference too small for floats: name the point and how far apart the values are."""
    point = exact.point or {}
    where = point_text(point) or "(変数なし)"
    if exact.given_value is None:
        message = f"正しくありません。{where} のとき、あなたの式は値を持ちません。"
    elif abstract:
        message = f"正しくありません。{where} のとき正解と値がわずかに違います (厳密な計算で確認)。"
    else:
        gap = abs((exact.given_value or 0.0) - (exact.expected_value or 0.0))
        detail = f"差は約 {gap:.3g}" if gap else "差は浮動小数点数では見えないほど小さい値"
        message = (f"正しくありません。{where} のとき、あなたの式と正解の値はごくわずかに違います "
                   f"({detail}。厳密な計算で確認しました)。")
    return CheckResult("not_equivalent", message, dict(point), display=shown, method=exact.method)


def _not_equivalent(comparison: Comparison, shown: str, abstract: set[str]) -> CheckResult:
    """Message with the counterexample point and both values (values hidden for abstract functions)."""
    point = comparison.point or {}
    where = point_text(point) or "(変数なし)"
    if abstract:
        names = ", ".join(sorted(abstract))
        message = f"正しくありません。{where} のとき正解と値が一致しません ({names} を一般の関数として比べています)。"
    elif comparison.given_undefined:
        message = f"正しくありません。{where} のとき、あなたの式は値を持ちません (正解は {_fmt(comparison.expected_value or 0.0)})。"
    else:
        given, want = comparison.given_value or 0.0, comparison.expected_value or 0.0
        digits = next((d for d in (6, 10, 17) if _fmt(given, d) != _fmt(want, d)), 17)
        message = f"正しくありません。{where} のとき、あなたの式は {_fmt(given, digits)}、正解は {_fmt(want, digits)} です。"
    return CheckResult("not_equivalent", message, dict(point), display=shown, method="numeric")


def _symbolic(expected: str, given: str, names: frozenset[str], functions: frozenset[str],
              trust: tuple[bool, bool], timeout: float) -> str:
    """Ask the SymPy worker; "undecided" if it times out or fails."""
    payload = {"expected": expected, "given": given, "variables": sorted(names), "functions": sorted(functions),
               "expected_trusted": trust[0], "given_trusted": trust[1]}
    reply = shared_worker().request(payload, timeout)
    return reply.get("status", "undecided") if reply else "undecided"


def _undecided_or_wrong(status: str, shown: str) -> CheckResult:
    """Map a symbolic verdict other than equivalent to a result."""
    if status == "not_equivalent":
        return CheckResult("not_equivalent", "正しくありません (正解との差が 0 でない定数です)。", display=shown, method="symbolic")
    return CheckResult("undecided", "時間内に判定できませんでした。正解とは扱いません。式を簡単にして再入力してください。",
                       display=shown, method="symbolic")


def warm_up() -> bool:
    """Start the SymPy worker in advance (call from a background thread)."""
    return shared_worker().warm_up()
