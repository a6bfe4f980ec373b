"""Statistics: readiness per exam area, retention, the last two weeks, mastery per area and topic, study days."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from eqprep.study.stats import (
    MASTERY_RULE,
    READINESS_RULE,
    Day,
    Stats,
    overview_lines,
    progress_lines,
    readiness_lines,
)
from eqprep.tui.widgets.heatmap import heatmap_content

if TYPE_CHECKING:
    from eqprep.tui.app import EqprepApp
    from eqprep.tui.session import Session

CHART_ROWS = 6
NICE_STEPS = (1, 2, 5)


def nice_step(top: int, rows: int = CHART_ROWS) -> int:
    """The smallest 1/2/5×10ⁿ step such that `rows` steps reach `top` (even, readable ticks)."""
    magnitude = 1
    while True:
        for base in NICE_STEPS:
            if base * magnitude * rows >= top:
                return base * magnitude
        magnitude *= 10


def history_chart(history: list[Day], rows: int = CHART_ROWS) -> list[str]:
    """Bars per day: █ correct, ▒ other answers; an empty day stays empty; y ticks are multiples of one step."""
    step = nice_step(max([d.answers for d in history] + [1]), rows)
    lines = []
    for row in range(rows, 0, -1):
        low = (row - 1) * step
        cells = []
        for day in history:
            if day.answers > low:
                cells.append("██" if day.correct > low else "▒▒")
            else:
                cells.append("  ")
        label = f"{row * step:>5} ┤" if row % 2 == 0 else "      │"
        lines.append(label + " " + " ".join(cells))
    lines.append(f"{0:>5} └" + "─" * (3 * len(history)))
    days = "".join(f"{d.date.day:>3}" for d in history)
    lines.append("       " + days.lstrip(" ").rjust(len(days) - 1))
    return lines


class StatsScreen(Screen[None]):
    """Read-only dashboard of progress; filled in when the stats worker delivers."""

    BINDINGS = [Binding("escape", "app.pop_screen", "戻る")]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.stats: Stats | None = None

    def compose(self) -> ComposeResult:
        """Placeholders, filled in by show_stats."""
        with VerticalScroll(id="stats"):
            yield Static("統計", classes="title", markup=False)
            yield Static("集計中…", id="overview", markup=False)
            yield Static("試験への準備度 (分野別)", classes="hint", markup=False)
            yield Static("", id="readiness", markup=False)
            yield Static("", id="history-title", classes="hint", markup=False)
            yield Static("", id="history", markup=False)
            yield Static("分野別 習熟度 (· = まだ学習していない)", classes="hint", markup=False)
            yield Static("", id="areas", markup=False)
            yield Static("トピック別 習熟度 (シラバス順)", classes="hint", markup=False)
            yield Static("", id="topics", markup=False)
            yield Static("学習日 (直近16週)", classes="hint", markup=False)
            yield Static("", id="heatmap")
            yield Static(f"{MASTERY_RULE}\n{READINESS_RULE}", classes="hint", markup=False)
        yield Footer()

    @property
    def eq_app(self) -> EqprepApp:
        """The app, typed."""
        return self.app  # type: ignore[return-value]

    def on_mount(self) -> None:
        """Ask for statistics (computed off the UI thread, reused when nothing changed)."""
        self.query_one("#stats", VerticalScroll).focus()
        self.eq_app.refresh_stats()

    def day_counts(self) -> Counter[date]:
        """Answers per local calendar day (the heatmap's data)."""
        return Counter({d.date: d.answers for d in self.stats.days} if self.stats else {})

    def show_stats(self, stats: Stats) -> None:
        """Fill every block from fresh statistics."""
        if not self.is_mounted:
            return
        self.stats = stats
        first, last = stats.history[0].date, stats.history[-1].date
        self.query_one("#overview", Static).update("\n".join(overview_lines(stats)))
        self.query_one("#readiness", Static).update("\n".join(readiness_lines(stats)))
        self.query_one("#history-title", Static).update(
            f"直近{len(stats.history)}日の解答数 ({first:%m/%d}〜{last:%m/%d}、█ 正解 ▒ 不正解)")
        self.query_one("#history", Static).update("\n".join(history_chart(stats.history)))
        self.query_one("#areas", Static).update("\n".join(progress_lines(stats.areas)))
        self.query_one("#topics", Static).update("\n".join(progress_lines(stats.topics)))
        self.query_one("#heatmap", Static).update(heatmap_content(self.day_counts(), stats.days[-1].date, 16))

