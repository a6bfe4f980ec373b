"""The eqprep Textual app: loads content before the first screen and hosts every screen."""

from __future__ import annotations

from collections.abc import Iterable

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from eqprep.study.errors import StoreError
from eqprep.tui.screens.home import HomeScreen
from eqprep.tui.session import Config, Session

THEMES = ("textual-dark", "textual-light")


class EqprepApp(App[int]):
    """E資格 study app; `config` injects content, data dir, clock, seed and exam date."""

    CSS_PATH = "app.tcss"
    TITLE = "eqprep"
    BINDINGS = [
        Binding("question_mark", "help", "ヘルプ"),
        Binding("ctrl+t", "toggle_theme", "テーマ"),
    ]

    def __init__(self, config: Config | None = None, *, warm_up: bool = True) -> None:
        super().__init__()
        self.config = config or Config()
        self.warm_up = warm_up
        self.session: Session | None = None
        self.load_error = ""
        self.theme = THEMES[0]

    def on_load(self) -> None:
        """Load bank and store before the first screen is built, so home is drawn once, already filled in.

        This is about 30 ms for the shipped bank (its parse cache warm); doing it in a worker instead made the
        filled-in home appear later, because the worker and the first render compete for the GIL.
        A failure becomes a Japanese message on the home screen, never a traceback.
        """
        try:
            self.session = Session.load(self.config)
        except StoreError as error:
            self.load_error = str(error)
        except (OSError, ValueError) as error:
            self.load_error = f"読み込みに失敗しました: {error}"

    def on_mount(self) -> None:
        """Show home, then start the SymPy checker process once home is on screen."""
        self.push_screen(HomeScreen())
        if self.warm_up and self.session is not None:
            self.call_after_refresh(self.warm_sympy)

    @work(thread=True, exit_on_error=False, group="warm")
    def warm_sympy(self) -> None:
        """Start the SymPy checker process now so the first formula answer is graded quickly."""
        from eqprep.maths.sandbox import shared_worker

        shared_worker().warm_up()

    def action_help(self) -> None:
        """Open the key help."""
        from eqprep.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_toggle_theme(self) -> None:
        """Switch between the dark and light theme."""
        self.theme = THEMES[1] if self.theme == THEMES[0] else THEMES[0]

    def open_screen(self, name: str) -> None:
        """Open a top-level screen by name (home keys and the command palette share this)."""
        from eqprep.tui.screens import registry

        if self.session is None and name not in registry.WITHOUT_SESSION:
            self.notify("読み込み中です。少し待ってからもう一度どうぞ。", markup=False)
            return
        screen = registry.build(name, self)
        if screen is not None:
            self.push_screen(screen)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Palette: the built-ins plus every screen of the app."""
        yield from super().get_system_commands(screen)
        from eqprep.tui.screens import registry

        for name, (title, help_text) in registry.TITLES.items():
            yield SystemCommand(title, help_text, lambda name=name: self.open_screen(name))


def run_app(data_dir: str | None) -> int:
    """Entry point used by `eqprep` without a subcommand."""
    app = EqprepApp(Config(data_dir=data_dir))
    result = app.run()
    if app.warm_up and app.session is not None:  # warm-up was scheduled: stop the SymPy child
        from eqprep.maths.sandbox import shared_worker

        shared_worker().close()
    return result if isinstance(result, int) else 0
