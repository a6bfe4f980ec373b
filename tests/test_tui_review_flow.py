"""Anki-grade review flow in the TUI: next interval, self-grade intervals, misses and retry, undo, bury, scrolling."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.containers import VerticalScroll
from textual.pilot import Pilot
from textual.widgets import Footer, Input, OptionList, Static, TextArea
from textual.widgets._footer import FooterKey

from eqprep.tui.screens.quiz import QuizScreen
from eqprep.tui.widgets.feedback import Feedback
from eqprep.tui.widgets.hanging import Hanging
from tests.test_tui_reading_snapshots import READING
from tests.tui_support import answer_keys, input_ready, make_app, open_quiz, settle, type_keys, wait_loaded

pytestmark = pytest.mark.tui


async def until(pilot: Pilot[int], condition: Callable[[], bool]) -> None:
    """Let workers and messages run until `condition` holds (a loaded machine may need many rounds)."""
    for _ in range(200):
        await settle(pilot, rounds=1)
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("condition never held")


async def submit_exam(pilot: Pilot[int]) -> None:
    """Submit the mock exam on screen (confirming) and wait for its report."""
    from eqprep.tui.screens.exam import ExamReportScreen

    await pilot.press("ctrl+g", "y")
    await until(pilot, lambda: isinstance(pilot.app.screen, ExamReportScreen))


def feedback_text(screen: QuizScreen) -> str:
    """Every text line of the feedback panel."""
    return "\n".join(str(s.render()) for s in screen.query_one(Feedback).query(Static))


async def test_answer_shows_when_it_comes_back(tmp_path: Path) -> None:
    """After an answer the feedback says when the question returns, like the CLI's 次回."""
    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await wait_loaded(pilot)
        screen = await open_quiz(pilot, "cnn-test18")
        await pilot.press(*answer_keys(screen.item, False))
        await until(pilot, lambda: screen.state == "graded")
        assert "次回: 1 分後" in feedback_text(screen) or "次回: " in feedback_text(screen)


async def test_self_grade_keys_show_intervals(tmp_path: Path) -> None:
    """The 1-4 keys of a self-graded question each show the next interval; the rating confirms it."""
    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await wait_loaded(pilot)
        screen = await open_quiz(pilot, "act-zero-init")
        await pilot.press(*type_keys("same"), "ctrl+s")
        await until(pilot, lambda: screen.state == "rating")
        text = feedback_text(screen)
        assert "1 Again (" in text and "4 Easy (" in text and "日後" in text


async def test_misses_listed_with_answers_and_retried(tmp_path: Path) -> None:
    """The end of a session lists what was missed with the answer and explanation; r asks them again."""
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        screen = await open_quiz(pilot, "cnn-test18")
        await pilot.press(*answer_keys(screen.item, False))
        await until(pilot, lambda: screen.state == "graded")
        await pilot.press("enter")
        await until(pilot, lambda: screen.state == "done")
        summary = " ".join(str(static.render()) for static in screen.query("#body Static"))
        assert "間違えた問題 (1 問)" in summary and "正解:" in summary and "解説:" in summary
        [miss] = screen.query(Hanging)
        assert miss.label().startswith("1. "), "each miss is a numbered entry with a hanging indent"
        await pilot.pause()
        footer = [key.description for key in screen.query_one(Footer).query(FooterKey)]
        assert "戻る" in footer and "ミスを再挑戦" in footer
        assert "解答/次へ" not in footer and "ノート" not in footer, "nothing to answer or look up on the summary"
        await pilot.press("r")
        await until(pilot, lambda: app.screen is not screen)
        retry = app.screen
        assert isinstance(retry, QuizScreen) and retry is not screen
        assert retry.item is not None and retry.item.question.id == "cnn-test18"


async def test_undo_takes_back_the_answer_and_asks_again(tmp_path: Path) -> None:
    """u deletes the recorded answer, restores the card and shows the question again."""
    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await wait_loaded(pilot)
        assert app.session is not None
        screen = await open_quiz(pilot, "cnn-test18")
        await pilot.press(*answer_keys(screen.item, False))
        await until(pilot, lambda: screen.state == "graded")
        assert len(app.session.study.store.answers("cnn-test18")) == 1
        await pilot.press("u")
        await until(pilot, lambda: screen.state == "answering")
        assert app.session.study.store.answers("cnn-test18") == []
        assert app.session.study.store.card("cnn-test18") is None
        assert screen.state == "answering" and screen.item is not None and screen.item.question.id == "cnn-test18"
        assert not screen.query(Feedback)


