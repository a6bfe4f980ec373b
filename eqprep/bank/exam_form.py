"""A question as the real exam asks it: one answer picked from 4-6 options, never typed.

Numeric, parametric and expression questions become choices made of the key and the values their named
`mistakes` give; the explanation then says which mistake leads to each wrong option.
"""

from __future__ import annotations

import random

from eqprep.bank.formula import FormulaError
from eqprep.bank.mistakes import MIN_MISTAKES, numeric_options
from eqprep.bank.model import (
    ChoiceQuestion,
    CodeChoiceQuestion,
    ExpressionQuestion,
    NumericQuestion,
    ParametricQuestion,
    Question,
)
from eqprep.bank.params import GeneratorError, answer_values, fill, instantiate

MIN_OPTIONS = 4
MAX_OPTIONS = 6
REDRAWS = 50


def exam_ready(question: Question) -> bool:
    """True when the question can be set in the mock exam as a single-answer choice of 4-6 options."""
    match question:
        case ChoiceQuestion():
            return len(question.answer) == 1 and MIN_OPTIONS <= len(question.choices) <= MAX_OPTIONS
        case CodeChoiceQuestion():
            return MIN_OPTIONS <= len(question.choices) <= MAX_OPTIONS
        case NumericQuestion() | ParametricQuestion() | ExpressionQuestion():
            return MIN_MISTAKES <= len(question.mistakes) <= MAX_OPTIONS - 1
    return False


def exam_version(question: Question, seed: int) -> Question | None:
    """The exam form of an exam-ready question (itself for choices), or None when it cannot be built."""
    if not exam_ready(question):
        return None
    match question:
        case NumericQuestion():
            return _numeric_choice(question, question.prompt, question.explanation, {}, question.answer)
        case ParametricQuestion():
            return _parametric_choice(question, seed)
        case ExpressionQuestion():
            return _expression_choice(question)
    return question


def _as_choice(question: Question, prompt: str, explanation: str, options: list[tuple[str, str]]) -> ChoiceQuestion | None:
    """A single-answer ChoiceQuestion keeping the original id (history and scheduling stay with it)."""
    texts = [text for text, _ in options]
    if len(set(texts)) != len(texts):
        return None
    wrong = "\n".join(f"- {text}: {name}" for text, name in options if name)
    return ChoiceQuestion(
        id=question.id,
        topic=question.topic,
        prompt=prompt,
        explanation=f"{explanation.rstrip()}\n\n誤答の選択肢と、その値になる誤り:\n{wrong}",
        tags=question.tags,
        path=question.path,
        line=question.line,
        source=question.source,
        note=question.note,
        derivation=question.derivation,
        difficulty=question.difficulty,
        group=question.group,
        choices=tuple(sorted(texts, key=_order_key)),
        answer=frozenset({options[0][0]}),
        shuffle=False,
    )


def _order_key(text: str) -> tuple[int, float, str]:
    """Numbers in ascending order (item-writing rule); anything else keeps a stable text order."""
    head = text.split(",")[0].split()[0] if text.strip() else ""
    try:
        return (0, float(head), text)
    except ValueError:
        return (1, 0.0, text)


def _numeric_choice(question: NumericQuestion | ParametricQuestion, prompt: str, explanation: str,
                    env: dict[str, float], answers: tuple[float, ...]) -> ChoiceQuestion | None:
    """Key and mistake values for one variant."""
    try:
        options = numeric_options(question, env, answers)
    except (FormulaError, ZeroDivisionError, OverflowError, ValueError):
        return None
    return _as_choice(question, prompt, explanation, options)


def _parametric_choice(question: ParametricQuestion, seed: int) -> ChoiceQuestion | None:
    """A variant whose options are all distinct (redrawing a few times if one variant collides)."""
    rng = random.Random(seed)
    for _ in range(REDRAWS):
        try:
            instance = instantiate(question, rng.randrange(2**31))
        except GeneratorError:
            return None
        values = answer_values(instance)
        choice = _numeric_choice(
            question, fill(question.prompt, instance.values), fill(question.explanation, values),
            dict(instance.values), instance.answers,
        )
        if choice is not None:
            return choice
    return None


def _expression_choice(question: ExpressionQuestion) -> ChoiceQuestion | None:
    """Key and mistake formulas, shown as the formula preview prints them."""
    from eqprep.maths.parse import preview

    options = []
    for text, name in [(question.answer, ""), *((m.formula[0], m.name) for m in question.mistakes)]:
        shown = preview(text, question.variables, question.functions)
        if not shown.ok:
            return None
        options.append((shown.display, name))
    return _as_choice(question, question.prompt, question.explanation, options)
