"""Settings are checked whenever they are set (CLI, TUI, import) or read at start: a bad value never sticks."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from eqprep.cli import main
from eqprep.study.settings import RULES, SettingError, parse_setting, read_settings
from eqprep.study.store import DB_NAME, Store
from eqprep.tui.screens.dialogs import ExamDateScreen
from eqprep.tui.screens.home import HomeScreen
from tests.tui_support import FIXTURE_CONTENT, make_app, wait_loaded

BAD = {
    "desired_retention": ["0.3", "abc", "nan", "inf", "0.98"],
    "new_per_day": ["abc", "-1", "2.5", ""],
    "leech_threshold": ["0", "x"],
    "exam_date": ["2027-13-40", "tomorrow"],
    "framework": ["tensorflow", ""],
    "suspended": ["[1, 2]", "{", "\"q\""],
    "buried": ["[]", "{\"q\": 1}", "x"],
}
GOOD = {"desired_retention": "0.85", "new_per_day": "0", "leech_threshold": "3", "exam_date": "2027-02-20",
        "framework": "none", "suspended": "[\"q-1\"]", "buried": "{\"q-1\": {\"until\": null, \"due\": null}}"}


def _write_raw(data: Path, key: str, value: str) -> None:
    """Put a value straight into the settings table, as an old version or a hand edit could."""
    Store.open(data)
    with sqlite3.connect(data / DB_NAME) as conn:
        conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", (key, value))


def test_every_rule_refuses_bad_values_with_a_japanese_message() -> None:
    assert set(BAD) == set(GOOD) == set(RULES)
    for key, values in BAD.items():
        for value in values:
            with pytest.raises(SettingError, match="にしてください") as info:
                parse_setting(key, value)
            assert key in str(info.value) and RULES[key].label in str(info.value)
        parse_setting(key, GOOD[key])
    with pytest.raises(SettingError, match="設定できるのは"):
        parse_setting("colour", "red")


def test_store_keeps_the_old_value_when_a_bad_one_is_set(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    for key, value in GOOD.items():
        store.set_setting(key, value)
    for key, values in BAD.items():
        for value in values:
            with pytest.raises(SettingError):
                store.set_setting(key, value)
    assert store.settings() == GOOD


def test_cli_settings_sets_checks_and_keeps_the_old_value(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = ["--data-dir", str(tmp_path)]
    assert main([*data, "settings", "new_per_day", "7"]) == 0
    assert "1 日の新規問題数 (new_per_day) を 7 にしました" in capsys.readouterr().out
    assert main([*data, "settings", "new_per_day", "abc"]) == 2
    err = capsys.readouterr().err
    assert "'abc' は使えません" in err and "0 以上の整数" in err and "Traceback" not in err
    assert main([*data, "settings", "colour", "red"]) == 2
    assert "設定 'colour' はありません" in capsys.readouterr().err
    assert main([*data, "settings", "new_per_day"]) == 2
    assert Store.open(tmp_path).settings() == {"new_per_day": "7"}


def test_drill_flags_are_checked_before_anything_is_stored(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Store.open(tmp_path).set_setting("desired_retention", "0.85")
    drill = ["--data-dir", str(tmp_path), "drill", "--content", str(FIXTURE_CONTENT), "--count", "1"]
    assert main([*drill, "--desired-retention", "0.3"]) == 2
    assert "目標保持率" in capsys.readouterr().err
    assert Store.open(tmp_path).settings() == {"desired_retention": "0.85"}


def test_bad_stored_values_fall_back_to_defaults_with_a_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    values, problems = read_settings({"new_per_day": "abc", "framework": "none", "suspended": "{"})
    assert values["new_per_day"] == RULES["new_per_day"].default and values["framework"] == "none"
    assert values["suspended"] == [] and len(problems) == 2
    assert all("eqprep settings --reset" in p for p in problems)
    _write_raw(tmp_path, "new_per_day", "abc")
    assert main(["--data-dir", str(tmp_path), "stats", "--content", str(FIXTURE_CONTENT)]) == 0
    err = capsys.readouterr().err
    assert "注意: 保存されている設定が不正なので初期値 (20) を使います" in err and "new_per_day" in err
    assert main(["--data-dir", str(tmp_path), "settings"]) == 0
    assert "new_per_day = abc  ← 不正" in capsys.readouterr().out


async def test_tui_exam_date_refuses_a_bad_date_and_keeps_the_saved_one(tmp_path: Path) -> None:
    Store.open(tmp_path).set_setting("exam_date", "2027-08-20")
    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await wait_loaded(pilot)
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, ExamDateScreen)
        app.screen.query_one("#date", Input).value = "2027-13-40"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExamDateScreen)
        assert "YYYY-MM-DD" in str(app.screen.query_one("#error", Static).render())
    assert Store.open(tmp_path).settings() == {"exam_date": "2027-08-20"}


async def test_tui_start_with_a_bad_stored_value_says_so_and_still_opens(tmp_path: Path) -> None:
    _write_raw(tmp_path, "desired_retention", "5")
    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await wait_loaded(pilot)
        assert isinstance(app.screen, HomeScreen) and app.session is not None and not app.load_error
        messages = [n.message for n in app._notifications]
        assert any("目標保持率 (desired_retention) の値 '5' は使えません" in m for m in messages), messages
        assert app.session.study.scheduler.fsrs.desired_retention == RULES["desired_retention"].default
