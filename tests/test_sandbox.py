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
