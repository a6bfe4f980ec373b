"""Grade a learner's typed answer for any question kind, with Japanese feedback."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal, get_args

from eqprep.bank.formula import FormulaError, evaluate
from eqprep.bank.model import (
    ChoiceQuestion,
    CodeChoiceQuestion,
    ExpressionQuestion,
    NumericQuestion,
    ParametricQuestion,
    SelfGradedQuestion,
    within,
)
from eqprep.bank.params import format_value
from eqprep.quiz.item import LETTERS, Item
from eqprep.render.math import render_markdown

Status = Literal["correct", "wrong", "invalid", "undecided", "self", "unanswered"]  # unanswered: exam blanks
STATUSES: tuple[Status, ...] = get_args(Status)
MAX_ANSWER = 2000


@dataclass(frozen=True)
class Verdict:
    """Outcome of grading: `invalid` asks again, `undecided` is never counted as correct."""

    status: Status
    message: str
    expected_text: str

    @property
    def correct(self) -> bool:
        """True only for a confirmed correct answer."""
        return self.status == "correct"


def _clean(text: str) -> str:
    """Normalize width (full-width digits, ×) and surrounding space."""
    return unicodedata.normalize("NFKC", text).strip()


def expected_text(item: Item) -> str:
    """The correct answer as the learner should see it."""
    q = item.question
    match q:
        case ChoiceQuestion():
            return " / ".join(f"{i + 1}. {render_markdown(c)}" for i, c in enumerate(item.choices) if c in q.answer)
        case CodeChoiceQuestion():
            return f"{item.choices.index(q.answer) + 1}. {q.answer}"
        case NumericQuestion() | ParametricQuestion():
            values = [format_value(v) for v in item.expected]
            if q.labels:
                values = [f"{render_markdown(label)} = {v}" for label, v in zip(q.labels, values, strict=True)]
            return ", ".join(values) + (f" {q.unit}" if q.unit else "")
        case ExpressionQuestion():
            from eqprep.maths.parse import preview

            shown = preview(q.answer, q.variables, q.functions)
            return shown.display if shown.ok else q.answer
        case SelfGradedQuestion():
            points = "".join(f"\n・{p}" for p in q.key_points)
            return render_markdown(q.answer + points)
    return ""


def _pick(item: Item, text: str) -> set[str] | str:
    """Chosen options from '2', 'b', '1,3', 'a c' or the option text; a str is an error message.

    An option number wins over an option whose text is that number (exam choices of values like '2', '3').
    """
    if text in item.choices and not (text.isdigit() and 1 <= int(text) <= len(item.choices)):
        return {text}
    tokens = [t for t in re.split(r"[\s,、/]+", text.lower()) if t]
    if not tokens:
        return f"選択肢の番号 (1〜{len(item.choices)}) を入力してください。"
    picked = set()
    for token in tokens:
        if token.isdigit() and 1 <= int(token) <= len(item.choices):
            picked.add(item.choices[int(token) - 1])
        elif len(token) == 1 and token in LETTERS[: len(item.choices)]:
            picked.add(item.choices[LETTERS.index(token)])
        else:
            return f"'{token}' は選択肢にありません。1〜{len(item.choices)} の番号で答えてください。"
    return picked


def _grade_choice(item: Item, text: str, answer: frozenset[str]) -> Verdict:
    """Exactly the set of correct options must be picked."""
    picked = _pick(item, text)
    expected = expected_text(item)
    if isinstance(picked, str):
        return Verdict("invalid", picked, expected)
    if picked == answer:
        return Verdict("correct", "正解です。", expected)
    chosen = " / ".join(f"{i + 1}. {render_markdown(c)}" for i, c in enumerate(item.choices) if c in picked)
    if len(answer) > 1 and picked < answer:
        return Verdict("wrong", f"不正解: 正解は {len(answer)} つあります。あなたの解答: {chosen}", expected)
    return Verdict("wrong", f"不正解です。あなたの解答: {chosen}", expected)


def _strip_brackets(text: str) -> str:
    """'(128, 128)' or '[1, 28, 28]' → the inside, when one pair of brackets encloses everything."""
    if len(text) >= 2 and (text[0], text[-1]) in (("(", ")"), ("[", "]")):
        depth = 0
        for pos, ch in enumerate(text):
            depth += ch in "(["
            depth -= ch in ")]"
            if depth == 0 and pos < len(text) - 1:
                return text
        return text[1:-1].strip()
    return text


def _split_values(text: str, count: int) -> list[str]:
    """Split several values on commas, semicolons or spaces; a shape like 128×128 also splits on ×."""
    parts = [p for p in re.split(r"[,;、\s]+", _strip_brackets(text)) if p]
    if len(parts) == 1 and count > 1:
        shape = [p.strip() for p in re.split(r"[x×]", parts[0])]
        if len(shape) == count and all(shape):
            return shape
    return parts


def parse_number(part: str) -> float | str:
    """One number from '7', '1/4', '5.1e-2', '0.25^5', '47%' or 'C(5,2)'; a str is a Japanese error message."""
    if len(part) > 100:
        return "入力が長すぎます (1 つの値は 100 文字まで)。"
    percent = part.endswith("%")
    body = part[:-1].strip() if percent else part
    if not body:
        return "数値を入力してください。"
    try:
        value = evaluate(body.replace("^", "**"), {})
    except FormulaError as exc:
        example = "。例: 7, 0.25, 1/4, 1e-3, 47%, C(5,2)" if str(exc).startswith("式を読めません") else ""
        return f"'{part}' を数値として読めません: {exc}{example}"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"'{part}' を数値として読めません。"
    return float(value) / 100 if percent else float(value)


def parse_numbers(text: str, count: int, unit: str = "") -> list[float] | str:
    """Numbers from '7', '1/4', '2.5e-3', '47%', '(128, 128)', '7×7' or 'a, b'; a str is an error message.

    Bounded: every value goes through the one capped evaluator (bank.formula), so this is safe to call on
    the UI thread while the learner types.
    """
    text = _clean(text)
    if unit and text.endswith(unit):
        text = text[: -len(unit)].strip()
    if count == 1:
        if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", text):
            text = text.replace(",", "")
        same = re.fullmatch(r"(\S+)\s*[x×]\s*(\S+)", text)
        if same and same.group(1) == same.group(2):
            text = same.group(1)
        parts = [text]
    else:
        parts = _split_values(text, count)
        if len(parts) != count:
            return f"値を {count} 個、カンマ区切りで入力してください (入力は {len(parts)} 個)。例: (128, 128)"
    values = []
    for part in parts:
        value = parse_number(part)
        if isinstance(value, str):
            return value
        values.append(value)
    return values


def _grade_numeric(item: Item, q: NumericQuestion | ParametricQuestion, text: str) -> Verdict:
    """Every value within tolerance of the expected one."""
    expected = expected_text(item)
    values = parse_numbers(text, len(item.expected), q.unit)
    if isinstance(values, str):
        return Verdict("invalid", values, expected)
    wrong = [
        i for i, (e, g) in enumerate(zip(item.expected, values, strict=True))
        if not within(e, g, q.tolerance, q.rel_tolerance)
    ]
    if not wrong:
        return Verdict("correct", "正解です。", expected)
    if len(values) > 1:
        swapped = all(within(e, g, q.tolerance, q.rel_tolerance)
                      for e, g in zip(reversed(item.expected), values, strict=True))
        if swapped:
            return Verdict("wrong", "不正解: 値は合っていますが、順番が逆です。", expected)
        labels = [render_markdown(label) for label in q.labels] or [f"{i + 1} 番目" for i in range(len(values))]
        return Verdict("wrong", f"不正解: {', '.join(labels[i] for i in wrong)} が違います。", expected)
    return Verdict("wrong", "不正解です。", expected)


def _grade_expression(item: Item, q: ExpressionQuestion, text: str) -> Verdict:
    """SymPy-backed equivalence; a timeout is 'undecided', never correct."""
    from eqprep.maths.check import check_answer

    expected = expected_text(item)
    result = check_answer(q.answer, text, q.variables, q.functions, domain=q.domain or None, form=q.form or None)
    statuses: dict[str, Status] = {"equivalent": "correct", "not_equivalent": "wrong", "invalid": "invalid"}
    status = statuses.get(result.status, "undecided")
    message = result.message or ("正解です。" if status == "correct" else "")
    return Verdict(status, message, expected)


def grade(item: Item, answer: str) -> Verdict:
    """Grade typed text against the item; never raises on bad input."""
    q = item.question
    if len(answer) > MAX_ANSWER:
        return Verdict("invalid", f"入力が長すぎます ({len(answer)} 文字、上限 {MAX_ANSWER})。", expected_text(item))
    text = _clean(answer)
    match q:
        case SelfGradedQuestion():
            return Verdict("self", "模範解答と比べて、自分で評価してください。", expected_text(item))
        case _ if not text:
            return Verdict("invalid", "解答を入力してください。", expected_text(item))
        case ChoiceQuestion():
            return _grade_choice(item, text, q.answer)
        case CodeChoiceQuestion():
            return _grade_choice(item, text, frozenset({q.answer}))
        case NumericQuestion() | ParametricQuestion():
            return _grade_numeric(item, q, text)
        case ExpressionQuestion():
            return _grade_expression(item, q, answer)
    return Verdict("invalid", "この種類の問題は採点できません。", "")
