"""Texts both front ends show (exam report, answer review, session summary, next review): one wording, one place."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from eqprep.quiz import Item, Verdict
    from eqprep.study.exam import ExamReport
    from eqprep.study.review import SessionSummary
    from eqprep.study.service import SetAside, Study

MARKS = {"correct": "◯", "wrong": "✕", "unanswered": "―", "undecided": "△"}


def bar(percent: float, width: int = 20) -> str:
    """A text bar for a percentage."""
    filled = round(width * percent / 100)
    return "█" * filled + "░" * (width - filled)


def exam_report_text(report: ExamReport, titles: dict[str, str]) -> str:
    """The area report in Japanese with bars: total, the four areas of the official report, then per topic."""
    total = report.total
    lines = [f"総合  {total.correct}/{total.total} 問正解  {total.percent:.1f}%", ""]
    if report.unanswered:
        lines.insert(1, f"未解答 {report.unanswered} 問")
    lines.append("分野別 (成績表の4分野)")
    for area, score in report.areas.items():
        shown = f"{bar(score.percent)} {score.percent:5.1f}% ({score.correct}/{score.total})" if score.total else "出題なし"
        lines.append(f"  {area}  {shown}")
    lines += ["", "トピック別"]
    for topic, score in report.topics.items():
        lines.append(f"  {titles.get(topic, topic)}: {score.correct}/{score.total} ({score.percent:.0f}%)")
    if report.wrong:
        lines += ["", f"誤答・未解答の {len(report.wrong)} 問は復習キューに入りました。"]
    return "\n".join(lines)


def answer_review_lines(items: list[Item], verdicts: list[Verdict], missed_only: bool = False) -> list[str]:
    """One line per question after an exam: number, mark, question id and the correct answer."""
    return [
        f"{number:>3} {MARKS.get(verdict.status, '?')} {item.question.id}  正解: {verdict.expected_text}"
        for number, (item, verdict) in enumerate(zip(items, verdicts, strict=True), 1)
        if not (missed_only and verdict.status == "correct")
    ]


def summary_text(summary: SessionSummary) -> str:
    """Japanese end-of-session summary line."""
    parts = [f"{summary.answered}/{summary.total} 問に解答", f"正解 {summary.count('correct')}",
             f"不正解 {summary.count('wrong')}"]
    if summary.count("self"):
        parts.append(f"自己採点 {summary.count('self')}")
    if summary.count("undecided"):
        parts.append(f"判定不能 {summary.count('undecided')}")
    return "お疲れさまでした。" + "、".join(parts) + "。"


def skip_text(question_id: str, error: str) -> str:
    """Warning for a question whose content cannot produce an item."""
    return f"警告: 問題 {question_id} を出題できないのでスキップします ({error})。"


def describe_due(due: datetime | None, now: datetime) -> str:
    """'次回: 10 分後' style text for the next review."""
    if due is None:
        return "スケジュールは変更しません (判定できませんでした)。"
    wait = due - now
    if wait < timedelta(hours=1):
        return f"次回: {max(int(wait.total_seconds() // 60), 1)} 分後"
    if wait < timedelta(days=1):
        return f"次回: {int(wait.total_seconds() // 3600)} 時間後"
    return f"次回: {wait.days} 日後 ({due.astimezone().date().isoformat()})"


def set_aside_line(study: Study, entry: SetAside, width: int = 56) -> str:
    """`保留` or `12/8 まで`, the question id and the start of its prompt as plain text (one line)."""
    from eqprep.bank.search import question_prompt
    from eqprep.render.text import cut

    question = study.bank.questions.get(entry.question_id)
    prompt = cut(question_prompt(question), width) if question else "(この問題はコンテンツにありません)"
    if entry.kind == "buried" and entry.until is not None:
        until = study.local_date(entry.until)
        kind = f"{until.month}/{until.day} まで"
    else:
        kind = "保留"
    return f"{kind:<8} {entry.question_id}  {prompt}"
