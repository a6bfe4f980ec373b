"""Small modal dialogs: exam date, confirmation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

if TYPE_CHECKING:
    from eqprep.tui.session import Session


class ExamDateScreen(ModalScreen[None]):
    """Ask for the exam date (YYYY-MM-DD) and save it for the home countdown."""

    BINDINGS = [Binding("escape", "close", "取消")]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        """Prompt, field, error line."""
        current = self.session.exam_date()
        with Vertical(classes="dialog"):
            yield Static("試験日を入力してください (YYYY-MM-DD)", markup=False)
            yield Input(value=current.isoformat() if current else "", placeholder="2026-02-21", id="date")
            yield Static("", id="error", classes="preview -error", markup=False)

    @on(Input.Submitted, "#date")
    def save(self, event: Input.Submitted) -> None:
        """Save, or explain what is wrong."""
        problem = self.session.set_exam_date(event.value)
        if problem:
            self.query_one("#error", Static).update(problem)
            return
        self.dismiss(None)

    def action_close(self) -> None:
        """Leave without saving."""
        self.dismiss(None)


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question answered with y / n (or Enter / Esc)."""

    BINDINGS = [
        Binding("y,enter", "answer(True)", "はい"),
        Binding("n,escape", "answer(False)", "いいえ"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        """The question and the keys."""
        with Vertical(classes="dialog"):
            yield Static(self.question, markup=False)
            yield Static("y / Enter: はい    n / Esc: いいえ", classes="hint", markup=False)

    def action_answer(self, value: bool) -> None:
        """Close with the answer."""
        self.dismiss(value)
