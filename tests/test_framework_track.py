"""The learner's framework track: drills and mock exams include PyTorch questions only when it is on."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from eqprep.bank import load_bank
from eqprep.bank.model import Bank, CodeChoiceQuestion, Question, SyllabusItem
from eqprep.cli import main
from eqprep.study import Store, Study
from eqprep.study.exam import FRAMEWORK_SHARE, assemble_exam
from eqprep.study.selection import Filters
from eqprep.tui.screens.home import HomeScreen
from eqprep.tui.screens.quiz import QuizScreen
from tests.tui_support import make_app, settle, wait_loaded

PT_QUESTION = '''
[[question]]
id = "pt-{n}"
topic = "cnn"
kind = "code_choice"
framework = "pytorch"
tags = ["3-4-1"]
prompt = "(あ) に入る形を選べ ({n})"
template = "h = nn.Conv2d(3, 8, 3)(torch.zeros(1, 3, 10, 10))\\nassert tuple(h.shape) == {{blank}}"
choices = ["(1, 8, 8, 8)", "(1, 8, 10, 10)"]
answer = "(1, 8, 8, 8)"
check = "assert h.dim() == 4"
explanation = "(1, 8, 10, 10) はパディングを仮定した誤り。"
'''


@pytest.fixture
def content(content_copy: Path) -> Path:
    """The fixture content plus three PyTorch questions."""
    text = "".join(PT_QUESTION.format(n=n) for n in range(3))
    (content_copy / "questions" / "pytorch-x.toml").write_text(text, encoding="utf-8")
    return content_copy


def _code(qid: str, area_tag: str, framework: str | None) -> Question:
    return CodeChoiceQuestion(id=qid, topic="t", prompt="p", explanation="e", tags=(area_tag,),
                              path=Path("x"), framework=framework, template="x = {blank}", choices=("1", "2", "3", "4"),
                              answer="1", check="assert x == 1")


def _exam_bank(framework_questions: int) -> Bank:
    syllabus = {tag: SyllabusItem(tag, tag, area) for tag, area in
                (("1-2-1", "応用数学"), ("2-1-1", "機械学習"), ("3-1-1", "深層学習"), ("5-1-1", "開発環境"))}
    questions = [_code(f"{tag}-{i}", tag, None) for tag in syllabus for i in range(40)]
    questions += [_code(f"pt-{i}", "3-1-1", "pytorch") for i in range(framework_questions)]
    return Bank(root=Path("."), questions={q.id: q for q in questions}, syllabus=syllabus)


def test_exam_share_of_framework_questions_follows_the_track() -> None:
    bank = _exam_bank(30)
    paper = assemble_exam(bank, 100, seed=1)
    assert len(paper) == 100 == len({q.id for q in paper})
    assert sum(1 for q in paper if q.framework) == round(100 * FRAMEWORK_SHARE) == 10
    off = assemble_exam(bank, 100, seed=1, framework="none")
    assert len(off) == 100 and not any(q.framework for q in off)
    areas = [bank.area_of(q) for q in paper]
    assert areas == sorted(areas, key=["応用数学", "機械学習", "深層学習", "開発環境"].index)


def test_exam_with_few_framework_questions_uses_what_there_is() -> None:
    paper = assemble_exam(_exam_bank(3), 100, seed=2)
    assert len(paper) == 100 and sum(1 for q in paper if q.framework) == 3


def test_selection_respects_the_track(content: Path, tmp_path: Path) -> None:
    study = Study(Store.open(tmp_path / "data"), load_bank(content))
    assert study.framework == "pytorch"
    everything = {q.id for q in study.select(mode="drill", count=100)}
    assert {"pt-0", "pt-1", "pt-2"} <= everything
    only = study.select(Filters(framework="pytorch"), mode="drill", count=100)
    assert {q.id for q in only} == {"pt-0", "pt-1", "pt-2"}
    study.set_framework("none")
    assert not any(q.framework for q in study.select(mode="drill", count=100))
    assert Study(study.store, study.bank).framework == "none"  # persisted
    with pytest.raises(ValueError):
        study.set_framework("tensorflow")


def test_drill_framework_option_is_saved(content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(["--data-dir", str(data), "drill", "--content", str(content), "--framework", "none",
                 "--kind", "code_choice", "--count", "50"]) == 0
    out = capsys.readouterr().out
    assert "pt-" not in out and "形を選べ" not in out
    assert Store.open(data).settings()["framework"] == "none"
    monkeypatch.setattr(sys, "stdin", io.StringIO("1\n"))
    main(["--data-dir", str(data), "drill", "--content", str(content), "--framework", "pytorch",
          "--topic", "cnn", "--kind", "code_choice", "--count", "1", "--seed", "3"])
    assert "形を選べ" in capsys.readouterr().out


@pytest.mark.tui
async def test_tui_toggle_and_pytorch_drill(content: Path, tmp_path: Path) -> None:
    """Home: `f` switches the track (saved), `p` opens a drill of only PyTorch questions."""
    app = make_app(tmp_path, content)
    async with app.run_test() as pilot:
        await wait_loaded(pilot)
        assert app.session is not None and isinstance(app.screen, HomeScreen)
        assert app.session.study.framework == "pytorch"
        await pilot.press("f")
        await settle(pilot)
        assert app.session.study.framework == "none"
        assert app.session.study.store.settings()["framework"] == "none"
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)  # track off: told, not opened
        await pilot.press("f", "p")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QuizScreen)
        assert all(q.framework == "pytorch" for q in screen.review.questions)

