"""Hostile text and arguments: escapes never reach the terminal, bad flags and encodings give clear messages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from eqprep.bank import load_bank
from eqprep.cli import main
from eqprep.demos import DemoError, run_demo
from eqprep.render.safe import clean, unsafe_parts

ROOT = Path(__file__).resolve().parent.parent
ESCAPES = [
    "\x1b]0;pwned\x07",          # window title
    "\x1b[2J\x1b[H",             # clear screen
    "\x1b[1A\x1b[2K正解です",     # cursor up + erase line: fake output
    "\x1b]52;c;cm0gLXJmIH4=\x07",  # OSC 52 clipboard write
    "\x9b31m",                   # 8-bit CSI
    "\r偽の行",
    "\u202eevil",                # bidi override
]


@pytest.mark.parametrize("escape", ESCAPES)
def test_clean_removes_escape_sequences_and_controls(escape: str) -> None:
    text = f"前{escape}後\n\tコード"
    cleaned = clean(text)
    assert not any(c in cleaned for c in "\x1b\x9b\r\x07\u202e")
    assert cleaned.startswith("前") and cleaned.endswith("後\n\tコード")
    assert unsafe_parts(text)


def test_clean_is_linear_on_unterminated_sequences() -> None:
    text = "\x1b]" * 200_000 + "\x07x"
    assert clean(text) == "x"


def _poison(content: Path) -> None:
    """Put escape sequences in a prompt, a choice and an explanation of the fixture pack."""
    path = content / "questions" / "activation.toml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('choices = ["0.25"', 'choices = ["0.25\\u001b]52;c;cm0gLXJmIH4=\\u0007"', 1)
    text = text.replace('prompt = "', 'prompt = "\\u001b]0;pwned\\u0007\\u001b[2J', 1)
    text = text.replace('explanation = "', 'explanation = "\\u001b[1A\\u001b[2K', 1)
    path.write_text(text, encoding="utf-8")


def test_loader_strips_and_check_reports_escapes(content_copy: Path, capsys) -> None:
    _poison(content_copy)
    bank = load_bank(content_copy)
    texts = [q.prompt + q.explanation + "".join(getattr(q, "choices", ())) for q in bank.questions.values()]
    assert not any("\x1b" in t or "\x07" in t for t in texts)
    assert len(bank.questions) == 6
    assert main(["check", str(content_copy)]) == 1
    out = capsys.readouterr().out
    assert "制御文字" in out and "\\x1b]0;pwned" in out and "\x1b" not in out


def test_drill_prints_no_escape_sequences(content_copy: Path, tmp_path: Path) -> None:
    _poison(content_copy)
    proc = subprocess.run(
        [sys.executable, "-m", "eqprep", "--data-dir", str(tmp_path / "d"), "drill", "--content", str(content_copy),
         "--count", "6", "--seed", "1"],
        input="1\n" * 20, capture_output=True, text=True, timeout=120, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.returncode == 0 and "問 1/" in proc.stdout
    assert "\x1b" not in proc.stdout + proc.stderr and "\x07" not in proc.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["exam", "--minutes", "nan"], ["exam", "--minutes", "inf"], ["exam", "--minutes", "0"],
        ["exam", "--count", "-3"], ["--data-dir", "", "stats"], ["search", "--limit", "-1", "x"],
        ["drill", "--count", "0"], ["drill", "--desired-retention", "nan"],
    ],
)
def test_bad_numeric_flags_are_rejected(args: list[str], capsys) -> None:
    with pytest.raises(SystemExit) as stop:
        main(args)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and ("指定" in err or "空のパス" in err)


def test_demo_steps_are_capped_per_demo() -> None:
    from eqprep.demos import DEMOS
    from eqprep.demos.registry import STEP_CAPS, max_steps

    assert set(STEP_CAPS) <= set(DEMOS)
    for spec in DEMOS.values():
        assert spec.default_steps <= max_steps(spec) == STEP_CAPS.get(spec.name, 10 * spec.default_steps)
        assert max_steps(spec) <= 10 * spec.default_steps
    assert max_steps(DEMOS["batchnorm"]) == 2500 and max_steps(DEMOS["optimizers"]) == 5000
    with pytest.raises(DemoError, match="2500"):
        run_demo("batchnorm", steps=2501)
    for steps in ("0", "-5", "2501", "100000"):
        assert main(["demo", "batchnorm", "--steps", steps]) == 2


def _eqprep(args: list[str], data: Path, stdin: bytes = b"", **env: str) -> subprocess.CompletedProcess[bytes]:
    """Run the real command with bytes in and out."""
    return subprocess.run(
        [sys.executable, "-m", "eqprep", "--data-dir", str(data), *args], input=stdin, capture_output=True,
        timeout=120, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), **env},
    )


def test_ascii_output_encoding_is_handled(tmp_path: Path) -> None:
    proc = _eqprep(["search", "sigmoid", "--limit", "2"], tmp_path, PYTHONIOENCODING="ascii")
    assert proc.returncode == 0 and b"Traceback" not in proc.stderr
    assert b"PYTHONIOENCODING=utf-8" in proc.stderr and b"\\u" in proc.stdout


@pytest.mark.parametrize("kind", ["numeric", "self_graded"])
def test_non_utf8_answers_are_reported_not_crashed(tmp_path: Path, kind: str) -> None:
    stdin = b"\xff\xfe\xfd\n1\n3\n" if kind == "numeric" else b"\xff\xfe\xfd\n\n3\n"  # a description ends on an empty line
    proc = _eqprep(["drill", "--kind", kind, "--count", "1", "--seed", "1"], tmp_path, stdin)
    out = proc.stdout.decode("utf-8")
    assert proc.returncode == 0 and b"Traceback" not in proc.stderr
    assert "1/1 問に解答" in out and "記録しました" in out


def test_placeholder_format_specs_are_bounded() -> None:
    from eqprep.bank.params import fill, unsafe_placeholders

    text = fill("{H:>400000000} {H:.999f} {H:d} {H:>8.2f} {H:.3g}", {"H": 3.0})
    assert text == "3 3 3     3.00 3"
    found = unsafe_placeholders("{H:>400000000} {H:.999f} {H:.3f} {t:t+2}", {"H"})
    assert found == ["{H:>400000000}", "{H:.999f}"]


def test_check_reports_unbounded_placeholders(content_copy: Path, capsys) -> None:
    path = content_copy / "questions" / "cnn.toml"
    text = path.read_text(encoding="utf-8")
    marker = 'id = "cnn-drill-output"'
    assert marker in text
    head, tail = text.split(marker, 1)
    tail = tail.replace('prompt = "', 'prompt = "{H:>400000000} ', 1)
    path.write_text(head + marker + tail, encoding="utf-8")
    assert main(["check", str(content_copy)]) == 1
    assert "{H:>400000000} の書式は使えません" in capsys.readouterr().out


@pytest.mark.parametrize(
    "markdown",
    [
        "$" + "\\begin{matrix}" * 20_000 + "$",
        "$\\end{matrix}" + "\\begin{matrix}" * 20_000 + "$",
        "$$" + "\\begin{matrix} a " * 20_000 + "$$",
        "$\\begin{matrix} a $ " * 20_000,
        "x" * 1_000_000,
    ],
)
def test_rendering_is_bounded(markdown: str) -> None:
    from eqprep.render.math import MAX_RENDER_CHARS, render_markdown

    out = render_markdown(markdown)
    assert len(out) <= 2 * MAX_RENDER_CHARS
