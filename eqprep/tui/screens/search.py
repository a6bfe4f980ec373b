"""Search: type to find notes and questions (Japanese and English), Enter to open."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from eqprep.bank.search import search

if TYPE_CHECKING:
    from eqprep.tui.session import Session


class SearchScreen(Screen[None]):
    """Full-text search over the bank."""

    BINDINGS = [Binding("escape", "app.pop_screen", "戻る")]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        """Query field, result count, results."""
        yield Static("検索: ノートと問題 (空白区切りの語をすべて含むもの)", classes="title", markup=False)
        yield Input(placeholder="例: シグモイド 微分 / ReLU / 確認テスト", id="query")
        yield Static("", id="count", markup=False)
        yield OptionList(id="results")
        yield Footer()

    def on_mount(self) -> None:
        """Start typing at once."""
        self.query_one("#query", Input).focus()

    @on(Input.Changed, "#query")
    def query_changed(self, event: Input.Changed) -> None:
        """Re-run the search on every keystroke (the bank is small and in memory)."""
        hits = search(self.session.bank, event.value)
        results = self.query_one("#results", OptionList)
        results.clear_options()
        for hit in hits:
            mark = "ノート" if hit.kind == "note" else "問題"
            label = Content.assemble((f"{mark} ", "bold"), hit.title, "\n  ", (hit.snippet, "dim"))
            results.add_option(Option(label, id=f"{hit.kind}:{hit.id}"))
        shown = f"{len(hits)} 件" if event.value.strip() else ""
        self.query_one("#count", Static).update(shown if hits or not event.value.strip() else "見つかりませんでした。")

    @on(Input.Submitted, "#query")
    def query_submitted(self) -> None:
        """Enter moves to the results."""
        results = self.query_one("#results", OptionList)
        if results.option_count:
            results.highlighted = 0
            results.focus()

    @on(OptionList.OptionSelected, "#results")
    def result_selected(self, event: OptionList.OptionSelected) -> None:
        """Open the note, or ask the question."""
        kind, _, target = (event.option.id or "").partition(":")
        if kind == "note":
            from eqprep.tui.screens.notes import NotesScreen

            self.app.push_screen(NotesScreen(self.session, target))
        elif kind == "question":
            from eqprep.tui.screens.quiz import QuizScreen

            self.app.push_screen(QuizScreen(self.session, [self.session.bank.questions[target]], "検索から"))
