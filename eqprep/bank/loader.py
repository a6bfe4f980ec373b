"""Load notes, questions and the syllabus; every defect becomes a Problem, never an exception."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import Any

from eqprep.bank.cache import ParseCache
from eqprep.bank.model import (
    FRAMEWORKS,
    KINDS,
    Bank,
    ChoiceQuestion,
    CodeChoiceQuestion,
    CombinationQuestion,
    ExpressionQuestion,
    Mistake,
    Note,
    NumericQuestion,
    ParametricQuestion,
    ParamSpec,
    Problem,
    Question,
    SelfGradedQuestion,
    SyllabusItem,
)
from eqprep.bank.packfiles import PackReader, parse_toml
from eqprep.paths import content_root
from eqprep.render.safe import clean_tree

_COMMON_REQUIRED = ("id", "topic", "kind", "tags", "prompt", "explanation")
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_FRONT_RE = re.compile(r"\A\+\+\+\s*\n(.*?)\n\+\+\+\s*\n", re.S)


class _Invalid(Exception):
    """A single question is malformed; carries the Japanese message."""


def load_bank(root: Path | str | None = None, use_cache: bool = True) -> Bank:
    """Load the content tree at `root` (default: the bundled content)."""
    base = Path(root) if root is not None else content_root()
    bank = Bank(root=base)
    if not base.is_dir():
        bank.problems.append(Problem(base, None, "コンテンツのフォルダが見つかりません"))
        return bank
    reader = PackReader(base, bank.problems)
    _load_syllabus(base / "syllabus.toml", bank, reader)
    for path in reader.files(base / "notes", ".md"):
        _load_note(path, bank, reader)
    cache = ParseCache(base) if use_cache else None
    paths = reader.files(base / "questions", ".toml")
    for path in paths:
        _load_questions(path, bank, cache, reader)
    from eqprep.bank.sets import load_sets

    set_paths = load_sets(base, bank, cache)
    if cache:
        cache.save(keep={str(p) for p in [*paths, *set_paths]})
    return bank


def _load_syllabus(path: Path, bank: Bank, reader: PackReader) -> None:
    """Read syllabus items (id, name, area, option)."""
    if not path.exists() and not path.is_symlink():
        bank.problems.append(Problem(path, None, "syllabus.toml がありません"))
        return
    text = reader.read(path)
    parsed = parse_toml(text, path, bank.problems) if text is not None else None
    if parsed is None:
        return
    items = parsed.get("item", [])
    if not isinstance(items, list):
        bank.problems.append(Problem(path, None, "[[item]] の表の並びにしてください"))
        return
    items, unsafe = clean_tree(items)
    if unsafe:
        bank.problems.append(Problem(path, 1, _unsafe_message(unsafe)))
    for raw in items:
        if not isinstance(raw, dict):
            bank.problems.append(Problem(path, None, f"シラバス項目は表にしてください: {str(raw)[:80]}"))
            continue
        try:
            item = SyllabusItem(str(raw["id"]), str(raw["name"]), str(raw["area"]), bool(raw.get("option", False)))
        except KeyError as exc:
            bank.problems.append(Problem(path, None, f"シラバス項目に {exc.args[0]} がありません: {str(raw)[:80]}"))
            continue
        bank.syllabus[item.id] = item


def _load_note(path: Path, bank: Bank, reader: PackReader) -> None:
    """Read one note: `+++` TOML front matter, then Markdown."""
    text = reader.read(path)
    if text is None:
        return
    match = _FRONT_RE.match(text)
    if not match:
        bank.problems.append(Problem(path, 1, "先頭に +++ で囲んだ front matter (id, title, tags) がありません"))
        return
    meta = parse_toml(match.group(1), path, bank.problems, "front matter の TOML")
    if meta is None:
        return
    missing = [k for k in ("id", "title", "tags") if k not in meta]
    if missing:
        bank.problems.append(Problem(path, 1, f"front matter に {', '.join(missing)} がありません"))
        return
    tags, order = meta["tags"], meta.get("order", 1000)
    if not isinstance(tags, list) or not isinstance(order, int) or isinstance(order, bool):
        bank.problems.append(Problem(path, 1, "front matter の tags は文字列のリスト、order は整数にしてください"))
        return
    text, unsafe = clean_tree(text)
    meta, _ = clean_tree(meta)
    if unsafe:
        bank.problems.append(Problem(path, 1, _unsafe_message(unsafe)))
    note = Note(
        id=str(meta["id"]),
        title=str(meta["title"]),
        body=text[match.end():],
        tags=tuple(str(t) for t in tags),
        order=order,
        area=path.parent.name,
        path=path,
        body_line=text[: match.end()].count("\n") + 1,
    )
    if note.id in bank.notes:
        bank.problems.append(Problem(path, 1, f"ノート id '{note.id}' が重複しています ({bank.notes[note.id].path})"))
        return
    bank.notes[note.id] = note


def _unsafe_message(parts: list[str]) -> str:
    """The problem reported for text that carried terminal escapes (they are removed, the rest loads)."""
    shown = " ".join(dict.fromkeys(parts[:8]))
    return f"端末の制御文字・エスケープシーケンスを含みます (取り除いて読み込みました): {shown}"


def _question_lines(text: str) -> list[int]:
    """Line numbers of each `[[question]]` header, in order."""
    return [i for i, line in enumerate(text.splitlines(), 1) if line.strip() == "[[question]]"]


def _parsed(path: Path, bank: Bank, cache: ParseCache | None,
            reader: PackReader) -> tuple[dict[str, Any], list[int]] | None:
    """The file's TOML data and question header lines, from the cache when its content is unchanged."""
    text = reader.read(path)
    if text is None:
        return None
    cached = cache.get(path, text) if cache else None
    if cached:
        return cached
    parsed = parse_toml(text, path, bank.problems)
    if parsed is None:
        return None
    lines = _question_lines(text)
    if cache:
        cache.put(path, text, parsed, lines)
    return parsed, lines


