"""Run content code (code_choice options, verification programs) in limited child processes, never in-process.

A `Sandbox` keeps `workers` fork servers (`sandbox_child.py`) with the allowed modules preloaded; each job
runs in a fresh fork with CPU-time, memory, file-size, output and wall-clock limits, an empty temporary
working directory, no inherited file descriptors and an audit hook (see docs/security.md).
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

STATUSES = ("ok", "error", "denied", "timeout", "cpu", "memory", "output", "crashed", "unavailable")
_CHILD_SOURCE = Path(__file__).with_name("sandbox_child.py")
_ENV_KEEP = ("PATH", "LANG", "LC_ALL", "SYSTEMROOT", "TMPDIR")
_THREAD_ENV = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}


@dataclass(frozen=True)
class Limits:
    """Per-job limits; `memory_bytes` is address space beyond the interpreter with its preloaded modules."""

    cpu_seconds: float = 5.0
    wall_seconds: float = 10.0
    memory_bytes: int = 1024 * 1024 * 1024
    output_bytes: int = 64 * 1024
    file_bytes: int = 1024 * 1024
    start_seconds: float = 60.0


@dataclass(frozen=True)
class Result:
    """What happened to one job: `status` is one of STATUSES, `message` says why in a line."""

    status: str
    message: str = ""
    error_type: str = ""
    output: str = ""

    @property
    def ok(self) -> bool:
        """The code ran to the end without raising."""
        return self.status == "ok"


@dataclass
class _Server:
    """One fork server process and its private empty working directory."""

    process: subprocess.Popen[str]
    workdir: str
    lines: queue.Queue[str | None] = field(default_factory=queue.Queue)


class Sandbox:
    """A pool of fork servers; `submit(code)` returns a Future[Result], `run(code)` waits for it."""

    def __init__(
        self,
        modules: Mapping[str, str] | None = None,
        limits: Limits = Limits(),
        workers: int | None = None,
        python: str | None = None,
        allow_imports: Iterable[str] = (),
        prelude: str = "",
    ) -> None:
        """`modules` maps names in the job's namespace to modules preloaded by the server ({"np": "numpy"});
        those modules (and `allow_imports`, plus a few harmless stdlib ones) may be imported by jobs."""
        self.modules = dict(modules if modules is not None else {"np": "numpy"})
        self.limits = limits
        self.python = python or sys.executable
        self.prelude = prelude
        allowed = {name.split(".")[0] for name in (*self.modules.values(), *allow_imports)}
        self._config = json.dumps(
            {"modules": self.modules, "allowed": sorted(allowed), "limits": asdict(limits), "prelude": prelude}
        )
        self.workers = max(1, workers or min(4, os.cpu_count() or 1))
        self._idle: queue.Queue[_Server | None] = queue.Queue()
        for _ in range(self.workers):
            self._idle.put(None)  # started lazily by the first job that needs one
        self._all: list[_Server] = []
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="eqprep-sandbox")
        self._closed = False

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _start(self) -> _Server | None:
        """Spawn one fork server in a fresh empty directory and wait until its modules are loaded."""
        workdir = tempfile.mkdtemp(prefix="eqprep-sandbox-")
        env = {k: os.environ[k] for k in _ENV_KEEP if k in os.environ} | _THREAD_ENV | {"HOME": workdir}
        try:
            process = subprocess.Popen(
                [self.python, "-I", "-c", _CHILD_SOURCE.read_text(encoding="utf-8")],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                cwd=workdir, env=env, close_fds=True, text=True, encoding="utf-8", bufsize=1,
                start_new_session=True,
            )
        except OSError:
            shutil.rmtree(workdir, ignore_errors=True)
            return None
        server = _Server(process, workdir)

        def pump() -> None:
            """Forward the server's reply lines; None marks its end."""
            assert process.stdout is not None
            for line in process.stdout:
                server.lines.put(line)
            server.lines.put(None)

        threading.Thread(target=pump, name="eqprep-sandbox-reader", daemon=True).start()
        with self._lock:
            self._all.append(server)
        if not self._send(server, self._config) or self._reply(server, self.limits.start_seconds) is None:
            self._stop(server)
            return None
        return server

    @staticmethod
    def _send(server: _Server, line: str) -> bool:
        """Write one line to the server; False if it is gone."""
        try:
            assert server.process.stdin is not None
            server.process.stdin.write(line + "\n")
            server.process.stdin.flush()
        except (OSError, ValueError):
            return False
        return True

    @staticmethod
    def _reply(server: _Server, timeout: float) -> dict[str, Any] | None:
        """The server's next JSON reply within `timeout` seconds."""
        try:
            line = server.lines.get(timeout=timeout)
        except queue.Empty:
            return None
        if line is None:
            return None
        try:
            reply = json.loads(line)
        except ValueError:
            return None
        return reply if isinstance(reply, dict) else None

    def _stop(self, server: _Server) -> None:
        """Kill a server (and anything it started) and remove its directory."""
        with contextlib.suppress(OSError):
            os.killpg(server.process.pid, 9)
        with contextlib.suppress(OSError):
            server.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.process.wait(timeout=5)
        shutil.rmtree(server.workdir, ignore_errors=True)
        with self._lock:
            if server in self._all:
                self._all.remove(server)

    def _execute(self, code: str, filename: str) -> Result:
        """Run one job on an idle server (starting it if needed)."""
        server = self._idle.get()
        try:
            if server is None or server.process.poll() is not None:
                if server is not None:
                    self._stop(server)
                server = self._start()
                if server is None:
                    return Result("unavailable", "サンドボックスのプロセスを起動できません")
            if not self._send(server, json.dumps({"code": code, "filename": filename})):
                reply = None
            else:
                reply = self._reply(server, self.limits.wall_seconds + 10)
            if reply is None:
                self._stop(server)
                server = None
                return Result("crashed", "サンドボックスのプロセスが応答しません")
            status = reply.get("status")
            if status not in STATUSES:
                return Result("crashed", "サンドボックスの応答が不正です")
            return Result(
                str(status), str(reply.get("message", ""))[:2000], str(reply.get("error_type", "")),
                str(reply.get("output", ""))[: self.limits.output_bytes],
            )
        finally:
            self._idle.put(server)

    def submit(self, code: str, filename: str = "<sandbox>") -> Future[Result]:
        """Queue `code` to run in the sandbox; the Future never raises for anything the code does."""
        if self._closed:
            raise RuntimeError("sandbox is closed")
        return self._pool.submit(self._execute, code, filename)

    def run(self, code: str, filename: str = "<sandbox>") -> Result:
        """Run `code` and wait for its Result."""
        return self.submit(code, filename).result()

    def close(self) -> None:
        """Finish queued jobs, then stop every server and delete their directories."""
        if self._closed:
            return
        self._closed = True
        self._pool.shutdown(wait=True)
        with self._lock:
            servers = list(self._all)
        for server in servers:
            if server.process.stdin is not None:
                with contextlib.suppress(OSError):
                    server.process.stdin.close()
            self._stop(server)


def run_code(code: str, modules: Mapping[str, str] | None = None, limits: Limits = Limits(), **options: Any) -> Result:
    """One-off convenience: run `code` in a fresh single-worker sandbox."""
    with Sandbox(modules, limits, workers=1, **options) as box:
        return box.run(code)
