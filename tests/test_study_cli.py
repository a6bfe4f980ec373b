"""CLI study commands end to end: scripted drill, SIGKILL mid-session, exam report, stats, export/import."""

from __future__ import annotations

import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from eqprep.bank import load_bank
from eqprep.cli import main
from eqprep.study import Store, Study, compute_stats
from eqprep.study.stats import Stats
from eqprep.study.store import DB_NAME

AREAS = {"応用数学": "1-2-1", "機械学習": "2-2-1", "深層学習": "3-1-1", "開発環境": "5-1-2"}
PER_AREA = 6
BASICS = 8


def _numeric(qid: str, topic: str, tag: str, value: int, source: str = "") -> str:
    src = f'source = "{source}"\n' if source else ""
    return (f'[[question]]\nid = "{qid}"\ntopic = "{topic}"\nkind = "numeric"\ntags = ["{tag}"]\n{src}'
            f'prompt = "{qid}: 答えは {value}"\nanswer = {value}\nexplanation = "答えは {value}。"\n'
            f'mistakes = [{{ name = "1 多い", formula = "{value} + 1" }}, {{ name = "2 多い", formula = "{value} + 2" }},'
            f' {{ name = "3 多い", formula = "{value} + 3" }}]\n\n')


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small content tree: numeric questions in every area, basics drill questions, one self-graded."""
    root = tmp_path_factory.mktemp("content")
    (root / "questions").mkdir()
    syllabus = "".join(f'[[item]]\nid = "{tag}"\nname = "{area}項目"\narea = "{area}"\n\n' for area, tag in AREAS.items())
    (root / "syllabus.toml").write_text(syllabus, encoding="utf-8")
    text = "".join(_numeric(f"basics-{i:02d}", "basics", "3-1-1", 10 + i, "確認テスト1" if i < 3 else "")
                   for i in range(BASICS))
    text += ('[[question]]\nid = "basics-essay"\ntopic = "essay"\nkind = "self_graded"\ntags = ["3-1-1"]\n'
             'prompt = "説明せよ"\nanswer = "模範解答"\nkey_points = ["要点"]\nexplanation = "解説"\n\n')
    for tag in AREAS.values():
        text += "".join(_numeric(f"{tag}-x{i}", f"topic-{tag}", tag, i + 1) for i in range(PER_AREA))
    (root / "questions" / "q.toml").write_text(text, encoding="utf-8")
    bank = load_bank(root)
    assert not bank.problems, bank.problems
    return root


def run_cli(argv: list[str], stdin: str, monkeypatch: pytest.MonkeyPatch) -> int:
    """Run eqprep in-process with the given stdin."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return main(argv)


def rows(data: Path) -> list[tuple[str, str, str, int | None]]:
    """(question_id, answer, verdict, rating) of every recorded answer, in order."""
    conn = sqlite3.connect(f"file:{data / DB_NAME}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT question_id, answer, verdict, rating FROM answers ORDER BY id").fetchall()
    finally:
        conn.close()


