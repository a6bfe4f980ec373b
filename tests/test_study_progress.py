"""Honest progress: running totals kept by triggers, mastery from retrievability and accuracy, readiness, caching."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from eqprep.study import Store, Study, compute_stats
from eqprep.study.schema import migrate
from eqprep.study.stats import WEAK_MASTERY, Day, format_stats
from eqprep.tui.screens.stats import history_chart, nice_step
from tests.test_study_sessions import T0, Clock, answer, make_bank


@pytest.fixture
def study(tmp_path: Path) -> Study:
    return Study(Store.open(tmp_path), make_bank(), clock=Clock(T0), tz=timezone.utc, enable_fuzzing=False)


def _totals(store: Store) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(store.path)
    rows = conn.execute("SELECT * FROM question_totals ORDER BY question_id").fetchall()
    rows += conn.execute("SELECT * FROM hour_totals ORDER BY hour").fetchall()
    conn.close()
    return rows


def test_triggers_keep_totals_and_the_migration_builds_the_same(study: Study, tmp_path: Path) -> None:
    """Totals kept answer by answer equal totals rebuilt by the v3 migration from the raw answers."""
    for minutes, (qid, text) in enumerate([("3-1-1-q1", "1"), ("3-1-1-q1", "5"), ("3-1-1-q2", "2"),
                                           ("3-1-1-q1", "1"), ("3-1-1-q1", "1"), ("essay", "x")]):
        study.clock.now = T0 + timedelta(minutes=minutes * 30)  # type: ignore[attr-defined]
        answer(study, qid, text, self_rating=1 if qid == "essay" else None)
    live = _totals(study.store)
    by_id = {row[0]: row for row in live}
    assert by_id["3-1-1-q1"][1:4] == (4, 4, 3) and by_id["3-1-1-q1"][6] == "011", "last three outcomes, oldest first"
    assert by_id["3-1-1-q1"][4:6] == ("2026-04-01T10:00:00+00:00", "2026-04-01T12:00:00+00:00")
    assert by_id["essay"][1:4] == (1, 1, 0) and by_id["essay"][6] == "0", "self-graded Again is not recalled"
    assert by_id["2026-04-01T11"] == ("2026-04-01T11", 2, 2)
    rebuilt = tmp_path / "rebuilt.db"
    conn = sqlite3.connect(rebuilt)
    migrate(conn, 2)
    conn.execute("ATTACH ? AS src", (str(study.store.path),))
    conn.execute("INSERT INTO answers SELECT * FROM src.answers")
    conn.commit()
    conn.execute("DETACH src")
    migrate(conn, 3)
    conn.close()
    assert _totals(Store(rebuilt)) == live


def test_one_pass_at_75_percent_is_not_full_mastery(study: Study) -> None:
    """Answering 4 questions once with 3 right shows about 75%, not 100% (the issue's 線形代数 case)."""
    for i, text in enumerate(["0", "1", "2", "9"]):
        answer(study, f"3-1-1-q{i}", text)
    area = {row.key: row for row in compute_stats(study).areas}["深層学習"]
    assert area.seen == 4 and area.accuracy == 0.75
    assert area.mastery == pytest.approx(0.75, abs=0.01)
    assert area.coverage == pytest.approx(4 / 9), "coverage is apart: 4 of the area's 9 questions"


def test_weak_topics_exclude_topics_answered_right(study: Study) -> None:
    """A topic answered 100% right is not weak; one with misses is; unstudied topics are not listed."""
    answer(study, "1-2-1-q0", "0")
    answer(study, "1-2-1-q1", "1")
    answer(study, "2-2-1-q0", "5")
    answer(study, "2-2-1-q1", "1")
    stats = compute_stats(study)
    weak = [t.key for t in stats.weakest]
    assert weak == ["topic-機械学習"]
    assert all(t.mastery is None for t in stats.topics if t.key == "topic-開発環境")
    assert all((t.mastery or 0) >= WEAK_MASTERY for t in stats.topics if t.key == "topic-応用数学")


def test_readiness_counts_only_examinable_questions_and_the_last_exam(study: Study) -> None:
    """Readiness leaves option-only questions out and shows the last mock exam's area score."""
    from eqprep.study import build_report

    answer(study, "1-2-1-q0", "0")
    answer(study, "option-only", "1")
    exam_id = study.store.start_exam(T0, 2, 2.4, 1)
    bank = study.bank
    report = build_report(bank, [(bank.questions["1-2-1-q1"], "correct"), (bank.questions["1-2-1-q2"], "wrong")])
    study.store.finish_exam(exam_id, T0, report.to_dict())
    maths = {row.area: row for row in compute_stats(study).readiness}["応用数学"]
    assert (maths.questions, maths.seen, maths.last_exam) == (3, 1, 50.0)
    assert maths.recall is not None and maths.recall > 0.9
    text = format_stats(compute_stats(study))
    assert "網羅  33% (1/3)" in text and "模試  50%" in text and "習熟度 =" in text


def test_history_chart_leaves_empty_days_empty_with_even_ticks() -> None:
    """No bar on a day without answers, and the y labels are multiples of one 1/2/5 step."""
    days = [Day(date(2026, 4, d), answers, correct) for d, (answers, correct) in
            enumerate([(0, 0), (34, 30), (0, 0), (7, 2)], start=1)]
    chart = history_chart(days, rows=6)
    assert nice_step(34, 6) == 10 and nice_step(1, 6) == 1 and nice_step(61, 6) == 20
    labels = [line.split("┤")[0].strip() for line in chart if "┤" in line]
    assert labels == ["60", "40", "20"]
    bottom = chart[5]  # the row for 0-10 answers
    columns = bottom.split(" ", 7)[-1]
    assert columns.startswith("   ██    ██"), "empty days stay blank; a day with 7 answers (2 right) shows █"
    assert chart[4].count("██") == 1 and "▒" not in chart[4], "34 answers reach the 10-20 row, 7 do not"


def test_session_recomputes_stats_only_after_a_change(tmp_path: Path) -> None:
    """The TUI's cached statistics are reused until something is recorded."""
    from eqprep.tui.session import Config, Session

    study = Study(Store.open(tmp_path), make_bank(), clock=Clock(T0), tz=timezone.utc, enable_fuzzing=False)
    session = Session(Config(), study)
    first = session.stats()
    assert session.stats() is first
    answer(study, "3-1-1-q0", "0")
    second = session.stats()
    assert second is not first and second.answers == 1
    study.clock.now += timedelta(minutes=2)  # type: ignore[attr-defined]
    assert session.stats() is not second, "due counts move with time"


def test_undo_restores_card_totals_and_stats(study: Study) -> None:
    """Undoing an answer deletes it, puts the card back and leaves the totals as before the answer."""
    answer(study, "3-1-1-q1", "1")
    before = (study.store.card("3-1-1-q1"), _totals(study.store), compute_stats(study).answers)
    study.clock.now = T0 + timedelta(minutes=20)  # type: ignore[attr-defined]
    outcome = answer(study, "3-1-1-q1", "7")
    assert outcome.answer_id is not None and outcome.previous == before[0]
    study.undo(outcome)
    assert (study.store.card("3-1-1-q1"), _totals(study.store), compute_stats(study).answers) == before
    study.undo(answer(study, "3-1-1-q2", "2"))
    assert study.store.card("3-1-1-q2") is None and "3-1-1-q2" not in study.store.first_seen()


def test_preview_due_orders_the_four_ratings(study: Study) -> None:
    """Self-grade keys can show when the question comes back: Again < Hard < Good < Easy."""
    question = study.bank.questions["essay"]
    due = study.preview_due(question)
    assert list(due) == [1, 2, 3, 4] and due[1] < due[2] < due[3] < due[4]
    assert study.store.card("essay") is None, "previewing records nothing"


def test_bury_and_suspend_keep_a_question_out_of_todays_review(study: Study) -> None:
    """Buried: back tomorrow (and not counted as studied); suspended: never selected until unsuspended."""
    question = study.bank.questions["3-1-1-q0"]
    assert question in study.select(mode="review", count=100)
    study.bury(question)
    assert question not in study.select(mode="review", count=100)
    assert compute_stats(study).seen == 0
    other = study.bank.questions["3-1-1-q1"]
    study.suspend(other)
    assert other not in study.select(mode="review", count=100)
    study.suspend(other, on=False)
    assert other in study.select(mode="review", count=100)


def test_set_aside_lists_and_restores_suspended_and_buried(study: Study) -> None:
    """Suspended and buried questions are listed; restoring brings each back exactly as it was before."""
    new, seen, held = (study.bank.questions[q] for q in ("3-1-1-q0", "3-1-1-q1", "3-1-1-q2"))
    answer(study, seen.id, "1")
    before = study.store.card(seen.id)
    assert before is not None
    study.bury(new)
    study.bury(seen)
    study.suspend(held)
    listed = study.set_aside()
    assert [(s.question_id, s.kind) for s in listed] == [(held.id, "suspended"), (new.id, "buried"),
                                                          (seen.id, "buried")]
    tomorrow = study.day_start() + timedelta(days=1)
    assert all(s.until == tomorrow for s in listed if s.kind == "buried")
    assert study.restore(new.id) and study.store.card(new.id) is None, "a never-answered question is new again"
    assert new in study.select(mode="review", count=100)
    assert study.restore(seen.id)
    after = study.store.card(seen.id)
    assert after is not None and after.card.to_dict() == before.card.to_dict()
    assert study.restore(held.id) and held in study.select(mode="review", count=100)
    assert study.set_aside() == [] and not study.restore(held.id)


def test_a_bury_ends_when_the_question_is_answered_or_its_day_comes(study: Study) -> None:
    """Only buries still in force are listed: answering the question, or the next day, ends them."""
    first, second = study.bank.questions["3-1-1-q0"], study.bank.questions["3-1-1-q1"]
    study.bury(first)
    study.bury(second)
    answer(study, first.id, "1")
    assert [s.question_id for s in study.set_aside()] == [second.id]
    study.clock.now = study.day_start() + timedelta(days=1, minutes=1)  # type: ignore[attr-defined]
    assert study.set_aside() == [] and not study.restore(second.id)


def test_recall_from_sql_rows_matches_fsrs(study: Study) -> None:
    """Statistics compute retrievability from the card's JSON fields; it equals fsrs's own value."""
    from eqprep.study.stats import recall_of

    for minutes, (qid, text) in enumerate([("3-1-1-q1", "1"), ("3-1-1-q2", "9"), ("3-1-1-q1", "1")]):
        study.clock.now = T0 + timedelta(days=minutes * 3)  # type: ignore[attr-defined]
        answer(study, qid, text)
    later = T0 + timedelta(days=17, hours=5)
    snapshot = study.store.snapshot(later, 0, later - timedelta(days=112))
    decay = -study.scheduler.fsrs.parameters[20]
    for qid, row in snapshot.cards.items():
        expected = study.scheduler.retrievability(study.store.card(qid), later)
        assert recall_of(row, later, decay) == pytest.approx(expected, rel=1e-12)


def _brute_streak(hours: list[datetime], offset: timedelta, today: date) -> int:
    """The streak straight from the definition: local days (of each hour's start) with answers, back from today."""
    days = {(hour + offset).date() for hour in hours}
    day = today if today in days else today - timedelta(days=1)
    count = 0
    while day in days:
        count, day = count + 1, day - timedelta(days=1)
    return count


@pytest.mark.parametrize("offset_minutes", [0, 540, 330, -180])
@pytest.mark.parametrize("gap_days_ago", [None, 3, 150, 400])
def test_a_long_streak_is_counted_back_past_the_heatmap_window(tmp_path: Path, offset_minutes: int,
                                                               gap_days_ago: int | None) -> None:
    """Daily study for 500 days (one day missed, or none): the streak matches the definition in every time zone,
    also beyond the 112-day window the per-day counts cover (there, days are walked back in SQL)."""
    offset = timedelta(minutes=offset_minutes)
    tz = timezone(offset)
    now = T0.replace(hour=12)
    today = now.astimezone(tz).date()
    hours = []
    for back in range(500):
        if back == gap_days_ago:
            continue
        local_day = today - timedelta(days=back)
        for local_hour in (0, 23) if back % 2 else (12,):  # the edges of a local day, or its middle
            start = datetime.combine(local_day, datetime.min.time()) + timedelta(hours=local_hour, minutes=45)
            utc = (start - offset).replace(minute=0, tzinfo=timezone.utc)
            hours.append(utc)
    store = Store.open(tmp_path)
    conn = sqlite3.connect(store.path)
    conn.executemany("INSERT OR IGNORE INTO hour_totals VALUES (?, 1, 1)", [(h.strftime("%Y-%m-%dT%H"),) for h in hours])
    conn.commit()
    conn.close()
    study = Study(store, make_bank(), clock=Clock(now), tz=tz, enable_fuzzing=False)
    expected = _brute_streak(hours, offset, today)
    assert compute_stats(study).streak == expected
    assert expected == (500 if gap_days_ago is None else gap_days_ago)


def test_progress_columns_stay_aligned_with_large_counts() -> None:
    """The coverage column is as wide as the largest count, so names start in one column (`769/772` vs `64/64`)."""
    from eqprep.study.stats import Progress, progress_lines

    rows = [Progress(key, key, total, seen, mastery, 0.8 if seen else None)
            for key, mastery, seen, total in [("深層学習", 0.62, 769, 772), ("応用数学", 0.58, 64, 64), ("開発環境", None, 0, 8)]]
    lines = progress_lines(rows)
    starts = {line.index(name) for line, name in zip(lines, ("深層学習", "応用数学", "開発環境"), strict=True)}
    assert len(starts) == 1, lines
    assert "網羅 769/772 深層学習" in lines[0] and "網羅  64/64  応用数学" in lines[1]
