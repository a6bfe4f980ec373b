"""The sandbox: pack code runs in a limited child process and cannot write, spawn, connect or hang eqprep."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from eqprep.bank.sandbox import Limits, Sandbox, run_code
from eqprep.cli import main

pytestmark = pytest.mark.skipif(os.name != "posix", reason="the sandbox's limits are POSIX rlimits")
TIGHT = Limits(cpu_seconds=1, wall_seconds=8, memory_bytes=512 * 1024 * 1024, output_bytes=4096)


@pytest.fixture(scope="module")
def box():
    """One sandbox shared by the tests of this module (its servers are reused across jobs)."""
    with Sandbox({"np": "numpy"}, TIGHT, workers=2) as sandbox:
        yield sandbox


def test_ordinary_code_runs_with_numpy_and_its_output_is_kept(box: Sandbox) -> None:
    result = box.run("x = np.arange(5)\nassert x.sum() == 10\nprint('sum', x.sum())")
    assert result.ok and result.output == "sum 10\n"
    failed = box.run("assert 1 == 2, 'not equal'")
    assert failed.status == "error" and failed.error_type == "AssertionError" and failed.message == "not equal"


def test_working_directory_is_empty_and_private(box: Sandbox) -> None:
    assert box.run("import os\nassert os.listdir('.') == []\nopen('scratch.txt', 'w').write('x')").ok


def test_writes_outside_the_working_directory_are_refused(box: Sandbox, tmp_path: Path) -> None:
    for code in (
        f"open({str(tmp_path / 'a.txt')!r}, 'w').write('x')",
        f"np.save({str(tmp_path / 'b.npy')!r}, np.zeros(3))",
        f"import os\nos.mkdir({str(tmp_path / 'c')!r})",
        f"import pathlib\npathlib.Path({str(tmp_path / 'd.txt')!r}).write_text('x')",
        f"import shutil\nshutil.rmtree({str(tmp_path)!r})",
    ):
        result = box.run(code)
        assert result.status == "denied", code
    assert tmp_path.is_dir() and list(tmp_path.iterdir()) == []


def test_reading_private_files_is_refused(box: Sandbox, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("password", encoding="utf-8")
    result = box.run(f"print(open({str(secret)!r}).read())")
    assert result.status == "denied" and "password" not in result.output


def test_processes_sockets_and_ctypes_are_refused(box: Sandbox, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    for code in (
        f"import os\nos.system('touch {marker}')",
        f"import subprocess\nsubprocess.run(['touch', '{marker}'])",
        "import os\nos.fork()",
        "import socket",
        f"np.ctypeslib.ctypes.CDLL(None).system(b'touch {marker}')",
    ):
        result = box.run(code)
        assert result.status in ("denied", "error") and not result.ok, code
    assert not marker.exists()


@pytest.mark.slow
def test_cpu_memory_output_and_wall_limits(box: Sandbox) -> None:
    assert box.run("while True:\n    pass").status in ("cpu", "timeout")
    assert box.run("x = bytearray(3 * 1024 ** 3)").status == "memory"
    assert box.run("x = np.ones(3 * 1024 ** 3 // 8)").status == "memory"
    flood = box.run("while True:\n    print('x' * 1000)")
    assert flood.status == "output" and len(flood.output) <= TIGHT.output_bytes
    assert box.run("import time\ntime.sleep(60)").status == "timeout"
    assert box.run("import os\nos._exit(3)").status == "crashed"
    assert box.run("print('still serving')").output == "still serving\n"


def test_no_file_descriptors_are_inherited(box: Sandbox, tmp_path: Path) -> None:
    fd = os.open(tmp_path / "open.txt", os.O_CREAT | os.O_WRONLY)
    os.set_inheritable(fd, True)
    try:
        code = (
            "import os\nopen_fds = []\nfor fd in range(3, 256):\n    try:\n        os.fstat(fd)\n"
            "    except OSError:\n        continue\n    open_fds.append(fd)\nprint(open_fds)"
        )
        result = run_code(code, limits=TIGHT)
    finally:
        os.close(fd)
    assert result.ok and len(eval(result.output)) <= 1  # only the result pipe


def test_closed_sandbox_leaves_no_directories() -> None:
    with Sandbox({"np": "numpy"}, TIGHT, workers=1) as sandbox:
        assert sandbox.run("pass").ok
        workdirs = [server.workdir for server in sandbox._all]
    assert workdirs and not any(Path(d).exists() for d in workdirs)


HOSTILE = '''
[[question]]
id = "act-hostile"
topic = "activation"
kind = "code_choice"
tags = ["3-1-4"]
prompt = "(あ) に入るコードは?"
template = "y = {blank}"
choices = ["1", "open({target!r}, 'w').write('pwned') or 2", "[0 for _ in iter(int, 1)]", "bytearray(3 * 1024 ** 3)"]
answer = "1"
check = "assert y == 1"
explanation = "y は 1。"
'''


@pytest.mark.slow
def test_check_trust_reports_hostile_options_within_limits(content_copy: Path, tmp_path: Path, capsys) -> None:
    target = tmp_path / "outside.txt"
    with (content_copy / "questions" / "activation.toml").open("a", encoding="utf-8") as handle:
        handle.write(HOSTILE.replace("{target!r}", repr(str(target))))
    assert main(["check", str(content_copy)]) == 0
    out = capsys.readouterr().out
    assert "省略したチェック: code_choice 2 問" in out and "act-hostile" in out and "--trust" in out
    assert main(["check", "--trust", str(content_copy)]) == 1
    out = capsys.readouterr().out
    assert "[act-hostile] 誤答の選択肢" in out and "禁止された操作" in out
    assert "省略したチェック" not in out
    assert not target.exists()


def test_directory_descriptors_cannot_reach_outside(box: Sandbox, tmp_path: Path) -> None:
    code = f"import os\nfd = os.open({str(tmp_path)!r}, os.O_RDONLY)\nos.open('x.txt', os.O_CREAT | os.O_WRONLY, dir_fd=fd)"
    assert box.run(code).status == "denied"
    assert list(tmp_path.iterdir()) == []


def _batch(box: Sandbox, codes: list[str]) -> list:
    """Run `codes` as one batch (one forked child while nothing forces a fresh one) and wait for every Result."""
    return [future.result() for future in box.map([(code, "<batch>") for code in codes], batch=len(codes))]


def test_each_job_of_a_batch_gets_its_own_result_and_limits() -> None:
    limits = Limits(cpu_seconds=1, wall_seconds=4, memory_bytes=512 * 1024 * 1024, output_bytes=4096)
    with Sandbox({"np": "numpy"}, limits, workers=1) as sandbox:
        results = _batch(sandbox, [
            "print(1)", "while True:\n    pass", "print(2)", "import os\nos._exit(3)", "print(3)",
            "x = bytearray(3 * 1024 ** 3)", "print(4)", "import time\ntime.sleep(60)", "print(5)",
            "assert False, 'no'", "while True:\n    print('x' * 1000)", "print(6)",
        ])
    statuses = [r.status for r in results]
    assert statuses[1] in ("cpu", "timeout")
    assert statuses[:1] + statuses[2:] == ["ok", "ok", "crashed", "ok", "memory", "ok", "timeout", "ok", "error",
                                           "output", "ok"]
    assert [r.output for r in results if r.ok] == ["1\n", "2\n", "3\n", "4\n", "5\n", "6\n"]
    assert results[9].message == "no"


def test_cpu_allowance_is_per_job_not_per_batch() -> None:
    burn = "import time\nstart = time.process_time()\nwhile time.process_time() - start < 0.6:\n    pass"
    with Sandbox({"np": "numpy"}, Limits(cpu_seconds=1, wall_seconds=20), workers=1) as sandbox:
        assert [r.status for r in _batch(sandbox, [burn] * 4)] == ["ok"] * 4


def test_a_job_cannot_change_what_the_next_job_of_its_batch_sees() -> None:
    with Sandbox({"np": "numpy"}, TIGHT, workers=1, prelude="import numpy.random", state="np.geterr()") as sandbox:
        results = _batch(sandbox, [
            "np.sum = None", "assert np.sum(np.ones(2)) == 2",
            "leaked = 1", "assert 'leaked' not in globals()",
            "import builtins\nbuiltins.len = lambda x: 0", "assert len([1]) == 1",
            "open('left.txt', 'w').write('x')", "import os\nassert os.listdir('.') == []",
            "np.seterr(all='raise')", "assert np.geterr()['divide'] == 'warn'",
            "import sys\nsys.modules['json'] = None", "import json\nassert json.dumps(1) == '1'",
            "import warnings\nwarnings.simplefilter('error')", "import warnings\nwarnings.warn('only a warning')",
            "print(np.random.rand())", "print(np.random.rand())",
        ])
        alone = sandbox.run("print(np.random.rand())")
    assert [r.status for r in results] == ["ok"] * len(results), [r.message for r in results]
    assert results[-1].output == results[-2].output == alone.output  # every job starts from the same generator


def test_hostile_jobs_in_a_batch_are_still_refused(tmp_path: Path) -> None:
    target = tmp_path / "outside.txt"
    with Sandbox({"np": "numpy"}, TIGHT, workers=1) as sandbox:
        results = _batch(sandbox, ["x = 1", f"open({str(target)!r}, 'w').write('x')", "import socket", "x = 2",
                                   f"open({str(target)!r}, 'w').write('x')"])
    assert [r.status for r in results] == ["ok", "denied", "error", "ok", "denied"]
    assert not target.exists()
