"""Questions and notes per syllabus item, and the items that fall short."""

from __future__ import annotations

from dataclasses import dataclass

from eqprep.bank.model import Bank

MIN_QUESTIONS = 6
MIN_OPTION_QUESTIONS = 3


@dataclass(frozen=True)
class CoverageRow:
    """Counts for one syllabus item."""

    item_id: str
    name: str
    area: str
    option: bool
    notes: int
    questions: int

    @property
    def ok(self) -> bool:
        """Covered: a note, and MIN_QUESTIONS questions (MIN_OPTION_QUESTIONS for an option item)."""
        return self.notes > 0 and self.questions >= (MIN_OPTION_QUESTIONS if self.option else MIN_QUESTIONS)


def coverage(bank: Bank) -> list[CoverageRow]:
    """One row per syllabus item, in syllabus order."""
    notes = {item: 0 for item in bank.syllabus}
    questions = dict(notes)
    for note in bank.notes.values():
        for tag in set(note.tags) & notes.keys():
            notes[tag] += 1
    for question in bank.questions.values():
        for tag in set(question.tags) & questions.keys():
            questions[tag] += 1
    return [
        CoverageRow(i.id, i.name, i.area, i.option, notes[i.id], questions[i.id]) for i in bank.syllabus.values()
    ]