def _load_questions(path: Path, bank: Bank, cache: ParseCache | None, reader: PackReader) -> None:
    """Read every `[[question]]` of one file; a bad question never hides the others."""
    parsed = _parsed(path, bank, cache, reader)
    if parsed is None:
        return
    data, lines = parsed
    unknown_top = set(data) - {"question"}
    if unknown_top:
        bank.problems.append(Problem(path, 1, f"不明なトップレベルのキー: {', '.join(sorted(unknown_top))[:200]}"))
    questions = data.get("question", [])
    if not isinstance(questions, list):
        bank.problems.append(Problem(path, 1, "question は [[question]] の並びにしてください"))
        return
    for index, raw in enumerate(questions):
        _add_question(raw, path, lines[index] if index < len(lines) else None, bank)


def _add_question(raw: Any, path: Path, line: int | None, bank: Bank) -> None:
    """Build one `[[question]]` table into the bank, or record why it cannot be used."""
    if not isinstance(raw, dict):
        bank.problems.append(Problem(path, line or 1, "[[question]] は表にしてください"))
        return
    raw, unsafe = clean_tree(raw)
    qid = raw.get("id") if isinstance(raw.get("id"), str) else None
    if unsafe:
        bank.problems.append(Problem(path, line, _unsafe_message(unsafe), qid))
    try:
        question = build_question(raw, path, line)
    except _Invalid as exc:
        bank.problems.append(Problem(path, line, str(exc), qid))
        return
    if question.id in bank.questions:
        other = bank.questions[question.id]
        bank.problems.append(
            Problem(path, line, f"問題 id が重複しています (最初の定義: {other.path}:{other.line})", question.id)
        )
        return
    bank.questions[question.id] = question


def _text(raw: dict[str, Any], key: str, default: str | None = None) -> str:
    """A string field, required unless a default is given."""
    value = raw.get(key, default)
    if value is None:
        raise _Invalid(f"'{key}' がありません")
    if not isinstance(value, str):
        raise _Invalid(f"'{key}' は文字列にしてください")
    return value


def _strings(raw: dict[str, Any], key: str, required: bool = False) -> tuple[str, ...]:
    """A list of strings (a single string is accepted as a one-item list)."""
    value = raw.get(key)
    if value is None:
        if required:
            raise _Invalid(f"'{key}' がありません")
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _Invalid(f"'{key}' は文字列のリストにしてください")
    return tuple(value)


