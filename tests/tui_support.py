"""Shared helpers for the TUI tests: a deterministic app on the fixture content and key-driving utilities."""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input

from eqprep.bank.model import ChoiceQuestion, CodeChoiceQuestion, ExpressionQuestion
from eqprep.bank.params import format_value
from eqprep.quiz import Item
from eqprep.tui.app import EqprepApp
from eqprep.tui.screens.exam import ExamScreen, ExamSetupScreen
from eqprep.tui.screens.quiz import QuizScreen
from eqprep.tui.session import Config

FIXTURE_CONTENT = Path(__file__).parent / "fixtures" / "content"
NOW = datetime(2026, 11, 25, 3, 0, tzinfo=timezone.utc)
EXAM_DAY = date(2027, 2, 20)


def make_app(data_dir: Path, content: Path = FIXTURE_CONTENT, seed: int = 7) -> EqprepApp:
    """An app with injected content, data dir, fixed clock, seed and exam date; no SymPy warm-up."""
    config = Config(content_root=content, data_dir=str(data_dir), clock=lambda: NOW, seed=seed, exam_date=EXAM_DAY)
    return EqprepApp(config, warm_up=False)


async def settle(pilot: Pilot[int], rounds: int = 3) -> None:
    """Let workers finish and the UI process the messages they posted.

    Several rounds: a key press may start a worker only once its message is handled (Input.Submitted), and a
    worker's result may start another (grading, then the derivation check), so one round can return early
    on a loaded machine.
    """
    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def wait_loaded(pilot: Pilot[int]) -> None:
    """Wait until the background load posted its result."""
    app = pilot.app
    assert isinstance(app, EqprepApp)
    await settle(pilot)
    assert app.session is not None or app.load_error
    await pilot.pause()


async def open_quiz(pilot: Pilot[int], question_id: str, title: str = "テスト") -> QuizScreen:
    """Push a quiz on one question of the loaded bank and return it once its first item is shown."""
    app = pilot.app
    assert isinstance(app, EqprepApp) and app.session is not None
    await app.push_screen(QuizScreen(app.session, [app.session.bank.questions[question_id]], title))
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, QuizScreen) and screen.item is not None
    await input_ready(pilot)
    return screen


async def input_ready(pilot: Pilot[int], rounds: int = 200) -> None:
    """Wait until the answer field (if the question has one) has the focus, so typed keys reach it.

    The screen focuses it after the next refresh; on a loaded machine a key pressed earlier would go to the
    screen's bindings instead (digits pick options). This waits for a state, not for a time.
    """
    for _ in range(rounds):
        if all(field.has_focus for field in pilot.app.screen.query("#answer")):  # an Input or a TextArea
            return
        await pilot.pause()
    raise AssertionError("解答欄にフォーカスが移りませんでした")


async def start_exam(pilot: Pilot[int], count: int) -> ExamScreen:
    """From home, set up a mock exam of `count` questions and return the paper screen."""
    await pilot.press("e")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ExamSetupScreen)
    pilot.app.screen.query_one("#count", Input).value = str(count)
    await pilot.press("enter")
    await pilot.pause()
    exam = pilot.app.screen
    assert isinstance(exam, ExamScreen) and len(exam.items) == count
    await input_ready(pilot)
    return exam


def no_blink(pilot: Pilot[int]) -> None:
    """Stop cursor blinking in every input on screen (stable snapshots)."""
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False


def answer_keys(item: Item, right: bool) -> list[str]:
    """Keys that answer `item` correctly or wrongly, computed from the question data (options are toggled by number)."""
    q = item.question
    if isinstance(q, ChoiceQuestion | CodeChoiceQuestion):
        good = q.answer if isinstance(q, ChoiceQuestion) else {q.answer}
        picks = [i + 1 for i, c in enumerate(item.choices) if (c in good) == right]
        # right: every correct option (a multi-answer question needs all of them); wrong: one wrong option
        return [*(str(n) for n in (picks if right else picks[:1])), "enter"]
    if isinstance(q, ExpressionQuestion):
        text = q.answer if right else f"{q.answer} + 1"
        return [*type_keys(text), "enter"]
    if item.expected:
        value = item.expected[0] if right else item.expected[0] + 1
        return [*type_keys(format_value(value)), "enter"]
    return [*type_keys("same"), "ctrl+s"]  # self-graded: a multi-line area, sent with ctrl+s


def type_keys(text: str) -> list[str]:
    """Pilot key names for typing `text`."""
    names = {" ": "space", "+": "plus", "*": "asterisk", "(": "left_parenthesis", ")": "right_parenthesis",
             "/": "slash", ".": "full_stop", ",": "comma", "-": "minus", "^": "circumflex_accent",
             "?": "question_mark"}
    return [names.get(ch, ch) for ch in text]
