"""Typed content model: notes, questions of each kind, syllabus items and load problems."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Literal, get_args

Kind = Literal["choice", "numeric", "expression", "code_choice", "self_graded", "parametric", "combination"]
KINDS: tuple[Kind, ...] = get_args(Kind)
AREAS = ("応用数学", "機械学習", "深層学習", "開発環境")
DEFAULT_AREA = AREAS[2]  # content without a known syllabus tag counts as deep learning, the bulk of the exam
# `[label](note:id)` / `[label](q:id)` in notes and explanations, an optional #anchor ignored: (label, kind, id)
LINK_RE = re.compile(r"\[([^\]]+)\]\((note|q):([^)#\s]+)(?:#[^)]*)?\)")
FRAMEWORKS = ("pytorch",)  # framework tracks a question may belong to (TensorFlow is out of scope for now)
TRACKS = (*FRAMEWORKS, "none")  # the learner's framework setting; "none" leaves framework questions out
DEFAULT_TRACK = "pytorch"


def on_track(question: Question, track: str) -> bool:
    """True when the question is framework-free or belongs to the learner's framework track."""
    return question.framework is None or question.framework == track


DEFAULT_REL_TOLERANCE = 0.005


def within(expected: float, given: float, tolerance: float, rel_tolerance: float | None) -> bool:
    """True when `given` matches `expected` within the absolute or the relative tolerance.

    Without an explicit relative tolerance, whole-number answers (counts, sizes) must be exact
    and other answers may be off by 0.5%.
    """
    if rel_tolerance is None:
        rel_tolerance = 0.0 if float(expected).is_integer() else DEFAULT_REL_TOLERANCE
    diff = abs(expected - given)
    return diff <= tolerance + 1e-12 or diff <= rel_tolerance * abs(expected)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the content, located as precisely as TOML allows."""

    path: Path
    line: int | None
    message: str
    qid: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        who = f" [{self.qid}]" if self.qid else ""
        return f"{where}:{who} {self.message}"


@dataclass(frozen=True)
class SyllabusItem:
    """A syllabus item; `area` is one of the four areas of the official score report."""

    id: str
    name: str
    area: str
    option: bool = False


@dataclass(frozen=True)
class Note:
    """A topic note: Markdown with `$...$` math."""

    id: str
    title: str
    body: str
    tags: tuple[str, ...]
    order: int
    area: str
    path: Path
    body_line: int = 1

    def line_of(self, needle: str) -> int:
        """File line where `needle` first occurs in the body (for problem reports)."""
        pos = self.body.find(needle)
        return self.body_line + (self.body[:pos].count("\n") if pos >= 0 else 0)


@dataclass(frozen=True)
class QuestionSet:
    """A 大問: shared passage and/or code listing followed by 1-5 小問 (ids in order)."""

    id: str
    topic: str
    tags: tuple[str, ...]
    path: Path
    line: int | None = None
    title: str = ""
    passage: str = ""
    code: str = ""  # labelled blanks written {あ}, {い}, ...
    setup: str = ""
    check: str = ""
    framework: str = ""  # "", "numpy", "pytorch" or "tensorflow"
    source: str | None = None
    question_ids: tuple[str, ...] = ()

    @property
    def code_labels(self) -> tuple[str, ...]:
        """Blank labels in the code listing, in order of first appearance."""
        return tuple(dict.fromkeys(CODE_BLANK_RE.findall(self.code)))

    @property
    def display_code(self) -> str:
        """The listing as the exam prints it: each {あ} shown as (あ)."""
        return CODE_BLANK_RE.sub(lambda m: f"({m.group(1)})", self.code.strip("\n"))


CODE_BLANK_RE = re.compile(r"\{([\u3041-\u3093])\}")


@dataclass(frozen=True)
class Mistake:
    """A named common mistake: its formula gives the wrong value a learner would pick in the exam."""

    name: str
    formula: tuple[str, ...]


@dataclass(frozen=True)
class Question:
    """Fields every question kind shares; `kind` (the TOML `kind`) is a constant of each subclass."""

    kind: ClassVar[Kind]
    id: str
    topic: str
    prompt: str
    explanation: str
    tags: tuple[str, ...]
    path: Path
    line: int | None = None
    source: str | None = None
    note: str | None = None
    derivation: str | None = None
    difficulty: int = 2
    group: QuestionSet | None = None  # the 大問 this 小問 belongs to (None for a lone question)
    framework: str | None = None  # "pytorch": its code runs with that framework (verified when installed)

    @property
    def note_id(self) -> str:
        """The note this question links to (without any `#heading`)."""
        return (self.note or self.topic).split("#", 1)[0]


@dataclass(frozen=True)
class ChoiceQuestion(Question):
    """Multiple choice with one or several correct answers, stored as text."""

    kind: ClassVar[Kind] = "choice"

    choices: tuple[str, ...] = ()
    answer: frozenset[str] = frozenset()
    shuffle: bool = True

    @property
    def multiple(self) -> bool:
        """True when the learner must pick every correct option."""
        return len(self.answer) > 1


@dataclass(frozen=True)
class BlankCheck:
    """How `check` verifies one blank of a combination: `how` is value, expr or shape; `key` the right one."""

    label: str
    how: str
    key: str
    variables: tuple[str, ...] = ()
    functions: tuple[str, ...] = ()
    read: tuple[str, ...] = ()  # optional machine-readable cell per row, when the shown text is not


@dataclass(frozen=True)
class CombinationQuestion(ChoiceQuestion):
    """Combination blanks: each option (row) fills every labelled blank; `choices` are the rows as shown."""

    kind: ClassVar[Kind] = "combination"

    blanks: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    answer_row: tuple[str, ...] = ()
    verify: tuple[BlankCheck, ...] = ()
    template: str = ""  # code blanks: the program with {あ}, {い}... where a row's cells go (run with `check`)
    setup: str = ""
    check: str = ""


def fill_labels(code: str, values: Mapping[str, str]) -> str:
    """Put each label's text where `{label}` is, indenting extra lines like the blank's line."""

    def replace(match: re.Match[str]) -> str:
        label = match.group(1)
        if label not in values:
            return match.group(0)
        start = code.rfind("\n", 0, match.start()) + 1
        indent = re.match(r"[ \t]*", code[start:]).group(0)  # type: ignore[union-attr]
        return values[label].replace("\n", "\n" + indent)

    return CODE_BLANK_RE.sub(replace, code)


def combination_text(blanks: tuple[str, ...], row: tuple[str, ...]) -> str:
    """One option of a combination question as shown: '(あ) x　(い) y'."""
    return "\u3000".join(f"({label}) {cell}" for label, cell in zip(blanks, row, strict=True))


@dataclass(frozen=True)
class NumericQuestion(Question):
    """One or more numbers, with tolerances and an optional formula that recomputes them."""

    kind: ClassVar[Kind] = "numeric"

    answer: tuple[float, ...] = ()
    formula: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    tolerance: float = 0.0
    rel_tolerance: float | None = None  # None: exact for whole numbers, 0.5% otherwise
    unit: str = ""
    mistakes: tuple[Mistake, ...] = ()


@dataclass(frozen=True)
class ExpressionQuestion(Question):
    """A formula answer checked for equivalence with SymPy."""

    kind: ClassVar[Kind] = "expression"

    answer: str = ""
    variables: tuple[str, ...] = ()
    functions: tuple[str, ...] = ()
    formula: str = ""
    form: str = ""
    domain: dict[str, tuple[float, float]] = field(default_factory=dict)
    mistakes: tuple[Mistake, ...] = ()


@dataclass(frozen=True)
class CodeChoiceQuestion(Question):
    """Exam-style fill-in-the-blank: `template` has `{blank}`, shown as (`blank`); options are code."""

    kind: ClassVar[Kind] = "code_choice"

    template: str = ""
    choices: tuple[str, ...] = ()
    answer: str = ""
    check: str = ""
    setup: str = ""
    blank: str = "あ"


@dataclass(frozen=True)
class SelfGradedQuestion(Question):
    """Explanation question: the learner compares with the model answer and rates themselves."""

    kind: ClassVar[Kind] = "self_graded"

    answer: str = ""
    key_points: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParamSpec:
    """How one parameter is drawn: an integer/step range or a list of choices."""

    name: str
    min: float | None = None
    max: float | None = None
    step: float | None = None
    choices: tuple[float, ...] = ()


@dataclass(frozen=True)
class ParametricQuestion(Question):
    """A generator: fresh parameters each time, answers computed by formulas."""

    kind: ClassVar[Kind] = "parametric"

    params: dict[str, ParamSpec] = field(default_factory=dict)
    let: dict[str, str] = field(default_factory=dict)
    answer: tuple[str, ...] = ()
    constraints: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    tolerance: float = 0.0
    rel_tolerance: float | None = None  # None: exact for whole numbers, 0.5% otherwise
    unit: str = ""
    mistakes: tuple[Mistake, ...] = ()


@dataclass
class Bank:
    """Everything that loaded, plus every problem met while loading."""

    root: Path
    notes: dict[str, Note] = field(default_factory=dict)
    questions: dict[str, Question] = field(default_factory=dict)
    syllabus: dict[str, SyllabusItem] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    sets: dict[str, QuestionSet] = field(default_factory=dict)

    def questions_for(self, note_id: str) -> list[Question]:
        """Questions whose topic or note link is the given note."""
        return [q for q in self.questions.values() if q.topic == note_id or q.note_id == note_id]

    def area_of(self, content: Question | Note) -> str:
        """Score-report area of a question or note, from its first known syllabus tag (else DEFAULT_AREA)."""
        for tag in content.tags:
            item = self.syllabus.get(tag)
            if item:
                return item.area
        return DEFAULT_AREA
