"""Learner statistics from the store's running totals (never one Python object per answer), as typed records.

Mastery of a topic = the mean, over the questions already studied, of FSRS retrievability (how likely the
question is remembered now) × the share recalled among its last three graded answers. Coverage (studied /
all questions) is shown apart, so an unstudied topic is "not yet covered", not "weak".
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any

from fsrs import State

from eqprep.bank.model import AREAS, Bank, Question
from eqprep.study.service import Leech, Study
from eqprep.study.store import CardRow, QuestionTotals

RETENTION_DAYS = 30
HISTORY_DAYS = 14
HEATMAP_DAYS = 16 * 7
WEAK_MASTERY = 0.8

MASTERY_RULE = ("習熟度 = 学習した問題ごとの「FSRS の想起確率 (今覚えている見込み)」×「直近 3 回の正答率」の平均。"
                "未学習の問題は含めず、網羅率 (学習済み / 問題数) として別に示します。")
READINESS_RULE = ("準備度 (分野別): 網羅 = 試験範囲 (オプション以外) の問題のうち学習した割合、"
                  "想起 = 学習した問題の FSRS 想起確率の平均、模試 = 直近の模擬試験でのその分野の正答率。")


@dataclass(frozen=True)
class Retention:
    """Share of rated answers in the last `days` days that were recalled (not Again)."""

    days: int
    reviews: int
    passed: int
    rate: float | None


@dataclass(frozen=True)
class Progress:
    """Mastery of one topic or area: coverage apart from mastery (None until something was studied)."""

    key: str
    name: str
    questions: int
    seen: int
    mastery: float | None
    accuracy: float | None

    @property
    def coverage(self) -> float:
        """Studied share of the questions."""
        return self.seen / self.questions if self.questions else 0.0


@dataclass(frozen=True)
class Readiness:
    """How ready the learner is for one exam area (non-option syllabus questions only)."""

    area: str
    questions: int
    seen: int
    recall: float | None
    last_exam: float | None

    @property
    def coverage(self) -> float:
        """Studied share of the area's examinable questions."""
        return self.seen / self.questions if self.questions else 0.0


@dataclass(frozen=True)
class Day:
    """Answers (and correct ones) on one local calendar day."""

    date: date
    answers: int
    correct: int


@dataclass(frozen=True)
class ExamRow:
    """A finished mock exam: overall and per-area percentages."""

    id: int
    started_at: str
    count: int
    percent: float
    areas: dict[str, float]


@dataclass(frozen=True)
class Stats:
    """Everything `eqprep stats` and the TUI show; `to_dict()` is the JSON form."""

    now: datetime
    questions: int
    seen: int
    answers: int
    due_now: int
    due_today: int
    new_left_today: int
    desired_retention: float
    retention: Retention
    mean_recall: float | None
    mastery: float | None
    streak: int
    areas: list[Progress]
    topics: list[Progress]
    readiness: list[Readiness]
    history: list[Day]
    days: list[Day]
    leeches: list[Leech]
    exams: list[ExamRow]

    @property
    def weakest(self) -> list[Progress]:
        """Studied topics below the weak line, weakest first (at most three)."""
        weak = [t for t in self.topics if t.mastery is not None and t.mastery < WEAK_MASTERY]
        return sorted(weak, key=lambda t: (t.mastery or 0.0, self.topics.index(t)))[:3]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (dates as ISO text); the heatmap's per-day list is left out."""
        data = asdict(self)
        data.pop("days")
        data["now"] = self.now.isoformat()
        data["history"] = [{"date": d.date.isoformat(), "answers": d.answers, "correct": d.correct}
                           for d in self.history]
        coverages = {"areas": [r.coverage for r in self.areas], "topics": [r.coverage for r in self.topics],
                     "readiness": [r.coverage for r in self.readiness]}
        for key, values in coverages.items():
            for out, value in zip(data[key], values, strict=True):
                out["coverage"] = round(value, 4)
        return data


def _round(value: float | None) -> float | None:
    """Four decimals (JSON stays short and stable)."""
    return None if value is None else round(value, 4)


def _streak(days: set[date], today: date, earlier: int) -> int:
    """Consecutive study days ending today (or yesterday, so the streak survives until today ends); `earlier`
    continues it when it reaches back to the first of `days`."""
    day = today if today in days else today - timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= timedelta(days=1)
    return count + (earlier if count and day < min(days) else 0)


def recall_of(card: CardRow, now: datetime, decay: float) -> float:
    """FSRS retrievability now (the fsrs formula, on whole elapsed days), without building an fsrs Card."""
    if card.last_review is None or not card.stability:
        return 0.0
    factor = 0.9 ** (1 / decay) - 1
    elapsed = max(0, (now - card.last_review).days)
    return float((1 + factor * elapsed / card.stability) ** decay)


