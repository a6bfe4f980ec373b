"""Named common mistakes of numeric, parametric and expression questions: the exam's distractors."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from eqprep.bank.formula import FormulaError, evaluate
from eqprep.bank.model import ExpressionQuestion, Mistake, NumericQuestion, ParametricQuestion
from eqprep.bank.params import Instance, format_value

MIN_MISTAKES = 3
MAX_MISTAKES = 5


def parse_mistakes(raw: dict[str, Any]) -> tuple[Mistake, ...]:
    """`mistakes = [{ name = "パディングを忘れた", formula = "(H - K)//S + 1" }, ...]`."""
    value = raw.get("mistakes", [])
    if not isinstance(value, list):
        raise ValueError("mistakes は { name = \"...\", formula = \"...\" } のリストにしてください")
    out = []
    for entry in value:
        if not isinstance(entry, dict) or set(entry) != {"name", "formula"} or not isinstance(entry["name"], str):
            raise ValueError("mistakes の各要素は name (誤りの名前) と formula (その誤りで得る値の式) だけを持つ表にしてください")
        formula = entry["formula"]
        formulas = (formula,) if isinstance(formula, str) else formula
        if not isinstance(formulas, (list, tuple)) or not formulas or not all(isinstance(f, str) for f in formulas):
            raise ValueError(f"mistakes '{entry['name']}' の formula は文字列 (または文字列のリスト) にしてください")
        out.append(Mistake(entry["name"].strip(), tuple(formulas)))
    if len(out) > MAX_MISTAKES:
        raise ValueError(f"mistakes は {MAX_MISTAKES} 個までです (選択肢は 4〜6 個)")
    return tuple(out)


def value_text(values: tuple[float, ...], unit: str = "") -> str:
    """Numbers as an option shows them (several values comma-separated)."""
    return ", ".join(format_value(v) for v in values) + (f" {unit}" if unit else "")


def numeric_options(q: NumericQuestion | ParametricQuestion, env: Mapping[str, float],
                    answers: tuple[float, ...]) -> list[tuple[str, str]]:
    """(option text, mistake name or '' for the key) for one variant; raises FormulaError."""
    options = [(value_text(answers, q.unit), "")]
    for mistake in q.mistakes:
        values = tuple(float(evaluate(f, dict(env))) for f in mistake.formula)
        options.append((value_text(values, q.unit), mistake.name))
    return options


def _collisions(options: list[tuple[str, str]]) -> str:
    """Japanese description of options that read the same, or ''."""
    seen: dict[str, str] = {}
    for text, name in options:
        if text in seen:
            first = seen[text] or "正解"
            return f"「{name}」の値 {text} が「{first}」と同じです"
        seen[text] = name
    return ""


def check_mistakes(q: NumericQuestion | ParametricQuestion | ExpressionQuestion,
                   instances: Sequence[Instance] = ()) -> Iterator[str]:
    """Each mistake gives a value distinct from the key and from the other mistakes, in every variant (`instances`)."""
    if not q.mistakes:
        return
    if len(q.mistakes) < MIN_MISTAKES:
        yield f"mistakes は {MIN_MISTAKES} 個以上必要です (模擬試験の 4 択にするため)"
    for mistake in q.mistakes:
        if not mistake.name:
            yield "mistakes の name が空です"
        if not isinstance(q, ExpressionQuestion) and len(mistake.formula) != len(q.answer):
            yield f"mistakes '{mistake.name}' の formula の数が answer の数 ({len(q.answer)}) と違います"
            return
    if isinstance(q, ExpressionQuestion):
        yield from _check_expression_mistakes(q)
    elif isinstance(q, NumericQuestion):
        try:
            problem = _collisions(numeric_options(q, {}, q.answer))
        except FormulaError as exc:
            yield f"mistakes の formula を計算できません: {exc}"
            return
        if problem:
            yield problem
    else:
        yield from _check_parametric_mistakes(q, instances)


def _check_parametric_mistakes(q: ParametricQuestion, instances: Sequence[Instance]) -> Iterator[str]:
    """In every variant checked, no mistake ever reads the same as the key or another mistake."""
    for instance in instances:
        seed = instance.seed
        try:
            problem = _collisions(numeric_options(q, instance.values, instance.answers))
        except (FormulaError, ZeroDivisionError, OverflowError, ValueError) as exc:
            yield f"mistakes の formula を計算できません: {exc}"
            return
        if problem:
            params = ", ".join(f"{k}={format_value(v)}" for k, v in instance.values.items() if k in q.params)
            yield f"seed {seed} ({params}): {problem} (constraints で除くか式を見直してください)"
            return


def _check_expression_mistakes(q: ExpressionQuestion) -> Iterator[str]:
    """Every mistake parses and differs from the key and from each other (SymPy / random points)."""
    from eqprep.maths.check import check_answer

    formulas = [(q.answer, "正解")] + [(m.formula[0], m.name) for m in q.mistakes]
    for i, (text, name) in enumerate(formulas):
        for other, other_name in formulas[:i]:
            result = check_answer(other, text, q.variables, q.functions, domain=q.domain or None)
            if result.status == "invalid":
                yield f"mistakes '{name}' の式 '{text}' を読めません: {result.message}"
                return
            if result.status != "not_equivalent":
                yield f"mistakes '{name}' の式が「{other_name}」と区別できません"
