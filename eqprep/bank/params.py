"""Draw parameters for parametric questions and compute their answers (same code for quiz and check)."""

from __future__ import annotations

import math
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass

from eqprep.bank.formula import FormulaError, evaluate
from eqprep.bank.model import ParametricQuestion, ParamSpec

MAX_TRIES = 1000
MAX_GRID = 10**6  # largest number of values one range parameter may take (min, max, step)
MAX_CHOICES = 1000
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(:[^{}]*)?\}")


@dataclass(frozen=True)
class Instance:
    """One concrete variant: parameter and intermediate values, and the numeric answers."""

    seed: int
    values: dict[str, float]
    answers: tuple[float, ...]


class GeneratorError(ValueError):
    """The generator cannot produce a valid variant; the message is Japanese."""


def check_spec(spec: ParamSpec) -> str | None:
    """Why a parameter spec cannot be drawn from (Japanese), or None: bounds finite, ordered, grid not huge."""
    if spec.choices:
        if len(spec.choices) > MAX_CHOICES:
            return f"{spec.name}: choices は {MAX_CHOICES} 個までです"
        if not all(isinstance(c, (int, float)) and math.isfinite(c) for c in spec.choices):
            return f"{spec.name}: choices は有限の数にしてください"
        return None
    if spec.min is None or spec.max is None:
        return f"{spec.name}: min と max (または choices) が必要です"
    bounds = (spec.min, spec.max) + ((spec.step,) if spec.step is not None else ())
    if not all(isinstance(b, (int, float)) and math.isfinite(b) for b in bounds):
        return f"{spec.name}: min / max / step は有限の数にしてください"
    if spec.min > spec.max:
        return f"{spec.name}: min ({spec.min:g}) が max ({spec.max:g}) より大きくなっています"
    if spec.step is not None and spec.step <= 0:
        return f"{spec.name}: step は正の数にしてください"
    if spec.step is None and float(spec.min).is_integer() and float(spec.max).is_integer():
        return None
    span = spec.max - spec.min
    if not math.isfinite(span) or (spec.step is not None and span / spec.step > MAX_GRID):
        return f"{spec.name}: (max - min) / step が大きすぎます ({MAX_GRID:g} 通りまで)"
    return None


def _draw(spec: ParamSpec, rng: random.Random) -> float:
    """Draw one parameter value (the spec must pass check_spec)."""
    if spec.choices:
        return rng.choice(spec.choices)
    assert spec.min is not None and spec.max is not None
    if spec.step is None and float(spec.min).is_integer() and float(spec.max).is_integer():
        return rng.randint(int(spec.min), int(spec.max))
    step = spec.step or (spec.max - spec.min) / 100 or 1.0
    count = math.floor((spec.max - spec.min) / step + 1e-9)
    value = spec.min + step * rng.randint(0, count)
    digits = max(0, -math.floor(math.log10(step))) + 2 if step < 1 else 0
    return round(value, digits) if digits else value


def instantiate(question: ParametricQuestion, seed: int) -> Instance:
    """Draw parameters satisfying the constraints, then evaluate `let` and the answers."""
    for spec in question.params.values():
        problem = check_spec(spec)
        if problem:
            raise GeneratorError(f"seed {seed}: パラメータの指定が不正です: {problem}")
    rng = random.Random(seed)
    for _ in range(MAX_TRIES):
        values: dict[str, float] = {name: _draw(spec, rng) for name, spec in question.params.items()}
        try:
            if not all(evaluate(c, values) for c in question.constraints):
                continue
            for name, formula in question.let.items():
                values[name] = evaluate(formula, values)
            answers = tuple(float(evaluate(f, values)) for f in question.answer)
        except FormulaError as exc:
            raise GeneratorError(f"seed {seed}: {exc}") from None
        if not all(math.isfinite(a) for a in answers):
            raise GeneratorError(f"seed {seed}: 答えが有限の数になりません {answers} (値: {values})")
        return Instance(seed, values, answers)
    raise GeneratorError(f"seed {seed}: {MAX_TRIES} 回試しても制約を満たすパラメータが見つかりません")


def format_value(value: float) -> str:
    """Show integers without a decimal point and other numbers with up to 4 significant digits."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.4g}"


# A format spec of at most 2-digit width and precision (`{H:>8.3f}`); anything else is shown plainly.
_SAFE_SPEC = re.compile(r"(?:.?[<>^=])?[+\- ]?#?0?\d{0,2}[,_]?(?:\.\d{1,2})?[eEfFgG%]?")


def unsafe_placeholders(template: str, names: set[str]) -> list[str]:
    """Placeholders of `names` whose format spec is not allowed (too wide, too precise or not a number format)."""
    return [
        m.group(0) for m in _PLACEHOLDER.finditer(template)
        if m.group(1) in names and m.group(2) and not _SAFE_SPEC.fullmatch(m.group(2)[1:])
    ]


def fill(template: str, values: Mapping[str, float]) -> str:
    """Replace `{name}` / `{name:fmt}` for known names only, leaving LaTeX braces alone (specs are bounded)."""

    def replace(match: re.Match[str]) -> str:
        name, spec = match.group(1), match.group(2)
        if name not in values:
            return match.group(0)
        value = values[name]
        if not spec or not _SAFE_SPEC.fullmatch(spec[1:]):
            return format_value(value)
        try:
            return format(value, spec[1:])
        except ValueError:
            return format_value(value)

    return _PLACEHOLDER.sub(replace, template)


def answer_values(instance: Instance) -> dict[str, float]:
    """Values plus `answer` (or `answer1`, `answer2`, ...) for filling explanations."""
    out = dict(instance.values)
    if len(instance.answers) == 1:
        out["answer"] = instance.answers[0]
    for i, value in enumerate(instance.answers, 1):
        out[f"answer{i}"] = value
    return out
