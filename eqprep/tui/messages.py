"""Navigation requests screens post to the app: screens never build each other, the app opens what is asked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:
    from textual.screen import Screen

    from eqprep.bank.model import Question


@dataclass
class OpenScreen(Message):
    """Open a destination of the navigation table by its name (`registry.DESTINATIONS`)."""

    name: str


@dataclass
class OpenNote(Message):
    """Show a note (None: the first one in syllabus order)."""

    note_id: str | None = None


@dataclass
class Ask(Message):
    """Ask these questions in a small quiz titled `title` (answers are recorded as in any review)."""

    questions: Sequence[Question]
    title: str


@dataclass
class OpenDerivation(Message):
    """Show one verified derivation step by step."""

    derivation_id: str


@dataclass
class ShowScreen(Message):
    """A screen built by a screen for its own flow (the exam's paper, its answers) under the stack bound."""

    screen: Screen[Any]
