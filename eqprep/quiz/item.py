"""Turn a question into an askable item: parameters drawn, text filled, options ordered."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from eqprep.bank.model import (
    ChoiceQuestion,
    CodeChoiceQuestion,
    NumericQuestion,
    ParametricQuestion,
    Question,
)
from eqprep.bank.params import answer_values, fill, instantiate
from eqprep.render.math import render_markdown

MULTILINE_KINDS = ("self_graded",)  # answered in several lines (a description compared with the model answer)
LETTERS = "abcdefghij"  # option letters the learner may type instead of numbers (options are shown numbered)


@dataclass(frozen=True)
class Item:
    """One concrete thing to ask: the prompt and options exactly as the learner sees them."""

    question: Question
    seed: int
    prompt: str
    explanation: str
    choices: tuple[str, ...] = ()
    params: dict[str, float] = field(default_factory=dict)
    expected: tuple[float, ...] = ()

    @property
    def prompt_text(self) -> str:
        """The prompt with math rendered as Unicode, for plain terminals."""
        return render_markdown(self.prompt)

    @property
    def code(self) -> str:
        """The program the learner reads, blanks shown as (あ), (い)... as the exam prints them."""
        return shown_code(self.question)

    @property
    def passage(self) -> str:
        """The shared passage of the question's 大問 (Markdown), or ''."""
        return self.question.group.passage.strip() if self.question.group else ""

    @property
    def explanation_text(self) -> str:
        """The explanation with math rendered as Unicode."""
        return render_markdown(self.explanation)


def shown_code(question: Question) -> str:
    """A question's code as shown: its 大問's listing, or its own template with the blank labelled.

    A 小問's template has the other blanks filled in with their keys (to run it), so it is never shown.
    """
    group = question.group
    if group and group.code.strip() and (not isinstance(question, CodeChoiceQuestion) or question.blank in group.code_labels):
        return group.display_code
    if isinstance(question, CodeChoiceQuestion):
        return question.template.strip("\n").replace("{blank}", f"({question.blank})")
    return ""


def make_item(question: Question, seed: int | None = None) -> Item:
    """Build an item; the same seed always gives the same numbers and option order."""
    if seed is None:
        seed = random.randrange(2**31)
    rng = random.Random(seed)
    match question:
        case ParametricQuestion():
            instance = instantiate(question, seed)
            values = answer_values(instance)
            return Item(
                question,
                seed,
                fill(question.prompt, instance.values),
                fill(question.explanation, values),
                params={k: v for k, v in instance.values.items() if k in question.params},
                expected=instance.answers,
            )
        case ChoiceQuestion() | CodeChoiceQuestion():
            choices = list(question.choices)
            if getattr(question, "shuffle", True):
                rng.shuffle(choices)
            return Item(question, seed, question.prompt, question.explanation, choices=tuple(choices))
        case NumericQuestion():
            return Item(question, seed, question.prompt, question.explanation, expected=question.answer)
    return Item(question, seed, question.prompt, question.explanation)
