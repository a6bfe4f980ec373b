"""The navigation table: every entry opens by its key and is listed in home, help and the palette; screens ask
the app to navigate (typed messages) and the back stack stays bounded."""

from __future__ import annotations

import re
from pathlib import Path

from textual.command import CommandPalette
from textual.screen import Screen
from textual.widgets import Input, Static

from eqprep.paths import content_root
from eqprep.quiz import Verdict, make_item
from eqprep.tui.app import MAX_DEPTH, EqprepApp
from eqprep.tui.messages import Ask, OpenNote, OpenScreen
from eqprep.tui.screens import registry
from eqprep.tui.screens.demos import DemosScreen
from eqprep.tui.screens.dialogs import ExamDateScreen
from eqprep.tui.screens.exam import ExamSetupScreen
from eqprep.tui.screens.held import HeldScreen
from eqprep.tui.screens.help import HelpScreen, help_text
from eqprep.tui.screens.home import HomeScreen, menu_text
from eqprep.tui.screens.notes import NotesScreen
from eqprep.tui.screens.quiz import QuizScreen
from eqprep.tui.screens.search import SearchScreen
from eqprep.tui.screens.stats import StatsScreen
from eqprep.tui.screens.workbench import WorkbenchScreen
from tests.tui_support import answer_keys, input_ready, make_app, settle, type_keys, wait_loaded

# What each entry opens; None: it acts without a screen. Keyed by the table, so a new entry fails until added.
OPENS: dict[str, type[Screen[object]] | None] = {
    "review": QuizScreen, "weak": QuizScreen, "notes": NotesScreen, "search": SearchScreen,
    "exam": ExamSetupScreen, "stats": StatsScreen, "workbench": WorkbenchScreen, "demos": DemosScreen,
    "pytorch": QuizScreen, "framework": None, "exam_date": ExamDateScreen, "held": HeldScreen, "help": HelpScreen,
}
CYCLES = 10  # 30 screens opened; a 100-round run behaves the same (depth stays at MAX_DEPTH) but takes minutes


def test_table_is_complete_and_unambiguous() -> None:
    """Every entry has an expectation here, and no two entries share a name or a key."""
    assert set(OPENS) == set(registry.BY_NAME)
    keys = [d.key for d in registry.DESTINATIONS]
    assert len(keys) == len(set(keys)) and len(registry.BY_NAME) == len(registry.DESTINATIONS)


def test_home_help_and_bindings_come_from_the_table() -> None:
    """Home's menu and help list every entry with its key; home and the app bind every key to that entry."""
    menu, helped = menu_text(), help_text()
    home_keys = {b.key: b.action for b in HomeScreen.BINDINGS}  # type: ignore[union-attr]
    app_keys = {b.key: b.action for b in EqprepApp.BINDINGS}  # type: ignore[union-attr]
    for d in registry.DESTINATIONS:
        assert f" {d.key:<2} {d.title}" in menu
        assert re.search(rf"^  {re.escape(d.key)} +{re.escape(f'{d.title} ─ {d.help}')}$", helped, re.MULTILINE)
        bound = app_keys if d.everywhere else home_keys
        assert bound[d.key] == f"app.open_screen('{d.name}')"
    assert "p " in menu and "PyTorch ドリル" in menu and "f " in menu


async def test_every_entry_opens_by_its_key(tmp_path: Path) -> None:
    """From home, each entry's key opens its screen (the real bank, one answer recorded so weak spots exist)."""
    app = make_app(tmp_path, content=content_root())
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        assert app.session is not None
        study = app.session.study
        question = min(app.session.bank.questions.values(), key=lambda q: q.id)
        item = make_item(question, 1)
        study.record(item, Verdict("wrong", "", ""), "x", 5_000)
        for d in registry.DESTINATIONS:
            assert isinstance(app.screen, HomeScreen), d.name
            before = study.framework
            await pilot.press(*type_keys(d.key))
            await settle(pilot)
            expected = OPENS[d.name]
            if expected is None:
                assert isinstance(app.screen, HomeScreen) and study.framework == "none" != before
                assert f"{d.title} (なし)" in str(app.screen.query_one("#menu", Static).render())
                await pilot.press(*type_keys(d.key))
                await settle(pilot)
                assert study.framework == before
                continue
            screen = app.screen
            assert type(screen) is expected, d.name
            if d.name == "weak":
                assert isinstance(screen, QuizScreen) and question.id in [q.id for q in screen.review.questions]
            if d.name == "pytorch":
                assert isinstance(screen, QuizScreen) and screen.review.questions
                assert all(q.framework == "pytorch" for q in screen.review.questions)
            await pilot.press("escape")
            await settle(pilot)
        assert isinstance(app.screen, HomeScreen) and app.return_code is None


