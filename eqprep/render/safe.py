"""Remove terminal escape sequences and control characters from text before any terminal shows it."""

from __future__ import annotations

import io
import re
from typing import Any, TextIO

from rich.cells import cell_len

# ESC sequences (CSI, OSC, DCS/SOS/PM/APC strings, two-byte escapes), C0/C1 controls except tab and newline,
# and bidirectional overrides that can make text read differently from what it is.
_UNSAFE_RE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"
    r"|\x1b[\s\S]?"
    r"|\x9b[0-?]*[ -/]*[@-~]?"
    r"|\x9d[^\x07\x1b\x9c]*[\x07\x9c]?"
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
)

# Every match of _UNSAFE_RE starts with one of these characters, so a text without them is clean.
_UNSAFE_START_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """`text` without escape sequences and control characters (tab and newline are kept)."""
    return _UNSAFE_RE.sub("", text) if _UNSAFE_RE.search(text) else text


def unsafe_parts(text: str) -> list[str]:
    """The escape sequences and control characters in `text`, shown escaped (for `check` reports)."""
    return [match.group(0).encode("unicode_escape").decode("ascii")[:24] for match in _UNSAFE_RE.finditer(text)]


def clean_tree(value: Any) -> tuple[Any, list[str]]:
    """Parsed TOML with every string cleaned, and the escaped parts that were removed.

    A clean tree (the usual case) comes back as it is after one scan of all its strings; only a tree with
    something to remove is rebuilt.
    """
    if not _any_unsafe(value):
        return value, []
    return _cleaned(value)


def _any_unsafe(value: Any) -> bool:
    """Whether any string in the tree has a character that starts an unsafe sequence (one regex pass, no recursion)."""
    strings, stack = [], [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            strings.append(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return _UNSAFE_START_RE.search("\n".join(strings)) is not None


def _cleaned(value: Any) -> tuple[Any, list[str]]:
    """The tree rebuilt with every string cleaned, and the escaped parts that were removed."""
    if isinstance(value, str):
        if _UNSAFE_RE.search(value) is None:  # the usual case: one scan, nothing to report
            return value, []
        return _UNSAFE_RE.sub("", value), unsafe_parts(value)
    if isinstance(value, list):
        pairs = [_cleaned(v) for v in value]
        return [v for v, _ in pairs], [p for _, found in pairs for p in found]
    if isinstance(value, dict):
        items = {k: _cleaned(v) for k, v in value.items()}
        return {k: v for k, (v, _) in items.items()}, [p for _, found in items.values() for p in found]
    return value, []


class CleanWriter(io.TextIOBase):
    """A text stream that cleans everything written before passing it on (CLI stdout/stderr)."""

    def __init__(self, target: TextIO) -> None:
        self.target = target

    def write(self, text: str) -> int:
        """Write the cleaned text; returns the length of what was given, as streams do."""
        self.target.write(clean(text))
        return len(text)

    def flush(self) -> None:
        """Flush the wrapped stream."""
        self.target.flush()

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return self.target.isatty()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.target, "encoding", "utf-8")


def clean_cells(text: str) -> str:
    """`text` cleaned for display, padded with spaces to the cells it took, so a line's layout stays as measured."""
    cleaned = clean(text)
    if cleaned is text:
        return text
    return cleaned + " " * max(cell_len(text) - cell_len(cleaned), 0)
