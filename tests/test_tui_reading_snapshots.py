"""SVG snapshots at 80x24 of reading-heavy screens: a long Japanese explanation, formula options, a derivation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from eqprep.tui.app import EqprepApp
from eqprep.tui.screens.derivation import DerivationScreen
from tests.tui_support import make_app, no_blink, open_quiz, settle, wait_loaded

pytestmark = pytest.mark.tui

READING = Path(__file__).parent / "fixtures" / "reading"


def reading_app(data_dir: Path) -> EqprepApp:
    """The deterministic test app on the reading fixture content."""
    return make_app(data_dir, content=READING)


def test_long_japanese_explanation_snapshot(tmp_path: Path, snap_compare: Any) -> None:
    """Feedback with a long explanation mixing Japanese, English terms and maths, phrase-wrapped."""

    async def answer(pilot: Pilot[int]) -> None:
        await wait_loaded(pilot)
        await open_quiz(pilot, "read-long-explanation")
        no_blink(pilot)
        await pilot.press("2", "enter")
        await settle(pilot)

    assert snap_compare(reading_app(tmp_path), run_before=answer)


def test_formula_option_list_snapshot(tmp_path: Path, snap_compare: Any) -> None:
    """Four options made of formulas, with operators spaced and subscripts in Unicode."""

    async def ask(pilot: Pilot[int]) -> None:
        await wait_loaded(pilot)
        await open_quiz(pilot, "read-formula-options")
        no_blink(pilot)
        await pilot.pause()

    assert snap_compare(reading_app(tmp_path), run_before=ask)


def test_derivation_snapshot(tmp_path: Path, snap_compare: Any) -> None:
    """A SymPy-verified derivation, step by step."""

    async def show(pilot: Pilot[int]) -> None:
        await wait_loaded(pilot)
        app = pilot.app
        assert isinstance(app, EqprepApp) and app.session is not None
        await app.push_screen(DerivationScreen(app.session, "sigmoid-derivative"))
        await settle(pilot)

    assert snap_compare(reading_app(tmp_path), run_before=show)
