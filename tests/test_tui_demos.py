"""Pilot tests of the demos screen: run a short demo with live plot data, bad settings, cancelling."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, OptionList, Static

from eqprep.tui.demo_series import parse_settings
from eqprep.tui.screens.demos import DemosScreen
from tests.tui_support import make_app, settle, wait_loaded


async def open_demo(pilot, name: str, settings: str) -> DemosScreen:  # type: ignore[no-untyped-def]
    """Open the demos screen with `name` highlighted and the settings line filled in."""
    await pilot.press("m")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, DemosScreen)
    demo_list = screen.query_one("#demo-list", OptionList)
    demo_list.highlighted = list(screen.specs).index(name)
    await pilot.pause()
    screen.query_one("#demo-settings", Input).value = settings
    return screen


async def test_run_short_demo_streams_and_reports(tmp_path: Path) -> None:
    """A short zero-init run streams points for each run into the plot book and ends with findings."""
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        screen = await open_demo(pilot, "zero-init", "steps=20")
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert screen.result is not None and not screen.result.cancelled
        assert set(screen.book.runs) == set(screen.result.runs)
        assert all(len(steps) >= 2 for steps, _ in screen.book.runs.values())
        info = str(screen.query_one("#demo-info", Static).render())
        assert "完了しました" in info and screen.result.findings[0] in info


async def test_bad_setting_is_explained(tmp_path: Path) -> None:
    """An out-of-range or malformed setting shows a Japanese message and nothing runs."""
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        screen = await open_demo(pilot, "zero-init", "lr=abc")
        await pilot.press("ctrl+r")
        await settle(pilot)
        status = screen.query_one("#demo-status", Static)
        assert status.has_class("-error") and screen.result is None and not screen.running
        screen.query_one("#demo-settings", Input).value = "lr"
        await pilot.press("ctrl+r")
        assert "名前=値" in str(status.render())


async def test_cancel_stops_a_long_demo(tmp_path: Path) -> None:
    """'x' stops a long run at the next step and shows the partial result."""
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        screen = await open_demo(pilot, "optimizers", "steps=5000 path_steps=5000")
        await pilot.press("ctrl+r")
        screen.query_one("#demo-list", OptionList).focus()
        await pilot.press("x")
        await settle(pilot)
        assert screen.result is not None and screen.result.cancelled
        assert "中止" in str(screen.query_one("#demo-status", Static).render())


def test_parse_settings() -> None:
    """Settings line: name=value pairs and a steps count; anything else is a Japanese error."""
    assert parse_settings("lr=0.01 steps=200") == ({"lr": "0.01"}, 200)
    assert parse_settings("") == ({}, None)
    assert isinstance(parse_settings("steps=-1"), str) and isinstance(parse_settings("lr"), str)


async def test_playground_draws_decision_boundary(tmp_path: Path) -> None:
    """The playground's streamed probability grid replaces the line plot with a colour map."""
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        screen = await open_demo(pilot, "playground", "steps=30")
        await pilot.press("ctrl+r")
        await settle(pilot)
        boundary = screen.query_one("#demo-boundary", Static)
        assert boundary.display and not screen.query_one("#demo-plot").display
        drawn = str(boundary.render())
        assert drawn.count("▀") >= 8 * 4 and screen.result is not None


async def test_unexpected_demo_failure_is_reported_not_stuck(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A crash inside a demo ends the run with a Japanese message instead of leaving 実行中 on screen."""
    import eqprep.demos

    def broken(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    monkeypatch.setattr(eqprep.demos, "run_demo", broken)
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        screen = await open_demo(pilot, "zero-init", "steps=5")
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert not screen.running and screen.result is None
        assert "エラー" in str(screen.query_one("#demo-status", Static).render())
