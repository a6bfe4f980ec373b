"""Mock exam: draw N questions across the four score-report areas in exam proportion, then report."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from eqprep.bank.exam_form import exam_ready, exam_version
from eqprep.bank.model import AREAS, DEFAULT_TRACK, Bank, CodeChoiceQuestion, Question, on_track
from eqprep.render.math import render_markdown

if TYPE_CHECKING:
    from eqprep.quiz import Item

FULL_COUNT = 100
FULL_MINUTES = 120.0
# Share of framework (PyTorch) questions in a paper. JDLA publishes no figure; this is our estimate from
# candidates' reports of a handful of framework code questions per sitting (about 10 of 100).
FRAMEWORK_SHARE = 0.10


def default_minutes(count: int) -> float:
    """Time limit scaled from the real exam (about 100 questions in 120 minutes)."""
    return round(FULL_MINUTES * count / FULL_COUNT, 1)


def area_weights(bank: Bank) -> dict[str, int]:
    """Exam proportion of each area: its number of non-option syllabus items (JDLA publishes no weights)."""
    weights = {area: 0 for area in AREAS}
    for item in bank.syllabus.values():
        if not item.option and item.area in weights:
            weights[item.area] += 1
    return weights


def _eligible(bank: Bank, question: Question) -> bool:
    """Exam questions are single-answer 4-6 option choices (or have named mistakes to become one)
    and touch at least one examinable syllabus item."""
    if not exam_ready(question):
        return False
    items = [bank.syllabus[t] for t in question.tags if t in bank.syllabus]
    return not items or any(not item.option for item in items)


def quotas(weights: dict[str, int], available: dict[str, int], count: int) -> dict[str, int]:
    """Split count by weight (largest remainder), never beyond what an area has; spill the rest over."""
    result = {area: 0 for area in weights}
    target = min(count, sum(available.get(area, 0) for area in weights))
    while sum(result.values()) < target:
        open_areas = [a for a in weights if available.get(a, 0) > result[a]]
        left = target - sum(result.values())
        weight = {a: weights[a] for a in open_areas}
        if not any(weight.values()):
            weight = {a: 1 for a in open_areas}
        exact = {a: left * weight[a] / sum(weight.values()) for a in open_areas}
        share = {a: int(exact[a]) for a in open_areas}
        by_remainder = sorted(open_areas, key=lambda a: (share[a] - exact[a], -weight[a], a))
        for area in by_remainder[: left - sum(share.values())]:
            share[area] += 1
        for area in open_areas:
            result[area] += min(share[area], available[area] - result[area])
    return result


def _spread(questions: list[Question], rng: random.Random) -> list[Question]:
    """Shuffle within each topic, then deal topics round-robin so a short draw still covers many topics."""
    by_topic: dict[str, list[Question]] = defaultdict(list)
    for q in sorted(questions, key=lambda q: q.id):
        by_topic[q.topic].append(q)
    topics = sorted(by_topic)
    rng.shuffle(topics)
    for topic in topics:
        rng.shuffle(by_topic[topic])
    dealt: list[Question] = []
    while any(by_topic.values()):
        for topic in topics:
            if by_topic[topic]:
                dealt.append(by_topic[topic].pop())
    return dealt


def _units(bank: Bank, framework: str) -> dict[str, tuple[list[list[Question]], list[Question]]]:
    """Per area: the sets (their eligible 小問 in order, kept together) and the lone eligible questions."""
    pools: dict[str, tuple[list[list[Question]], list[Question]]] = {area: ([], []) for area in AREAS}
    for qset in bank.sets.values():
        if qset.framework not in ("", "numpy", framework):
            continue
        subs = [q for qid in qset.question_ids if _eligible(bank, q := bank.questions[qid])]
        if subs:
            pools.setdefault(bank.area_of(subs[0]), ([], []))[0].append(subs)
    for q in bank.questions.values():
        if q.group is None and not q.framework and _eligible(bank, q):
            pools.setdefault(bank.area_of(q), ([], []))[1].append(q)
    return pools


def _fill(sets: list[list[Question]], lone: list[Question], quota: int, rng: random.Random) -> list[Question]:
    """Whole sets first (the exam is made of 大問) while they fit, then lone questions spread over topics."""
    order = sorted(sets, key=lambda subs: subs[0].id)
    rng.shuffle(order)
    units: list[list[Question]] = []
    taken = 0
    for subs in order:
        if taken + len(subs) <= quota:
            units.append(subs)
            taken += len(subs)
    units += [[q] for q in _spread(lone, rng)[: quota - taken]]
    rng.shuffle(units)
    return [q for unit in units for q in unit]


def assemble_exam(bank: Bank, count: int = FULL_COUNT, seed: int | None = None,
                  framework: str = DEFAULT_TRACK) -> list[Question]:
    """Questions for a mock exam in their exam form (every one a single-answer 4-6 option choice),
    grouped by area in report order (応用数学 → 開発環境), each 大問's 小問 together and in order.

    With a framework track on, about FRAMEWORK_SHARE of the paper are that framework's lone questions.
    """
    rng = random.Random(seed)
    lone_framework = [q for q in bank.questions.values()
                      if q.group is None and q.framework and on_track(q, framework) and _eligible(bank, q)]
    picked = _spread(lone_framework, rng)[: min(len(lone_framework), round(count * FRAMEWORK_SHARE))]
    pools = _units(bank, framework)
    available = {a: sum(map(len, sets)) + len(lone) for a, (sets, lone) in pools.items() if a in AREAS}
    share = quotas(area_weights(bank), available, count - len(picked))
    paper: list[Question] = []
    for area in AREAS:
        sets, lone = pools[area]
        extra = [q for q in picked if bank.area_of(q) == area]
        for question in _fill(sets, lone, share[area], rng) + extra:
            version = exam_version(question, rng.randrange(2**31))
            if version is not None:
                paper.append(version)
    return paper


def paper_entry(item: Item, bank: Bank) -> dict[str, Any]:
    """One item of the paper as `exam --paper --json` prints it: what the learner sees, never the answer."""
    group = item.question.group
    entry: dict[str, Any] = {
        "id": item.question.id,
        "set": group.id if group else None,
        "area": bank.area_of(item.question),
        "topic": item.question.topic,
        "prompt": item.prompt_text,
        "options": [c if isinstance(item.question, CodeChoiceQuestion) else render_markdown(c) for c in item.choices],
    }
    if group:
        entry["passage"] = item.passage
        entry["code"] = item.code
    return entry


@dataclass(frozen=True)
class Score:
    """Correct answers out of questions asked."""

    correct: int = 0
    total: int = 0

    @property
    def percent(self) -> float:
        """Score in percent (0 when nothing was asked)."""
        return 100.0 * self.correct / self.total if self.total else 0.0


@dataclass(frozen=True)
class ExamReport:
    """Result of a mock exam by the official report's four areas and by topic."""

    total: Score
    areas: dict[str, Score]
    topics: dict[str, Score]
    unanswered: int
    wrong: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (stored with the exam and printed by --json)."""
        return asdict(self)


def build_report(bank: Bank, results: list[tuple[Question, str]]) -> ExamReport:
    """Score (question, verdict status) pairs; anything but 'correct' counts as not scored."""
    areas: dict[str, list[int]] = {area: [0, 0] for area in AREAS}
    topics: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    wrong: list[str] = []
    unanswered = 0
    for question, status in results:
        hit = int(status == "correct")
        for bucket in (areas.setdefault(bank.area_of(question), [0, 0]), topics[question.topic]):
            bucket[0] += hit
            bucket[1] += 1
        if not hit:
            wrong.append(question.id)
        unanswered += int(status == "unanswered")
    correct = sum(v[0] for v in areas.values())
    return ExamReport(
        total=Score(correct, len(results)),
        areas={a: Score(*v) for a, v in areas.items()},
        topics={t: Score(*v) for t, v in sorted(topics.items())},
        unanswered=unanswered,
        wrong=wrong,
    )
