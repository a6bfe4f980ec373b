"""Sandbox fork server (stdlib only; run as `python -I -c <this source>`): one forked, limited child per job.

Protocol: the first stdin line is the config, then one JSON batch of jobs per line ({"jobs": [...]}); one JSON
reply per batch on stdout ({"replies": [...]}, one per job). A batch runs in a fresh fork with rlimits, stdio on
/dev/null, its own process group and an audit hook that refuses writes outside the working directory, reads
outside Python's own folders, processes, sockets, ctypes and imports that were not allowed. Each job gets a fresh
namespace, its own CPU, wall-clock and output allowance and its own reply; a job that dies, overruns, leaves files
or changes shared state (module attributes, sys.modules, settings, threads) ends the fork, and the rest of the
batch continues in a new one.
"""

import builtins
import gc
import io
import json
import os
import resource
import select
import shutil
import signal
import sys
import threading
import time
import types
import warnings

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
                _check_open(args, read_roots, write_roots, deny)
            elif event == "import":
                _check_import(str(args[0]), allowed_modules, refuse_import)
            else:
                _check_event(event, args, read_roots, write_roots, deny)
        finally:
            busy.pop()

    sys.addaudithook(hook)
    return busy


def _check_open(args, read_roots, write_roots, deny):
    """open(): reading inside the read roots, writing and directory handles only inside the job's folder."""
    path, mode, flags = (list(args) + [None, None, None])[:3]
    if path is None:
        return
    writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
        isinstance(flags, int) and flags & _WRITE_FLAGS
    )
    if not _inside(path, write_roots if writing else read_roots):
        deny("open", f"{path!r} ({'書き込み' if writing else '読み込み'})")
    if not isinstance(path, int) and os.path.isdir(path) and not _inside(path, write_roots):
        deny("open", f"{path!r} (フォルダ)")  # a directory fd would let dir_fd= reach outside


def _check_import(name, allowed_modules, refuse_import):
    """import: the job's allowed modules and the standard library minus the denied modules."""
    top = name.split(".")[0]
    stdlib = top in sys.stdlib_module_names and top not in _DENIED_MODULES
    if top not in allowed_modules and not stdlib:
        refuse_import(name)


def _check_event(event, args, read_roots, write_roots, deny):
    """Other audited events: path arguments inside their roots, denied events refused outright."""
    if event in _WRITE_EVENTS:
        for index in _WRITE_EVENTS[event]:
            if index < len(args) and args[index] is not None and not _inside(args[index], write_roots):
                deny(event, repr(args[index]))
    elif event in _READ_EVENTS:
        target = args[_READ_EVENTS[event]] if args else "."
        if target is not None and not _inside(target, read_roots):
            deny(event, repr(target))
    elif event in _DENIED_EVENTS or event.startswith(_DENIED_PREFIXES):
        deny(event, "")


def _privileged(busy, function, *args):
    """Call `function` with the audit hook stood down: eqprep's own bookkeeping between jobs, never job code."""
    busy.append(1)
    try:
        return function(*args)
    finally:
        busy.pop()


def _address_space():
    """The server's current virtual size in bytes (0 if unknown); a job may add its memory allowance to it."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _set_limits(limits, base, jobs):
    """Extra address space, file size, no core dumps, no new processes (unless root), and a CPU ceiling for the
    whole batch (each job then gets its own soft CPU limit from `_limit_cpu`)."""
    hard = int(_cpu_used()) + jobs * (int(limits["cpu_seconds"] + 0.999) + 1) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (hard, hard))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits["file_bytes"], limits["file_bytes"]))
    if base and hasattr(resource, "RLIMIT_AS"):
        memory = base + limits["memory_bytes"]
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    if hasattr(resource, "RLIMIT_NPROC") and os.getuid() != 0:
        resource.setrlimit(resource.RLIMIT_NPROC, (0, 0))


def _cpu_used():
    """CPU seconds this process has used so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _limit_cpu(seconds):
    """The next job may use `seconds` more CPU time (SIGXCPU ends the fork when it does not stop)."""
    hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
    soft = min(hard, int(_cpu_used() + seconds + 0.999))
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


_MEMORY_SLACK = 64 * 1024 * 1024  # address space a job may leave behind before the next job needs a fresh fork


