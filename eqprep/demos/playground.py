"""Demo ``playground``: TensorFlow-Playground-style 2-D classification, trained one epoch at a time.

``Playground`` is the steppable session (the TUI's play / pause / step drive it); ``run`` trains it headless.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from eqprep.engine.data import TOY_SETS, make_toy, train_test_split
from eqprep.engine.train import Trainer

from .context import DemoContext, as_list
from .model import DemoSpec, RunResult, Setting, claim

N_POINTS = 500
BOUNDS = {"moons": (-1.5, 2.5, -1.25, 1.75)}
DEFAULT_BOUNDS = (-6.0, 6.0, -6.0, 6.0)
FEATURES = {"x1": lambda x: x[:, 0], "x2": lambda x: x[:, 1], "x1^2": lambda x: x[:, 0] ** 2,
            "x2^2": lambda x: x[:, 1] ** 2, "x1x2": lambda x: x[:, 0] * x[:, 1],
            "sin_x1": lambda x: np.sin(x[:, 0]), "sin_x2": lambda x: np.sin(x[:, 1])}
FEATURE_SCALE = {"x1^2": 1 / 6, "x2^2": 1 / 6, "x1x2": 1 / 6}     # keep squared inputs in Playground's range
MAX_EVENTS = 50

SPEC = DemoSpec(
    name="playground",
    title="ニューラルネット Playground",
    summary="2 次元データ (circle / xor / gauss / spiral) の分類で、データ点の上に決定境界が育つ様子を見る",
    settings=(
        Setting("dataset", "データ", "choice", "circle", tuple(TOY_SETS)),
        Setting("noise", "ノイズ", "float", 0.0, min=0.0, max=0.5),
        Setting("train_ratio", "訓練データの割合", "float", 0.5, min=0.1, max=0.9),
        Setting("features", "入力の特徴量 (カンマ区切り)", "names", ("x1", "x2"), tuple(FEATURES)),
        Setting("hidden", "隠れ層 (ユニット数をカンマ区切り)", "sizes", (4, 2), min=1, max=8),
        Setting("activation", "活性化関数", "choice", "tanh", ("tanh", "relu", "sigmoid")),
        Setting("regularization", "正則化", "choice", "none", ("none", "l1", "l2")),
        Setting("reg_rate", "正則化の係数", "float", 0.0, min=0.0, max=10.0),
        Setting("lr", "学習率 (SGD)", "float", 0.03, min=1e-5, max=10.0),
        Setting("batch_size", "バッチサイズ", "int", 10, min=1, max=30),
        Setting("batchnorm", "バッチ正規化", "bool", False),
        Setting("grid", "決定境界の解像度", "int", 40, min=4, max=120),
    ),
    default_steps=3000,
    note_id="nn-basics",
    question_ids=("nn-basics-xor", "nn-basics-linear-collapse", "nn-basics-universal-approx",
                  "nn-basics-nonlinear-which"),
    takeaway=("隠れ層のないネットワーク (ロジスティック回帰) が x₁, x₂ だけから引ける境界は直線だけです。"
              "非線形な活性化関数を持つ隠れ層を足すか、x₁² や x₁x₂ のような特徴量を入力に加えると、曲がった"
              "境界を作れます。実行すると、テスト精度と損失の実測からまとめを作ります。"),
    groups=("boundary",),
)


def grid_points(bounds: tuple[float, float, float, float], size: int) -> np.ndarray:
    """size × size points covering the view, row by row from the top (largest y) down."""
    x0, x1, y0, y1 = bounds
    gx, gy = np.meshgrid(np.linspace(x0, x1, size), np.linspace(y1, y0, size))
    return np.stack([gx.ravel(), gy.ravel()], axis=1)


def features(x: np.ndarray, names: tuple[str, ...]) -> np.ndarray:
    """The chosen input features of 2-D points, one column each."""
    return np.stack([FEATURES[n](x) * FEATURE_SCALE.get(n, 1.0) for n in names], axis=1).astype(np.float32)


def _points(x: np.ndarray, t: np.ndarray) -> list[list[float]]:
    """Samples as [x, y, label] rows (rounded) for drawing."""
    return [[round(float(a), 3), round(float(b), 3), int(c)] for (a, b), c in zip(x, t)]


class Playground:
    """One network on one data set, trained an epoch at a time; ``lr`` may change between epochs (no reset)."""

    def __init__(self, settings: dict[str, Any], seed: int) -> None:
        from eqprep.engine import MultiLayerNet

        s = self.settings = settings
        x, t = make_toy(s["dataset"], N_POINTS, s["noise"], seed=seed)
        self.x_train, self.t_train, self.x_test, self.t_test = train_test_split(x, t, 1.0 - s["train_ratio"],
                                                                                seed=seed)
        self.bounds = BOUNDS.get(s["dataset"], DEFAULT_BOUNDS)
        names = s["features"]
        self.grid = features(grid_points(self.bounds, s["grid"]), names)
        self.f_train, self.f_test = features(self.x_train, names), features(self.x_test, names)
        reg = s["regularization"]
        self.net = MultiLayerNet(len(names), list(s["hidden"]), 2, s["activation"], "xavier", dtype=np.float32,
                                 seed=seed, weight_decay_lambda=s["reg_rate"] if reg != "none" else 0.0,
                                 regularization="l2" if reg == "none" else reg, use_batchnorm=s["batchnorm"])
        self.trainer = Trainer(self.net, "sgd", self.f_train, self.t_train, self.f_test, self.t_test,
                               optimizer_param={"lr": s["lr"]}, batch_size=s["batch_size"], seed=seed)
        self.batches = math.ceil(len(self.f_train) / s["batch_size"])
        self.epoch = 0
        self.history: dict[str, list[float]] = {"epoch": [], "step": [], "loss": [], "test_loss": [],
                                                "train_acc": [], "test_acc": []}
        self.diverged = False
        self._measure()

    def set_lr(self, lr: float) -> None:
        """Change the learning rate for the next epochs (like Playground, without a reset)."""
        self.trainer.optimizer.lr = lr
        self.settings = {**self.settings, "lr": lr}

    def step_epoch(self, cancel: Any = None) -> None:
        """One pass over the training set in mini-batches, then the train/test loss and accuracy."""
        for _ in range(self.batches):
            if cancel is not None and cancel.is_set():
                return
            if not np.isfinite(self.trainer.step()):
                self.diverged = True
                break
        self.epoch += 1
        self._measure()

    def _measure(self) -> None:
        """Append this epoch's data losses (without the penalty) and accuracies to the history."""
        with np.errstate(all="ignore"):
            train_loss = self.net.loss(self.f_train, self.t_train) - self.net.penalty()
            test_loss = self.net.loss(self.f_test, self.t_test) - self.net.penalty()
            values = (float(self.epoch), float(self.trainer.steps_done), float(train_loss), float(test_loss),
                      self.net.accuracy(self.f_train, self.t_train), self.net.accuracy(self.f_test, self.t_test))
        for key, value in zip(self.history, values):
            self.history[key].append(float(value))
        self.diverged = self.diverged or not np.isfinite(train_loss)

    def boundary(self) -> list[list[float]]:
        """Class-1 probability on the view grid, rows from the top."""
        size = self.settings["grid"]
        with np.errstate(all="ignore"):
            prob = self.net.predict_proba(self.grid)[:, 1]
        return as_list(np.nan_to_num(prob, nan=0.5).reshape(size, size), 3)

    def scene(self) -> dict[str, Any]:
        """What to draw: bounds and the train/test points as [x, y, label]."""
        return {"bounds": list(self.bounds), "points": _points(self.x_train, self.t_train),
                "test_points": _points(self.x_test, self.t_test)}

    def metrics(self) -> dict[str, float]:
        """The latest epoch's losses and accuracies."""
        return {"loss": self.history["loss"][-1], "test_loss": self.history["test_loss"][-1],
                "train_acc": self.history["train_acc"][-1], "test_acc": self.history["test_acc"][-1]}


