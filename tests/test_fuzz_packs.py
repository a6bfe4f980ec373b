"""Fuzz: random packs cut from the shipped content with hostile mutations load, validate and render without a
traceback, within the loader's caps, and write nothing outside their temporary folders."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eqprep.bank import load_bank
from eqprep.bank.validate import validate
from eqprep.paths import content_root
from eqprep.render.math import render_markdown

SHIPPED = content_root()
FILES = sorted(p.name for p in (SHIPPED / "questions").glob("*.toml"))
MUTATIONS = [
    lambda t, n: t[: n % (len(t) + 1)],                                     # truncated
    lambda t, n: t.replace('prompt = "', 'prompt = "\x1b]0;x\x07\x1b[2J', 1 + n % 3),
    lambda t, n: t + "\nx = " + "[" * (50 + n) + "]" * (50 + n) + "\n",
    lambda t, n: t + "\n[" + ".".join(["a"] * (30 + n)) + "]\n",
    lambda t, n: "\ufeff" + t,
    lambda t, n: t.replace('prompt = "', 'prompt = "{H:>400000000} $' + "\\begin{matrix}" * (100 + n) + '$ ', 1),
    lambda t, n: t.replace("[[question]]", "[[question]]\n[[question]]", 1 + n % 2),
    lambda t, n: t.replace("=", "", 1 + n % 5),
    lambda t, n: t.replace("kind = ", "kind = 1 #", 1),
]


def _snapshot(root: Path) -> dict[str, int]:
    """Every file under `root` with its modification time."""
    return {str(p): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    files=st.lists(st.sampled_from(FILES), min_size=1, max_size=2, unique=True),
    mutations=st.lists(st.tuples(st.integers(0, len(MUTATIONS) - 1), st.integers(0, 10_000)), max_size=3),
    raw_bytes=st.binary(max_size=64),
)
def test_hostile_packs_never_crash(files: list[str], mutations: list[tuple[int, int]], raw_bytes: bytes) -> None:
    before = _snapshot(SHIPPED)
    with tempfile.TemporaryDirectory() as tmp:
        pack = Path(tmp) / "pack"
        (pack / "questions").mkdir(parents=True)
        shutil.copy(SHIPPED / "syllabus.toml", pack / "syllabus.toml")
        shutil.copytree(SHIPPED / "notes", pack / "notes")
        for name in files:
            text = (SHIPPED / "questions" / name).read_text(encoding="utf-8")
            for index, number in mutations:
                text = MUTATIONS[index](text, number)
            (pack / "questions" / name).write_text(text, encoding="utf-8")
        (pack / "questions" / "raw.toml").write_bytes(raw_bytes)
        (pack / "questions" / "outside.toml").symlink_to(SHIPPED / "questions" / files[0])
        bank = load_bank(pack)
        problems = validate(bank, set(), trust=False)
        assert all(p.message for p in problems)
        assert any(p.path.name == "outside.toml" for p in problems)
        for question in bank.questions.values():
            assert "\x1b" not in question.prompt
            render_markdown(question.prompt)
            render_markdown(question.explanation)
    assert _snapshot(SHIPPED) == before
