"""Bank-wide counts for `check --coverage --json`: sets, combination blanks, code sets, wrong-statement share, length cue."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from eqprep.bank.exam_form import exam_ready
from eqprep.bank.model import AREAS, Bank, ChoiceQuestion, CombinationQuestion, Question
from eqprep.render.math import render_markdown

WRONG_STATEMENT_RE = re.compile(r"誤っている|誤り|適切でない|不適切|正しくない")


def is_wrong_statement(question: Question) -> bool:
    """A choice question that asks for the wrong (not the correct) statement."""
    return isinstance(question, ChoiceQuestion) and bool(WRONG_STATEMENT_RE.search(question.prompt))


def _lengths(question: ChoiceQuestion) -> tuple[int, list[int]]:
    """Length of the key and of every option, as shown (math rendered)."""
    key = next(iter(question.answer))
    return len(render_markdown(key)), [len(render_markdown(c)) for c in question.choices]


def key_is_longest(question: ChoiceQuestion) -> bool:
    """The test-wise 'pick the longest' cue: the key is as long as the longest option (ties count) and the
    options are not all the same length (then length gives nothing away)."""
    key, lengths = _lengths(question)
    return key == max(lengths) > min(lengths)


def pick_longest_score(question: ChoiceQuestion) -> float:
    """Expected score of always picking a longest option (at random among ties)."""
    key, lengths = _lengths(question)
    return 1 / lengths.count(key) if key == max(lengths) else 0.0


def key_length_rank(question: ChoiceQuestion) -> str:
    """Where the key's length sits among the options: longest (ties count), shortest, middle, or all equal."""
    key, lengths = _lengths(question)
    if max(lengths) == min(lengths):
        return "equal"
    return "longest" if key == max(lengths) else "shortest" if key == min(lengths) else "middle"


def drop_extremes_score(question: ChoiceQuestion) -> float:
    """Expected score of guessing among the options that are neither a longest nor a shortest one (the
    reverse cue left when keys are never the longest); all options when that leaves none."""
    key, lengths = _lengths(question)
    middle = [n for n in lengths if min(lengths) < n < max(lengths)]
    if not middle:
        return 1 / len(lengths)
    return 1 / len(middle) if min(lengths) < key < max(lengths) else 0.0


def single_choice(question: Question) -> bool:
    """Single-answer choice questions (including combination blanks): the ones the length cue applies to."""
    return isinstance(question, ChoiceQuestion) and len(question.answer) == 1 and len(question.choices) > 1


def content_counts(bank: Bank) -> dict[str, Any]:
    """The counts issue 12's targets are stated in, plus per-area and per-kind counts."""
    questions = list(bank.questions.values())
    singles = [q for q in questions if single_choice(q)]
    choices = [q for q in questions if isinstance(q, ChoiceQuestion)]
    longest = [q.id for q in singles if isinstance(q, ChoiceQuestion) and key_is_longest(q)]
    wrong = [q for q in choices if is_wrong_statement(q)]
    empty = {"questions": 0, "exam_ready": 0, "sets": 0, "set_questions": 0}
    areas: dict[str, dict[str, int]] = {a: dict(empty) for a in AREAS}
    for q in questions:
        bucket = areas.setdefault(bank.area_of(q), dict(empty))
        bucket["questions"] += 1
        bucket["exam_ready"] += int(exam_ready(q))
        bucket["set_questions"] += int(q.group is not None)
    for qset in bank.sets.values():
        first = bank.questions.get(qset.question_ids[0]) if qset.question_ids else None
        if first is not None:
            areas.setdefault(bank.area_of(first), dict(empty))["sets"] += 1
    return {
        "questions": len(questions),
        "sets": len(bank.sets),
        "set_questions": sum(len(s.question_ids) for s in bank.sets.values()),
        "combination": sum(isinstance(q, CombinationQuestion) for q in questions),
        "code_sets": sum(bool(s.code.strip()) for s in bank.sets.values()),
        "code_set_blanks": sum(len(s.code_labels) for s in bank.sets.values()),
        "choice_questions": len(choices),
        "wrong_statement": len(wrong),
        "wrong_statement_rate": round(len(wrong) / len(choices), 4) if choices else 0.0,
        "single_choice_questions": len(singles),
        "longest_correct": len(longest),
        "longest_correct_rate": round(len(longest) / len(singles), 4) if singles else 0.0,
        "longest_correct_ids": sorted(longest),  # the questions whose options to rewrite
        "pick_longest_score": round(sum(pick_longest_score(q) for q in singles if isinstance(q, ChoiceQuestion))
                                    / len(singles), 4) if singles else 0.0,
        "key_length_rank": dict(sorted(Counter(key_length_rank(q) for q in singles
                                               if isinstance(q, ChoiceQuestion)).items())),
        "drop_extremes_score": round(sum(drop_extremes_score(q) for q in singles if isinstance(q, ChoiceQuestion))
                                     / len(singles), 4) if singles else 0.0,
        "exam_ready": sum(1 for q in questions if exam_ready(q)),
        "kinds": dict(sorted(Counter(q.kind for q in questions).items())),
        "areas": areas,
        "frameworks": dict(sorted(Counter(s.framework or "none" for s in bank.sets.values()).items())),
    }
