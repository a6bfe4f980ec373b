"""Derivation workbench: type a derivation one line per step and see every step checked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, Static, TextArea

from eqprep.tui.derivation import check_text

if TYPE_CHECKING:
    from eqprep.tui.session import Session

EXAMPLE = "(x + y)^2\n= x^2 + 2*x*y + y^2"
HELP = ("1 行に 1 ステップ。2 行目からは '= ...' で続けます。ctrl+r で検査。"
        "微分は d/du f(u)、diff(f, u)、f'(u) と書けます。")
NAMES_HINT = "↑ 変数と関数の欄は編集できます (Tab で移動、カンマ区切り。sigmoid, exp などは組み込み)。"


@dataclass
class Draft:
    """The workbench text for one derivation, kept while the app runs."""

    lines: str = EXAMPLE
    variables: str = "x, y"
    functions: str = ""


# Drafts per app (so separate app runs, e.g. tests, never share work), then per derivation key.
_DRAFTS: WeakKeyDictionary[App[object], dict[str, Draft]] = WeakKeyDictionary()


def drafts(app: App[object]) -> dict[str, Draft]:
    """The drafts kept for this running app."""
    return _DRAFTS.setdefault(app, {})


def split_names(text: str) -> list[str]:
    """Names from 'x, y z' (commas or spaces)."""
    return [name for name in text.replace("、", ",").replace(",", " ").split() if name]


class StepsChecked(Message):
    """The step checker finished; `text` has one mark per line."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class WorkbenchScreen(Screen[None]):
    """Free-form derivation practice; each line is checked against the previous one (in a worker)."""

    BINDINGS = [
        Binding("ctrl+r", "check", "検査", priority=True),
        Binding("escape", "app.pop_screen", "戻る"),
    ]

    def __init__(self, session: Session, derivation: str = "free") -> None:
        super().__init__()
        self.session = session
        self.derivation = derivation

    @property
    def draft(self) -> Draft:
        """This derivation's kept work (created on first use)."""
        return drafts(self.app).setdefault(self.derivation, Draft())

    def compose(self) -> ComposeResult:
        """Variables, functions, the lines, the results."""
        draft = self.draft
        title = "導出ワークベンチ" + ("" if self.derivation == "free" else f" ({self.derivation})")
        yield Static(f"{title}: {HELP}", classes="title", markup=False)
        with Horizontal(id="names"):
            yield Static("変数", classes="label", markup=False)
            yield Input(value=draft.variables, placeholder="例: x, y, u", id="variables")
            yield Static("関数", classes="label", markup=False)
            yield Input(value=draft.functions, placeholder="例: f, g", id="functions")
        yield Static(NAMES_HINT, id="names-hint", classes="hint", markup=False)
        yield TextArea(draft.lines, id="lines", soft_wrap=True)
        with VerticalScroll(id="results-scroll"):
            yield Static("", id="results", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        """Cursor in the derivation."""
        area = self.query_one("#lines", TextArea)
        area.cursor_blink = False
        area.focus()

    @on(TextArea.Changed, "#lines")
    def keep_lines(self, event: TextArea.Changed) -> None:
        """Keep the derivation text while the app runs."""
        self.draft.lines = event.text_area.text

    @on(Input.Changed, "#variables")
    def keep_variables(self, event: Input.Changed) -> None:
        """Keep the variable list."""
        self.draft.variables = event.value

    @on(Input.Changed, "#functions")
    def keep_functions(self, event: Input.Changed) -> None:
        """Keep the function list."""
        self.draft.functions = event.value

    def action_check(self) -> None:
        """Check all lines in a worker."""
        lines = [line for line in self.query_one("#lines", TextArea).text.splitlines() if line.strip()]
        if not lines:
            self.query_one("#results", Static).update("式を 1 行以上入力してください。")
            return
        self.query_one("#results", Static).update("検査中…")
        variables = split_names(self.query_one("#variables", Input).value)
        functions = split_names(self.query_one("#functions", Input).value)
        self._check(lines, variables, functions)

    @work(thread=True, exclusive=True, group="steps", exit_on_error=False)
    def _check(self, lines: list[str], variables: list[str], functions: list[str]) -> None:
        """Run the step checker off the UI thread; an unexpected failure becomes a message, not a stuck screen."""
        try:
            text = check_text(lines, variables, functions)
        except Exception as error:  # the worker boundary: report anything rather than hang on 検査中…
            text = f"検査中にエラーが起きました: {error}"
        self.post_message(StepsChecked(text))

    @on(StepsChecked)
    def steps_checked(self, message: StepsChecked) -> None:
        """Show the marks."""
        self.query_one("#results", Static).update(message.text)
