"""Framework (PyTorch) questions: loading, `check` with and without torch, --require-torch, --json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eqprep.bank import framework as fw
from eqprep.bank import load_bank
from eqprep.bank.validate import validate
from eqprep.cli import main

pytestmark = pytest.mark.slow  # runs options in sandboxes (with torch when installed)
GOOD = '''
[[question]]
id = "pt-good"
topic = "cnn"
kind = "code_choice"
framework = "pytorch"
tags = ["3-4-1"]
prompt = "(あ) に入る形を選べ"
template = """
h = nn.Conv2d(3, 8, 3)(torch.zeros(1, 3, 10, 10))
assert tuple(h.shape) == {blank}
"""
choices = ["(1, 8, 8, 8)", "(1, 8, 10, 10)", "(1, 3, 8, 8)"]
answer = "(1, 8, 8, 8)"
check = "assert h.dim() == 4"
explanation = "."
'''

WEAK = '''
[[question]]
id = "pt-weak"
topic = "cnn"
kind = "code_choice"
framework = "pytorch"
tags = ["3-4-1"]
prompt = "(あ) に入る和を選べ"
template = "s = {blank}"
choices = ["torch.ones(3).sum().item()", "3.0", "torch.zeros(3).sum().item()"]
answer = "torch.ones(3).sum().item()"
check = "assert s == 3"
explanation = "."
'''

BROKEN_KEY = '''
[[question]]
id = "pt-broken-key"
topic = "cnn"
kind = "code_choice"
framework = "pytorch"
tags = ["3-4-1"]
prompt = "(あ) に入る形を選べ"
template = "y = {blank}"
choices = ["torch.ones(2, 2).T.shape", "torch.ones(2, 3).shape"]
answer = "torch.ones(2, 2).T.shape"
check = "assert tuple(y) == (3, 2)"
explanation = "."
'''

CHOICE = '''
[[question]]
id = "pt-choice"
topic = "cnn"
kind = "choice"
framework = "pytorch"
tags = ["3-4-1"]
prompt = "どれ?"
choices = ["a", "b"]
answer = ["a"]
explanation = "."
'''


def _add(content: Path, text: str) -> None:
    (content / "questions" / "pytorch-test.toml").write_text(text, encoding="utf-8")


def test_framework_field_loads_and_unknown_framework_is_a_problem(content_copy: Path) -> None:
    _add(content_copy, GOOD + WEAK.replace('framework = "pytorch"', 'framework = "tensorflow"'))
    bank = load_bank(content_copy)
    assert bank.questions["pt-good"].framework == "pytorch"
    assert "pt-weak" not in bank.questions
    assert any("tensorflow" in p.message for p in bank.problems)


def test_framework_questions_must_be_runnable_code(content_copy: Path) -> None:
    _add(content_copy, CHOICE)
    problems = validate(load_bank(content_copy))
    assert [p.qid for p in problems] == ["pt-choice"]
    assert "code_choice" in problems[0].message


def test_without_torch_check_lists_unverified_and_passes(
    content_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _add(content_copy, GOOD)
    monkeypatch.setattr(fw, "torch_available", lambda: False)
    monkeypatch.setattr(fw, "run_jobs", lambda jobs: pytest.fail("no framework code may run without torch"))
    assert main(["check", str(content_copy), "--trust"]) == 0
    out = capsys.readouterr().out
    assert "未検証" in out and fw.INSTALL_HINT in out and "問題なし" in out
    assert main(["check", str(content_copy), "--trust", "--require-torch"]) == 1
    assert "--require-torch" in capsys.readouterr().out


def test_coverage_json_reports_the_framework_object(
    content_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _add(content_copy, GOOD)
    monkeypatch.setattr(fw, "torch_available", lambda: False)
    main(["check", str(content_copy), "--trust", "--coverage", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert data["framework"] == {"pytorch": 1, "unverified": 1}
    assert {row["item_id"] for row in data["coverage"]} >= {"3-4-1"}


def test_run_jobs_never_imports_torch_here() -> None:
    """The runner uses the sandbox's child processes; this process's modules stay torch-free."""
    import sys

    before = "torch" in sys.modules
    fw.run_jobs([fw.Job("", "x = {blank}", "1", "assert x == 1")])
    assert ("torch" in sys.modules) == before


def test_with_torch_exactly_the_key_must_pass(
    content_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("torch")
    _add(content_copy, GOOD + WEAK + BROKEN_KEY)
    report = fw.verify_framework_questions(load_bank(content_copy))
    assert report.verified == {"pt-good"}
    assert report.unverified == {"pt-weak", "pt-broken-key"}
    messages = {p.qid: p.message for p in report.problems}
    assert "'3.0'" in messages["pt-weak"] and "check を強く" in messages["pt-weak"]
    assert "正解の選択肢" in messages["pt-broken-key"]
    assert main(["check", str(content_copy), "--trust", "--require-torch"]) == 1


def test_with_torch_the_clean_tree_verifies(content_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("torch")
    _add(content_copy, GOOD)
    assert main(["check", str(content_copy), "--trust", "--require-torch", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["framework"] == {"pytorch": 1, "unverified": 0} and data["ok"] is True


def test_child_crash_is_a_failure_not_a_pass() -> None:
    pytest.importorskip("torch")
    [result] = fw.run_jobs([fw.Job("", "x = {blank}", "__import__('os')._exit(3)", "")])
    assert not result.ok and result.status == "crashed"


def test_each_option_starts_with_clean_global_torch_state() -> None:
    """An option that turns autograd off globally must not make the next program fail (or pass)."""
    pytest.importorskip("torch")
    grad_off = fw.Job("", "{blank}", "torch.set_grad_enabled(False); torch.set_default_dtype(torch.float64)", "")
    needs_grad = fw.Job("", "w = {blank}", "torch.ones(2, requires_grad=True)",
                        "(w * 3).sum().backward()\nassert w.grad.tolist() == [3.0, 3.0] and w.dtype == torch.float32")
    assert [r.ok for r in fw.run_jobs([grad_off, needs_grad])] == [True, True]


def test_untrusted_pack_code_is_not_run(content_copy: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    """A pack's PyTorch code runs only with --trust, like its NumPy code; otherwise it is listed as unverified."""
    _add(content_copy, GOOD)
    monkeypatch.setattr(fw, "run_jobs", lambda jobs: pytest.fail("untrusted code must not run"))
    assert main(["check", str(content_copy)]) == 0
    out = capsys.readouterr().out
    assert "PyTorch の問題 1 問は未検証です" in out and "--trust" in out
    assert main(["check", str(content_copy), "--require-torch"]) == 1
