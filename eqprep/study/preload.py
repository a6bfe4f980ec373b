"""Load the bank, open the store and compute statistics in a forked child while the TUI starts up.

Most of `eqprep`'s start-up is two pieces of CPU-bound Python: importing Textual, and loading the question
bank, opening the progress database and counting the statistics. One process runs them one after the other;
forking before Textual is imported lets them run on two cores at once. The child sends back what it loaded as
a pickle over a pipe that only it can write to, so nothing from a file or from outside is ever unpickled.

Where `os.fork` does not exist, or the child dies or sends nothing usable, the app loads in-process as before.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import struct
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from eqprep.bank.model import Bank
    from eqprep.study.service import Study
    from eqprep.study.stats import Stats

MAX_PAYLOAD_BYTES = 512 * 1024 * 1024  # far above the shipped bank's 1.6 MB; a runaway child cannot fill memory
_CHUNK = 1024 * 1024
_HEADER = struct.Struct("!Q")  # each frame: its pickle's length, then the pickle


@dataclass(frozen=True)
class Loaded:
    """What the child loaded: the bank, the validated database path and the statistics with their fingerprint."""

    bank: Bank
    store_path: Path
    version: tuple[object, ...]
    computed_at: datetime
    stats: Stats


@dataclass(frozen=True)
class Failed:
    """The child found the learner's data unusable; `message` is the StoreError's Japanese text."""

    message: str


class Preload:
    """A running child load. It sends two frames: a glance (what the first screen shows, small and quick to read)
    and then everything it loaded. `glance` and `wait` each return their frame once; `cancel` stops the child."""

    def __init__(self, pid: int, fd: int) -> None:
        self.pid = pid
        self.fd: int | None = fd
        self.cancelled = False
        self._glance_read = False

    def glance(self) -> object | None:
        """The first frame: the caller's glance of the loaded data, a Failed, or None (load in-process then)."""
        self._glance_read = True
        return self._frame()

    def glance_if_ready(self) -> object | None:
        """The first frame if the child has already sent it, else None at once (never blocks for long).

        The child writes each frame in one go, so once the pipe is readable the small glance is there in full.
        Call from one thread at a time, never while another is blocked in `glance` or `wait`.
        """
        if self._glance_read or self.fd is None or not select.select([self.fd], [], [], 0)[0]:
            return None
        return self.glance()

    def wait(self) -> Loaded | Failed | None:
        """Block until the child is done (reads release the GIL); None means: load in-process instead."""
        if not self._glance_read:
            self.glance()
        result = self._frame()
        self._reap(kill=False)
        return result if isinstance(result, (Loaded, Failed)) else None

    def _frame(self) -> object | None:
        """Read one length-prefixed pickle; None (and the child stopped) on end-of-file, damage or excess size."""
        header = self._read(_HEADER.size)
        size = _HEADER.unpack(header)[0] if header is not None else MAX_PAYLOAD_BYTES + 1
        data = self._read(size) if size <= MAX_PAYLOAD_BYTES else None
        if data is None:
            self._reap(kill=True)
            return None
        try:
            return pickle.loads(data)  # written by our own child only (see the module docstring)
        except Exception:  # noqa: BLE001 - a damaged frame: load in-process instead
            self._reap(kill=True)
            return None

    def _read(self, size: int) -> bytes | None:
        """Exactly `size` bytes from the pipe, or None when it ends first or is already closed."""
        chunks, left = [], size
        while left and self.fd is not None:
            try:
                chunk = os.read(self.fd, min(left, _CHUNK))
            except OSError:
                return None
            if not chunk:
                return None
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks) if not left else None

    def cancel(self) -> None:
        """Stop the child if it is still running (the learner quit before loading finished).

        Only a signal is sent: a thread blocked in a read then gets end-of-file and collects the child itself.
        """
        self.cancelled = True
        if self.fd is not None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def _reap(self, kill: bool) -> None:
        """Close our end of the pipe and collect the child, so it never lingers as a zombie."""
        if self.fd is None:
            return
        os.close(self.fd)
        self.fd = None
        try:
            if kill:
                os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except (ChildProcessError, ProcessLookupError):
            pass


def start_preload(open_study: Callable[[], Study], glance: Callable[[Loaded], object]) -> Preload | None:
    """Fork a child that runs `open_study` and counts the statistics; call before importing Textual.

    `glance` runs in the child on what it loaded; its result, sent first, lets the first screen be filled in
    before the parent has unpickled (and imported the classes of) the whole bank. Returns None where fork is
    unavailable or fails (the caller then loads in-process).
    """
    if not hasattr(os, "fork") or os.environ.get("EQPREP_NO_PRELOAD"):
        return None
    for stream in (sys.stdout, sys.stderr):  # nothing buffered may be written twice
        stream.flush()
    read_fd, write_fd = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_fd)
        os.close(write_fd)
        return None
    if pid == 0:
        os.close(read_fd)
        _child(open_study, glance, write_fd)
    os.close(write_fd)
    return Preload(pid, read_fd)


def load(open_study: Callable[[], Study]) -> Loaded | Failed:
    """What the child computes: the study (as the caller opens it), then the statistics the first screen shows."""
    from eqprep.study.errors import StoreError
    from eqprep.study.stats import compute_stats

    try:
        study = open_study()
        version, now = study.store.version(), study.clock()
        return Loaded(study.bank, study.store.path, version, now, compute_stats(study))
    except StoreError as error:
        return Failed(error.message)


def _silence() -> None:
    """Point the child's stdout and stderr at /dev/null: a warning printed there would land in the middle of the
    parent's full-screen TUI."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    for fd in (1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)
    sys.stdout = sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives until os._exit


def _child(open_study: Callable[[], Study], glance: Callable[[Loaded], object], fd: int) -> NoReturn:
    """Load, send the glance and the result, and exit without the parent's exit handlers or buffer flushes."""
    code = 1
    try:
        _silence()
        result = load(open_study)
        first = glance(result) if isinstance(result, Loaded) else result
        with open(fd, "wb", closefd=False) as pipe:
            for frame in (first, result):
                data = pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL)
                pipe.write(_HEADER.pack(len(data)) + data)
                pipe.flush()
        code = 0
    except BaseException:  # noqa: BLE001 - any failure: send nothing more, the parent loads in-process
        pass
    finally:
        os._exit(code)
