"""Pilot tests: notes and links, search, mock exam, statistics, workbench, derivations, help, theme, errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Markdown, OptionList, Static, TextArea

from eqprep.tui.screens.demos import DemosScreen
from eqprep.tui.screens.dialogs import ConfirmScreen, ExamDateScreen
from eqprep.tui.screens.exam import ExamReportScreen, ExamSetupScreen
from eqprep.tui.screens.help import HelpScreen
from eqprep.tui.screens.home import HomeScreen
from eqprep.tui.screens.notes import NotesScreen
from eqprep.tui.screens.quiz import QuizScreen
from eqprep.tui.screens.search import SearchScreen
from eqprep.tui.screens.stats import StatsScreen
from eqprep.tui.screens.workbench import WorkbenchScreen
from tests.tui_support import (
    EXAM_DAY,
    NOW,
    answer_keys,
    make_app,
    open_quiz,
    settle,
    start_exam,
    type_keys,
    wait_loaded,
)

pytestmark = pytest.mark.tui


async def test_home_shows_dashboard(tmp_path: Path) -> None:
    """Home shows due/new counts, streak and the injected exam countdown."""
    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await wait_loaded(pilot)
        summary = str(app.screen.query_one("#summary", Static).render())
        days = (EXAM_DAY - NOW.date()).days
        assert f"あと {days} 日" in summary and "今日の復習: 0 問" in summary and "新規: 6 問" in summary


async def test_note_shows_math_and_follows_link_to_question(tmp_path: Path) -> None:
    """A note renders its LaTeX as Unicode and its (q:ID) link opens that question."""
    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await wait_loaded(pilot)
        await pilot.press("n")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, NotesScreen) and screen.note_id == "activation"
        text = screen.query_one("#note", Markdown).source
        assert "1/(1+e⁻ᵘ)" in text and "\\frac" not in text and "$" not in text
        links = screen.query_one("#links", OptionList)
        ids = [links.get_option_at_index(i).id for i in range(links.option_count)]
        links.focus()
        links.highlighted = ids.index("q:act-sigmoid-max")
        await pilot.press("enter")
        await pilot.pause()
        quiz = app.screen
        assert isinstance(quiz, QuizScreen) and [q.id for q in quiz.review.questions] == ["act-sigmoid-max"]


async def test_note_link_to_other_note_and_tree(tmp_path: Path) -> None:
    """A (note:ID) link switches the note; the topic tree opens notes with Enter."""
    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await wait_loaded(pilot)
        await pilot.press("n")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, NotesScreen)
        links = screen.query_one("#links", OptionList)
        links.focus()
        links.highlighted = 0
        await pilot.press("enter")
        await pilot.pause()
        assert screen.note_id == "cnn"
        screen.query_one("#topics").focus()
        await pilot.press("up", "enter")
        await pilot.pause()
        assert screen.note_id == "activation"
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, QuizScreen) and app.screen.review.total == 4


async def test_search_opens_results(tmp_path: Path) -> None:
    """'/' searches notes and questions; Enter opens the chosen hit."""
    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await wait_loaded(pilot)
        await pilot.press("slash")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        app.screen.query_one("#query", Input).value = "シグモイド"
        await settle(pilot)
        results = app.screen.query_one("#results", OptionList)
        assert results.option_count >= 2
        first = results.get_option_at_index(0).id or ""
        await pilot.press("enter", "enter")
        await pilot.pause()
        expected = NotesScreen if first.startswith("note:") else QuizScreen
        assert isinstance(app.screen, expected)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.query_one("#query", Input).has_focus, "typing reaches the search box again"
        app.screen.query_one("#query", Input).value = "存在しない語句"
        await settle(pilot)
        assert "見つかりませんでした" in str(app.screen.query_one("#count", Static).render())


async def test_three_question_mock_exam(tmp_path: Path) -> None:
    """Set up a 3-question exam, answer one, flag one, leave one blank, submit, read the area report."""
    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await wait_loaded(pilot)
        assert app.session is not None
        exam = await start_exam(pilot, 3)
        await pilot.press(*answer_keys(exam.items[0], True))
        await pilot.pause()
        assert exam.index == 1 and exam.answers[0]
        await pilot.press("ctrl+f", "pagedown")
        await pilot.pause()
        assert exam.flags == {1} and exam.index == 2
        assert "フラグ 1" in str(exam.query_one("#status", Static).render())
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert exam.index == 1
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert exam.index == 2
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        report = app.screen
        assert isinstance(report, ExamReportScreen)
        assert report.report.total.total == 3 and report.report.total.correct == 1
        assert report.report.unanswered == 2
        assert "総合  1/3 問正解" in str(report.query_one("#report", Static).render())
        stored = app.session.study.store.exams()
        assert stored[-1]["report"]["total"]["correct"] == 1
        assert len(app.session.study.store.answers()) == 3
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "学習済み 3 / 6 問" in str(app.screen.query_one("#summary", Static).render())


async def test_exam_setup_rejects_bad_count(tmp_path: Path) -> None:
    """A non-number count shows a Japanese message and does not start the exam."""
    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await wait_loaded(pilot)
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#count", Input).value = "abc"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExamSetupScreen)
        assert "整数" in str(app.screen.query_one("#minutes", Static).render())


async def test_stats_after_answers(tmp_path: Path) -> None:
    """Statistics show the answers given today in the overview and the heatmap."""
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_loaded(pilot)
        assert app.session is not None
        quiz = await open_quiz(pilot, "cnn-test18")
        await pilot.press(*answer_keys(quiz.item, True))
        await settle(pilot)
        await pilot.press("escape", "s")
        await settle(pilot)
        assert isinstance(app.screen, StatsScreen) and app.screen.stats is not None
        assert app.screen.stats.answers == 1
        assert app.screen.day_counts()[NOW.date()] == 1
        assert "学習済み 1" in str(app.screen.query_one("#overview", Static).render())


async def test_exam_date_dialog(tmp_path: Path) -> None:
    """'t' asks for the exam date; a bad date is explained, a good one updates the countdown."""
    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await wait_loaded(pilot)
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, ExamDateScreen)
        field = app.screen.query_one("#date", Input)
        field.value = "来年"
        await pilot.press("enter")
        await pilot.pause()
        assert "YYYY-MM-DD" in str(app.screen.query_one("#error", Static).render())
        field.value = "2026-12-05"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "あと 10 日" in str(app.screen.query_one("#summary", Static).render())


async def test_workbench_checks_each_line(tmp_path: Path) -> None:
    """The workbench marks a valid step ✓, a wrong step ✗ with a reason, and unreadable input '?'."""
    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await wait_loaded(pilot)
        await pilot.press("w")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, WorkbenchScreen)
        screen.query_one("#lines", TextArea).text = "(x + y)^2\n= x^2 + 2*x*y + y^2\n= x^2 + y^2\n= (x+"
        await pilot.press("ctrl+r")
        await settle(pilot)
        lines = str(screen.query_one("#results", Static).render()).splitlines()
        assert lines[1].startswith(" 2 ✓") and lines[2].startswith(" 3 ✗")
        assert "等しくありません" in lines[3] and lines[4].startswith(" 4 ?")


async def test_feedback_shows_verified_derivation(tmp_path: Path) -> None:
    """A question naming a derivation shows its SymPy-checked steps after answering (real bank)."""
    from eqprep.paths import content_root

    app = make_app(tmp_path, content=content_root())
    async with app.run_test() as pilot:
        await wait_loaded(pilot)
        assert app.session is not None
        question = next(q for q in app.session.bank.questions.values()
                        if q.derivation == "sigmoid-derivative" and q.kind == "choice")
        quiz = await open_quiz(pilot, question.id)
        await pilot.press(*answer_keys(quiz.item, True))
        await settle(pilot)
        shown = str(app.screen.query_one(".derivation", Static).render())
        assert shown.startswith("検証済みの導出") and "✓" in shown and "✗" not in shown


async def test_demos_help_and_theme(tmp_path: Path) -> None:
    """Demos and help open by key and close with Esc; ctrl+t switches to the light theme."""
    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await wait_loaded(pilot)
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, DemosScreen)
        await pilot.press("escape", "question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape", "ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and app.theme == "textual-light"


async def test_load_error_is_shown_not_raised(tmp_path: Path) -> None:
    """Content with no questions gives a Japanese error on home, and keys do not crash."""
    empty = tmp_path / "empty"
    empty.mkdir()
    app = make_app(tmp_path / "data", content=empty)
    async with app.run_test() as pilot:
        await wait_loaded(pilot)
        summary = app.screen.query_one("#summary", Static)
        assert "エラー" in str(summary.render()) and summary.has_class("-error")
        await pilot.press("r", *type_keys("n"))
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_corrupt_store_is_reported(tmp_path: Path) -> None:
    """A damaged progress database becomes a message on home, and the file is left untouched."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "progress.db").write_bytes(b"not a database at all")
    app = make_app(data)
    async with app.run_test() as pilot:
        await wait_loaded(pilot)
        assert app.session is None and app.load_error
        assert "エラー" in str(app.screen.query_one("#summary", Static).render())
    assert (data / "progress.db").read_bytes() == b"not a database at all"


