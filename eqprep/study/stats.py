"""Learner statistics: due counts, retention, streak, per-topic and per-area mastery, history, leeches."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from eqprep.bank.model import AREAS
from eqprep.study.service import Study
from eqprep.study.store import AnswerRecord

RETENTION_DAYS = 30
HISTORY_DAYS = 14


def _streak(days: set[date], today: date) -> int:
    """Consecutive study days ending today (or yesterday, so the streak survives until today ends)."""
    day = today if today in days else today - timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= timedelta(days=1)
    return count


def _retention(answers: list[AnswerRecord], since: datetime) -> dict[str, Any]:
    """Share of rated answers since `since` that were not Again (Hard/Good/Easy count as recalled)."""
    rated = [a for a in answers if a.rating is not None and a.answered_at >= since]
    passed = sum(1 for a in rated if a.rating != 1)
    return {"days": RETENTION_DAYS, "reviews": len(rated), "passed": passed,
            "rate": round(passed / len(rated), 4) if rated else None}


def _summary(name: str, ids: list[str], recall: dict[str, float], graded: Counter[str],
             right: Counter[str]) -> dict[str, Any]:
    """Mastery = mean predicted recall over all the questions (unseen count as 0); accuracy over answers."""
    answered = sum(graded[i] for i in ids)
    return {
        "name": name,
        "questions": len(ids),
        "seen": sum(1 for i in ids if i in recall),
        "mastery": round(sum(recall.get(i, 0.0) for i in ids) / len(ids), 4) if ids else 0.0,
        "accuracy": round(sum(right[i] for i in ids) / answered, 4) if answered else None,
    }


def compute_stats(study: Study) -> dict[str, Any]:
    """Everything `eqprep stats` shows, as a JSON-ready dict (the TUI uses the same)."""
    now = study.clock()
    bank, scheduler = study.bank, study.scheduler
    answers = study.store.answers()
    today = study.local_date(now)
    day_end = study.day_start() + timedelta(days=1)
    known = {qid: state for qid, state in study.store.cards().items() if qid in bank.questions}
    recall = {qid: scheduler.retrievability(state, now) for qid, state in known.items()}
    graded = Counter(a.question_id for a in answers if a.verdict in ("correct", "wrong", "unanswered"))
    right = Counter(a.question_id for a in answers if a.verdict == "correct")
    by_area: dict[str, list[str]] = {area: [] for area in AREAS}
    by_topic: dict[str, list[str]] = defaultdict(list)
    for q in bank.questions.values():
        by_area.setdefault(bank.area_of(q), []).append(q.id)
        by_topic[q.topic].append(q.id)
    daily: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for a in answers:
        bucket = daily[study.local_date(a.answered_at)]
        bucket[0] += 1
        bucket[1] += int(a.verdict == "correct")
    days = [today - timedelta(days=n) for n in range(HISTORY_DAYS - 1, -1, -1)]
    return {
        "now": now.isoformat(),
        "questions": len(bank.questions),
        "seen": len(known),
        "answers": len(answers),
        "due_now": sum(1 for s in known.values() if s.card.due <= now),
        "due_today": sum(1 for s in known.values() if s.card.due < day_end),
        "new_left_today": study.new_left_today(),
        "desired_retention": scheduler.fsrs.desired_retention,
        "retention": _retention(answers, now - timedelta(days=RETENTION_DAYS)),
        "mean_recall": round(sum(recall.values()) / len(recall), 4) if recall else None,
        "streak": _streak(set(daily), today),
        "areas": [_summary(area, ids, recall, graded, right) for area, ids in by_area.items()],
        "topics": [
            _summary(bank.notes[t].title if t in bank.notes else t, ids, recall, graded, right) | {"topic": t}
            for t, ids in sorted(by_topic.items())
        ],
        "history": [
            {"date": d.isoformat(), "answers": daily.get(d, [0, 0])[0], "correct": daily.get(d, [0, 0])[1]}
            for d in days
        ],
        "leeches": [{"question_id": x.question_id, "lapses": x.lapses, "reps": x.reps} for x in study.leeches()],
        "exams": [
            {"id": e["id"], "started_at": e["started_at"], "count": e["count"],
             "percent": round(e["report"]["total"]["correct"] / max(e["report"]["total"]["total"], 1) * 100, 1)}
            for e in study.store.exams() if e["report"]
        ],
    }


def pct(value: float | None) -> str:
    """Percent text, or a dash when there is no data."""
    return "—" if value is None else f"{value * 100:.0f}%"


def format_stats(stats: dict[str, Any]) -> str:
    """Plain-text Japanese summary of compute_stats() for the terminal."""
    ret = stats["retention"]
    lines = [
        f"問題数 {stats['questions']} / 学習済み {stats['seen']} / 解答 {stats['answers']} 回",
        f"今すぐ復習: {stats['due_now']} 問  今日中: {stats['due_today']} 問  今日の新規残り: {stats['new_left_today']} 問",
        f"保持率 (直近{ret['days']}日): {pct(ret['rate'])} ({ret['passed']}/{ret['reviews']})"
        f"  目標 {stats['desired_retention']:.2f}  平均想起率: {pct(stats['mean_recall'])}",
        f"連続学習: {stats['streak']} 日",
        "",
        "分野別 (習熟度 = 全問題の想起率の平均 / 正答率):",
    ]
    for row in stats["areas"]:
        lines.append(f"  {row['name']:<6} 習熟 {pct(row['mastery']):>4}  正答 {pct(row['accuracy']):>4}"
                     f"  ({row['seen']}/{row['questions']} 問学習)")
    lines += ["", "トピック別:"]
    for row in stats["topics"]:
        lines.append(f"  {row['name']}: 習熟 {pct(row['mastery'])}  正答 {pct(row['accuracy'])}"
                     f"  ({row['seen']}/{row['questions']})")
    lines += ["", f"直近{len(stats['history'])}日の解答数:"]
    lines.append("  " + " ".join(f"{h['date'][5:]}:{h['answers']}" for h in stats["history"]))
    if stats["leeches"]:
        lines += ["", "リーチ (何度も忘れる問題):"]
        lines += [f"  {x['question_id']} (lapse {x['lapses']} 回)" for x in stats["leeches"]]
    if stats["exams"]:
        lines += ["", "模擬試験:"]
        lines += [f"  {e['started_at'][:16]}  {e['count']} 問  {e['percent']}%" for e in stats["exams"]]
    return "\n".join(lines)
