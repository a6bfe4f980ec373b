"""The study path (content/study-path.toml): the course order in which new questions are introduced."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from eqprep.bank.model import Bank, Problem
from eqprep.bank.packfiles import PackReader, parse_toml
from eqprep.render.safe import clean_tree

FILE_NAME = "study-path.toml"
MAX_BYTES = 64 * 1024


@dataclass(frozen=True)
class Stage:
    """One step of the course: a name and the topics (note ids) studied together."""

    name: str
    topics: tuple[str, ...]


@dataclass(frozen=True)
class StudyPath:
    """Stages in course order; empty when the content has no path (then note order is used)."""

    stages: tuple[Stage, ...] = ()

    def topic_rank(self) -> dict[str, tuple[int, int]]:
        """(stage index, position in stage) for every topic on the path."""
        return {topic: (s, t) for s, stage in enumerate(self.stages) for t, topic in enumerate(stage.topics)}


def load_study_path(root: Path, problems: list[Problem] | None = None) -> StudyPath:
    """Read the path beside the content; a missing or broken file gives an empty path (and a Problem)."""
    path = root / FILE_NAME
    if not path.exists() and not path.is_symlink():
        return StudyPath()
    found: list[Problem] = []
    text = PackReader(root, found).read(path)
    raw = parse_toml(text, path, found) if text is not None and len(text) <= MAX_BYTES else None
    if text is not None and len(text) > MAX_BYTES:
        found.append(Problem(path, None, f"{MAX_BYTES // 1024} KB を超えています"))
    try:
        if raw is None:
            raise ValueError(found[0].message if found else "読めません")
        raw = clean_tree(raw)[0]
        items = raw.get("stage", [])
        if not isinstance(items, list):
            raise ValueError("[[stage]] の並びにしてください")
        stages = tuple(_stage(item) for item in items)
    except ValueError as exc:
        if problems is not None:
            line = found[0].line if found else None
            problems.append(Problem(path, line, f"学習パスを読めません: {exc}"))
        return StudyPath()
    return StudyPath(stages)


def _stage(item: object) -> Stage:
    """One [[stage]] table, type-checked."""
    if not isinstance(item, dict):
        raise ValueError("[[stage]] は表で書いてください")
    name, topics = item.get("name"), item.get("topics")
    if not isinstance(name, str) or not isinstance(topics, list) or not all(isinstance(t, str) for t in topics):
        raise ValueError("[[stage]] には name (文字列) と topics (文字列のリスト) が必要です")
    return Stage(name, tuple(topics))


def study_path_problems(bank: Bank) -> list[Problem]:
    """`check`: the path names only existing notes, each at most once, and every note is on it."""
    problems: list[Problem] = []
    study_path = load_study_path(bank.root, problems)
    if not study_path.stages:
        return problems
    file = bank.root / FILE_NAME
    seen: set[str] = set()
    for stage in study_path.stages:
        for topic in stage.topics:
            if topic not in bank.notes:
                problems.append(Problem(file, None, f"学習パスの段階「{stage.name}」のトピック '{topic}' のノートがありません"))
            if topic in seen:
                problems.append(Problem(file, None, f"学習パスにトピック '{topic}' が 2 回あります"))
            seen.add(topic)
    for note_id in sorted(set(bank.notes) - seen):
        problems.append(Problem(file, None, f"ノート '{note_id}' が学習パス ({FILE_NAME}) のどの段階にもありません"))
    return problems
