"""Demos: pick a headless NumPy training demo, run it in a thread worker, plot the streamed series live.

Each demo keeps its own settings line and last result. ``x`` cancels from anywhere while something runs
(a priority binding; when nothing runs the key falls through, so ``x`` can still be typed). The playground
adds Playground's play / pause / one-epoch step on a steppable session.
"""

from __future__ import annotations

import threading
from itertools import cycle
from typing import TYPE_CHECKING, Any

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from eqprep.tui.demo_series import (
    DemoState,
    Figure,
    SeriesBook,
    describe,
    figure_groups,
    parse_settings,
    result_figure,
    settings_hint,
    status_line,
    summary_lines,
)
from eqprep.tui.widgets.demo_pictures import (
    CLASS_COLOURS,
    blend,
    boundary_picture,
    filters_picture,
    histograms_picture,
)

if TYPE_CHECKING:
    from eqprep.demos import DemoEvent, DemoResult
    from eqprep.demos.playground import Playground

COLOURS = ("green", "cyan", "magenta", "yellow", "red", "dodger_blue1", "white", "bright_green")
PLAY_INTERVAL = 0.05          # seconds between playground epochs while playing
NBSP = "\u00a0"               # keeps each legend label on one line when the legend wraps


class DemoProgress(Message):
    """One streamed event from the running demo."""

    def __init__(self, event: DemoEvent) -> None:
        super().__init__()
        self.event = event


class DemoFinished(Message):
    """The demo ended (normally or cancelled) with its result, or failed with a Japanese message."""

    def __init__(self, name: str, result: DemoResult | None, error: str = "") -> None:
        super().__init__()
        self.name = name
        self.result = result
        self.error = error


class PlaygroundFrame(Message):
    """The playground session after some epochs: map, points and loss history (copied for the UI thread)."""

    def __init__(self, frame: dict[str, Any], stopped: bool) -> None:
        super().__init__()
        self.frame = frame
        self.stopped = stopped


class SettingsInput(Input):
    """The settings line; it leaves ``x`` to the screen's binding so cancel works (and shows) while typing."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        """Not x: the screen's priority binding decides (cancel while running, typed when idle)."""
        return key != "x" and super().check_consume_key(key, character)


class DemoView(Horizontal):
    """The picture-and-plot row; it reports size changes, since the pictures are drawn to its size."""

    class Resized(Message):
        """The row's size changed (the status or legend above and below it grew or shrank)."""

    def on_resize(self, _event: events.Resize) -> None:
        """Tell the screen, which draws the picture again at the final size."""
        self.post_message(self.Resized())


