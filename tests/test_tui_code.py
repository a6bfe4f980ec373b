"""Code listings fold long lines under their own indentation (↪), never back to column 0."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.highlight import highlight

from eqprep.paths import content_root
from eqprep.tui.screens.quiz import QuizScreen
from eqprep.tui.widgets.code import CONTINUATION, CodeBlock, fold_code_line
from tests.tui_support import make_app, wait_loaded

pytestmark = pytest.mark.tui

LONG = ("        windows = x.reshape(H // 2, 2, W // 2, 2).transpose(0, 2, 1, 3).reshape(H // 2, W // 2, 4)"
        "  # 窓ごとに並べる")


@pytest.mark.parametrize("width", [20, 40, 60, 74])
def test_a_long_line_folds_under_its_indentation(width: int) -> None:
    """Every piece fits; continuations start four past the line's indentation with ↪; no character is lost."""
    [line] = highlight(LONG, language="python").split("\n")
    pieces = fold_code_line(line, width)
    assert len(pieces) > 1 and all(piece.cell_length <= width for piece in pieces)
    assert pieces[0].plain.startswith("        windows")
    hang = " " * min(12, width - len(CONTINUATION) - 12)
    assert all(piece.plain.startswith(hang + CONTINUATION) for piece in pieces[1:])
    rejoined = "".join(piece.plain.removeprefix(hang + CONTINUATION) for piece in pieces)
    assert rejoined.replace(" ", "") == LONG.replace(" ", "")


def test_a_short_line_is_left_alone() -> None:
    [line] = highlight("    return x", language="python").split("\n")
    assert fold_code_line(line, 40) == [line]


async def test_listing_at_80_columns_has_no_line_at_column_zero(tmp_path: Path) -> None:
    """A shipped question with a 116-column line: at 80x24 the listing fits and its continuation is indented."""
    app = make_app(tmp_path, content=content_root())
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        assert app.session is not None
        await app.push_screen(QuizScreen(app.session, [app.session.bank.questions["pt-batchnorm2d-axes"]], "テスト"))
        await pilot.pause()
        block = app.screen.query_one(CodeBlock)
        width = block.content_size.width
        shown = str(block.render()).split("\n")
        assert 40 < width < 80 and all(cell_len(row) <= width for row in shown)
        continued = [row for row in shown if CONTINUATION in row]
        assert continued and all(row.startswith("    ") for row in continued)
        assert block.size.height == len(shown), "the block is as tall as its folded lines"
