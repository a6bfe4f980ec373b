"""Verdict panel shown after grading: result, expected answer, explanation and verified derivation."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Markdown, Static

from eqprep.quiz import Item, Verdict
from eqprep.tui.widgets.hanging import Hanging

STATUS_TITLES = {
    "correct": "◯ 正解",
    "wrong": "✕ 不正解",
    "undecided": "△ 判定できませんでした (正解扱いにはしません)",
    "self": "答え合わせ",
    "unanswered": "― 未解答",
}


class Feedback(Vertical):
    """Everything the learner sees after answering one question."""

    def __init__(self, item: Item, verdict: Verdict, extra: str = "") -> None:
        super().__init__(classes=f"feedback -{verdict.status}")
        self.item = item
        self.verdict = verdict
        self.extra = extra

    def compose(self) -> ComposeResult:
        """Verdict line, message, expected answer, explanation, derivation placeholder (filled by a worker)."""
        title = STATUS_TITLES.get(self.verdict.status, self.verdict.status)
        yield Static(title, classes="verdict", markup=False)
        if self.verdict.message and self.verdict.status != "correct" and self.verdict.message not in title:
            yield Static(self.verdict.message, classes="message", markup=False)
        if self.verdict.expected_text:
            label = "模範解答" if self.verdict.status == "self" else "正解"
            yield Hanging(f"{label}: ", self.verdict.expected_text, classes="expected")
        yield Markdown("**解説** " + self.item.explanation_text, classes="explanation", open_links=False)
        if self.item.question.derivation:
            yield Static("導出を SymPy で検証中…", classes="derivation", markup=False)
        if self.extra:
            yield Static(self.extra, classes="hint", markup=False)
