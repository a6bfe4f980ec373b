"""The eqprep Textual app: loads content before the first screen and hosts every screen."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

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

from eqprep.render.safe import clean_cells
from eqprep.render.wrap import divide_line
from eqprep.study.errors import StoreError
from eqprep.tui.messages import Ask, OpenDerivation, OpenNote, OpenScreen, ShowScreen
from eqprep.tui.screens import registry
from eqprep.tui.screens.home import HomeScreen
from eqprep.tui.session import Config, HomeSummary, Session

if TYPE_CHECKING:
    from eqprep.study.preload import Preload
    from eqprep.study.stats import Stats


class SafeMonochrome(Monochrome):
    """Textual's NO_COLOR filter, tolerating segments without a style (plots emit them; the stock one crashes)."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        """Grey-scale every styled segment, pass unstyled ones through."""
        return [Segment(text, monochrome_style(style) if style is not None else None, None)
                for text, style, _ in segments]


class SafeText(LineFilter):
    """Every line the TUI draws has escape sequences and control characters removed (render.safe.clean_cells).

    Pack text is cleaned when it is loaded, but anything shown (a question built in code, imported progress, a
    setting, an error message) passes here on its way to the terminal, so no string reaches it raw.
    """

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        """Clean the text of every segment (control segments, which Textual itself emits, are kept)."""
        cleaned = []
        for segment in segments:
            text = segment.text if segment.control else clean_cells(segment.text)
            cleaned.append(segment if text is segment.text else Segment(text, segment.style, None))
        return cleaned


class StatsReady(Message):
    """Fresh statistics computed by the stats worker."""

    def __init__(self, stats: Stats) -> None:
        super().__init__()
        self.stats = stats


class GlanceReady(Message):
    """Home's figures from the preload child, ahead of the whole session."""

    def __init__(self, summary: HomeSummary) -> None:
        super().__init__()
        self.summary = summary


class SessionLoaded(Message):
    """The preload child's bank, store and statistics arrived (or why the learner's data cannot be used)."""

    def __init__(self, session: Session | None, error: str, stats: Stats | None) -> None:
        super().__init__()
        self.session, self.error, self.stats = session, error, stats


THEMES = ("textual-dark", "textual-light")
GLANCE_WAIT = 1.0  # seconds the preload reader waits for home to draw the glance before reading the rest
MAX_DEPTH = 8  # screens above home; deeper, a new screen replaces the top one instead of piling up

# Textual wraps text with rich's word splitter, which pushes a whole Japanese run to the next line after any
# Latin token (`データを上位 k` / `個の主成分…`) and folds inside English words; ours breaks between phrases.
textual.content.divide_line = divide_line


