"""One question on screen: rendered prompt plus the right input for its kind, with live validation."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.highlight import highlight
from textual.widgets import Input, Markdown, Static, TextArea

from eqprep.bank.model import ChoiceQuestion, ExpressionQuestion, NumericQuestion, ParametricQuestion
from eqprep.quiz import MULTILINE_KINDS, Item
from eqprep.render.math import render_markdown
from eqprep.tui.widgets.code import CodeBlock
from eqprep.tui.widgets.hanging import Hanging

KIND_LABELS = {
    "choice": "選択問題",
    "numeric": "数値問題",
    "expression": "数式問題",
    "code_choice": "コード穴埋め",
    "self_graded": "記述 (自己採点)",
    "parametric": "数値ドリル",
    "combination": "組み合わせ",
}
CHOICE_KINDS = ("choice", "code_choice", "combination")
SUBMIT_KEY = "ctrl+s"
MULTILINE_HINT = "自分の答えを書いてください (Enter で改行、ctrl+s で模範解答を表示)"


def input_hint(item: Item) -> str:
    """Placeholder telling the learner what to type for this kind."""
    q = item.question
    if isinstance(q, ExpressionQuestion):
        names = ", ".join(q.variables + q.functions) or "なし"
        return f"式を入力 (使える名前: {names})  例: 2*(x+y)"
    if isinstance(q, NumericQuestion | ParametricQuestion):
        count = len(item.expected)
        unit = f" 単位 {q.unit}" if q.unit else ""
        return f"数値を {count} 個、カンマ区切りで{unit}" if count > 1 else f"数値を入力 (例 7, 0.25, 1/4){unit}"
    return "自分の答えを書いて Enter で模範解答を表示"


def live_feedback(item: Item, text: str) -> tuple[bool, str]:
    """How the typed answer is read right now (STACK-style), without grading it."""
    q = item.question
    if not text.strip():
        return True, ""
    if isinstance(q, ExpressionQuestion):
        from eqprep.maths.parse import preview

        shown = preview(text, q.variables, q.functions)
        return (True, f"読み取り: {shown.display}") if shown.ok else (False, shown.message)
    if isinstance(q, NumericQuestion | ParametricQuestion):
        from eqprep.quiz.grade import parse_numbers

        values = parse_numbers(text, len(item.expected), q.unit)
        if isinstance(values, str):
            return False, values
        return True, "読み取り: " + ", ".join(f"{v:g}" for v in values)
    return True, ""


class ChoiceRow(Hanging):
    """One numbered option; code options are syntax-highlighted. The mark shows the choice without colour:
    `[x]`/`[ ]` where several answers may be chosen, `▶` on the chosen one otherwise. A long option wraps under
    its text, not under its number."""

    def __init__(self, number: int, text: str, code: bool, multiple: bool = False) -> None:
        self.number = number
        self.multiple = multiple
        body = highlight(text, language="python") if code else Content(render_markdown(text))
        super().__init__(self.mark_text(False), body, classes="choice")

    def mark_text(self, chosen: bool) -> str:
        """Mark and number."""
        if self.multiple:
            return f"{'[x]' if chosen else '[ ]'} {self.number}. "
        return f"{'▶' if chosen else ' '} {self.number}. "

    def mark(self, chosen: bool) -> None:
        """Show whether this option is chosen (class for colour, mark for monochrome terminals)."""
        self.set_class(chosen, "-selected")
        self.set_head(self.mark_text(chosen))


class QuestionView(Vertical):
    """Prompt and answer area; the parent screen decides when to grade."""

    def __init__(self, item: Item, *, choice_hint: str = "番号キーで選択、Enter で解答", id: str | None = None,
                 show_material: bool = True) -> None:
        super().__init__(id=id, classes="question")
        self.item = item
        self.show_material = show_material  # False when a set view already shows the 大問's passage and code
        self.choice_hint = choice_hint
        self.selected: set[int] = set()
        self.kind = item.question.kind

    def compose(self) -> ComposeResult:
        """Prompt, then options or a text input with a live preview line."""
        if self.item.passage and self.show_material:
            yield Markdown(render_markdown(self.item.passage), classes="passage", open_links=False)
        if self.item.code and self.show_material and self.item.question.group:
            yield CodeBlock(self.item.code)
        yield Markdown(self.item.prompt_text, classes="prompt", open_links=False)
        if self.item.code and not self.item.question.group:
            yield CodeBlock(self.item.code)
        if self.kind in CHOICE_KINDS:
            hint = "正解をすべて選んでください (番号キーで切替)" if self.multiple else self.choice_hint
            yield Static(hint, classes="hint", markup=False)
            for number, text in enumerate(self.item.choices, 1):
                yield ChoiceRow(number, text, self.kind == "code_choice", self.multiple)
        elif self.multiline:
            yield Static(MULTILINE_HINT, classes="hint", markup=False)
            yield TextArea(id="answer", classes="answer -multiline", soft_wrap=True, show_line_numbers=False,
                           placeholder="ここに解答 (複数行可)")
            yield Static("", id="preview", classes="preview", markup=False)
        else:
            yield Input(placeholder=input_hint(self.item), id="answer", classes="answer")
            yield Static("", id="preview", classes="preview", markup=False)

    @property
    def multiple(self) -> bool:
        """Several options may be chosen (choice with more than one correct answer)."""
        question = self.item.question
        return isinstance(question, ChoiceQuestion) and question.multiple

    @property
    def multiline(self) -> bool:
        """Answered in several lines (self-graded descriptions): a text area submitted with ctrl+s."""
        return self.kind in MULTILINE_KINDS

    def toggle(self, number: int) -> bool:
        """Select option `number` (1-based); toggles for multi-answer questions. False if out of range."""
        if self.kind not in CHOICE_KINDS or not 1 <= number <= len(self.item.choices):
            return False
        if self.multiple:
            self.selected ^= {number}
        else:
            self.selected = {number}
        for row in self.query(ChoiceRow):
            row.mark(row.number in self.selected)
        return True

    def answer_text(self) -> str:
        """The answer as `grade` reads it: option numbers or the typed text."""
        if self.kind in CHOICE_KINDS:
            return ",".join(str(n) for n in sorted(self.selected))
        if self.multiline:
            return self.query_one("#answer", TextArea).text.strip("\n")
        return self.query_one("#answer", Input).value

    def set_answer(self, text: str) -> None:
        """Restore a previous answer (the exam navigator revisits questions)."""
        if self.kind in CHOICE_KINDS:
            for token in filter(None, text.split(",")):
                self.toggle(int(token))
            return
        if self.multiline:
            self.query_one("#answer", TextArea).load_text(text)
            return
        self.query_one("#answer", Input).value = text

    def focus_input(self) -> None:
        """Put the cursor in the text input, if this kind has one."""
        for field in self.query("#answer"):
            if isinstance(field, TextArea):
                field.cursor_blink = False  # a steady cursor (and stable snapshots)
            field.focus()

    def freeze(self) -> None:
        """Freeze the input once graded."""
        for field in self.query("#answer"):
            field.disabled = True

    def show_preview(self, ok: bool, text: str) -> None:
        """Show the live reading or a Japanese error under the input."""
        for line in self.query("#preview").results(Static):
            line.update(text)
            line.set_class(not ok, "-error")

    def on_input_changed(self, event: Input.Changed) -> None:
        """Validate as the learner types."""
        self.show_preview(*live_feedback(self.item, event.value))