def label_of(s: dict[str, Any]) -> str:
    """Run label: data set, features, hidden layers, activation."""
    return (f"{s['dataset']} {'+'.join(s['features'])} {list(s['hidden'])} {s['activation']}"
            + (" + BN" if s["batchnorm"] else ""))


def run(ctx: DemoContext) -> None:
    """Train whole epochs covering ``steps`` mini-batch steps; one event before training (the untrained map and the
    points) and then after each epoch (at most about MAX_EVENTS), with the map and the losses."""
    s = ctx.settings
    pg = Playground(s, ctx.seed)
    epochs = max(1, math.ceil(ctx.steps / pg.batches))
    every = max(1, epochs // MAX_EVENTS)
    run = ctx.add(RunResult(label_of(s), "boundary", "running"))
    run.series = pg.history
    ctx.emit(run, 0, epochs * pg.batches, pg.metrics(), {"boundary": pg.boundary(), "epoch": 0, **pg.scene()})
    for epoch in range(1, epochs + 1):
        ctx.check()
        pg.step_epoch(ctx.cancel)
        ctx.check()
        done = epoch == epochs or pg.diverged
        if epoch % every == 0 or done:
            payload = {"boundary": pg.boundary(), "epoch": pg.epoch}
            ctx.emit(run, pg.trainer.steps_done, epochs * pg.batches, pg.metrics(), payload, done=done)
        if pg.diverged:
            break
    run.status = "diverged" if pg.diverged else "finished"
    run.final = {**pg.metrics(), "epoch": float(pg.epoch)}
    run.extra.update({"boundary": pg.boundary(), "epochs": pg.epoch, **pg.scene()})
    _conclude(ctx, run)


def _conclude(ctx: DemoContext, run: RunResult) -> None:
    """Findings and claims: accuracy reached, and whether the test loss followed the training loss."""
    f, h = run.final, run.series
    ctx.result.findings.append(f"{run.extra['epochs']} エポック: 訓練損失 {f['loss']:.3f} / テスト損失 "
                               f"{f['test_loss']:.3f}、訓練精度 {f['train_acc']:.3f} / テスト精度 {f['test_acc']:.3f}")
    if run.status == "diverged":
        ctx.result.conclude([claim("learned", False, "", "損失が発散しました。学習率を下げてください。")])
        return
    s = ctx.settings
    curved = bool(s["hidden"]) or any(n not in ("x1", "x2") for n in s["features"])
    ctx.result.conclude([
        claim("learned", f["test_acc"] >= 0.9,
              f"{'隠れ層や非線形な特徴量で曲がった境界を作れるので' if curved else ''}テスト精度は "
              f"{f['test_acc']:.2f} に達し、境界がデータを分けています。",
              f"テスト精度は {f['test_acc']:.2f} にとどまりました"
              f"{' (隠れ層がなく x₁, x₂ だけでは境界は直線です)' if not curved else ''}。"),
        claim("loss_fell", h["loss"][-1] < h["loss"][0] and h["test_loss"][-1] < h["test_loss"][0],
              f"訓練損失は {h['loss'][0]:.3f} → {h['loss'][-1]:.3f}、テスト損失は {h['test_loss'][0]:.3f} → "
              f"{h['test_loss'][-1]:.3f} と、どちらも下がりました。",
              f"損失は訓練 {h['loss'][0]:.3f} → {h['loss'][-1]:.3f}、テスト {h['test_loss'][0]:.3f} → "
              f"{h['test_loss'][-1]:.3f} で、両方は下がりませんでした。"),
    ])
