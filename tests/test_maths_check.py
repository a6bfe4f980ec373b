"""Equivalence checking: counterexamples, domains, forms, symbolic fallback with a hard time limit."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest

from eqprep.maths.check import check_answer, check_formula, check_untrusted


def test_counterexample_point_really_differs() -> None:
    """The reported point is one where the two formulas have different values."""
    result = check_answer("2*(x + y)", "2x + y", ["x", "y"])
    assert result.status == "not_equivalent"
    point = result.counterexample
    assert point is not None
    assert 2 * (point["x"] + point["y"]) != pytest.approx(2 * point["x"] + point["y"])
    assert "正解は" in result.message


def test_domain_mismatch_is_reported() -> None:
    """sqrt(x)^2 is not x on [-3, 3]: the learner's formula has no value at negative x."""
    result = check_answer("x", "sqrt(x)^2", ["x"])
    assert result.status == "not_equivalent"
    assert result.counterexample is not None and result.counterexample["x"] < 0
    assert "値を持ちません" in result.message


def test_declared_domain_is_respected() -> None:
    """On a positive domain sqrt(x)^2 equals x."""
    assert check_answer("x", "sqrt(x)^2", ["x"], domain={"x": (0.5, 4.0)}).status == "equivalent"


def test_float_cancellation_is_not_a_false_counterexample() -> None:
    """Values that differ only by rounding are re-checked at high precision."""
    expected = "((1 + x)^2 - 1)*10^14"
    given = "(x^2 + 2x)*10^14"
    domain = {"x": (1e-14, 9e-14)}
    assert check_answer(expected, given, ["x"], domain=domain).status == "equivalent"
    assert check_answer(expected, "(x^2 + 2.001x)*10^14", ["x"], domain=domain).status == "not_equivalent"


@pytest.mark.parametrize(
    ("form", "given", "status"),
    [
        ("factored", "2(x+y)", "equivalent"),
        ("factored", "2x+2y", "not_equivalent"),
        ("expanded", "2x+2y", "equivalent"),
        ("expanded", "2(x+y)", "not_equivalent"),
        ("simplified", "2(x+y)", "equivalent"),
        ("simplified", "(x+y)+(x+y)+0*x+0*y+0*x", "not_equivalent"),
    ],
)
def test_form_requirements(form: str, given: str, status: str) -> None:
    """An equivalent answer in the wrong form is graded wrong with an explanation."""
    result = check_answer("2*(x + y)", given, ["x", "y"], form=form, timeout=10)
    assert result.status == status
    if status == "not_equivalent":
        assert "値は正しいですが" in result.message


def test_in_terms_of_function() -> None:
    """in_terms:sigmoid accepts σ(1−σ) and rejects the exp form, which is still the right value."""
    expected = "sigmoid(u)*(1 - sigmoid(u))"
    assert check_answer(expected, "sigmoid(u)-sigmoid(u)^2", ["u"], ["sigmoid"], form="in_terms:sigmoid").ok
    result = check_answer(expected, "exp(-u)/(1+exp(-u))^2", ["u"], ["sigmoid"], form="in_terms:sigmoid")
    assert result.status == "not_equivalent" and "sigmoid" in result.message


def test_unknown_form_is_a_content_error() -> None:
    """A misspelt form in content is reported, not silently ignored."""
    assert check_answer("x", "x", ["x"], form="factorised").status == "invalid"


def test_symbolic_fallback_decides_when_no_real_points() -> None:
    """Where the expected value is never real, the SymPy worker decides."""
    result = check_answer("log(-1 - x^2) + x", "x + log(-1 - x^2)", ["x"], timeout=10)
    assert result.status == "equivalent" and result.method == "symbolic"


def test_symbolic_timeout_is_hard_and_undecided() -> None:
    """An expensive symbolic fallback is killed at the limit and never counted as correct."""
    expected = "log(-x^2-1)*sin(x)^999"
    given = "log(-x^2-1)*(2*sin(x/2)*cos(x/2))^999"
    check_answer("log(-1-x^2)", "log(-1-x^2)", ["x"], timeout=10)  # worker warm
    start = time.monotonic()
    result = check_answer(expected, given, ["x"], timeout=0.5)
    assert time.monotonic() - start < 1.5
    assert result.status == "undecided" and not result.ok
    recovered = check_answer("log(-1 - x^2) + x", "x + log(-1 - x^2)", ["x"], timeout=10)
    assert recovered.status == "equivalent"  # the killed worker was replaced


