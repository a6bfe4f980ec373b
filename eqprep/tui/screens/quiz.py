"""Quiz and review: one question at a time, graded at once, rated into the FSRS scheduler."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Literal

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from eqprep.bank.model import Question
from eqprep.quiz import MULTILINE_KINDS, Item
from eqprep.render.text import cut, plain_text
from eqprep.study.errors import StoreError
from eqprep.study.present import describe_due, skip_text, summary_text
from eqprep.study.review import Answer, ReviewSession
from eqprep.study.scheduling import RATING_NAMES
from eqprep.study.service import Outcome
from eqprep.tui.messages import OpenNote
from eqprep.tui.widgets.feedback import Feedback
from eqprep.tui.widgets.hanging import Hanging
from eqprep.tui.widgets.question import CHOICE_KINDS, KIND_LABELS, SUBMIT_KEY, QuestionView
from eqprep.tui.widgets.set_view import SetView

if TYPE_CHECKING:
    from eqprep.tui.session import Session

NEXT_HINT = "Enter / n: 次へ   g: ノート   u: 取り消し   b: 明日に回す   s: 保留   Esc: 終了"
RATE_HINT = "自己評価: 1 Again / 2 Hard / 3 Good / 4 Easy"
MISSED = ("wrong", "unanswered")
UNDO_LIMIT = 50  # answers of this session that u can take back, newest first
# answering -> grading -> graded | rating (self-graded) -> saving -> graded ... -> done
QuizState = Literal["answering", "grading", "graded", "rating", "saving", "done"]


def until(due: datetime, now: datetime) -> str:
    """`10 分後` / `3 時間後` / `4 日後`: how long until a question comes back."""
    return describe_due(due, now).removeprefix("次回: ").split(" (", 1)[0]


def rate_hint(intervals: dict[int, datetime] | None, now: datetime) -> str:
    """The self-grade keys, each with when the question would come back."""
    if not intervals:
        return RATE_HINT
    names = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
    return "自己評価: " + " / ".join(f"{r} {names[r]} ({until(due, now)})" for r, due in intervals.items())


def miss_rows(answers: list[Answer], width: int = 70) -> list[tuple[str, str]]:
    """The session's misses as (number, text): question, the correct answer and the start of the explanation."""
    rows = []
    for number, answer in enumerate(answers, 1):
        item = answer.item
        lines = [cut(plain_text(item.prompt), width)]
        if answer.verdict.expected_text:
            lines.append(f"正解: {cut(plain_text(answer.verdict.expected_text), width - 6)}")
        lines.append(f"解説: {cut(plain_text(item.explanation), width - 6)}")
        rows.append((f"{number}. ", "\n".join(lines)))
    return rows


class Graded(Message):
    """A grading worker finished and, for a gradable answer, recorded it (expression answers may take SymPy)."""

    def __init__(self, answer: Answer, outcome: Outcome | None, error: str = "",
                 intervals: dict[int, datetime] | None = None) -> None:
        super().__init__()
        self.answer = answer
        self.outcome = outcome
        self.error = error
        self.intervals = intervals


class Rated(Message):
    """A self-rated answer was recorded by a worker."""

    def __init__(self, answer: Answer, rating: int, outcome: Outcome | None, error: str = "") -> None:
        super().__init__()
        self.answer = answer
        self.rating = rating
        self.outcome = outcome
        self.error = error


class Undone(Message):
    """A recorded answer was taken back by a worker (or could not be: `error`)."""

    def __init__(self, answer: Answer, outcome: Outcome, position: int, error: str = "") -> None:
        super().__init__()
        self.answer = answer
        self.outcome = outcome
        self.position = position
        self.error = error


class Set(Message):
    """A bury or suspend was stored by a worker; `text` tells the learner what happened."""

    def __init__(self, text: str, error: str = "") -> None:
        super().__init__()
        self.text = text
        self.error = error


class DerivationReady(Message):
    """The verified derivation for the question on screen is ready to show."""

    def __init__(self, item: Item, text: str) -> None:
        super().__init__()
        self.item = item
        self.text = text


