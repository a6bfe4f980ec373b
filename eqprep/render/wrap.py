"""Line breaking for Japanese text mixed with English terms and maths (Textual-free; the TUI installs it).

Lines may break after a double space (it separates fields), after a space between two non-Japanese characters
(English prose), between the phrases BudouX finds in Japanese, and after a ・ joining two katakana words; never
inside a Latin word, a number or a formula (inline maths uses no-break spaces, and a space next to an operator never
breaks), nor before closing punctuation or small kana. A phrase wider than the line is cut at its last acceptable
break, else by cells.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from rich.cells import cell_len, chop_cells

if TYPE_CHECKING:
    from budoux import Parser

NBSP = "\u00a0"
_JAPANESE_RE = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
_NO_BREAK_BEFORE = set("、。，．・：；？！ー）」』】〉》〕］｝ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々〜…‥,.:;!?)]}%")
_NO_BREAK_AFTER = set("（「『【〈《〔［｛([{")
_WORD = re.compile(r"[A-Za-z0-9_.'’]")
# A space next to one of these is inside a formula (`a = b + c`): Markdown turns our no-break spaces into
# plain ones, so formulas are also recognised by their spaced operators.
_OPERATORS = set("=+−-×÷·⋅⊙⊗⊕≈≠≤≥<>→←⇒⇔∈∉⊂⊆∝≡≃∼±∓|")
# Sub- and superscripts and big operators only occur in maths: a space after one (`∑ₖ (∂z)`, `xᵀ W`) is inside the
# formula unless Japanese follows (`t² なら`).
_MATH_TAIL = set("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵀ₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓₕₖₗₘₙₚₛₜᵢⱼᵣᵤᵥ∑∏∫√")


def _after_subscript(before: str, after: str) -> bool:
    """A space after a sub/superscript or a big operator, with maths (not Japanese) after it."""
    return before in _MATH_TAIL and not japanese(after)


def _inside_formula(before: str, after: str) -> bool:
    """A space between these two characters belongs to a formula (a spaced operator, or after a subscript)."""
    return before in _OPERATORS or after in _OPERATORS or _after_subscript(before, after)


@cache
def _parser() -> Parser:
    """BudouX's Japanese phrase model (loaded once, about 50 ms)."""
    import budoux

    return budoux.load_default_japanese_parser()


def japanese(ch: str) -> bool:
    """True for kana, kanji and full-width forms."""
    return bool(_JAPANESE_RE.match(ch))


def allowed(text: str, pos: int) -> bool:
    """Whether a break between text[pos-1] and text[pos] is acceptable typographically."""
    before, after = text[pos - 1], text[pos]
    if after in _NO_BREAK_BEFORE or before in _NO_BREAK_AFTER or after == NBSP or before == NBSP:
        return False
    return not (_WORD.match(before) and _WORD.match(after))


@lru_cache(maxsize=4096)
def break_points(text: str) -> tuple[int, ...]:
    """Indices where a new line may start: after a space run, or between Japanese phrases."""
    points: set[int] = set()
    for match in re.finditer(r" +", text):  # only ASCII spaces: NBSP glues formulas and "k 個"
        end = match.end()
        start = match.start()
        before, after = text[start - 1] if start else "", text[end] if end < len(text) else ""
        if end - start >= 2 and before and after:    # a double space separates fields (status lines)
            points.add(end)
        elif before and after and not (japanese(before) or japanese(after)) and not _inside_formula(before, after):
            points.add(end)
    if _JAPANESE_RE.search(text):
        pos = 0
        for phrase in _parser().parse(text):
            pos += len(phrase)
            if 0 < pos < len(text):
                # a phrase boundary at a space moves past the space, so the next line does not start with one
                cut = pos
                while cut < len(text) and text[cut] == " ":
                    cut += 1
                spaced_operator = (text[cut - 1] == " " and cut >= 2 and cut < len(text)
                                   and (text[cut - 2] in _OPERATORS or _after_subscript(text[cut - 2], text[cut])))
                if (cut < len(text) and allowed(text, cut) and not spaced_operator
                        and (japanese(text[cut - 1]) or japanese(text[cut]) or text[cut - 1] == " ")):
                    points.add(cut)
        for match in re.finditer(r"(?<=[\u30a0-\u30ff])・(?=[\u30a0-\u30ff])", text):  # セマンティック・|セグメンテーション
            points.add(match.end())
    return tuple(sorted(points))


def divide_line(text: str, width: int, fold: bool = True) -> list[int]:
    """Offsets to split `text` at so each piece fits `width` cells (same contract as rich's divide_line)."""
    width = max(width, 1)  # a zero-width region (a squeezed table column) still gets one character per line
    breaks: list[int] = []
    offset = 0
    starts = [0, *break_points(text), len(text)]
    for start, end in zip(starts, starts[1:], strict=False):
        unit = text[start:end]
        length = cell_len(unit.rstrip(" "))
        if width - offset >= length:
            offset += cell_len(unit)
            continue
        if offset and start:
            breaks.append(start)
        offset = cell_len(unit)
        if length > width and fold:  # a phrase or formula wider than the line: cut it (at a space if one fits)
            pieces = _fold(unit, width)
            for piece in pieces[:-1]:
                start += len(piece)
                breaks.append(start)
            offset = cell_len(pieces[-1])
    return [b for b in breaks if 0 < b < len(text)]


def _fold(unit: str, width: int) -> list[str]:
    """Pieces of a unit wider than the line, each cut at its last acceptable break that fits (never inside an
    English word: 「ネット Playground」, 「Adadelta・Adam」), else by cells."""
    pieces: list[str] = []
    while cell_len(unit) > width:
        fits = max(len(chop_cells(unit, width)[0]), 1)  # a wide character in a 1-cell line still takes a line
        cut = next((pos for pos in range(min(fits, len(unit) - 1), 0, -1)
                    if allowed(unit, pos) and unit[pos] != " "), fits)
        pieces.append(unit[:cut])
        unit = unit[cut:]
    return [*pieces, unit] if unit else pieces