async def test_undo_from_inside_an_answer_field_is_ctrl_z(tmp_path: Path) -> None:
    """In a text field u is a character (it may be part of a formula); ctrl+z takes back the previous answer."""
    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await wait_loaded(pilot)
        assert app.session is not None
        bank = app.session.bank
        await app.push_screen(QuizScreen(app.session, [bank.questions["act-sigmoid-max"], bank.questions["cnn-test18"]],
                                         "テスト"))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuizScreen) and screen.item is not None
        await pilot.press(*answer_keys(screen.item, True))
        await until(pilot, lambda: screen.state == "graded")
        await pilot.press("enter")
        await until(pilot, lambda: screen.item is not None and screen.item.question.id == "cnn-test18")
        await input_ready(pilot)
        await pilot.press("u")
        await pilot.pause()
        assert screen.query_one("#answer", Input).value == "u" and screen.item.question.id == "cnn-test18"
        await pilot.press("ctrl+z")
        await until(pilot, lambda: screen.item is not None and screen.item.question.id == "act-sigmoid-max")
        assert app.session.study.store.answers("act-sigmoid-max") == []


async def test_bury_moves_the_question_to_tomorrow(tmp_path: Path) -> None:
    """b hides the question until the next day and moves on."""
    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await wait_loaded(pilot)
        assert app.session is not None
        screen = await open_quiz(pilot, "act-sigmoid-max")
        await pilot.press("b")
        await until(pilot, lambda: screen.state == "done")
        card = app.session.study.store.card("act-sigmoid-max")
        assert card is not None and card.card.due.date() > app.session.today()
        assert screen.state == "done"


async def test_long_feedback_scrolls_with_keys_at_80x24(tmp_path: Path) -> None:
    """After answering, the body has focus, so End / PageUp / Home scroll a long explanation."""
    app = make_app(tmp_path, content=READING)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        screen = await open_quiz(pilot, "read-long-explanation")
        await pilot.press("2", "enter")
        await until(pilot, lambda: screen.state == "graded")
        body = screen.query_one("#body", VerticalScroll)
        assert body.has_focus and body.max_scroll_y > 0
        await pilot.press("home")
        await pilot.pause()
        assert body.scroll_y == 0
        await pilot.press("end")
        await pilot.pause(0.3)
        assert body.scroll_y == body.max_scroll_y
        await pilot.press("pageup")
        await pilot.pause(0.3)
        assert body.scroll_y < body.max_scroll_y


async def test_exam_review_lists_answers_filters_and_opens_a_question(tmp_path: Path) -> None:
    """After a mock exam: each 小問 with a mark, w shows only misses, Enter shows your answer, the correct one
    and the explanation, and q asks that question again."""

    from eqprep.tui.screens.exam import ExamAnswerScreen, ExamReportScreen
    from tests.tui_support import start_exam

    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        exam = await start_exam(pilot, 3)
        await pilot.press(*answer_keys(exam.items[0], True))
        await submit_exam(pilot)
        report = app.screen
        assert isinstance(report, ExamReportScreen)
        review = report.query_one("#review", OptionList)
        assert review.option_count == 3
        await pilot.press("w")
        await pilot.pause()
        assert review.option_count == 2 and "◯" not in str(review.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ExamAnswerScreen))
        answer = app.screen
        assert isinstance(answer, ExamAnswerScreen)
        texts = "\n".join(str(s.render()) for s in answer.query(Static))
        assert answer.query_one(".expected", Hanging).label() == "あなたの解答: (未解答)"
        assert "正解" in texts and "解説" in texts
        feedback = [str(s.render()) for s in answer.query_one(Feedback).query(Static)]
        assert sum("未解答" in line for line in feedback) == 1, "the verdict says 未解答 once, not again as a message"
        await pilot.press("q")
        await until(pilot, lambda: isinstance(app.screen, QuizScreen))


