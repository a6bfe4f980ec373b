"""Demos: pick a headless NumPy training demo, run it in a thread worker, plot the streamed series live."""

from __future__ import annotations

import threading
from itertools import cycle
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from eqprep.tui.demo_series import SeriesBook, parse_settings, settings_text, status_line, summary_lines
from eqprep.tui.widgets.heatmap import boundary_content

if TYPE_CHECKING:
    from eqprep.demos import DemoEvent, DemoResult

COLOURS = ("green", "cyan", "magenta", "yellow", "red", "blue", "white", "bright_green")


class DemoProgress(Message):
    """One streamed event from the running demo."""

    def __init__(self, event: DemoEvent) -> None:
        super().__init__()
        self.event = event


class DemoFinished(Message):
    """The demo ended (normally or cancelled) with its result, or failed with a Japanese message."""

    def __init__(self, result: DemoResult | None, error: str = "") -> None:
        super().__init__()
        self.result = result
        self.error = error


class DemosScreen(Screen[None]):
    """List of demos, settings line, live plot; Enter / ctrl+r runs, x cancels."""

    BINDINGS = [
        Binding("ctrl+r", "run", "実行", priority=True),
        Binding("x", "cancel", "中止"),
        Binding("escape", "app.pop_screen", "戻る"),
    ]

    def __init__(self, seed: int = 0) -> None:
        super().__init__()
        from eqprep.demos import DEMOS

        self.specs = DEMOS
        self.seed = seed
        self.selected = next(iter(DEMOS))
        self.cancel_event = threading.Event()
        self.running = False
        self.book = SeriesBook()
        self.result: DemoResult | None = None

    def compose(self) -> ComposeResult:
        """Demo list on the left; description, settings, progress and plot on the right."""
        from textual_plot import PlotWidget

        options = [Option(Content(spec.title.split(" (")[0]), id=name) for name, spec in self.specs.items()]
        with Horizontal(id="demos"):
            yield OptionList(*options, id="demo-list")
            with Vertical(id="demo-pane"):
                with VerticalScroll(id="demo-info-scroll"):
                    yield Static("", id="demo-info", markup=False)
                yield Input(placeholder="設定 (例: lr=0.01 steps=200、空欄なら既定値)", id="demo-settings")
                yield Static("Enter / ctrl+r で実行、x で中止", id="demo-status", classes="hint", markup=False)
                yield PlotWidget(id="demo-plot", allow_pan_and_zoom=False)
                yield Static("", id="demo-boundary")
        yield Footer()

    def on_mount(self) -> None:
        """Describe the first demo and focus the list."""
        self.describe(self.selected)
        demo_list = self.query_one("#demo-list", OptionList)
        demo_list.highlighted = 0
        demo_list.focus()

    def describe(self, name: str) -> None:
        """Show a demo's summary and settings."""
        spec = self.specs[name]
        self.selected = name
        text = f"{spec.title}\n{spec.summary}\n既定 {spec.default_steps} ステップ/run\n\n設定:\n{settings_text(spec)}"
        self.query_one("#demo-info", Static).update(text)

    @on(OptionList.OptionHighlighted, "#demo-list")
    def demo_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """Moving in the list shows that demo's description (not while one runs)."""
        if event.option.id and not self.running:
            self.describe(event.option.id)

    @on(OptionList.OptionSelected, "#demo-list")
    def demo_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a demo runs it."""
        if event.option.id:
            self.describe(event.option.id)
            self.action_run()

    @on(Input.Submitted, "#demo-settings")
    def settings_submitted(self) -> None:
        """Enter in the settings line runs the selected demo."""
        self.action_run()

    def action_run(self) -> None:
        """Validate the settings and start the demo in a worker."""
        if self.running:
            self.notify("実行中です。x で中止できます。", markup=False)
            return
        from eqprep.demos import DemoError

        parsed = parse_settings(self.query_one("#demo-settings", Input).value)
        status = self.query_one("#demo-status", Static)
        if isinstance(parsed, str):
            status.update(parsed)
            status.add_class("-error")
            return
        settings, steps = parsed
        try:
            self.specs[self.selected].resolve(settings)
        except DemoError as error:
            status.update(str(error))
            status.add_class("-error")
            return
        status.remove_class("-error")
        status.update("開始します…")
        self.query_one("#demo-plot").display = True
        self.query_one("#demo-boundary").display = False
        self.book = SeriesBook()
        self.result = None
        self.cancel_event = threading.Event()
        self.running = True
        self._run(self.selected, settings, steps, self.cancel_event)

    @work(thread=True, exclusive=True, group="demo", exit_on_error=False)
    def _run(self, name: str, settings: dict[str, Any], steps: int | None, cancel: threading.Event) -> None:
        """Run the demo here (off the UI thread); events go back as messages."""
        from eqprep.demos import DemoError, run_demo

        try:
            result = run_demo(name, settings, seed=self.seed, steps=steps,
                              on_event=lambda event: self.post_message(DemoProgress(event)), cancel=cancel)
        except DemoError as error:
            self.post_message(DemoFinished(None, str(error)))
            return
        except Exception as error:  # the worker boundary: report anything rather than stay on 実行中
            self.post_message(DemoFinished(None, f"デモの実行中にエラーが起きました: {error}"))
            return
        self.post_message(DemoFinished(result))

    @on(DemoProgress)
    def demo_progress(self, message: DemoProgress) -> None:
        """Update the status line and the plot (or the decision boundary for the playground)."""
        self.query_one("#demo-status", Static).update(status_line(message.event))
        grid = message.event.payload.get("boundary")
        if grid:
            self.show_boundary(grid)
        elif self.book.add(message.event):
            self.redraw()

    def show_boundary(self, grid: list[list[float]]) -> None:
        """Draw the class-1 probability grid as a colour map in place of the line plot."""
        from textual_plot import PlotWidget

        plot = self.query_one("#demo-plot", PlotWidget)
        target = self.query_one("#demo-boundary", Static)
        size = plot.size if plot.display else target.size
        plot.display = False
        target.display = True
        target.update(boundary_content(grid, max(size.width, 8), max(size.height, 4)))

    def redraw(self) -> None:
        """Plot every run of the current group."""
        from textual_plot import PlotWidget

        plot = self.query_one("#demo-plot", PlotWidget)
        plot.clear()
        for colour, (label, (steps, values)) in zip(cycle(COLOURS), self.book.runs.items()):
            plot.plot(steps, values, line_style=colour, label=label)
        x_min, x_max, y_min, y_max = self.book.bounds()
        plot.set_xlimits(x_min, x_max)
        plot.set_ylimits(y_min, y_max)
        plot.set_xlabel(f"ステップ ({self.book.group})")
        plot.set_ylabel(self.book.metric)
        plot.show_legend()

    @on(DemoFinished)
    def demo_finished(self, message: DemoFinished) -> None:
        """Show findings and takeaway (or the error)."""
        self.running = False
        status = self.query_one("#demo-status", Static)
        if message.result is None:
            status.update(message.error)
            status.add_class("-error")
            return
        result = self.result = message.result
        status.update("中止しました。" if result.cancelled else "完了しました。")
        self.query_one("#demo-info", Static).update(
            summary_lines(list(result.runs.values()), result.findings, result.takeaway, result.cancelled))

    def action_cancel(self) -> None:
        """Ask the running demo to stop at the next step."""
        if self.running:
            self.cancel_event.set()
            self.query_one("#demo-status", Static).update("中止しています…")

    def on_unmount(self) -> None:
        """Leaving the screen stops a running demo."""
        self.cancel_event.set()
