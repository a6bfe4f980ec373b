"""Safe parser: how input is read, Japanese errors with positions and suggestions, and hostile input."""

from __future__ import annotations

import pytest

from eqprep.maths.display import to_text
from eqprep.maths.grammar import MAX_DEPTH, FormulaError, parse_expression, parse_line
from eqprep.maths.names import Vocabulary
from eqprep.maths.parse import preview

VARS = ["x", "y", "u", "n", "beta1", "sigma", "mu", "epsilon"]
FUNCS = ["sigmoid"]


@pytest.mark.parametrize(
    ("text", "display"),
    [
        ("2(x+y)", "2·(x + y)"),
        ("2x+2y", "2·x + 2·y"),
        ("e^(-u)", "e⁻ᵘ"),
        ("e^-u", "e⁻ᵘ"),
        ("x^2", "x²"),
        ("x**2", "x²"),
        ("-x^2", "−x²"),
        ("1/2x", "(1/2)·x"),
        ("2^3^2", "2^(3²)"),
        ("sqrt(2/n)", "sqrt(2/n)"),
        ("beta1*x", "β₁·x"),
        ("β1 x", "β₁·x"),
        ("(x - mu)/sqrt(sigma^2 + epsilon)", "(x − μ)/sqrt(σ² + ε)"),
        ("x(1-x)", "x·(1 − x)"),
        ("xy", "x·y"),
        ("a - (b - c)".replace("a", "x").replace("b", "y").replace("c", "u"), "x − (y − u)"),
        ("exp(-u)/(1+exp(-u))^2", "exp(−u)/(1 + exp(−u))²"),
    ],
)
def test_display_shows_reading(text: str, display: str) -> None:
    """The preview renders how the input was read, in Unicode."""
    result = preview(text, VARS, FUNCS)
    assert result.ok, result.message
    assert result.display == display


@pytest.mark.parametrize(
    ("text", "position", "fragment"),
    [
        ("sigmod(u)", 1, "sigmod → sigmoid ですか?"),
        ("x + In(x)", 5, "In → ln ですか?"),
        ("2*(x+y", 3, "')' がありません"),
        ("x+y)", 4, "'(' のない ')'"),
        ("2x+", 4, "'+' の後に"),
        ("sin x", 1, "'(' が必要"),
        ("x.real", 2, "属性アクセス"),
        ("[x]", 1, "'(' を使って"),
        ("x 2", 3, "演算子がありません"),
        ("()", 2, "空の括弧"),
        ("2^10^10", 2, "指数が大きすぎます"),
        ("x $ y", 3, "使えない文字"),
        ("z", 1, "使える変数"),
        ("sigmoid(u, u)", 1, "引数は 1 個"),
    ],
)
def test_errors_are_japanese_with_position(text: str, position: int, fragment: str) -> None:
    """Errors name the 1-based position and what was expected or meant."""
    result = preview(text, VARS, FUNCS)
    assert not result.ok and result.display == ""
    assert result.message.startswith(f"{position}文字目: "), result.message
    assert fragment in result.message


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('echo hacked')",
        "().__class__.__bases__[0].__subclasses__()",
        "eval('1')",
        "exec('x=1')",
        "open('/etc/passwd')",
        "lambda: 1",
        "x if y else u",
        "[x for x in y]",
        "getattr(x, 'y')",
        "x; import os",
        "2**10**10",
        "((9**9)**9999)**9999",
        "x^(y*10^10)",
        "(" * 10_000 + "x" + ")" * 10_000,
        "-" * 10_000 + "x",
        "x" * 1_000_000,
        "1" * 50,
        "exp(exp(exp(exp(10))))^(2^(exp(100)))",
    ],
)
def test_hostile_input_is_rejected_quickly(text: str) -> None:
    """Code, attribute access, huge powers, deep nesting and 1 MB strings are errors, not actions."""
    result = preview(text, VARS, FUNCS)
    assert not result.ok
    assert result.message


def test_preview_lists_variables_used() -> None:
    """Like STACK, the preview lists the variables it found so slips are visible."""
    assert preview("2xy + u", VARS).variables == ("u", "x", "y")


def test_nesting_limit_is_exact() -> None:
    """Exactly MAX_DEPTH parentheses are fine; one more is an error."""
    ok = "(" * (MAX_DEPTH - 2) + "x" + ")" * (MAX_DEPTH - 2)
    assert preview(ok, VARS).ok
    deep = "(" * (MAX_DEPTH + 1) + "x" + ")" * (MAX_DEPTH + 1)
    assert "深すぎます" in preview(deep, VARS).message


def test_e_is_euler_unless_declared() -> None:
    """`e` is Euler's number by default and a variable when the question declares it."""
    tree, _ = parse_expression("e", Vocabulary(frozenset({"x"})))
    assert tree == ("const", "e")
    tree, _ = parse_expression("e", Vocabulary(frozenset({"e"})))
    assert tree == ("var", "e")


def test_trusted_operations_only_for_content() -> None:
    """diff/subs/sum are content-only: learner input cannot call them."""
    learner = Vocabulary(frozenset({"x"}))
    with pytest.raises(FormulaError):
        parse_expression("diff(x^2, x)", learner)
    tree, _ = parse_expression("diff(x^2, x)", Vocabulary(frozenset({"x"}), trusted=True))
    assert tree[0] == "call" and tree[1] == "diff"


def test_equation_not_allowed_in_answer() -> None:
    """A single answer must not contain '='."""
    with pytest.raises(FormulaError) as error:
        parse_expression("y = 2x", Vocabulary(frozenset({"x", "y"})))
    assert "'='" in error.value.message


def test_importing_checker_does_not_import_sympy() -> None:
    """The TUI imports these at startup; SymPy must stay out of the process until needed."""
    import subprocess
    import sys

    code = (
        "import sys, eqprep.maths, eqprep.maths.parse, eqprep.maths.check, eqprep.maths.steps, "
        "eqprep.maths.derivations, eqprep.commands.equiv\n"
        "from eqprep.maths.check import check_answer\n"
        "assert check_answer('2*(x+y)', '2x+2y', ['x', 'y']).ok\n"
        "print('sympy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


@pytest.mark.parametrize(("text", "shown"), [
    ("sum(x^i, i, 1, n)", "Σ_{i=1}^{n} (xⁱ)"),
    ("limit(sin(x)/x, x, 0)", "lim_{x→0} (sin(x)/x)"),
    ("mean(X) + var(X)", "E[X] + Var[X]"),
    ("abs(x - 1)", "|x − 1|"),
    ("diff(x^2, x, 2)", "d²/dx² [x²]"),
    ("subs(x^2, x, 3)", "[x²]ₓ₌₃"),
])
def test_trusted_operations_are_shown_in_textbook_layout(text: str, shown: str) -> None:
    vocab = Vocabulary(frozenset({"x", "i", "n", "X"}), trusted=True)
    assert to_text(parse_line(text, vocab).parts[0]) == shown