async def test_unreadable_exam_answer_is_not_counted_as_answered(tmp_path: Path) -> None:
    """A typed answer that cannot be read shows `?` in the navigator and does not count as answered
    (papers are all-choice now, so the exam is built here from a numeric question)."""
    from eqprep.quiz import make_item
    from eqprep.study.exam_session import ExamSession
    from eqprep.tui.screens.exam import ExamScreen

    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        assert app.session is not None
        bank = app.session.bank
        items = [make_item(bank.questions[qid], seed=1) for qid in ("cnn-test18", "act-sigmoid-max")]
        exam = ExamScreen(app.session, ExamSession(app.session.study, items, 5.0))
        await app.push_screen(exam)
        await settle(pilot)
        await pilot.press(*type_keys("abc"))
        await pilot.pause()
        exam.save()
        assert exam.answered_count() == (0, 1)
        exam.update_status()
        assert "解答済 0" in str(exam.query_one("#status", Static).render())
        assert "1?" in str(exam.query_one("#navigator", Static).render())


async def test_choices_show_their_selection_without_colour(tmp_path: Path) -> None:
    """The chosen option carries a ▶ mark (a checkbox where several answers may be chosen)."""
    from eqprep.tui.widgets.question import ChoiceRow

    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await wait_loaded(pilot)
        screen = await open_quiz(pilot, "act-sigmoid-max")
        await pilot.press("2")
        await pilot.pause()
        rows = {row.number: row.label() for row in screen.query(ChoiceRow)}
        assert rows[2].startswith("▶ 2.") and rows[1].startswith("  1.")


async def test_self_graded_answer_takes_several_lines(tmp_path: Path) -> None:
    """A description is written in a multi-line area: Enter breaks the line, ctrl+s (shown in the footer) sends it."""
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        assert app.session is not None
        screen = await open_quiz(pilot, "act-zero-init")
        area = screen.query_one("#answer", TextArea)
        assert area.has_focus
        keys = screen.active_bindings
        assert "ctrl+s" in keys and keys["ctrl+s"].binding.description == "解答を送信"
        assert "enter" not in keys, "Enter starts a new line while writing, so the footer does not offer it"
        await pilot.press(*type_keys("same"), "enter", *type_keys("update"))
        await pilot.pause()
        assert screen.state == "answering" and area.text == "same\nupdate"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: screen.state == "rating")
        assert area.disabled
        await pilot.press("3")
        await until(pilot, lambda: screen.state == "done")
        records = app.session.study.store.answers("act-zero-init")
        assert [(r.answer, r.rating) for r in records] == [("same\nupdate", 3)]


async def test_undo_goes_back_three_answers_restoring_each_card(tmp_path: Path) -> None:
    """u pressed three times takes back the last three answers newest first; every card is exactly as before."""
    app = make_app(tmp_path)
    ids = ["act-zero-init", "act-sigmoid-max", "act-softmax-code"]
    async with app.run_test() as pilot:
        await wait_loaded(pilot)
        assert app.session is not None
        store = app.session.study.store
        bank = app.session.bank

        async def answer_all(right: bool) -> QuizScreen:
            await app.push_screen(QuizScreen(app.session, [bank.questions[i] for i in ids], "テスト"))
            screen = app.screen
            assert isinstance(screen, QuizScreen)
            for _ in ids:
                await until(pilot, lambda: screen.state == "answering" and all(
                    f.has_focus for f in screen.query("#answer")))
                await pilot.press(*answer_keys(screen.item, right))
                await until(pilot, lambda: screen.state in ("rating", "graded"))
                await pilot.press("3" if screen.state == "rating" else "enter")
                await until(pilot, lambda: screen.state in ("answering", "done"))
            assert screen.state == "done"
            return screen

        first = await answer_all(True)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is not first)
        before = {i: store.card(i) for i in ids}
        assert all(card is not None for card in before.values())
        screen = await answer_all(False)
        assert len(store.answers()) == 6 and {i: store.card(i) for i in ids} != before
        for expected in reversed(ids):
            await pilot.press("u")
            await until(pilot, lambda: screen.state == "answering")
            assert screen.item is not None and screen.item.question.id == expected
        assert [a.question_id for a in store.answers()] == ids, "only the first session's answers remain"
        for i in ids:
            card, old = store.card(i), before[i]
            assert card is not None and old is not None
            assert (card.card.to_dict(), card.reps, card.lapses) == (old.card.to_dict(), old.reps, old.lapses)
        assert screen.review.summary().answered == 0 and screen.misses == []
        await pilot.press("u")
        await pilot.pause()
        assert screen.state == "answering" and len(store.answers()) == 3, "nothing more to take back"


