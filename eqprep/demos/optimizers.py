"""Demo ``optimizers``: seven optimizers on 2-D test functions (trajectories) and on a digits MLP (loss curves)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from eqprep.engine.optim import make_optimizer

from . import datasets
from .context import DemoContext
from .model import DemoSpec, RunResult, Setting

NAMES = {"sgd": "SGD", "momentum": "Momentum", "nesterov": "Nesterov", "adagrad": "AdaGrad",
         "rmsprop": "RMSprop", "adadelta": "Adadelta", "adam": "Adam"}
MLP_LR = {"sgd": 0.01, "momentum": 0.01, "nesterov": 0.01, "adagrad": 0.01, "rmsprop": 0.001,
          "adadelta": None, "adam": 0.001}
ADADELTA_2D = {"rho": 0.9, "eps": 1e-3}   # larger ε than for networks, else the 2-D path barely starts
PATH_REPORTS = 20


@dataclass(frozen=True)
class Surface:
    """A 2-D test function with its gradient, view window, start point, minimum and per-optimizer lr."""

    title: str
    f: Callable[[float, float], float]
    grad: Callable[[float, float], tuple[float, float]]
    bounds: tuple[float, float, float, float]
    start: tuple[float, float]
    minimum: tuple[float, float]
    steps: int
    lr: dict[str, float]


SURFACES = {
    "ellipse": Surface(
        "x²/20 + y²", lambda x, y: x * x / 20 + y * y, lambda x, y: (x / 10, 2 * y),
        (-10.0, 10.0, -5.0, 5.0), (-7.0, 2.0), (0.0, 0.0), 40,
        {"sgd": 0.95, "momentum": 0.1, "nesterov": 0.1, "adagrad": 1.5, "rmsprop": 0.1, "adam": 0.3}),
    "rosenbrock": Surface(
        "(1 − x)² + 100(y − x²)²", lambda x, y: (1 - x) ** 2 + 100 * (y - x * x) ** 2,
        lambda x, y: (-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)),
        (-2.0, 2.0, -1.0, 3.0), (-1.5, 2.0), (1.0, 1.0), 500,
        {"sgd": 0.002, "momentum": 0.0005, "nesterov": 0.0005, "adagrad": 1.0, "rmsprop": 0.02, "adam": 0.1}),
    "saddle": Surface(
        "x² − y² + y⁴/4", lambda x, y: x * x - y * y + y ** 4 / 4, lambda x, y: (2 * x, -2 * y + y ** 3),
        (-2.5, 2.5, -2.5, 2.5), (-2.0, 0.001), (0.0, 1.4142), 40,
        {"sgd": 0.05, "momentum": 0.02, "nesterov": 0.02, "adagrad": 0.3, "rmsprop": 0.02, "adam": 0.05}),
}

SPEC = DemoSpec(
    name="optimizers",
    title="最適化手法の比較 (optimizers)",
    summary="SGD・Momentum・Nesterov・AdaGrad・RMSprop・Adadelta・Adam の軌跡と digits での損失曲線を比べる",
    settings=(
        Setting("function", "2 次元関数", "choice", "ellipse", tuple(SURFACES),
                help="ellipse = x²/20 + y², rosenbrock = Rosenbrock 関数, saddle = 鞍点のある関数"),
        Setting("path_steps", "軌跡のステップ数", "int", 0, min=0, max=5000,
                help="0 = 関数ごとの既定 (ellipse 40, rosenbrock 500, saddle 40)"),
        Setting("lr_scale", "学習率の倍率", "float", 1.0, min=0.001, max=100.0,
                help="各手法の既定の学習率 (Adadelta は学習率なし) に掛ける倍率"),
        Setting("batch_size", "バッチサイズ", "int", 128, min=1, max=1437),
    ),
    default_steps=500,
    note_id="optimizers",
    question_ids=("optimizers-momentum-ravine", "optimizers-adagrad-weakness", "optimizers-rmsprop",
                  "optimizers-adam", "optimizers-adadelta"),
    takeaway=("SGD は勾配の向きにしか進めないため、x²/20 + y² のように方向で曲率が大きく違う関数ではジグザグに"
              "進み、平らな方向の進みが遅くなります。Momentum と Nesterov は過去の更新を慣性として蓄えてジグザグを"
              "打ち消し、AdaGrad・RMSprop・Adadelta はパラメータごとに勾配の大きさで歩幅を調整します。Adam は両方を"
              "組み合わせ、バイアス補正で最初の数ステップも安定します。digits の MLP でも、同じステップ数なら "
              "Momentum 系や適応的な手法の損失は SGD よりずっと速く下がります。"),
    groups=("trajectory", "training"),
)


def surface_grid(function: str, nx: int = 60, ny: int = 30) -> dict[str, list]:
    """Function values on an nx × ny grid of the surface's view window (rows from top y to bottom y), for contours."""
    surface = SURFACES[function]
    x0, x1, y0, y1 = surface.bounds
    xs, ys = np.linspace(x0, x1, nx), np.linspace(y1, y0, ny)
    gx, gy = np.meshgrid(xs, ys)
    return {"x": xs.tolist(), "y": ys.tolist(), "z": np.round(surface.f(gx, gy), 4).tolist()}


