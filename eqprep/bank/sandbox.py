"""Run content code (code_choice options, verification programs) in limited child processes, never in-process.

A `Sandbox` keeps `workers` fork servers (`sandbox_child.py`) with the allowed modules preloaded; each batch of
jobs runs in a fresh fork with CPU-time, memory, file-size, output and wall-clock limits per job, an empty
temporary working directory, no inherited file descriptors and an audit hook (see docs/security.md).
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import sys
import tempfile
import threading
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from eqprep.lineproc import LineProcess

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
    """One fork server process and its private working directory (emptied before every fork)."""

    child: LineProcess
    workdir: str


class Sandbox:
    """A pool of fork servers; `submit(code)` returns a Future[Result], `run(code)` waits for it, `map(codes)` batches."""

    def __init__(
        self,
        modules: Mapping[str, str] | None = None,
        limits: Limits = Limits(),
        workers: int | None = None,
        python: str | None = None,
        allow_imports: Iterable[str] = (),
        prelude: str = "",
        state: str = "",
    ) -> None:
        """`modules` maps names in the job's namespace to modules preloaded by the server ({"np": "numpy"});
        those modules (and `allow_imports`, plus a few harmless stdlib ones) may be imported by jobs.
        `state` is an expression over the preloaded names whose value must be the same after a job as before it
        (process-wide settings such as `torch.is_grad_enabled()`); a job that changes it ends its batch's fork."""
        self.modules = dict(modules if modules is not None else {"np": "numpy"})
        self.limits = limits
        self.python = python or sys.executable
        self.prelude = prelude
        allowed = {name.split(".")[0] for name in (*self.modules.values(), *allow_imports)}
        self._config = json.dumps(
            {"modules": self.modules, "allowed": sorted(allowed), "limits": asdict(limits), "prelude": prelude,
             "state": state}
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
            child = LineProcess([self.python, "-I", "-c", _CHILD_SOURCE.read_text(encoding="utf-8")],
                                cwd=workdir, env=env, new_session=True)
        except OSError:
            shutil.rmtree(workdir, ignore_errors=True)
            return None
        server = _Server(child, workdir)
        with self._lock:
            self._all.append(server)
        if not child.send(self._config) or child.reply(self.limits.start_seconds) is None:
            self._stop(server)
            return None
        return server

    def _stop(self, server: _Server) -> None:
        """Kill a server (and anything it started) and remove its directory."""
        server.child.kill()
        shutil.rmtree(server.workdir, ignore_errors=True)
        with self._lock:
            if server in self._all:
                self._all.remove(server)

    def _execute(self, jobs: list[tuple[str, str]]) -> list[Result]:
        """Run a batch of (code, filename) jobs on an idle server (starting it if needed), one Result per job."""
        server = self._idle.get()
        try:
            if server is None or not server.child.alive():
                if server is not None:
                    self._stop(server)
                server = self._start()
                if server is None:
                    return [Result("unavailable", "サンドボックスのプロセスを起動できません")] * len(jobs)
            # the server bounds every job by its wall clock (plus a fork), so this only catches a dead server
            timeout = len(jobs) * (self.limits.wall_seconds + 5) + 10
            payload = {"jobs": [{"code": code, "filename": filename} for code, filename in jobs]}
            reply = server.child.reply(timeout) if server.child.send(payload) else None
            replies = reply.get("replies") if reply is not None else None
            if not isinstance(replies, list) or len(replies) != len(jobs):
                self._stop(server)
                server = None
                return [Result("crashed", "サンドボックスのプロセスが応答しません")] * len(jobs)
            return [self._result(item) for item in replies]
        finally:
            self._idle.put(server)

    def _result(self, reply: object) -> Result:
        """One job's Result from the server's reply (a malformed reply counts as a crash)."""
        if not isinstance(reply, dict) or reply.get("status") not in STATUSES:
            return Result("crashed", "サンドボックスの応答が不正です")
        return Result(
            str(reply["status"]), str(reply.get("message", ""))[:2000], str(reply.get("error_type", "")),
            str(reply.get("output", ""))[: self.limits.output_bytes],
        )

    def submit(self, code: str, filename: str = "<sandbox>") -> Future[Result]:
        """Queue `code` to run in the sandbox; the Future never raises for anything the code does."""
        return self.map([(code, filename)])[0]

    def map(self, jobs: Sequence[tuple[str, str]], batch: int = 1) -> list[Future[Result]]:
        """Queue (code, filename) jobs, `batch` of them per forked child, and return one Future per job in order.

        Within a batch every job still gets its own namespace, limits (CPU, wall clock, output) and Result; a job
        that crashes, times out, leaves files or changes shared state ends the fork, and the rest of the batch
        continues in a fresh one (see `sandbox_child.py`).
        """
        if self._closed:
            raise RuntimeError("sandbox is closed")
        futures: list[Future[Result]] = [Future() for _ in jobs]
        size = max(1, batch)
        for start in range(0, len(jobs), size):
            chunk, targets = list(jobs[start : start + size]), futures[start : start + size]

            def deliver(done: Future[list[Result]], targets: list[Future[Result]] = targets) -> None:
                """Hand each job's Result to its own Future."""
                error = done.exception()
                for index, target in enumerate(targets):
                    if error is not None:
                        target.set_exception(error)
                    else:
                        target.set_result(done.result()[index])

            self._pool.submit(self._execute, chunk).add_done_callback(deliver)
        return futures

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
            self._stop(server)


def run_code(code: str, modules: Mapping[str, str] | None = None, limits: Limits = Limits(), **options: Any) -> Result:
    """One-off convenience: run `code` in a fresh single-worker sandbox."""
    with Sandbox(modules, limits, workers=1, **options) as box:
        return box.run(code)
