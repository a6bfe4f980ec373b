"""Help: every key of every screen, in Japanese."""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from eqprep.tui.screens import registry

APP_KEYS = (("ctrl+p", "コマンドパレット (すべての画面へ)"), ("ctrl+t", "ライト / ダーク テーマ切替"), ("Esc", "戻る"),
            ("ctrl+q", "終了"))
SCREEN_KEYS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("問題", (("1-9", "選択肢を選ぶ (複数正解は切替)"), ("Enter", "解答する / 次の問題へ"),
              ("g", "解答後に関連ノートを開く"), ("1-4", "自己採点: Again / Hard / Good / Easy"),
              ("ctrl+s", "記述問題の解答を送信 (Enter は改行)"),
              ("u / b / s", "取り消して解き直す (続けて押すと新しい順に) / 明日に回す / 保留"),
              ("ctrl+z", "入力欄にいるときの取り消し (u は文字として入力されます)"),
              ("r", "最後に: 間違えた問題をもう一度"))),
    ("ノート", (("Tab", "目次・本文・リンク一覧を移動"), ("Enter", "ノートを開く / リンクをたどる"),
                ("q", "このノートの問題を解く"), ("/", "検索"))),
    ("模擬試験", (("PageDown / PageUp", "次 / 前の問題 (Enter でも次へ)"), ("ctrl+f", "フラグ (後で見直す)"),
                  ("ctrl+o", "次の未解答・フラグの問題へ"), ("ctrl+g", "提出して採点"),
                  ("w / f / a", "結果: 誤答 / フラグ / すべて"), ("q / g", "結果の問題: もう一度解く / ノート"))),
    ("ワークベンチ", (("ctrl+r", "各行を検査"),)),
    ("デモ", (("Enter / ctrl+r", "実行 (設定欄の例: lr=0.01 steps=200)"), ("x", "中止"))),
)
FORMULA_TIPS = (
    "数式は 2*(x+y)、x^2、exp(-x)、sigmoid(u) のように書きます。",
    "入力中の「読み取り」行で、どう解釈されたかを送信前に確認できます (STACK と同じ考え方)。",
)


def sections() -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """Help sections: keys that work everywhere and home's keys come from the navigation table."""
    everywhere = tuple((d.key, f"{d.title} ─ {d.help}") for d in registry.EVERYWHERE)
    home = tuple((d.key, f"{d.title} ─ {d.help}") for d in registry.HOME)
    return (("共通", everywhere + APP_KEYS), ("ホーム", home), *SCREEN_KEYS)


def help_text() -> str:
    """Every key, one line each, grouped by screen (each group's keys padded to its longest key)."""
    lines = ["eqprep のキー操作", ""]
    for title, keys in sections():
        width = max(cell_len(key) for key, _ in keys)
        lines.append(f"[{title}]")
        lines += [f"  {key}{' ' * (width - cell_len(key))}  {action}" for key, action in keys]
    return "\n".join([*lines, "", *FORMULA_TIPS])


class HelpScreen(ModalScreen[None]):
    """Key reference; any of Esc, q or ? closes it."""

    BINDINGS = [
        Binding("escape", "close", "閉じる"),
        Binding("q", "close", show=False),
        Binding("question_mark", "close", show=False),
    ]

    def compose(self) -> ComposeResult:
        """The help text in a scrolling box."""
        with VerticalScroll(id="help"):
            yield Static(help_text(), markup=False)

    def action_close(self) -> None:
        """Close."""
        self.dismiss(None)
