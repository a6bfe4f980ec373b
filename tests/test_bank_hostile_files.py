"""Hostile pack files: each is refused or reported with file and line, and the rest of the pack loads."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from eqprep.bank import load_bank
from eqprep.bank.cache import _cache_file
from eqprep.bank.packfiles import MAX_DEPTH, MAX_FILE_BYTES

FIXTURE_QUESTIONS = 6


def _add(content: Path, name: str, text: str | bytes) -> Path:
    """Write an extra question file into the pack."""
    path = content / "questions" / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _only_problem(content: Path, name: str):
    """Load the pack; the fixture questions all load and exactly one problem names `name`."""
    bank = load_bank(content)
    assert len(bank.questions) == FIXTURE_QUESTIONS
    [problem] = [p for p in bank.problems if p.path.name == name]
    return problem


@pytest.mark.parametrize(
    "text",
    [
        "x = " + "[" * 100_000 + "]" * 100_000 + "\n",
        "x = " + "{a = " * 5000 + "1" + "}" * 5000 + "\n",
        "[" + ".".join(["a"] * 1500) + "]\nb = 1\n",
    ],
    ids=["deep-array", "deep-inline-table", "deep-table-header"],
)
def test_deep_nesting_is_a_problem_with_a_line(content_copy: Path, text: str) -> None:
    _add(content_copy, "deep.toml", "# header\n" + text)
    problem = _only_problem(content_copy, "deep.toml")
    assert "入れ子が深すぎます" in problem.message and problem.line == 2
    # the cache is written without trouble and a second (cached) load agrees
    assert len(load_bank(content_copy).questions) == FIXTURE_QUESTIONS


def test_nesting_at_the_limit_is_accepted(content_copy: Path) -> None:
    depth = MAX_DEPTH - 1
    _add(content_copy, "ok.toml", "x = " + "[" * depth + "]" * depth + "\n")
    problems = [p for p in load_bank(content_copy).problems if p.path.name == "ok.toml"]
    assert [p.message for p in problems] == ["不明なトップレベルのキー: x"]


def test_utf8_bom_is_accepted(content_copy: Path) -> None:
    path = content_copy / "questions" / "cnn.toml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    note = content_copy / "notes" / "dl" / "cnn.md"
    note.write_bytes(b"\xef\xbb\xbf" + note.read_bytes())
    bank = load_bank(content_copy)
    assert bank.problems == [] and len(bank.questions) == FIXTURE_QUESTIONS and "cnn" in bank.notes


def test_non_utf8_reports_the_line(content_copy: Path) -> None:
    _add(content_copy, "latin.toml", b"# ok\n# ok\nx = '\xe9t\xe9'\n")
    problem = _only_problem(content_copy, "latin.toml")
    assert problem.line == 3 and "UTF-8" in problem.message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_is_refused_without_hanging(content_copy: Path) -> None:
    os.mkfifo(content_copy / "questions" / "pipe.toml")
    problem = _only_problem(content_copy, "pipe.toml")
    assert "通常のファイルではない" in problem.message


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_symlink_to_a_device_is_refused(content_copy: Path) -> None:
    (content_copy / "questions" / "zero.toml").symlink_to("/dev/zero")
    problem = _only_problem(content_copy, "zero.toml")
    assert "パックの外" in problem.message


def test_symlinked_note_outside_the_pack_is_not_loaded(content_copy: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text("+++\nid = 'secret'\ntitle = 'secret'\ntags = []\n+++\nsecret body\n", encoding="utf-8")
    (content_copy / "notes" / "dl" / "secret.md").symlink_to(secret)
    (content_copy / "notes" / "outside").symlink_to(tmp_path, target_is_directory=True)
    bank = load_bank(content_copy)
    assert "secret" not in bank.notes
    messages = {p.path.name: p.message for p in bank.problems}
    assert "パックの外" in messages["secret.md"] and "シンボリックリンク" in messages["outside"]


def test_symlink_inside_the_pack_is_followed(content_copy: Path) -> None:
    (content_copy / "spare").mkdir()
    os.replace(content_copy / "questions" / "cnn.toml", content_copy / "spare" / "cnn.toml")
    (content_copy / "questions" / "cnn.toml").symlink_to(content_copy / "spare" / "cnn.toml")
    bank = load_bank(content_copy)
    assert bank.problems == [] and len(bank.questions) == FIXTURE_QUESTIONS


def test_oversized_file_is_refused(content_copy: Path) -> None:
    _add(content_copy, "huge.toml", "# " + "x" * MAX_FILE_BYTES + "\n")
    problem = _only_problem(content_copy, "huge.toml")
    assert "大きすぎます" in problem.message


@pytest.mark.parametrize(
    "garbage",
    ['{"version":2,"files":[1,2]}', '{"version":2,"files":{"x":1}}', "[1,2]", "null", "{", "[" * 100_000],
)
def test_damaged_cache_never_fails_a_load(content_copy: Path, garbage: str) -> None:
    load_bank(content_copy)
    cache = _cache_file(content_copy)
    entries = json.loads(cache.read_text(encoding="utf-8"))["files"]
    cache.write_text(garbage, encoding="utf-8")
    bank = load_bank(content_copy)
    assert bank.problems == [] and len(bank.questions) == FIXTURE_QUESTIONS
    # and a tampered entry for a real file is ignored, not trusted
    for entry in entries.values():
        entry["data"] = {"question": [1]}
        entry["lines"] = "x"
    cache.write_text(json.dumps({"version": 2, "files": entries}), encoding="utf-8")
    assert load_bank(content_copy).problems == []


def test_cache_is_keyed_on_content_not_size_and_mtime(content_copy: Path) -> None:
    path = content_copy / "questions" / "cnn.toml"
    before = load_bank(content_copy).questions["cnn-drill-output"].prompt
    text = path.read_text(encoding="utf-8")
    info = path.stat()
    changed = text.replace(before, before[:-1] + ("?" if before[-1] != "?" else "!"), 1)
    assert len(changed.encode()) == len(text.encode()) and changed != text
    path.write_text(changed, encoding="utf-8")
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert load_bank(content_copy).questions["cnn-drill-output"].prompt != before


def test_bad_structure_types_are_problems(content_copy: Path) -> None:
    _add(content_copy, "shapes.toml", "question = 3\n")
    _add(content_copy, "items.toml", "question = [1, 'x']\n")
    (content_copy / "syllabus.toml").write_text("item = 5\n", encoding="utf-8")
    bank = load_bank(content_copy)
    names = sorted(p.path.name for p in bank.problems)
    assert names == ["items.toml", "items.toml", "shapes.toml", "syllabus.toml"]
