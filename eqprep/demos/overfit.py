"""Demo ``overfit``: a big net on a small training set, then the same with L2, L1, dropout and early stopping."""

from __future__ import annotations

from . import datasets
from .context import DemoContext
from .datasets import Split
from .model import DemoSpec, Setting

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
    takeaway=("訓練データが少ないのにパラメータの多いネット (6 層 × 100 ユニット) を長く学習すると、訓練精度は"
              " 100 % になってもテスト精度は低いまま伸びず、その差 (汎化ギャップ) が大きく開きます。テスト損失"
              " (検証損失) は途中から逆に増えていきます。L2 正則化 (荷重減衰) は重みを小さく保ち、L1 正則化は不要な"
              "重みを 0 に寄せ、Dropout は学習中にユニットをランダムに無効にしてアンサンブルに近い効果を生みます。"
              "どれも訓練データへの当てはまりを犠牲にして差を縮め、テスト精度は同じか少し良くなります (既定の設定"
              "では差が約 0.6 から L2 で約 0.3、L1 と Dropout で約 0.4 に縮みます)。強すぎる正則化は訓練精度も"
              "テスト精度も下げるので、λ や比率は検証データで選びます。Early stopping は検証損失が我慢回数だけ続けて"
              "改善しなくなった時点で止めます。検証損失は正解率より早く底を打つため、止まるのはテスト精度が最高になるより"
              "前で、差の縮まり方も控えめです。"),
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
    variants = (("正則化なし", {}, None), (f"L2 (λ={s['l2']:g})", {"weight_decay_lambda": s["l2"]}, None),
                (f"L1 (λ={s['l1']:g})", {"weight_decay_lambda": s["l1"], "regularization": "l1"}, None),
                (f"Dropout ({s['dropout']:g})", {"use_dropout": True, "dropout_ratio": s["dropout"]}, None),
                ("Early stopping", {}, s["patience"]))
    for label, options, patience in variants:
        net = ctx.mlp(data[0].shape[1], [100] * 6, 10, "relu", "he", **options)
        trainer = ctx.trainer(net, "sgd", data, s["lr"], patience=patience)
        run = ctx.train(label, "training", trainer)
        if "train_acc" in run.final and "test_acc" in run.final:
            run.final["gap"] = run.final["train_acc"] - run.final["test_acc"]
            run.extra["gap"] = run.final["gap"]
        run.extra["stopped_at"] = trainer.steps_done
        ctx.result.findings.append(f"{label}: 訓練 {run.final.get('train_acc', 0):.3f} / テスト "
                                   f"{run.final.get('test_acc', 0):.3f} (差 {run.final.get('gap', 0):.3f}, "
                                   f"{trainer.steps_done} ステップ)")
