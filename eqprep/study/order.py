"""The order of never-seen questions: course path first, topics interleaved, option items last."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from itertools import zip_longest
from pathlib import Path

from eqprep.bank.model import Bank, Question
from eqprep.bank.studypath import StudyPath, load_study_path


@lru_cache(maxsize=8)
def _path_for(root: Path) -> StudyPath:
    """The study path of a content root, read once per process."""
    return load_study_path(root)


def is_option_only(bank: Bank, question: Question) -> bool:
    """True when every known syllabus tag of the question is an option item (出題対象外)."""
    items = [bank.syllabus[tag] for tag in question.tags if tag in bank.syllabus]
    return bool(items) and all(item.option for item in items)


_KIND_RANK = {"choice": 0, "numeric": 1, "expression": 1, "self_graded": 2, "parametric": 2, "code_choice": 3}


def _within_topic(question: Question) -> tuple[int, int, str, str]:
    """Inside a topic: easier first, recall before calculation before code, then syllabus position and id."""
    first_tag = question.tags[0] if question.tags else "~"
    return (question.difficulty, _KIND_RANK.get(question.kind, 4), first_tag, question.id)


def _interleave(groups: Iterable[list[Question]]) -> list[Question]:
    """Round-robin over the groups: one question of each topic in turn."""
    return [q for row in zip_longest(*groups) for q in row if q is not None]


def new_question_order(bank: Bank, questions: Iterable[Question], study_path: StudyPath | None = None) -> list[Question]:
    """Order never-seen questions along the study path (docs/study.md, 学習パス)."""
    path = study_path if study_path is not None else _path_for(bank.root)
    rank = path.topic_rank()
    off_path = len(path.stages)
    note_order = {note.id: note.order for note in bank.notes.values()}

    def topic_key(topic: str) -> tuple[int, int, int, str]:
        stage, position = rank.get(topic, (off_path, 0))
        return (stage, position, note_order.get(topic, 10**9), topic)

    ordered: list[Question] = []
    pool = list(questions)
    for option_part in (False, True):
        by_topic: dict[str, list[Question]] = {}
        for question in pool:
            if is_option_only(bank, question) == option_part:
                by_topic.setdefault(question.topic, []).append(question)
        topics = sorted(by_topic, key=topic_key)
        stages: dict[int, list[str]] = {}
        for topic in topics:
            stages.setdefault(topic_key(topic)[0], []).append(topic)
        for stage in sorted(stages):
            ordered += _interleave(sorted(by_topic[t], key=_within_topic) for t in stages[stage])
    return ordered
