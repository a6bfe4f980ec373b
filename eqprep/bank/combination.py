"""Combination-blank questions: parse the rows, and verify that exactly the keyed row fills every blank rightly."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from eqprep.bank.formula import FormulaError, evaluate
from eqprep.bank.model import BlankCheck, CombinationQuestion, combination_text, fill_labels, within

HOWS = ("value", "expr", "shape")
LABEL_RE = re.compile(r"^[\u3041-\u3093]$")
_TEX_TIMES = re.compile(r"\\times|\\cdot|×|·")


def build_combination(common: dict[str, Any], raw: dict[str, Any]) -> CombinationQuestion:
    """Blanks, rows (one list of cells per option), the keyed row and optional per-blank verification."""
    blanks = raw.get("blanks")
    if not isinstance(blanks, list) or not 2 <= len(blanks) <= 6 or not all(isinstance(b, str) for b in blanks):
        raise ValueError("combination の blanks は空欄ラベルのリスト (2〜6 個, 例 [\"あ\", \"い\"]) にしてください")
    bad = [b for b in blanks if not LABEL_RE.match(b)]
    if bad or len(set(blanks)) != len(blanks):
        raise ValueError(f"blanks のラベルはひらがな 1 文字で重複なしにしてください: {blanks}")
    rows_raw = raw.get("choices")
    if not isinstance(rows_raw, list) or not all(
        isinstance(r, list) and all(isinstance(c, str) for c in r) for r in rows_raw
    ):
        raise ValueError("combination の choices は行 (各空欄に入る文字列のリスト) のリストにしてください")
    rows = tuple(tuple(r) for r in rows_raw)
    for number, row in enumerate(rows, 1):
        if len(row) != len(blanks):
            raise ValueError(f"choices の {number} 行目の要素数 {len(row)} が blanks の数 {len(blanks)} と違います")
    answer = raw.get("answer")
    if not isinstance(answer, list) or tuple(answer) not in rows:
        raise ValueError("combination の answer は choices のどれか 1 行と同じリストにしてください")
    shown = tuple(combination_text(tuple(blanks), row) for row in rows)
    template, setup, check = _program(raw, tuple(blanks))
    return CombinationQuestion(
        **common,
        choices=shown,
        answer=frozenset({combination_text(tuple(blanks), tuple(answer))}),
        shuffle=bool(raw.get("shuffle", True)),
        blanks=tuple(blanks),
        rows=rows,
        answer_row=tuple(answer),
        verify=_verify_specs(raw.get("verify", {}), tuple(blanks), len(rows)),
        template=template,
        setup=setup,
        check=check,
    )


def _program(raw: dict[str, Any], blanks: tuple[str, ...]) -> tuple[str, str, str]:
    """template, setup and check of a code combination (a 大問 fills them in from its code)."""
    template, setup, check = (raw.get(key, "") for key in ("template", "setup", "check"))
    if not all(isinstance(v, str) for v in (template, setup, check)):
        raise ValueError("combination の template / setup / check は文字列にしてください")
    if template and (any("{" + b + "}" not in template for b in blanks) or not check.strip()):
        shown = "".join("{" + b + "}" for b in blanks)
        raise ValueError(f"コードの組み合わせには、空欄 {shown} をすべて含む template と check が必要です")
    return template, setup, check


def row_program(q: CombinationQuestion, row: tuple[str, ...]) -> str:
    """setup + the template with one row's cells in its blanks + check (a code combination's row, to run)."""
    return "\n".join((q.setup, fill_labels(q.template, dict(zip(q.blanks, row, strict=True))), q.check))


def _verify_specs(table: Any, blanks: tuple[str, ...], count: int) -> tuple[BlankCheck, ...]:
    """[question.verify]: label = { value = "..." } / { expr = "...", variables = [...] } / { shape = "(N, D)" }."""
    if not isinstance(table, dict):
        raise ValueError("verify は 空欄ラベル = { value/expr/shape = \"...\" } の表にしてください")
    checks = []
    for label, spec in table.items():
        if label not in blanks:
            raise ValueError(f"verify のラベル '{label}' は blanks にありません")
        if not isinstance(spec, dict):
            raise ValueError(f"verify.{label} は {{ value = \"式\" }} などの表にしてください")
        unknown = set(spec) - {*HOWS, "variables", "functions", "read"}
        hows = [h for h in HOWS if h in spec]
        if unknown or len(hows) != 1 or not isinstance(spec[hows[0]], str):
            raise ValueError(f"verify.{label} には value / expr / shape のどれか 1 つ (文字列) と、任意で variables, functions, read を書きます")
        lists = {}
        for key in ("variables", "functions", "read"):
            value = spec.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ValueError(f"verify.{label}.{key} は文字列のリストにしてください")
            lists[key] = tuple(value)
        if lists["read"] and len(lists["read"]) != count:
            raise ValueError(f"verify.{label}.read は choices と同じ {count} 個にしてください")
        checks.append(BlankCheck(label, hows[0], spec[hows[0]], lists["variables"], lists["functions"], lists["read"]))
    return tuple(checks)


def machine_text(cell: str) -> str:
    """A shown cell as formula text: math delimiters dropped, × and \\times as *."""
    text = cell.strip().strip("$").strip()
    text = _TEX_TIMES.sub("*", text)
    return text.replace("\\left", "").replace("\\right", "").replace("{", "(").replace("}", ")")


def _split_shape(text: str) -> list[str] | None:
    """'(N, C*K*K)' → ['N', 'C*K*K'], splitting at top-level commas only."""
    text = text.strip()
    if not (text.startswith("(") and text.endswith(")")):
        return None
    parts, depth, current = [], 0, ""
    for ch in text[1:-1]:
        depth += ch in "([" and 1 or 0
        depth -= ch in ")]" and 1 or 0
        if ch == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += ch
    if current.strip():
        parts.append(current.strip())
    return parts


def _same(check: BlankCheck, cell: str) -> tuple[bool, str]:
    """Whether one cell is right for its blank; the message says why it could not be read."""
    return _SAME[check.how](check, cell)


def _same_value(check: BlankCheck, cell: str) -> tuple[bool, str]:
    """A number, within the default tolerance of the key's value."""
    try:
        value = float(evaluate(check.key))
    except FormulaError as exc:
        return False, f"verify.{check.label}.value を計算できません: {exc}"
    try:
        given = float(evaluate(cell.replace("^", "**").replace(",", "")))
    except (FormulaError, TypeError, ValueError):
        return False, f"空欄 ({check.label}) のセル '{cell}' を数値として読めません (read で読める形を与えてください)"
    return within(value, given, 0.0, None), ""


