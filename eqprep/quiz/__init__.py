"""Asking and grading: items with fresh parameters and ordered options, verdicts with feedback."""

from eqprep.quiz.grade import Verdict, grade
from eqprep.quiz.item import Item, make_item

__all__ = ["Item", "Verdict", "grade", "make_item"]
