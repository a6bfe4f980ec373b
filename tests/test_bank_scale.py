"""A 10,000-question bank loads completely (the timing lives in benchmarks/bank_load.py)."""

from __future__ import annotations

from pathlib import Path

from eqprep.bank import load_bank
from tests.bankgen import generate


def test_ten_thousand_questions_load(tmp_path: Path) -> None:
    bank = load_bank(generate(tmp_path / "big"))
    assert bank.problems == []
    assert len(bank.questions) == 10_000 + 6
