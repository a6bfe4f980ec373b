"""SQLite schema of the progress store and the ordered migrations that build it."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

SCHEMA_VERSION = 2

TABLES = ("answers", "cards", "exams", "settings")


def _v1(conn: sqlite3.Connection) -> None:
    """Version 1: every answer and the FSRS card of each question family."""
    conn.execute(
        """CREATE TABLE answers (
            id INTEGER PRIMARY KEY,
            question_id TEXT NOT NULL,
            params TEXT NOT NULL DEFAULT '{}',
            answer TEXT NOT NULL,
            verdict TEXT NOT NULL,
            response_ms INTEGER NOT NULL,
            answered_at TEXT NOT NULL,
            rating INTEGER
        )"""
    )
    conn.execute("CREATE INDEX answers_question ON answers(question_id, answered_at)")
    conn.execute(
        """CREATE TABLE cards (
            question_id TEXT PRIMARY KEY,
            card TEXT NOT NULL,
            reps INTEGER NOT NULL DEFAULT 0,
            lapses INTEGER NOT NULL DEFAULT 0,
            due TEXT NOT NULL
        )"""
    )


def _v2(conn: sqlite3.Connection) -> None:
    """Version 2: mock exams (answers point at their exam) and learner settings."""
    conn.execute(
        """CREATE TABLE exams (
            id INTEGER PRIMARY KEY,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            count INTEGER NOT NULL,
            minutes REAL NOT NULL,
            seed INTEGER,
            report TEXT
        )"""
    )
    conn.execute("ALTER TABLE answers ADD COLUMN exam_id INTEGER REFERENCES exams(id)")
    conn.execute("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)")


MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {1: _v1, 2: _v2}


def migrate(conn: sqlite3.Connection, target: int = SCHEMA_VERSION) -> None:
    """Apply the missing migrations up to target in one write transaction and stamp user_version."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        current = int(conn.execute("PRAGMA user_version").fetchone()[0])
        for version in range(current + 1, target + 1):
            MIGRATIONS[version](conn)
        conn.execute(f"PRAGMA user_version = {int(target)}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
