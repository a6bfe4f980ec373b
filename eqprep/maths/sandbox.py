"""A persistent SymPy worker process with a hard wall-clock limit per request (thread-safe, no signals)."""

from __future__ import annotations

import sys
import threading
import time
from typing import Any

from eqprep.lineproc import LineProcess


class SymbolicWorker:
    """Runs `eqprep.maths.worker` in a child process; a request that overruns its time kills the child."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._child: LineProcess | None = None
        self._ready = False

    def _kill(self) -> None:
        """Hard-kill the child (it may be stuck in SymPy) and forget it."""
        if self._child is not None:
            self._child.kill()
        self._child = None
        self._ready = False

    def warm_up(self, timeout: float = 10.0) -> bool:
        """Start the child and wait until SymPy is imported, so later requests are fast."""
        with self._lock:
            return self._ensure(time.monotonic() + timeout)

    def _ensure(self, deadline: float) -> bool:
        """Make sure a ready child exists (caller holds the lock)."""
        if self._child is None or not self._child.alive():
            try:
                self._child, self._ready = LineProcess([sys.executable, "-m", "eqprep.maths.worker"]), False
            except OSError:
                self._child = None
                return False
        if not self._ready:
            reply = self._child.reply(deadline - time.monotonic())
            if not reply or not reply.get("ready"):
                self._kill()
                return False
            self._ready = True
        return True

    def request(self, payload: dict[str, Any], timeout: float) -> dict[str, Any] | None:
        """Send one request; None if the child failed or ran out of time (it is then killed)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            if not self._ensure(deadline):
                return None
            assert self._child is not None
            if not self._child.send(payload):
                self._kill()
                return None
            reply = self._child.reply(deadline - time.monotonic())
            if reply is None:
                self._kill()
            return reply

    def close(self) -> None:
        """Stop the child."""
        with self._lock:
            self._kill()


_shared: SymbolicWorker | None = None
_shared_lock = threading.Lock()


def shared_worker() -> SymbolicWorker:
    """The process-wide worker (created on first use)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = SymbolicWorker()
        return _shared
