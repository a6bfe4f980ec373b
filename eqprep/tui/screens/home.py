"""Home: today's due count, new questions left, streak, exam countdown, weakest topics, one key to start."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from eqprep.tui.session import countdown_text

if TYPE_CHECKING:
    from eqprep.tui.app import EqprepApp

MENU = (
    ("r", "今日の復習を始める"),
    ("k", "弱点ドリル (忘れやすい問題)"),
    ("n", "ノート (シラバス順)"),
    ("/", "検索"),
    ("e", "模擬試験"),
    ("s", "統計"),
    ("w", "導出ワークベンチ"),
    ("m", "学習デモ"),
    ("t", "試験日を設定"),
    ("?", "ヘルプ   ctrl+p コマンド   ctrl+q 終了"),
)


def summary_text(summary: dict[str, Any]) -> str:
    """The dashboard block in Japanese."""
    lines = [
        f"今日の復習: {summary['due']} 問    新規: {summary['new']} 問    連続学習: {summary['streak']} 日",
        f"今日このあと期限が来る復習: {summary['due_later']} 問",
        f"学習済み {summary['seen']} / {summary['questions']} 問  (解答 {summary['answers']} 回)",
        countdown_text(summary["days_left"], summary["exam_date"]),
    ]
    if summary["weakest"]:
        weak = "、".join(f"{name} ({mastery * 100:.0f}%)" for _, name, mastery in summary["weakest"])
        lines.append(f"弱点トピック: {weak}")
    elif summary["seen"]:
        lines.append("弱点トピック: なし (習熟度 80% 未満のトピックはありません)")
    else:
        lines.append("弱点トピック: まだデータがありません")
    if summary["problems"]:
        lines.append(f"読み込めなかった内容: {summary['problems']} 件 (`eqprep check` で確認できます)")
    return "\n".join(lines)


class HomeScreen(Screen[None]):
    """The dashboard the app opens on."""

    BINDINGS = [
        Binding("r", "open('review')", "復習"),
        Binding("k", "open('weak')", "弱点", show=False),
        Binding("n", "open('notes')", "ノート"),
        Binding("slash", "open('search')", "検索"),
        Binding("e", "open('exam')", "模試"),
        Binding("s", "open('stats')", "統計"),
        Binding("w", "open('workbench')", "導出", show=False),
        Binding("m", "open('demos')", "デモ", show=False),
        Binding("t", "open('exam_date')", "試験日", show=False),
    ]

    def compose(self) -> ComposeResult:
        """Title, dashboard and the key menu."""
        with VerticalScroll(id="home"):
            yield Static("eqprep ─ E資格 (JDLA Deep Learning for ENGINEER) 学習", id="home-title", markup=False)
            yield Static("読み込み中…", id="summary", markup=False)
            yield Static("\n".join(f" {key:<2} {label}" for key, label in MENU), id="menu", markup=False)
        yield Footer()

    @property
    def eq_app(self) -> EqprepApp:
        """The app, typed."""
        return self.app  # type: ignore[return-value]

    def on_mount(self) -> None:
        """Fill in the dashboard if the session is already loaded."""
        self.refresh_data()

    def on_screen_resume(self) -> None:
        """Recount after returning from a review or exam."""
        self.refresh_data()

    def refresh_data(self) -> None:
        """Redraw the dashboard from the session (or the load error)."""
        target = self.query_one("#summary", Static)
        session = self.eq_app.session
        if self.eq_app.load_error:
            target.update(f"エラー: {self.eq_app.load_error}")
            target.add_class("-error")
        elif session is not None:
            target.update(summary_text(session.summary()))

    def action_open(self, name: str) -> None:
        """Open another screen."""
        self.eq_app.open_screen(name)
