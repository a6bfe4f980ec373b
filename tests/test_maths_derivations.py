"""Verified derivations: every bundled derivation passes, and a corrupted step is caught."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from eqprep.maths.derivations import (
    DerivationError,
    Step,
    definitions,
    load_derivations,
    load_file,
    verify,
)

REQUIRED = {
    "sigmoid-derivative", "sigmoid-vanishing", "tanh-derivative", "relu-derivative", "chain-rule",
    "softmax-jacobian", "softmax-cross-entropy", "mse-gradient", "binary-cross-entropy-sigmoid",
    "l1-l2-gradient", "xavier-he-variance", "adam-bias-correction", "momentum-unrolled",
    "batchnorm-backward", "conv-output-size",
}
DERIVATIONS = load_derivations()


def test_all_required_ids_exist() -> None:
    """Content authors reference these ids."""
    assert REQUIRED <= set(DERIVATIONS)


@pytest.mark.parametrize("did", sorted(REQUIRED))
def test_every_step_is_verified(did: str) -> None:
    """Each step is confirmed; displays are readable Unicode, reasons are Japanese."""
    derivation = DERIVATIONS[did]
    results = verify(derivation)
    assert len(results) == len(derivation.steps)
    for result in results:
        assert result.ok, (did, result.index, result.display, result.message)
        assert result.mark == "✓"
        assert "\\" not in result.display and "**" not in result.display
        assert any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in result.why)


@pytest.mark.parametrize("did", sorted(REQUIRED - {"xavier-he-variance"}))
def test_corrupted_last_step_fails(did: str) -> None:
    """Adding 1/7 to the final expression of the last step must be caught."""
    derivation = DERIVATIONS[did]
    last = derivation.steps[-1]
    broken = replace(derivation, steps=(*derivation.steps[:-1], Step(f"{last.claim} + 1/7", last.why)))
    results = verify(broken)
    assert [r.ok for r in results[:-1]] == [True] * (len(results) - 1)
    assert not results[-1].ok and results[-1].mark == "✗"


def test_batchnorm_missing_factor_is_caught() -> None:
    """Dropping the 2 in ∂σ²/∂xᵢ = 2(xᵢ − μ)/m contradicts SymPy's differentiation."""
    derivation = DERIVATIONS["batchnorm-backward"]
    steps = [
        Step(s.claim.replace("dv*2*(x1 - mu)/3", "dv*(x1 - mu)/3"), s.why) for s in derivation.steps
    ]
    results = verify(replace(derivation, steps=tuple(steps)))
    assert [r.ok for r in results] == [True, True, True, False, True, True]


def test_sigmoid_steps_read_like_a_textbook() -> None:
    """Displays show d/du and σ-style readable text instead of raw syntax."""
    results = verify(DERIVATIONS["sigmoid-derivative"])
    assert results[0].display.startswith("d/du [sigmoid(u)]")
    assert results[-1].display == "[d/du [sigmoid(u)]]ᵤ₌₀ = 1/4"


def test_definitions_are_rendered() -> None:
    """`let` definitions are shown to the learner in Unicode."""
    lines = definitions(DERIVATIONS["softmax-jacobian"])
    assert "y₁ = exp(u₁)/S" in lines


def test_bad_file_is_skipped_with_japanese_error(tmp_path: Path) -> None:
    """A broken file is reported (naming itself and what is missing) and the others still load."""
    (tmp_path / "broken.toml").write_text('id = "x"\ntitle = "t"\n', encoding="utf-8")
    (tmp_path / "good.toml").write_text(
        'id = "good"\ntitle = "t"\nsummary = "s"\n[[step]]\nclaim = "2*x = x + x"\nwhy = "同類項"\n', encoding="utf-8"
    )
    errors: list[str] = []
    loaded = load_derivations(tmp_path, errors)
    assert list(loaded) == ["good"] and verify(loaded["good"])[0].ok
    assert len(errors) == 1 and "broken.toml" in errors[0] and "summary" in errors[0]
    with pytest.raises(DerivationError):
        load_file(tmp_path / "broken.toml")


def test_unreadable_claim_is_a_failed_step(tmp_path: Path) -> None:
    """A claim that does not parse fails verification instead of raising."""
    (tmp_path / "bad.toml").write_text(
        'id = "bad"\ntitle = "t"\nsummary = "s"\n[[step]]\nclaim = "x = (x"\nwhy = "理由"\n', encoding="utf-8"
    )
    results = verify(load_derivations(tmp_path)["bad"])
    assert not results[0].ok and "')'" in results[0].message
