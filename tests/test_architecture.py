"""Architecture rules import-linter cannot express: SymPy is only imported lazily, when a formula is checked."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("sympy", "mpmath")


@pytest.mark.parametrize("modules", [
    ["eqprep.cli", "eqprep.study", "eqprep.quiz", "eqprep.bank", "eqprep.render", "eqprep.demos"],
    ["eqprep.tui.app", "eqprep.tui.screens.quiz", "eqprep.tui.screens.exam", "eqprep.tui.screens.notes"],
], ids=["core-and-cli", "tui"])
def test_importing_does_not_import_sympy(modules: list[str]) -> None:
    """Starting the TUI or a subcommand must not pay for SymPy; it is imported inside the functions that need it."""
    code = f"import sys\nfor m in {modules!r}: __import__(m)\nprint(sorted(n for n in {HEAVY!r} if n in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
