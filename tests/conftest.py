"""Shared fixtures: the small valid content tree, the loaded banks, and data dirs kept inside temporary dirs."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from eqprep.bank import load_bank
from eqprep.bank.model import Bank

FIXTURE_CONTENT = Path(__file__).parent / "fixtures" / "content"

# Everything a test run could write outside its temporary dirs: the home dir and the XDG/platform dirs under it.
_REDIRECTED = ("HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "EQPREP_HOME",
               "EQPREP_CACHE")
# Set by the first process (xdist workers inherit them): the session's temporary home and the real user dirs.
SESSION_ENV, REAL_DATA_ENV, REAL_CACHE_ENV = "EQPREP_TESTS_SESSION", "EQPREP_TESTS_REAL_DATA", "EQPREP_TESTS_REAL_CACHE"


def pytest_configure(config: pytest.Config) -> None:
    """Before collection (and any module-level code), point the home, XDG and eqprep dirs at a temporary dir."""
    if SESSION_ENV in os.environ:  # an xdist worker: the controller already redirected everything
        return
    from platformdirs import user_cache_dir, user_data_dir

    os.environ[REAL_DATA_ENV] = user_data_dir("eqprep", appauthor=False)
    os.environ[REAL_CACHE_ENV] = user_cache_dir("eqprep", appauthor=False)
    base = Path(tempfile.mkdtemp(prefix="eqprep-tests-"))
    os.environ[SESSION_ENV] = str(base)
    config.stash[_OWNED] = base
    for name in _REDIRECTED:
        os.environ[name] = str(base / name.lower())


def pytest_unconfigure(config: pytest.Config) -> None:
    """Remove the session's temporary home (only the process that made it)."""
    base = config.stash.get(_OWNED, None)
    if base is not None:
        shutil.rmtree(base, ignore_errors=True)


_OWNED = pytest.StashKey[Path]()


@pytest.fixture(scope="session")
def shipped_bank() -> Bank:
    """The shipped content, loaded once per session (read-only: tests must not modify it)."""
    return load_bank()


@pytest.fixture(scope="session")
def fixture_bank() -> Bank:
    """The small fixture content, loaded once per session (read-only)."""
    return load_bank(FIXTURE_CONTENT)


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
