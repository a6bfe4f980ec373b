"""Export the question bank as an Anki deck (.apkg via genanki), math kept as MathJax."""

from __future__ import annotations

import html
import re
from pathlib import Path

from eqprep.bank.model import Bank, CodeChoiceQuestion, ParametricQuestion, Question
from eqprep.quiz import make_item
from eqprep.quiz.grade import expected_text
from eqprep.render.math import DISPLAY_RE, INLINE_RE
from eqprep.render.text import CODE_FENCE_RE, LINK_LABEL_RE
from eqprep.study.errors import StoreError

MODEL_ID = 1_607_392_319
DECK_ID = 2_059_400_110
ANKI_SEED = 1
BLANK = "{blank}"
_CODE = re.compile(r"`([^`]+)`")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_CSS = ".card { font-family: sans-serif; font-size: 18px; text-align: left; } pre { background: #f4f4f4; }"


def to_html(markdown: str) -> str:
    """Escape text for Anki: `$..$` / `$$..$$` become MathJax (delimiters as the renderer reads them, `\\$` a dollar
    sign), `code` and **bold** HTML, links their label."""
    text = html.escape(LINK_LABEL_RE.sub(r"\1", markdown.strip()), quote=False)
    text = DISPLAY_RE.sub(lambda m: r"\[" + m.group(1) + r"\]", text)
    text = INLINE_RE.sub(lambda m: r"\(" + m.group(1) + r"\)", text).replace(r"\$", "$")
    text = CODE_FENCE_RE.sub(lambda m: "<pre>" + m.group(1).rstrip().replace("\n", "\0") + "</pre>", text)
    text = _CODE.sub(r"<code>\1</code>", text)
    text = _BOLD.sub(r"<b>\1</b>", text)
    return text.replace("\n", "<br>").replace("\0", "\n")


def code_html(code: str) -> str:
    """A code template with its blank shown as a visible gap."""
    return html.escape(code.strip(), quote=False).replace(BLANK, "<u>&nbsp;&nbsp;(　)&nbsp;&nbsp;</u>")


def _tag(text: str) -> str:
    """Anki tags cannot contain spaces."""
    return re.sub(r"\s+", "_", text.strip())


def card_fields(bank: Bank, question: Question) -> tuple[str, str]:
    """Front and back HTML of one question (a parametric one shows one fixed instance)."""
    item = make_item(question, seed=ANKI_SEED)
    front = [to_html(item.passage)] if item.passage else []
    front.append(to_html(item.prompt))
    if item.code:
        front.append(f"<pre>{code_html(item.code)}</pre>")
    if isinstance(question, CodeChoiceQuestion):
        front.append("<br>".join(f"{i + 1}. <code>{html.escape(c, quote=False)}</code>"
                                 for i, c in enumerate(item.choices)))
    elif item.choices:
        front.append("<br>".join(f"{i + 1}. {to_html(c)}" for i, c in enumerate(item.choices)))
    if isinstance(question, ParametricQuestion):
        front.append("<small>(数値は一例です。eqprep では毎回違う数値で出題されます)</small>")
    back = [f"<b>{to_html(expected_text(item))}</b>", to_html(item.explanation)]
    if question.source:
        back.append(f"<small>出典: {html.escape(question.source)} / {html.escape(bank.area_of(question))}</small>")
    return "<br><br>".join(front), "<hr>".join(back)


def export_anki(bank: Bank, path: str | Path, deck_name: str = "eqprep E資格") -> tuple[int, list[str]]:
    """Write every question to an .apkg (stable ids: re-importing updates notes); return (count, skipped ids)."""
    import genanki

    model = genanki.Model(
        MODEL_ID,
        "eqprep 問題",
        fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Id"}],
        templates=[{"name": "Card 1", "qfmt": "{{Front}}",
                    "afmt": '{{FrontSide}}<hr id="answer">{{Back}}'}],
        css=_CSS,
    )
    deck = genanki.Deck(DECK_ID, deck_name)
    skipped: list[str] = []
    for question in sorted(bank.questions.values(), key=lambda q: (q.tags, q.id)):
        try:
            front, back = card_fields(bank, question)
        except ValueError:
            skipped.append(question.id)
            continue
        tags = [_tag(question.topic), _tag(bank.area_of(question)), *(f"syllabus::{t}" for t in question.tags)]
        if question.source:
            tags.append(_tag(question.source))
        deck.add_note(genanki.Note(model=model, fields=[front, back, question.id], tags=tags,
                                   guid=genanki.guid_for(question.id)))
    try:
        genanki.Package(deck).write_to_file(str(path))
    except OSError as exc:
        raise StoreError(f"{path} に書き出せません: {exc.strerror}") from exc
    return len(deck.notes), skipped