def _same_expr(check: BlankCheck, cell: str) -> tuple[bool, str]:
    """A formula equivalent to the key."""
    from eqprep.maths.check import check_answer

    result = check_answer(check.key, cell, check.variables, check.functions)
    if result.status == "invalid":
        return False, f"空欄 ({check.label}) のセル '{cell}' を数式として読めません: {result.message}"
    return result.status == "equivalent", ""


def _same_shape(check: BlankCheck, cell: str) -> tuple[bool, str]:
    """A shape '(a, b)' whose every dimension is equivalent to the key's."""
    from eqprep.maths.check import check_answer

    key_parts, cell_parts = _split_shape(check.key), _split_shape(cell)
    if key_parts is None:
        return False, f"verify.{check.label}.shape は '(N, D)' の形で書いてください"
    if cell_parts is None:
        return False, f"空欄 ({check.label}) のセル '{cell}' を形 '(a, b)' として読めません"
    if len(cell_parts) != len(key_parts):
        return False, ""
    for key_part, part in zip(key_parts, cell_parts, strict=True):
        result = check_answer(key_part, part, check.variables, check.functions)
        if result.status == "invalid":
            return False, f"空欄 ({check.label}) のセル '{cell}' の '{part}' を読めません: {result.message}"
        if result.status != "equivalent":
            return False, ""
    return True, ""


_SAME: dict[str, Callable[[BlankCheck, str], tuple[bool, str]]] = {
    "value": _same_value, "expr": _same_expr, "shape": _same_shape,
}


def check_combination(q: CombinationQuestion) -> Iterator[str]:
    """4-6 distinct rows, and with verification: every computable blank right in exactly the keyed row."""
    if not 4 <= len(q.rows) <= 6:
        yield f"combination の選択肢は 4〜6 行にしてください ({len(q.rows)} 行)"
    if len(set(q.rows)) != len(q.rows):
        yield "choices に同じ行があります"
    labels = set(q.blanks)
    for label in re.findall(r"[(（]([\u3041-\u3093])[)）]", q.prompt + q.explanation):
        if label not in labels and not (q.group and label in _group_labels(q)):
            yield f"問題文・解説の空欄 ({label}) が blanks にありません"
    if q.verify:
        yield from _verified_rows(q)


def _verified_rows(q: CombinationQuestion) -> Iterator[str]:
    """Every computable blank right in the keyed row, and no other row right in every blank."""
    key_index = q.rows.index(q.answer_row)
    unverified = [q.blanks.index(b) for b in q.blanks if b not in {c.label for c in q.verify}]
    right_rows = []
    for number, row in enumerate(q.rows):
        all_right = True
        for check in q.verify:
            column = q.blanks.index(check.label)
            cell = check.read[number] if check.read else machine_text(row[column])
            ok, message = _same(check, cell)
            if message:
                yield message
                return
            if number == key_index and not ok:
                yield f"正解の行の空欄 ({check.label}) '{row[column]}' が verify の {check.how} '{check.key}' と一致しません"
            all_right = all_right and ok
        if all_right and all(row[i] == q.answer_row[i] for i in unverified):
            right_rows.append(number)
    wrong = [n + 1 for n in right_rows if n != key_index]
    if wrong:
        yield f"正解以外の行 {wrong} もすべての空欄が正しくなります (選択肢が正解と同値です)"


def _group_labels(q: CombinationQuestion) -> set[str]:
    """Blank labels visible in the question's 大問 (its code listing and passage)."""
    assert q.group is not None
    return set(q.group.code_labels) | set(re.findall(r"[(（]([\u3041-\u3093])[)）]", q.group.passage))
