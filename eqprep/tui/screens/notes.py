"""Notes: syllabus-ordered topic tree, the note with rendered math, and links to notes and questions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Markdown, OptionList, Static
from textual.widgets.option_list import Option

from eqprep.bank.model import AREAS, LINK_RE, Bank, Note
from eqprep.bank.search import question_prompt
from eqprep.render.math import render_markdown
from eqprep.render.text import cut
from eqprep.tui.messages import Ask, OpenDerivation, OpenScreen
from eqprep.tui.widgets.question import KIND_LABELS

if TYPE_CHECKING:
    from eqprep.tui.session import Session

QUESTION_SNIPPET = 40  # cells of a linked question's prompt shown in the link list


def short_title(title: str) -> str:
    """Tree label: the Japanese part of 'タイトル (English, ...)' so it fits a narrow column."""
    head = title.split(" (", 1)[0].strip()
    return head or title



def list_title(title: str) -> str:
    """Label in the topic list: the short title with ニューラルネットワーク as NN, so titles fit 80 columns."""
    return " ".join(short_title(title).replace("ニューラルネットワーク", " NN ").split())


def grouped_notes(bank: Bank) -> dict[str, list[Note]]:
    """Notes per area in the official order, each list sorted by `order`."""
    groups: dict[str, list[Note]] = {area: [] for area in AREAS}
    for note in sorted(bank.notes.values(), key=lambda n: (n.order, n.id)):
        groups.setdefault(bank.area_of(note), []).append(note)
    return {area: notes for area, notes in groups.items() if notes}


def topic_options(groups: dict[str, list[Note]]) -> list[Option]:
    """The topic list: each area as a heading (not selectable), then its notes' short titles."""
    options: list[Option] = []
    for area, notes in groups.items():
        options.append(Option(Content.styled(f"▼ {area}", "bold"), disabled=True))
        options.extend(Option(Content(list_title(note.title)), id=note.id) for note in notes)
    return options


def note_links(bank: Bank, note: Note, derivations: dict[str, str] | None = None) -> list[tuple[str, str, str]]:
    """(kind, id, label) for the note's links, its verified derivations (id -> title), then its questions."""
    links: list[tuple[str, str, str]] = []
    seen: set[tuple[str, str]] = set()
    for label, kind, target in LINK_RE.findall(note.body):
        known = bank.notes if kind == "note" else bank.questions
        if target in known and (kind, target) not in seen:
            seen.add((kind, target))
            # a question link's label is mostly 問題 or ドリル: the start of its prompt tells them apart
            shown = f"{label}: {cut(question_prompt(bank.questions[target]), QUESTION_SNIPPET)}" if kind == "q" else label
            links.append((kind, target, f"→ {shown}"))
    for derivation_id, title in sorted((derivations or {}).items()):
        links.append(("d", derivation_id, f"導出: {title}"))
    for question in sorted(bank.questions_for(note.id), key=lambda q: q.id):
        if ("q", question.id) not in seen:
            tag = question.source or KIND_LABELS.get(question.kind, question.kind)
            links.append(("q", question.id, f"問 ({tag}) {cut(question_prompt(question), QUESTION_SNIPPET)}"))
    return links


class NotesScreen(Screen[None]):
    """Browse notes; links open other notes or start a question."""

    BINDINGS = [
        Binding("q", "drill", "この問題を解く"),
        Binding("slash", "search", "検索"),
        Binding("escape", "app.pop_screen", "戻る"),
    ]

    def __init__(self, session: Session, note_id: str | None = None) -> None:
        super().__init__()
        self.session = session
        self.note_id = note_id
        self.groups = grouped_notes(session.bank)
        self.derivations = session.derivations()

    def compose(self) -> ComposeResult:
        """Topic list on the left (area headings, then titles wrapped at phrase boundaries, never cut), the note
        and its links on the right."""
        topics = OptionList(*topic_options(self.groups), id="topics")
        with Horizontal(id="notes"):
            yield topics
            with Vertical(id="note-pane"):
                with VerticalScroll(id="note-scroll"):
                    yield Markdown("", id="note", open_links=False)
                yield Static("リンク (Enter で開く):", classes="hint", markup=False)
                yield OptionList(id="links")
        yield Footer()

    def on_mount(self) -> None:
        """Open the requested note, or the first one."""
        first = self.note_id if self.note_id in self.session.bank.notes else next(
            (notes[0].id for notes in self.groups.values()), None)
        if first:
            self.show_note(first)
        self.query_one("#topics", OptionList).focus()
        self.call_after_refresh(self.reveal_area)

    def reveal_area(self) -> None:
        """Keep the area heading above the first note in view (highlighting the note alone scrolls it away)."""
        topics = self.query_one("#topics", OptionList)
        if topics.highlighted == 1:
            topics.scroll_home(animate=False)

    def show_note(self, note_id: str) -> None:
        """Display one note with math rendered and list its links."""
        bank = self.session.bank
        note = bank.notes.get(note_id)
        if note is None:
            self.notify(f"ノート '{note_id}' はありません。", severity="error", markup=False)
            return
        self.note_id = note_id
        topics = self.query_one("#topics", OptionList)
        index = topics.get_option_index(note_id)
        if topics.highlighted != index:
            topics.highlighted = index
        self.query_one("#note", Markdown).update(render_markdown(note.body))
        self.query_one("#note-scroll", VerticalScroll).scroll_home(animate=False)
        links = self.query_one("#links", OptionList)
        links.clear_options()
        derivations = {d.id: d.title for d in self.derivations.values() if d.note == note_id}
        found = note_links(bank, note, derivations)
        links.add_options([Option(Content(label), id=f"{kind}:{target}") for kind, target, label in found])

    @on(OptionList.OptionSelected, "#topics")
    def topic_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a title opens its note."""
        if event.option.id:
            self.show_note(event.option.id)

    @on(OptionList.OptionSelected, "#links")
    def link_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a link follows it."""
        if event.option.id:
            self.follow(event.option.id)

    @on(Markdown.LinkClicked)
    def link_clicked(self, event: Markdown.LinkClicked) -> None:
        """A mouse click on a link in the note text."""
        event.prevent_default()
        self.follow(event.href)

    def follow(self, href: str) -> None:
        """`note:ID` shows that note; `q:ID` asks that question; `d:ID` shows a verified derivation."""
        kind, _, target = href.partition(":")
        target = target.split("#", 1)[0]
        if kind == "note":
            self.show_note(target)
        elif kind == "q" and target in self.session.bank.questions:
            self.ask([target])
        elif kind == "d" and target in self.derivations:
            self.post_message(OpenDerivation(target))
        else:
            self.notify(f"リンク先 '{href}' が見つかりません。", severity="error", markup=False)

    def ask(self, question_ids: list[str]) -> None:
        """Start a small quiz on the given questions."""
        questions = [self.session.bank.questions[q] for q in question_ids]
        title = self.session.bank.notes[self.note_id].title if self.note_id in self.session.bank.notes else "問題"
        self.post_message(Ask(questions, title))

    def action_drill(self) -> None:
        """Every question on the current note."""
        if self.note_id is None:
            return
        ids = sorted(q.id for q in self.session.bank.questions_for(self.note_id))
        if not ids:
            self.notify("このノートにはまだ問題がありません。", markup=False)
            return
        self.ask(ids)

    def action_search(self) -> None:
        """Open search over notes and questions."""
        self.post_message(OpenScreen("search"))
