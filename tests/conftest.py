"""Shared fixtures: the small valid content tree and an isolated data dir."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURE_CONTENT = Path(__file__).parent / "fixtures" / "content"


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A writable copy of the fixture content tree."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, target)
    return target


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Never touch the real user data dir from a test."""
    home = tmp_path / "eqprep-home"
    monkeypatch.setenv("EQPREP_HOME", str(home))
    monkeypatch.setenv("EQPREP_CACHE", str(tmp_path / "eqprep-cache"))
    return home
