"""Import validates everything first and writes nothing on error; export never leaves temp files; clear store errors."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

import pytest

from eqprep.cli import main
from eqprep.study import Store, StoreError
from eqprep.study.store import DB_NAME
from eqprep.study.transfer import export_json, import_json


def _export(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    """A real export of a data dir with one drilled answer."""
    data = tmp_path / "src"
    monkeypatch.setattr("sys.stdin", io.StringIO("1\n"))
    assert main(["--data-dir", str(data), "drill", "--count", "1", "--seed", "3"]) in (0, 1)
    out = tmp_path / "export.json"
    export_json(Store.open(data), out)
    return json.loads(out.read_text(encoding="utf-8"))


def _exam_row() -> dict:
    return {"id": 1, "started_at": "2026-01-01T00:00:00+00:00", "finished_at": None, "count": 5,
            "minutes": 6.0, "seed": None, "report": None}


@pytest.mark.parametrize(
    ("table", "row", "where"),
    [
        ("settings", {"key": "new_per_day", "value": "abc"}, "settings[{i}]"),
        ("settings", {"key": "desired_retention", "value": "5"}, "settings[{i}]"),
        ("exams", {**_exam_row(), "report": "not json"}, "exams[{i}].report"),
        ("exams", {**_exam_row(), "id": [1]}, "exams[{i}].id"),
        ("exams", {**_exam_row(), "minutes": float("nan")}, "exams[{i}].minutes"),
        ("answers", {"question_id": "x", "params": "{}", "answer": "1", "verdict": "correct", "response_ms": 5,
                     "answered_at": "yesterday", "rating": 3, "exam_id": None}, "answers[{i}].answered_at"),
        ("cards", {"question_id": "x", "card": "{}", "reps": 1, "lapses": 0}, "cards[{i}].card"),
    ],
)
def test_bad_rows_are_reported_with_position_and_nothing_is_written(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch, table: str, row: dict, where: str
) -> None:
    payload = _export(tmp_path, monkeypatch)
    where = where.format(i=len(payload[table]))
    payload[table] = [*payload[table], row]
    source = tmp_path / "bad.json"
    source.write_text(json.dumps(payload), encoding="utf-8")
    target = tmp_path / "target"
    before = Store.open(target).dump()
    capsys.readouterr()
    assert main(["--data-dir", str(target), "import", "--json", str(source)]) == 2
    err = capsys.readouterr().err
    assert where in err and "何も取り込んでいません" in err and "Traceback" not in err
    assert Store.open(target).dump() == before
    assert main(["--data-dir", str(target), "stats"]) == 0


def test_good_import_still_works(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    payload = _export(tmp_path, monkeypatch)
    source = tmp_path / "good.json"
    source.write_text(json.dumps(payload), encoding="utf-8")
    added = import_json(Store.open(tmp_path / "target"), source)
    assert added["answers"] == len(payload["answers"]) >= 1


def test_settings_reset_recovers_from_bad_settings(tmp_path: Path, capsys) -> None:
    data = tmp_path / "d"
    Store.open(data)
    with sqlite3.connect(data / DB_NAME) as conn:  # as an old version or a hand edit could have stored it
        conn.execute("INSERT INTO settings (key, value) VALUES ('new_per_day', 'abc')")
    assert main(["--data-dir", str(data), "stats"]) == 0
    assert "eqprep settings --reset" in capsys.readouterr().err
    assert main(["--data-dir", str(data), "settings", "--reset"]) == 0
    assert Store.open(data).settings() == {}
    assert main(["--data-dir", str(data), "stats"]) == 0


def test_export_refuses_empty_paths_directories_and_devices(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "d")
    for target in ("", str(tmp_path)):
        with pytest.raises(StoreError):
            export_json(store, target)
    if Path("/dev/full").exists():
        with pytest.raises(StoreError, match="通常のファイル"):
            export_json(store, "/dev/full")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d"]


def test_export_writes_through_a_symlink_and_leaves_no_temp(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "d")
    real = tmp_path / "real.json"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    export_json(store, link)
    assert link.is_symlink() and json.loads(real.read_text(encoding="utf-8"))["format"] == "eqprep-progress"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d", "link.json", "real.json"]


def _raw_with(pragma: str, uri_mode: str | None = None):
    """A Store._raw replacement opening the file read-only or with a tiny page limit."""
    def raw(self: Store) -> sqlite3.Connection:
        if uri_mode:
            conn = sqlite3.connect(f"file:{self.path}?mode={uri_mode}", uri=True, isolation_level=None)
        else:
            conn = sqlite3.connect(self.path, isolation_level=None)
        conn.row_factory = sqlite3.Row
        if pragma:
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
            conn.execute(f"PRAGMA max_page_count = {pages}")
        return conn
    return raw


def test_read_only_and_full_disk_are_not_called_corrupt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store.open(tmp_path)
    monkeypatch.setattr(Store, "_raw", _raw_with("", "ro"))
    with pytest.raises(StoreError) as info:
        store.set_setting("new_per_day", "5")
    assert "読み取り専用" in info.value.message and "壊れて" in info.value.message  # "壊れていません"
    assert "壊れています" not in info.value.message
    monkeypatch.setattr(Store, "_raw", _raw_with("full"))
    with pytest.raises(StoreError) as info:
        store.set_setting("suspended", json.dumps(["y" * 200_000]))
    assert "ディスクがいっぱい" in info.value.message and "壊れています" not in info.value.message
