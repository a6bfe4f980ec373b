"""Loading: the fixture tree loads cleanly; each defect is reported with file and line."""

from __future__ import annotations

from pathlib import Path

from eqprep.bank import load_bank
from eqprep.bank.model import ChoiceQuestion, ParametricQuestion
from eqprep.paths import content_root
from tests.conftest import FIXTURE_CONTENT


def test_fixture_loads_every_kind() -> None:
    bank = load_bank(FIXTURE_CONTENT)
    assert bank.problems == []
    assert set(bank.notes) == {"activation", "cnn"}
    kinds = {q.kind for q in bank.questions.values()}
    assert kinds == {"choice", "expression", "self_graded", "code_choice", "numeric", "parametric"}
    choice = bank.questions["act-sigmoid-max"]
    assert isinstance(choice, ChoiceQuestion) and choice.answer == {"0.25"} and choice.source == "確認テスト15"
    drill = bank.questions["cnn-drill-output"]
    assert isinstance(drill, ParametricQuestion) and drill.params["K"].choices == (1, 3, 5)
    assert drill.line is not None and drill.path.name == "cnn.toml"


def test_broken_file_does_not_hide_the_rest(content_copy: Path) -> None:
    (content_copy / "questions" / "broken.toml").write_text("[[question]]\nid = 'x\n", encoding="utf-8")
    bank = load_bank(content_copy)
    assert len(bank.questions) == 6
    [problem] = bank.problems
    assert problem.path.name == "broken.toml" and problem.line == 2 and "TOML" in problem.message


def test_malformed_question_reports_its_line(content_copy: Path) -> None:
    path = content_copy / "questions" / "cnn.toml"
    text = path.read_text(encoding="utf-8") + '\n[[question]]\nid = "bad-kind"\ntopic = "cnn"\nkind = "essay"\ntags = ["3-4-1"]\nprompt = "?"\nexplanation = "."\n'
    path.write_text(text, encoding="utf-8")
    bank = load_bank(content_copy)
    [problem] = bank.problems
    assert problem.qid == "bad-kind" and "essay" in problem.message
    assert problem.line == text.splitlines().index("id = \"bad-kind\"")  # the [[question]] header line


def test_unknown_field_and_missing_front_matter(content_copy: Path) -> None:
    path = content_copy / "questions" / "activation.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('source = "確認テスト15"', 'sourse = "確認テスト15"'), encoding="utf-8")
    (content_copy / "notes" / "dl" / "plain.md").write_text("# no front matter\n", encoding="utf-8")
    bank = load_bank(content_copy)
    messages = [str(p) for p in bank.problems]
    assert any("sourse" in m and "activation.toml" in m for m in messages)
    assert any("plain.md" in m and "front matter" in m for m in messages)


def test_missing_root_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    bank = load_bank(tmp_path / "nowhere")
    assert bank.questions == {} and len(bank.problems) == 1


def test_bundled_content_is_found() -> None:
    root = content_root()
    assert (root / "syllabus.toml").is_file()
    assert (root / "notes").is_dir() and (root / "questions").is_dir()


def test_non_numeric_domain_is_a_problem_not_a_crash(content_copy: Path) -> None:
    path = content_copy / "questions" / "cnn.toml"
    question = (
        '\n[[question]]\nid = "bad-domain"\ntopic = "cnn"\nkind = "expression"\ntags = ["3-4-1"]\nprompt = "?"\n'
        'explanation = "."\nanswer = "x"\nvariables = ["x"]\ndomain = {{ x = {bounds} }}\n'
    )
    for bounds in ('["a", 1]', '["a", "b"]'):
        path.write_text(path.read_text(encoding="utf-8") + question.format(bounds=bounds), encoding="utf-8")
        [problem] = load_bank(content_copy, use_cache=False).problems
        assert problem.qid == "bad-domain" and "domain.x" in problem.message
        path.write_text(path.read_text(encoding="utf-8").replace(question.format(bounds=bounds), ""), encoding="utf-8")
