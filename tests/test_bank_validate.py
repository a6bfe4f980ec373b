"""`eqprep check`: clean content exits 0; a deliberately broken copy reports each defect and exits 1."""

from __future__ import annotations

from pathlib import Path

import pytest

from eqprep.bank import load_bank
from eqprep.bank.validate import validate
from eqprep.cli import main
from tests.conftest import FIXTURE_CONTENT


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_clean_fixture_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(FIXTURE_CONTENT)]) == 0
    assert "問題なし" in capsys.readouterr().out


def test_broken_copy_reports_every_problem(content_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    questions = content_copy / "questions"
    (questions / "bad-syntax.toml").write_text('[[question]]\nid = "unterminated\n', encoding="utf-8")
    _append(
        questions / "cnn.toml",
        '''
[[question]]
id = "cnn-test18"
topic = "cnn"
kind = "numeric"
tags = ["3-4-1"]
prompt = "重複"
answer = 7
explanation = "."

[[question]]
id = "cnn-wrong-answer"
topic = "cnn"
kind = "numeric"
tags = ["3-4-1"]
prompt = "5×5 入力、3×3 フィルタ、ストライド 2、パディング 1"
answer = 4
formula = "(5 + 2*1 - 3)//2 + 1"
explanation = "."

[[question]]
id = "cnn-divide-by-zero"
topic = "cnn"
kind = "parametric"
tags = ["3-4-1"]
prompt = "{H}"
answer = "H / (S - 1)"
explanation = "."

[question.params]
H = { min = 1, max = 9 }
S = { min = 1, max = 2 }
''',
    )
    assert main(["check", str(content_copy)]) == 1
    out = capsys.readouterr().out
    assert "bad-syntax.toml:2:" in out and "TOML" in out
    assert "cnn.toml" in out and "重複" in out
    assert "cnn-wrong-answer" in out and "一致しません" in out
    assert "cnn-divide-by-zero" in out and "0 で割っています" in out
    assert "問題点 4 件" in out


def test_weak_code_check_and_bad_links_are_reported(content_copy: Path) -> None:
    path = content_copy / "questions" / "activation.toml"
    text = path.read_text(encoding="utf-8").replace("assert np.allclose(y, [[0.0900, 0.2447, 0.6652]], atol=1e-4)", "assert y.shape == (1, 3)")
    path.write_text(text, encoding="utf-8")
    note = content_copy / "notes" / "dl" / "cnn.md"
    _append(note, "\n[無い](note:nowhere) と [無い問題](q:nothing) と $\\weirdmacro{x}$\n")
    problems = validate(load_bank(content_copy), set(), trust=True)
    messages = [p.message for p in problems]
    assert any("誤答の選択肢" in m for m in messages)
    assert any("nowhere" in m for m in messages) and any("nothing" in m for m in messages)
    link_line = note.read_text(encoding="utf-8").splitlines().index("[無い](note:nowhere) と [無い問題](q:nothing) と $\\weirdmacro{x}$") + 1
    assert {p.line for p in problems if p.path == note} == {link_line}
    assert any("\\weirdmacro" in m for m in messages)


def test_bare_link_is_reported(content_copy: Path) -> None:
    _append(content_copy / "notes" / "dl" / "cnn.md", "\n詳しくは (note:activation) を参照。\n")
    messages = [p.message for p in validate(load_bank(content_copy), set(), trust=True)]
    assert any("[ラベル](note:activation)" in m for m in messages)


def test_wrong_correct_option_and_missing_choice(content_copy: Path) -> None:
    path = content_copy / "questions" / "activation.toml"
    text = path.read_text(encoding="utf-8").replace('answer = ["0.25"]', 'answer = ["0.5"]')
    text = text.replace(
        'answer = "np.exp(x) / np.sum(np.exp(x), axis=-1, keepdims=True)"',
        'answer = "x / np.sum(x, axis=-1, keepdims=True)"',
    )
    path.write_text(text, encoding="utf-8")
    messages = [p.message for p in validate(load_bank(content_copy), set(), trust=True)]
    assert any("'0.5' が選択肢にありません" in m for m in messages)
    assert any("正解の選択肢が check を通りません" in m for m in messages)
    assert any("誤答の選択肢" in m for m in messages)


def test_unknown_derivation_and_tag(content_copy: Path) -> None:
    _append(
        content_copy / "questions" / "cnn.toml",
        '\n[[question]]\nid = "cnn-x"\ntopic = "cnn"\nkind = "choice"\ntags = ["9-9-9"]\nprompt = "?"\n'
        'choices = ["a", "b"]\nanswer = ["a"]\nexplanation = "."\nderivation = "no-such-derivation"\n',
    )
    messages = [p.message for p in validate(load_bank(content_copy), set(), trust=True)]
    assert any("9-9-9" in m for m in messages) and any("no-such-derivation" in m for m in messages)


def test_coverage_flags_thin_items(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--coverage", str(FIXTURE_CONTENT)]) == 1
    out = capsys.readouterr().out
    assert "3-1-4" in out and "カバー不足" not in out.split("3-1-4")[0]
    assert "カバー不足: シラバス 3-4-1" in out  # only two questions on 3-4-1


def test_broken_derivation_step_is_reported(content_copy: Path) -> None:
    import shutil

    from eqprep.paths import content_root

    target = content_copy / "derivations"
    target.mkdir(exist_ok=True)
    shutil.copy(content_root() / "derivations" / "chain-rule.toml", target / "chain-rule.toml")
    path = target / "chain-rule.toml"
    text = path.read_text(encoding="utf-8")
    assert "2*(x + y)" in text
    path.write_text(text.replace("2*(x + y)", "3*(x + y)"), encoding="utf-8")
    messages = [p.message for p in validate(load_bank(content_copy))]
    assert any("chain-rule" in m and "検証できません" in m for m in messages)
