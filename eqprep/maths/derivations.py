"""Verified derivations: TOML data under content/derivations/, every step checked by SymPy."""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from pathlib import Path
from random import Random
from typing import Any

from eqprep.maths.display import pretty_name, to_text
from eqprep.maths.grammar import FormulaError, Parsed, parse_line
from eqprep.maths.names import Vocabulary
from eqprep.maths.parse import render

DISTRIBUTIONS = ("normal", "uniform")


class DerivationError(Exception):
    """A derivation file that cannot be loaded (Japanese message with the file name)."""


@dataclass(frozen=True)
class Step:
    """One claimed step: `claim` is `a = b [= c ...]` or `= b` (continuing the previous step)."""

    claim: str
    why: str


@dataclass(frozen=True)
class Derivation:
    """A derivation and the assumptions its steps are checked under."""

    id: str
    title: str
    summary: str
    steps: tuple[Step, ...]
    variables: tuple[str, ...] = ()
    functions: tuple[str, ...] = ()
    positive: tuple[str, ...] = ()
    integer: tuple[str, ...] = ()
    let: dict[str, str] = field(default_factory=dict)
    random: dict[str, str] = field(default_factory=dict)
    note: str = ""
    path: Path | None = None


@dataclass(frozen=True)
class StepResult:
    """A checked step: readable Unicode `display`, Japanese `why`, `ok`, and how it was checked."""

    index: int
    display: str
    why: str
    ok: bool
    method: str  # "symbolic", "numeric" (high-precision random points) or "failed"
    message: str = ""

    @property
    def mark(self) -> str:
        """✓ or ✗ for the UI."""
        return "✓" if self.ok else "✗"


def _strings(data: dict[str, Any], key: str, path: Path) -> tuple[str, ...]:
    """A list-of-strings field (empty if absent)."""
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DerivationError(f"{path.name}: '{key}' は文字列のリストにしてください。")
    return tuple(value)


def _table(data: dict[str, Any], key: str, path: Path) -> dict[str, str]:
    """A table-of-strings field (empty if absent)."""
    value = data.get(key, {})
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise DerivationError(f"{path.name}: [{key}] の値は文字列にしてください。")
    return dict(value)


def load_file(path: Path, root: Path | None = None) -> Derivation:
    """Read one derivation file (a regular file inside `root`); raises DerivationError with a Japanese message."""
    from eqprep.bank.packfiles import PackReader, parse_toml
    from eqprep.render.safe import clean_tree

    problems: list = []
    text = PackReader(root or path.parent, problems).read(path)
    data = parse_toml(text, path, problems) if text is not None else None
    if data is None:
        problem = problems[0]
        where = f"{path.name}:{problem.line}" if problem.line else path.name
        raise DerivationError(f"{where}: 読み込めません ({problem.message})")
    data = clean_tree(data)[0]  # no terminal escapes reach the TUI
    for key in ("id", "title", "summary"):
        if not isinstance(data.get(key), str) or not data[key]:
            raise DerivationError(f"{path.name}: '{key}' (文字列) が必要です。")
    raw_steps = data.get("step", [])
    if not isinstance(raw_steps, list) or not raw_steps:
        raise DerivationError(f"{path.name}: [[step]] が 1 つ以上必要です。")
    steps = []
    for number, raw in enumerate(raw_steps, 1):
        if not isinstance(raw, dict) or not isinstance(raw.get("claim"), str) or not isinstance(raw.get("why"), str):
            raise DerivationError(f"{path.name}: {number} 番目の [[step]] には claim と why (文字列) が必要です。")
        steps.append(Step(raw["claim"], raw["why"]))
    return Derivation(
        id=data["id"], title=data["title"], summary=data["summary"], steps=tuple(steps),
        variables=_strings(data, "variables", path), functions=_strings(data, "functions", path),
        positive=_strings(data, "positive", path), integer=_strings(data, "integer", path),
        let=_table(data, "let", path), random=_table(data, "random", path),
        note=str(data.get("note", "")), path=path,
    )


def load_derivations(root: Path | None = None, errors: list[str] | None = None) -> dict[str, Derivation]:
    """All derivations under `<content root>/derivations/` by id; broken files are skipped (messages to `errors`)."""
    if root is None:
        from eqprep.paths import content_root

        root = content_root()
    folder = root / "derivations" if (root / "derivations").is_dir() else root
    result: dict[str, Derivation] = {}
    for path in sorted(folder.glob("*.toml")):
        try:
            derivation = load_file(path, root)
            if derivation.id in result:
                raise DerivationError(f"{path.name}: id '{derivation.id}' が重複しています。")
        except DerivationError as error:
            if errors is not None:
                errors.append(str(error))
            continue
        result[derivation.id] = derivation
    return result


