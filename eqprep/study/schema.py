"""SQLite schema of the progress store and the ordered migrations that build it."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

SCHEMA_VERSION = 3

TABLES = ("answers", "cards", "exams", "settings")  # what export/import carry; totals are derived


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


# An answer counts as recalled when judged correct, or self-graded Hard/Good/Easy.
_OK = "(verdict = 'correct' OR (verdict = 'self' AND rating > 1))"
_GRADED = "verdict IN ('correct', 'wrong', 'unanswered', 'self')"


def _v3(conn: sqlite3.Connection) -> None:
    """Version 3: running totals per question and per UTC hour, kept by triggers, so statistics never scan answers.

    `recent` holds the outcomes of the question's last three graded answers ('1' recalled, '0' not), oldest first.
    """
    conn.execute(
        """CREATE TABLE question_totals (
            question_id TEXT PRIMARY KEY,
            answers INTEGER NOT NULL,
            graded INTEGER NOT NULL,
            correct INTEGER NOT NULL,
            first_at TEXT NOT NULL,
            last_at TEXT NOT NULL,
            recent TEXT NOT NULL
        )"""
    )
    conn.execute(
        """CREATE TABLE hour_totals (
            hour TEXT PRIMARY KEY,
            answers INTEGER NOT NULL,
            correct INTEGER NOT NULL
        )"""
    )
    conn.execute(
        f"""INSERT INTO question_totals
            SELECT question_id, COUNT(*), SUM({_GRADED}), SUM({_OK}), MIN(answered_at), MAX(answered_at),
                   COALESCE((SELECT group_concat(flag, '') FROM (
                        SELECT CAST({_OK} AS TEXT) AS flag FROM answers AS inner_a
                        WHERE inner_a.question_id = a.question_id AND {_GRADED}
                        ORDER BY answered_at DESC, id DESC LIMIT 3) ), '')
            FROM answers AS a GROUP BY question_id"""
    )
    conn.execute("UPDATE question_totals SET recent = "
                 "substr(recent, 3, 1) || substr(recent, 2, 1) || substr(recent, 1, 1)")
    conn.execute(
        "INSERT INTO hour_totals SELECT substr(answered_at, 1, 13), COUNT(*), SUM(verdict = 'correct')"
        " FROM answers GROUP BY 1"
    )
    conn.execute("CREATE INDEX answers_time ON answers(answered_at)")
    new_ok = _OK.replace("verdict", "NEW.verdict").replace("rating", "NEW.rating")
    new_graded = _GRADED.replace("verdict", "NEW.verdict")
    conn.execute(
        f"""CREATE TRIGGER answers_totals AFTER INSERT ON answers BEGIN
            INSERT INTO question_totals VALUES (
                NEW.question_id, 1, {new_graded}, {new_ok}, NEW.answered_at, NEW.answered_at,
                CASE WHEN {new_graded} THEN CAST({new_ok} AS TEXT) ELSE '' END)
            ON CONFLICT(question_id) DO UPDATE SET
                answers = answers + 1,
                graded = graded + excluded.graded,
                correct = correct + excluded.correct,
                first_at = MIN(first_at, excluded.first_at),
                recent = CASE WHEN excluded.graded AND excluded.last_at >= last_at
                              THEN substr(recent || excluded.recent, -3) ELSE recent END,
                last_at = MAX(last_at, excluded.last_at);
            INSERT INTO hour_totals VALUES (substr(NEW.answered_at, 1, 13), 1, NEW.verdict = 'correct')
            ON CONFLICT(hour) DO UPDATE SET answers = answers + 1, correct = correct + excluded.correct;
        END"""
    )
    old_ok = _OK.replace("verdict", "OLD.verdict").replace("rating", "OLD.rating")
    old_graded = _GRADED.replace("verdict", "OLD.verdict")
    conn.execute(  # undo of the newest answer: its outcome is the last one in `recent`
        f"""CREATE TRIGGER answers_totals_undo AFTER DELETE ON answers BEGIN
            UPDATE question_totals SET
                answers = answers - 1,
                graded = graded - ({old_graded}),
                correct = correct - {old_ok},
                recent = CASE WHEN {old_graded} THEN substr(recent, 1, length(recent) - 1) ELSE recent END,
                first_at = COALESCE((SELECT MIN(answered_at) FROM answers WHERE question_id = OLD.question_id),
                                    first_at),
                last_at = COALESCE((SELECT MAX(answered_at) FROM answers WHERE question_id = OLD.question_id),
                                   last_at)
            WHERE question_id = OLD.question_id;
            DELETE FROM question_totals WHERE question_id = OLD.question_id AND answers = 0;
            UPDATE hour_totals SET answers = answers - 1, correct = correct - (OLD.verdict = 'correct')
            WHERE hour = substr(OLD.answered_at, 1, 13);
            DELETE FROM hour_totals WHERE hour = substr(OLD.answered_at, 1, 13) AND answers = 0;
        END"""
    )


MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {1: _v1, 2: _v2, 3: _v3}


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
