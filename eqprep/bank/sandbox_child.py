"""Sandbox fork server (stdlib only; run as `python -I -c <this source>`): one forked, limited child per job.

Protocol: the first stdin line is the config, then one JSON job per line; one JSON reply per line on stdout.
Each job runs in a fresh fork with rlimits, stdio on /dev/null, its own process group and an audit hook
that refuses writes outside the working directory, reads outside Python's own folders, processes,
sockets, ctypes and imports that were not allowed.
"""

import builtins
import gc
import io
import json
import os
import resource
import select
import signal
import sys
import time

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_DENIED_EVENTS = (
    "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty", "os.kill", "os.killpg",
    "os.chdir", "os.startfile", "subprocess.Popen", "pty.spawn", "sys.addaudithook", "sys.remote_exec",
    "os.setuid", "os.setgid", "resource.setrlimit", "resource.prlimit", "signal.pthread_kill",
)
_DENIED_PREFIXES = ("socket.", "ctypes.", "_ctypes.", "winreg.", "msvcrt.", "urllib.", "http.", "ftplib.", "smtplib.")
_WRITE_EVENTS = {
    "os.remove": (0,), "os.rmdir": (0,), "os.mkdir": (0,), "os.chmod": (0,), "os.chown": (0,),
    "os.rename": (0, 1), "os.link": (0, 1), "os.symlink": (1,), "os.truncate": (0,), "os.utime": (0,),
    "os.chflags": (0,), "os.lchflags": (0,), "os.setxattr": (0,), "os.removexattr": (0,),
    "shutil.rmtree": (0,), "shutil.copyfile": (1,), "shutil.move": (1,), "shutil.make_archive": (0,),
}
_READ_EVENTS = {"os.listdir": 0, "os.scandir": 0, "glob.glob": 0, "os.listxattr": 0, "os.getxattr": 0}
_DENIED_MODULES = {  # modules whose point is a capability jobs must not have (processes, sockets, raw memory)
    "subprocess", "_posixsubprocess", "socket", "_socket", "ssl", "_ssl", "ctypes", "_ctypes", "multiprocessing",
    "_multiprocessing", "_posixshmem", "pty", "mmap", "fcntl", "resource", "signal", "faulthandler", "_winapi",
    "winreg", "msvcrt",
}


class OutputLimit(Exception):
    """The job printed more than its output allowance."""


class CappedWriter(io.TextIOBase):
    """A text sink that keeps at most `limit` characters and raises once it overflows."""

    def __init__(self, limit):
        self.parts, self.size, self.limit = [], 0, limit

    def writable(self):
        return True

    def write(self, text):
        text = str(text)
        room = self.limit - self.size
        self.parts.append(text[: max(room, 0)])
        self.size += len(text)
        if self.size > self.limit:
            raise OutputLimit()
        return len(text)

    def value(self):
        return "".join(self.parts)


def _inside(path, roots):
    """True when `path` (made absolute, symlinks resolved) lies under one of `roots`."""
    if isinstance(path, int):
        return True
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    real = os.path.realpath(os.fspath(path))
    return any(real == root or real.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


def _install_guard(cwd, allowed_modules, violations):
    """Audit hook enforcing the job's allowances; every refusal is also recorded in `violations`."""
    write_roots = [os.path.realpath(cwd)]
    read_roots = write_roots + ["/dev/null", "/dev/urandom", "/dev/random"] + sorted(
        {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix, *sys.path) if p}
    )
    busy = []

    def deny(event, detail):
        violations.append(f"{event} {detail}"[:300])
        raise PermissionError(f"sandbox: {event} は許可されていません ({detail})"[:300])

    def refuse_import(name):
        # not a violation: libraries probe optional modules and carry on when the import fails
        raise ModuleNotFoundError(f"sandbox: モジュール {name} の import は許可されていません", name=name)

    def hook(event, args):
        if busy:
            return
        busy.append(1)
        try:
            if event == "open":
                path, mode, flags = (list(args) + [None, None, None])[:3]
                writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                    isinstance(flags, int) and flags & _WRITE_FLAGS
                )
                if path is not None and not _inside(path, write_roots if writing else read_roots):
                    deny("open", f"{path!r} ({'書き込み' if writing else '読み込み'})")
                if path is not None and not isinstance(path, int) and os.path.isdir(path) and not _inside(path, write_roots):
                    deny("open", f"{path!r} (フォルダ)")  # a directory fd would let dir_fd= reach outside
            elif event == "import":
                top = str(args[0]).split(".")[0]
                stdlib = top in sys.stdlib_module_names and top not in _DENIED_MODULES
                if top not in allowed_modules and not stdlib:
                    refuse_import(str(args[0]))
            elif event in _WRITE_EVENTS:
                for index in _WRITE_EVENTS[event]:
                    if index < len(args) and args[index] is not None and not _inside(args[index], write_roots):
                        deny(event, repr(args[index]))
            elif event in _READ_EVENTS:
                target = args[_READ_EVENTS[event]] if args else "."
                if target is not None and not _inside(target, read_roots):
                    deny(event, repr(target))
            elif event in _DENIED_EVENTS or event.startswith(_DENIED_PREFIXES):
                deny(event, "")
        finally:
            busy.pop()

    sys.addaudithook(hook)


