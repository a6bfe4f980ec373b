"""Demo ``playground``: TensorFlow-Playground-style 2-D classification with a live decision-boundary grid."""

from __future__ import annotations

import numpy as np

from eqprep.engine.data import TOY_SETS, make_toy, train_test_split

from .context import DemoContext, as_list
from .model import DemoSpec, Setting

N_POINTS = 500
BOUNDS = {"moons": (-1.5, 2.5, -1.25, 1.75)}
DEFAULT_BOUNDS = (-6.0, 6.0, -6.0, 6.0)

SPEC = DemoSpec(
    name="playground",
    title="ニューラルネット Playground",
    summary="2 次元データ (circle / xor / gauss / spiral / moons) の分類で決定境界が育つ様子を見る",
    settings=(
        Setting("dataset", "データ", "choice", "circle", tuple(TOY_SETS)),
        Setting("noise", "ノイズ", "float", 0.0, min=0.0, max=0.5),
        Setting("hidden", "隠れ層 (ユニット数をカンマ区切り)", "sizes", (4, 2), min=1, max=16),
        Setting("activation", "活性化関数", "choice", "tanh", ("tanh", "relu", "sigmoid")),
        Setting("batchnorm", "バッチ正規化", "bool", False),
        Setting("regularization", "正則化", "choice", "none", ("none", "l1", "l2")),
        Setting("reg_rate", "正則化の係数", "float", 0.0, min=0.0, max=10.0),
        Setting("lr", "学習率 (SGD)", "float", 0.03, min=1e-5, max=10.0),
        Setting("batch_size", "バッチサイズ", "int", 10, min=1, max=30),
        Setting("train_ratio", "訓練データの割合", "float", 0.5, min=0.1, max=0.9),
        Setting("grid", "決定境界の解像度", "int", 40, min=4, max=120),
    ),
    default_steps=3000,
    note_id="nn-basics",
    question_ids=("nn-basics-xor", "nn-basics-linear-collapse", "nn-basics-universal-approx",
                  "nn-basics-nonlinear-which"),
    takeaway=("隠れ層のないネットワーク (ロジスティック回帰) が引ける境界は直線だけなので、circle や xor は"
              "分けられません。非線形な活性化関数を持つ隠れ層を足すと、ユニットごとの直線的な境界を組み合わせて"
              "曲がった境界を作れるようになります。spiral のような難しいデータには、より多くのユニットと層、"
              "適切な学習率が必要です。ノイズが多いときは正則化が境界を滑らかに保ちます。"),
    groups=("boundary",),
)


def _grid_points(bounds: tuple[float, float, float, float], size: int) -> np.ndarray:
    """size × size points covering the view, row by row from the top (largest y) down."""
    x0, x1, y0, y1 = bounds
    gx, gy = np.meshgrid(np.linspace(x0, x1, size), np.linspace(y1, y0, size))
    return np.stack([gx.ravel(), gy.ravel()], axis=1)


def _points(x: np.ndarray, t: np.ndarray) -> list[list[float]]:
    """Samples as [x, y, label] rows (rounded) for drawing."""
    return [[round(float(a), 3), round(float(b), 3), int(c)] for (a, b), c in zip(x, t)]


def run(ctx: DemoContext) -> None:
    """Train an MLP with SGD on the chosen toy set and stream the class-1 probability over the view."""
    s = ctx.settings
    x, t = make_toy(s["dataset"], N_POINTS, s["noise"], seed=ctx.seed)
    data = train_test_split(x, t, 1.0 - s["train_ratio"], seed=ctx.seed)
    x_train, t_train, x_test, t_test = data
    bounds = BOUNDS.get(s["dataset"], DEFAULT_BOUNDS)
    grid = _grid_points(bounds, s["grid"]).astype(np.float32)
    reg = s["regularization"]
    net = ctx.mlp(2, list(s["hidden"]), 2, s["activation"], "xavier",
                  weight_decay_lambda=s["reg_rate"] if reg != "none" else 0.0,
                  regularization="l2" if reg == "none" else reg, use_batchnorm=s["batchnorm"])
    trainer = ctx.trainer(net, "sgd", data, s["lr"], s["batch_size"])

    scene = {"bounds": list(bounds), "points": _points(x_train, t_train), "test_points": _points(x_test, t_test)}
    sent: list[bool] = []

    def boundary(_metrics: dict[str, float] | None = None) -> dict:
        with np.errstate(all="ignore"):
            prob = net.predict_proba(grid)[:, 1]
        data = {"boundary": as_list(prob.reshape(s["grid"], s["grid"]), 3)}
        if not sent:              # the first event of the run also carries the data points to draw
            sent.append(True)
            data.update(scene)
        return data

    label = f"{s['dataset']} {list(s['hidden'])} {s['activation']}" + (" + BN" if s["batchnorm"] else "")
    run = ctx.train(label, "boundary", trainer, payload=boundary, reports=50)
    run.extra.update(boundary())
    run.extra.update(scene)
    ctx.result.findings.append(f"テスト精度 {run.final.get('test_acc', 0):.3f} / テスト損失 "
                               f"{run.final.get('test_loss', float('nan')):.3f}")
