"""Progress store: one SQLite file, validated before use, migrated with a backup, short transactions."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from fsrs import Card

from eqprep.study.errors import StoreError
from eqprep.study.schema import SCHEMA_VERSION, TABLES, migrate
from eqprep.study.settings import parse_setting

DB_NAME = "progress.db"
_HEADER = b"SQLite format 3\x00"
_INSERT_ANSWER = ("INSERT INTO answers (question_id, params, answer, verdict, response_ms, answered_at, rating, exam_id)"
                  " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
_PUT_SETTING = "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)"


@dataclass(frozen=True)
class AnswerRecord:
    """One recorded answer: what was asked (params), what was typed, how it was judged and rated."""

    question_id: str
    answer: str
    verdict: str
    response_ms: int
    answered_at: datetime
    params: dict[str, Any] = field(default_factory=dict)
    rating: int | None = None
    exam_id: int | None = None
    id: int | None = None


@dataclass(frozen=True)
class CardState:
    """FSRS card of one question family plus the counters fsrs does not keep (reps, lapses)."""

    question_id: str
    card: Card
    reps: int = 0
    lapses: int = 0


@dataclass(frozen=True)
class QuestionTotals:
    """Running totals of one question (kept by a trigger): answers, graded, recalled, first/last, last 3 outcomes."""

    question_id: str
    answers: int
    graded: int
    correct: int
    first_at: datetime
    last_at: datetime
    recent: str


@dataclass(frozen=True)
class CardRow:
    """What statistics need of a card, read with SQLite's JSON functions (no fsrs object per card)."""

    question_id: str
    due: datetime
    state: int
    stability: float | None
    last_review: datetime | None
    reps: int
    lapses: int


@dataclass(frozen=True)
class Snapshot:
    """What statistics read, in one consistent transaction, without touching individual answers."""

    answers: int
    totals: dict[str, QuestionTotals]
    cards: dict[str, CardRow]
    days: list[tuple[date, int, int]]
    rated: int
    passed: int
    exams: list[dict[str, Any]]
    earlier_streak: int = 0  # consecutive study days just before days[0], counted when `days` is unbroken


def to_iso(moment: datetime) -> str:
    """UTC ISO-8601 text, the only timestamp format stored."""
    return moment.astimezone(timezone.utc).isoformat()


def from_iso(text: str) -> datetime:
    """Parse a stored timestamp back to an aware UTC datetime."""
    return datetime.fromisoformat(text).astimezone(timezone.utc)


_NOT_CORRUPT = {  # SQLite primary result codes that say nothing about the file's content
    3: "権限がなく読み書きできません (ファイルは壊れていません)",                       # SQLITE_PERM
    5: "ほかの eqprep が使用中です。少し待ってからやり直してください",                  # SQLITE_BUSY
    6: "ほかの eqprep が使用中です。少し待ってからやり直してください",                  # SQLITE_LOCKED
    8: "読み取り専用なので書き込めません (フォルダかファイルの権限を確認してください。ファイルは壊れていません)",  # SQLITE_READONLY
    10: "ディスクの入出力エラーで読み書きできません (ディスクの空きと状態を確認してください)",  # SQLITE_IOERR
    13: "ディスクがいっぱいで書き込めません。空きを作ってからやり直してください (これまでの記録は失われていません)",  # SQLITE_FULL
    14: "開けません (フォルダが読み取り専用か、権限がありません。ファイルは壊れていません)",  # SQLITE_CANTOPEN
}


def storage_problem(exc: sqlite3.Error, path: Path) -> str | None:
    """A Japanese message for SQLite errors caused by the disk or permissions rather than a damaged file."""
    code = getattr(exc, "sqlite_errorcode", None)
    reason = _NOT_CORRUPT.get(code & 0xFF) if isinstance(code, int) else None
    return f"学習履歴ファイル {path} は{reason}。" if reason else None