def strength(state: CardRow, totals: QuestionTotals | None, recall: float) -> float:
    """One studied question's mastery: retrievability × share recalled among its last three graded answers."""
    if state.state in (State.Learning, State.Relearning) and totals and totals.recent.endswith("0"):
        return 0.0  # just missed and not yet relearned
    if totals is None or not totals.recent:
        return recall
    return recall * totals.recent.count("1") / len(totals.recent)


def _progress(key: str, name: str, ids: list[str], strengths: dict[str, float],
              totals: dict[str, QuestionTotals]) -> Progress:
    """Mastery over the studied questions among `ids`, accuracy over all their graded answers."""
    seen = [i for i in ids if i in strengths]
    graded = sum(totals[i].graded for i in ids if i in totals)
    correct = sum(totals[i].correct for i in ids if i in totals)
    return Progress(
        key=key, name=name, questions=len(ids), seen=len(seen),
        mastery=_round(sum(strengths[i] for i in seen) / len(seen)) if seen else None,
        accuracy=_round(correct / graded) if graded else None,
    )


def examinable(bank: Bank, question: Question) -> bool:
    """True unless every syllabus item the question touches is an option (outside the exam's scope)."""
    items = [bank.syllabus[t] for t in question.tags if t in bank.syllabus]
    return not items or any(not item.option for item in items)


def topic_order(bank: Bank) -> dict[str, int]:
    """Topic (note id) position in the syllabus order notes use: area, then the note's `order`."""
    def area_index(area: str) -> int:
        return AREAS.index(area) if area in AREAS else len(AREAS)

    notes = sorted(bank.notes.values(), key=lambda n: (area_index(bank.area_of(n)), n.order, n.id))
    return {note.id: index for index, note in enumerate(notes)}


def _exam_row(exam: dict[str, Any]) -> ExamRow:
    """A stored exam as a row; the report is JSON text in the store."""
    report = json.loads(exam["report"])
    total = report["total"]
    areas = {area: round(score["correct"] / score["total"] * 100, 1)
             for area, score in report["areas"].items() if score["total"]}
    return ExamRow(exam["id"], exam["started_at"], exam["count"],
                   round(total["correct"] / max(total["total"], 1) * 100, 1), areas)


