"""A persistent SymPy worker process with a hard wall-clock limit per request (thread-safe, no signals)."""

from __future__ import annotations

import contextlib
import json
import queue
import subprocess
import sys
import threading
import time
from typing import Any


class SymbolicWorker:
    """Runs `eqprep.maths.worker` in a child process; a request that overruns its time kills the child."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen[str] | None = None
        self._replies: queue.Queue[str | None] = queue.Queue()
        self._ready = False

    def _start(self) -> None:
        """Spawn the child and a reader thread that forwards its stdout lines."""
        process = subprocess.Popen(
            [sys.executable, "-m", "eqprep.maths.worker"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            text=True, encoding="utf-8", bufsize=1,
        )
        replies: queue.Queue[str | None] = queue.Queue()

        def pump() -> None:
            """Forward child stdout lines; None marks the end."""
            assert process.stdout is not None
            for line in process.stdout:
                replies.put(line)
            replies.put(None)

        threading.Thread(target=pump, name="eqprep-sympy-reader", daemon=True).start()
        self._process, self._replies, self._ready = process, replies, False

    def _kill(self) -> None:
        """Hard-kill the child (it may be stuck in SymPy) and forget it."""
        if self._process is not None:
            self._process.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._process.wait(timeout=1)
        self._process = None
        self._ready = False

    def _read(self, deadline: float) -> dict[str, Any] | None:
        """Next JSON reply before the deadline, or None."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        try:
            line = self._replies.get(timeout=remaining)
        except queue.Empty:
            return None
        if line is None:
            return None
        try:
            reply = json.loads(line)
        except json.JSONDecodeError:
            return None
        return reply if isinstance(reply, dict) else None

    def warm_up(self, timeout: float = 10.0) -> bool:
        """Start the child and wait until SymPy is imported, so later requests are fast."""
        with self._lock:
            return self._ensure(time.monotonic() + timeout)

    def _ensure(self, deadline: float) -> bool:
        """Make sure a ready child exists (caller holds the lock)."""
        if self._process is None or self._process.poll() is not None:
            try:
                self._start()
            except OSError:
                self._process = None
                return False
        if not self._ready:
            reply = self._read(deadline)
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
            assert self._process is not None and self._process.stdin is not None
            try:
                self._process.stdin.write(json.dumps(payload) + "\n")
                self._process.stdin.flush()
            except OSError:
                self._kill()
                return None
            reply = self._read(deadline)
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
