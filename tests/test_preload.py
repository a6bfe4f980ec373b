"""Start-up preload: a forked child loads the study and sends home's figures, then everything, over a pipe.

The child's result must equal what the app would load in-process; a child that fails, dies or sends damaged
frames must leave the app loading in-process, and no child may outlive its Preload.
"""

from __future__ import annotations

import os
import select
import threading
from pathlib import Path

import pytest

from eqprep.quiz import grade, make_item
from eqprep.study.errors import StoreError
from eqprep.study.preload import _HEADER, MAX_PAYLOAD_BYTES, Failed, Loaded, Preload, load, start_preload
from eqprep.study.service import Study
from eqprep.study.store import DB_NAME
from eqprep.tui.session import Config, HomeSummary, Session, open_config_study, start_loading
from tests.tui_support import EXAM_DAY, FIXTURE_CONTENT, NOW

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the preload needs os.fork")


def _config(data_dir: Path) -> Config:
    return Config(content_root=FIXTURE_CONTENT, data_dir=str(data_dir), clock=lambda: NOW, seed=7,
                  exam_date=EXAM_DAY)


def _ready(preload: Preload, seconds: float = 60.0) -> None:
    """Fail instead of hanging when the child sends nothing (a deadlocked child would block the read for ever)."""
    assert preload.fd is not None and select.select([preload.fd], [], [], seconds)[0], "子プロセスが応答しません"


def _reaped(pid: int) -> bool:
    """The child was collected (no zombie is left behind)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_child_sends_the_same_figures_and_study_as_loading_here(tmp_path: Path) -> None:
    """Glance first (home's figures), then the bank and statistics: both equal an in-process load."""
    config = _config(tmp_path)
    here = Session.load(config)
    qid = sorted(here.bank.questions)[0]
    item = make_item(here.bank.questions[qid], seed=3)
    here.study.record(item, grade(item, "x"), "x", 2000, None)
    stats = here.stats()
    preload = start_loading(config)
    assert preload is not None
    _ready(preload)
    glance = preload.glance()
    loaded = preload.wait()
    assert isinstance(glance, HomeSummary) and glance == here.summary(stats)
    assert glance.answers == 1
    assert isinstance(loaded, Loaded)
    assert sorted(loaded.bank.questions) == sorted(here.bank.questions)
    assert loaded.stats == stats and loaded.store_path == here.study.store.path
    session = Session.from_preload(config, loaded)
    assert session.stats() is loaded.stats, "the child's statistics are reused until the store changes"
    assert _reaped(preload.pid)


def test_unusable_data_comes_back_as_the_same_japanese_message(tmp_path: Path) -> None:
    """A damaged progress file: the child reports the StoreError an in-process load raises, word for word."""
    (tmp_path / DB_NAME).write_bytes(b"not a database" * 10)
    config = _config(tmp_path)
    with pytest.raises(StoreError) as raised:
        Session.load(config)
    preload = start_loading(config)
    assert preload is not None
    _ready(preload)
    first = preload.glance()
    assert isinstance(first, Failed) and first.message == raised.value.message
    assert preload.wait() == first
    assert _reaped(preload.pid)


def test_a_killed_child_means_load_here(tmp_path: Path) -> None:
    """Cancelled while loading: both frames are None (the caller loads in-process) and the child is collected."""
    never = threading.Event()

    def blocked() -> Study:
        never.wait()
        return open_config_study(_config(tmp_path))

    preload = start_preload(blocked, lambda loaded: None)
    assert preload is not None
    preload.cancel()
    assert preload.glance() is None and preload.wait() is None
    assert preload.cancelled and preload.fd is None and _reaped(preload.pid)


def _fake_child(payload: bytes, linger: bool = False) -> Preload:
    """A child that writes `payload` to the pipe and exits (or, with linger, then waits to be killed)."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        os.close(read_fd)
        os.write(write_fd, payload)
        if linger:
            select.select([], [], [])
        os._exit(0)
    os.close(write_fd)
    return Preload(pid, read_fd)


def test_a_truncated_frame_means_load_here() -> None:
    """A frame shorter than its header says (a child killed mid-write): None, never a half-read pickle."""
    preload = _fake_child(_HEADER.pack(1000) + b"x" * 10)
    assert preload.glance() is None and preload.wait() is None
    assert _reaped(preload.pid)


def test_a_damaged_pickle_means_load_here() -> None:
    """Bytes that are not a pickle of the expected kind are refused."""
    preload = _fake_child(_HEADER.pack(5) + b"\x80\x05junk")
    assert preload.glance() is None and preload.wait() is None
    assert _reaped(preload.pid)


def test_an_oversized_frame_is_not_read_and_the_child_is_stopped() -> None:
    """A header beyond the cap: nothing is read or allocated, and a child still running is killed and collected."""
    preload = _fake_child(_HEADER.pack(MAX_PAYLOAD_BYTES + 1), linger=True)
    assert preload.glance() is None and preload.wait() is None
    assert _reaped(preload.pid)


def test_glance_if_ready_never_waits() -> None:
    """Home asks without blocking: nothing yet gives None at once; a sent glance is returned once, then None."""
    silent = _fake_child(b"", linger=True)
    assert silent.glance_if_ready() is None and silent.fd is not None
    silent.cancel()
    assert silent.wait() is None and _reaped(silent.pid)
    import pickle

    frame = pickle.dumps("figures")
    sent = _fake_child(_HEADER.pack(len(frame)) + frame)
    _ready(sent)
    assert sent.glance_if_ready() == "figures"
    assert sent.glance_if_ready() is None, "the glance is handed out once"
    assert sent.wait() is None


def test_the_result_must_be_a_load_result() -> None:
    """A well-formed pickle of something else as the second frame is not taken for a loaded study."""
    import pickle

    frame = pickle.dumps({"bank": "no"})
    preload = _fake_child(_HEADER.pack(len(frame)) + frame + _HEADER.pack(len(frame)) + frame)
    assert preload.glance() == {"bank": "no"}, "the glance is the caller's to check"
    assert preload.wait() is None


def test_no_fork_or_turned_off_means_no_preload(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where fork is missing, or EQPREP_NO_PRELOAD is set, nothing is started and the app loads in-process."""
    config = _config(tmp_path)
    monkeypatch.setenv("EQPREP_NO_PRELOAD", "1")
    assert start_loading(config) is None
    monkeypatch.delenv("EQPREP_NO_PRELOAD")
    monkeypatch.delattr(os, "fork")
    assert start_loading(config) is None


def test_load_is_what_the_child_computes(tmp_path: Path) -> None:
    """`load` (the child's work, callable in-process) gives the statistics of a fresh store and the bank."""
    result = load(lambda: open_config_study(_config(tmp_path)))
    assert isinstance(result, Loaded) and result.stats.answers == 0
    assert result.stats.questions == len(result.bank.questions) > 0


def test_the_child_prints_nothing_to_the_terminal(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    """Whatever the child writes to stdout or stderr (a warning, say) goes nowhere, not into the TUI."""
    import sys
    import warnings

    def noisy() -> Study:
        print("stdout from the child")
        print("stderr from the child", file=sys.stderr)
        warnings.warn("a warning in the child", stacklevel=1)
        return open_config_study(_config(tmp_path))

    preload = start_preload(noisy, lambda loaded: "glance")
    assert preload is not None
    _ready(preload)
    assert preload.glance() == "glance" and isinstance(preload.wait(), Loaded)
    out, err = capfd.readouterr()
    assert "child" not in out + err
