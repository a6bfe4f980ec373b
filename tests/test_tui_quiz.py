"""Pilot tests: answering every question kind right and wrong, invalid input, self-rating, a full review."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

from eqprep.tui.screens.home import HomeScreen
from eqprep.tui.screens.notes import NotesScreen
from eqprep.tui.screens.quiz import QuizScreen
from eqprep.tui.widgets.feedback import Feedback
from eqprep.tui.widgets.hanging import Hanging
from tests.tui_support import answer_keys, input_ready, make_app, open_quiz, settle, type_keys, wait_loaded

pytestmark = pytest.mark.tui

MACHINE_GRADED = ["act-sigmoid-max", "act-chain", "act-softmax-code", "cnn-test18", "cnn-drill-output"]


@pytest.mark.parametrize("right", [True, False], ids=["right", "wrong"])
@pytest.mark.parametrize("qid", MACHINE_GRADED)
async def test_answer_each_kind(tmp_path: Path, qid: str, right: bool) -> None:
    """A right answer is shown and recorded as correct, a wrong one as wrong, with the explanation."""
    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await wait_loaded(pilot)
        assert app.session is not None
        screen = await open_quiz(pilot, qid)
        await pilot.press(*answer_keys(screen.item, right))
        for _ in range(100):  # a loaded machine may need more rounds than settle's default
            await settle(pilot)
            if screen.query(Feedback):
                break
        feedback = screen.query_one(Feedback)
        expected = "correct" if right else "wrong"
        assert feedback.verdict.status == expected
        assert feedback.has_class(f"-{expected}")
        records = app.session.study.store.answers(qid)
        assert [r.verdict for r in records] == [expected]
        assert records[0].rating == (3 if right else 1)  # no timing history yet: Good or Again


async def test_invalid_input_is_explained_and_not_recorded(tmp_path: Path) -> None:
    """Unreadable numeric input shows a Japanese message, records nothing, and the learner can retry."""
    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await wait_loaded(pilot)
        assert app.session is not None
        await open_quiz(pilot, "cnn-test18")
        await pilot.press(*type_keys("abc"))
        preview = app.screen.query_one("#preview", Static)
        assert preview.has_class("-error") and "数値" in str(preview.render())
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QuizScreen) and screen.state == "answering"
        assert not app.session.study.store.answers("cnn-test18")
        assert not screen.query(Feedback)


async def test_expression_live_preview(tmp_path: Path) -> None:
    """Typing a formula shows how it was read before submitting (STACK-style validation)."""
    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await wait_loaded(pilot)
        await open_quiz(pilot, "act-chain")
        await pilot.press(*type_keys("2*(x+"))
        preview = app.screen.query_one("#preview", Static)
        assert preview.has_class("-error")
        await pilot.press(*type_keys("y)"))
        assert not preview.has_class("-error") and "読み取り" in str(preview.render())


@pytest.mark.parametrize("rating", [1, 3])
async def test_self_graded_reveal_and_rate(tmp_path: Path, rating: int) -> None:
    """Self-graded: reveal the model answer, then the chosen rating feeds the scheduler."""
    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await wait_loaded(pilot)
        assert app.session is not None
        question = app.session.bank.questions["act-zero-init"]
        screen = await open_quiz(pilot, question.id)
        await pilot.press(*answer_keys(screen.item, True))
        await settle(pilot)
        assert screen.state == "rating"
        shown = screen.query_one(".expected", Hanging).label()
        assert question.answer in shown  # type: ignore[attr-defined]
        await pilot.press(str(rating))
        await settle(pilot)
        records = app.session.study.store.answers("act-zero-init")
        assert [(r.verdict, r.rating) for r in records] == [("self", rating)]
        assert screen.state == "done"


async def test_full_review_from_home(tmp_path: Path) -> None:
    """Home 'r' starts the day's review; answering everything returns home with updated counts."""
    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await wait_loaded(pilot)
        assert app.session is not None
        assert "新規: 6 問" in str(app.screen.query_one("#summary", Static).render())
        await pilot.press("r")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuizScreen)
        for _ in range(screen.review.total):
            assert screen.item is not None
            await input_ready(pilot)
            await pilot.press(*answer_keys(screen.item, True))
            await settle(pilot)
            await pilot.press("3" if screen.state == "rating" else "enter")
            await settle(pilot)
        assert screen.state == "done"
        assert "お疲れさまでした" in str(screen.query_one("#summary", Static).render())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        summary = str(app.screen.query_one("#summary", Static).render())
        assert "学習済み 6 / 6 問" in summary and "連続学習: 1 日" in summary
        assert len(app.session.study.store.answers()) == 6


async def test_question_links_back_to_its_note(tmp_path: Path) -> None:
    """After answering, 'g' opens the question's note."""
    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await wait_loaded(pilot)
        assert app.session is not None
        question = app.session.bank.questions["cnn-test18"]
        screen = await open_quiz(pilot, question.id)
        await pilot.press(*answer_keys(screen.item, False))
        await settle(pilot)
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, NotesScreen) and app.screen.note_id == question.note_id


async def test_note_key_waits_until_answered(tmp_path: Path) -> None:
    """'g' does nothing while the question is still open (the footer shows it dimmed)."""
    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await wait_loaded(pilot)
        screen = await open_quiz(pilot, "act-sigmoid-max")
        await pilot.press("g")
        await pilot.pause()
        assert app.screen is screen and screen.state == "answering"


async def test_checker_crash_is_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """If the checker itself fails, the learner sees a Japanese message and can retry; nothing is recorded."""
    import eqprep.study.policy as policy_module

    def broken(*_: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(policy_module, "grade", broken)
    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await wait_loaded(pilot)
        assert app.session is not None
        await open_quiz(pilot, "cnn-test18")
        await pilot.press(*type_keys("7"), "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QuizScreen) and screen.state == "answering"
        assert "エラー" in str(screen.query_one("#preview", Static).render())
        assert not app.session.study.store.answers()
