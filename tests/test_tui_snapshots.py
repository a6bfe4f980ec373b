"""SVG snapshots at 80x24 (fixed clock, seed and exam date; cursor blink off): home, note, quiz, exam report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from eqprep.tui.screens.quiz import QuizScreen
from tests.tui_support import answer_keys, make_app, no_blink, settle, type_keys, wait_loaded


def test_home_snapshot(tmp_path: Path, snap_compare: Any) -> None:
    """The dashboard right after start."""
    assert snap_compare(make_app(tmp_path), run_before=wait_loaded)


def test_note_with_math_snapshot(tmp_path: Path, snap_compare: Any) -> None:
    """A note whose inline and display LaTeX is shown as Unicode."""

    async def open_note(pilot: Pilot[int]) -> None:
        await wait_loaded(pilot)
        await pilot.press("n")
        await settle(pilot)

    assert snap_compare(make_app(tmp_path), run_before=open_note)


def test_quiz_snapshot(tmp_path: Path, snap_compare: Any) -> None:
    """A seeded parametric drill with a typed answer and its live reading."""

    async def ask(pilot: Pilot[int]) -> None:
        await wait_loaded(pilot)
        app = pilot.app
        session = app.session  # type: ignore[attr-defined]
        await app.push_screen(QuizScreen(session, [session.bank.questions["cnn-drill-output"]], "ドリル"))
        await pilot.pause()
        no_blink(pilot)
        await pilot.press(*type_keys("12"))
        await pilot.pause()

    assert snap_compare(make_app(tmp_path), run_before=ask)


def test_exam_report_snapshot(tmp_path: Path, snap_compare: Any) -> None:
    """Area report of a 3-question mock exam with one right answer."""

    async def sit_exam(pilot: Pilot[int]) -> None:
        await wait_loaded(pilot)
        await pilot.press("e")
        await pilot.pause()
        pilot.app.screen.query_one("#count", Input).value = "3"
        await pilot.press("enter")
        await pilot.pause()
        exam = pilot.app.screen
        await pilot.press(*answer_keys(exam.items[0], True))  # type: ignore[attr-defined]
        await pilot.press("ctrl+g", "y")
        await settle(pilot)

    assert snap_compare(make_app(tmp_path), run_before=sit_exam)