class DemosScreen(Screen[None]):
    """List of demos, settings line, live plot and picture, results panel; Enter / ctrl+r runs, x cancels."""

    BINDINGS = [
        Binding("ctrl+r", "run", "実行", priority=True),
        Binding("x", "cancel", "中止", priority=True),
        Binding("g", "next_figure", "図の切替"),
        Binding("f", "toggle_figure", "拡大"),
        Binding("p", "play", "再生/停止"),
        Binding("s", "step", "1 エポック"),
        Binding("escape", "app.pop_screen", "戻る"),
    ]

    def __init__(self, seed: int = 0) -> None:
        super().__init__()
        from eqprep.demos import DEMOS

        self.specs = DEMOS
        self.seed = seed
        self.selected = next(iter(DEMOS))
        self.states: dict[str, DemoState] = {name: DemoState() for name in DEMOS}
        self.cancel_event = threading.Event()
        self.running = False
        self.active = ""                     # the demo running now (its panel follows the stream)
        self.book = SeriesBook()
        self.playground: Playground | None = None
        self.playing = False
        self.frame: dict[str, Any] = {}

    @property
    def result(self) -> DemoResult | None:
        """The last result of the selected demo."""
        return self.states[self.selected].result

    def compose(self) -> ComposeResult:
        """Demo list on the left; settings, status, plot + picture, legend and results on the right."""
        from textual_plot import PlotWidget

        options = [Option(Content(spec.title.split(" (")[0]), id=name) for name, spec in self.specs.items()]
        with Horizontal(id="demos"):
            yield OptionList(*options, id="demo-list")
            with Vertical(id="demo-pane"):
                yield SettingsInput(placeholder=settings_hint(self.specs[self.selected]), id="demo-settings",
                                    compact=True)
                yield Static("Enter / ctrl+r で実行、x で中止", id="demo-status", markup=False)
                with DemoView(id="demo-view"):
                    yield Static("", id="demo-picture")
                    yield PlotWidget(id="demo-plot", allow_pan_and_zoom=False)
                yield Static("", id="demo-legend")
                with VerticalScroll(id="demo-results"):
                    yield Static("", id="demo-info", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """Describe the first demo and focus the list."""
        self.show_demo(self.selected)
        demo_list = self.query_one("#demo-list", OptionList)
        demo_list.highlighted = 0
        demo_list.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """x only acts while something runs (else it is typed); p / s only for the playground."""
        if action == "cancel":
            return True if self.running or self.playing else None
        if action in ("play", "step"):
            return self.selected == "playground" and not self.running
        if action == "next_figure":
            result = self.result
            return result is not None and len(figure_groups(result)) > 1
        return True

    # ---- selecting a demo -------------------------------------------------------------------------

    def show_demo(self, name: str) -> None:
        """Switch the panel to a demo: its own settings line, hint and last result (or its description)."""
        box = self.query_one("#demo-settings", Input)
        if name != self.selected:
            self.states[self.selected].text = box.value
        self.selected = name
        state = self.states[name]
        box.value = state.text
        box.placeholder = settings_hint(self.specs[name])
        self.set_status("Enter / ctrl+r で実行 (設定欄が空なら既定値)、x で中止" + ("、p 再生/停止、s 1 エポック" if name == "playground"
                                                            else ""))
        if state.result is not None:
            self.show_result(state.result)
        else:
            self.query_one("#demo-info", Static).update(describe(self.specs[name]))
            self.clear_view()
        self.refresh_bindings()

    @on(OptionList.OptionHighlighted, "#demo-list")
    def demo_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """Moving in the list shows that demo's settings and last result (not while one runs)."""
        if event.option.id and not self.running and not self.playing and event.option.id != self.selected:
            self.show_demo(event.option.id)

    @on(OptionList.OptionSelected, "#demo-list")
    def demo_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a demo runs it."""
        if event.option.id and not self.running and not self.playing:
            if event.option.id != self.selected:
                self.show_demo(event.option.id)
            self.action_run()

    @on(Input.Submitted, "#demo-settings")
    def settings_submitted(self) -> None:
        """Enter in the settings line runs the selected demo."""
        self.action_run()

    def set_status(self, text: str, error: bool = False) -> None:
        """The status line (wrapped, never cut); red for errors."""
        status = self.query_one("#demo-status", Static)
        status.update(text)
        status.set_class(error, "-error")

    # ---- running ----------------------------------------------------------------------------------

    def _validated(self) -> tuple[dict[str, Any], int | None] | None:
        """The settings line parsed and checked against the selected demo, or None after showing the error."""
        from eqprep.demos import DemoError

        text = self.query_one("#demo-settings", Input).value
        self.states[self.selected].text = text
        parsed = parse_settings(text)
        if isinstance(parsed, str):
            self.set_status(parsed, error=True)
            return None
        settings, steps = parsed
        try:
            resolved = self.specs[self.selected].resolve(settings)
        except DemoError as error:
            self.set_status(str(error), error=True)
            return None
        return resolved, steps

    def action_run(self) -> None:
        """Validate the settings and start the demo in a worker."""
        if self.running or self.playing:
            self.notify("実行中です。x で中止できます。", markup=False)
            return
        checked = self._validated()
        if checked is None:
            return
        settings, steps = checked
        self.set_status("開始します…")
        self.book = SeriesBook()
        self.frame = {}
        self.playground = None
        self.cancel_event = threading.Event()
        self.running = True
        self.active = self.selected
        self.refresh_bindings()
        self._run(self.selected, settings, steps, self.cancel_event)

    @work(thread=True, exclusive=True, group="demo", exit_on_error=False)
    def _run(self, name: str, settings: dict[str, Any], steps: int | None, cancel: threading.Event) -> None:
        """Run the demo here (off the UI thread); events go back as messages."""
        from eqprep.demos import DemoError, run_demo

        try:
            result = run_demo(name, settings, seed=self.seed, steps=steps,
                              on_event=lambda event: self.post_message(DemoProgress(event)), cancel=cancel)
        except DemoError as error:
            self.post_message(DemoFinished(name, None, str(error)))
            return
        except Exception as error:  # the worker boundary: report anything rather than stay on 実行中
            self.post_message(DemoFinished(name, None, f"デモの実行中にエラーが起きました: {error}"))
            return
        self.post_message(DemoFinished(name, result))

    @on(DemoProgress)
    def demo_progress(self, message: DemoProgress) -> None:
        """Update the status line and the plot (or the decision map for the playground)."""
        event = message.event
        if not self.running:
            return
        self.set_status(status_line(event))
        if "boundary" in event.payload:
            self.frame.update(event.payload)
            self.draw_map()
        if self.book.add(event):
            self.draw_figure(self.book.figure())

    @on(DemoFinished)
    def demo_finished(self, message: DemoFinished) -> None:
        """Keep the result for that demo and show findings, takeaway and its figure (or the error)."""
        self.running = False
        self.refresh_bindings()
        if message.result is None:
            self.set_status(message.error, error=True)
            return
        state = self.states[message.name]
        state.result, state.group = message.result, ""
        several = len(figure_groups(message.result)) > 1
        self.set_status("中止しました。" if message.result.cancelled else
                        "完了しました。" + ("g で図を切り替えます。" if several else ""))
        if message.name == self.selected:
            self.show_result(message.result)

    def action_cancel(self) -> None:
        """Ask the running demo (or the playing playground) to stop at the next step."""
        if self.running:
            self.cancel_event.set()
            self.set_status("中止しています…")
        elif self.playing:
            self.playing = False
            self.cancel_event.set()

    def on_unmount(self) -> None:
        """Leaving the screen stops a running demo."""
        self.cancel_event.set()

    # ---- drawing ----------------------------------------------------------------------------------

    def clear_view(self) -> None:
        """No plot, no picture, no legend (before a demo's first run)."""
        from textual_plot import PlotWidget

        plot = self.query_one("#demo-plot", PlotWidget)
        plot.clear()
        plot.display = False
        self.query_one("#demo-picture", Static).display = False
        self.query_one("#demo-legend", Static).update("")

    def show_result(self, result: DemoResult) -> None:
        """Results panel, figure and picture of a stored result."""
        self.query_one("#demo-info", Static).update(summary_lines(result))
        self.query_one("#demo-results", VerticalScroll).scroll_home(animate=False)
        groups = figure_groups(result)
        state = self.states[result.name]
        if not groups:
            self.clear_view()
            return
        if state.group not in groups:
            state.group = groups[0]
        self.draw_figure(result_figure(result, state.group))
        self.draw_picture(result, state.group)

    def action_next_figure(self) -> None:
        """Show the next group's figure of the selected demo's result."""
        result = self.result
        if result is None:
            return
        groups = figure_groups(result)
        state = self.states[result.name]
        state.group = groups[(groups.index(state.group) + 1) % len(groups)] if state.group in groups else groups[0]
        self.draw_figure(result_figure(result, state.group))
        self.draw_picture(result, state.group)

    def draw_figure(self, figure: Figure) -> None:
        """Lines with fixed colours, axis titles, optional contour dots; the legend goes below (wrapped)."""
        from textual_plot import HiResMode, PlotWidget

        plot = self.query_one("#demo-plot", PlotWidget)
        plot.display = True
        plot.clear()
        if figure.dots[0]:
            plot.scatter(figure.dots[0], figure.dots[1], marker_style="grey37", hires_mode=HiResMode.BRAILLE)
        narrow = 0 < plot.size.width < 40   # the x label would be cut: the legend names the x axis instead
        axes = f"縦: {figure.ylabel}、横: {figure.xlabel}" if narrow else f"縦: {figure.ylabel}"
        legend: list[str | tuple[str, str]] = [(figure.title, "bold"), f" ({axes})  "]
        for colour, (label, xs, ys) in zip(cycle(COLOURS), figure.lines):
            if len(xs) and len(xs) == len(ys):
                plot.plot(xs, ys, line_style=colour, hires_mode=HiResMode.BRAILLE)
            legend += [("━━", colour), f"{NBSP}{label.replace(' ', NBSP)}  "]
        if figure.bounds is not None and figure.title.endswith("(★ = 最小点)"):
            plot.scatter([0.0], [0.0], marker="★", marker_style="bold white")
        x_min, x_max, y_min, y_max = figure.limits()
        plot.set_xlimits(x_min, x_max)
        plot.set_xticks([x_min, x_max] if narrow else None)   # a narrow axis has room for its ends only
        plot.set_ylimits(y_min, y_max)
        plot.set_xlabel("" if narrow else figure.xlabel)
        plot.set_ylabel("")
        self.query_one("#demo-legend", Static).update(Content.assemble(*legend))

    def draw_picture(self, result: DemoResult, group: str) -> None:
        """The picture beside the plot: playground map with points, init histograms, CNN filters."""
        picture = self.query_one("#demo-picture", Static)
        if result.name == "playground" and result.runs:
            run = next(iter(result.runs.values()))
            self.frame = {k: run.extra[k] for k in ("boundary", "bounds", "points", "test_points") if k in run.extra}
            self.frame["epoch"] = run.extra.get("epochs")
            self.draw_map()
        elif group == "histogram":
            picture.display = True
            self.query_one("#demo-plot").display = False
            self.query_one("#demo-legend", Static).update("")   # the legend belongs to the hidden line plot
            view = self.query_one("#demo-view").size
            picture.update(histograms_picture(result.group("histogram"), max(20, view.width or 60), view.height))
        elif result.name == "cnn" and result.runs:
            run = next(iter(result.runs.values()))
            picture.display = True
            picture.update(filters_picture(run.extra.get("filters_before", []), run.extra.get("filters", []),
                                           max(12, self.view_width() // 2 - 2)))
        else:
            picture.display = False

    @on(DemoView.Resized)
    def view_resized(self) -> None:
        """Draw the picture again for the row's new size, so it never keeps the size it had mid-run."""
        if self.selected == "playground" and (self.running or self.playground is not None):
            self.draw_map()
        elif self.result is not None and not self.running:
            self.draw_picture(self.result, self.states[self.selected].group)

    def on_resize(self, event: events.Resize) -> None:
        """A short terminal (80×24) gives its rows to the figure: smaller results panel and status line."""
        self.set_class(event.size.height < 32, "-short")

    def action_toggle_figure(self) -> None:
        """Hide or show the results panel, so the figure can take the whole pane."""
        self.toggle_class("-figure")

    def view_width(self) -> int:
        """Columns available for pictures."""
        return self.query_one("#demo-view").size.width or 60

    def draw_map(self) -> None:
        """The playground's decision map with its data points, left of the loss curves."""
        if "boundary" not in self.frame:
            return
        picture = self.query_one("#demo-picture", Static)
        picture.display = True
        view = self.query_one("#demo-view").size
        key = Content.assemble(("●", f"bold {CLASS_COLOURS[1]} on {blend(1)}"), " 訓練 ",
                               ("○", f"bold {CLASS_COLOURS[0]} on {blend(0)}"), " テスト")
        epoch = self.frame.get("epoch")
        head = Content(f"エポック {epoch:07,d}" if isinstance(epoch, int) else "")
        share = 2 if view.width >= 80 else 2.5               # a narrow view leaves the loss curves more room
        for below in (1, 2):                                 # the key goes under the epoch if it would widen the map
            height = max(4, view.height - below)
            width = max(8, min(int(view.width / share), height * 2 + 2))
            one_line = not head or head.cell_length + 2 + key.cell_length <= width
            if one_line:
                break
        map_content = boundary_picture(self.frame["boundary"], width, height, self.frame.get("bounds", ()),
                                       self.frame.get("points", ()), self.frame.get("test_points", ()))
        picture.update(Content.assemble(map_content, "\n", head, ("  " if one_line else "\n") if head else "", key))

    # ---- playground: play / pause / step -----------------------------------------------------------

    def _session(self) -> Playground | None:
        """The playground session for the current settings (a new one when the settings line changed)."""
        from eqprep.demos.playground import Playground

        checked = self._validated()
        if checked is None:
            return None
        settings, _steps = checked
        pg = self.playground
        if pg is None or {**pg.settings, "lr": settings["lr"]} != settings:
            pg = self.playground = Playground(settings, self.seed)
            self.frame = pg.scene()
        elif pg.settings["lr"] != settings["lr"]:
            pg.set_lr(settings["lr"])          # like Playground: the learning rate changes without a reset
        return pg

    def action_play(self) -> None:
        """Start or pause continuous training of the playground, an epoch at a time."""
        if self.playing:
            self.playing = False
            self.cancel_event.set()
        elif self._start_playing(None):
            self.set_status("再生中 (p で一時停止、x で停止)")

    def action_step(self) -> None:
        """Train the playground for exactly one epoch."""
        if not self.playing:
            self._start_playing(1)

    def _start_playing(self, epochs: int | None) -> bool:
        """Train the current session in a worker (``epochs`` of them, or until paused); False if the settings
        are bad (the error is on the status line)."""
        pg = self._session()
        if pg is None:
            return False
        self.playing = True
        self.cancel_event = threading.Event()
        self.refresh_bindings()
        self._play(pg, self.cancel_event, epochs)
        return True

    @work(thread=True, exclusive=True, group="demo", exit_on_error=False)
    def _play(self, pg: Playground, cancel: threading.Event, epochs: int | None) -> None:
        """Train epochs off the UI thread until cancelled (or ``epochs`` done), posting a frame after each."""
        import time

        done = 0
        while not cancel.is_set() and (epochs is None or done < epochs) and not pg.diverged:
            pg.step_epoch(cancel)
            done += 1
            frame = {"boundary": pg.boundary(), "epoch": pg.epoch,
                     "history": {k: list(v) for k, v in pg.history.items()}, **pg.metrics()}
            self.post_message(PlaygroundFrame(frame, False))
            if epochs is None:
                time.sleep(PLAY_INTERVAL)
        self.post_message(PlaygroundFrame({}, True))

    @on(PlaygroundFrame)
    def playground_frame(self, message: PlaygroundFrame) -> None:
        """Draw the map and the train/test loss curves; on stop, say where training paused."""
        if message.stopped:
            self.playing = False
            self.refresh_bindings()
            pg = self.playground
            if pg is not None:
                self.set_status(f"一時停止: エポック {pg.epoch:07,d}  訓練損失 {pg.history['loss'][-1]:.3f}  "
                                f"テスト損失 {pg.history['test_loss'][-1]:.3f}" + ("  (発散しました)" if pg.diverged
                                                                                   else ""))
            return
        frame = message.frame
        history = frame.pop("history")
        self.frame.update(frame)
        self.draw_map()
        self.draw_figure(Figure("損失 (訓練とテスト)", "エポック", "損失",
                                [("訓練損失", history["epoch"], history["loss"]),
                                 ("テスト損失", history["epoch"], history["test_loss"])]))
        if self.playing:
            self.set_status(f"再生中: エポック {frame['epoch']:07,d}  訓練損失 {frame['loss']:.3f}  "
                            f"テスト損失 {frame['test_loss']:.3f}  (p 一時停止 / x 停止)")