def test_scripted_drill_records_the_right_rows(tmp_path: Path, content: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    script = "10\nnot a number\n99\n?\n"
    code = run_cli(["--data-dir", str(tmp_path), "drill", "--content", str(content), "--topic", "basics",
                    "--count", "3"], script, monkeypatch)
    out = capsys.readouterr().out
    assert code == 0
    assert rows(tmp_path) == [("basics-00", "10", "correct", 3), ("basics-01", "99", "wrong", 1),
                              ("basics-02", "?", "wrong", 1)]
    assert "数値として読めません" in out and "正解: 11" in out and "3/3 問に解答、正解 1、不正解 2" in out


def test_drill_by_source_and_self_graded(tmp_path: Path, content: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run_cli(["--data-dir", str(tmp_path), "drill", "--content", str(content), "--source", "確認テスト",
             "--count", "10"], "10\n11\n12\n", monkeypatch)
    assert [r[0] for r in rows(tmp_path)] == ["basics-00", "basics-01", "basics-02"]
    run_cli(["--data-dir", str(tmp_path), "drill", "--content", str(content), "--kind", "self_graded"],
            "my answer\nover two lines\n\n7\n2\n", monkeypatch)
    assert rows(tmp_path)[-1] == ("basics-essay", "my answer\nover two lines", "self", 2)


def test_self_graded_answer_may_end_at_end_of_input(tmp_path: Path, content: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Several answer lines then EOF: the description is kept whole, but with no rating nothing is recorded."""
    run_cli(["--data-dir", str(tmp_path), "drill", "--content", str(content), "--kind", "self_graded"],
            "first\nsecond\n", monkeypatch)
    assert rows(tmp_path) == []
    run_cli(["--data-dir", str(tmp_path), "drill", "--content", str(content), "--kind", "self_graded"],
            "only line\n\n4\n", monkeypatch)
    assert rows(tmp_path) == [("basics-essay", "only line", "self", 4)]


def test_drill_stops_cleanly_at_end_of_input(tmp_path: Path, content: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["--data-dir", str(tmp_path), "drill", "--content", str(content), "--topic", "basics"],
                   "10\n", monkeypatch) == 0
    assert len(rows(tmp_path)) == 1
    assert "1/8 問に解答、正解 1" in capsys.readouterr().out


def _wait_for_rows(data: Path, count: int, proc: subprocess.Popen[str]) -> None:
    """Poll the database (not a fixed sleep) until `count` answers are committed."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        if (data / DB_NAME).exists():
            try:
                if len(rows(data)) >= count:
                    return
            except sqlite3.OperationalError:
                pass
        time.sleep(0.02)
    raise AssertionError(f"{count} 件の解答が記録されませんでした")


def test_sigkill_mid_session_loses_no_recorded_answer(tmp_path: Path, content: Path) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    argv = [sys.executable, "-m", "eqprep", "--data-dir", str(tmp_path), "drill", "--content", str(content),
            "--topic", "basics", "--count", str(BASICS)]
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True, env=env)
    assert proc.stdin is not None
    for i in range(5):
        proc.stdin.write(f"{10 + i if i != 2 else 0}\n")
        proc.stdin.flush()
        _wait_for_rows(tmp_path, i + 1, proc)
    proc.stdin.write("1")  # the answer being typed when the process dies
    proc.stdin.flush()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdin.close()
    proc.stderr.close()  # type: ignore[union-attr]
    assert proc.returncode == -signal.SIGKILL
    expected = [(f"basics-{i:02d}", str(10 + i), "correct", 3) for i in range(5)]
    expected[2] = ("basics-02", "0", "wrong", 1)
    assert rows(tmp_path) == expected
    store = Store.open(tmp_path)
    assert set(store.cards()) == {f"basics-{i:02d}" for i in range(5)}
    restart = subprocess.run(argv, input="15\n16\n17\n", capture_output=True, text=True, timeout=120, env=env)
    assert restart.returncode == 0, restart.stderr
    after = rows(tmp_path)
    assert after[:5] == expected
    assert [r[0] for r in after[5:]] == ["basics-05", "basics-06", "basics-07"]


def test_exam_end_to_end_prints_area_report(tmp_path: Path, content: Path) -> None:
    answers = "\n".join(["1", "2", "", "x", "3"] + ["1"] * 16) + "\n"  # "x" is re-asked
    argv = [sys.executable, "-m", "eqprep", "--data-dir", str(tmp_path), "exam", "--count", "20", "--minutes", "5",
            "--seed", "4", "--content", str(content), "--json"]
    result = subprocess.run(argv, input=answers, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    for area in AREAS:
        assert area in result.stdout
    report = json.loads(result.stdout[result.stdout.index("{"):])
    assert report["total"]["total"] == 20
    assert sum(a["total"] for a in report["areas"].values()) == 20
    assert all(a["total"] > 0 for a in report["areas"].values())
    assert report["unanswered"] == 1
    assert "採点と解説は最後に表示します" in result.stdout
    assert "正解です" not in result.stdout and "不正解" not in result.stdout, "no feedback during the exam"
    store = Store.open(tmp_path)
    [exam] = store.exams()
    assert exam["report"] == report
    recorded = store.answers(exam_id=exam["id"])
    assert len(recorded) == 20
    cards = store.cards()
    for question_id in report["wrong"]:
        assert cards[question_id].card.due - recorded[-1].answered_at < timedelta(minutes=2), "queued for review"


def test_exam_time_limit_marks_the_rest_unanswered(tmp_path: Path, content: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    clock = [0.0]

    class SlowStdin(io.StringIO):
        """Each answer takes the learner 50 s of the exam clock."""

        def readline(self, size: int = -1) -> str:
            clock[0] += 50
            return super().readline(size)

    monkeypatch.setattr("eqprep.study.exam_session.time.monotonic", lambda: clock[0])
    monkeypatch.setattr(sys, "stdin", SlowStdin("1\n" * 8))
    code = main(["--data-dir", str(tmp_path), "exam", "--count", "8", "--minutes", "2", "--seed", "1",
                 "--content", str(content)])
    out = capsys.readouterr().out
    assert code == 0 and "時間切れ" in out
    verdicts = [r[2] for r in rows(tmp_path)]
    assert len(verdicts) == 8 and "unanswered" not in verdicts[:3] and set(verdicts[3:]) == {"unanswered"}


def test_damaged_database_gives_japanese_error_and_is_untouched(tmp_path: Path, content: Path) -> None:
    db = tmp_path / DB_NAME
    db.write_bytes(b"SQLite format 3\x00" + os.urandom(5000))
    before = db.read_bytes()
    for command in (["stats"], ["drill"], ["exam", "--count", "2"], ["export", "--json", str(tmp_path / "e.json")]):
        result = subprocess.run([sys.executable, "-m", "eqprep", "--data-dir", str(tmp_path), *command,
                                 "--content", str(content)], capture_output=True, text=True, input="", timeout=60)
        assert result.returncode == 2, command
        assert "学習履歴ファイル" in result.stderr and "Traceback" not in result.stderr
    assert db.read_bytes() == before


def test_export_then_import_into_empty_dir_reproduces_stats(tmp_path: Path, content: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    first, second, backup = tmp_path / "a", tmp_path / "b", tmp_path / "backup.json"
    run_cli(["--data-dir", str(first), "drill", "--content", str(content), "--topic", "basics"],
            "10\n12\n12\n", monkeypatch)
    run_cli(["--data-dir", str(first), "exam", "--count", "4", "--seed", "2", "--content", str(content)],
            "1\n1\n1\n1\n", monkeypatch)
    assert run_cli(["--data-dir", str(first), "export", "--json", str(backup), "--content", str(content)],
                   "", monkeypatch) == 0
    assert run_cli(["--data-dir", str(second), "import", "--json", str(backup)], "", monkeypatch) == 0
    bank = load_bank(content)
    moment = datetime.now(timezone.utc) + timedelta(hours=1)

    def stats(data: Path) -> Stats:
        return compute_stats(Study(Store.open(data), bank, clock=lambda: moment, tz=timezone.utc))

    assert stats(first) == stats(second)
    assert stats(first).answers == 7


def test_stats_json_and_text(tmp_path: Path, content: Path, monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    run_cli(["--data-dir", str(tmp_path), "drill", "--content", str(content), "--topic", "basics"], "10\n0\n",
            monkeypatch)
    capsys.readouterr()
    assert run_cli(["--data-dir", str(tmp_path), "stats", "--json", "--content", str(content)], "", monkeypatch) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["answers"], data["seen"], data["streak"]) == (2, 2, 1)
    assert data["retention"]["passed"] == 1
    assert run_cli(["--data-dir", str(tmp_path), "stats", "--content", str(content)], "", monkeypatch) == 0
    text = capsys.readouterr().out
    assert "連続学習: 1 日" in text and "応用数学" in text


def test_import_rejects_garbage_with_japanese_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2", encoding="utf-8")
    assert run_cli(["--data-dir", str(tmp_path / "d"), "import", "--json", str(bad)], "", monkeypatch) == 2
    assert "JSON として読めません" in capsys.readouterr().err


def test_anki_export_contains_every_question(tmp_path: Path, content: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "deck.apkg"
    assert run_cli(["--data-dir", str(tmp_path), "export", "--anki", str(target), "--content", str(content)], "",
                   monkeypatch) == 0
    with zipfile.ZipFile(target) as archive:
        archive.extract("collection.anki2", tmp_path)
    conn = sqlite3.connect(tmp_path / "collection.anki2")
    notes = conn.execute("SELECT flds, tags FROM notes").fetchall()
    conn.close()
    bank = load_bank(content)
    assert len(notes) == len(bank.questions)
    ids = {fields.split("\x1f")[2] for fields, _ in notes}
    assert ids == set(bank.questions)
    essay = next(f for f, _ in notes if f.endswith("basics-essay"))
    assert "模範解答" in essay and "要点" in essay


def test_drill_due_with_nothing_due_and_bad_settings(tmp_path: Path, content: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    base = ["--data-dir", str(tmp_path), "drill", "--content", str(content)]
    assert run_cli([*base, "--due"], "", monkeypatch) == 0
    assert "出題する問題がありません" in capsys.readouterr().out
    assert run_cli([*base, "--desired-retention", "1.5"], "", monkeypatch) == 2
    assert "目標保持率" in capsys.readouterr().err
    assert run_cli([*base, "--new-per-day", "1", "--count", "5"], "10\n11\n", monkeypatch) == 0
    assert len(rows(tmp_path)) == 1, "only one new question allowed today"


def test_drill_with_unknown_topic_says_so(tmp_path: Path, content: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["--data-dir", str(tmp_path), "drill", "--content", str(content), "--topic", "nope"], "",
                   monkeypatch) == 0
    assert "条件に合う問題がありません" in capsys.readouterr().out


def test_exam_ratings_ignore_time_and_stay_out_of_the_timing_history(tmp_path: Path, content: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression (both front ends share ExamSession): correct exam answers are rated Good even when much faster
    than the learner's drill history, and exam rows never enter the history used to rate drill answers."""
    from eqprep.quiz import Verdict, make_item
    from eqprep.study.exam import assemble_exam

    bank = load_bank(content)
    paper = assemble_exam(bank, 4, 3)
    study = Study(Store.open(tmp_path), bank)
    for question in paper:
        for _ in range(3):
            study.record(make_item(question, seed=1), Verdict("correct", "", ""), "x", 60_000)
    # numeric questions appear as choices of values in ascending order (not shuffled): answer with the key's letter
    script = "".join(f"{'abcd'[question.choices.index(next(iter(question.answer)))]}\n"  # type: ignore[attr-defined]
                     for question in paper)
    assert run_cli(["--data-dir", str(tmp_path), "exam", "--count", "4", "--seed", "3", "--content", str(content)],
                   script, monkeypatch) == 0
    [exam] = study.store.exams()
    recorded = study.store.answers(exam_id=exam["id"])
    assert [(r.verdict, r.rating) for r in recorded] == [("correct", 3)] * 4
    assert study.store.correct_times([q.id for q in paper], 50) == [60_000] * 12


def test_suspended_lists_prompts_and_restores(tmp_path: Path, content: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """`eqprep suspended` lists held questions with their prompt; --restore and --restore-all bring them back."""
    study = Study(Store.open(tmp_path), load_bank(content))
    study.bury(study.bank.questions["basics-00"])
    study.suspend(study.bank.questions["basics-01"])
    argv = ["--data-dir", str(tmp_path), "suspended", "--content", str(content)]
    assert run_cli(argv, "", monkeypatch) == 0
    out = capsys.readouterr().out
    assert "(2 問)" in out and "保留" in out and "まで" in out
    assert "basics-01  basics-01: 答えは 11" in out and "basics-00  basics-00: 答えは 10" in out
    assert run_cli([*argv, "--restore", "basics-01"], "", monkeypatch) == 0
    assert "復習に戻しました (1 問): basics-01" in capsys.readouterr().out
    assert study.suspended() == set()
    assert run_cli([*argv, "--restore", "basics-01"], "", monkeypatch) == 1
    assert "basics-01" in capsys.readouterr().err
    assert run_cli([*argv, "--restore-all"], "", monkeypatch) == 0
    assert study.set_aside() == [] and study.store.card("basics-00") is None
    run_cli(argv, "", monkeypatch)
    assert "ありません" in capsys.readouterr().out
