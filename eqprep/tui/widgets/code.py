"""A highlighted code listing whose long lines continue under their own indentation, marked ↪, never at column 0."""

from __future__ import annotations

from rich.cells import chop_cells
from textual.content import Content
from textual.geometry import Size
from textual.highlight import highlight
from textual.widget import Widget

CONTINUATION = "↪ "
MIN_CHUNK = 12  # a continuation never gets narrower than this, however deep the indentation


def break_at(text: str, width: int) -> int:
    """Where to cut `text` to fit `width` cells: after the last space that fits, else at the width."""
    limit = len(chop_cells(text, width)[0])  # characters that fit (a Japanese comment's take two cells)
    if limit == len(text):
        return limit
    space = text.rfind(" ", 0, limit + 1)
    return space + 1 if space > len(text) - len(text.lstrip(" ")) else max(limit, 1)


def fold_code_line(line: Content, width: int) -> list[Content]:
    """One source line as display lines of at most `width` cells: the rest of a long line is indented four past
    the line's own indentation and starts with ↪, so it reads as a continuation, not as a new statement."""
    if line.cell_length <= width or width < MIN_CHUNK + len(CONTINUATION):
        return [line]
    plain = line.plain
    indent = len(plain) - len(plain.lstrip(" "))
    hang = max(min(indent + 4, width - len(CONTINUATION) - MIN_CHUNK), 0)
    cut = break_at(plain, width)
    out, start = [line[:cut].rstrip()], cut
    room = width - hang - len(CONTINUATION)
    while start < len(plain):
        rest = plain[start:].lstrip(" ")
        start += len(plain) - start - len(rest)
        if not rest:
            break
        cut = break_at(rest, room)
        out.append(Content(" " * hang) + Content.styled(CONTINUATION, "dim") + line[start:start + cut].rstrip())
        start += cut
    return out


class CodeBlock(Widget):
    """Python code, syntax-highlighted, folded to the widget's width (see fold_code_line)."""

    DEFAULT_CSS = """
    CodeBlock {
        height: auto;
    }
    """

    def __init__(self, code: str, classes: str = "code") -> None:
        super().__init__(classes=classes)
        self.code = code
        self.lines = highlight(code, language="python").split("\n")

    def folded(self, width: int) -> list[Content]:
        """Every display line at `width` cells."""
        return [part for line in self.lines for part in fold_code_line(line, width)]

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """As many rows as the folded lines."""
        return len(self.folded(width))

    def render(self) -> Content:
        """The folded lines, already fitting, so nothing wraps them again."""
        return Content("\n").join(self.folded(self.content_size.width))