def _trajectory(ctx: DemoContext, name: str, surface_name: str, steps: int, scale: float) -> RunResult:
    """Follow one optimizer from the start point; diverges (status) when the point leaves any sane range."""
    surface = SURFACES[surface_name]
    lr = None if name == "adadelta" else surface.lr[name] * scale
    opt = make_optimizer(name, **(ADADELTA_2D if lr is None else {"lr": lr}))
    run = ctx.add(RunResult(NAMES[name], "trajectory", "running", extra={
        "function": surface_name, "title": surface.title, "bounds": list(surface.bounds),
        "minimum": list(surface.minimum), "lr": lr}))
    point = {"p": np.array(surface.start, dtype=np.float64)}
    xs, ys, fs = [surface.start[0]], [surface.start[1]], [surface.f(*surface.start)]
    run.series = {"x": xs, "y": ys, "f": fs}     # filled in place, so a cancelled run keeps its path so far
    steps = steps or surface.steps
    every = max(1, steps // PATH_REPORTS)
    for i in range(1, steps + 1):
        ctx.check()
        gx, gy = surface.grad(*point["p"])
        with np.errstate(all="ignore"):
            opt.update(point, {"p": np.array([gx, gy])})
        x, y = (float(v) for v in point["p"])
        if not (np.isfinite(x) and np.isfinite(y)) or max(abs(x), abs(y)) > 1e6:
            run.status = "diverged"
            break
        xs.append(x)
        ys.append(y)
        fs.append(float(surface.f(x, y)))
        if i % every == 0 or i == steps:
            ctx.emit(run, i, steps, {"f": fs[-1]}, {"x": x, "y": y}, done=i == steps)
    if run.status == "running":
        run.status = "finished"
    run.final = {"f": fs[-1], "x": xs[-1], "y": ys[-1],
                 "distance": float(np.hypot(xs[-1] - surface.minimum[0], ys[-1] - surface.minimum[1]))}
    if run.status == "diverged":
        ctx.emit(run, len(xs) - 1, steps, {"f": fs[-1]}, {"x": xs[-1], "y": ys[-1]}, done=True)
    return run


def run(ctx: DemoContext) -> None:
    """Trajectories for every optimizer, then every optimizer training the same digits MLP."""
    s = ctx.settings
    for name in NAMES:
        _trajectory(ctx, name, s["function"], s["path_steps"], s["lr_scale"])
    data = datasets.digits(ctx.seed)
    for name, lr in MLP_LR.items():
        net = ctx.mlp(64, [100] * 4, 10, "relu", "he")
        trainer = ctx.trainer(net, name, data, None if lr is None else lr * s["lr_scale"], s["batch_size"])
        ctx.train(f"{NAMES[name]} (MLP)", "training", trainer)
    _findings(ctx)


def _findings(ctx: DemoContext) -> None:
    """State how close each trajectory ended to the minimum and how each MLP loss compares with SGD's."""
    for run in ctx.result.group("trajectory"):
        state = "発散" if run.status == "diverged" else f"最小点までの距離 {run.final['distance']:.3f}"
        ctx.result.findings.append(f"{run.label} ({run.extra['function']}): {state}")
    runs = ctx.result.group("training")
    sgd = ctx.result.runs.get("SGD (MLP)")
    if sgd is None or "loss" not in sgd.final:
        return
    for run in runs:
        if run is not sgd and "loss" in run.final:
            word = "<" if run.final["loss"] < sgd.final["loss"] else "≥"
            ctx.result.findings.append(
                f"{run.label} の最終損失 {run.final['loss']:.4f} {word} SGD {sgd.final['loss']:.4f}")
