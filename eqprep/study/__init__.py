"""Study core: SQLite progress store, FSRS scheduling, selection, review and exam sessions, stats, backup."""

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

__all__ = [
    "Answer",
    "ExamResult",
    "ExamSession",
    "ReviewSession",
    "SessionSummary",
    "AnswerRecord",
    "CardState",
    "ExamReport",
    "Filters",
    "Leech",
    "Outcome",
    "Rating",
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
