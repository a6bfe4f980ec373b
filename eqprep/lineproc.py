"""A child process spoken to in JSON lines, whose replies can be awaited with a timeout (shared by the sandboxes)."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import subprocess
import threading
from collections.abc import Mapping, Sequence
from typing import Any


class LineProcess:
    """A child with piped stdin/stdout (stderr discarded); a reader thread queues its stdout lines."""

    def __init__(
        self, args: Sequence[str], cwd: str | None = None, env: Mapping[str, str] | None = None,
        new_session: bool = False,
    ) -> None:
        """Start the child; raises OSError when it cannot be started. `new_session` gives it its own process group."""
        self.process = subprocess.Popen(
            list(args), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            cwd=cwd, env=dict(env) if env is not None else None, close_fds=True, text=True, encoding="utf-8",
            bufsize=1, start_new_session=new_session,
        )
        self._group = new_session
        self.lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, name="eqprep-child-reader", daemon=True).start()

    def _pump(self) -> None:
        """Forward the child's stdout lines; None marks its end."""
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def alive(self) -> bool:
        """True while the child has not exited."""
        return self.process.poll() is None

    def send(self, message: str | Mapping[str, Any]) -> bool:
        """Write one line (a string, or a mapping as JSON); False if the child is gone."""
        line = message if isinstance(message, str) else json.dumps(message)
        try:
            assert self.process.stdin is not None
            self.process.stdin.write(line + "\n")
            self.process.stdin.flush()
        except (OSError, ValueError):
            return False
        return True

    def reply(self, timeout: float) -> dict[str, Any] | None:
        """The child's next JSON object within `timeout` seconds (None on timeout, end or garbage)."""
        if timeout <= 0:
            return None
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            return None
        if line is None:
            return None
        try:
            reply = json.loads(line)
        except ValueError:
            return None
        return reply if isinstance(reply, dict) else None

    def kill(self) -> None:
        """Hard-kill the child (and its process group, if it has one) and reap it."""
        if self.process.stdin is not None:
            with contextlib.suppress(OSError):
                self.process.stdin.close()
        if self._group:
            with contextlib.suppress(OSError):
                os.killpg(self.process.pid, 9)
        with contextlib.suppress(OSError):
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
