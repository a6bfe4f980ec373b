"""The test session writes nothing outside temporary dirs: the learner's real data and cache dirs stay untouched."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import pytest

from eqprep.bank import load_bank
from eqprep.bank.cache import _cache_file
from eqprep.cli import main
from tests.conftest import FIXTURE_CONTENT, REAL_CACHE_ENV, REAL_DATA_ENV, SESSION_ENV


def _state(path: Path) -> dict[str, tuple[int, int]] | None:
    """Size and mtime of `path` or of every file under it, or None when it does not exist."""
    if not path.exists():
        return None
    files = [p for p in path.rglob("*") if p.is_file()] if path.is_dir() else [path]
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in files}


def test_load_drill_and_check_write_only_inside_the_session_dir(monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    # without the per-test EQPREP_HOME/EQPREP_CACHE: what module-level code and subprocesses would see
    monkeypatch.delenv("EQPREP_HOME")
    monkeypatch.delenv("EQPREP_CACHE")
    session = Path(os.environ[SESSION_ENV])
    real_data, real_cache = Path(os.environ[REAL_DATA_ENV]), Path(os.environ[REAL_CACHE_ENV])
    assert not real_data.is_relative_to(session) and not real_cache.is_relative_to(session)
    # in the shared cache dir only this checkout's entry (other checkouts on the machine may write theirs meanwhile)
    monkeypatch.setenv("EQPREP_CACHE", str(real_cache))
    real_entry = _cache_file(FIXTURE_CONTENT)
    monkeypatch.delenv("EQPREP_CACHE")
    before = (_state(real_data), _state(real_entry), real_cache.exists())

    load_bank(FIXTURE_CONTENT)
    monkeypatch.setattr(sys, "stdin", io.StringIO("?\n"))
    assert main(["drill", "--content", str(FIXTURE_CONTENT), "--count", "1", "--seed", "1"]) == 0
    assert main(["check", str(FIXTURE_CONTENT)]) == 0
    capsys.readouterr()

    assert (_state(real_data), _state(real_entry), real_cache.exists()) == before
    written = {p.name for p in session.rglob("*") if p.is_file()}
    assert any(name.startswith("bank-") and name.endswith(".json") for name in written), written  # the parse cache
    assert any(name.endswith(".db") or name.endswith(".sqlite3") for name in written), written  # the progress store
