"""Full-text search over notes and questions (Japanese and English, width- and case-insensitive).

Results are plain text (no Markdown, LaTeX or template fields), cut at phrase boundaries. A question's
snippet comes from its prompt only, so a match in the explanation never shows the answer.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from eqprep.bank.model import Bank, ParametricQuestion, Question
from eqprep.render.text import cut, plain_text, short_title

TITLE_WIDTH = 40
SNIPPET_WIDTH = 60


@dataclass(frozen=True)
class Hit:
    """One search result."""

    kind: str  # "note" or "question"
    id: str
    title: str
    snippet: str
    score: int


def normalize(text: str) -> str:
    """NFKC + casefold so ＲｅＬＵ, relu and ReLU match alike."""
    return unicodedata.normalize("NFKC", text).casefold()


def _snippet(text: str, terms: list[str]) -> str:
    """A phrase-bounded excerpt around the first term found (the start of the text when none is)."""
    folded = normalize(text)
    found = [pos for term in terms if (pos := folded.find(term)) >= 0]
    start = max(min(found) - 8, 0) if found else 0
    return cut(text, SNIPPET_WIDTH, start)


def _score(title: str, body: str, terms: list[str]) -> int:
    """0 unless every term occurs; title matches weigh more than body matches."""
    t, b = normalize(title), normalize(body)
    if not all(term in t or term in b for term in terms):
        return 0
    return sum(10 * t.count(term) + b.count(term) for term in terms)


def question_prompt(question: Question) -> str:
    """The prompt as plain text, template fields shown as □."""
    names = (*question.params, *question.let) if isinstance(question, ParametricQuestion) else ()
    return plain_text(question.prompt, names)


def warm_up(bank: Bank) -> None:
    """Render every note and prompt to plain text now (cached), so the first search answers at once."""
    for note in bank.notes.values():
        plain_text(note.body)
    for question in bank.questions.values():
        question_prompt(question)


def search(bank: Bank, query: str, limit: int = 50) -> list[Hit]:
    """Notes and questions containing every whitespace-separated term, best first."""
    terms = [normalize(t) for t in query.split()]
    if not terms:
        return []
    hits: list[Hit] = []
    for note in bank.notes.values():
        score = _score(note.title, note.body, terms)
        if score:
            hits.append(Hit("note", note.id, note.title, _snippet(plain_text(note.body), terms), score + 5))
    for q in bank.questions.values():
        body = "\n".join((q.prompt, q.explanation, q.source or "", " ".join(q.tags), q.topic))
        score = _score(q.id, body, terms)
        if score:
            prompt = question_prompt(q)
            topic = short_title(bank.notes[q.topic].title) if q.topic in bank.notes else q.topic
            title = f"{q.source} / {topic}" if q.source else topic
            hits.append(Hit("question", q.id, cut(title, TITLE_WIDTH), _snippet(prompt, terms), score))
    hits.sort(key=lambda h: (-h.score, h.kind, h.id))
    return hits[:limit]
