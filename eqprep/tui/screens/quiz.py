"""Quiz and review: one question at a time, graded at once, rated into the FSRS scheduler."""

from __future__ import annotations

import time
from collections import Counter
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from eqprep.bank.model import Question
from eqprep.quiz import Item, Verdict, grade, make_item
from eqprep.study.scheduling import RATING_NAMES
from eqprep.tui.widgets.feedback import Feedback
from eqprep.tui.widgets.question import CHOICE_KINDS, KIND_LABELS, QuestionView

if TYPE_CHECKING:
    from eqprep.tui.session import Session

NEXT_HINT = "Enter / n: 次へ   g: ノートを開く   Esc: 終了"
RATE_HINT = "自己評価: 1 Again / 2 Hard / 3 Good / 4 Easy"


class Graded(Message):
    """A grading worker finished (expression answers may take a SymPy round-trip)."""

    def __init__(self, item: Item, text: str, verdict: Verdict) -> None:
        super().__init__()
        self.item = item
        self.text = text
        self.verdict = verdict


class DerivationReady(Message):
    """The verified derivation for the question on screen is ready to show."""

    def __init__(self, item: Item, text: str) -> None:
        super().__init__()
        self.item = item
        self.text = text


def safe_grade(item: Item, text: str) -> Verdict:
    """grade(), but an unexpected checker failure asks the learner to retry instead of hanging the screen."""
    try:
        return grade(item, text)
    except Exception as error:  # the learner must see a message, never a stuck screen or a traceback
        return Verdict("invalid", f"採点中にエラーが起きました。入力を変えてもう一度どうぞ ({error})", "")


def session_summary(results: Counter[str], total: int) -> str:
    """Japanese end-of-session summary line."""
    done = sum(results.values())
    parts = [f"{done}/{total} 問に解答", f"正解 {results['correct']}", f"不正解 {results['wrong']}"]
    if results["self"]:
        parts.append(f"自己採点 {results['self']}")
    if results["undecided"]:
        parts.append(f"判定不能 {results['undecided']}")
    return "お疲れさまでした。" + "、".join(parts) + "。"


