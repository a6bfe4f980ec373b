"""The TUI cleans what it draws: text that never went through the loader still reaches the terminal without
escape sequences or control characters (render.safe.clean_cells in the app's line filter)."""

from __future__ import annotations

from pathlib import Path

from rich.cells import cell_len
from rich.segment import Segment
from textual.color import Color

from eqprep.bank.model import ChoiceQuestion
from eqprep.render.safe import clean_cells
from eqprep.tui.app import SafeText
from eqprep.tui.screens.quiz import QuizScreen
from tests.tui_support import make_app, settle, wait_loaded

# window title (OSC 0), clipboard write (OSC 52), screen clear and cursor-up (CSI), C1 CSI, bell, bidi override
HOSTILE = "\x1b]0;pwned\x07\x1b]52;c;ZXZpbA==\x07\x1b[2J\x1b[1A\x9b31m\x07\u202e"
CONTROLS = ("\x1b", "\x07", "\x9b", "\u202e")


def _question() -> ChoiceQuestion:
    """A question built in code, so the loader never cleaned it."""
    return ChoiceQuestion(
        id="act-hostile", topic="activation", tags=("3-1-4",), path=Path("built-in-test.toml"),
        prompt=f"(あ) に入る関数はどれか。危険な問題文{HOSTILE}です。",
        explanation=f"解説の本文{HOSTILE}です。",
        choices=(f"シグモイド{HOSTILE}関数", "ReLU 関数", "tanh 関数", "恒等関数"),
        answer=frozenset({"ReLU 関数"}), shuffle=False,
    )


def _screen_text(app: object) -> str:
    """Every character the app's current screen would send to the terminal (after its line filters)."""
    screen = app.screen  # type: ignore[attr-defined]
    lines = screen._compositor.render_update(full=True).strips  # type: ignore[attr-defined]
    return "\n".join("".join(segment.text for segment in strip) for strip in lines)


def test_clean_cells_keeps_the_width_it_was_measured_with() -> None:
    for text in (f"前{HOSTILE}後", "\x1b]0;タイトル", "ok"):
        cleaned = clean_cells(text)
        assert not any(c in cleaned for c in CONTROLS) and cell_len(cleaned) == cell_len(text)
    assert SafeText().apply([Segment(f"a{HOSTILE}b"), Segment("plain")], Color(0, 0, 0))[1].text == "plain"


async def test_question_built_in_code_renders_without_control_characters(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_loaded(pilot)
        assert app.session is not None
        await app.push_screen(QuizScreen(app.session, [_question()], f"題名{HOSTILE}"))
        await settle(pilot)
        shown = _screen_text(app)
        assert "危険な問題文" in shown and "シグモイド" in shown
        assert not any(c in shown for c in CONTROLS), repr(shown[:200])
        await pilot.press("1", "enter")  # a wrong answer: the explanation is shown
        await settle(pilot)
        shown = _screen_text(app)
        assert "解説の本文" in shown and not any(c in shown for c in CONTROLS)


async def test_a_notification_renders_without_control_characters(tmp_path: Path) -> None:
    """Pop-ups carry text from outside too (an imported file's name, a setting's value): the same filter cleans them."""
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 40), notifications=True) as pilot:  # run_test turns pop-ups off by default
        await wait_loaded(pilot)
        app.notify(f"読み込めない設定{HOSTILE}です", title=f"設定{HOSTILE}", markup=False)
        shown = ""
        for _ in range(200):  # the rack mounts the pop-up a little later: wait until it is drawn, not for a time
            await pilot.pause()
            shown = _screen_text(app)
            if "読み込めない" in shown:
                break
        assert "読み込めない" in shown, "the pop-up is on screen"
        assert not any(c in shown for c in CONTROLS), repr(shown[-300:])
