"""Full-text search over notes and questions (Japanese and English, width- and case-insensitive)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from eqprep.bank.model import Bank

SNIPPET = 40


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


def _snippet(text: str, term: str) -> str:
    """A short single-line excerpt around the first match."""
    flat = " ".join(text.split())
    pos = normalize(flat).find(term)
    start = max(0, pos - SNIPPET // 2)
    excerpt = flat[start : start + SNIPPET * 2]
    return ("…" if start else "") + excerpt + ("…" if start + SNIPPET * 2 < len(flat) else "")


def _score(title: str, body: str, terms: list[str]) -> int:
    """0 unless every term occurs; title matches weigh more than body matches."""
    t, b = normalize(title), normalize(body)
    if not all(term in t or term in b for term in terms):
        return 0
    return sum(10 * t.count(term) + b.count(term) for term in terms)


def search(bank: Bank, query: str, limit: int = 50) -> list[Hit]:
    """Notes and questions containing every whitespace-separated term, best first."""
    terms = [normalize(t) for t in query.split()]
    if not terms:
        return []
    hits: list[Hit] = []
    for note in bank.notes.values():
        score = _score(note.title, note.body, terms)
        if score:
            hits.append(Hit("note", note.id, note.title, _snippet(note.body, terms[0]), score + 5))
    for q in bank.questions.values():
        body = "\n".join((q.prompt, q.explanation, q.source or "", " ".join(q.tags), q.topic))
        score = _score(q.id, body, terms)
        if score:
            hits.append(Hit("question", q.id, _snippet(q.prompt, ""), _snippet(body, terms[0]), score))
    hits.sort(key=lambda h: (-h.score, h.kind, h.id))
    return hits[:limit]