def _is_number(value: Any) -> bool:
    """An int or float from TOML (booleans are ints to Python but not numbers here)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _number(raw: dict[str, Any], key: str, default: float) -> float:
    """A numeric field."""
    value = raw.get(key, default)
    if not _is_number(value):
        raise _Invalid(f"'{key}' は数値にしてください")
    return float(value)


def _numbers(raw: dict[str, Any], key: str) -> tuple[float, ...]:
    """One number or a list of numbers."""
    value = raw.get(key)
    values: list[Any] = value if isinstance(value, list) else [value]
    if value is None or not values or not all(_is_number(v) for v in values):
        raise _Invalid(f"'{key}' は数値 (または数値のリスト) にしてください")
    return tuple(float(v) for v in values)


def _answer_format(raw: dict[str, Any]) -> dict[str, Any]:
    """Labels, tolerances and unit: the fields numeric and parametric answers share."""
    return {
        "labels": _strings(raw, "labels"),
        "tolerance": _number(raw, "tolerance", 0.0),
        "rel_tolerance": _number(raw, "rel_tolerance", 0.0) if "rel_tolerance" in raw else None,
        "unit": _text(raw, "unit", ""),
    }


def _params(raw: dict[str, Any]) -> dict[str, ParamSpec]:
    """Parameter specs of a parametric question."""
    table = raw.get("params")
    if not isinstance(table, dict) or not table:
        raise _Invalid("parametric には [question.params] が必要です")
    return {name: _param_spec(name, spec) for name, spec in table.items()}


def _param_spec(name: str, spec: Any) -> ParamSpec:
    """One parameter: `[..]` or `{ choices = [..] }`, or `{ min = .., max = .., step = .. }`."""
    if isinstance(spec, list):
        spec = {"choices": spec}
    if not isinstance(spec, dict):
        raise _Invalid(f"パラメータ {name} は {{ min = .., max = .. }} か {{ choices = [..] }} で書いてください")
    unknown = set(spec) - {"min", "max", "step", "choices"}
    if unknown:
        raise _Invalid(f"パラメータ {name} に不明なキー: {', '.join(sorted(unknown))}")
    if "choices" in spec:
        choices = spec["choices"]
        if not isinstance(choices, list) or not choices or not all(_is_number(c) for c in choices):
            raise _Invalid(f"パラメータ {name} の choices は数値のリストにしてください")
        return ParamSpec(name, choices=tuple(choices))
    if "min" not in spec or "max" not in spec:
        raise _Invalid(f"パラメータ {name} には min と max が必要です")
    lo, hi, step = spec["min"], spec["max"], spec.get("step")
    if not all(isinstance(v, (int, float)) for v in (lo, hi)) or lo > hi:
        raise _Invalid(f"パラメータ {name} の範囲が不正です: min={lo}, max={hi}")
    if step is not None and (not isinstance(step, (int, float)) or step <= 0):
        raise _Invalid(f"パラメータ {name} の step は正の数にしてください")
    return ParamSpec(name, lo, hi, step)


def build_question(raw: dict[str, Any], path: Path, line: int | None) -> Question:
    """Turn one TOML table into a typed question, or raise _Invalid with the reason."""
    cls = _question_class(raw)
    common = _common_fields(raw, path, line)
    try:
        return _BUILDERS[cls](raw, common)
    except ValueError as exc:  # the exam-format parsers (mistakes, combination) raise ValueError
        raise _Invalid(str(exc)) from None


def _question_class(raw: dict[str, Any]) -> type[Question]:
    """The class for the table's `kind`, once the shared required fields are present and no field is unknown."""
    missing = [k for k in _COMMON_REQUIRED if k not in raw]
    if missing:
        raise _Invalid(f"必須フィールドがありません: {', '.join(missing)}")
    kind = _text(raw, "kind")
    cls = _KIND_CLASS.get(kind)
    if cls is None:
        raise _Invalid(f"kind '{kind}' は不明です ({' / '.join(KINDS)} のいずれか)")
    allowed = {f.name for f in fields(cls)} - {"path", "line", "group", "rows", "answer_row"} | {"kind"}
    unknown = set(raw) - allowed
    if unknown:
        raise _Invalid(f"kind '{kind}' に不明なフィールド: {', '.join(sorted(unknown))}")
    return cls


def _common_fields(raw: dict[str, Any], path: Path, line: int | None) -> dict[str, Any]:
    """The fields every kind shares (keyword arguments of Question), checked."""
    qid = _text(raw, "id")
    if not _ID_RE.match(qid):
        raise _Invalid(f"id '{qid}' は英小文字・数字・'-' だけにしてください")
    tags = _strings(raw, "tags", required=True)
    if not tags:
        raise _Invalid("tags を 1 つ以上書いてください")
    difficulty = raw.get("difficulty", 2)
    if difficulty not in (1, 2, 3):
        raise _Invalid("difficulty は 1, 2, 3 のいずれかです")
    common: dict[str, Any] = dict(
        id=qid,
        topic=_text(raw, "topic"),
        prompt=_text(raw, "prompt"),
        explanation=_text(raw, "explanation"),
        tags=tags,
        path=path,
        line=line,
        source=raw.get("source"),
        note=raw.get("note"),
        derivation=raw.get("derivation"),
        difficulty=difficulty,
        framework=raw.get("framework"),
    )
    if common["framework"] is not None and common["framework"] not in FRAMEWORKS:
        raise _Invalid(f"framework '{common['framework']}' は不明です ({' / '.join(FRAMEWORKS)})")
    for key in ("source", "note", "derivation"):
        if common[key] is not None and not isinstance(common[key], str):
            raise _Invalid(f"'{key}' は文字列にしてください")
    return common


# ---- one builder per kind: (the TOML table, the checked common fields) -> the typed question ----------------------

def _mistakes(raw: dict[str, Any]) -> tuple[Mistake, ...]:
    """Named common mistakes (numeric, expression and parametric questions; issue 12)."""
    from eqprep.bank.mistakes import parse_mistakes

    return parse_mistakes(raw)


