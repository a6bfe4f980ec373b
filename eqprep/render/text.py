"""Content text as plain one-line text (search results, titles, Anki cards): no Markdown, LaTeX or placeholders."""

from __future__ import annotations

import re
from functools import lru_cache

from rich.cells import cell_len

from eqprep.render.math import DISPLAY_RE, NBSP, render_markdown, tighten_japanese
from eqprep.render.wrap import allowed, break_points, japanese

LINK_LABEL_RE = re.compile(r"\[([^\]]+)\]\([^)\s]*\)")  # any Markdown link: group 1 is the label to keep
CODE_FENCE_RE = re.compile(r"```[^\n]*\n(.*?)```", re.S)  # group 1 is the code
_FORMAT_RE = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*:[^{}]*\}")  # `{u:.1f}`: a template field, never LaTeX
_MARKUP_RE = re.compile(r"(\*\*|__|`|^#+\s*|^>\s*|^\s*[-*]\s+|^\s*\d+\.\s+)", re.M)
_TABLE_RULE_RE = re.compile(r"^\s*\|?(\s*:?-{3,}:?\s*\|)+\s*:?-*:?\s*$", re.M)
_BLANK = "{blank}"
FIELD = "□"  # a number that changes on every attempt


@lru_cache(maxsize=4096)
def plain_text(markdown: str, placeholders: tuple[str, ...] = (), blank: str = "＿＿") -> str:
    """One line of readable text: maths as Unicode (no-break spaces inside), link labels kept, markup gone,
    template fields shown as □."""
    text = CODE_FENCE_RE.sub(lambda m: " " + " ".join(m.group(1).split()) + " ", tighten_japanese(markdown, always=True))
    text = text.replace(_BLANK, blank)
    text = DISPLAY_RE.sub(lambda m: " $" + " ".join(m.group(1).split()) + "$ ", text)  # one line, unsplittable
    text = _FORMAT_RE.sub(FIELD, text)
    for name in placeholders:
        text = text.replace("{" + name + "}", FIELD)
    text = render_markdown(text)
    text = LINK_LABEL_RE.sub(r"\1", text)
    text = _TABLE_RULE_RE.sub(" ", text)
    text = _MARKUP_RE.sub("", text).replace("|", " ")
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


def short_title(title: str) -> str:
    """The Japanese part of 'タイトル (English, ...)', for narrow lists."""
    return title.split(" (", 1)[0].strip() or title


def cut(text: str, width: int, start: int = 0) -> str:
    """At most `width` cells of `text` from `start`, cut at phrase/word boundaries, with … where text was left out."""
    offset = max(start - 24, 0)
    window = text[offset : start + width + 8]  # phrase analysis only near the excerpt: notes are long
    start -= offset
    if start:
        earlier = [p for p in break_points(window) if p <= start]
        start = earlier[-1] if earlier else start
    rest = window[start:]
    head = "…" if start or offset else ""
    tail_left = offset + start + len(rest) < len(text)
    if cell_len(rest) <= width - len(head) and not tail_left:
        return (head + rest).replace(NBSP, " ")
    limit = width - len(head) - 1
    points = [p - start for p in break_points(window) if start < p and cell_len(window[start:p].rstrip()) <= limit]
    end = points[-1] if points else 0
    if cell_len(rest[:end]) < limit // 3:  # a long phrase: end between two Japanese characters instead
        end = max(end, _fit(rest, limit))
    return (head + rest[:end].rstrip() + "…").replace(NBSP, " ")


def _fit(text: str, width: int) -> int:
    """The longest prefix within `width` cells that ends between Japanese characters (0 when there is none)."""
    used, best = 0, 0
    for index, ch in enumerate(text):
        used += cell_len(ch)
        if used > width:
            break
        if index + 1 < len(text) and japanese(ch) and japanese(text[index + 1]) and allowed(text, index + 1):
            best = index + 1
    return best


def duration_text(seconds: float) -> str:
    """A duration the way Japanese UIs write it: `1 分 12 秒`, `2 時間`, `45 秒`."""
    total = max(round(seconds), 0)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{n} {unit}" for n, unit in ((hours, "時間"), (minutes, "分"), (secs, "秒")) if n]
    return " ".join(parts) or "0 秒"
