"""Home: today's due count, new questions left, streak, exam countdown, weakest topics, one key to start."""

from __future__ import annotations

from itertools import zip_longest
from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from eqprep.render.text import short_title
from eqprep.tui.screens import registry
from eqprep.tui.session import HomeSummary, countdown_text

if TYPE_CHECKING:
    from eqprep.study.stats import Stats
    from eqprep.tui.app import EqprepApp


def menu_text(summary: HomeSummary | None = None, column: int = 36) -> str:
    """Every destination of the navigation table in two columns, so home fits 80×24 even with long weak topics;
    an entry with a setting shows its current value (once home's figures are in)."""
    cells = [f" {d.key:<2} {d.title}" + (f" ({d.status(summary)})" if d.status and summary else "")
             for d in registry.DESTINATIONS]
    half = (len(cells) + 1) // 2
    rows = []
    for left, right in zip_longest(cells[:half], cells[half:], fillvalue=""):
        pad = column - cell_len(left)
        rows.append(left + " " * max(pad, 1) + right)
    rows.append(" ctrl+p コマンド一覧   ctrl+q 終了")
    return "\n".join(row.rstrip() for row in rows)


def summary_text(summary: HomeSummary) -> str:
    """The dashboard block in Japanese."""
    lines = [
        f"今日の復習: {summary.due} 問    新規: {summary.new} 問    連続学習: {summary.streak} 日",
        f"今日このあと期限が来る復習: {summary.due_later} 問",
        f"学習済み {summary.seen} / {summary.questions} 問  (解答 {summary.answers} 回)",
        countdown_text(summary.days_left, summary.exam_date),
    ]
    if summary.weakest:
        weak = "、".join(f"{short_title(name)} {mastery * 100:.0f}%" for _, name, mastery in summary.weakest)
        lines.append(f"弱点: {weak}")
    elif summary.seen:
        lines.append("弱点トピック: なし (習熟度 80% 未満のトピックはありません)")
    else:
        lines.append("弱点トピック: まだデータがありません")
    if summary.problems:
        lines.append(f"読み込めなかった内容: {summary.problems} 件 (`eqprep check` で確認できます)")
    return "\n".join(lines)


class HomeScreen(Screen[None]):
    """The dashboard the app opens on."""

    BINDINGS = [destination.binding for destination in registry.HOME]

    def __init__(self) -> None:
        super().__init__()
        self.shown_stats: Stats | None = None

    def compose(self) -> ComposeResult:
        """Title, dashboard and the key menu."""
        with VerticalScroll(id="home"):
            yield Static("eqprep ─ E資格 (JDLA Deep Learning for ENGINEER) 学習", id="home-title", markup=False)
            yield Static("読み込み中…", id="summary", markup=False)
            yield Static(menu_text(), id="menu", markup=False)
        yield Footer()

    @property
    def eq_app(self) -> EqprepApp:
        """The app, typed."""
        return self.app  # type: ignore[return-value]

    def on_mount(self) -> None:
        """Fill in what is already loaded (while a preload is still running, the app calls show_loaded later)."""
        self.eq_app.take_glance()
        self.show_loaded()

    def show_loaded(self) -> None:
        """Show the load error, or the figures already delivered (statistics, or the preload's glance)."""
        if self.eq_app.load_error:
            target = self.query_one("#summary", Static)
            target.update(f"エラー: {self.eq_app.load_error}")
            target.add_class("-error")
        elif self.eq_app.stats is not None:
            self.show_stats(self.eq_app.stats)
        elif self.eq_app.glance is not None:
            self.show_summary(self.eq_app.glance)

    def on_screen_resume(self) -> None:
        """Recount after returning from a review or exam (the worker skips the work when nothing changed)."""
        self.eq_app.refresh_stats()

    def show_stats(self, stats: Stats) -> None:
        """Redraw the dashboard from fresh statistics (the same statistics again, as after a resume, need nothing)."""
        session = self.eq_app.session
        if session is not None and stats is not self.shown_stats and self.is_mounted:
            self.shown_stats = stats
            self.show_summary(session.summary(stats))

    def show_summary(self, summary: HomeSummary) -> None:
        """Redraw the dashboard and the menu's settings from home's figures."""
        if self.is_mounted:
            self.query_one("#summary", Static).update(summary_text(summary))
            self.query_one("#menu", Static).update(menu_text(summary))
