"""Reading: Japanese line breaking, plain-text snippets, search without raw markup or answers, Anki text."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len

from eqprep.bank import load_bank
from eqprep.bank.model import Bank
from eqprep.bank.search import search
from eqprep.render.math import NBSP, render_markdown
from eqprep.render.text import cut, plain_text
from eqprep.render.wrap import break_points, divide_line

READING = Path(__file__).parent / "fixtures" / "reading"


def lines(text: str, width: int) -> list[str]:
    """`text` wrapped by our divide_line."""
    cuts = [0, *divide_line(text, width), len(text)]
    return [text[a:b] for a, b in zip(cuts, cuts[1:], strict=False)]


def test_japanese_fills_lines_and_keeps_latin_words_and_formulas_whole() -> None:
    """The issue's cases: no early break after `上位 k`, never `Moment`/`um`, never inside `OH = (H + 2P − FH)`."""
    text = render_markdown("データを上位 $k$ 個の主成分に射影すると、Momentum法は過去の勾配を指数移動平均として蓄積し、"
                           "出力サイズは $OH = (H + 2P - FH)/S + 1$ で求まる。")
    wrapped = lines(text, 30)
    assert wrapped[0].startswith("データを上位 k 個の"), "`k 個` stays together"
    assert all(len(line.rstrip()) >= 12 for line in wrapped[:3]), f"prose lines are filled: {wrapped}"
    joined = "|".join(wrapped)
    assert "Moment|" not in joined and "Momentum" in joined.replace("|", "")
    formula = "OH" + NBSP + "=" + NBSP + "(H" + NBSP + "+" + NBSP + "2P" + NBSP + "-" + NBSP + "FH)/S"
    assert any(formula in line for line in wrapped), "the formula is on one line"
    markdown_like = lines(text.replace(NBSP, " "), 30)  # Markdown widgets turn no-break spaces into spaces
    assert any(formula.replace(NBSP, " ") in line for line in markdown_like), "spaced operators never break"


def test_a_formula_with_a_sum_stays_whole_also_with_plain_spaces() -> None:
    """`∑ₖ (∂z)/(∂tₖ)…` is one formula: the space after a subscript is not a break when maths follows (the backprop
    note broke after ∑ₖ in the Markdown view)."""
    text = render_markdown("変数が複数の経路で $z$ に影響する場合は、経路ごとの積を足し合わせます: "
                           "$\\frac{\\partial z}{\\partial x} = \\sum_k \\frac{\\partial z}{\\partial t_k}"
                           "\\frac{\\partial t_k}{\\partial x}$。").replace(NBSP, " ")
    formula = "(∂z)/(∂x) = ∑ₖ (∂z)/(∂tₖ)(∂tₖ)/(∂x)"
    for width in (40, 60, 80):
        assert any(formula in line for line in lines(text, width)), (width, lines(text, width))
    assert break_points("xᵀ W + b") == (), "no break inside xᵀ W"
    assert break_points("soft max と ReLU") != (), "ordinary English words still break"


def test_english_prose_wraps_at_spaces() -> None:
    """Plain English keeps breaking between words, never inside one."""
    assert lines("The quick brown fox jumps over the lazy dog.", 20) == ["The quick brown fox ", "jumps over the lazy ",
                                                                       "dog."]


def test_a_phrase_too_wide_for_the_line_breaks_at_its_space_not_inside_a_word() -> None:
    """BudouX keeps 「ニューラルネット Playground」 (or a ・ list of names) as one phrase: it breaks between words."""
    assert lines("ニューラルネット Playground", 20) == ["ニューラルネット ", "Playground"]
    assert lines("SGD・Momentum・Adadelta・Adam の軌跡", 28) == ["SGD・Momentum・Adadelta・", "Adam の軌跡"]
    assert lines("Backpropagation", 6) == ["Backpr", "opagat", "ion"], "a word wider than the line is still cut"
    status = "一時停止: エポック 000,107  訓練損失 0.028  テスト損失 0.037"
    assert lines(status, 50) == ["一時停止: エポック 000,107  訓練損失 0.028  ", "テスト損失 0.037"], "fields stay whole"