async def test_held_screen_lists_and_restores_suspended_and_buried(tmp_path: Path) -> None:
    """s and b in a session; home h lists both with their prompt text, r (or Enter) restores each."""
    from textual.widgets import OptionList

    from eqprep.tui.screens.held import HeldScreen

    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        assert app.session is not None
        study = app.session.study
        screen = await open_quiz(pilot, "act-sigmoid-max")
        await pilot.press("s")
        await until(pilot, lambda: screen.state == "done")
        await pilot.press("escape")
        screen = await open_quiz(pilot, "act-softmax-code")
        await pilot.press("b")
        await until(pilot, lambda: screen.state == "done")
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, QuizScreen))
        await pilot.press("h")
        await until(pilot, lambda: isinstance(app.screen, HeldScreen) and app.screen.query_one("#held", OptionList)
                    .option_count == 2)
        held = app.screen.query_one("#held", OptionList)
        lines = [str(held.get_option_at_index(i).prompt) for i in range(2)]
        assert lines[0].startswith("保留") and "act-sigmoid-max" in lines[0] and "シグモイド" in lines[0]
        assert "まで" in lines[1] and "act-softmax-code" in lines[1]
        assert held.has_focus and held.highlighted == 0
        await pilot.press("r")
        await until(pilot, lambda: held.option_count == 1)
        assert study.suspended() == set()
        await pilot.press("enter")
        await until(pilot, lambda: held.option_count == 0)
        assert study.set_aside() == [] and study.store.card("act-softmax-code") is None
        assert "ありません" in str(app.screen.query_one("#held-count", Static).render())


async def test_a_digit_typed_just_before_pagedown_answers_the_question_it_was_typed_on(tmp_path: Path) -> None:
    """Keys arriving together (fast typing, a paste): 2 then PageDown selects 2 on this question, then moves on.
    Before, PageDown (a priority binding) overtook the digit, which then answered the next question."""
    from textual import events

    from tests.tui_support import start_exam

    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        exam = await start_exam(pilot, 3)
        for key in ("2", "pagedown"):
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await settle(pilot)
        assert exam.index == 1
        assert exam.answers[0] == "2" and exam.answers[1] == ""


async def test_exam_review_echoes_a_wrong_choice_once(tmp_path: Path) -> None:
    """A wrong choice is named once on the review screen (in the verdict), not again on a line of its own."""
    from eqprep.tui.screens.exam import ExamAnswerScreen
    from tests.tui_support import start_exam

    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        exam = await start_exam(pilot, 2)
        await pilot.press(*answer_keys(exam.items[0], False))
        await submit_exam(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ExamAnswerScreen))
        texts = "\n".join(str(s.render()) for s in app.screen.query(Static))
        assert texts.count("あなたの解答") == 1


async def test_exam_review_lines_use_the_width_there_is(tmp_path: Path) -> None:
    """The review list shows more of each prompt on a wide terminal (56 cells at 80 columns) and never overflows."""
    from rich.cells import cell_len

    from eqprep.paths import content_root
    from tests.tui_support import start_exam

    app = make_app(tmp_path, content=content_root())
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot)
        await start_exam(pilot, 6)
        await submit_exam(pilot)
        review = app.screen.query_one("#review", OptionList)
        labels = [str(review.get_option_at_index(i).prompt) for i in range(review.option_count)]
        assert max(cell_len(label) for label in labels) > 8 + len("大問 ") + 56 + 2, labels  # more than 80 columns show
        assert all(cell_len(label) <= review.content_size.width for label in labels)
