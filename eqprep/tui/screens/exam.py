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
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from eqprep.bank.model import Question
from eqprep.quiz import Item
from eqprep.render.text import cut, duration_text, plain_text, short_title
from eqprep.study.errors import StoreError
from eqprep.study.exam import default_minutes
from eqprep.study.exam_session import ExamResult, ExamSession
from eqprep.study.present import MARKS, exam_report_text, skip_text
from eqprep.tui.messages import Ask, OpenNote, ShowScreen
from eqprep.tui.screens.dialogs import ConfirmScreen
from eqprep.tui.widgets.feedback import Feedback
from eqprep.tui.widgets.hanging import Hanging
from eqprep.tui.widgets.question import CHOICE_KINDS, KIND_LABELS, QuestionView, live_feedback
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
        self.app.post_message(ShowScreen(ExamScreen(self.session, exam)))

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
        # Priority like the moves: a digit typed just before pagedown must not be overtaken by it and land on the
        # next question. check_action lets digits through to a text field when the question has one.
        *[Binding(str(n), f"digit({n})", show=False, priority=True) for n in range(1, 10)],
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

    def readable(self, index: int) -> bool:
        """A non-blank answer that can be read (an unreadable one, with its error showing, is not answered)."""
        text = self.answers[index]
        return bool(text.strip()) and live_feedback(self.items[index], text)[0]

    def answered_count(self) -> tuple[int, int]:
        """(readable answers, unreadable non-blank answers) so far."""
        readable = sum(1 for i in range(len(self.items)) if self.readable(i))
        unreadable = sum(1 for i, text in enumerate(self.answers) if text.strip() and not self.readable(i))
        return readable, unreadable

    def compose(self) -> ComposeResult:
        """Status with timer, navigator, question, footer."""
        yield Static("", id="status", markup=False)
        yield Static("", id="navigator")
        yield VerticalScroll(id="body")
        yield Footer(compact=True)  # seven keys and the palette fit 80 columns

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
        """Status line and navigator cells (◯ answered, ? unreadable, ⚑ flagged, [n] current)."""
        done, _ = self.answered_count()
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
            readable = self.readable(number)
            mark = "⚑" if number in self.flags else ("◯" if readable else "?" if answer.strip() else "·")
            style = "reverse bold" if number == self.index else ("bold" if readable else "dim")
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
            answered = {n + 1 for n in members if self.readable(n)}
            await body.mount(SetView(group, [n + 1 for n in members], members.index(index), view, answered))
        view.set_answer(self.answers[index])
        self.update_status()
        self.call_after_refresh(view.focus_input)

    async def action_move(self, step: int) -> None:
        """Next / previous question (wraps around)."""
        if not self.closed:
            await self.show((self.index + step) % len(self.items))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Digits pick options only on a choice question; elsewhere they are typed into the answer field."""
        if action == "digit":
            return self.items[self.index].question.kind in CHOICE_KINDS
        return True

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
        done, unreadable = self.answered_count()
        blank = len(self.items) - done
        extra = f" (うち読めない解答 {unreadable} 問は不正解になります)" if unreadable else ""
        question = f"提出して採点しますか? 未解答 {blank} 問{extra}、フラグ {len(self.flags)} 問。"
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
        self.app.switch_screen(ExamReportScreen(self.session, message.result, self.flags))

    def action_abandon(self) -> None:
        """Leave without grading (after confirmation)."""
        self.app.push_screen(ConfirmScreen("採点せずに模擬試験をやめますか? (解答は記録されません)"), self.abandoned)

    def abandoned(self, yes: bool | None) -> None:
        """Leave the paper when the learner confirmed."""
        if yes:
            self.app.pop_screen()


class ExamReportScreen(Screen[None]):
    """Score report after a mock exam, then every question (小問) with a mark; Enter opens its review."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "ホームへ"),
        Binding("w", "show('wrong')", "誤答のみ"),
        Binding("f", "show('flagged')", "フラグのみ"),
        Binding("a", "show('all')", "すべて"),
    ]

    def __init__(self, session: Session, result: ExamResult, flags: set[int] | None = None) -> None:
        super().__init__()
        self.session = session
        self.result = result
        self.report = result.report
        self.flags = set(flags or ())
        self.filter = "all"

    def compose(self) -> ComposeResult:
        """The report by area, then the question list."""
        titles = {nid: short_title(note.title) for nid, note in self.session.bank.notes.items()}
        yield Static("模擬試験の結果", classes="title", markup=False)
        with VerticalScroll(id="report-scroll"):
            yield Static(exam_report_text(self.report, titles), id="report", markup=False)
            yield Static("", id="review-title", classes="title", markup=False)
            yield OptionList(id="review")
        yield Footer()

    def on_mount(self) -> None:
        """Fill the list and put the cursor on it."""
        self.fill()
        self.query_one("#review", OptionList).focus()

    def rows(self) -> list[int]:
        """Question indices under the current filter."""
        verdicts = self.result.verdicts
        if self.filter == "wrong":
            return [i for i, v in enumerate(verdicts) if v.status != "correct"]
        if self.filter == "flagged":
            return sorted(self.flags)
        return list(range(len(verdicts)))

    def fill(self) -> None:
        """One line per question: number, mark, flag, source/topic and the start of the prompt."""
        names = {"all": "すべて", "wrong": "誤答・未解答", "flagged": "フラグ"}
        shown = self.rows()
        self.query_one("#review-title", Static).update(
            f"解答の確認 ({names[self.filter]} {len(shown)} 問) ─ Enter で開く、w 誤答 / f フラグ / a すべて")
        review = self.query_one("#review", OptionList)
        review.clear_options()
        snippet = max(40, self.app.size.width - 24)  # 56 cells at 80 columns, more where there is room
        for index in shown:
            item, verdict = self.result.items[index], self.result.verdicts[index]
            flag = "⚑" if index in self.flags else " "
            group = "大問 " if item.question.group is not None else ""  # a 小問 of a set: reviewed on its own
            label = f"{index + 1:>3} {MARKS.get(verdict.status, '?')}{flag} {group}{cut(plain_text(item.prompt), snippet)}"
            review.add_option(Option(label, id=str(index)))
        if review.option_count:
            review.highlighted = 0

    def action_show(self, which: str) -> None:
        """Switch the filter."""
        self.filter = which
        self.fill()

    @on(OptionList.OptionSelected, "#review")
    def open_answer(self, event: OptionList.OptionSelected) -> None:
        """Open one question's review."""
        index = int(event.option.id or 0)
        self.post_message(ShowScreen(ExamAnswerScreen(self.session, self.result, index)))


