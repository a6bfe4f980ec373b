"""Content: the typed model, loading with problem reports, validation, search and coverage."""

from eqprep.bank.loader import load_bank
from eqprep.bank.model import Bank, Note, Problem, Question

__all__ = ["Bank", "Note", "Problem", "Question", "load_bank"]
