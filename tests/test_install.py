"""The wheel carries the content: installed from a wheel, `eqprep check` finds and validates it anywhere."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # builds and installs a wheel
ROOT = Path(__file__).resolve().parents[1]


def test_wheel_bundles_content_and_check_runs_from_anywhere(tmp_path: Path) -> None:
    wheel_dir, site = tmp_path / "wheel", tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation", "-q", "-w", str(wheel_dir)],
        check=True,
        capture_output=True,
    )
    [wheel] = wheel_dir.glob("eqprep-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "eqprep/_content/syllabus.toml" in names
    assert any(n.startswith("eqprep/_content/notes/") and n.endswith(".md") for n in names)
    assert any(n.startswith("eqprep/_content/questions/") and n.endswith(".toml") for n in names)
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
        check=True,
        capture_output=True,
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    probe = subprocess.run(
        [sys.executable, "-c", "import eqprep.paths as p; print(p.content_root())"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=True,
    )
    assert probe.stdout.strip() == str(site / "eqprep" / "_content")
    result = subprocess.run(
        [sys.executable, "-m", "eqprep", "check"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert "ノート" in result.stdout and "Traceback" not in result.stderr
    assert result.returncode == 0, result.stdout[-3000:]