class ExamAnswerScreen(Screen[None]):
    """One exam question after grading: the prompt, the learner's answer, the correct one and the explanation."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "一覧へ"),
        Binding("q", "practice", "この問題を解く"),
        Binding("g", "open_note", "ノート"),
    ]

    def __init__(self, session: Session, result: ExamResult, index: int) -> None:
        super().__init__()
        self.session = session
        self.item = result.items[index]
        self.text = result.texts[index]
        self.verdict = result.verdicts[index]
        self.index = index

    def compose(self) -> ComposeResult:
        """Question, then the learner's answer and the feedback panel."""
        question = self.item.question
        source = f" ─ {question.source}" if question.source else ""
        yield Static(f"問 {self.index + 1}  {KIND_LABELS.get(question.kind, question.kind)}{source}", id="status",
                     markup=False)
        with VerticalScroll(id="body"):
            view = QuestionView(self.item, choice_hint="", id="question")
            yield view
            if "あなたの解答" not in self.verdict.message:  # choice feedback already echoes it
                yield Hanging("あなたの解答: ", self.shown_answer(), classes="expected")
            yield Feedback(self.item, self.verdict, "q: この問題をもう一度解く   g: ノート   Esc: 一覧へ")
        yield Footer()

    def shown_answer(self) -> str:
        """The learner's answer as they saw it (options by number and text)."""
        if not self.text.strip():
            return "(未解答)"
        choices = self.item.choices
        numbers = [int(t) for t in self.text.split(",") if t.strip().isdigit() and 0 < int(t) <= len(choices)]
        if choices and numbers:
            return " / ".join(f"{n}. {plain_text(choices[n - 1])}" for n in numbers)
        return self.text

    def on_mount(self) -> None:
        """Show the saved answer in the question and scroll by keys."""
        view = self.query_one("#question", QuestionView)
        view.set_answer(self.text)
        view.freeze()
        self.query_one("#body", VerticalScroll).focus()

    def action_practice(self) -> None:
        """Ask this question now as a normal (recorded) drill."""
        self.post_message(Ask([self.item.question], "模擬試験の復習"))

    def action_open_note(self) -> None:
        """Open the question's note."""
        self.post_message(OpenNote(self.item.question.note_id))
