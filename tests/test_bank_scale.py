"""A 10,000-question bank loads completely (the timing lives in benchmarks/bank_load.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from eqprep.bank import load_bank
from tests.bankgen import generate


@pytest.mark.slow
def test_ten_thousand_questions_load(tmp_path: Path) -> None:
    bank = load_bank(generate(tmp_path / "big"))
    assert bank.problems == []
    assert len(bank.questions) == 10_000 + 6


def test_cache_reuses_parsed_files_and_notices_edits(tmp_path: Path) -> None:
    root = generate(tmp_path / "big", count=300)
    first = load_bank(root)
    assert load_bank(root).questions.keys() == first.questions.keys()
    target = root / "questions" / "gen-00000.toml"
    target.write_text(target.read_text(encoding="utf-8").replace("問題 0:", "改訂 0:"), encoding="utf-8")
    assert load_bank(root).questions["gen-0-choice"].prompt.startswith("改訂 0:")
    target.unlink()
    assert "gen-0-choice" not in load_bank(root).questions


def test_uncached_load_matches_cached(tmp_path: Path) -> None:
    root = generate(tmp_path / "big", count=200)
    load_bank(root)
    assert load_bank(root, use_cache=False).questions == load_bank(root).questions


def test_values_json_cannot_keep_do_not_break_loading(tmp_path: Path) -> None:
    root = generate(tmp_path / "big", count=10)
    (root / "questions" / "dated.toml").write_text("updated = 2026-11-25\n", encoding="utf-8")
    for _ in range(2):  # the cache cannot store the date; both loads still report the stray key
        bank = load_bank(root)
        assert len(bank.questions) == 16
        assert any("updated" in p.message for p in bank.problems)