def vocabulary(d: Derivation) -> Vocabulary:
    """Names usable in a derivation's claims (variables, definitions, random variables)."""
    names = frozenset(d.variables) | frozenset(d.let) | frozenset(d.random)
    return Vocabulary(names, frozenset(d.functions), trusted=True, infer_variables=True)


def parse_steps(d: Derivation) -> list[Parsed]:
    """Parse every claim (raises FormulaError on bad content)."""
    vocab = vocabulary(d)
    return [parse_line(step.claim, vocab) for step in d.steps]


def definitions(d: Derivation) -> list[str]:
    """The `let` definitions as readable lines such as `y₁ = exp(u₁)/S`."""
    vocab = vocabulary(d)
    lines = []
    for name, text in d.let.items():
        try:
            shown = to_text(parse_line(text, vocab).parts[0])
        except FormulaError as error:
            shown = f"(読めません: {error.message})"
        lines.append(f"{pretty_name(name)} = {shown}")
    return lines


def _builder(d: Derivation) -> Any:
    """A SympyBuilder that resolves `let` names to their definitions and knows the random variables."""
    from sympy import stats

    from eqprep.maths.tosympy import SympyBuilder

    vocab = vocabulary(d)
    builder = SympyBuilder(positive=d.positive, integer=d.integer)
    for name, spec in d.random.items():
        kind, _, rest = spec.partition("(")
        args = [builder(parse_line(part, vocab).parts[0]) for part in rest.rstrip(")").split(",")]
        if kind.strip() not in DISTRIBUTIONS or len(args) != 2:
            raise DerivationError(f"{d.id}: random '{name}' は normal(平均, 標準偏差) か uniform(下限, 上限) です。")
        dist = stats.Normal if kind.strip() == "normal" else stats.Uniform
        builder.bindings[name] = dist(name, *args)
    for name, text in d.let.items():
        builder.bindings[name] = builder(parse_line(text, vocab).parts[0])
    return builder


def _numeric_zero(expr: Any, symbols: set[Any]) -> bool:
    """High-precision check at random rational points (for steps SymPy cannot simplify to 0)."""
    import sympy

    rng = Random(7)
    for _ in range(5):
        point = {s: sympy.Rational(rng.randint(20, 180), 100) + sympy.Rational(1, 7) for s in symbols}
        value = sympy.N(expr.subs(point), 30)
        if not value.is_number or abs(value) > sympy.Float("1e-20"):
            return False
    return True


_cache: dict[tuple[Any, ...], list[StepResult]] = {}
_cache_lock = threading.Lock()


def verify(d: Derivation) -> list[StepResult]:
    """Check every step (cached per content, since SymPy may take seconds; call from a worker thread)."""
    key = (d.id, d.steps, d.variables, d.functions, d.positive, d.integer,
           tuple(d.let.items()), tuple(d.random.items()))
    with _cache_lock:
        cached = _cache.get(key)
    if cached is None:
        cached = _verify(d)
        with _cache_lock:
            _cache[key] = cached
    return list(cached)


def _verify(d: Derivation) -> list[StepResult]:
    """Check that each step's expressions are equal (a leading '=' continues from the previous step)."""
    import sympy

    from eqprep.maths.tosympy import is_zero

    try:
        parsed = parse_steps(d)
        build = _builder(d)
    except (FormulaError, DerivationError) as error:
        message = error.message if isinstance(error, FormulaError) else str(error)
        return [StepResult(1, d.steps[0].claim, d.steps[0].why, False, "failed", message)]
    results: list[StepResult] = []
    previous: Any = None
    for index, (step, line) in enumerate(zip(d.steps, parsed), 1):
        exprs = [build(part) for part in line.parts]
        if line.continued:
            exprs = ([previous] if previous is not None else []) + exprs
        display = render(line)
        if len(exprs) < 2:
            results.append(StepResult(index, display, step.why, False, "failed", "比べる式が 2 つ以上必要です。"))
            previous = exprs[-1]
            continue
        methods = []
        for a, b in itertools.pairwise(exprs):
            difference = sympy.sympify(a - b)
            verdict = is_zero(sympy, difference)
            if verdict is None and _numeric_zero(difference, difference.free_symbols):
                methods.append("numeric")
            else:
                methods.append("symbolic" if verdict else "failed")
        ok = "failed" not in methods
        method = "failed" if not ok else ("numeric" if "numeric" in methods else "symbolic")
        message = "" if ok else "この等式は SymPy で確かめられませんでした。"
        results.append(StepResult(index, display, step.why, ok, method, message))
        previous = exprs[-1]
    return results