def _build_choice(raw: dict[str, Any], common: dict[str, Any]) -> ChoiceQuestion:
    """Options as text, one or several correct."""
    return ChoiceQuestion(
        **common,
        choices=_strings(raw, "choices", required=True),
        answer=frozenset(_strings(raw, "answer", required=True)),
        shuffle=bool(raw.get("shuffle", True)),
    )


def _build_combination(raw: dict[str, Any], common: dict[str, Any]) -> CombinationQuestion:
    """Rows that fill every labelled blank (bank/combination.py reads the table)."""
    from eqprep.bank.combination import build_combination

    return build_combination(common, raw)


def _build_numeric(raw: dict[str, Any], common: dict[str, Any]) -> NumericQuestion:
    """Numbers with tolerances and the formulas that recompute them."""
    mistakes = _mistakes(raw)
    return NumericQuestion(
        **common, answer=_numbers(raw, "answer"), formula=_strings(raw, "formula"), **_answer_format(raw),
        mistakes=mistakes,
    )


def _domain(raw: dict[str, Any]) -> dict[str, tuple[float, float]]:
    """Sampling box of an expression question: {variable = [low, high]}."""
    domain_raw = raw.get("domain", {})
    if not isinstance(domain_raw, dict):
        raise _Invalid("domain は {変数 = [下限, 上限]} の表にしてください")
    domain: dict[str, tuple[float, float]] = {}
    for name, bounds in domain_raw.items():
        if not (isinstance(bounds, list) and len(bounds) == 2 and all(_is_number(b) for b in bounds)
                and bounds[0] < bounds[1]):
            raise _Invalid(f"domain.{name} は [下限, 上限] にしてください")
        domain[name] = (float(bounds[0]), float(bounds[1]))
    return domain


def _build_expression(raw: dict[str, Any], common: dict[str, Any]) -> ExpressionQuestion:
    """A formula checked for equivalence, with its names, form and sampling box."""
    mistakes = _mistakes(raw)
    return ExpressionQuestion(
        **common,
        answer=_text(raw, "answer"),
        variables=_strings(raw, "variables"),
        functions=_strings(raw, "functions"),
        formula=_text(raw, "formula", ""),
        form=_text(raw, "form", ""),
        domain=_domain(raw),
        mistakes=mistakes,
    )


def _build_code_choice(raw: dict[str, Any], common: dict[str, Any]) -> CodeChoiceQuestion:
    """A code listing with one blank, code options and the check that runs them."""
    from eqprep.bank.combination import LABEL_RE

    blank = _text(raw, "blank", "あ")
    if not LABEL_RE.match(blank):
        raise _Invalid(f"blank '{blank}' はひらがな 1 文字 (例 \"あ\") にしてください")
    template = _text(raw, "template")
    if "{blank}" not in template:
        raise _Invalid("template に {blank} がありません")
    return CodeChoiceQuestion(
        **common,
        template=template,
        choices=_strings(raw, "choices", required=True),
        answer=_text(raw, "answer"),
        check=_text(raw, "check"),
        setup=_text(raw, "setup", ""),
        blank=blank,
    )


def _build_self_graded(raw: dict[str, Any], common: dict[str, Any]) -> SelfGradedQuestion:
    """A model answer and the key points the learner compares against."""
    return SelfGradedQuestion(**common, answer=_text(raw, "answer"), key_points=_strings(raw, "key_points"))


def _build_parametric(raw: dict[str, Any], common: dict[str, Any]) -> ParametricQuestion:
    """Parameters, helper formulas (`let`), answer formulas and constraints."""
    mistakes = _mistakes(raw)
    let = raw.get("let", {})
    if not isinstance(let, dict) or not all(isinstance(v, str) for v in let.values()):
        raise _Invalid("[question.let] は 名前 = \"式\" の表にしてください")
    return ParametricQuestion(
        **common,
        params=_params(raw),
        let=dict(let),
        answer=_strings(raw, "answer", required=True),
        constraints=_strings(raw, "constraints"),
        **_answer_format(raw),
        mistakes=mistakes,
    )


# The same kinds as the validator's _KIND_CHECKS (bank/validate.py), keyed the same way: by question class.
_BUILDERS: dict[type[Question], Callable[[dict[str, Any], dict[str, Any]], Question]] = {
    ChoiceQuestion: _build_choice,
    CombinationQuestion: _build_combination,
    NumericQuestion: _build_numeric,
    ExpressionQuestion: _build_expression,
    CodeChoiceQuestion: _build_code_choice,
    SelfGradedQuestion: _build_self_graded,
    ParametricQuestion: _build_parametric,
}
_KIND_CLASS: dict[str, type[Question]] = {cls.kind: cls for cls in _BUILDERS}
