"""Small modal dialogs: exam date, confirmation."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from eqprep.tui.session import parse_date

if TYPE_CHECKING:
    from eqprep.tui.session import Session

EXAM_MONTHS = (2, 8)  # E資格 is held every February and August
EXAM_DAY = 20


def suggested_exam_date(today: date) -> date:
    """The next February or August sitting (20th) at least two weeks away: a sensible example date."""
    for year in (today.year, today.year + 1):
        for month in EXAM_MONTHS:
            candidate = date(year, month, EXAM_DAY)
            if candidate >= today + timedelta(days=14):
                return candidate
    return date(today.year + 1, EXAM_MONTHS[-1], EXAM_DAY)


class ExamDateScreen(ModalScreen[None]):
    """Ask for the exam date (YYYY-MM-DD) and save it for the home countdown."""

    BINDINGS = [Binding("escape", "close", "取消")]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.confirmed_past: date | None = None

    def compose(self) -> ComposeResult:
        """Prompt, field (an upcoming sitting as the example), error line."""
        current = self.session.exam_date()
        example = suggested_exam_date(self.session.today()).isoformat()
        with Vertical(classes="dialog"):
            yield Static(f"試験日を入力してください (YYYY-MM-DD、例: {example})", markup=False)
            yield Input(value=current.isoformat() if current else "", placeholder=example, id="date")
            yield Static("", id="error", classes="preview -error", markup=False)

    @on(Input.Submitted, "#date")
    def save(self, event: Input.Submitted) -> None:
        """Save, or explain what is wrong; a past date is saved only when Enter is pressed again."""
        typed = parse_date(event.value)
        if typed is not None and typed < self.session.today() and self.confirmed_past != typed:
            self.confirmed_past = typed
            self.query_one("#error", Static).update(
                f"{typed.isoformat()} は過去の日付です。このまま保存するならもう一度 Enter を押してください。")
            return
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
