"""TUI: a 大問 shown as one unit (passage and code above, 小問 below), a 3-set mock exam and its review, a snapshot."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Markdown, OptionList, Static

from eqprep.render.math import render_markdown
from eqprep.tui.screens.dialogs import ConfirmScreen
from eqprep.tui.screens.exam import ExamReportScreen
from eqprep.tui.widgets.code import CodeBlock
from eqprep.tui.widgets.question import QuestionView
from eqprep.tui.widgets.set_view import SetView
from tests.test_sets import CODE_SET, COMBINATION_SET
from tests.tui_support import FIXTURE_CONTENT, answer_keys, make_app, open_quiz, settle, start_exam, wait_loaded

pytestmark = pytest.mark.tui

PASSAGE_SET = '''
[[set]]
id = "set-pool"
topic = "cnn"
tags = ["3-4-1"]
title = "プーリング"
passage = "4×4 の特徴マップに 2×2、ストライド 2 の最大値プーリングをかける。"

[[set.question]]
id = "set-pool-size"
kind = "numeric"
prompt = "出力の一辺はいくつか。"
answer = 2
formula = "(4 - 2)//2 + 1"
explanation = "(4 − 2)/2 + 1 = 2。"
mistakes = [
  { name = "ストライドで割り忘れた", formula = "(4 - 2) + 1" },
  { name = "+1 を忘れた", formula = "(4 - 2)//2" },
  { name = "入力をそのまま割った", formula = "4 * 4 // 2" },
]

[[set.question]]
id = "set-pool-wrong"
kind = "choice"
prompt = "最大値プーリングについて**誤っているもの**を選べ。"
choices = ["学習するパラメータを持たない", "チャネルごとに独立に計算する", "小さな位置ずれに頑健になる", "チャネル数を半分にする"]
answer = ["チャネル数を半分にする"]
explanation = "プーリングは縦横だけを縮め、チャネル数は変えません。"
'''
SET_QUESTIONS = 6


def set_content(tmp_path: Path) -> Path:
    """The fixture content plus three sets: a two-blank code set, a combination set and a passage set."""
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    (root / "sets").mkdir()
    combination = COMBINATION_SET + '''
[[set.question]]
id = "set-shapes-rank"
kind = "choice"
prompt = "$m < n$ のとき $W$ の階数 (rank) の最大値はどれか。"
choices = ["$m$", "$n$", "$m + n$", "$mn$"]
answer = ["$m$"]
explanation = "階数は行数と列数の小さいほう以下です。"
'''
    (root / "sets" / "sets.toml").write_text(CODE_SET + combination + PASSAGE_SET, encoding="utf-8")
    return root


async def test_three_set_mock_exam_and_review(tmp_path: Path) -> None:
    """Sit a paper made of three sets: material above each 小問, tabs follow, review lists every 小問."""
    app = make_app(tmp_path / "data", set_content(tmp_path))
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_loaded(pilot)
        assert app.session is not None and len(app.session.bank.sets) == 3
        exam = await start_exam(pilot, SET_QUESTIONS)
        groups = [item.question.group.id for item in exam.items if item.question.group]
        assert len(groups) == SET_QUESTIONS and len(set(groups)) == 3
        assert groups == sorted(groups, key=groups.index), "each set's 小問 are together"
        for index, item in enumerate(exam.items):
            view = exam.query_one(SetView)
            assert view.qset is item.question.group and view.current == view.numbers.index(index + 1)
            assert exam.query_one("#question", QuestionView).item is item
            if item.question.group.passage:  # type: ignore[union-attr]
                shown = render_markdown(item.question.group.passage.strip())  # type: ignore[union-attr]
                assert view.query_one(".passage", Markdown).source == shown
            if item.question.group.code:  # type: ignore[union-attr]
                assert "(あ)" in str(view.query_one(".set-code", CodeBlock).render())
            # every 小問 right except the last one, which stays blank
            if index < SET_QUESTIONS - 1:
                await pilot.press(*answer_keys(item, True))
            else:
                await pilot.press("pagedown")
            await pilot.pause()
        await pilot.press("pageup")
        await pilot.pause()
        tabs = str(exam.query_one(".set-tabs", Static).render())
        assert f"問{SET_QUESTIONS - 1}◯" in tabs and f"問{SET_QUESTIONS}" in tabs
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        report = app.screen
        assert isinstance(report, ExamReportScreen)
        assert (report.report.total.correct, report.report.total.total) == (SET_QUESTIONS - 1, SET_QUESTIONS)
        review = report.query_one("#review", OptionList)  # one row per 小問, the missed one marked
        rows = [str(review.get_option_at_index(i).prompt) for i in range(review.option_count)]
        assert len(rows) == SET_QUESTIONS and all("大問" in row for row in rows)
        assert "―" in rows[-1] and all("◯" in row for row in rows[:-1])
        assert len(app.session.study.store.answers()) == SET_QUESTIONS


async def test_set_question_in_a_drill_shows_the_material(tmp_path: Path) -> None:
    """Scheduled per 小問: a drill on one 小問 still shows its set's passage and code, never the other keys."""
    app = make_app(tmp_path / "data", set_content(tmp_path))
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_loaded(pilot)
        quiz = await open_quiz(pilot, "set-relu-back")
        view = quiz.query_one(SetView)
        assert view.current == 1 and view.numbers == [1, 2]
        code = str(view.query_one(".set-code", CodeBlock).render())
        assert "self.mask = (あ)" in code and "dout[self.mask] = (い)" in code
        assert "x <= 0" not in code, "the other 小問's key is not shown"


def test_set_snapshot_80x24(tmp_path: Path, snap_compare: Any) -> None:
    """A code set's second 小問 at 80×24: title, 小問 tabs, passage and the listing with (あ) (い), then the 小問."""

    async def ask(pilot: Pilot[int]) -> None:
        await wait_loaded(pilot)
        await open_quiz(pilot, "set-relu-back", "ドリル")

    app = make_app(tmp_path / "data", set_content(tmp_path))
    assert snap_compare(app, run_before=ask, terminal_size=(80, 24))