def _check_file(path: Path) -> None:
    """Refuse files that are not SQLite or are visibly truncated, before SQLite touches them."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError as exc:
        raise StoreError(f"学習履歴ファイル {path} を読めません: {exc.strerror}") from exc
    if size == 0:
        return
    if len(header) < 100 or not header.startswith(_HEADER):
        raise StoreError(f"学習履歴ファイル {path} は SQLite データベースではないか、壊れています。")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    wal = path.with_name(path.name + "-wal")
    has_wal = wal.exists() and wal.stat().st_size > 0
    if not has_wal and pages and size < page_size * pages:
        raise StoreError(f"学習履歴ファイル {path} は途中で切れています ({size} / {page_size * pages} バイト)。")


class Store:
    """The learner's progress database; every public method opens, uses and closes its own connection."""

    def __init__(self, path: Path) -> None:
        """Use Store.open(); this constructor assumes the file was already validated and migrated."""
        self.path = path

    @classmethod
    def open(cls, data_dir: str | Path) -> Store:
        """Open (creating if needed) data_dir/progress.db; raise StoreError rather than overwrite anything."""
        directory = Path(data_dir)
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"学習履歴のフォルダ {directory} を作れません: {exc.strerror}") from exc
        path = directory / DB_NAME
        if path.exists():
            _check_file(path)
        store = cls(path)
        store._prepare()
        return store

    def _raw(self) -> sqlite3.Connection:
        """A connection in autocommit mode (transactions are explicit)."""
        conn = sqlite3.connect(self.path, isolation_level=None, timeout=10.0)
        conn.row_factory = sqlite3.Row
        return conn

    def _prepare(self) -> None:
        """Validate the content, back up and migrate an older schema, then switch to WAL."""
        try:
            conn = self._raw()
        except sqlite3.Error as exc:
            raise StoreError(storage_problem(exc, self.path) or f"学習履歴ファイル {self.path} を開けません: {exc}") from exc
        try:
            version = self._inspect(conn)
            if version < SCHEMA_VERSION:
                if version > 0:
                    self._backup(conn, version)
                migrate(conn)
            conn.execute("PRAGMA journal_mode=WAL")
        except sqlite3.Error as exc:
            raise StoreError(storage_problem(exc, self.path) or f"学習履歴ファイル {self.path} を準備できません: {exc}") from exc
        finally:
            conn.close()

    def _inspect(self, conn: sqlite3.Connection) -> int:
        """Read-only checks: integrity, schema version, and that an unversioned file is empty."""
        try:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        except sqlite3.DatabaseError as exc:
            raise StoreError(storage_problem(exc, self.path) or f"学習履歴ファイル {self.path} が壊れています ({exc})。") from exc
        if check != "ok":
            raise StoreError(f"学習履歴ファイル {self.path} が壊れています (整合性検査: {check})。")
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"学習履歴ファイル {self.path} は新しい版の eqprep で作られています (スキーマ {version} > "
                f"{SCHEMA_VERSION})。eqprep を更新してください。ファイルは変更していません。"
            )
        if version == 0 and tables:
            raise StoreError(f"{self.path} は eqprep の学習履歴ではありません (不明なテーブル: {sorted(tables)})。")
        return version

    def _backup(self, conn: sqlite3.Connection, version: int) -> None:
        """Copy the whole database (consistent snapshot) next to it before migrating."""
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        target = self.path.with_name(f"{self.path.name}.bak-v{version}-{stamp}")
        dest = sqlite3.connect(target)
        try:
            conn.backup(dest)
        finally:
            dest.close()

    @contextmanager
    def _connect(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        """Open a connection for one short transaction (IMMEDIATE when writing) and always close it."""
        try:
            conn = self._raw()
        except sqlite3.Error as exc:
            raise StoreError(storage_problem(exc, self.path) or f"学習履歴ファイル {self.path} を開けません: {exc}") from exc
        try:
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield conn
            except BaseException:
                if conn.in_transaction:  # SQLite has already rolled back after e.g. SQLITE_FULL
                    with suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            message = storage_problem(exc, self.path) or f"学習履歴ファイル {self.path} の読み書きに失敗しました: {exc}"
            raise StoreError(message) from exc
        finally:
            conn.close()

    # --- answers and cards -------------------------------------------------------------------

    def record(self, answer: AnswerRecord, card: CardState | None) -> int:
        """Insert one answer and (optionally) its updated card in a single transaction; return the row id."""
        with self._connect(write=True) as conn:
            cursor = conn.execute(_INSERT_ANSWER, _answer_values(answer))
            if card is not None:
                _put_card(conn, card)
            return int(cursor.lastrowid or 0)

    def record_review(
        self, answer: AnswerRecord, review: Callable[[CardState | None], CardState | None]
    ) -> tuple[CardState | None, CardState | None, int]:
        """Read the answer's card, compute `review(card)` and write both in one BEGIN IMMEDIATE transaction.

        Two processes answering the same card can then never lose one another's review; returns (before, after,
        the answer's row id).
        """
        with self._connect(write=True) as conn:
            row = conn.execute("SELECT * FROM cards WHERE question_id = ?", (answer.question_id,)).fetchone()
            current = _card_from_row(row) if row else None
            updated = review(current)
            cursor = conn.execute(_INSERT_ANSWER, _answer_values(answer))
            if updated is not None:
                _put_card(conn, updated)
            return current, updated, int(cursor.lastrowid or 0)

    def answers(self, question_id: str | None = None, exam_id: int | None = None) -> list[AnswerRecord]:
        """Recorded answers in time order, optionally for one question or one exam."""
        sql = "SELECT * FROM answers"
        where: list[str] = []
        args: list[str | int] = []
        if question_id is not None:
            where.append("question_id = ?")
            args.append(question_id)
        if exam_id is not None:
            where.append("exam_id = ?")
            args.append(exam_id)
        if where:
            sql += " WHERE " + " AND ".join(where)
        with self._connect() as conn:
            rows = conn.execute(sql + " ORDER BY answered_at, id", args).fetchall()
        return [_answer_from_row(r) for r in rows]

    def first_seen(self) -> dict[str, datetime]:
        """When each question was answered for the first time (for the new-per-day limit)."""
        with self._connect() as conn:
            rows = conn.execute("SELECT question_id, first_at FROM question_totals").fetchall()
        return {r[0]: from_iso(r[1]) for r in rows}

    def version(self) -> tuple[object, ...]:
        """A cheap fingerprint that changes whenever answers, cards, exams or settings change."""
        with self._connect() as conn:
            return tuple(conn.execute(
                "SELECT (SELECT MAX(id) FROM answers), (SELECT TOTAL(answers) FROM question_totals),"
                " (SELECT TOTAL(reps) + TOTAL(julianday(due)) FROM cards),"
                " (SELECT MAX(id) FROM exams), (SELECT COUNT(report) FROM exams),"
                " (SELECT group_concat(key || '=' || value, ';') FROM settings)"
            ).fetchone())

    def snapshot(self, retention_since: datetime, utc_offset_minutes: int, days_since: datetime) -> Snapshot:
        """Totals, cards, per-day counts (local days at the given UTC offset, from `days_since` on; when the
        learner studied every day of that window, how many days the streak reaches further back) and exams,
        in one transaction."""
        shift = f"{utc_offset_minutes:+d} minutes"
        since = days_since.astimezone(timezone.utc).strftime("%Y-%m-%dT%H")
        with self._connect() as conn:
            totals = {
                r["question_id"]: QuestionTotals(r["question_id"], r["answers"], r["graded"], r["correct"],
                                                 from_iso(r["first_at"]), from_iso(r["last_at"]), r["recent"])
                for r in conn.execute("SELECT * FROM question_totals")
            }
            cards = {
                r[0]: CardRow(r[0], from_iso(r[1]), int(r[2] or 0), r[3], from_iso(r[4]) if r[4] else None,
                              int(r[5]), int(r[6]))
                for r in conn.execute(
                    "SELECT question_id, due, json_extract(card, '$.state'), json_extract(card, '$.stability'),"
                    " json_extract(card, '$.last_review'), reps, lapses FROM cards"
                )
            }
            day_sql = ("SELECT date(hour || ':00:00', ?) AS day, SUM(answers), SUM(correct) FROM hour_totals"
                       " WHERE hour >= ? GROUP BY day ORDER BY day")
            days = [(date.fromisoformat(r[0]), int(r[1]), int(r[2]))
                    for r in conn.execute(day_sql, (shift, since)) if r[0] is not None]
            window = (days_since.astimezone(timezone.utc) + timedelta(minutes=utc_offset_minutes)).date()
            earlier = 0
            if days and days[0][0] <= window + timedelta(days=1) and _unbroken(days):
                earlier = _days_studied_before(conn, days[0][0], utc_offset_minutes)
            rated, passed = conn.execute(
                "SELECT COUNT(*), COALESCE(SUM(rating != 1), 0) FROM answers"
                " WHERE rating IS NOT NULL AND answered_at >= ?",
                (to_iso(retention_since),),
            ).fetchone()
            exams = [dict(r) for r in conn.execute("SELECT * FROM exams WHERE report IS NOT NULL ORDER BY id")]
        return Snapshot(
            answers=sum(t.answers for t in totals.values()),
            totals=totals,
            cards=cards,
            days=days,
            rated=int(rated),
            passed=int(passed),
            exams=exams,
            earlier_streak=earlier,
        )

    def correct_times(self, question_ids: list[str], limit: int) -> list[int]:
        """Response times (ms) of the newest correct drill answers (exam rows excluded) to the given questions."""
        if not question_ids:
            return []
        marks = ",".join("?" * len(question_ids))
        with self._connect() as conn:
            rows = conn.execute(
                f"SELECT response_ms FROM answers WHERE verdict = 'correct' AND exam_id IS NULL AND question_id IN ({marks})"
                " ORDER BY answered_at DESC, id DESC LIMIT ?",
                (*question_ids, limit),
            ).fetchall()
        return [int(r[0]) for r in rows]

    def put_card(self, state: CardState) -> None:
        """Store one card as given (bury moves its due time)."""
        with self._connect(write=True) as conn:
            _put_card(conn, state)

    def delete_card(self, question_id: str) -> None:
        """Forget a question's card (an unburied never-answered question is new again)."""
        with self._connect(write=True) as conn:
            conn.execute("DELETE FROM cards WHERE question_id = ?", (question_id,))

    def undo(self, answer_id: int, previous: CardState | None) -> None:
        """Delete one answer and restore its question's card (None: the question had no card before)."""
        with self._connect(write=True) as conn:
            row = conn.execute("SELECT question_id FROM answers WHERE id = ?", (answer_id,)).fetchone()
            if row is None:
                return
            conn.execute("DELETE FROM answers WHERE id = ?", (answer_id,))
            if previous is None:
                conn.execute("DELETE FROM cards WHERE question_id = ?", (row["question_id"],))
            else:
                _put_card(conn, previous)

    def card(self, question_id: str) -> CardState | None:
        """The card of one question family, or None if never scheduled."""
        with self._connect() as conn:
            row = conn.execute("SELECT * FROM cards WHERE question_id = ?", (question_id,)).fetchone()
        return _card_from_row(row) if row else None

    def cards(self) -> dict[str, CardState]:
        """All scheduled cards by question id."""
        with self._connect() as conn:
            rows = conn.execute("SELECT * FROM cards").fetchall()
        return {r["question_id"]: _card_from_row(r) for r in rows}

    # --- exams ---------------------------------------------------------------------------------

    def start_exam(self, started_at: datetime, count: int, minutes: float, seed: int | None) -> int:
        """Create an exam row and return its id."""
        with self._connect(write=True) as conn:
            cursor = conn.execute(
                "INSERT INTO exams (started_at, count, minutes, seed) VALUES (?, ?, ?, ?)",
                (to_iso(started_at), count, minutes, seed),
            )
            return int(cursor.lastrowid or 0)

    def finish_exam(self, exam_id: int, finished_at: datetime, report: dict[str, Any]) -> None:
        """Store the final report of an exam."""
        with self._connect(write=True) as conn:
            conn.execute(
                "UPDATE exams SET finished_at = ?, report = ? WHERE id = ?",
                (to_iso(finished_at), json.dumps(report, ensure_ascii=False), exam_id),
            )

    def exams(self) -> list[dict[str, Any]]:
        """All exams (newest last) as plain dicts with the report decoded."""
        with self._connect() as conn:
            rows = conn.execute("SELECT * FROM exams ORDER BY id").fetchall()
        return [{**dict(r), "report": json.loads(r["report"]) if r["report"] else None} for r in rows]

    # --- settings ------------------------------------------------------------------------------

    def settings(self) -> dict[str, str]:
        """All stored settings as text."""
        with self._connect() as conn:
            return {r["key"]: r["value"] for r in conn.execute("SELECT key, value FROM settings")}

    def set_setting(self, key: str, value: str) -> None:
        """Store one setting; SettingError (a Japanese message) and nothing written when the value is not allowed."""
        parse_setting(key, value)
        with self._connect(write=True) as conn:
            conn.execute(_PUT_SETTING, (key, value))

    def reset_settings(self) -> int:
        """Delete every stored setting (the defaults apply again); return how many there were."""
        with self._connect(write=True) as conn:
            return int(conn.execute("DELETE FROM settings").rowcount)

    # --- bulk access for export/import -----------------------------------------------------------

    def dump(self) -> dict[str, list[dict[str, Any]]]:
        """Every row of every table as plain dicts (one consistent read transaction)."""
        with self._connect() as conn:
            return {t: [dict(r) for r in conn.execute(f"SELECT * FROM {t} ORDER BY rowid")] for t in TABLES}

    def load(self, data: dict[str, list[dict[str, Any]]]) -> dict[str, int]:
        """Merge dumped rows in one transaction: new answers/exams added, newer cards win; return counts."""
        added = {t: 0 for t in TABLES}
        with self._connect(write=True) as conn:
            exam_ids: dict[int, int] = {}
            for row in data.get("exams", []):
                found = conn.execute("SELECT id FROM exams WHERE started_at = ?", (row["started_at"],)).fetchone()
                if found:
                    exam_ids[row["id"]] = found[0]
                    continue
                cursor = conn.execute(
                    "INSERT INTO exams (started_at, finished_at, count, minutes, seed, report)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (row["started_at"], row["finished_at"], row["count"], row["minutes"], row["seed"], row["report"]),
                )
                exam_ids[row["id"]] = int(cursor.lastrowid or 0)
                added["exams"] += 1
            for row in data.get("answers", []):
                key = (row["question_id"], row["answered_at"], row["answer"])
                if conn.execute(
                    "SELECT 1 FROM answers WHERE question_id = ? AND answered_at = ? AND answer = ?", key
                ).fetchone():
                    continue
                conn.execute(
                    _INSERT_ANSWER,
                    (
                        row["question_id"], row["params"], row["answer"], row["verdict"], row["response_ms"],
                        row["answered_at"], row["rating"], exam_ids.get(row["exam_id"]) if row["exam_id"] else None,
                    ),
                )
                added["answers"] += 1
            for row in data.get("cards", []):
                incoming = _card_from_row(row)
                current = conn.execute("SELECT * FROM cards WHERE question_id = ?", (row["question_id"],)).fetchone()
                if current is None or _last_review(incoming) > _last_review(_card_from_row(current)):
                    _put_card(conn, incoming)
                    added["cards"] += 1
            for row in data.get("settings", []):
                conn.execute(_PUT_SETTING, (row["key"], row["value"]))
                added["settings"] += 1
        return added


# Walks back one local day at a time while the day has answers: one index lookup per day of the streak, instead of
# grouping every hour of a long history by day. `?` is the first day's start in UTC on the hour grid.
_EARLIER_STREAK_SQL = """
WITH RECURSIVE back(n) AS (
    SELECT 0
    UNION ALL
    SELECT n + 1 FROM back WHERE EXISTS (
        SELECT 1 FROM hour_totals
        WHERE hour >= strftime('%Y-%m-%dT%H', :start, printf('-%d days', n + 1))
          AND hour < strftime('%Y-%m-%dT%H', :start, printf('-%d days', n))))
SELECT MAX(n) FROM back
"""


def _days_studied_before(conn: sqlite3.Connection, first: date, utc_offset_minutes: int) -> int:
    """Consecutive local days with answers just before `first`.

    An hour's answers count on the local day of the hour's start (as the per-day query groups them), so a local
    day is the UTC hours from its midnight (moved up to a whole hour under a half-hour offset) to the next one.
    """
    start = datetime.combine(first, datetime.min.time()) - timedelta(minutes=utc_offset_minutes)
    if start.minute or start.second:
        start = start.replace(minute=0, second=0) + timedelta(hours=1)
    return int(conn.execute(_EARLIER_STREAK_SQL, {"start": start.strftime("%Y-%m-%d %H:%M:%S")}).fetchone()[0])


def _unbroken(days: list[tuple[date, int, int]]) -> bool:
    """Every day from the first to the last has answers (a streak may reach further back)."""
    return (days[-1][0] - days[0][0]).days + 1 == len(days)


def _last_review(state: CardState) -> datetime:
    """Last review time of a card, the oldest possible time if never reviewed."""
    return state.card.last_review or datetime.min.replace(tzinfo=timezone.utc)


def _put_card(conn: sqlite3.Connection, state: CardState) -> None:
    """Insert or replace one card row."""
    conn.execute(
        "INSERT OR REPLACE INTO cards (question_id, card, reps, lapses, due) VALUES (?, ?, ?, ?, ?)",
        (state.question_id, state.card.to_json(), state.reps, state.lapses, to_iso(state.card.due)),
    )


def _card_from_row(row: sqlite3.Row | dict[str, Any]) -> CardState:
    """Decode a cards row."""
    return CardState(
        question_id=row["question_id"],
        card=Card.from_json(row["card"]),
        reps=int(row["reps"]),
        lapses=int(row["lapses"]),
    )


def _answer_from_row(row: sqlite3.Row) -> AnswerRecord:
    """Decode an answers row."""
    return AnswerRecord(
        id=row["id"],
        question_id=row["question_id"],
        params=json.loads(row["params"]),
        answer=row["answer"],
        verdict=row["verdict"],
        response_ms=row["response_ms"],
        answered_at=from_iso(row["answered_at"]),
        rating=row["rating"],
        exam_id=row["exam_id"],
    )


def _answer_values(answer: AnswerRecord) -> tuple[object, ...]:
    """The parameters of _INSERT_ANSWER for one answer (record and record_review share them)."""
    return (
        answer.question_id,
        json.dumps(answer.params, ensure_ascii=False, sort_keys=True),
        answer.answer,
        answer.verdict,
        int(answer.response_ms),
        to_iso(answer.answered_at),
        answer.rating,
        answer.exam_id,
    )