def test_checks_run_from_background_threads() -> None:
    """No signals: checks work concurrently from worker threads."""
    results: list[str] = []

    def work(given: str) -> None:
        """Grade one answer from a thread."""
        results.append(check_answer("2*(x + y)", given, ["x", "y"]).status)

    threads = [threading.Thread(target=work, args=(g,)) for g in ("2x+2y", "2x+y", "2(x+y)", "x")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["equivalent", "equivalent", "not_equivalent", "not_equivalent"]


def test_check_formula_with_diff_subs_and_sum() -> None:
    """Content formulas may use diff, subs and finite sums."""
    assert check_formula("diff((x + y)**2, x)", "2*(x + y)", ["x", "y"]).ok
    assert check_formula("diff(sigmoid(u), u)", "sigmoid(u)*(1 - sigmoid(u))", ["u"]).ok
    assert check_formula("subs(diff(tanh(u), u), u, 0)", "1", ["u"]).ok
    assert check_formula("sum(b^(3 - i), i, 1, 3)", "1 + b + b^2", ["b"]).ok
    assert check_formula("diff(x^3, x, 2)", "6x", ["x"]).ok
    assert check_formula("diff((x + y)**2, x)", "x + y", ["x", "y"]).status == "not_equivalent"
    assert check_formula("limit(sin(h)/h, h, 0)", "1", timeout=10).ok  # SymPy-only, via the worker


def test_confirm_adds_symbolic_proof() -> None:
    """With confirm=True a numeric match is also proven by SymPy; content checks always confirm."""
    result = check_answer("sigmoid(u)*(1 - sigmoid(u))", "exp(-u)/(1+exp(-u))^2", ["u"], confirm=True, timeout=10)
    assert result.ok and result.method == "symbolic"
    assert check_formula("diff((x + y)**2, x)", "2*(x + y)", ["x", "y"]).method == "symbolic"


def test_untrusted_expected_cannot_use_content_operations() -> None:
    """`eqprep equiv` parses EXPECTED as hostile text too."""
    assert check_untrusted("diff(x^2, x)", "2x").status == "invalid"


def test_learner_text_is_never_evaluated() -> None:
    """Code in the answer is an input error, and nothing is executed."""
    marker = "/tmp/eqprep-maths-should-not-exist"
    result = check_answer("x", f"__import__('os').system('touch {marker}')", ["x"])
    assert result.status == "invalid"
    assert not __import__("os").path.exists(marker)


@pytest.mark.parametrize(
    ("args", "code", "prefix"),
    [
        (["2*(x+y)", "2x+2y"], 0, "同値:"),
        (["-(x+1)", "-x-1"], 0, "同値:"),
        (["-x", "-x+1", "--vars", "x"], 1, "同値ではない:"),
        (["2*(x+y)", "2x+y"], 1, "同値ではない:"),
        (["sigmoid(u)*(1-sigmoid(u))", "sigmod(u)", "--vars", "u"], 2, "入力エラー:"),
        (["x", "2**10**10"], 2, "入力エラー:"),
        (["log(-x^2-1)*sin(x)^999", "log(-x^2-1)*(2*sin(x/2)*cos(x/2))^999"], 3, "判定できず:"),
    ],
)
def test_equiv_command_in_a_subprocess(args: list[str], code: int, prefix: str) -> None:
    """The real command: exit code, Japanese verdict, no traceback (the SymPy stage has a hard 1.2 s limit)."""
    proc = subprocess.run([sys.executable, "-m", "eqprep", "equiv", *args], capture_output=True, text=True, timeout=60,
                          check=False)
    assert proc.returncode == code
    assert proc.stdout.startswith(prefix)
    assert "Traceback" not in proc.stdout + proc.stderr


@pytest.mark.parametrize(
    "given",
    ["cos(10^(10^(10^x)))", "sin(exp(exp(exp(exp(exp(x))))))", "x^(x^(x^(x^(x^x))))", "a" * 1_000_000,
     "(" * 10_000 + "x" + ")" * 10_000, "sin(" * 5_000 + "x" + ")" * 5_000],
)
def test_hostile_answers_are_bounded(given: str) -> None:
    """Huge intermediate values, 1 MB strings and deep nesting are refused or bounded (never accepted)."""
    result = check_answer("x", given, ["x"], timeout=1.0)
    assert result.status in ("not_equivalent", "invalid", "undecided")


def test_float_overflow_is_not_held_against_the_answer() -> None:
    """exp(u)/(1+exp(u)) overflows in floats for large u but is still the sigmoid."""
    result = check_answer("sigmoid(u)", "exp(u)/(1+exp(u))", ["u"], domain={"u": (-1000.0, 1000.0)})
    assert result.status == "equivalent"


def test_abstract_function_counterexample_hides_stand_in_values() -> None:
    """With an abstract f the message names the point but not the random stand-in values."""
    result = check_answer("f(u)*(1 - f(u))", "f(u) - f(u)^3", ["u"], ["f"])
    assert result.status == "not_equivalent" and "一般の関数" in result.message
