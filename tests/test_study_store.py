"""Progress store: rows round-trip, bad files are refused untouched, migrations keep a backup."""

from __future__ import annotations

import sqlite3
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from fsrs import Rating

from eqprep.study import AnswerRecord, Store, StoreError, StudyScheduler
from eqprep.study.schema import SCHEMA_VERSION, migrate
from eqprep.study.store import DB_NAME

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)


def _answer(qid: str = "q1", minutes: int = 0, **extra: object) -> AnswerRecord:
    """An answer record at T0 + minutes."""
    base = dict(question_id=qid, answer="7", verdict="correct", response_ms=1500,
                answered_at=T0 + timedelta(minutes=minutes), params={"H": 6}, rating=3)
    base.update(extra)
    return AnswerRecord(**base)  # type: ignore[arg-type]


def test_new_store_uses_wal_and_current_schema(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    conn = sqlite3.connect(store.path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()


def test_answer_and_card_round_trip(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    state = StudyScheduler(enable_fuzzing=False).review(None, "q1", Rating.Good, T0, 1500)
    row_id = store.record(_answer(), state)
    again = Store.open(tmp_path)
    [got] = again.answers()
    assert got.id == row_id
    assert (got.question_id, got.answer, got.verdict, got.response_ms, got.rating) == ("q1", "7", "correct", 1500, 3)
    assert got.params == {"H": 6}
    assert got.answered_at == T0
    card = again.card("q1")
    assert card is not None and card.reps == 1 and card.card.due == state.card.due
    assert again.card("other") is None


def test_answers_filter_and_first_seen(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    store.record(_answer("a", 5), None)
    store.record(_answer("b", 1), None)
    store.record(_answer("a", 9, verdict="wrong"), None)
    assert [a.answered_at for a in store.answers("a")] == [T0 + timedelta(minutes=5), T0 + timedelta(minutes=9)]
    assert store.first_seen() == {"a": T0 + timedelta(minutes=5), "b": T0 + timedelta(minutes=1)}
    assert store.correct_times(["a", "b"], 10) == [1500, 1500]


def test_failed_card_write_rolls_back_the_answer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store.open(tmp_path)
    state = StudyScheduler(enable_fuzzing=False).review(None, "q1", Rating.Good, T0, 1500)

    def broken(conn: sqlite3.Connection, card: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr("eqprep.study.store._put_card", broken)
    with pytest.raises(StoreError) as info:
        store.record(_answer(), state)
    assert "失敗しました" in info.value.message
    assert store.answers() == []


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"this is not a database at all" * 10,
        lambda data: data[: len(data) // 2],
        lambda data: data[:50],
        lambda data: data[:100] + b"\xff" * (len(data) - 100),
    ],
    ids=["garbage", "truncated-half", "truncated-header", "garbled-pages"],
)
def test_damaged_file_is_refused_and_left_untouched(tmp_path: Path, damage) -> None:  # type: ignore[no-untyped-def]
    good = tmp_path / "good"
    store = Store.open(good)
    for i in range(200):
        store.record(_answer(f"q{i}", i, answer="x" * 200), None)
    bad = tmp_path / "bad"
    bad.mkdir()
    path = bad / DB_NAME
    path.write_bytes(damage((good / DB_NAME).read_bytes()))
    before = path.read_bytes()
    with pytest.raises(StoreError) as info:
        Store.open(bad)
    assert "学習履歴ファイル" in info.value.message
    assert path.read_bytes() == before
    assert sorted(p.name for p in bad.iterdir()) == [DB_NAME]


def test_newer_schema_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / DB_NAME
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE answers (id INTEGER)")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError) as info:
        Store.open(tmp_path)
    assert "新しい版" in info.value.message
    assert path.read_bytes() == before


def test_foreign_sqlite_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / DB_NAME
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE photos (id INTEGER)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError) as info:
        Store.open(tmp_path)
    assert "eqprep の学習履歴ではありません" in info.value.message


def test_migration_from_v1_keeps_rows_and_a_backup(tmp_path: Path) -> None:
    path = tmp_path / DB_NAME
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=1)
    conn.execute(
        "INSERT INTO answers (question_id, answer, verdict, response_ms, answered_at) VALUES ('q', 'a', 'wrong', 9, ?)",
        (T0.isoformat(),),
    )
    conn.close()
    store = Store.open(tmp_path)
    [backup] = [p for p in tmp_path.iterdir() if ".bak-v1-" in p.name]
    old = sqlite3.connect(backup)
    assert old.execute("PRAGMA user_version").fetchone()[0] == 1
    assert old.execute("SELECT question_id, verdict FROM answers").fetchall() == [("q", "wrong")]
    old.close()
    [row] = store.answers()
    assert (row.question_id, row.verdict, row.exam_id) == ("q", "wrong", None)
    exam = store.start_exam(T0, 10, 12.0, 1)
    assert store.exams()[0]["id"] == exam


def test_parallel_threads_each_record(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(20):
                store.record(_answer(f"t{n}", i), None)
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(store.answers()) == 80


def test_settings_persist(tmp_path: Path) -> None:
    Store.open(tmp_path).set_setting("desired_retention", "0.85")
    assert Store.open(tmp_path).settings() == {"desired_retention": "0.85"}


def test_unreadable_database_path_gives_japanese_error(tmp_path: Path) -> None:
    (tmp_path / DB_NAME).mkdir()
    with pytest.raises(StoreError) as info:
        Store.open(tmp_path)
    assert "読めません" in info.value.message


def test_unwritable_data_dir_gives_japanese_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError) as info:
        Store.open(blocker / "sub")
    assert "フォルダ" in info.value.message
