"""Statistics: retention, reviews over time (plot), mastery per area and topic, heatmap of study days."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from eqprep.study.stats import compute_stats, pct
from eqprep.tui.widgets.heatmap import StudyHeatmap

if TYPE_CHECKING:
    from eqprep.tui.session import Session


def mastery_lines(rows: list[dict[str, Any]], width: int = 16) -> list[str]:
    """One bar per area/topic: mastery as a bar, accuracy and coverage as numbers."""
    lines = []
    for row in rows:
        filled = round(width * row["mastery"])
        lines.append(f"  {'█' * filled}{'░' * (width - filled)} {pct(row['mastery']):>4}  正答 {pct(row['accuracy']):>4}"
                     f"  {row['seen']}/{row['questions']}  {row['name']}")
    return lines


def overview_text(stats: dict[str, Any]) -> str:
    """Headline numbers in Japanese."""
    ret = stats["retention"]
    return "\n".join([
        f"問題 {stats['questions']}  学習済み {stats['seen']}  解答 {stats['answers']} 回  連続学習 {stats['streak']} 日",
        f"保持率 (直近{ret['days']}日) {pct(ret['rate'])} ({ret['passed']}/{ret['reviews']})"
        f"  目標 {stats['desired_retention']:.2f}  平均想起率 {pct(stats['mean_recall'])}",
        f"今すぐ復習 {stats['due_now']} 問  今日中 {stats['due_today']} 問",
    ])


class StatsScreen(Screen[None]):
    """Read-only dashboard of progress."""

    BINDINGS = [Binding("escape", "app.pop_screen", "戻る")]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.stats: dict[str, Any] = {}

    def compose(self) -> ComposeResult:
        """Overview, plot of the last two weeks, mastery bars, heatmap."""
        from textual_plot import PlotWidget

        stats = self.stats = compute_stats(self.session.study)
        with VerticalScroll(id="stats"):
            yield Static("統計", classes="title", markup=False)
            yield Static(overview_text(stats), markup=False)
            yield Static(f"直近{len(stats['history'])}日の解答数 (緑) と正解数 (水色)", classes="hint", markup=False)
            yield PlotWidget(id="history", allow_pan_and_zoom=False)
            yield Static("分野別 習熟度", classes="hint", markup=False)
            yield Static("\n".join(mastery_lines(stats["areas"])), markup=False)
            yield Static("トピック別 習熟度", classes="hint", markup=False)
            yield Static("\n".join(mastery_lines(stats["topics"])), markup=False)
            yield Static("学習日 (直近16週)", classes="hint", markup=False)
            yield StudyHeatmap(self.day_counts(), self.session.today(), id="heatmap")
        yield Footer()

    def day_counts(self) -> Counter[date]:
        """Answers per local calendar day."""
        study = self.session.study
        return Counter(study.local_date(a.answered_at) for a in study.store.answers())

    def on_mount(self) -> None:
        """Draw the two-week history."""
        from textual_plot import PlotWidget

        history = self.stats["history"]
        plot = self.query_one("#history", PlotWidget)
        days = list(range(len(history)))
        plot.bar(days, [h["answers"] for h in history], width=0.8, bar_style="green", label="解答")
        plot.bar(days, [h["correct"] for h in history], width=0.8, bar_style="cyan", label="正解")
        plot.set_xlimits(-0.5, len(days) - 0.5)
        plot.set_ylimits(0, max([h["answers"] for h in history] + [1]))
        plot.set_xlabel(f"日 ({history[0]['date'][5:]} 〜 {history[-1]['date'][5:]})")
