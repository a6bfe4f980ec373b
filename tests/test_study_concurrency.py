"""Two processes answering the same cards at once: every rated answer is in its card's FSRS state."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

from eqprep.quiz import make_item
from eqprep.quiz.grade import Verdict
from eqprep.study.service import open_study
from tests.conftest import FIXTURE_CONTENT

QUESTIONS = ("act-sigmoid-max", "cnn-drill-output")
ROUNDS = 25


def _writer(data_dir: str, start: multiprocessing.synchronize.Event, statuses: tuple[str, ...]) -> None:
    """Answer each question ROUNDS times as fast as possible, after the start signal."""
    study = open_study(FIXTURE_CONTENT, data_dir, enable_fuzzing=False)
    items = [make_item(study.bank.questions[qid], seed=1) for qid in QUESTIONS]
    start.wait()
    for round_ in range(ROUNDS):
        for item in items:
            status = statuses[round_ % len(statuses)]
            study.record(item, Verdict(status, "", ""), "x", response_ms=4000)


def test_two_writer_processes_lose_no_review(tmp_path: Path) -> None:
    open_study(FIXTURE_CONTENT, tmp_path)  # create the database before the race
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    writers = [
        context.Process(target=_writer, args=(str(tmp_path), start, statuses))
        for statuses in (("correct",), ("wrong", "correct"))
    ]
    for writer in writers:
        writer.start()
    start.set()
    for writer in writers:
        writer.join(timeout=300)
        assert writer.exitcode == 0
    conn = sqlite3.connect(tmp_path / "progress.db")
    for qid in QUESTIONS:
        rated = conn.execute("SELECT COUNT(*) FROM answers WHERE question_id = ? AND rating IS NOT NULL", (qid,))
        reps = conn.execute("SELECT reps FROM cards WHERE question_id = ?", (qid,)).fetchone()
        assert rated.fetchone()[0] == 2 * ROUNDS
        assert reps is not None and reps[0] == 2 * ROUNDS
    conn.close()