class QuizScreen(Screen[None]):
    """Asks a list of questions in order; every graded answer is recorded at once, in a worker."""

    BINDINGS = [
        Binding("enter", "submit", "解答/次へ"),
        Binding("enter", "finish", "戻る"),  # the same key on the summary, where there is nothing to answer
        Binding(SUBMIT_KEY, "submit_text", "解答を送信"),
        Binding("n", "next", "次へ", show=False),
        Binding("g", "open_note", "ノート"),
        Binding("u,ctrl+z", "undo", "取消", show=False),  # ctrl+z also from inside an answer field, where u is typed
        Binding("b", "bury", "明日へ", show=False),
        Binding("s", "suspend", "保留", show=False),
        Binding("r", "retry", "ミスを再挑戦"),  # shown only at the end, when there are misses (check_action)
        Binding("escape", "leave", "終了"),
        *[Binding(str(n), f"digit({n})", show=False) for n in range(1, 10)],
    ]

    def __init__(self, session: Session, questions: list[Question], title: str) -> None:
        super().__init__()
        self.session = session
        self.review = ReviewSession(session.study, questions, session.item_seed, on_skip=self.skipped)
        self.heading = title
        self.state: QuizState = "answering"
        self.item: Item | None = None
        self.answer: Answer | None = None
        self.recorded: list[tuple[Answer, Outcome, int]] = []  # (answer, outcome, position), newest last, for undo
        self.misses: list[Answer] = []
        self.undo_from: QuizState = "answering"  # the state to return to if an undo fails

    def compose(self) -> ComposeResult:
        """Status bar, scrolling question body, footer."""
        yield Static("", id="status", markup=False)
        yield VerticalScroll(id="body")
        yield Footer()

    async def on_mount(self) -> None:
        """Show the first question."""
        await self.show_question()

    def skipped(self, question: Question, error: str) -> None:
        """A question whose content cannot be asked is skipped with a warning."""
        self.notify(skip_text(question.id, error), severity="warning", markup=False)

    # --- flow -------------------------------------------------------------------------------

    async def show_question(self) -> None:
        """Mount the next question, or the summary when the list is done."""
        body = self.query_one("#body", VerticalScroll)
        await body.remove_children()
        self.item = self.review.next_item()
        self.answer = None
        if self.item is None:
            self.state = "done"
            self.refresh_bindings()
            self.query_one("#status", Static).update(f"{self.heading} ─ 終了")
            await body.mount(Static(summary_text(self.review.summary()), id="summary", markup=False))
            if self.misses:
                await body.mount_all([
                    Static(f"間違えた問題 ({len(self.misses)} 問):", classes="misses-title", markup=False),
                    *(Hanging(head, text, classes="miss") for head, text in miss_rows(self.misses)),
                    Static("r: 間違えた問題をもう一度   u: 解答を新しい順に取り消す   Esc / Enter: 戻る",
                           classes="hint", markup=False),
                ])
            else:
                await body.mount(Static("Esc / Enter: 戻る", classes="hint", markup=False))
            body.focus()
            return
        question = self.item.question
        self.state = "answering"
        self.refresh_bindings()
        source = f" ─ {question.source}" if question.source else ""
        self.query_one("#status", Static).update(
            f"{self.heading}  {self.review.number}/{self.review.total}  "
            f"{KIND_LABELS.get(question.kind, question.kind)}{source}"
        )
        group = question.group
        view = QuestionView(self.item, id="question", show_material=group is None)
        if group is None:
            await body.mount(view)
        else:
            numbers = list(range(1, len(group.question_ids) + 1))
            await body.mount(SetView(group, numbers, group.question_ids.index(question.id), view))
        body.scroll_home(animate=False)
        self.call_after_refresh(view.focus_input)

    @property
    def view(self) -> QuestionView:
        """The question currently shown."""
        return self.query_one("#question", QuestionView)

    def action_submit_text(self) -> None:
        """ctrl+s: send a multi-line answer (Enter inside it starts a new line)."""
        if self.state == "answering":
            self.submit()

    async def action_submit(self) -> None:
        """Enter: grade the answer, or move on after feedback."""
        if self.state == "answering":
            self.submit()
        elif self.state == "graded":
            await self.action_next()

    def action_finish(self) -> None:
        """Enter on the summary: back to where the quiz was opened from."""
        self.action_leave()

    def submit(self) -> None:
        """Grade the current answer in a worker (SymPy checks and the database write must not block the UI)."""
        if self.item is None:
            return
        if self.view.kind in CHOICE_KINDS and not self.view.selected:
            self.notify("選択肢を番号キーで選んでから Enter を押してください。", severity="warning", markup=False)
            return
        self.state = "grading"
        self.view.show_preview(True, "採点中…")
        self._grade(self.item, self.view.answer_text())

    @work(thread=True, exclusive=True, group="grade", exit_on_error=False)
    def _grade(self, item: Item, text: str) -> None:
        """Grade, and record unless the learner must retype or self-rate first; post the result."""
        answer = self.review.grade(item, text)
        if answer.needs_rating:
            try:
                intervals = self.review.study.preview_due(item.question)
            except StoreError:
                intervals = None
            self.post_message(Graded(answer, None, intervals=intervals))
            return
        if answer.retry:
            self.post_message(Graded(answer, None))
            return
        try:
            self.post_message(Graded(answer, self.review.record(answer)))
        except StoreError as error:
            self.post_message(Graded(answer, None, error.message))

    @on(Graded)
    def graded(self, message: Graded) -> None:
        """Show the verdict; unreadable input asks again without recording."""
        answer = message.answer
        if answer.item is not self.item:
            return
        if answer.retry:
            self.state = "answering"
            self.view.show_preview(False, answer.verdict.message)
            self.view.focus_input()
            return
        self.answer = answer
        self.refresh_bindings()
        self.view.freeze()
        self.view.show_preview(True, "")
        if message.error:
            self.notify(message.error, severity="error", markup=False)
        now = self.session.study.clock()
        if answer.needs_rating:
            self.state = "rating"
            self.view.mount(Feedback(answer.item, answer.verdict, rate_hint(message.intervals, now)))
        else:
            outcome = message.outcome
            if outcome is not None and outcome.recorded:
                self.remember(answer, outcome)
                if answer.verdict.status in MISSED:
                    self.misses.append(answer)
            leech = outcome is not None and outcome.leech
            due = describe_due(outcome.due, now) if outcome is not None and outcome.recorded else ""
            note = "\n★ 何度も忘れている問題 (leech) です。ノートを見直しましょう。" if leech else ""
            self.state = "graded"
            self.view.mount(Feedback(answer.item, answer.verdict, f"{due}\n{NEXT_HINT}{note}".strip()))
        self.query_one("#body", VerticalScroll).focus()  # arrows, PageUp/PageDown, Home/End scroll the feedback
        self.call_after_refresh(self.query_one("#body", VerticalScroll).scroll_end, animate=False)
        if answer.item.question.derivation:
            self._derive(answer.item, answer.item.question.derivation)

    @work(thread=True, exclusive=True, group="rate", exit_on_error=False)
    def _rate(self, answer: Answer, rating: int) -> None:
        """Record a self-rated answer off the UI thread."""
        try:
            outcome = self.review.record(answer, self_rating=rating)
        except StoreError as error:
            self.post_message(Rated(answer, rating, None, error.message))
            return
        self.post_message(Rated(answer, rating, outcome))

    @on(Rated)
    async def rated(self, message: Rated) -> None:
        """Confirm the self-rating with the next review time and move on."""
        if message.error or message.outcome is None:
            self.notify(message.error, severity="error", markup=False)
        else:
            self.remember(message.answer, message.outcome)
            if message.rating == 1:
                self.misses.append(message.answer)
            due = describe_due(message.outcome.due, self.session.study.clock())
            self.notify(f"評価: {RATING_NAMES[message.rating]}  {due}  (u で取り消し)", markup=False)
        await self.show_question()

    # --- undo, bury, suspend, retry -------------------------------------------------------------

    def remember(self, answer: Answer, outcome: Outcome) -> None:
        """Keep a recorded answer for undo (the newest UNDO_LIMIT of the session)."""
        self.recorded.append((answer, outcome, self.review.position))
        del self.recorded[:-UNDO_LIMIT]

    def action_undo(self) -> None:
        """Take back the newest recorded answer not yet taken back and ask that question again; repeated u
        presses go back answer by answer, each restoring that question's card as it was before."""
        if self.state in ("grading", "saving"):
            return
        if not self.recorded:
            self.notify("取り消せる解答はありません。", markup=False)
            return
        answer, outcome, position = self.recorded.pop()
        self.undo_from, self.state = self.state, "saving"
        self._undo(answer, outcome, position)

    @work(thread=True, exclusive=True, group="undo", exit_on_error=False)
    def _undo(self, answer: Answer, outcome: Outcome, position: int) -> None:
        """Delete the answer and restore its card off the UI thread."""
        try:
            self.review.study.undo(outcome)
        except StoreError as error:
            self.post_message(Undone(answer, outcome, position, error.message))
            return
        self.post_message(Undone(answer, outcome, position))

    @on(Undone)
    async def undone(self, message: Undone) -> None:
        """Ask the question again, as if the answer had never been given."""
        if message.error:
            self.notify(message.error, severity="error", markup=False)
            self.recorded.append((message.answer, message.outcome, message.position))
            self.state = self.undo_from
            return
        status = message.answer.verdict.status
        self.review.results[status] = max(self.review.results[status] - 1, 0)
        self.misses = [a for a in self.misses if a is not message.answer]
        self.review.position = message.position - 1
        left = f" (あと {len(self.recorded)} 件取り消せます)" if self.recorded else ""
        self.notify(f"解答を取り消しました{left}。もう一度どうぞ。", markup=False)
        await self.show_question()

    def action_bury(self) -> None:
        """Put the question on screen off until tomorrow and move on."""
        if self.item is not None and self.state in ("answering", "graded"):
            self.state = "saving"
            self._set(self.item.question, "bury")

    def action_suspend(self) -> None:
        """Suspend the question on screen (review sessions skip it) and move on."""
        if self.item is not None and self.state in ("answering", "graded"):
            self.state = "saving"
            self._set(self.item.question, "suspend")

    @work(thread=True, exclusive=True, group="set", exit_on_error=False)
    def _set(self, question: Question, what: str) -> None:
        """Store a bury or suspend off the UI thread."""
        try:
            if what == "bury":
                self.review.study.bury(question)
                text = "この問題は明日に回しました。"
            else:
                self.review.study.suspend(question)
                text = "この問題を保留にしました (復習に出しません)。"
        except StoreError as error:
            self.post_message(Set("", error.message))
            return
        self.post_message(Set(text))

    @on(Set)
    async def was_set(self, message: Set) -> None:
        """Tell the learner and go on to the next question."""
        self.notify(message.error or message.text, severity="error" if message.error else "information",
                    markup=False)
        await self.show_question()

    def action_retry(self) -> None:
        """At the end: ask the questions missed in this session again."""
        if self.state == "done" and self.misses:
            by_id = {a.item.question.id: a.item.question for a in self.misses}  # each missed question once
            questions = list(by_id.values())
            self.app.switch_screen(QuizScreen(self.session, questions, "間違えた問題をもう一度"))

    @work(thread=True, exclusive=True, group="derive", exit_on_error=False)
    def _derive(self, item: Item, derivation_id: str) -> None:
        """Verify the derivation with SymPy off the UI thread."""
        from eqprep.tui.derivation import derivation_text

        self.post_message(DerivationReady(item, derivation_text(derivation_id, self.session.derivations())))

    @on(DerivationReady)
    def derivation_ready(self, message: DerivationReady) -> None:
        """Show the checked steps under the explanation."""
        if message.item is self.item:
            for target in self.query(".derivation").results(Static):
                target.update(message.text)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Which keys the footer offers: 'ノート' dimmed until the question is answered, Enter as 戻る on the
        summary, ctrl+s only while writing a multi-line answer, r only when there are misses to retry."""
        done = self.state == "done"
        if action == "open_note":
            return None if self.state in ("answering", "grading") else not done
        if action == "retry":
            return done and bool(self.misses)
        if action == "finish" or (action == "submit" and done):
            return action == "finish" and done
        if action in ("submit", "submit_text"):  # a multi-line answer: Enter breaks the line, ctrl+s sends it
            writing = self.state == "answering" and self.item is not None and self.item.question.kind in MULTILINE_KINDS
            return writing if action == "submit_text" else not writing
        return True

    async def action_digit(self, number: int) -> None:
        """Number keys: pick an option, or self-rate after the reveal."""
        if self.state == "answering":
            self.view.toggle(number)
        elif self.state == "rating" and 1 <= number <= 4 and self.answer is not None:
            self.state = "saving"
            self._rate(self.answer, number)

    async def action_next(self) -> None:
        """Go to the next question once this one is graded."""
        if self.state == "graded":
            await self.show_question()

    def action_open_note(self) -> None:
        """Open the note this question belongs to (check_action enables it only after answering)."""
        if self.item is not None:
            self.post_message(OpenNote(self.item.question.note_id))

    def action_leave(self) -> None:
        """Back to where the session was started from."""
        self.app.pop_screen()

    @on(Input.Submitted)
    async def input_submitted(self, event: Input.Submitted) -> None:
        """Enter inside the answer field."""
        event.stop()
        await self.action_submit()
