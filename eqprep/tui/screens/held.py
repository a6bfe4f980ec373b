"""Suspended and buried questions: listed with their prompt, Enter brings one back into reviews."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from eqprep.study.errors import StoreError
from eqprep.study.present import set_aside_line

if TYPE_CHECKING:
    from eqprep.tui.session import Session

EMPTY = "保留中の問題も、明日に回した問題もありません (問題の画面で s 保留、b 明日に回す)。"


class Listed(Message):
    """The worker read the held questions: (question id, line) pairs, and a message if one was restored."""

    def __init__(self, lines: list[tuple[str, str]], done: str = "", error: str = "") -> None:
        super().__init__()
        self.lines = lines
        self.done = done
        self.error = error


class HeldScreen(Screen[None]):
    """Questions kept out of reviews (suspended with s, buried with b) and a key to restore each."""

    BINDINGS = [
        Binding("r", "restore", "復習に戻す"),
        Binding("escape", "app.pop_screen", "戻る"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        """Title, count, the list."""
        yield Static("保留・明日に回した問題 (r か Enter で復習に戻す)", classes="title", markup=False)
        yield Static("読み込み中…", id="held-count", markup=False)
        yield OptionList(id="held")
        yield Footer()

    def on_mount(self) -> None:
        """Read the list off the UI thread."""
        self.query_one("#held", OptionList).focus()
        self._load("")

    @work(thread=True, exclusive=True, group="held", exit_on_error=False)
    def _load(self, restore: str) -> None:
        """Restore `restore` (if given), then read the list; both touch the database, so not on the UI thread."""
        study = self.session.study
        try:
            done = ""
            if restore and study.restore(restore):
                done = f"{restore} を復習に戻しました。"
            lines = [(entry.question_id, set_aside_line(study, entry)) for entry in study.set_aside()]
        except StoreError as error:
            self.post_message(Listed([], error=error.message))
            return
        self.post_message(Listed(lines, done))

    @on(Listed)
    def listed(self, message: Listed) -> None:
        """Show the list (keeping the cursor near where it was) and what happened."""
        if message.error:
            self.notify(message.error, severity="error", markup=False)
            return
        if message.done:
            self.notify(message.done, markup=False)
        held = self.query_one("#held", OptionList)
        where = held.highlighted or 0
        held.clear_options()
        held.add_options([Option(Content(line), id=question_id) for question_id, line in message.lines])
        if message.lines:
            held.highlighted = min(where, len(message.lines) - 1)
        count = f"{len(message.lines)} 問" if message.lines else EMPTY
        self.query_one("#held-count", Static).update(count)

    def action_restore(self) -> None:
        """Bring the highlighted question back into reviews."""
        held = self.query_one("#held", OptionList)
        if held.highlighted is None:
            return
        option = held.get_option_at_index(held.highlighted)
        if option.id:
            self._load(option.id)

    @on(OptionList.OptionSelected, "#held")
    def selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a line (OptionList consumes Enter itself)."""
        event.stop()
        if event.option.id:
            self._load(event.option.id)
