"""A 大問 shown as one unit: 小問 tabs, the shared passage and code above, the current 小問 below."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Markdown, Static

from eqprep.bank.model import QuestionSet
from eqprep.render.math import render_markdown
from eqprep.tui.widgets.code import CodeBlock
from eqprep.tui.widgets.question import QuestionView


def tabs_text(numbers: list[int], current: int, answered: set[int]) -> Content:
    """'大問 小問: [問12] 問13◯ 問14' with the current 小問 reversed and answered ones marked."""
    cells: list[str | tuple[str, str]] = ["小問: "]
    for position, number in enumerate(numbers):
        mark = "◯" if number in answered else ""
        style = "reverse bold" if position == current else ("bold" if mark else "dim")
        cells += [(f"問{number}{mark}", style), " "]
    return Content.assemble(*cells)


class SetView(Vertical):
    """Header with the set's title and its 小問 (paper numbers), passage, code listing, then `question`."""

    DEFAULT_CSS = """
    SetView {
        height: auto;
    }
    SetView .set-header {
        text-style: bold;
        color: $text-accent;
    }
    SetView .set-tabs {
        margin-bottom: 1;
    }
    SetView .passage {
        margin: 0;
    }
    SetView .set-code {
        background: $boost;
        padding: 0 1;
        margin-bottom: 1;
    }
    SetView .set-rule {
        color: $text-muted;
    }
    """

    def __init__(self, qset: QuestionSet, numbers: list[int], current: int, question: QuestionView,
                 answered: set[int] | None = None) -> None:
        super().__init__(classes="set-view")
        self.qset = qset
        self.numbers = numbers
        self.current = current
        self.question = question
        self.answered = answered or set()

    def compose(self) -> ComposeResult:
        """Title and tabs, passage, code, a rule, then the 小問."""
        title = f"大問: {self.qset.title}" if self.qset.title else "大問"
        count = f"  (小問 {self.current + 1}/{len(self.numbers)})"
        yield Static(title + count, classes="set-header", markup=False)
        if len(self.numbers) > 1:
            yield Static(tabs_text(self.numbers, self.current, self.answered), classes="set-tabs")
        if self.qset.passage.strip():
            yield Markdown(render_markdown(self.qset.passage.strip()), classes="passage", open_links=False)
        if self.qset.code.strip():
            yield CodeBlock(self.qset.display_code, classes="set-code")
        yield Static("─" * 20 + f" 問{self.numbers[self.current]}", classes="set-rule", markup=False)
        yield self.question
