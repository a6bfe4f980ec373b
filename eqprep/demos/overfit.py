"""Demo ``overfit``: a big net on a small training set, then the same with L2, L1, dropout and early stopping."""

from __future__ import annotations

from typing import Any

from . import datasets
from .context import DemoContext
from .datasets import Split
from .model import DemoSpec, Setting, claim

SPEC = DemoSpec(
    name="overfit",
    title="過学習と正則化 (overfitting)",
    summary="少ない訓練データと大きなネットで過学習を起こし、L2・L1・Dropout・Early stopping の効果を比べる",
    settings=(
        Setting("dataset", "データ", "choice", "mnist1d", ("mnist1d", "digits"),
                help="mnist1d = 1 次元の手書き数字風データ (ローカル生成), digits = 8×8 手書き数字"),
        Setting("n_train", "訓練データ数", "int", 1400, min=20, max=1400),
        Setting("l2", "L2 の係数 λ", "float", 0.015, min=0.0, max=10.0),
        Setting("l1", "L1 の係数 λ", "float", 0.0015, min=0.0, max=10.0),
        Setting("dropout", "Dropout の比率", "float", 0.05, min=0.0, max=0.9),
        Setting("patience", "Early stopping の我慢回数", "int", 5, min=1, max=50),
        Setting("lr", "学習率 (SGD)", "float", 0.05, min=1e-5, max=10.0),
    ),
    default_steps=1000,
    note_id="regularization",
    question_ids=("regularization-overfitting", "mlb-overfitting-signs", "regularization-dropout-effect",
                  "regularization-early-stopping", "regularization-l1-sparsity-reason"),
    takeaway=("訓練データが少ないのにパラメータの多いネット (6 層 × 100 ユニット) を長く学習すると、訓練精度と"
              "テスト精度の差 (汎化ギャップ) が開きます。L2・L1・Dropout は当てはまりを犠牲にして差を縮め、"
              "Early stopping はテスト (検証) 正解率が我慢回数だけ改善しなくなったら止めて、最良だった時点の重みに"
              "戻します。実行すると、精度と損失の実測からまとめを作ります。"),
)


def _data(ctx: DemoContext) -> Split:
    """The small training set and a test set from the chosen dataset."""
    s = ctx.settings
    if s["dataset"] == "digits":
        return datasets.digits(ctx.seed, n_train=s["n_train"])
    return datasets.mnist1d(ctx.seed, s["n_train"])


def run(ctx: DemoContext) -> None:
    """Train the same 6 × 100 ReLU net five ways and report the train/test gap of each."""
    s = ctx.settings
    data = _data(ctx)
    variants: tuple[tuple[str, dict[str, Any], int | None], ...] = (("正則化なし", {}, None), (f"L2 (λ={s['l2']:g})", {"weight_decay_lambda": s["l2"]}, None),
                (f"L1 (λ={s['l1']:g})", {"weight_decay_lambda": s["l1"], "regularization": "l1"}, None),
                (f"Dropout ({s['dropout']:g})", {"use_dropout": True, "dropout_ratio": s["dropout"]}, None),
                ("Early stopping", {}, s["patience"]))
    for label, options, patience in variants:
        net = ctx.mlp(data[0].shape[1], [100] * 6, 10, "relu", "he", **options)
        stopping: dict[str, Any] = {} if patience is None else {"patience": patience, "monitor": "accuracy", "restore_best": True}
        trainer = ctx.trainer(net, "sgd", data, s["lr"], **stopping)
        run = ctx.train(label, "training", trainer)
        if "train_acc" in run.final and "test_acc" in run.final:
            run.final["gap"] = run.final["train_acc"] - run.final["test_acc"]
            run.extra["gap"] = run.final["gap"]
        run.extra["stopped_at"] = trainer.steps_done
        ctx.result.findings.append(f"{label}: 訓練 {run.final.get('train_acc', 0):.3f} / テスト "
                                   f"{run.final.get('test_acc', 0):.3f} (差 {run.final.get('gap', 0):.3f}, "
                                   f"{trainer.steps_done} ステップ)")
    _conclude(ctx)


def _conclude(ctx: DemoContext) -> None:
    """Claims: the plain net overfits; each regularizer narrows the gap without losing test accuracy;
    early stopping on accuracy with the best weights restored keeps test accuracy and narrows the gap."""
    runs = ctx.result.runs
    labels = list(runs)
    if len(labels) < 5 or any("gap" not in runs[k].final for k in labels):
        return
    plain, regs, early = runs[labels[0]], [runs[k] for k in labels[1:4]], runs[labels[4]]
    p = plain.final
    losses = plain.series["test_loss"]
    narrowed = [r for r in regs if r.final["gap"] < p["gap"] - 0.1 and r.final["test_acc"] >= p["test_acc"] - 0.01]
    e = early.final
    reg_accs = "、".join(f"{r.final['test_acc']:.3f}" for r in regs)
    ctx.result.conclude([
        claim("plain_overfits", p["train_acc"] > 0.95 and p["gap"] > 0.4 and losses[-1] > 1.5 * min(losses),
              f"正則化なしでは訓練精度 {p['train_acc']:.2f} に対してテスト精度は {p['test_acc']:.2f} で、差は "
              f"{p['gap']:.2f} です。テスト損失は途中の最小値 {min(losses):.2f} から {losses[-1]:.2f} まで増えます (過学習)。",
              f"正則化なしの訓練精度 {p['train_acc']:.2f}、テスト精度 {p['test_acc']:.2f} (差 {p['gap']:.2f}) で、"
              "はっきりした過学習ではありませんでした。"),
        claim("regularizers_narrow_gap", len(narrowed) == len(regs),
              "L2 は重みを小さく保ち、L1 は不要な重みを 0 に寄せ、Dropout はユニットをランダムに無効にします。どれも差を"
              + "、".join(f"{r.label} {r.final['gap']:.2f}" for r in regs)
              + f" に縮め、テスト精度は同じか高くなります ({reg_accs} 対 {p['test_acc']:.3f})。",
              "差を 0.1 以上縮めてテスト精度も保てたのは "
              + ("、".join(r.label for r in narrowed) or "どれでもありません") + " でした。"),
        claim("early_stopping_keeps_best", "restored_step" in early.extra and e["test_acc"] >= p["test_acc"] - 0.01
              and e["gap"] < p["gap"],
              "Early stopping はテスト (検証) 正解率を見張り、"
              + (f"{ctx.settings['patience']} 回続けて改善しなくなった {early.extra['stopped_at']} ステップで止まって"
                 if early.status == "early_stopped" else f"今回は最後の {early.extra['stopped_at']} ステップまで改善が続き、")
              + f"最良だった {early.extra.get('restored_step')} ステップの重みに戻すので、テスト精度 {e['test_acc']:.3f} を"
              f"保ったまま差が {e['gap']:.2f} に縮みます。",
              f"Early stopping は {early.extra['stopped_at']} ステップで状態 {early.status}、テスト精度 "
              f"{e['test_acc']:.3f}、差 {e['gap']:.2f} でした。"),
    ], "強すぎる正則化は訓練精度もテスト精度も下げるので、λ・比率・我慢回数は検証データで選びます。")
