"""Search: type to find notes and questions (Japanese and English), Enter to open."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from eqprep.bank.search import Hit, search, warm_up
from eqprep.tui.messages import Ask, OpenNote

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
        """Start typing at once; prepare the plain text of every note meanwhile."""
        self.query_one("#query", Input).focus()
        self.prepare()

    def on_screen_resume(self) -> None:
        """Back from a note or question: typing goes to the search box again."""
        self.query_one("#query", Input).focus()

    @work(thread=True, exclusive=True, group="search-warm", exit_on_error=False)
    def prepare(self) -> None:
        """Render notes and prompts to plain text once, so the first keystroke does not wait for it."""
        warm_up(self.session.bank)

    @on(Input.Changed, "#query")
    def query_changed(self, event: Input.Changed) -> None:
        """Search on every keystroke, off the UI thread (only the newest query's results are shown)."""
        self.run_search(event.value)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def run_search(self, query: str) -> None:
        """Find hits for `query` and hand them to the UI thread unless a newer query superseded it."""
        from textual.worker import get_current_worker

        hits = search(self.session.bank, query)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show_hits, query, hits)

    def show_hits(self, query: str, hits: list[Hit]) -> None:
        """Fill the result list: kind and title on one line, a plain-text excerpt under it."""
        if query != self.query_one("#query", Input).value:
            return
        results = self.query_one("#results", OptionList)
        results.clear_options()
        for hit in hits:
            mark = "ノート" if hit.kind == "note" else "問題"
            label = Content.assemble((f"{mark} ", "bold"), hit.title, "\n  ", (hit.snippet, "dim"))
            results.add_option(Option(label, id=f"{hit.kind}:{hit.id}"))
        shown = f"{len(hits)} 件" if query.strip() else ""
        self.query_one("#count", Static).update(shown if hits or not query.strip() else "見つかりませんでした。")

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
            self.post_message(OpenNote(target))
        elif kind == "question":
            self.post_message(Ask([self.session.bank.questions[target]], "検索から"))
