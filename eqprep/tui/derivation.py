"""Verified derivations and the step checker as display text (Textual-free; call from worker threads)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from eqprep.maths.derivations import Derivation

STATUS_MARKS = {"start": "・", "ok": "✓", "wrong": "✗", "invalid": "?", "undecided": "△", "unchecked": "―"}


def derivation_text(derivation_id: str, derivations: Mapping[str, Derivation]) -> str:
    """Title and every SymPy-checked step with its reason; a content or SymPy failure becomes a Japanese line."""
    from eqprep.maths.derivations import verify

    try:
        found = derivations.get(derivation_id)
        if found is None:
            return f"(導出 '{derivation_id}' が見つかりません)"
        lines = [f"検証済みの導出: {found.title}"]
        for step in verify(found):
            method = {"symbolic": "SymPy", "numeric": "数値で確認"}.get(step.method, "未検証")
            lines.append(f"{step.index:>2}. {step.mark} {step.display}   [{method}]")
            lines += [f"      {extra}" for extra in (step.why, step.message) if extra]
    except Exception as error:  # runs in a worker: the learner must see a message, never a traceback
        return f"導出を検証できませんでした: {error}"
    return "\n".join(lines)


def check_text(lines: Sequence[str], variables: Sequence[str], functions: Sequence[str]) -> str:
    """Check a typed derivation line by line; one mark and message per line."""
    from eqprep.maths.steps import check_steps

    out = []
    for result in check_steps(list(lines), variables, functions):
        shown = result.display or lines[result.index - 1]
        out.append(f"{result.index:>2} {STATUS_MARKS.get(result.status, '?')} {shown}")
        if result.message:
            out.append(f"     {result.message}")
    return "\n".join(out) if out else "式を 1 行以上入力してください。"