async def test_note_opens_verified_derivation(tmp_path: Path) -> None:
    """A note lists its derivations; opening one shows every step checked (real bank)."""
    from eqprep.maths.derivations import load_derivations
    from eqprep.paths import content_root
    from eqprep.tui.screens.derivation import DerivationScreen

    app = make_app(tmp_path, content=content_root())
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        assert app.session is not None
        derivation = next(d for d in load_derivations().values() if d.note in app.session.bank.notes)
        await app.push_screen(NotesScreen(app.session, derivation.note))
        await pilot.pause()
        links = app.screen.query_one("#links", OptionList)
        ids = [links.get_option_at_index(i).id for i in range(links.option_count)]
        links.focus()
        links.highlighted = ids.index(f"d:{derivation.id}")
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DerivationScreen)
        shown = str(screen.query_one("#derivation", Static).render())
        assert derivation.title in shown and shown.count("✓") == len(derivation.steps)


async def test_derivations_are_read_from_disk_once_per_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Opening notes again and again reuses the derivations the session loaded the first time."""
    from eqprep.maths import derivations
    from eqprep.paths import content_root

    loads = []
    real = derivations.load_derivations

    def counting(root: Path | None = None, errors: list[str] | None = None) -> dict[str, derivations.Derivation]:
        loads.append(root)
        return real(root, errors)

    monkeypatch.setattr(derivations, "load_derivations", counting)
    app = make_app(tmp_path, content=content_root())
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        assert app.session is not None
        note = next(d.note for d in app.session.derivations().values() if d.note in app.session.bank.notes)
        for _ in range(3):
            await app.push_screen(NotesScreen(app.session, note))
            await pilot.pause()
            links = app.screen.query_one("#links", OptionList)
            assert any(str(links.get_option_at_index(i).id).startswith("d:") for i in range(links.option_count))
            app.pop_screen()
            await pilot.pause()
    assert len(loads) == 1


async def test_partly_broken_content_still_loads(tmp_path: Path, content_copy: Path) -> None:
    """A broken question file is reported on home while the rest of the bank stays usable."""
    (content_copy / "questions" / "broken.toml").write_text("[[question]\nid = ", encoding="utf-8")
    app = make_app(tmp_path / "data", content=content_copy)
    async with app.run_test() as pilot:
        await wait_loaded(pilot)
        summary = str(app.screen.query_one("#summary", Static).render())
        assert "読み込めなかった内容: 1 件" in summary and "新規: 6 問" in summary


async def test_exam_time_limit_submits_automatically(tmp_path: Path) -> None:
    """When the time limit has passed, the next clock tick grades the paper; blanks count as unanswered."""
    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await wait_loaded(pilot)
        assert app.session is not None
        exam = await start_exam(pilot, 2)
        exam.exam.deadline -= exam.exam.minutes * 60 + 1
        exam.tick()
        await settle(pilot)
        report = app.screen
        assert isinstance(report, ExamReportScreen)
        assert report.report.unanswered == 2 and report.report.total.correct == 0
        assert [a.verdict for a in app.session.study.store.answers()] == ["unanswered", "unanswered"]


async def test_workbench_reports_an_internal_failure(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """If the step checker itself fails, the workbench says so instead of staying on 検査中."""
    import eqprep.tui.screens.workbench as workbench

    def broken(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    monkeypatch.setattr(workbench, "check_text", broken)
    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await wait_loaded(pilot)
        await pilot.press("w")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, WorkbenchScreen)
        screen.query_one("#lines", TextArea).text = "x\n= x"
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert "エラー" in str(screen.query_one("#results", Static).render())


async def test_exam_ratings_ignore_time_and_stay_out_of_the_timing_history(tmp_path: Path) -> None:
    """Regression: the TUI exam recorded every answer with response_ms=0, so correct answers were rated Easy and
    the zero rows dragged the timing median down until ordinary drill answers were rated Hard."""
    from eqprep.quiz import Verdict

    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await wait_loaded(pilot)
        assert app.session is not None
        study = app.session.study
        exam = await start_exam(pilot, 2)
        for item in exam.items:
            for _ in range(3):
                study.record(item, Verdict("correct", "", ""), "x", 60_000)
        for item in exam.items:
            await pilot.press(*answer_keys(item, True))
            await pilot.pause()
        await pilot.press("ctrl+g")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ExamReportScreen) and app.screen.report.total.correct == 2
        [stored] = study.store.exams()
        recorded = study.store.answers(exam_id=stored["id"])
        assert [(r.verdict, r.rating) for r in recorded] == [("correct", 3)] * 2
        assert study.store.correct_times([item.question.id for item in exam.items], 50) == [60_000] * 6
