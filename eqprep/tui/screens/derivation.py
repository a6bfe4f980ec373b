"""One verified derivation, step by step with reasons (SymPy checks it in a worker)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static

if TYPE_CHECKING:
    from eqprep.tui.session import Session


class DerivationChecked(Message):
    """The worker finished verifying; `text` is ready to show."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class DerivationScreen(Screen[None]):
    """Shows a derivation from content/derivations with a check mark per step."""

    BINDINGS = [Binding("escape", "app.pop_screen", "戻る")]

    def __init__(self, session: Session, derivation_id: str) -> None:
        super().__init__()
        self.session = session
        self.derivation_id = derivation_id

    def compose(self) -> ComposeResult:
        """Placeholder until SymPy has checked every step."""
        with VerticalScroll(id="derivation-scroll"):
            yield Static("導出を SymPy で検証中…", id="derivation", classes="derivation", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        """Start the check."""
        self._verify()

    @work(thread=True, exclusive=True, group="derive", exit_on_error=False)
    def _verify(self) -> None:
        """Verify off the UI thread."""
        from eqprep.tui.derivation import derivation_text

        self.post_message(DerivationChecked(derivation_text(self.derivation_id, self.session.derivations())))

    @on(DerivationChecked)
    def derivation_checked(self, message: DerivationChecked) -> None:
        """Show the checked steps."""
        self.query_one("#derivation", Static).update(message.text)