def _names(namespace):
    """A module's names and what they are bound to (warning registries excluded: warnings add them)."""
    return {key: value for key, value in namespace.items() if key != "__warningregistry__"}


def _same(live, saved):
    """True when every name of `saved` is still bound to the same object and no name was added."""
    names = _names(live)
    return len(names) == len(saved) and all(names.get(key) is value for key, value in saved.items())


class Baseline:
    """What a job must leave as it found it for the next job of its batch to run in the same fork."""

    def __init__(self, namespace, state):
        modules = [value for value in namespace.values() if isinstance(value, types.ModuleType)]
        dicts = {id(d): d for d in [builtins.__dict__] + [m.__dict__ for m in modules]}
        self.dicts = [(d, _names(d)) for d in dicts.values()]
        self.modules = dict(sys.modules)
        self.namespace = namespace
        self.state_code = compile(state, "<state>", "eval") if state else None
        self.settings = self._settings()
        self.space = _address_space()
        self.resets = []  # the random generators restart from the same state for every job, as in a fresh fork
        if "random" in sys.modules:
            generator = sys.modules["random"]
            self.resets.append((generator.setstate, generator.getstate()))
        if "numpy.random" in sys.modules:
            generator = sys.modules["numpy.random"]
            self.resets.append((generator.set_state, generator.get_state()))

    def _settings(self):
        """Process-wide settings a job could change: the given state expression and the interpreter's own."""
        state = eval(self.state_code, dict(self.namespace)) if self.state_code is not None else None  # noqa: S307
        return (state, list(warnings.filters), dict(os.environ), sys.getrecursionlimit(), sys.gettrace(),
                sys.getprofile(), gc.isenabled(), threading.active_count())

    def reset(self):
        """Put the random generators back to where they were before the batch's first job."""
        for restore, state in self.resets:
            restore(state)

    def changed(self, busy):
        """Why the fork cannot run another job ('' when it can)."""
        for live, saved in self.dicts:
            if not _same(live, saved):
                return "module"
        if any(sys.modules.get(name) is not module for name, module in self.modules.items()):
            return "sys.modules"
        try:
            if self._settings() != self.settings:
                return "settings"
        except BaseException:  # noqa: BLE001 - a job broke what the state expression reads
            return "settings"
        if os.listdir("."):
            return "files"
        if _privileged(busy, _address_space) > self.space + _MEMORY_SLACK:
            return "memory"
        return ""


def _run_one(job, limits, namespace_base, violations):
    """Run one job in a fresh namespace with its own output allowance; (reply, whether the fork must end)."""
    capture = CappedWriter(limits["output_bytes"])
    sys.stdout = sys.stderr = capture
    del violations[:]
    status, error_type, message, fatal = "ok", "", "", False
    try:
        code = compile(job["code"], job.get("filename", "<sandbox>"), "exec")
        exec(code, dict(namespace_base))  # noqa: S102 - this is the sandboxed child
    except OutputLimit:
        status, error_type, message = "output", "OutputLimit", "出力が上限を超えました"
    except MemoryError:
        status, error_type, message, fatal = "memory", "MemoryError", "メモリの上限を超えました", True
    except RecursionError as exc:
        status, error_type, message = "error", "RecursionError", str(exc)
    except BaseException as exc:  # the job's own failure, reported, never propagated
        status, error_type, message = "error", type(exc).__name__, str(exc)
    if violations:
        status, message = "denied", "; ".join(violations[:3])
    gc.collect()
    return {"status": status, "error_type": error_type, "message": message[:2000], "output": capture.value()}, fatal


def _write_line(fd, reply):
    """Send one JSON reply line to the server."""
    view = memoryview((json.dumps(reply, ensure_ascii=True) + "\n").encode("ascii"))
    while view:
        view = view[os.write(fd, view) :]


