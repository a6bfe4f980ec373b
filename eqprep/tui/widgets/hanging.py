"""A numbered or labelled entry whose wrapped lines stay under its text, not under its number (hanging indent)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import HorizontalGroup
from textual.content import Content
from textual.widgets import Static


class Hanging(HorizontalGroup):
    """The head ("1. ", "▶ 2. ") in a column of its own width, the body wrapping in the rest of the row."""

    def __init__(self, head: str, body: str | Content, classes: str = "") -> None:
        super().__init__(classes=f"hanging {classes}".strip())
        self.head, self.body = head, body

    def compose(self) -> ComposeResult:
        """The head column, then the body."""
        yield Static(self.head, classes="hanging-head", markup=False)
        yield Static(self.body, classes="hanging-body", markup=False)

    def set_head(self, head: str) -> None:
        """Change the head (a choice's mark), before or after mounting."""
        self.head = head
        for static in self.query(".hanging-head").results(Static):
            static.update(head)

    def label(self) -> str:
        """The entry as one line of plain text, as a screen reader or a test reads it."""
        return self.head + (self.body.plain if isinstance(self.body, Content) else self.body)
