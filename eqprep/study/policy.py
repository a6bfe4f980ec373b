"""Answer policies both study flows and both front ends share: don't know, blanks, unreadable input, crashes."""

from __future__ import annotations

from eqprep.quiz import Item, Verdict, grade
from eqprep.quiz.grade import expected_text

DONT_KNOW = "?"
CRASHED = "採点中にエラーが起きました。入力を変えてもう一度どうぞ ({})"


def unanswered(item: Item) -> Verdict:
    """The verdict of a question left blank in an exam: scored as a miss, with the answer to show later."""
    return Verdict("unanswered", "未解答", expected_text(item))


def dont_know(item: Item) -> Verdict:
    """'?' typed as the answer: a miss (Again), with the answer and explanation shown as for any miss."""
    return Verdict("wrong", "わからない: 解説で確認しましょう。", expected_text(item))


def judge(item: Item, text: str, *, blank_is_unanswered: bool = False, final: bool = False) -> Verdict:
    """Grade `text` under the shared rules.

    '?' is "don't know" (wrong); a blank is unanswered where skipping is allowed (exams); a checker crash asks
    again. With `final` (the exam is being closed, nobody can retype) unreadable input counts as wrong and a
    checker crash as undecided, so one broken check never loses the paper.
    """
    stripped = text.strip()
    if blank_is_unanswered and not stripped:
        return unanswered(item)
    if stripped == DONT_KNOW:
        return dont_know(item)
    try:
        verdict = grade(item, text)
    except Exception as error:  # the learner must see a message, never a stuck screen or a traceback
        if final:
            return Verdict("undecided", f"採点できませんでした ({error})", expected_text(item))
        return Verdict("invalid", CRASHED.format(error), "")
    if final and verdict.status == "invalid":
        return Verdict("wrong", verdict.message, verdict.expected_text)
    return verdict
