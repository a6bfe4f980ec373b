"""Learner-facing parsing: `parse` for checking and `preview` for live validation while typing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from eqprep.maths.display import to_text
from eqprep.maths.grammar import FormulaError, Parsed, parse_line
from eqprep.maths.names import GREEK, KNOWN_FUNCTIONS, Vocabulary


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


def _split_into(name: str, known: set[str]) -> list[str] | None:
    """`xy` → [x, y] when the name is a run of other names in `known` (longest first), else None."""
    pieces: list[str] = []
    rest = name
    ordered = sorted(known, key=len, reverse=True)
    while rest:
        piece = next((k for k in ordered if rest.startswith(k)), None)
        if piece is None:
            return None
        pieces.append(piece)
        rest = rest[len(piece):]
    return pieces if len(pieces) > 1 else None


def infer_variables(texts: Sequence[str], functions: Sequence[str] = ()) -> tuple[list[str], list[str]]:
    """Variables of formulas given without a list (`eqprep equiv` without --vars), plus Japanese notes.

    A run-together name such as `xy` whose pieces are used on their own elsewhere (x, y) is read as the product
    x·y and said so; a run-together name that could only be a product of single letters gets a hint.
    """
    names: set[str] = set()
    for text in texts:
        names |= names_in(text)
    names -= set(functions)
    notes = []
    for name in sorted(names, key=len, reverse=True):
        if len(name) < 2 or not name.isalpha() or name in GREEK or name in KNOWN_FUNCTIONS:
            continue
        pieces = _split_into(name, {n for n in names if n != name and n.isalpha()})
        if pieces:
            names.discard(name)
            shown = "·".join(pieces)
            notes.append(f"'{name}' を積 {shown} と読みました ({', '.join(dict.fromkeys(pieces))} が単独でも使われているため)。"
                         f"1 つの変数なら --vars で指定してください。")
        elif len(name) <= 4:
            notes.append(f"ヒント: '{name}' は 1 つの変数として読みました。積 {'·'.join(name)} の意味なら "
                         f"{'*'.join(name)} と書くか、--vars {','.join(dict.fromkeys(name))} を指定してください。")
    return sorted(names), notes


def preview(text: str, variables: Sequence[str] = (), functions: Sequence[str] = ()) -> Preview:
    """Parse only (fast, no SymPy): how we read the input, or a Japanese error."""
    try:
        parsed = parse(text, variables, functions)
    except FormulaError as error:
        return Preview(False, "", error.message)
    return Preview(True, render(parsed), "", tuple(sorted(parsed.variables)))