async def test_palette_lists_every_entry_and_opens_it(tmp_path: Path) -> None:
    """The palette offers every entry (with its key in the help line); choosing one by typing opens it."""
    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await wait_loaded(pilot)
        commands = {c.title: c.help for c in app.get_system_commands(app.screen)}
        for d in registry.DESTINATIONS:
            assert d.title in commands and d.help in commands[d.title] and d.key in commands[d.title]
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        app.screen.query_one("CommandInput", Input).value = "統計"
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StatsScreen) and app.depth() == 1


async def test_help_opens_everywhere_and_lists_the_table(tmp_path: Path) -> None:
    """`?` is bound on the app: it opens help from a note too, and the help shows every entry."""
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 40)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        shown = str(app.screen.query_one(Static).render())
        assert all(d.title in shown and d.help in shown for d in registry.DESTINATIONS)


async def test_screens_navigate_through_the_app_and_back_keeps_the_quiz(tmp_path: Path) -> None:
    """Notes → quiz (q) → answer → note (g) → Esc returns to the same, unfinished quiz."""
    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await wait_loaded(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, NotesScreen) and app.screen.note_id == "activation"
        await pilot.press("q")
        await settle(pilot)
        quiz = app.screen
        assert isinstance(quiz, QuizScreen) and len(quiz.review.questions) > 1 and quiz.item is not None
        await input_ready(pilot)
        await pilot.press(*answer_keys(quiz.item, True))
        await settle(pilot)
        assert quiz.state == "graded"
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, NotesScreen) and app.depth() == 3
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is quiz and quiz.state == "graded"


async def test_same_kind_replaces_the_top_screen(tmp_path: Path) -> None:
    """Opening notes from the palette while on notes replaces them instead of stacking a second list."""
    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await wait_loaded(pilot)
        app.open_screen("notes")
        await settle(pilot)
        first = app.screen
        app.screen.post_message(OpenNote("cnn"))
        await settle(pilot)
        assert isinstance(app.screen, NotesScreen) and app.screen is not first and app.screen.note_id == "cnn"
        assert app.depth() == 1


async def test_back_stack_stays_bounded(tmp_path: Path) -> None:
    """Notes → quiz → search → notes … round and round (CYCLES rounds, several times the bound): never more
    than MAX_DEPTH screens above home, and Esc gets home in MAX_DEPTH presses."""
    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await wait_loaded(pilot)
        assert app.session is not None
        question = app.session.bank.questions["act-sigmoid-max"]
        depths = []
        for _ in range(CYCLES):
            for message in (OpenNote("activation"), Ask([question], "テスト"), OpenScreen("search")):
                app.screen.post_message(message)
                await pilot.pause()
                depths.append(app.depth())
        await settle(pilot)
        assert max(depths) == MAX_DEPTH and len(app.screen_stack) == MAX_DEPTH + 2  # the default screen, home
        assert depths[:3] == [1, 2, 3]  # below the bound every screen is kept for Esc
        assert isinstance(app.screen, SearchScreen)
        for _ in range(MAX_DEPTH):
            await pilot.press("escape")
            await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_load_error_keeps_study_entries_closed(tmp_path: Path) -> None:
    """Without loaded data, study entries only explain; help and demos still open."""
    empty = tmp_path / "empty"
    empty.mkdir()
    app: EqprepApp = make_app(tmp_path / "data", content=empty)
    async with app.run_test() as pilot:
        await wait_loaded(pilot)
        for d in registry.DESTINATIONS:
            app.open_screen(d.name)
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen) == d.needs_study, d.name
            if not isinstance(app.screen, HomeScreen):
                app.pop_screen()
                await settle(pilot)


def test_screens_do_not_import_each_other() -> None:
    """Only the navigation table builds top-level screens; a screen module may use the table and modal dialogs."""
    import ast

    import eqprep.tui.screens as package

    allowed = {"registry", "dialogs"}
    for path in Path(package.__file__).parent.glob("*.py"):
        if path.stem in ("registry", "__init__"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
        imported |= {f"eqprep.tui.screens.{alias.name}" for node in ast.walk(tree)
                     if isinstance(node, ast.ImportFrom) and node.module == "eqprep.tui.screens" for alias in node.names}
        screens = {name.rsplit(".", 1)[1] for name in imported if name.startswith("eqprep.tui.screens.")}
        assert screens <= allowed, (path.name, screens - allowed)
