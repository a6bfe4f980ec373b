"""The eqprep Textual app: loads content before the first screen and hosts every screen."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import textual.content
from rich.segment import Segment
from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.color import Color
from textual.command import CommandPalette
from textual.filter import LineFilter, Monochrome, monochrome_style
from textual.message import Message
from textual.screen import Screen

from eqprep.render.wrap import divide_line
from eqprep.study.errors import StoreError
from eqprep.tui.screens.home import HomeScreen
from eqprep.tui.session import Config, Session

if TYPE_CHECKING:
    from eqprep.study.stats import Stats


class SafeMonochrome(Monochrome):
    """Textual's NO_COLOR filter, tolerating segments without a style (plots emit them; the stock one crashes)."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        """Grey-scale every styled segment, pass unstyled ones through."""
        return [Segment(text, monochrome_style(style) if style is not None else None, None)
                for text, style, _ in segments]


class StatsReady(Message):
    """Fresh statistics computed by the stats worker."""

    def __init__(self, stats: Stats) -> None:
        super().__init__()
        self.stats = stats

THEMES = ("textual-dark", "textual-light")

# Textual wraps text with rich's word splitter, which pushes a whole Japanese run to the next line after any
# Latin token (`データを上位 k` / `個の主成分…`) and folds inside English words; ours breaks between phrases.
textual.content.divide_line = divide_line


class EqprepApp(App[int]):
    """E資格 study app; `config` injects content, data dir, clock, seed and exam date."""

    CSS_PATH = "app.tcss"
    TITLE = "eqprep"
    BINDINGS = [
        Binding("question_mark", "help", "ヘルプ"),
        Binding("ctrl+t", "toggle_theme", "テーマ", show=False),  # in the help and the palette; keeps footers short
        Binding("ctrl+p", "command_palette", "コマンド", show=False, priority=True),
    ]

    def __init__(self, config: Config | None = None, *, warm_up: bool = True) -> None:
        super().__init__()
        self.config = config or Config()
        self.warm_up = warm_up
        self.session: Session | None = None
        self.load_error = ""
        self.stats: Stats | None = None
        self.safe_monochrome = SafeMonochrome()
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
        self.refresh_stats()

    def refresh_stats(self) -> None:
        """Ask the stats worker for current statistics (cheap when nothing changed); screens get StatsReady."""
        if self.session is not None:
            self._compute_stats(self.session)

    @work(thread=True, exclusive=True, exit_on_error=False, group="stats")
    def _compute_stats(self, session: Session) -> None:
        """Compute statistics off the UI thread (a 150k-answer history takes a noticeable moment)."""
        self.post_message(StatsReady(session.stats()))

    def on_stats_ready(self, message: StatsReady) -> None:
        """Keep the newest statistics and hand them to every screen that shows them."""
        self.stats = message.stats
        for screen in self.screen_stack:
            show = getattr(screen, "show_stats", None)
            if show is not None:
                show(message.stats)

    def get_line_filters(self) -> list[LineFilter]:
        """The active filters, with the NO_COLOR one swapped for a version that cannot crash."""
        return [self.safe_monochrome if type(f) is Monochrome else f for f in super().get_line_filters()]

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
            self.notify("学習データを読み込めなかったため開けません (ホームのエラーを確認してください)。", markup=False)
            return
        screen = registry.build(name, self)
        if screen is not None:
            self.push_screen(screen)

    def action_command_palette(self) -> None:
        """The command palette, with a Japanese prompt."""
        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(CommandPalette(placeholder="コマンドを検索…", id="--command-palette"))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Palette: every screen of the app, then the app commands, all in Japanese."""
        from eqprep.tui.screens import registry

        for name, (title, help_text) in registry.TITLES.items():
            yield SystemCommand(title, help_text, lambda name=name: self.open_screen(name))
        yield SystemCommand("テーマを選ぶ", "配色テーマを変える (ctrl+t で明暗を切り替え)", self.action_change_theme)
        yield SystemCommand("スクリーンショット", "今の画面を SVG で保存する",
                            lambda: self.set_timer(0.1, self.deliver_screenshot))
        yield SystemCommand("終了", "eqprep を終了する (ctrl+q)", self.action_quit)


def run_app(data_dir: str | None) -> int:
    """Entry point used by `eqprep` without a subcommand."""
    app = EqprepApp(Config(data_dir=data_dir))
    result = app.run()
    if app.warm_up and app.session is not None:  # warm-up was scheduled: stop the SymPy child
        from eqprep.maths.sandbox import shared_worker

        shared_worker().close()
    if app.return_code:  # an unexpected error ended the app: say so to the shell
        return app.return_code
    return result if isinstance(result, int) else 0
