"""Learner-facing parsing: `parse` for checking and `preview` for live validation while typing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from eqprep.maths.display import to_text
from eqprep.maths.grammar import FormulaError, Parsed, parse_line
from eqprep.maths.names import Vocabulary


@dataclass(frozen=True)
class Preview:
    """How the input was read (`display`, variables used) or why it cannot be read (`message`, Japanese)."""

    ok: bool
    display: str
    message: str
    variables: tuple[str, ...] = ()


def vocabulary(variables: Sequence[str] = (), functions: Sequence[str] = (), trusted: bool = False) -> Vocabulary:
    """Build the allowed names for a question."""
    return Vocabulary(frozenset(variables), frozenset(functions), trusted=trusted)


def parse(text: str, variables: Sequence[str] = (), functions: Sequence[str] = ()) -> Parsed:
    """Parse learner text (expressions joined by '='); raises FormulaError with a Japanese message."""
    return parse_line(text, vocabulary(variables, functions))


def render(parsed: Parsed) -> str:
    """Unicode text of a parsed line."""
    shown = " = ".join(to_text(part) for part in parsed.parts)
    return f"= {shown}" if parsed.continued else shown


def names_in(text: str) -> set[str]:
    """Variable names a hostile text uses (unknown names read as variables); empty if it cannot be read."""
    try:
        return parse_line(text, Vocabulary(infer_variables=True)).variables
    except FormulaError:
        return set()


def preview(text: str, variables: Sequence[str] = (), functions: Sequence[str] = ()) -> Preview:
    """Parse only (fast, no SymPy): how we read the input, or a Japanese error."""
    try:
        parsed = parse(text, variables, functions)
    except FormulaError as error:
        return Preview(False, "", error.message)
    return Preview(True, render(parsed), "", tuple(sorted(parsed.variables)))
