"""The derivation workbench in the TUI: derivative notation, last-correct-line checking, hints, kept work."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Static, TextArea

from eqprep.tui.screens.workbench import WorkbenchScreen, drafts
from tests.tui_support import make_app, settle, wait_loaded

pytestmark = pytest.mark.tui


async def _open(pilot: object) -> WorkbenchScreen:
    """Open the workbench from home with the 'w' key."""
    await pilot.press("w")  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    screen = pilot.app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, WorkbenchScreen)
    return screen


async def _check(pilot: object, screen: WorkbenchScreen, text: str, variables: str, functions: str = "") -> list[str]:
    """Type a derivation and names, run the check, return the result lines."""
    screen.query_one("#variables", Input).value = variables
    screen.query_one("#functions", Input).value = functions
    screen.query_one("#lines", TextArea).text = text
    await pilot.press("ctrl+r")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    return str(screen.query_one("#results", Static).render()).splitlines()


async def test_workbench_derivative_start_and_recovery_after_a_slip(tmp_path: Path) -> None:
    """σ'(u) starts a derivation; after a wrong line the next correct one is ✓ again."""
    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await wait_loaded(pilot)
        screen = await _open(pilot)
        text = "d/du sigmoid(u)\n= exp(-u)/(1+exp(-u))\n= exp(-u)/(1+exp(-u))^2\n= sigmoid(u)*(1-sigmoid(u))"
        lines = await _check(pilot, screen, text, "u")
        marks = [line[:4] for line in lines if line[:2].strip().isdigit()]
        assert marks == [" 1 ・", " 2 ✗", " 3 ✓", " 4 ✓"], lines


async def test_workbench_hint_for_a_missing_variable_and_editable_names(tmp_path: Path) -> None:
    """An undeclared variable says to add it to the variables box, which is a normal (bordered) input."""
    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await wait_loaded(pilot)
        screen = await _open(pilot)
        lines = await _check(pilot, screen, "2(x+z)\n= 2x+2z", "x")
        assert any("「変数」欄に追加" in line for line in lines)
        assert not screen.query_one("#variables", Input).compact
        assert "編集できます" in str(screen.query_one("#names-hint", Static).render())


async def test_workbench_keeps_work_while_the_app_runs(tmp_path: Path) -> None:
    """Leaving and reopening the workbench shows the same lines and names (per derivation key)."""
    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await wait_loaded(pilot)
        screen = await _open(pilot)
        screen.query_one("#lines", TextArea).text = "f(u)^2\n= f(u)*f(u)"
        screen.query_one("#variables", Input).value = "u"
        screen.query_one("#functions", Input).value = "f"
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        again = await _open(pilot)
        assert again is not screen
        assert again.query_one("#lines", TextArea).text == "f(u)^2\n= f(u)*f(u)"
        assert again.query_one("#variables", Input).value == "u"
        assert again.query_one("#functions", Input).value == "f"
        assert set(drafts(app)) == {"free"}