def compute_stats(study: Study) -> Stats:
    """Read the running totals, cards and exams in one transaction and derive every figure."""
    now = study.clock()
    bank, scheduler = study.bank, study.scheduler
    today = study.local_date(now)
    day_start = study.day_start()
    offset = now.astimezone(study.tz).utcoffset() or timedelta(0)
    snapshot = study.store.snapshot(
        retention_since=now - timedelta(days=RETENTION_DAYS),
        utc_offset_minutes=int(offset.total_seconds() // 60),
        days_since=day_start - timedelta(days=HEATMAP_DAYS),
    )
    known = {qid: state for qid, state in snapshot.cards.items()
             if qid in bank.questions and state.last_review is not None}  # a buried new card is not "seen"
    decay = -scheduler.fsrs.parameters[20]
    recall = {qid: recall_of(state, now, decay) for qid, state in known.items()}
    strengths = {qid: strength(state, snapshot.totals.get(qid), recall[qid]) for qid, state in known.items()}
    by_area: dict[str, list[str]] = {area: [] for area in AREAS}
    by_topic: dict[str, list[str]] = {}
    examinable_by_area: dict[str, list[str]] = {area: [] for area in AREAS}
    for q in bank.questions.values():
        area = bank.area_of(q)
        by_area.setdefault(area, []).append(q.id)
        by_topic.setdefault(q.topic, []).append(q.id)
        if examinable(bank, q):
            examinable_by_area.setdefault(area, []).append(q.id)
    order = topic_order(bank)
    topic_ids = sorted(by_topic, key=lambda t: (order.get(t, len(order)), t))
    per_day = {d: (n, c) for d, n, c in snapshot.days}
    days = [Day(today - timedelta(days=n), *per_day.get(today - timedelta(days=n), (0, 0)))
            for n in range(HEATMAP_DAYS - 1, -1, -1)]
    exams = [_exam_row(e) for e in snapshot.exams]
    last_exam = exams[-1] if exams else None
    introduced = sum(1 for t in snapshot.totals.values() if t.first_at >= day_start)
    return Stats(
        now=now,
        questions=len(bank.questions),
        seen=len(known),
        answers=snapshot.answers,
        due_now=sum(1 for s in known.values() if s.due <= now),
        due_today=sum(1 for s in known.values() if s.due < day_start + timedelta(days=1)),
        new_left_today=max(study.new_per_day - introduced, 0),
        desired_retention=scheduler.fsrs.desired_retention,
        retention=Retention(RETENTION_DAYS, snapshot.rated, snapshot.passed,
                            _round(snapshot.passed / snapshot.rated) if snapshot.rated else None),
        mean_recall=_round(sum(recall.values()) / len(recall)) if recall else None,
        mastery=_round(sum(strengths.values()) / len(strengths)) if strengths else None,
        streak=_streak(set(per_day), today, snapshot.earlier_streak),
        areas=[_progress(area, area, ids, strengths, snapshot.totals) for area, ids in by_area.items()],
        topics=[_progress(t, bank.notes[t].title if t in bank.notes else t, by_topic[t], strengths, snapshot.totals)
                for t in topic_ids],
        readiness=[
            Readiness(area, len(ids), sum(1 for i in ids if i in recall),
                      _round(sum(recall[i] for i in ids if i in recall) / n) if (n := sum(i in recall for i in ids))
                      else None,
                      last_exam.areas.get(area) if last_exam else None)
            for area, ids in examinable_by_area.items() if area in AREAS
        ],
        history=days[-HISTORY_DAYS:],
        days=days,
        leeches=sorted((Leech(s.question_id, s.lapses, s.reps) for s in snapshot.cards.values()
                        if s.lapses >= scheduler.leech_threshold), key=lambda x: (-x.lapses, x.question_id)),
        exams=exams,
    )


def pct(value: float | None) -> str:
    """Percent text, or a dash when there is no data."""
    return "—" if value is None else f"{value * 100:.0f}%"


def readiness_lines(stats: Stats) -> list[str]:
    """One line per exam area: coverage, mean recall, last mock-exam score."""
    lines = []
    for row in stats.readiness:
        exam = "—" if row.last_exam is None else f"{row.last_exam:.0f}%"
        lines.append(f"  {row.area:<6} 網羅 {pct(row.coverage):>4} ({row.seen}/{row.questions})"
                     f"  想起 {pct(row.recall):>4}  模試 {exam:>4}")
    return lines


def overview_lines(stats: Stats) -> list[str]:
    """The headline figures (both front ends show these first)."""
    ret = stats.retention
    return [
        f"問題数 {stats.questions} / 学習済み {stats.seen} / 解答 {stats.answers} 回",
        f"今すぐ復習: {stats.due_now} 問  今日中: {stats.due_today} 問  今日の新規残り: {stats.new_left_today} 問",
        f"保持率 (直近{ret.days}日): {pct(ret.rate)} ({ret.passed}/{ret.reviews})"
        f"  目標 {stats.desired_retention:.2f}  習熟度: {pct(stats.mastery)}",
        f"連続学習: {stats.streak} 日",
    ]


def progress_lines(rows: list[Progress], width: int = 12) -> list[str]:
    """One bar per area/topic: mastery bar (dots until studied), mastery, accuracy, coverage, short name; the
    coverage column is as wide as the largest count, so names stay aligned (`769/772` next to `64/64`)."""
    digits = max((len(str(row.questions)) for row in rows), default=1)
    lines = []
    for row in rows:
        filled = 0 if row.mastery is None else round(width * row.mastery)
        bar = "·" * width if row.mastery is None else "█" * filled + "░" * (width - filled)
        name = row.name.split(" (", 1)[0]
        coverage = f"{row.seen:>{digits}}/{row.questions:<{digits}}"
        lines.append(f" {bar} {pct(row.mastery):>4} 正答{pct(row.accuracy):>4} 網羅 {coverage} {name}")
    return lines


def format_stats(stats: Stats) -> str:
    """Plain-text Japanese summary for the terminal: the same figures the TUI's statistics screen shows."""
    lines = [
        *overview_lines(stats),
        "",
        "試験への準備度 (分野別):",
        *readiness_lines(stats),
        "",
        "分野別 習熟度 (· = まだ学習していない):",
        *progress_lines(stats.areas),
        "",
        "トピック別 習熟度 (シラバス順):",
        *progress_lines(stats.topics),
    ]
    lines += ["", f"直近{len(stats.history)}日の解答数:"]
    lines.append("  " + " ".join(f"{d.date.isoformat()[5:]}:{d.answers}" for d in stats.history))
    if stats.leeches:
        lines += ["", "リーチ (何度も忘れる問題):"]
        lines += [f"  {x.question_id} (lapse {x.lapses} 回)" for x in stats.leeches]
    if stats.exams:
        lines += ["", "模擬試験:"]
        lines += [f"  {e.started_at[:16]}  {e.count} 問  {e.percent}%" for e in stats.exams]
    lines += ["", MASTERY_RULE, READINESS_RULE]
    return "\n".join(lines)
