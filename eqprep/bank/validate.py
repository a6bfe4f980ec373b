"""Semantic validation: links resolve, answers recompute, generators and code options really work."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future
from pathlib import Path

from eqprep.bank.codecheck import BATCH, CODE_LIMITS, PRELUDE, STATE, failure, option_messages, option_program
from eqprep.bank.combination import check_combination, row_program
from eqprep.bank.formula import FormulaError, evaluate, names_in
from eqprep.bank.mistakes import check_mistakes
from eqprep.bank.model import (
    LINK_RE,
    Bank,
    ChoiceQuestion,
    CodeChoiceQuestion,
    CombinationQuestion,
    ExpressionQuestion,
    NumericQuestion,
    ParametricQuestion,
    Problem,
    Question,
    SelfGradedQuestion,
    combination_text,
    within,
)
from eqprep.bank.params import GeneratorError, instantiate, unsafe_placeholders
from eqprep.bank.rounding import check_rounding
from eqprep.bank.sandbox import Result, Sandbox
from eqprep.bank.sets import listing_program, set_problems
from eqprep.bank.studypath import study_path_problems
from eqprep.render.math import leftover_macros, math_spans

PARAMETRIC_SEEDS = 500  # generation, rounding and distinct distractors are checked on the same variants
_BARE_LINK_RE = re.compile(r"(?<!\])\((?:note|q):[^)]*\)")


SKIPPED_CODE = "コード選択肢の実行を省略しました (信頼していないパックのコードは実行しません。実行するには --trust)"


def is_bundled(bank: Bank) -> bool:
    """True for the content shipped with eqprep (whose code is trusted)."""
    from eqprep.paths import content_root

    try:
        return bank.root.resolve() == content_root().resolve()
    except OSError:
        return False


def validate(
    bank: Bank,
    derivation_ids: set[str] | None = None,
    trust: bool | None = None,
    skipped: list[Problem] | None = None,
) -> list[Problem]:
    """Every load problem plus every semantic problem of the bank.

    Code options run in a sandbox only when the pack is trusted (default: only the bundled content);
    otherwise each code_choice question is appended to `skipped` instead.
    """
    trusted = is_bundled(bank) if trust is None else trust
    # framework (PyTorch) questions run in their own sandbox with the framework, see bank.framework
    code_questions: list[CodeChoiceQuestion | CombinationQuestion] = [
        q for q in bank.questions.values()
        if (isinstance(q, CodeChoiceQuestion) or isinstance(q, CombinationQuestion) and q.template) and not q.framework
    ]
    runs: dict[str, list[tuple[str, Future[Result]]]] = {}
    listings: dict[str, Future[Result]] = {}
    with Sandbox({"np": "numpy"}, CODE_LIMITS, prelude=PRELUDE, state=STATE) as box:
        if trusted:  # queued first, so the sandboxes work while SymPy re-verifies derivations here
            options = [(q, o) for q in code_questions for o in _runnable(q)]
            programs = [(_program(q, o), f"<{q.id}>") for q, o in options]
            listed = [(qset.id, program) for qset in bank.sets.values()
                      if (program := listing_program(qset, bank)) is not None]
            futures = box.map(programs + [(program, f"<{sid}>") for sid, program in listed], batch=BATCH)
            for (q, o), future in zip(options, futures, strict=False):
                runs.setdefault(q.id, []).append((o, future))
            listings = {sid: future for (sid, _), future in zip(listed, futures[len(options):], strict=True)}
        elif skipped is not None:
            skipped += [Problem(q.path, q.line, SKIPPED_CODE, q.id) for q in code_questions]
        problems = list(bank.problems)
        if derivation_ids is None:
            derivation_ids = set()
            problems += _derivation_problems(bank.root, derivation_ids, bank.notes)
        problems += _note_problems(bank)
        problems += study_path_problems(bank)
        for question in bank.questions.values():
            for message in _question_messages(question, bank, derivation_ids, runs.get(question.id)):
                problems.append(Problem(question.path, question.line, message, question.id))
        problems += set_problems(bank, {sid: failure(future.result()) for sid, future in listings.items()})
    return problems


def _derivation_problems(root: Path, ids: set[str], notes: Mapping[str, object]) -> list[Problem]:
    """Load the derivations beside the content (filling `ids`) and re-verify every step with SymPy."""
    from eqprep.maths.derivations import load_derivations, verify

    folder = root / "derivations"
    errors: list[str] = []
    derivations = load_derivations(root, errors) if folder.is_dir() else {}
    problems = [Problem(folder, None, message) for message in errors]
    for derivation in derivations.values():
        ids.add(derivation.id)
        if derivation.note and derivation.note.split("#", 1)[0] not in notes:
            problems.append(Problem(derivation.path or folder, None,
                                    f"導出 '{derivation.id}' の note '{derivation.note}' のノートがありません"))
        for step in verify(derivation):
            if not step.ok:
                detail = f": {step.message}" if step.message else ""
                problems.append(
                    Problem(derivation.path or folder, None, f"導出 '{derivation.id}' のステップ {step.index} ({step.display}) を検証できません{detail}")
                )
    return problems


def _math_located(text: str, field: str) -> Iterator[tuple[str, str]]:
    """(message, offending text) for math fragments that would still show raw LaTeX."""
    for span in math_spans(text):
        left = leftover_macros(span)
        if left:
            message = f"{field} の数式 ${span.strip()[:60]}$ が端末で表示できません (未対応: {' '.join(sorted(set(left)))})"
            yield message, span


def _links_located(text: str, bank: Bank, field: str) -> Iterator[tuple[str, str]]:
    """(message, offending text) for links to notes or questions that do not exist."""
    for match in _BARE_LINK_RE.finditer(text):
        yield f"{field} のリンク {match.group(0)} は [ラベル]{match.group(0)} の形で書いてください", match.group(0)
    for match in LINK_RE.finditer(text):
        _label, kind, target = match.groups()
        if kind == "note" and target not in bank.notes:
            yield f"{field} のリンク先ノート '{target}' がありません", match.group(0)
        if kind == "q" and target not in bank.questions:
            yield f"{field} のリンク先問題 '{target}' がありません", match.group(0)


def _note_problems(bank: Bank) -> list[Problem]:
    """Unknown tags, broken links and unrenderable math in notes, each at its line."""
    problems = []
    for note in bank.notes.values():
        problems += [Problem(note.path, 1, f"シラバスにないタグ '{t}'") for t in note.tags if t not in bank.syllabus]
        located = [*_links_located(note.body, bank, "本文"), *_math_located(note.body, "本文")]
        problems += [Problem(note.path, note.line_of(needle), message) for message, needle in located]
    return problems


def _question_messages(
    question: Question, bank: Bank, derivation_ids: set[str], runs: list[tuple[str, Future[Result]]] | None
) -> Iterator[str]:
    """Problems shared by all kinds, then the kind-specific ones."""
    yield from _reference_messages(question, bank, derivation_ids)
    yield from _text_messages(question, bank)
    if question.framework and not isinstance(question, CodeChoiceQuestion):
        yield f"framework '{question.framework}' の問題は実行して検証できるよう code_choice で書いてください"
    if isinstance(question, CodeChoiceQuestion):
        yield from _check_code(question, runs)
        return
    checker = _KIND_CHECKS.get(type(question))
    if checker:
        yield from checker(question)
    if isinstance(question, CombinationQuestion) and question.template:
        yield from _run_messages(combination_text(question.blanks, question.answer_row), runs)
    if isinstance(question, NumericQuestion | ExpressionQuestion):
        yield from check_mistakes(question)


def _reference_messages(question: Question, bank: Bank, derivation_ids: set[str]) -> Iterator[str]:
    """The topic, note, syllabus tags and derivation the question names must exist."""
    if question.topic not in bank.notes:
        yield f"topic '{question.topic}' のノートがありません"
    if question.note and question.note_id not in bank.notes:
        yield f"note '{question.note}' のノートがありません"
    for tag in question.tags:
        if tag not in bank.syllabus:
            yield f"シラバスにないタグ '{tag}'"
    if question.derivation and question.derivation not in derivation_ids:
        yield f"導出 '{question.derivation}' がありません (content/derivations/)"


def _text_messages(question: Question, bank: Bank) -> Iterator[str]:
    """Prompt and explanation: not empty, safe placeholders, links that resolve, math the terminal can show."""
    for field in ("prompt", "explanation"):
        text = getattr(question, field)
        for placeholder in _unsafe_fills(question, text):
            yield f"{field} の {placeholder[:40]} の書式は使えません (幅・精度は 2 桁まで、数値の書式だけ)"
        if not text.strip():
            yield f"{field} が空です"
        for message, _ in (*_links_located(text, bank, field), *_math_located(text, field)):
            yield message


def _unsafe_fills(question: Question, text: str) -> list[str]:
    """Placeholders of a parametric question with a format spec that `fill` will not honour."""
    if not isinstance(question, ParametricQuestion):
        return []
    names = {*question.params, *question.let, "answer", *(f"answer{i}" for i in range(1, len(question.answer) + 1))}
    return unsafe_placeholders(text, names)


def _check_choice(q: ChoiceQuestion) -> Iterator[str]:
    """At least two distinct options, and every answer is one of them."""
    if len(q.choices) < 2:
        yield "選択肢は 2 つ以上必要です"
    if len(set(q.choices)) != len(q.choices):
        yield "選択肢に重複があります"
    for answer in sorted(q.answer - set(q.choices)):
        yield f"正解 '{answer}' が選択肢にありません"
    if not q.answer:
        yield "正解がありません"


def _check_numeric(q: NumericQuestion) -> Iterator[str]:
    """Answers are finite and agree with their formulas."""
    if q.labels and len(q.labels) != len(q.answer):
        yield f"labels の数 ({len(q.labels)}) が answer の数 ({len(q.answer)}) と違います"
    if not all(math.isfinite(a) for a in q.answer):
        yield "answer が有限の数ではありません"
    if not q.formula:
        yield "numeric には答えを再計算する formula が必要です"
        return
    if len(q.formula) != len(q.answer):
        yield f"formula の数 ({len(q.formula)}) が answer の数 ({len(q.answer)}) と違います"
        return
    for formula, answer in zip(q.formula, q.answer, strict=True):
        try:
            value = float(evaluate(formula))
        except FormulaError as exc:
            yield f"formula を計算できません: {exc}"
            continue
        if not within(value, answer, q.tolerance, q.rel_tolerance):
            yield f"answer {answer:g} が formula '{formula}' の値 {value:.6g} と一致しません"


def _check_expression(q: ExpressionQuestion) -> Iterator[str]:
    """The answer parses with the declared names and equals its formula."""
    from eqprep.maths.check import check_answer, check_formula
    from eqprep.maths.forms import valid_form

    if q.form and not valid_form(q.form):
        yield f"form '{q.form}' は不明です (factored / expanded / simplified / in_terms:f)"
    if not q.formula:
        yield "expression には答えを SymPy で再計算する formula が必要です"
        return
    result = check_formula(q.formula, q.answer, q.variables, q.functions)
    if result.status != "equivalent":
        yield f"answer '{q.answer}' が formula '{q.formula}' と同値と確認できません: {result.message}"
        return
    result = check_answer(q.answer, q.answer, q.variables, q.functions, domain=q.domain or None)
    if result.status != "equivalent":
        yield f"answer '{q.answer}' を学習者向けの書式で読めません: {result.message}"


_HIDDEN_TEST_RE = re.compile(r"\bcheck\b", re.I)
_BLANK_LABEL_RE = re.compile(r"[(（]([\u3041-\u3093])[)）]")


def _check_code(q: CodeChoiceQuestion, runs: list[tuple[str, Future[Result]]] | None) -> Iterator[str]:
    """The prompt names the blank the code shows; exactly the correct option passes the check when every
    option is run (in the sandbox, if trusted)."""
    if q.group is None:
        named = set(_BLANK_LABEL_RE.findall(q.prompt))
        for label in sorted(named - {q.blank}):
            yield f"問題文の空欄 ({label}) がコードにありません (コードの空欄は ({q.blank}))"
        if not named:
            yield f"問題文でコードの空欄 ({q.blank}) を示してください"
    if _HIDDEN_TEST_RE.search(q.explanation):
        yield "解説が学習者に見えない check (テストデータ) を参照しています。問題文に例を示すか、参照を削ってください"
    if q.answer not in q.choices:
        yield "answer が choices にありません"
        return
    if len(set(q.choices)) != len(q.choices):
        yield "選択肢に重複があります"
    yield from _run_messages(q.answer, runs)


def _run_messages(answer: str, runs: list[tuple[str, Future[Result]]] | None) -> Iterator[str]:
    """The sandbox's verdict on every option (a code line, or a code combination's row as shown)."""
    for option, future in runs or ():
        result = future.result()
        if result.status in ("unavailable", "crashed") and not result.message.startswith(("終了コード", "シグナル")):
            yield f"コードを実行できませんでした: {result.message}"
            return
        yield from option_messages(answer, option, result)


def _runnable(q: CodeChoiceQuestion | CombinationQuestion) -> tuple[str, ...]:
    """The options to run: a code_choice's lines (when its key is among them), a code combination's rows."""
    if isinstance(q, CombinationQuestion):
        return q.choices
    return q.choices if q.answer in q.choices else ()


def _program(q: CodeChoiceQuestion | CombinationQuestion, option: str) -> str:
    """The program one option is judged by."""
    if isinstance(q, CombinationQuestion):
        return row_program(q, q.rows[q.choices.index(option)])
    return option_program(q.setup, q.template, option, q.check)


def _check_self(q: SelfGradedQuestion) -> Iterator[str]:
    """A model answer exists."""
    if not q.answer.strip():
        yield "模範解答 (answer) が空です"


def _check_parametric(q: ParametricQuestion) -> Iterator[str]:
    """Formulas only use known names; 500 seeds yield finite answers, accept rounded answers, keep distractors distinct."""
    known = set(q.params)
    for name, formula in q.let.items():
        try:
            unknown = names_in(formula) - known
        except FormulaError as exc:
            yield f"let.{name}: {exc}"
            return
        if unknown:
            yield f"let.{name} に未定義の名前: {', '.join(sorted(unknown))}"
        known.add(name)
    for formula in (*q.answer, *q.constraints):
        try:
            unknown = names_in(formula) - known
        except FormulaError as exc:
            yield str(exc)
            return
        if unknown:
            yield f"式 '{formula}' に未定義の名前: {', '.join(sorted(unknown))}"
            return
    if q.labels and len(q.labels) != len(q.answer):
        yield f"labels の数 ({len(q.labels)}) が answer の数 ({len(q.answer)}) と違います"
    instances = []
    for seed in range(PARAMETRIC_SEEDS):
        try:
            instances.append(instantiate(q, seed))
        except GeneratorError as exc:
            yield f"生成に失敗: {exc}"
            return
    yield from check_rounding(q, instances)
    yield from check_mistakes(q, instances)


_KIND_CHECKS: dict[type, Callable[..., Iterator[str]]] = {
    ChoiceQuestion: _check_choice,
    CombinationQuestion: lambda q: iter((*_check_choice(q), *check_combination(q))),
    NumericQuestion: _check_numeric,
    ExpressionQuestion: _check_expression,
    SelfGradedQuestion: _check_self,
    ParametricQuestion: _check_parametric,
}
