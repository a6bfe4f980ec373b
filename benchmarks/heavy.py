"""Heavy-user benchmark: three years of study (150,000 answers, 30 mock exams) imported with `eqprep import`.

Reports, as ratios measured in the same run:
  * `eqprep stats --json` on the heavy data dir vs on an empty one (target <= 2x);
  * the TUI's first filled-in home frame on the heavy data dir vs a minimal Textual app (target <= 1.5x), and
    when the whole session is in (see startup.py).

    python benchmarks/heavy.py [--runs 5] [--answers 150000] [--exams 30] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from startup import compare  # noqa: E402

YEARS = 3


def history(answers: int, exams: int, seed: int = 0) -> dict[str, object]:
    """An export file's payload: a learner's answers, cards replayed through FSRS, and finished exams."""
    from fsrs import Rating

    from eqprep.bank import load_bank
    from eqprep.study.exam import assemble_exam, build_report
    from eqprep.study.scheduling import StudyScheduler
    from eqprep.study.store import CardState, to_iso

    bank = load_bank()
    rng = random.Random(seed)
    ids = sorted(bank.questions)
    now = datetime.now(timezone.utc)
    start = now - timedelta(days=365 * YEARS)
    span = (now - start).total_seconds()
    exam_every = span / (exams + 1)
    exam_rows: list[dict[str, object]] = []
    rows: list[tuple[datetime, str, str, int | None]] = []
    moments = sorted(start + timedelta(seconds=rng.random() * span) for _ in range(answers - exams * 100))
    for number in range(exams):
        when = start + timedelta(seconds=exam_every * (number + 1))
        paper = assemble_exam(bank, 100, seed=number)
        results = []
        for offset, question in enumerate(paper):
            status = "correct" if rng.random() < 0.7 else "wrong"
            results.append((question, status))
            rows.append((when + timedelta(seconds=40 * offset), question.id, status, number + 1))
        report = build_report(bank, results).to_dict()
        exam_rows.append({"id": number + 1, "started_at": to_iso(when),
                          "finished_at": to_iso(when + timedelta(minutes=120)), "count": len(paper),
                          "minutes": 120.0, "seed": number, "report": json.dumps(report, ensure_ascii=False)})
    rows += [(moment, rng.choice(ids), "correct" if rng.random() < 0.8 else "wrong", None) for moment in moments]
    rows.sort(key=lambda row: row[0])
    scheduler, cards = StudyScheduler(enable_fuzzing=False), dict[str, CardState]()
    answer_rows = []
    for moment, qid, status, exam_id in rows:
        rating = Rating.Good if status == "correct" else Rating.Again
        cards[qid] = scheduler.review(cards.get(qid), qid, rating, moment, 20000)
        answer_rows.append({"question_id": qid, "params": "{}", "answer": "1", "verdict": status,
                            "response_ms": rng.randrange(3000, 60000), "answered_at": to_iso(moment),
                            "rating": int(rating), "exam_id": exam_id})
    card_rows = [{"question_id": s.question_id, "card": s.card.to_json(), "reps": s.reps, "lapses": s.lapses}
                 for s in cards.values()]
    return {"format": "eqprep-progress", "version": 1, "exported_at": to_iso(now), "answers": answer_rows,
            "cards": card_rows, "exams": exam_rows, "settings": [{"key": "exam_date", "value": "2027-02-20"}]}


def make_heavy_dir(target: Path, answers: int, exams: int) -> None:
    """Write the export file and load it into `target` through the real `eqprep import` command."""
    export = target.parent / "heavy-export.json"
    export.write_text(json.dumps(history(answers, exams), ensure_ascii=False), encoding="utf-8")
    subprocess.run([sys.executable, "-m", "eqprep", "--data-dir", str(target), "import", "--json", str(export)],
                   check=True, stdout=subprocess.DEVNULL)


def time_stats(data_dir: str) -> float:
    """Seconds for one `eqprep stats --json` process."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "eqprep", "--data-dir", data_dir, "stats", "--json"], check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    """Build (or reuse) the heavy data dir, then time stats and startup against their references."""
    parser = argparse.ArgumentParser(description="3 年分の学習履歴での stats と起動時間")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--answers", type=int, default=150_000)
    parser.add_argument("--exams", type=int, default=30)
    parser.add_argument("--keep", metavar="DIR", help="この場所の重いデータを再利用する (なければ作る)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        heavy = Path(args.keep) if args.keep else Path(scratch) / "heavy"
        empty = str(Path(scratch) / "empty")
        if not (heavy / "progress.db").exists():
            built = time.perf_counter()
            heavy.mkdir(parents=True, exist_ok=True)
            make_heavy_dir(heavy, args.answers, args.exams)
            print(f"heavy data dir built in {time.perf_counter() - built:.1f} s ({heavy})")
        time_stats(empty)
        time_stats(str(heavy))
        light, full = [], []
        for _ in range(args.runs):
            light.append(time_stats(empty))
            full.append(time_stats(str(heavy)))
        base, ours = statistics.median(light), statistics.median(full)
        print(f"stats --json: empty {base * 1000:.0f} ms, heavy {ours * 1000:.0f} ms, "
              f"ratio {ours / base:.2f}x (target <= 2x)")
        compare(str(heavy), args.runs, "heavy")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
