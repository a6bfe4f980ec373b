"""Mock exam: set-up dialog, timed paper with navigator and flags, grading in a worker, area report."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, Static

from eqprep.bank.model import Question
from eqprep.quiz import Item, Verdict, grade, make_item
from eqprep.quiz.grade import expected_text
from eqprep.study.exam import ExamReport, assemble_exam, build_report, default_minutes, unanswered
from eqprep.tui.screens.dialogs import ConfirmScreen
from eqprep.tui.widgets.question import KIND_LABELS, QuestionView

if TYPE_CHECKING:
    from eqprep.tui.session import Session

DEFAULT_COUNT = 30
NAV_WINDOW = 16
EXAM_HINT = "番号キーで選択 (Enter / PageDown で次の問題)"
MARKS = {"correct": "◯", "wrong": "✕", "unanswered": "―", "undecided": "△"}
MAX_COUNT = 200


def parse_count(text: str) -> int | str:
    """Number of exam questions from the dialog, or a Japanese error."""
    text = text.strip()
    if not text.isdigit() or not 1 <= int(text) <= MAX_COUNT:
        return f"1〜{MAX_COUNT} の整数で入力してください。"
    return int(text)


def final_verdict(item: Item, text: str) -> Verdict:
    """Exam grading: blank is unanswered and unreadable input is simply wrong (no retry in an exam)."""
    if not text.strip():
        return unanswered(item)
    try:
        verdict = grade(item, text)
    except Exception as error:  # one broken check must not lose the whole exam
        return Verdict("undecided", f"採点できませんでした ({error})", expected_text(item))
    if verdict.status == "invalid":
        return Verdict("wrong", verdict.message, verdict.expected_text)
    return verdict


def clock_text(seconds: float) -> str:
    """mm:ss (or h:mm:ss) of the time left."""
    seconds = max(int(seconds), 0)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60:02d}:{rest % 60:02d}"


class ExamSetupScreen(ModalScreen[None]):
    """Ask how many questions; the time limit scales like the real exam."""

    BINDINGS = [Binding("escape", "close", "取消")]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        """Explanation, count field, error line."""
        with Vertical(classes="dialog"):
            yield Static("模擬試験: 問題数を入力して Enter (本番は約 100 問 120 分)", markup=False)
            yield Input(value=str(DEFAULT_COUNT), id="count")
            yield Static(f"制限時間 {default_minutes(DEFAULT_COUNT):g} 分", id="minutes", classes="hint", markup=False)

    @on(Input.Changed, "#count")
    def count_changed(self, event: Input.Changed) -> None:
        """Show the time limit or the problem with the input."""
        count = parse_count(event.value)
        shown = count if isinstance(count, str) else f"制限時間 {default_minutes(count):g} 分"
        label = self.query_one("#minutes", Static)
        label.update(shown)
        label.set_class(isinstance(count, str), "-error")

    @on(Input.Submitted, "#count")
    def start(self, event: Input.Submitted) -> None:
        """Assemble the paper and start the exam."""
        count = parse_count(event.value)
        if isinstance(count, str):
            return
        paper = assemble_exam(self.session.bank, count, self.session.config.seed)
        if not paper:
            self.query_one("#minutes", Static).update("出題できる問題がありません。")
            return
        self.dismiss(None)
        self.app.push_screen(ExamScreen(self.session, paper, default_minutes(len(paper))))

    def action_close(self) -> None:
        """Cancel."""
        self.dismiss(None)


class ExamGraded(Message):
    """All answers graded by the worker: (item, answer text, verdict) in paper order."""

    def __init__(self, results: list[tuple[Item, str, Verdict]]) -> None:
        super().__init__()
        self.results = results


class ExamScreen(Screen[None]):
    """The paper: answer in any order, flag for later, submit (or time runs out) to grade everything."""

    BINDINGS = [
        Binding("pagedown,ctrl+n", "move(1)", "次", priority=True),
        Binding("pageup", "move(-1)", "前", priority=True),
        Binding("ctrl+f", "flag", "フラグ", priority=True),
        Binding("ctrl+o", "pending", "未解答へ", priority=True),
        Binding("ctrl+g", "submit", "提出", priority=True),
        Binding("enter", "move(1)", show=False),
        Binding("escape", "abandon", "中断"),
        *[Binding(str(n), f"digit({n})", show=False) for n in range(1, 10)],
    ]

    def __init__(self, session: Session, paper: list[Question], minutes: float) -> None:
        super().__init__()
        self.session = session
        self.items = [make_item(q, seed=session.item_seed()) for q in paper]
        self.answers = [""] * len(self.items)
        self.flags: set[int] = set()
        self.index = 0
        self.minutes = minutes
        self.deadline = time.monotonic() + minutes * 60
        self.exam_id = session.study.store.start_exam(session.study.clock(), len(paper), minutes,
                                                      session.config.seed)
        self.closed = False

    def compose(self) -> ComposeResult:
        """Status with timer, navigator, question, footer."""
        yield Static("", id="status", markup=False)
        yield Static("", id="navigator")
        yield VerticalScroll(id="body")
        yield Footer()

    async def on_mount(self) -> None:
        """First question and the one-second timer."""
        await self.show(0)
        self.set_interval(1.0, self.tick)

    def left_seconds(self) -> float:
        """Seconds until the time limit."""
        return self.deadline - time.monotonic()

    def tick(self) -> None:
        """Update the clock; submit automatically when time is up."""
        if self.closed:
            return
        if self.left_seconds() <= 0:
            self.notify("時間切れです。採点します。", markup=False)
            self.grade_all()
            return
        self.update_status()

    def update_status(self) -> None:
        """Status line and navigator cells (◯ answered, ⚑ flagged, [n] current)."""
        done = sum(1 for a in self.answers if a.strip())
        kind = KIND_LABELS.get(self.items[self.index].question.kind, "")
        self.query_one("#status", Static).update(
            f"模擬試験  {self.index + 1}/{len(self.items)} {kind}  残り {clock_text(self.left_seconds())}"
            f"  解答済 {done}  フラグ {len(self.flags)}"
        )
        first = max(0, min(self.index - NAV_WINDOW // 2, len(self.answers) - NAV_WINDOW))
        shown = range(first, min(first + NAV_WINDOW, len(self.answers)))
        cells: list[str | tuple[str, str]] = ["… "] if first else []
        for number in shown:
            answer = self.answers[number]
            mark = "⚑" if number in self.flags else ("◯" if answer.strip() else "·")
            style = "reverse bold" if number == self.index else ("bold" if answer.strip() else "dim")
            cells += [(f"{number + 1}{mark}", style), " "]
        if shown.stop < len(self.answers):
            cells.append("…")
        self.query_one("#navigator", Static).update(Content.assemble(*cells))

    def save(self) -> None:
        """Keep what is typed or selected for the current question."""
        for view in self.query("#question").results(QuestionView):
            self.answers[self.index] = view.answer_text()

    async def show(self, index: int) -> None:
        """Switch to question `index`, restoring its saved answer."""
        self.save()
        self.index = index
        body = self.query_one("#body", VerticalScroll)
        await body.remove_children()
        view = QuestionView(self.items[index], choice_hint=EXAM_HINT, id="question")
        await body.mount(view)
        view.set_answer(self.answers[index])
        self.update_status()
        self.call_after_refresh(view.focus_input)

    async def action_move(self, step: int) -> None:
        """Next / previous question (wraps around)."""
        if not self.closed:
            await self.show((self.index + step) % len(self.items))

    def action_digit(self, number: int) -> None:
        """Pick an option."""
        for view in self.query("#question").results(QuestionView):
            if view.toggle(number):
                self.save()
                self.update_status()

    def action_flag(self) -> None:
        """Mark or unmark the current question for review before submitting."""
        self.flags ^= {self.index}
        self.update_status()

    async def action_pending(self) -> None:
        """Jump to the next flagged or unanswered question after the current one."""
        self.save()
        count = len(self.items)
        for step in range(1, count + 1):
            number = (self.index + step) % count
            if number in self.flags or not self.answers[number].strip():
                await self.show(number)
                return
        self.notify("未解答・フラグの問題はありません。", markup=False)

    @on(Input.Submitted)
    async def input_submitted(self, event: Input.Submitted) -> None:
        """Enter in an answer field saves it and moves on."""
        event.stop()
        await self.action_move(1)

    @on(Input.Changed)
    def input_changed(self) -> None:
        """Keep the answered count current while typing."""
        self.save()
        self.update_status()

    def action_submit(self) -> None:
        """Confirm, then grade."""
        self.save()
        blank = sum(1 for a in self.answers if not a.strip())
        question = f"提出して採点しますか? 未解答 {blank} 問、フラグ {len(self.flags)} 問。"
        self.app.push_screen(ConfirmScreen(question), self.confirmed)

    def confirmed(self, yes: bool | None) -> None:
        """Grade when the learner confirmed."""
        if yes:
            self.grade_all()

    def grade_all(self) -> None:
        """Close the paper and grade in a worker."""
        if self.closed:
            return
        self.save()
        self.closed = True
        self.query_one("#status", Static).update("採点中…")
        self._grade(list(zip(self.items, self.answers, strict=True)))

    @work(thread=True, exclusive=True, group="exam", exit_on_error=False)
    def _grade(self, pairs: list[tuple[Item, str]]) -> None:
        """Grade every answer (formula answers may need SymPy)."""
        self.post_message(ExamGraded([(item, text, final_verdict(item, text)) for item, text in pairs]))

    @on(ExamGraded)
    def exam_graded(self, message: ExamGraded) -> None:
        """Record every answer (mistakes enter the review queue), store the report, show it."""
        study = self.session.study
        for item, text, verdict in message.results:
            study.record(item, verdict, text, 0, exam_id=self.exam_id)
        report = build_report(self.session.bank, [(item.question, v.status) for item, _, v in message.results])
        study.store.finish_exam(self.exam_id, study.clock(), report.to_dict())
        review = [answer_line(number, item, verdict) for number, (item, _, verdict) in enumerate(message.results, 1)]
        self.app.switch_screen(ExamReportScreen(self.session, report, review))

    def action_abandon(self) -> None:
        """Leave without grading (after confirmation)."""
        self.app.push_screen(ConfirmScreen("採点せずに模擬試験をやめますか? (解答は記録されません)"),
                             lambda yes: self.app.pop_screen() if yes else None)


def answer_line(number: int, item: Item, verdict: Verdict) -> str:
    """One line of the answer review: mark, question id and the correct answer."""
    mark = MARKS.get(verdict.status, "?")
    return f"{number:>3} {mark} {item.question.id}  正解: {verdict.expected_text}"


def bar(percent: float, width: int = 20) -> str:
    """A text bar for a percentage."""
    filled = round(width * percent / 100)
    return "█" * filled + "░" * (width - filled)


def report_text(report: ExamReport, titles: dict[str, str]) -> str:
    """The area report in Japanese with bars."""
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


class ExamReportScreen(Screen[None]):
    """Score report after a mock exam."""

    BINDINGS = [Binding("escape,enter", "app.pop_screen", "ホームへ")]

    def __init__(self, session: Session, report: ExamReport, review: list[str]) -> None:
        super().__init__()
        self.session = session
        self.report = report
        self.review = review

    def compose(self) -> ComposeResult:
        """Title and the report."""
        titles = {nid: note.title for nid, note in self.session.bank.notes.items()}
        yield Static("模擬試験の結果", classes="title", markup=False)
        with VerticalScroll():
            yield Static(report_text(self.report, titles), id="report", markup=False)
            yield Static("解答の確認", classes="title", markup=False)
            yield Static("\n".join(self.review), id="review", markup=False)
        yield Footer()
