"""TUI: statistics off the UI thread, NO_COLOR on every screen, the dashboard filled from the stats worker."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

from eqprep.tui.app import SafeMonochrome
from eqprep.tui.screens.home import HomeScreen
from eqprep.tui.screens.stats import StatsScreen
from tests.tui_support import make_app, settle, wait_loaded

SCREENS = ("s", "m", "n", "/", "e", "w", "t", "question_mark")


@pytest.mark.parametrize("key", SCREENS)
async def test_no_color_every_screen_renders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, key: str) -> None:
    """With NO_COLOR=1 each screen draws (plots included) without the stock monochrome filter crashing."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        assert any(isinstance(f, SafeMonochrome) for f in app.get_line_filters())
        await pilot.press(key)
        await settle(pilot)
        await pilot.pause(0.1)
        screenshot = app.export_screenshot()
        assert app.return_code is None and "Traceback" not in screenshot
        assert not isinstance(app.screen, HomeScreen), "the screen opened"


async def test_stats_screen_shows_readiness_and_rules(tmp_path: Path) -> None:
    """The statistics screen explains how mastery and readiness are computed, and lists the four areas."""
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StatsScreen) and screen.stats is not None
        readiness = str(screen.query_one("#readiness", Static).render())
        assert all(area in readiness for area in ("応用数学", "機械学習", "深層学習", "開発環境"))
        texts = " ".join(str(s.render()) for s in screen.query(Static))
        assert "習熟度 =" in texts and "準備度" in texts
