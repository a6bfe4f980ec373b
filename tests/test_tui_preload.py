"""The app with a preload: home is filled in from the child's glance, keys typed while loading open once it is
in, and a failed or lost child ends in the same error message or an in-process load."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from textual.widgets import Static

from eqprep.study.preload import Failed, Loaded, Preload, load, start_preload
from eqprep.study.service import Study
from eqprep.tui.app import EqprepApp
from eqprep.tui.screens.home import HomeScreen
from eqprep.tui.screens.notes import NotesScreen
from eqprep.tui.session import Config, HomeSummary, Session, open_config_study, start_loading
from tests.tui_support import EXAM_DAY, FIXTURE_CONTENT, NOW, settle

pytestmark = pytest.mark.tui


class HeldPreload(Preload):
    """A preload whose glance is there at once and whose full result waits for the test to release it."""

    def __init__(self, glance: object, result: Loaded | Failed | None) -> None:
        super().__init__(pid=0, fd=-1)
        self.fd = None
        self.sent_glance, self.result = glance, result
        self.release = threading.Event()

    def cancel(self) -> None:
        self.cancelled = True  # no child to signal

    def glance_if_ready(self) -> object | None:
        return None  # as if the child were slower than home: the reader thread delivers the glance

    def glance(self) -> object | None:
        return self.sent_glance

    def wait(self) -> Loaded | Failed | None:
        assert self.release.wait(30), "the test never released the preload"
        return self.result


def _config(data_dir: Path) -> Config:
    return Config(content_root=FIXTURE_CONTENT, data_dir=str(data_dir), clock=lambda: NOW, seed=7,
                  exam_date=EXAM_DAY)


def _summary(app: EqprepApp) -> str:
    return str(app.screen.query_one("#summary", Static).render())


async def test_home_fills_from_the_glance_and_a_typed_key_opens_once_loaded(tmp_path: Path) -> None:
    """While the session is on its way: home shows the child's figures, `n` is remembered, then the notes open."""
    config = _config(tmp_path)
    loaded = load(lambda: open_config_study(config))
    assert isinstance(loaded, Loaded)
    glance = Session.from_preload(config, loaded).summary(loaded.stats)
    preload = HeldPreload(glance, loaded)
    app = EqprepApp(config, warm_up=False, preload=preload)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(200):
            if app.glance is not None and "読み込み中" not in _summary(app):
                break
            await pilot.pause()
        assert app.loading and app.session is None
        assert f"学習済み 0 / {glance.questions} 問" in _summary(app)
        assert "(PyTorch)" in str(app.screen.query_one("#menu", Static).render()), "the menu's setting is shown"
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and app.pending == "notes"
        preload.release.set()
        await settle(pilot)
        assert not app.loading and app.session is not None and app.stats is loaded.stats
        assert isinstance(app.screen, NotesScreen) and app.pending is None


async def test_a_failed_child_shows_its_message_on_home(tmp_path: Path) -> None:
    """The child's StoreError message is home's error line, and study keys then say why they cannot open."""
    failed = Failed("学習履歴ファイル x が壊れています (整合性検査: bad)。")
    preload = HeldPreload(failed, failed)
    preload.release.set()
    app = EqprepApp(_config(tmp_path), warm_up=False, preload=preload)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.session is None and app.load_error == failed.message
        assert f"エラー: {failed.message}" in _summary(app)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen) and app.pending is None


async def test_a_lost_child_means_the_app_loads_here(tmp_path: Path) -> None:
    """No glance and no result (the child died): the app loads in-process and home fills in as usual."""
    preload = HeldPreload(None, None)
    preload.release.set()
    app = EqprepApp(_config(tmp_path), warm_up=False, preload=preload)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.session is not None and app.stats is not None and not app.loading
        assert "学習済み 0 /" in _summary(app)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the preload needs os.fork")
async def test_a_real_child_fills_home(tmp_path: Path) -> None:
    """End to end with a forked child, as `eqprep` starts: figures, then the session."""
    config = _config(tmp_path)
    preload = start_loading(config)
    app = EqprepApp(config, warm_up=False, preload=preload)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(600):
            if not app.loading:
                break
            await pilot.pause(0.05)
        await settle(pilot)
        assert app.session is not None and isinstance(app.glance, HomeSummary)
        assert f"学習済み 0 / {app.glance.questions} 問" in _summary(app)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the preload needs os.fork")
async def test_quitting_while_loading_stops_the_child(tmp_path: Path) -> None:
    """ctrl+q before the data is in: the child is killed and collected, so quitting does not wait for the load."""
    import time

    config = _config(tmp_path)
    never = threading.Event()

    def blocked() -> Study:
        never.wait()
        return open_config_study(config)

    preload = start_preload(blocked, lambda loaded: None)
    assert preload is not None
    app = EqprepApp(config, warm_up=False, preload=preload)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.loading
        await pilot.press("ctrl+q")
    assert preload.cancelled
    for _ in range(400):  # the reader thread collects the killed child; wait for that state, not for a time
        if preload.fd is None:
            break
        time.sleep(0.05)
    assert preload.fd is None and app.session is None
