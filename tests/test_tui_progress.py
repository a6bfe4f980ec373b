"""TUI: statistics off the UI thread, NO_COLOR on every screen, the dashboard filled from the stats worker."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from textual.widgets import Static

from eqprep.tui.app import SafeMonochrome
from eqprep.tui.screens.home import HomeScreen
from eqprep.tui.screens.stats import StatsScreen
from tests.tui_support import make_app, settle, wait_loaded

pytestmark = pytest.mark.tui

SCREENS = ("s", "m", "n", "/", "e", "w", "t", "question_mark", "r")


def screen_text(svg: str) -> str:
    """The characters of an exported SVG screenshot, row by row."""
    rows: dict[float, list[tuple[float, str]]] = {}
    for match in re.finditer(r'<text class="[^"]*" x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', svg):
        rows.setdefault(float(match[2]), []).append((float(match[1]), html.unescape(match[3])))
    return "\n".join("".join(text for _, text in sorted(rows[y])) for y in sorted(rows))


@pytest.mark.parametrize("key", SCREENS)
async def test_no_color_every_screen_renders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, key: str) -> None:
    """With NO_COLOR=1 each screen draws (plots included) without the stock monochrome filter crashing."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        assert any(isinstance(f, SafeMonochrome) for f in app.get_line_filters())
        await pilot.press(key)
        await settle(pilot)
        await pilot.pause(0.1)
        screenshot = app.export_screenshot()
        assert app.return_code is None and "Traceback" not in screenshot
        assert not isinstance(app.screen, HomeScreen), "the screen opened"
        text = screen_text(screenshot)
        assert not set("▊▎▔") & set(text), "no half-block frames: they read as stray blocks without colour"
        focused = app.focused
        if focused is not None and any(edge[0] for edge in focused.styles.border):
            assert any(edge[0] == "heavy" for edge in focused.styles.border), f"{focused} shows focus by line weight"


