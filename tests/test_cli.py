"""The CLI skeleton: help, data-dir resolution, search, and Japanese errors instead of tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from eqprep.cli import main
from eqprep.paths import data_dir


def test_help_lists_subcommands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "check" in out and "search" in out and "--data-dir" in out


def test_data_dir_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EQPREP_HOME", str(tmp_path / "env"))
    assert data_dir(str(tmp_path / "flag")) == tmp_path / "flag"
    assert data_dir(None) == tmp_path / "env"
    monkeypatch.delenv("EQPREP_HOME")
    assert "eqprep" in str(data_dir(None))


def test_search_finds_japanese_and_english_terms(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "シグモイド"]) == 0
    assert "シグモイド" in capsys.readouterr().out
    assert main(["search", "ＲＥＬＵ", "--json"]) == 0  # full-width and case-insensitive
    hits = json.loads(capsys.readouterr().out)
    assert hits and all({"kind", "id", "title", "snippet", "score"} <= set(h) for h in hits)
    assert main(["search", "zzqqxxnotthere"]) == 1
    assert "見つかりませんでした" in capsys.readouterr().out


def test_search_ranks_title_hits_first() -> None:
    from eqprep.bank import load_bank
    from eqprep.bank.search import search
    from tests.conftest import FIXTURE_CONTENT

    hits = search(load_bank(FIXTURE_CONTENT), "CNN")
    assert hits[0].kind == "note" and hits[0].id == "cnn"
    assert search(load_bank(FIXTURE_CONTENT), "   ") == []


def test_unknown_command_is_a_usage_error_not_a_traceback() -> None:
    result = subprocess.run([sys.executable, "-m", "eqprep", "frobnicate"], capture_output=True, text=True)
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_check_on_missing_path_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path / "nope")]) == 1
    assert "見つかりません" in capsys.readouterr().out


def test_bare_eqprep_starts_the_tui_with_the_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    import eqprep.cli as cli

    seen = {}
    monkeypatch.setattr(cli, "_run_tui", lambda args: seen.setdefault("data_dir", args.data_dir) and 0)
    assert cli.main(["--data-dir", "/tmp/somewhere"]) == 0
    assert seen == {"data_dir": "/tmp/somewhere"}
