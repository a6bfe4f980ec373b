"""Mock exam: set-up dialog, timed paper with navigator and flags, grading in a worker, area report."""

from __future__ import annotations

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
from eqprep.quiz import Item
from eqprep.render.text import duration_text
from eqprep.study.errors import StoreError
from eqprep.study.exam import default_minutes
from eqprep.study.exam_session import ExamResult, ExamSession
from eqprep.study.present import answer_review_lines, exam_report_text, skip_text
from eqprep.tui.screens.dialogs import ConfirmScreen
from eqprep.tui.widgets.question import KIND_LABELS, QuestionView
from eqprep.tui.widgets.set_view import SetView

if TYPE_CHECKING:
    from eqprep.tui.session import Session

DEFAULT_COUNT = 30
NAV_WINDOW = 16
EXAM_HINT = "番号キーで選択 (Enter / PageDown で次の問題)"
MAX_COUNT = 200


def parse_count(text: str) -> int | str:
    """Number of exam questions from the dialog, or a Japanese error."""
    text = text.strip()
    if not text.isdigit() or not 1 <= int(text) <= MAX_COUNT:
        return f"1〜{MAX_COUNT} の整数で入力してください。"
    return int(text)


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
            yield Static(f"制限時間 {duration_text(default_minutes(DEFAULT_COUNT) * 60)}", id="minutes", classes="hint",
                         markup=False)

    @on(Input.Changed, "#count")
    def count_changed(self, event: Input.Changed) -> None:
        """Show the time limit or the problem with the input."""
        count = parse_count(event.value)
        shown = count if isinstance(count, str) else f"制限時間 {duration_text(default_minutes(count) * 60)}"
        label = self.query_one("#minutes", Static)
        label.update(shown)
        label.set_class(isinstance(count, str), "-error")

    @on(Input.Submitted, "#count")
    def start(self, event: Input.Submitted) -> None:
        """Assemble the paper and start the exam."""
        count = parse_count(event.value)
        if isinstance(count, str):
            return
        exam = ExamSession.create(self.session.study, count, self.session.config.seed, self.session.item_seed,
                                  on_skip=self.skipped)
        if not exam.items:
            self.query_one("#minutes", Static).update("出題できる問題がありません。")
            return
        self.dismiss(None)
        self.app.push_screen(ExamScreen(self.session, exam))

    def skipped(self, question: Question, error: str) -> None:
        """A question whose content cannot be asked is left off the paper with a warning."""
        self.notify(skip_text(question.id, error), severity="warning", markup=False)

    def action_close(self) -> None:
        """Cancel."""
        self.dismiss(None)


class ExamGraded(Message):
    """The worker graded and recorded the paper (or the database failed: `error`)."""

    def __init__(self, result: ExamResult | None, error: str = "") -> None:
        super().__init__()
        self.result = result
        self.error = error


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

    def __init__(self, session: Session, exam: ExamSession) -> None:
        super().__init__()
        self.session = session
        self.exam = exam
        self.flags: set[int] = set()
        self.index = 0
        self.closed = False

    @property
    def items(self) -> list[Item]:
        """The paper."""
        return self.exam.items

    @property
    def answers(self) -> list[str]:
        """What is typed or selected for each question so far."""
        return self.exam.texts

    def compose(self) -> ComposeResult:
        """Status with timer, navigator, question, footer."""
        yield Static("", id="status", markup=False)
        yield Static("", id="navigator")
        yield VerticalScroll(id="body")
        yield Footer()

    async def on_mount(self) -> None:
        """Exam row written in a worker, first question, and the one-second timer."""
        self._begin()
        await self.show(0)
        self.set_interval(1.0, self.tick)

    @work(thread=True, group="exam-begin", exit_on_error=False)
    def _begin(self) -> None:
        """Create the exam row off the UI thread (closing the paper creates it if this has not yet)."""
        try:
            self.exam.begin()
        except StoreError as error:
            self.app.call_from_thread(self.notify, error.message, severity="error", markup=False)

    def tick(self) -> None:
        """Update the clock; submit automatically when time is up."""
        if self.closed:
            return
        if self.exam.time_up():
            self.notify("時間切れです。採点します。", markup=False)
            self.grade_all()
            return
        self.update_status()

    def update_status(self) -> None:
        """Status line and navigator cells (◯ answered, ⚑ flagged, [n] current)."""
        done = self.exam.answered
        kind = KIND_LABELS.get(self.items[self.index].question.kind, "")
        self.query_one("#status", Static).update(
            f"模擬試験  {self.index + 1}/{len(self.items)} {kind}  残り {clock_text(self.exam.left_seconds())}"
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
            self.exam.set_answer(self.index, view.answer_text())

    async def show(self, index: int) -> None:
        """Switch to question `index`, restoring its saved answer."""
        self.save()
        self.index = index
        self.exam.visit(index)
        body = self.query_one("#body", VerticalScroll)
        await body.remove_children()
        item = self.items[index]
        view = QuestionView(item, choice_hint=EXAM_HINT, id="question", show_material=item.question.group is None)
        group = item.question.group
        if group is None:
            await body.mount(view)
        else:
            members = [n for n, other in enumerate(self.items) if other.question.group is group]
            answered = {n + 1 for n in members if self.answers[n].strip()}
            await body.mount(SetView(group, [n + 1 for n in members], members.index(index), view, answered))
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
        """Close the paper and grade and record it in a worker."""
        if self.closed:
            return
        self.save()
        self.closed = True
        self.query_one("#status", Static).update("採点中…")
        self._finish()

    @work(thread=True, exclusive=True, group="exam", exit_on_error=False)
    def _finish(self) -> None:
        """Grade every answer (formula answers may need SymPy), record them and store the report."""
        try:
            self.post_message(ExamGraded(self.exam.finish()))
        except StoreError as error:
            self.post_message(ExamGraded(None, error.message))

    @on(ExamGraded)
    def exam_graded(self, message: ExamGraded) -> None:
        """Show the report (mistakes are already in the review queue)."""
        if message.result is None:
            self.notify(message.error, severity="error", markup=False)
            return
        self.app.switch_screen(ExamReportScreen(self.session, message.result))

    def action_abandon(self) -> None:
        """Leave without grading (after confirmation)."""
        self.app.push_screen(ConfirmScreen("採点せずに模擬試験をやめますか? (解答は記録されません)"),
                             lambda yes: self.app.pop_screen() if yes else None)


class ExamReportScreen(Screen[None]):
    """Score report after a mock exam."""

    BINDINGS = [Binding("escape,enter", "app.pop_screen", "ホームへ")]

    def __init__(self, session: Session, result: ExamResult) -> None:
        super().__init__()
        self.session = session
        self.result = result
        self.report = result.report

    def compose(self) -> ComposeResult:
        """Title and the report."""
        titles = {nid: note.title for nid, note in self.session.bank.notes.items()}
        yield Static("模擬試験の結果", classes="title", markup=False)
        with VerticalScroll():
            yield Static(exam_report_text(self.report, titles), id="report", markup=False)
            yield Static("解答の確認", classes="title", markup=False)
            review = answer_review_lines(self.result.items, self.result.verdicts)
            yield Static("\n".join(review), id="review", markup=False)
        yield Footer()
