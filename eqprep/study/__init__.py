"""Study core: SQLite progress store, FSRS scheduling, selection, review and exam sessions, stats, backup.

The names below are imported on first use (PEP 562), so `import eqprep.study.errors` from the TUI does not pull
in the exam assembler, statistics and transfer code before the first frame.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fsrs import Rating

    from eqprep.study.errors import StoreError
    from eqprep.study.exam import ExamReport, assemble_exam, build_report
    from eqprep.study.exam_session import ExamResult, ExamSession
    from eqprep.study.review import Answer, ReviewSession, SessionSummary
    from eqprep.study.scheduling import StudyScheduler, rating_for
    from eqprep.study.selection import Filters, select_questions
    from eqprep.study.service import Leech, Outcome, Study
    from eqprep.study.stats import compute_stats, format_stats
    from eqprep.study.store import AnswerRecord, CardState, Store
    from eqprep.study.transfer import export_json, import_json

_HOMES = {
    "Rating": "fsrs",
    "StoreError": "eqprep.study.errors",
    "ExamReport": "eqprep.study.exam",
    "assemble_exam": "eqprep.study.exam",
    "build_report": "eqprep.study.exam",
    "ExamResult": "eqprep.study.exam_session",
    "ExamSession": "eqprep.study.exam_session",
    "Answer": "eqprep.study.review",
    "ReviewSession": "eqprep.study.review",
    "SessionSummary": "eqprep.study.review",
    "StudyScheduler": "eqprep.study.scheduling",
    "rating_for": "eqprep.study.scheduling",
    "Filters": "eqprep.study.selection",
    "select_questions": "eqprep.study.selection",
    "Leech": "eqprep.study.service",
    "Outcome": "eqprep.study.service",
    "Study": "eqprep.study.service",
    "compute_stats": "eqprep.study.stats",
    "format_stats": "eqprep.study.stats",
    "AnswerRecord": "eqprep.study.store",
    "CardState": "eqprep.study.store",
    "Store": "eqprep.study.store",
    "export_json": "eqprep.study.transfer",
    "import_json": "eqprep.study.transfer",
}

__all__ = [
    "Answer",
    "AnswerRecord",
    "CardState",
    "ExamReport",
    "ExamResult",
    "ExamSession",
    "Filters",
    "Leech",
    "Outcome",
    "Rating",
    "ReviewSession",
    "SessionSummary",
    "Store",
    "StoreError",
    "Study",
    "StudyScheduler",
    "assemble_exam",
    "build_report",
    "compute_stats",
    "export_json",
    "format_stats",
    "import_json",
    "rating_for",
    "select_questions",
]


def __getattr__(name: str) -> Any:
    """Import a public name from its module the first time it is asked for."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'eqprep.study' has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value