def _address_space():
    """The server's current virtual size in bytes (0 if unknown); a job may add its memory allowance to it."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _set_limits(limits, base):
    """CPU seconds, extra address space, file size, no core dumps, no new processes (unless root)."""
    cpu = max(1, int(limits["cpu_seconds"] + 0.999))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits["file_bytes"], limits["file_bytes"]))
    if base and hasattr(resource, "RLIMIT_AS"):
        memory = base + limits["memory_bytes"]
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    if hasattr(resource, "RLIMIT_NPROC") and os.getuid() != 0:
        resource.setrlimit(resource.RLIMIT_NPROC, (0, 0))


def _run_job(job, config, namespace_base, result_fd):
    """In the forked child: limit, guard, run the code, write one JSON result, exit."""
    os.setpgid(0, 0)
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.closerange(3, result_fd)
    os.closerange(result_fd + 1, 1024)
    limits = config["limits"]
    _set_limits(limits, config["base"])
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    capture = CappedWriter(limits["output_bytes"])
    sys.stdout = sys.stderr = capture
    violations = []
    status, error_type, message = "ok", "", ""
    try:
        code = compile(job["code"], job.get("filename", "<sandbox>"), "exec")
        namespace = dict(namespace_base)
        _install_guard(os.getcwd(), set(config["allowed"]), violations)
        exec(code, namespace)  # noqa: S102 - this is the sandboxed child
    except OutputLimit:
        status, error_type, message = "output", "OutputLimit", "出力が上限を超えました"
    except MemoryError:
        status, error_type, message = "memory", "MemoryError", "メモリの上限を超えました"
    except RecursionError as exc:
        status, error_type, message = "error", "RecursionError", str(exc)
    except BaseException as exc:  # the job's own failure, reported, never propagated
        status, error_type, message = "error", type(exc).__name__, str(exc)
    if violations:
        status, message = "denied", "; ".join(violations[:3])
    reply = {"status": status, "error_type": error_type, "message": message[:2000], "output": capture.value()}
    data = json.dumps(reply, ensure_ascii=True).encode("ascii")
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(result_fd, view) :]
    except OSError:
        pass
    os._exit(0)


def _wait(pid, result_fd, wall):
    """Collect the child's result within `wall` seconds, killing its process group on overrun."""
    deadline = time.monotonic() + wall
    chunks, timed_out = [], False
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            timed_out = True
            break
        ready, _, _ = select.select([result_fd], [], [], remaining)
        if not ready:
            continue
        chunk = os.read(result_fd, 65536)
        if not chunk:
            break
        chunks.append(chunk)
        if sum(len(c) for c in chunks) > 4 * 1024 * 1024:
            break
    for target in (-pid, pid):
        try:
            os.kill(target, signal.SIGKILL)
        except OSError:
            pass
    _, status = os.waitpid(pid, 0)
    if timed_out:
        return {"status": "timeout", "error_type": "", "message": f"実時間の上限 {wall:g} 秒を超えました", "output": ""}
    try:
        reply = json.loads(b"".join(chunks).decode("ascii"))
        if isinstance(reply, dict):
            return reply
    except ValueError:
        pass
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGXCPU, signal.SIGKILL):
        return {"status": "cpu", "error_type": "", "message": "CPU 時間の上限を超えました", "output": ""}
    if os.WIFSIGNALED(status):
        detail = f"シグナル {os.WTERMSIG(status)} で終了しました"
    else:
        detail = f"終了コード {os.WEXITSTATUS(status)} で終了しました"
    return {"status": "crashed", "error_type": "", "message": detail, "output": ""}


def main():
    """Read the config, preload modules, then serve jobs until stdin closes."""
    import zlib  # noqa: F401 - zipimport needs it for any later import; load it before jobs are guarded

    stdin = sys.stdin.buffer
    config = json.loads(stdin.readline())
    namespace = {"__name__": "__sandbox__", "__builtins__": builtins}
    for alias, module in config["modules"].items():
        namespace[alias] = __import__(module, fromlist=["_"])
    exec(config.get("prelude", ""), namespace)  # noqa: S102 - eqprep's own prelude, not pack code
    config["base"] = _address_space()
    gc.freeze()  # forked jobs then never touch (and copy) the server's objects when they collect garbage
    out = sys.stdout
    out.write(json.dumps({"ready": True}) + "\n")
    out.flush()
    for line in stdin:
        job = json.loads(line)
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read_fd)
            try:
                _run_job(job, config, namespace, write_fd)
            finally:
                os._exit(70)
        os.close(write_fd)
        try:
            reply = _wait(pid, read_fd, config["limits"]["wall_seconds"])
        finally:
            os.close(read_fd)
        out.write(json.dumps(reply, ensure_ascii=True) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
