"""App-wide messages: workers post these and never touch widgets themselves."""

from __future__ import annotations

from textual.message import Message

from eqprep.tui.session import Session


class SessionReady(Message):
    """The bank is loaded and the store is open."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session


class LoadFailed(Message):
    """Loading failed; `text` is the Japanese message to show instead of a traceback."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text
