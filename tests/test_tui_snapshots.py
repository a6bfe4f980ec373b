"""SVG snapshots at 80x24 (fixed clock, seed and exam date; cursor blink off): home, note, quiz, exam report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.tui_support import answer_keys, make_app, no_blink, open_quiz, settle, start_exam, type_keys, wait_loaded

pytestmark = pytest.mark.tui


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
        await open_quiz(pilot, "cnn-drill-output", "ドリル")
        no_blink(pilot)
        await pilot.press(*type_keys("12"))
        await pilot.pause()

    assert snap_compare(make_app(tmp_path), run_before=ask)


def test_exam_report_snapshot(tmp_path: Path, snap_compare: Any) -> None:
    """Area report of a 3-question mock exam with one right answer."""

    async def sit_exam(pilot: Pilot[int]) -> None:
        await wait_loaded(pilot)
        exam = await start_exam(pilot, 3)
        await pilot.press(*answer_keys(exam.items[0], True))
        await pilot.press("ctrl+g", "y")
        await settle(pilot)

    assert snap_compare(make_app(tmp_path), run_before=sit_exam)