class QuizScreen(Screen[None]):
    """Asks a list of questions in order; every graded answer is recorded immediately."""

    BINDINGS = [
        Binding("enter", "submit", "解答/次へ"),
        Binding("n", "next", "次へ", show=False),
        Binding("g", "open_note", "ノート"),
        Binding("escape", "leave", "終了"),
        *[Binding(str(n), f"digit({n})", show=False) for n in range(1, 10)],
    ]

    def __init__(self, session: Session, questions: list[Question], title: str) -> None:
        super().__init__()
        self.session = session
        self.questions = questions
        self.heading = title
        self.index = 0
        self.state = "answering"  # answering -> grading -> graded | rating -> done
        self.item: Item | None = None
        self.verdict: Verdict | None = None
        self.answer = ""
        self.started = time.monotonic()
        self.results: Counter[str] = Counter()

    def compose(self) -> ComposeResult:
        """Status bar, scrolling question body, footer."""
        yield Static("", id="status", markup=False)
        yield VerticalScroll(id="body")
        yield Footer()

    async def on_mount(self) -> None:
        """Show the first question."""
        await self.show_question()

    # --- flow -------------------------------------------------------------------------------

    async def show_question(self) -> None:
        """Mount the current question, or the summary when the list is done."""
        body = self.query_one("#body", VerticalScroll)
        await body.remove_children()
        if self.index >= len(self.questions):
            self.state = "done"
            self.query_one("#status", Static).update(f"{self.heading} ─ 終了")
            await body.mount(Static(session_summary(self.results, len(self.questions)) + "\n\nEsc / Enter: 戻る",
                              id="summary", markup=False))
            return
        question = self.questions[self.index]
        self.item = make_item(question, seed=self.session.item_seed())
        self.verdict = None
        self.state = "answering"
        self.refresh_bindings()
        source = f" ─ {question.source}" if question.source else ""
        self.query_one("#status", Static).update(
            f"{self.heading}  {self.index + 1}/{len(self.questions)}  {KIND_LABELS.get(question.kind, question.kind)}{source}"
        )
        view = QuestionView(self.item, id="question")
        await body.mount(view)
        body.scroll_home(animate=False)
        self.started = time.monotonic()
        self.call_after_refresh(view.focus_input)

    @property
    def view(self) -> QuestionView:
        """The question currently shown."""
        return self.query_one("#question", QuestionView)

    async def action_submit(self) -> None:
        """Enter: grade the answer, or move on after feedback."""
        if self.state == "answering":
            self.submit()
        elif self.state == "graded":
            await self.action_next()
        elif self.state == "done":
            self.action_leave()

    def submit(self) -> None:
        """Grade the current answer in a worker (SymPy checks must not block the UI)."""
        if self.item is None:
            return
        if self.view.kind in CHOICE_KINDS and not self.view.selected:
            self.notify("選択肢を番号キーで選んでから Enter を押してください。", severity="warning", markup=False)
            return
        self.state = "grading"
        self.answer = self.view.answer_text()
        self.view.show_preview(True, "採点中…")
        self._grade(self.item, self.answer)

    @work(thread=True, exclusive=True, group="grade", exit_on_error=False)
    def _grade(self, item: Item, text: str) -> None:
        """Grade off the UI thread and post the verdict (a checker crash becomes a retryable message)."""
        self.post_message(Graded(item, text, safe_grade(item, text)))

    @on(Graded)
    def graded(self, message: Graded) -> None:
        """Record and show the verdict; unreadable input asks again without recording."""
        if message.item is not self.item:
            return
        verdict = message.verdict
        if verdict.status == "invalid":
            self.state = "answering"
            self.view.show_preview(False, verdict.message)
            self.view.focus_input()
            return
        self.verdict = verdict
        self.refresh_bindings()
        self.view.freeze()
        self.view.show_preview(True, "")
        if verdict.status == "self":
            self.state = "rating"
            self.view.mount(Feedback(message.item, verdict, RATE_HINT))
        else:
            outcome = self.session.study.record(message.item, verdict, message.text, self.elapsed_ms())
            self.results[verdict.status] += 1
            note = "  ★ 何度も忘れている問題 (leech) です。ノートを見直しましょう。" if outcome.leech else ""
            self.state = "graded"
            self.view.mount(Feedback(message.item, verdict, NEXT_HINT + note))
        self.set_focus(None)
        self.call_after_refresh(self.query_one("#body", VerticalScroll).scroll_end, animate=False)
        if message.item.question.derivation:
            self._derive(message.item, message.item.question.derivation)

    @work(thread=True, exclusive=True, group="derive", exit_on_error=False)
    def _derive(self, item: Item, derivation_id: str) -> None:
        """Verify the derivation with SymPy off the UI thread."""
        from eqprep.tui.derivation import derivation_text

        self.post_message(DerivationReady(item, derivation_text(derivation_id, self.session.bank.root)))

    @on(DerivationReady)
    def derivation_ready(self, message: DerivationReady) -> None:
        """Show the checked steps under the explanation."""
        if message.item is self.item:
            for target in self.query(".derivation").results(Static):
                target.update(message.text)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Dim 'ノート' in the footer (and keep 'g' from running) until the question is answered."""
        if action == "open_note" and self.state in ("answering", "grading"):
            return None
        return True

    def elapsed_ms(self) -> int:
        """Time since the question appeared."""
        return int((time.monotonic() - self.started) * 1000)

    async def action_digit(self, number: int) -> None:
        """Number keys: pick an option, or self-rate after the reveal."""
        if self.state == "answering":
            self.view.toggle(number)
        elif self.state == "rating" and 1 <= number <= 4 and self.item and self.verdict:
            self.session.study.record(self.item, self.verdict, self.answer, self.elapsed_ms(), self_rating=number)
            self.results["self"] += 1
            self.notify(f"評価: {RATING_NAMES[number]}", markup=False)
            self.index += 1
            await self.show_question()

    async def action_next(self) -> None:
        """Go to the next question once this one is graded."""
        if self.state == "graded":
            self.index += 1
            await self.show_question()

    def action_open_note(self) -> None:
        """Open the note this question belongs to (check_action enables it only after answering)."""
        if self.item is None:
            return
        from eqprep.tui.screens.notes import NotesScreen

        self.app.push_screen(NotesScreen(self.session, self.item.question.note_id))

    def action_leave(self) -> None:
        """Back to where the session was started from."""
        self.app.pop_screen()

    @on(Input.Submitted)
    async def input_submitted(self, event: Input.Submitted) -> None:
        """Enter inside the answer field."""
        event.stop()
        await self.action_submit()
