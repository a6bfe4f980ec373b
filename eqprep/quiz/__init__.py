"""Asking and grading: items with fresh parameters and ordered options, verdicts with feedback."""

from eqprep.quiz.grade import Verdict, grade
from eqprep.quiz.item import MULTILINE_KINDS, Item, make_item

__all__ = ["MULTILINE_KINDS", "Item", "Verdict", "grade", "make_item"]
