"""Pilot tests of the demos screen: run a short demo with live plot data, bad settings, cancelling."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, Static

from eqprep.tui.demo_series import parse_settings, settings_hint
from eqprep.tui.screens.demos import DemosScreen
from tests.tui_support import make_app, settle, wait_loaded

pytestmark = pytest.mark.tui


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


async def test_x_cancels_from_the_settings_box_and_is_typed_when_idle(tmp_path: Path) -> None:
    """In the settings box, x cancels a running demo (not typed); idle, it types (dataset=xor); footer keeps x."""
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        screen = await open_demo(pilot, "overfit", "steps=3000")  # seconds of work: still running when x arrives
        box = screen.query_one("#demo-settings", Input)
        box.focus()
        await pilot.pause()
        assert box.has_focus and "x" in app.active_bindings     # shown (dimmed) while idle
        await pilot.press("enter")
        await pilot.pause()
        assert screen.running and "x" in app.active_bindings
        await pilot.press("x")
        await settle(pilot)
        assert screen.result is not None and screen.result.cancelled
        assert box.value == "steps=3000" and box.has_focus
        box.value = ""
        await pilot.press(*"dataset=xor")
        assert box.value == "dataset=xor" and not screen.running


async def test_settings_and_results_stay_with_their_demo(tmp_path: Path) -> None:
    """Settings typed for one demo never reach another; each demo keeps its last result and own hint."""
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        screen = await open_demo(pilot, "zero-init", "steps=20 lr=0.3")
        await pilot.press("ctrl+r")
        await settle(pilot)
        first = screen.result
        assert first is not None and first.settings["lr"] == 0.3
        demo_list = screen.query_one("#demo-list", OptionList)
        box = screen.query_one("#demo-settings", Input)
        demo_list.highlighted = list(screen.specs).index("vanishing")
        await pilot.pause()
        assert box.value == "" and "depth=" in box.placeholder and "lr=" not in box.placeholder.split("steps")[0]
        assert screen.result is None
        await pilot.press("ctrl+r")          # runs vanishing with its defaults: lr=0.3 did not leak
        await settle(pilot)
        assert screen.result is not None and screen.result.settings["lr"] == 0.1
        demo_list.highlighted = list(screen.specs).index("zero-init")
        await pilot.pause()
        assert box.value == "steps=20 lr=0.3" and screen.result is first
        assert first.findings[0] in str(screen.query_one("#demo-info", Static).render())


def test_parse_settings() -> None:
    """Settings line: name=value pairs and a steps count; anything else is a Japanese error."""
    assert parse_settings("lr=0.01 steps=200") == ({"lr": "0.01"}, 200)
    assert parse_settings("") == ({}, None)
    assert isinstance(parse_settings("steps=-1"), str) and isinstance(parse_settings("lr"), str)
    assert parse_settings("hidden=、lr=0.1") == ({"hidden": "", "lr": "0.1"}, None)  # "" = no hidden layer, as --set


def test_settings_line_and_cli_share_one_parser(capsys: pytest.CaptureFixture[str]) -> None:
    """The TUI settings line and `eqprep demo --set` read name=value the same way, with the same message."""
    from eqprep.cli import main

    message = parse_settings("lr")
    assert isinstance(message, str)
    assert main(["demo", "init", "--set", "lr"]) == 2
    assert message in capsys.readouterr().err


async def test_playground_draws_points_over_the_map_next_to_loss_curves(tmp_path: Path) -> None:
    """A headless playground run ends with the map, training ● and test ○ points, and the loss curves."""
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot)
        screen = await open_demo(pilot, "playground", "steps=100 grid=12")
        await pilot.press("ctrl+r")
        await settle(pilot)
        picture = screen.query_one("#demo-picture", Static)
        drawn = str(picture.render())
        assert picture.display and screen.query_one("#demo-plot").display
        assert drawn.count("▀") > 100 and "●" in drawn and "○" in drawn and "エポック" in drawn
        assert "テスト損失" in str(screen.query_one("#demo-legend", Static).render())


async def test_pictures_follow_the_view_size_and_f_gives_the_figure_the_pane(tmp_path: Path) -> None:
    """The map is redrawn for the view's final size (not the size it had mid-run); at 80×24 the results panel
    is short, and f hides it so the figure gets the rows."""
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot)
        screen = await open_demo(pilot, "playground", "steps=100 grid=12")
        await pilot.press("ctrl+r")
        await settle(pilot)

        def map_rows() -> int:
            """Map lines, checked to fill the view with the epoch and key lines below (nothing cut)."""
            lines = str(screen.query_one("#demo-picture", Static).render()).split("\n")
            assert len(lines) == view.size.height and lines[-1].endswith("● 訓練 ○ テスト")
            return sum(1 for line in lines if line and set(line) <= set("▀●○"))

        view = screen.query_one("#demo-view")
        assert map_rows() == view.size.height - 1
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert screen.has_class("-short")
        assert map_rows() >= view.size.height - 2, "redrawn for the smaller view"
        results = screen.query_one("#demo-results")
        shown = view.size.height
        assert results.size.height <= 6 and shown >= 8
        await pilot.press("f")
        await settle(pilot)
        assert not results.display and view.size.height > shown + 4 and map_rows() >= view.size.height - 2
        await pilot.press("f")
        await settle(pilot)
        assert results.display and view.size.height == shown


async def test_playground_step_play_pause_and_live_learning_rate(tmp_path: Path) -> None:
    """s trains one epoch; p plays and pauses; a new lr keeps the session, a new shape resets it."""
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot)
        screen = await open_demo(pilot, "playground", "grid=10")
        screen.query_one("#demo-list", OptionList).focus()
        await pilot.press("s")
        await settle(pilot)
        session = screen.playground
        assert session is not None and session.epoch == 1 and not screen.playing
        await pilot.press("p")
        await pilot.pause(0.3)
        assert screen.playing
        await pilot.press("p")
        await settle(pilot)
        assert not screen.playing and session.epoch > 2
        assert "一時停止: エポック" in str(screen.query_one("#demo-status", Static).render())
        screen.query_one("#demo-settings", Input).value = "grid=10 lr=0.1"
        epochs = session.epoch
        await pilot.press("s")
        await settle(pilot)
        assert screen.playground is session and session.epoch == epochs + 1
        assert session.trainer.optimizer.lr == 0.1
        screen.query_one("#demo-settings", Input).value = "grid=10 hidden=8 features=x1,x2,x1^2"
        await pilot.press("s")
        await settle(pilot)
        assert screen.playground is not session and screen.playground.epoch == 1
        assert screen.playground.f_train.shape[1] == 3
        drawn = str(screen.query_one("#demo-picture", Static).render())
        assert "●" in drawn and "エポック 000,001" in drawn


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


def _run_demo_before(name: str, settings: str, keys: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    """A run_before hook: open the demos screen on `name`, run it with `settings`, then press `keys`."""

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await wait_loaded(pilot)
        screen = await open_demo(pilot, name, settings)
        screen.query_one("#demo-settings", Input).cursor_blink = False
        await pilot.press("ctrl+r")
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
        await pilot.pause()

    return run_before


def test_optimizer_paths_snapshot(tmp_path: Path, snap_compare) -> None:  # type: ignore[no-untyped-def]
    """Seven optimizer paths on x²/20 + y² with contours and a wrapped legend, takeaway below (120×40)."""
    assert snap_compare(make_app(tmp_path), terminal_size=(120, 40),
                        run_before=_run_demo_before("optimizers", "steps=20"))


def test_playground_points_snapshot(tmp_path: Path, snap_compare) -> None:  # type: ignore[no-untyped-def]
    """Decision map with training ● and test ○ points beside the train/test loss curves (120×40)."""
    assert snap_compare(make_app(tmp_path), terminal_size=(120, 40),
                        run_before=_run_demo_before("playground", "steps=500 noise=0.1"))


def test_init_histograms_snapshot(tmp_path: Path, snap_compare) -> None:  # type: ignore[no-untyped-def]
    """Per-layer activation histograms for std 1, 0.01, Xavier and He with sigmoid and ReLU (120×40)."""
    assert snap_compare(make_app(tmp_path), terminal_size=(120, 40),
                        run_before=_run_demo_before("init", "steps=20"))


def test_cnn_filters_snapshot(tmp_path: Path, snap_compare) -> None:  # type: ignore[no-untyped-def]
    """First-layer filters before and after training next to the accuracy curves (120×40)."""
    assert snap_compare(make_app(tmp_path), terminal_size=(120, 40),
                        run_before=_run_demo_before("cnn", "steps=100"))


def test_demos_screen_80x24_snapshot(tmp_path: Path, snap_compare) -> None:  # type: ignore[no-untyped-def]
    """The demos screen at 80×24 after a short run: plot, wrapped legend and the results panel all visible."""
    assert snap_compare(make_app(tmp_path), terminal_size=(80, 24),
                        run_before=_run_demo_before("rnn-gradients", ""))


def test_every_demo_gets_a_hint_from_its_own_settings() -> None:
    """The placeholder names the demo's own first setting with a valid example value, and a step count."""
    from eqprep.demos import DEMOS

    for spec in DEMOS.values():
        hint = settings_hint(spec)
        examples = dict(part.split("=", 1) for part in hint.removeprefix("例: ").split())
        steps = examples.pop("steps")
        assert set(examples) == {s.name for s in spec.settings[:1]}, spec.name
        spec.resolve(examples)                   # the examples are valid values
        assert int(steps) >= 1
