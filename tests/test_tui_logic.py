"""Unit tests of the TUI's Textual-free helpers: countdown, exam parsing, heatmap, note links, live feedback."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest

from eqprep.bank import load_bank
from eqprep.bank.search import question_prompt
from eqprep.quiz import make_item
from eqprep.tui.screens.exam import clock_text, parse_count
from eqprep.tui.screens.notes import grouped_notes, note_links, short_title
from eqprep.tui.session import countdown_text, parse_date
from eqprep.tui.widgets.heatmap import LEVELS, heatmap_content, level
from eqprep.tui.widgets.question import live_feedback
from tests.tui_support import FIXTURE_CONTENT

pytestmark = pytest.mark.tui


def test_countdown_text_cases() -> None:
    """Future, today, past and unset exam dates each get their own Japanese line."""
    exam = date(2027, 2, 20)
    assert "あと 3 日" in countdown_text(3, exam)
    assert "今日" in countdown_text(0, exam)
    assert "2 日前" in countdown_text(-2, exam)
    assert "未設定" in countdown_text(None, None)


def test_parse_date_and_count() -> None:
    """Dates must be ISO; exam counts must be whole numbers in range."""
    assert parse_date(" 2027-02-20 ") == date(2027, 2, 20)
    assert parse_date("2027/02/20") is None
    assert parse_count("3") == 3
    assert isinstance(parse_count("0"), str) and isinstance(parse_count("x"), str)


def test_clock_text() -> None:
    """Minutes and seconds, hours when needed, never negative."""
    assert clock_text(65) == "01:05"
    assert clock_text(3725) == "1:02:05"
    assert clock_text(-3) == "00:00"


def test_heatmap_levels_and_layout() -> None:
    """Seven weekday rows; a busy day gets a stronger colour than a quiet one."""
    today = date(2026, 11, 25)
    assert level(0) == 0 < level(1) < level(20) < level(100)
    content = heatmap_content(Counter({today: 40, today - timedelta(days=1): 2}), today, weeks=4)
    rows = content.plain.splitlines()
    assert [row[0] for row in rows[:7]] == list("月火水木金土日")
    styles = {str(span.style) for span in content.spans}
    assert LEVELS[4] in styles and LEVELS[1] in styles


def test_note_links_and_tree_order() -> None:
    """Links in a note come first (only existing targets), then the note's other questions."""
    bank = load_bank(FIXTURE_CONTENT)
    links = note_links(bank, bank.notes["activation"])
    assert links[0][:2] == ("note", "cnn") and links[1][:2] == ("q", "act-sigmoid-max")
    linked_questions = [target for kind, target, _ in links if kind == "q"]
    assert sorted(linked_questions) == sorted(q.id for q in bank.questions_for("activation"))
    assert [n.id for n in grouped_notes(bank)["深層学習"]] == ["activation", "cnn"]
    assert short_title("活性化関数 (activation)") == "活性化関数"


def test_live_feedback_numeric() -> None:
    """Numeric input is read as numbers before grading; a wrong count is explained."""
    bank = load_bank(FIXTURE_CONTENT)
    item = make_item(bank.questions["cnn-test18"], seed=1)
    assert live_feedback(item, "1/4") == (True, "読み取り: 0.25")
    ok, message = live_feedback(item, "seven")
    assert not ok and message



def test_note_links_to_questions_say_what_the_question_asks() -> None:
    """A link labelled 問題 or ドリル, and the note's other questions, show the start of the prompt, never a raw id."""
    bank = load_bank(FIXTURE_CONTENT)
    links = note_links(bank, bank.notes["activation"])
    for kind, target, label in links:
        if kind == "q":
            assert target not in label, label
            assert question_prompt(bank.questions[target])[:6] in label, label