def test_textual_content_uses_the_phrase_wrapper() -> None:
    """Importing the app installs our divide_line into Textual's Content wrapping."""
    import textual.content

    import eqprep.tui.app  # noqa: F401

    assert textual.content.divide_line is divide_line


def test_plain_text_drops_markdown_latex_placeholders_and_blanks() -> None:
    """Links keep their label, maths becomes Unicode, template fields become □, code blanks a visible gap."""
    text = plain_text("[出力層](note:output-layer) の **σ** は $$ \\sigma(u) = \\frac{1}{1+e^{-u}} $$ で、"
                      "形は ({N}, {C}, {H}) と `x[{blank}]`、u = {u:.1f}", ("N", "C", "H"))
    assert "出力層の σ は σ(u)" in text and "1/(1+e⁻ᵘ)" in text.replace(NBSP, " ")
    assert "(□, □, □)" in text and "x[＿＿]" in text and "u = □" in text
    for raw in ("](", "$", "\\", "**", "`", "{"):
        assert raw not in text


def test_cut_stops_at_a_phrase_boundary() -> None:
    """An excerpt ends between phrases and says where text was left out."""
    text = plain_text("誤差逆伝播では出力側から入力側へ向かって各層の局所的な微分を掛け合わせるので、勾配が小さくなります。")
    excerpt = cut(text, 30, start=6)
    assert excerpt.startswith("…") and excerpt.endswith("…")
    assert excerpt[1:-1] in text and len(excerpt) <= 16


def test_search_snippets_are_plain_text_and_never_show_the_answer() -> None:
    """A match only in the explanation shows the prompt, not the explanation (which holds the answer)."""
    bank = load_bank(READING)
    [hit] = [h for h in search(bank, "9.5") if h.kind == "question"]
    assert hit.id == "read-long-explanation"
    assert "9.5" not in hit.snippet and hit.snippet.startswith("データを上位 k 個")
    for h in search(bank, "softmax"):
        assert not any(raw in h.snippet + h.title for raw in ("$", "\\", "](", "{"))


def test_search_command_accepts_content(capsys: pytest.CaptureFixture[str]) -> None:
    """`eqprep search --content PATH` searches that content tree."""
    from eqprep.cli import main

    assert main(["search", "Momentum", "--content", str(READING)]) == 0
    out = capsys.readouterr().out
    assert "read-long-explanation" in out and "$" not in out


def test_anki_cards_have_no_template_blanks_or_backticks(shipped_bank: Bank) -> None:
    """Code cards show the blank as a gap and code as <code>, never `{blank}` or Markdown backticks."""
    from eqprep.study.anki import card_fields

    bank = shipped_bank
    for question in bank.questions.values():
        if question.kind == "code_choice" or "`" in question.explanation:
            front, back = card_fields(bank, question)
            assert "{blank}" not in front and "`" not in front + back, question.id


def test_line_break_inside_japanese_prose_is_not_a_space() -> None:
    """A source line break between Japanese characters joins the lines (no stray space mid-sentence)."""
    assert render_markdown("計算なので、\n形状の読み方。\n\n- 項目\n- 次") == "計算なので、形状の読み方。\n\n- 項目\n- 次"


def test_anki_math_uses_the_renderers_delimiters() -> None:
    """The export reads `$`/`$$` as the terminal renderer does: an escaped dollar is a dollar, not math."""
    from eqprep.study.anki import to_html

    assert to_html(r"価格 \$5 と $x^2$、[リンク](note:cnn)") == r"価格 $5 と \(x^2\)、リンク"
    assert to_html("$$a = b$$") == r"\[a = b\]"


@pytest.mark.parametrize("width", [0, 1, 2, 3])
def test_very_narrow_lines_end_and_keep_every_character(width: int) -> None:
    """A squeezed table column: Japanese (two cells a character) at 0-3 cells. This used to loop for ever at width 1."""
    text = "加算 z = x + y のとき勾配をそのまま流す"
    pieces = lines(text, width)
    assert "".join(pieces) == text
    assert all(cell_len(piece.rstrip()) <= max(width, 2) for piece in pieces)
