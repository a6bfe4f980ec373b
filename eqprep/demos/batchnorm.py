"""Demo ``batchnorm``: the same deep net trained with and without batch norm across initial weight scales."""

from __future__ import annotations

from . import datasets
from .context import DemoContext
from .model import DemoSpec, Setting, claim

SCALES = (1.0, 0.3, 0.1, 0.03, 0.01, 0.001)

SPEC = DemoSpec(
    name="batchnorm",
    title="バッチ正規化 (batch normalization)",
    summary="重みの初期値の標準偏差を変えながら、バッチ正規化あり / なしで学習の進み方を比べる",
    settings=(
        Setting("activation", "活性化関数", "choice", "relu", ("relu", "sigmoid", "tanh")),
        Setting("optimizer", "最適化手法", "choice", "sgd", ("sgd", "momentum", "adam")),
        Setting("lr", "学習率", "float", 0.01, min=1e-5, max=10.0),
        Setting("depth", "隠れ層の数", "int", 5, min=1, max=10),
    ),
    default_steps=300,
    note_id="normalization",
    question_ids=("normalization-test-bn-effects", "normalization-bn-inference", "normalization-bn-axes",
                  "normalization-drill-bn-value"),
    takeaway=("バッチ正規化はミニバッチごとに各ユニットの入力を平均 0・分散 1 に正規化してから γ と β で"
              "スケールとシフトを学習します。重みの初期値が小さすぎても大きすぎても各層の分布が保たれるので、"
              "初期値への依存が小さくなり、大きめの学習率でも速く安定して学習が進みます。バッチ正規化なしでは、"
              "初期値の標準偏差がよい範囲から外れると学習がほとんど進みません。"),
)


def run(ctx: DemoContext) -> None:
    """For each weight scale, train without and with batch norm on digits."""
    s = ctx.settings
    data = datasets.digits(ctx.seed)
    for scale in SCALES:
        for bn in (False, True):
            net = ctx.mlp(64, [100] * s["depth"], 10, s["activation"], scale, use_batchnorm=bn)
            trainer = ctx.trainer(net, s["optimizer"], data, s["lr"])
            label = f"std {scale:g} {'BN あり' if bn else 'BN なし'}"
            run = ctx.train(label, "training", trainer, reports=15)
            run.extra.update({"scale": scale, "batchnorm": bn})
    _findings(ctx)


def _findings(ctx: DemoContext) -> None:
    """Count the weight scales at which batch norm ends with the higher training accuracy."""
    wins = 0
    for scale in SCALES:
        plain, bn = (ctx.result.runs[f"std {scale:g} {kind}"].final.get("train_acc") for kind in ("BN なし", "BN あり"))
        wins += (bn or 0.0) > (plain or 0.0)
        ctx.result.findings.append(f"std {scale:g}: 訓練精度 BN なし {_acc(plain)} / BN あり {_acc(bn)}")
    ctx.result.findings.append(f"BN ありの方が高い: {wins} / {len(SCALES)} 通り")
    bad = [s for s in SCALES if s <= 0.1]
    gains = [(ctx.result.runs[f"std {s:g} BN あり"].final.get("train_acc") or 0.0)
             - (ctx.result.runs[f"std {s:g} BN なし"].final.get("train_acc") or 0.0) for s in bad]
    ctx.result.conclude([
        claim("bn_rescues_small_scales", min(gains) > 0.3,
              f"初期値の標準偏差が {max(bad):g} 以下では BN なしの学習がほとんど進まず、BN ありの訓練精度はどの std でも"
              f" {min(gains):.2f} 以上高くなります。",
              f"std {max(bad):g} 以下で BN ありの訓練精度の差は最小 {min(gains):.2f} でした。"),
        claim("bn_wins_most_scales", wins > len(SCALES) / 2,
              f"6 通りの std のうち {wins} 通りで BN ありの訓練精度が高く、初期値への依存が小さくなります。",
              f"BN ありの方が高かったのは {wins} / {len(SCALES)} 通りでした。"),
    ], "バッチ正規化はミニバッチごとに各ユニットの入力を平均 0・分散 1 に正規化してから γ と β で"
       "スケールとシフトを学習します。")


def _acc(value: float | None) -> str:
    """An accuracy for the findings, or 発散 when the run diverged before reporting one."""
    return "発散" if value is None else f"{value:.3f}"