class EqprepApp(App[int]):
    """E資格 study app; `config` injects content, data dir, clock, seed and exam date."""

    CSS_PATH = "app.tcss"
    TITLE = "eqprep"
    BINDINGS = [
        *(destination.binding for destination in registry.EVERYWHERE),
        Binding("ctrl+t", "toggle_theme", "テーマ", show=False),  # in the help and the palette; keeps footers short
        Binding("ctrl+p", "command_palette", "コマンド", show=False, priority=True),
    ]

    def __init__(self, config: Config | None = None, *, warm_up: bool = True, preload: Preload | None = None) -> None:
        super().__init__()
        self.config = config or Config()
        self.warm_up = warm_up
        self.preload = preload
        self.loading = False  # a preload child is still loading; study destinations wait for it
        self.pending: str | None = None  # the destination asked for while loading, opened once loaded
        self.session: Session | None = None
        self.load_error = ""
        self.stats: Stats | None = None
        self.glance: HomeSummary | None = None  # home's figures from the preload child, before the session
        self.home_shown = threading.Event()  # home took the glance if it was there; the reader may read the pipe
        self.glance_drawn = threading.Event()
        self.safe_monochrome = SafeMonochrome()
        self.safe_text = SafeText()
        self.theme = THEMES[0]

    def on_load(self) -> None:
        """Have the learner's data before home is filled in: from the preload child, or loaded here.

        With a preload (`eqprep` forks one before importing Textual) a thread waits for the child's result while
        home is built, so loading and start-up overlap. Without one (tests, systems without fork), the bank and
        store load here, before the first screen, since a worker would compete with the first render for the GIL.
        """
        if self.preload is not None:
            self.loading = True
            self._receive_preload(self.preload)
            return
        self.session, self.load_error = self._load_session()
        self.refresh_stats()

    def _load_session(self) -> tuple[Session | None, str]:
        """Load bank and store in this thread; a failure becomes the Japanese message home shows."""
        try:
            return Session.load(self.config), ""
        except StoreError as error:
            return None, str(error)
        except (OSError, ValueError) as error:
            return None, f"読み込みに失敗しました: {error}"

    @work(thread=True, group="load")
    def _receive_preload(self, preload: Preload) -> None:
        """Wait for the child (blocked in a read, so the UI thread runs) and post what it loaded."""
        from eqprep.study.preload import Failed, Loaded

        self.home_shown.wait(timeout=GLANCE_WAIT)  # home looks for the glance itself first (take_glance)
        if self.glance is None:
            glance = preload.glance()
            if isinstance(glance, HomeSummary):
                self.post_message(GlanceReady(glance))
                # Unpickling the bank holds the GIL for tens of milliseconds: let home draw its figures first.
                self.glance_drawn.wait(timeout=GLANCE_WAIT)
        result = preload.wait()
        if preload.cancelled:
            return
        session, error = None, ""
        if isinstance(result, Failed):
            error = result.message
        elif isinstance(result, Loaded):
            try:
                session = Session.from_preload(self.config, result)
            except StoreError as failure:
                error = str(failure)
        else:  # the child died or sent nothing usable: load here after all
            session, error = self._load_session()
        self.post_message(SessionLoaded(session, error, session.stats() if session is not None else None))

    def take_glance(self) -> None:
        """Home is being shown: take the preload's glance now if it has arrived, so the first frame is filled in.

        Until this returns the reader thread leaves the pipe alone; then it waits for whatever is still to come.
        """
        if self.loading and self.preload is not None and self.glance is None:
            glance = self.preload.glance_if_ready()
            if isinstance(glance, HomeSummary):
                self.glance = glance
        self.home_shown.set()

    def on_glance_ready(self, message: GlanceReady) -> None:
        """Fill in home's figures while the whole session is still on its way."""
        self.glance = message.summary
        self._tell_screens("show_summary", message.summary)
        self.screen.call_after_refresh(self.glance_drawn.set)

    def on_session_loaded(self, message: SessionLoaded) -> None:
        """Take the loaded session, fill in the screens, and open what the learner asked for meanwhile."""
        self.loading = False
        self.session, self.load_error, self.stats = message.session, message.error, message.stats
        self._start_session()
        self._tell_screens("show_loaded")
        if self.pending is not None:
            name, self.pending = self.pending, None
            self.open_screen(name)

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
        self._tell_screens("show_stats", message.stats)

    def _tell_screens(self, method: str, *args: object) -> None:
        """Call `method` on every screen in the stack that has it (home and statistics draw loaded data)."""
        for screen in self.screen_stack:
            show = getattr(screen, method, None)
            if show is not None:
                show(*args)

    def get_line_filters(self) -> list[LineFilter]:
        """The cleaning filter first, then the active ones (NO_COLOR's swapped for a version that cannot crash)."""
        return [self.safe_text, *(self.safe_monochrome if type(f) is Monochrome else f for f in super().get_line_filters())]

    def on_mount(self) -> None:
        """Show home; the session's start-up follows now, or when the preload arrives."""
        self.push_screen(HomeScreen())
        if not self.loading:
            self._start_session()

    def _start_session(self) -> None:
        """Once the learner's data is in: warn about bad settings, and start the SymPy checker after home is drawn."""
        for problem in self.session.study.setting_problems if self.session is not None else ():
            self.notify(problem, title="設定", severity="warning", timeout=15, markup=False)
        if self.warm_up and self.session is not None:
            self.call_after_refresh(self.warm_sympy)

    def on_unmount(self) -> None:
        """Quitting while the preload still loads: stop the child and release the reader thread at once (Python
        waits for worker threads before the process ends, and a locked database could keep the child for seconds)."""
        if self.preload is not None and self.loading:
            self.preload.cancel()
        self.home_shown.set()
        self.glance_drawn.set()

    @work(thread=True, exit_on_error=False, group="warm")
    def warm_sympy(self) -> None:
        """Start the SymPy checker process now so the first formula answer is graded quickly."""
        from eqprep.maths.sandbox import shared_worker

        shared_worker().warm_up()

    def action_toggle_theme(self) -> None:
        """Switch between the dark and light theme."""
        self.theme = THEMES[1] if self.theme == THEMES[0] else THEMES[0]

    def open_screen(self, name: str) -> None:
        """Open a destination of the navigation table by name (home keys, app keys and the palette share this)."""
        destination = registry.BY_NAME.get(name)
        if destination is None:
            self.notify(f"不明な画面: {name}", severity="error", markup=False)
            return
        if destination.needs_study and self.session is None:
            if self.loading:  # typed ahead while the data loads: open it as soon as it is in
                self.pending = name
                return
            self.notify("学習データを読み込めなかったため開けません (ホームのエラーを確認してください)。", markup=False)
            return
        screen = destination.factory(self)
        if screen is not None:
            self.show(screen)

    def action_open_screen(self, name: str) -> None:
        """Key binding target for the navigation table."""
        self.open_screen(name)

    def show(self, screen: Screen[Any]) -> None:
        """Put `screen` on top, keeping the back stack bounded.

        A screen of the same kind as the top one replaces it (a second note list over the first is no use), and
        at MAX_DEPTH screens above home the new one replaces the top, so wandering notes → quiz → search → notes
        for ever cannot grow the stack. Below that, Esc walks back through every screen as usual.
        """
        if type(self.screen) is type(screen) or self.depth() >= MAX_DEPTH:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def depth(self) -> int:
        """How many screens are stacked above home."""
        stack = self.screen_stack
        homes = [i for i, screen in enumerate(stack) if isinstance(screen, HomeScreen)]
        return len(stack) - 1 - homes[0] if homes else len(stack)

    def on_open_screen(self, message: OpenScreen) -> None:
        """A screen asked for a destination of the navigation table."""
        self.open_screen(message.name)

    def on_open_note(self, message: OpenNote) -> None:
        """A screen asked for a note (None: the first in syllabus order)."""
        from eqprep.tui.screens.notes import NotesScreen

        if self.session is not None:
            self.show(NotesScreen(self.session, message.note_id))

    def on_ask(self, message: Ask) -> None:
        """A screen asked for questions to be asked as a small quiz."""
        from eqprep.tui.screens.quiz import QuizScreen

        if self.session is not None and message.questions:
            self.show(QuizScreen(self.session, list(message.questions), message.title))

    def on_open_derivation(self, message: OpenDerivation) -> None:
        """A screen asked for a verified derivation."""
        from eqprep.tui.screens.derivation import DerivationScreen

        if self.session is not None:
            self.show(DerivationScreen(self.session, message.derivation_id))

    def on_show_screen(self, message: ShowScreen) -> None:
        """A screen's own next screen (the exam paper, one graded answer), under the same bound."""
        self.show(message.screen)

    def action_command_palette(self) -> None:
        """The command palette, with a Japanese prompt."""
        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(CommandPalette(placeholder="コマンドを検索…", id="--command-palette"))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Palette: every destination of the navigation table, then the app commands, all in Japanese."""
        for destination in registry.DESTINATIONS:
            where = "" if destination.everywhere else "ホームで "
            yield SystemCommand(destination.title, f"{destination.help} ({where}{destination.key})",
                                lambda name=destination.name: self.open_screen(name))
        yield SystemCommand("テーマを選ぶ", "配色テーマを変える (ctrl+t で明暗を切り替え)", self.action_change_theme)
        yield SystemCommand("スクリーンショット", "今の画面を SVG で保存する",
                            lambda: self.set_timer(0.1, self.deliver_screenshot))
        yield SystemCommand("終了", "eqprep を終了する (ctrl+q)", self.action_quit)


def run_app(config: Config, preload: Preload | None = None) -> int:
    """Entry point used by `eqprep` without a subcommand (`preload` was forked before Textual was imported)."""
    app = EqprepApp(config, preload=preload)
    result = app.run()
    if app.warm_up and app.session is not None:  # warm-up was scheduled: stop the SymPy child
        from eqprep.maths.sandbox import shared_worker

        shared_worker().close()
    if app.return_code:  # an unexpected error ended the app: say so to the shell
        return app.return_code
    return result if isinstance(result, int) else 0