async def test_no_color_focus_moves_with_line_weight(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """NO_COLOR notes: the focused pane has a heavy ┃ edge (never █ blocks), and the edge moves with Tab."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("n")
        await settle(pilot)
        topics = app.screen.query_one("#topics")
        assert topics.has_focus and topics.styles.border_right[0] == "heavy"
        text = screen_text(app.export_screenshot())
        assert "┃" in text and "█" not in text
        await pilot.press("tab")
        await settle(pilot)
        assert app.focused is not None and app.focused.id == "note-scroll"
        assert app.focused.styles.border_left[0] == "heavy" and topics.styles.border_right[0] != "heavy"


async def test_stats_screen_shows_readiness_and_rules(tmp_path: Path) -> None:
    """The statistics screen explains how mastery and readiness are computed, and lists the four areas."""
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StatsScreen) and screen.stats is not None
        readiness = str(screen.query_one("#readiness", Static).render())
        assert all(area in readiness for area in ("応用数学", "機械学習", "深層学習", "開発環境"))
        texts = " ".join(str(s.render()) for s in screen.query(Static))
        assert "習熟度 =" in texts and "準備度" in texts
        topics = screen.query_one("#topics", Static)
        assert topics.size.width >= 70 and "│" not in str(topics.render()), "the topic table spans the screen"
        assert topics.size.height == len(str(topics.render()).splitlines()), "one line per topic, none wrapped"


def test_durations_read_in_japanese() -> None:
    """`1 分 12 秒`, never `1.2 分`."""
    from eqprep.render.text import duration_text

    assert duration_text(72) == "1 分 12 秒"
    assert duration_text(7200) == "2 時間" and duration_text(45) == "45 秒" and duration_text(3725) == "1 時間 2 分 5 秒"


def test_exam_date_suggestion_is_upcoming() -> None:
    """The example date is the next February/August sitting at least two weeks ahead, never a past date."""
    from datetime import date

    from eqprep.tui.screens.dialogs import suggested_exam_date

    assert suggested_exam_date(date(2026, 11, 25)) == date(2027, 2, 20)
    assert suggested_exam_date(date(2027, 2, 10)) == date(2027, 8, 20)
    assert suggested_exam_date(date(2026, 3, 1)) == date(2026, 8, 20)


async def test_past_exam_date_needs_a_second_enter(tmp_path: Path) -> None:
    """A past date is explained first and saved only when confirmed."""
    from textual.widgets import Input

    from eqprep.tui.screens.dialogs import ExamDateScreen

    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await wait_loaded(pilot)
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, ExamDateScreen)
        assert app.screen.query_one("#date", Input).placeholder == "2027-02-20"
        app.screen.query_one("#date", Input).value = "2026-02-21"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExamDateScreen)
        assert "過去の日付" in str(app.screen.query_one("#error", Static).render())
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_command_palette_is_japanese(tmp_path: Path) -> None:
    """The palette's own commands and prompt are Japanese; the footer calls it コマンド."""
    from textual.command import CommandPalette

    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await wait_loaded(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert {"終了", "テーマを選ぶ", "スクリーンショット", "統計"} <= set(titles)
        assert not {"Quit", "Keys", "Theme", "Screenshot"} & set(titles)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        from textual.widgets import Input

        assert "コマンドを検索" in app.screen.query_one("CommandInput", Input).placeholder


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_notes_list_shows_every_title_whole(tmp_path: Path, size: tuple[int, int]) -> None:
    """The topic list starts at its first area heading, and every shipped note's title is shown whole (long
    titles wrap onto a second line at a phrase boundary instead of being cut), at 80x24 and 120x40."""
    from textual.widgets import OptionList

    from eqprep.paths import content_root
    from eqprep.tui.screens.notes import NotesScreen, list_title

    app = make_app(tmp_path, content=content_root())
    async with app.run_test(size=size) as pilot:
        await wait_loaded(pilot)
        await pilot.press("n")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, NotesScreen)
        topics = screen.query_one("#topics", OptionList)
        assert topics.scroll_y == 0 and topics.has_focus
        assert "▼ 応用数学" in topics.render_line(0).text
        notes = [note for group in screen.groups.values() for note in group]
        assert len(notes) > 30
        wrapped = 0
        for note in notes:
            topics.highlighted = topics.get_option_index(note.id)
            await pilot.pause()
            lines = [topics.render_line(y).text.strip() for y in range(topics.scrollable_content_region.height)]
            shown = "".join(lines).replace(" ", "")
            assert list_title(note.title).replace(" ", "") in shown, note.title
            wrapped += not any(list_title(note.title) in line for line in lines)
            if "セグメンテーション" in note.title and size[0] == 80:
                assert "セマンティック・" in lines and "セグメンテーション" in lines, "wrapped between the words"
        assert wrapped <= 5, "only a few titles need a second line"
        assert list_title("畳み込みニューラルネットワーク (CNN)") == "畳み込み NN"


def footer_fits(app: object) -> list[str]:
    """Footer keys hidden under the right-docked palette key, or past the right edge (empty when all fit)."""
    from textual.widgets import Footer
    from textual.widgets._footer import FooterKey

    footer = app.screen.query_one(Footer)  # type: ignore[attr-defined]
    keys = list(footer.query(FooterKey))
    palette = [k for k in keys if k.description == "コマンド"]
    limit = palette[0].region.x if palette else footer.region.right
    return [k.description for k in keys if k not in palette and k.region.right > limit]


@pytest.mark.parametrize("keys", [(), ("r",), ("r", "1", "enter"), ("n",), ("slash",), ("s",), ("w",), ("m",),
                                  ("h",), ("exam",)])
async def test_footer_is_never_cut_at_80x24(tmp_path: Path, keys: tuple[str, ...]) -> None:
    """Every footer key is shown whole at 80x24 (the exam paper has the most keys)."""
    from tests.tui_support import start_exam

    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        if keys == ("exam",):
            await start_exam(pilot, 3)
        else:
            for key in keys:
                await pilot.press(key)
                await settle(pilot)
        await settle(pilot)
        assert footer_fits(app) == []


@pytest.mark.parametrize("keys", [("w",), ("slash",), ("m",), ("t",), ("e",)])
async def test_input_placeholders_are_never_cut_at_80x24(tmp_path: Path, keys: tuple[str, ...]) -> None:
    """Every text field's hint (placeholder) fits the field at 80x24, so no example is cut off mid-word."""
    from rich.cells import cell_len
    from textual.widgets import Input

    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        fields = list(app.screen.query(Input))
        assert fields, "the screen has text fields"
        cut = [f.placeholder for f in fields if f.placeholder and cell_len(f.placeholder) > f.content_size.width]
        if keys == ("m",):  # every demo has its own example settings
            from eqprep.tui.demo_series import settings_hint
            from eqprep.tui.screens.demos import DemosScreen

            screen = app.screen
            assert isinstance(screen, DemosScreen)
            width = screen.query_one("#demo-settings", Input).content_size.width
            cut += [hint for spec in screen.specs.values() if cell_len(hint := settings_hint(spec)) > width]
        assert cut == []


@pytest.mark.parametrize("note_id", ["backprop", "containers"])
async def test_note_tables_wrap_their_cells_instead_of_cutting_them(tmp_path: Path, note_id: str) -> None:
    """At 80x24 a wide table's cells wrap within their column: every character of every cell is on screen
    (Textual's tables cut a cell that does not fit, and a formula we keep whole never fits a narrow column)."""
    from textual.widgets import Markdown
    from textual.widgets._markdown import MarkdownTableCellContents

    from eqprep.paths import content_root
    from eqprep.tui.screens.notes import NotesScreen

    app = make_app(tmp_path, content=content_root())
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        assert app.session is not None
        await app.push_screen(NotesScreen(app.session, note_id))
        await settle(pilot)
        cells = list(app.screen.query_one("#note", Markdown).query(MarkdownTableCellContents))
        assert cells, "the note has a table"
        for cell in cells:
            shown = "".join(segment.text for strip in cell.render_lines(cell.content_region.reset_offset)
                            for segment in strip)
            text = str(cell.render())
            assert "".join(shown.split()) == "".join(text.split()), f"cell cut: {text!r} shown as {shown!r}"