def _run_batch(jobs, start, config, namespace_base, result_fd):
    """In the forked child: limit and guard, then run jobs[start:] one by one, one JSON line each; stop after a
    job that crashed the interpreter's state or changed what the next job would see, so it gets a fresh fork."""
    os.setpgid(0, 0)
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.closerange(3, result_fd)
    os.closerange(result_fd + 1, 1024)
    limits = config["limits"]
    _set_limits(limits, config["base"], len(jobs) - start)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    baseline = Baseline(namespace_base, config.get("state", ""))
    violations = []
    busy = _install_guard(os.getcwd(), set(config["allowed"]), violations)
    for index in range(start, len(jobs)):
        if index > start:
            baseline.reset()
        _privileged(busy, _limit_cpu, limits["cpu_seconds"])
        reply, fatal = _run_one(jobs[index], limits, namespace_base, violations)
        reason = "fatal" if fatal else baseline.changed(busy)
        reply["index"], reply["last"] = index, bool(reason)
        try:
            _privileged(busy, _write_line, result_fd, reply)
        except OSError:
            break
        if reason:
            break
    os._exit(0)


def _reply(status, message):
    """A reply the server writes for a job whose fork could not answer."""
    return {"status": status, "error_type": "", "message": message, "output": ""}


def _lines(buffer, replies):
    """Move every complete JSON line from `buffer` to `replies`; True once the batch's last reply (or a malformed
    one, which ends the batch) was read."""
    while b"\n" in buffer:
        end = buffer.index(b"\n")
        line = bytes(buffer[:end])
        del buffer[: end + 1]
        try:
            reply = json.loads(line.decode("ascii"))
        except ValueError:
            reply = None
        if not isinstance(reply, dict):
            replies.append(_reply("crashed", "サンドボックスの応答が不正です"))
            return True
        replies.append(reply)
        if reply.get("last"):
            return True
    return False


def _collect(pid, result_fd, wall, expected):
    """Read up to `expected` replies from a batch's fork, each within `wall` seconds of the previous one; a job
    that overruns or kills the fork gets a timeout/cpu/crashed reply. At least one reply is returned."""
    replies, buffer, timed_out, last = [], bytearray(), False, False
    deadline = time.monotonic() + wall
    while len(replies) < expected and not last:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            timed_out = True
            break
        ready, _, _ = select.select([result_fd], [], [], remaining)
        if not ready:
            continue
        chunk = os.read(result_fd, 65536)
        if not chunk or len(buffer) + len(chunk) > 4 * 1024 * 1024:
            break
        buffer += chunk
        count = len(replies)
        last = _lines(buffer, replies)
        if len(replies) > count:
            deadline = time.monotonic() + wall
    return _end_batch(pid, replies, expected, last, timed_out, wall)


def _end_batch(pid, replies, expected, last, timed_out, wall):
    """Kill the batch's fork and return its replies, completed by what stopped it when it stopped early."""
    for target in (-pid, pid):
        try:
            os.kill(target, signal.SIGKILL)
        except OSError:
            pass
    _, status = os.waitpid(pid, 0)
    if last or len(replies) >= expected:
        return replies[:expected]
    if timed_out:
        return replies + [_reply("timeout", f"実時間の上限 {wall:g} 秒を超えました")]
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGXCPU, signal.SIGKILL):
        return replies + [_reply("cpu", "CPU 時間の上限を超えました")]
    if os.WIFSIGNALED(status):
        return replies + [_reply("crashed", f"シグナル {os.WTERMSIG(status)} で終了しました")]
    return replies + [_reply("crashed", f"終了コード {os.WEXITSTATUS(status)} で終了しました")]


def _empty(folder):
    """Remove everything a job left in the working directory (the server is not guarded, links are not followed)."""
    for entry in os.scandir(folder):
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                os.unlink(entry.path)
        except OSError:
            pass


def _serve_batch(jobs, config, namespace):
    """Run a batch in as few forks as its jobs allow; one reply per job, in order."""
    replies = []
    while len(replies) < len(jobs):
        _empty(".")
        start = len(replies)
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read_fd)
            try:
                _run_batch(jobs, start, config, namespace, write_fd)
            finally:
                os._exit(70)
        os.close(write_fd)
        try:
            replies += _collect(pid, read_fd, config["limits"]["wall_seconds"], len(jobs) - start)
        finally:
            os.close(read_fd)
    _empty(".")
    for reply in replies:
        reply.pop("index", None)
        reply.pop("last", None)
    return replies


def main():
    """Read the config, preload modules, then serve batches of jobs until stdin closes."""
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
        jobs = json.loads(line)["jobs"]
        out.write(json.dumps({"replies": _serve_batch(jobs, config, namespace)}, ensure_ascii=True) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
