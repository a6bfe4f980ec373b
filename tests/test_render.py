"""LaTeX in notes and prompts becomes readable Unicode; nothing raw reaches the terminal."""

from __future__ import annotations

import pytest

from eqprep.bank.model import Bank
from eqprep.render.math import leftover_macros, math_spans, render_markdown, render_math
from eqprep.render.safe import clean_tree
from eqprep.render.text import plain_text


@pytest.mark.parametrize(
    ("latex", "expected"),
    [
        (r"\sigma(u) = \frac{1}{1+e^{-u}}", "σ(u) = 1/(1+e⁻ᵘ)"),
        (r"\sigma'(u) = \sigma(u)(1-\sigma(u))", "σ′(u) = σ(u)(1-σ(u))"),
        (r"W^\top x", "Wᵀ x"),
        (r"\max_u f(u)", "maxᵤ f(u)"),
        (r"1-\tanh^2(u)", "1-tanh²(u)"),
        (r"\tanh u", "tanh u"),
        (r"\log y_k", "log yₖ"),
        (r"\lfloor \frac{H+2P-K}{S} \rfloor + 1", "⌊(H+2P-K)/S ⌋ + 1"),
        (r"\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}", "[1, 2; 3, 4]"),
        (r"\mathrm{softmax}(a_k)", "softmax(aₖ)"),
        # issue 15: spaces around operators, Unicode subscripts or a readable fallback, functions kept apart
        (r"m \times n", "m × n"),
        (r"A \odot B", "A ⊙ B"),
        (r"\sigma(5) \approx 0.9933", "σ(5) ≈ 0.9933"),
        (r"\tanh'(u)", "tanh′(u)"),
        (r"-\sum_k t_k\log y_k", "-∑ₖ tₖ log yₖ"),
        (r"t\log \sigma", "t log σ"),
        (r"\lambda_n", "λₙ"),
        (r"C_{in}", "Cᵢₙ"),
        (r"D_{KL}(p, q)", "D_KL(p, q)"),
        (r"{}_nC_k", "ₙCₖ"),
        (r"h_{t-1}", "hₜ₋₁"),
        (r"x = -1", "x = -1"),
        (r"a+b", "a+b"),
        (r"\{0, 1\}", "{0, 1}"),
        (r"\sum_{i=1}^{n} x_i", "∑ᵢ₌₁ⁿ xᵢ"),
    ],
)
def test_render_math(latex: str, expected: str) -> None:
    assert render_math(latex) == expected
    assert leftover_macros(latex) == []


def test_unknown_macro_is_reported() -> None:
    [macro] = leftover_macros(r"\weird{x} + 1")
    assert macro.startswith("\\weird")


def test_markdown_inline_display_and_escaped_dollar() -> None:
    text = "値は $\\frac{1}{4}$ です。\n\n$$\nf(x)=\\begin{cases} x & (x>0) \\\\ 0 & (x \\le 0) \\end{cases}\n$$\n\n価格 \\$5"
    out = render_markdown(text)
    assert "¼" in out and "{ x, (x>0); 0, (x ≤ 0) }" in out and "$5" in out and "\\" not in out
    assert math_spans(text)[0].strip().startswith("f(x)")


def test_no_raw_latex_anywhere_in_the_shipped_bank(shipped_bank: Bank) -> None:
    bank = shipped_bank
    texts = [n.body for n in bank.notes.values()]
    texts += [t for q in bank.questions.values() for t in (q.prompt, q.explanation)]
    for text in texts:
        rendered = render_markdown(text)
        for marker in ("\\frac", "\\sigma", "\\sum", "\\begin", "\\partial", "\\mathrm"):
            assert marker not in rendered, rendered[:200]


def test_clean_tree_returns_a_clean_tree_as_it_is_and_rebuilds_only_a_dirty_one() -> None:
    """The one-scan path keeps the very same objects; any unsafe string anywhere is cleaned and reported."""
    clean_data = {"id": "q", "options": ["a", "b"], "nested": [{"text": "σ(u) = 1/(1+e^-u)"}], "n": 3}
    same, found = clean_tree(clean_data)
    assert same is clean_data and found == []
    dirty = {"id": "q", "options": ["a", "b\x1b]0;title\x07"], "nested": [{"text": "ok\u202e"}], "n": 3}
    cleaned, found = clean_tree(dirty)
    assert cleaned == {"id": "q", "options": ["a", "b"], "nested": [{"text": "ok"}], "n": 3}
    assert found == ["\\x1b]0;title\\x07", "\\u202e"]


@pytest.mark.parametrize(("source", "shown", "plain"), [
    ("記述として、**誤っているもの** を選べ。", "記述として、**誤っているもの**を選べ。", "記述として、誤っているものを選べ。"),
    ("重みの **分散** の組み合わせ", "重みの**分散**の組み合わせ", "重みの分散の組み合わせ"),
    ("次の **「A」** を選べ", "次の「**A**」を選べ", "次の「A」を選べ"),
    ("**ReLU** と **sigmoid**", "**ReLU** と **sigmoid**", "ReLU と sigmoid"),
    ("層の **出力 y** を", "層の**出力 y** を", "層の出力 y を"),
    ("[勾配降下法](note:gd) には、誤差", "[勾配降下法](note:gd)には、誤差", "勾配降下法には、誤差"),
    ("なので、\n[勾配降下法](note:gd) で", "なので、[勾配降下法](note:gd)で", "なので、勾配降下法で"),
    ("see [ReLU](note:act) と", "see [ReLU](note:act) と", "see ReLU と"),
])
def test_bold_next_to_japanese_has_no_stray_space(source: str, shown: str, plain: str) -> None:
    """`**誤っているもの** を` and `[勾配降下法](note:…) には` lose the gap (the bold still parses as bold); Latin next to
    Japanese keeps its space, and a line break before a Japanese link is not a space either."""
    from markdown_it import MarkdownIt

    assert render_markdown(source) == shown
    assert plain_text(source) == plain
    html = MarkdownIt().renderInline(shown)
    assert html.count("<strong>") == source.count("**") // 2, "every bold is still bold"
