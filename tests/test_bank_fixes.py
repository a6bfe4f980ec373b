"""Checks added after the full read of the bank: rounding of drills, derivation note links, label mismatches."""

from __future__ import annotations

from pathlib import Path

import pytest

from eqprep.bank import load_bank
from eqprep.bank.model import ParametricQuestion, ParamSpec
from eqprep.bank.params import instantiate
from eqprep.bank.rounding import check_rounding, instruction, rounded
from eqprep.bank.validate import validate


@pytest.mark.parametrize(
    ("value", "how", "digits", "expected"),
    [
        (178.5, "decimals", 0, 179.0),  # half-up, not Python's half-even
        (0.0405405, "decimals", 3, 0.041),
        (0.0105882, "significant", 3, 0.0106),
        (1.6953, "significant", 3, 1.70),
        (-1.575, "significant", 3, -1.58),
        (11.34, "significant", 3, 11.3),
    ],
)
def test_rounded_half_up(value: float, how: str, digits: int, expected: float) -> None:
    assert rounded(value, how, digits) == pytest.approx(expected, abs=1e-12)


def test_instruction_is_read_from_the_prompt() -> None:
    assert instruction("FPR を答えよ (小数第 3 位まで)。") == ("decimals", 3)
    assert instruction("小数第 2 位を四捨五入して答えよ") == ("decimals", 1)
    assert instruction("有効数字 2 桁で求めよ") == ("significant", 2)
    assert instruction("更新後の w は?") == ("significant", 3)


def _drill(prompt: str, rel: float | None, tol: float = 0.0) -> ParametricQuestion:
    return ParametricQuestion(
        id="d", topic="t", prompt=prompt, explanation=".", tags=("3-1-4",), path=Path("x"),
        params={"a": ParamSpec("a", 1, 99), "b": ParamSpec("b", 1, 99)}, answer=("a / (a + b)",),
        tolerance=tol, rel_tolerance=rel,
    )


def test_check_rounding_reports_rejected_rounded_answers_and_accepts_fixed_drills() -> None:
    def problems(q: ParametricQuestion) -> list[str]:
        return list(check_rounding(q, [instantiate(q, seed) for seed in range(500)]))

    strict = problems(_drill("a/(a+b) は?", rel=0.001))
    assert len(strict) == 1 and "有効数字 3 桁" in strict[0] and "シード中" in strict[0]
    assert problems(_drill("a/(a+b) は? 有効数字 3 桁で答えよ。", rel=0.005)) == []
    assert problems(_drill("a/(a+b) を小数第 3 位まで答えよ。", rel=0.005)) != []  # 0.0405 → 0.041 is 1.1% off
    assert problems(_drill("a/(a+b) を小数第 3 位まで答えよ。", rel=0.005, tol=0.0005)) == []


def test_bundled_drills_accept_correctly_rounded_answers() -> None:
    bank = load_bank(use_cache=False)
    for qid in ("lw-drill-quant-scale", "met-drill-fpr", "regularization-drill-weight-decay-step",
                "optimizers-drill-adagrad", "optimizers-drill-rmsprop"):
        q = bank.questions[qid]
        assert isinstance(q, ParametricQuestion)
        assert list(check_rounding(q, [instantiate(q, seed) for seed in range(500)])) == [], qid


def test_derivation_note_must_exist(content_copy: Path) -> None:
    folder = content_copy / "derivations"
    folder.mkdir()
    (folder / "d.toml").write_text(
        'id = "relu-d"\ntitle = "t"\nsummary = "s"\nnote = "optimizer"\nvariables = ["u"]\n\n'
        '[[step]]\nclaim = "subs(heaviside(u), u, 3) = 1"\nwhy = "w"\n',
        encoding="utf-8",
    )
    messages = [str(p) for p in validate(load_bank(content_copy, use_cache=False))]
    assert any("導出 'relu-d' の note 'optimizer' のノートがありません" in m for m in messages)
    (folder / "d.toml").write_text((folder / "d.toml").read_text(encoding="utf-8").replace('"optimizer"', '"activation"'),
                                   encoding="utf-8")
    assert validate(load_bank(content_copy, use_cache=False)) == []


def test_code_explanation_may_not_refer_to_the_hidden_check(content_copy: Path) -> None:
    path = content_copy / "questions" / "activation.toml"
    text = path.read_text(encoding="utf-8")
    marker = 'id = "act-softmax-code"'
    head, tail = text.split(marker)
    tail = tail.replace('explanation = "', 'explanation = "check の 2 つ目を見ると分かります。', 1)
    path.write_text(head + marker + tail, encoding="utf-8")
    messages = [str(p) for p in validate(load_bank(content_copy, use_cache=False))]
    assert any("[act-softmax-code]" in m and "見えない check" in m for m in messages)
