"""Demo ``optimizers``: seven optimizers on 2-D test functions (trajectories) and on a digits MLP (loss curves)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from eqprep.engine.optim import make_optimizer

from . import datasets
from .context import DemoContext
from .model import Claim, DemoSpec, RunResult, Setting, claim

NAMES = {"sgd": "SGD", "momentum": "Momentum", "nesterov": "Nesterov", "adagrad": "AdaGrad",
         "rmsprop": "RMSprop", "adadelta": "Adadelta", "adam": "Adam"}
MLP_LR = {"sgd": 0.01, "momentum": 0.01, "nesterov": 0.01, "adagrad": 0.01, "rmsprop": 0.001,
          "adadelta": None, "adam": 0.001}
ADADELTA_2D = {"rho": 0.9, "eps": 1e-3}   # larger ε than for networks, else the 2-D path barely starts
PATH_REPORTS = 20
Grid = float | np.ndarray


@dataclass(frozen=True)
class Surface:
    """A 2-D test function with its gradient, view window, start point, minimum and per-optimizer lr."""

    title: str
    f: Callable[[Grid, Grid], Grid]  # elementwise: floats along a path, NumPy grids for the contours
    grad: Callable[[float, float], tuple[float, float]]
    bounds: tuple[float, float, float, float]
    start: tuple[float, float]
    minimum: tuple[float, float]
    steps: int
    lr: dict[str, float]
    radius: float


SURFACES = {
    "ellipse": Surface(
        "x²/20 + y²", lambda x, y: x * x / 20 + y * y, lambda x, y: (x / 10, 2 * y),
        (-10.0, 10.0, -5.0, 5.0), (-7.0, 2.0), (0.0, 0.0), 40,
        {"sgd": 0.95, "momentum": 0.1, "nesterov": 0.1, "adagrad": 1.5, "rmsprop": 0.1, "adam": 0.3}, 1.0),
    "rosenbrock": Surface(
        "(1 − x)² + 100(y − x²)²", lambda x, y: (1 - x) ** 2 + 100 * (y - x * x) ** 2,
        lambda x, y: (-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)),
        (-2.0, 2.0, -1.0, 3.0), (-1.5, 2.0), (1.0, 1.0), 500,
        {"sgd": 0.002, "momentum": 0.0005, "nesterov": 0.0005, "adagrad": 1.0, "rmsprop": 0.02, "adam": 0.1}, 0.1),
    "saddle": Surface(
        "x² − y² + y⁴/4", lambda x, y: x * x - y * y + y ** 4 / 4, lambda x, y: (2 * x, -2 * y + y ** 3),
        (-2.5, 2.5, -2.5, 2.5), (-2.0, 0.001), (0.0, 1.4142), 40,
        {"sgd": 0.05, "momentum": 0.02, "nesterov": 0.02, "adagrad": 0.3, "rmsprop": 0.02, "adam": 0.05}, 0.1),
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
              "進みます。Momentum と Nesterov は慣性でジグザグを打ち消しますが最小点を行き過ぎ、AdaGrad・RMSprop・"
              "Adadelta・Adam はパラメータごとに歩幅を調整します。実行すると、経路長・y の歩幅の符号反転の回数・"
              "最小点の近くに入るまでのステップ数・最終距離の実測からまとめを作ります。"),
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
    xs, ys, fs = [surface.start[0]], [surface.start[1]], [float(surface.f(*surface.start))]
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
    metrics = path_metrics(xs, ys, surface.minimum, surface.radius)
    run.final = {"f": fs[-1], "x": xs[-1], "y": ys[-1], "distance": metrics["distance"],
                 "path_length": metrics["path_length"], "zigzag": float(metrics["zigzag"])}
    run.extra.update({"metrics": metrics, "radius": surface.radius})
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


def path_metrics(xs: list[float], ys: list[float], minimum: tuple[float, float], radius: float) -> dict:
    """Path length, y-step sign changes (zigzag), first step within ``radius`` of the minimum (None) and final distance."""
    x, y = np.asarray(xs), np.asarray(ys)
    dist = np.hypot(x - minimum[0], y - minimum[1])
    dy = np.diff(y)
    inside = np.nonzero(dist < radius)[0]
    return {"path_length": float(np.hypot(np.diff(x), dy).sum()),
            "zigzag": int(np.sum(dy[1:] * dy[:-1] < 0)),
            "steps_to_radius": int(inside[0]) if len(inside) else None,
            "distance": float(dist[-1])}


def _reach(steps: int | None) -> str:
    """Steps to the radius for text ('未到達' when never)."""
    return "未到達" if steps is None else f"{steps} ステップ"


def _findings(ctx: DemoContext) -> None:
    """Per-path measurements as findings, then the takeaway's claims checked against them."""
    paths = {r.label: r for r in ctx.result.group("trajectory") if r.status == "finished"}
    for run in ctx.result.group("trajectory"):
        if run.status == "diverged":
            ctx.result.findings.append(f"{run.label} ({run.extra['function']}): 発散")
            continue
        m = run.extra["metrics"]
        ctx.result.findings.append(
            f"{run.label}: 経路長 {m['path_length']:.2f}、y の歩幅の符号反転 {m['zigzag']} 回、"
            f"半径 {run.extra['radius']:g} 以内まで {_reach(m['steps_to_radius'])}、最終距離 {m['distance']:.3f}")
    claims = _path_claims(paths) if len(paths) == len(NAMES) else []
    claims += _training_claims(ctx)
    ctx.result.conclude(claims, "Adam は Momentum (勾配の移動平均) と RMSprop (勾配の二乗の移動平均) を組み合わせ、"
                                "バイアス補正で最初の数ステップの歩幅も安定させた手法です。")


def _path_claims(paths: dict[str, RunResult]) -> list[Claim]:
    """Zigzag of SGD, damping and overshoot of Momentum/Nesterov, adaptive steps: each checked on the paths."""
    m = {label: run.extra["metrics"] for label, run in paths.items()}
    sgd, mom, nes = m["SGD"], m["Momentum"], m["Nesterov"]
    turns = len(paths["SGD"].series["y"]) - 2
    others_zig = max(v["zigzag"] for k, v in m.items() if k != "SGD")
    radius = paths["SGD"].extra["radius"]
    reach = {k: v["steps_to_radius"] for k, v in m.items()}
    first = min((v for v in reach.values() if v is not None), default=None)
    adaptive = ("AdaGrad", "RMSprop", "Adadelta", "Adam")
    adaptive_zig = max(m[k]["zigzag"] for k in adaptive)
    title = paths["SGD"].extra["title"]
    return [
        claim("sgd_zigzag", turns > 0 and sgd["zigzag"] >= turns / 2 and sgd["zigzag"] > 2 * others_zig,
              f"{title} で SGD は勾配の向きにしか進めないため、曲率の大きい y 方向に行き来してジグザグに進みます"
              f" (y の歩幅の符号反転 {sgd['zigzag']}/{turns} 回、他の手法は多くて {others_zig} 回)。",
              f"{title} では SGD のジグザグははっきりしませんでした (y の歩幅の符号反転 {sgd['zigzag']}/{turns} 回、"
              f"他の手法は多くて {others_zig} 回)。"),
        claim("momentum_damps", max(mom["path_length"], nes["path_length"]) < 0.5 * sgd["path_length"]
              and max(mom["zigzag"], nes["zigzag"]) < sgd["zigzag"] / 2,
              f"Momentum と Nesterov は過去の更新を慣性として蓄えるので y 方向の行き来が打ち消され (符号反転 "
              f"{mom['zigzag']} 回・{nes['zigzag']} 回)、経路の長さは SGD の {sgd['path_length']:.1f} に対して "
              f"{mom['path_length']:.1f}・{nes['path_length']:.1f} です。",
              f"Momentum と Nesterov の経路 ({mom['path_length']:.1f}・{nes['path_length']:.1f}、符号反転 "
              f"{mom['zigzag']}・{nes['zigzag']} 回) は SGD ({sgd['path_length']:.1f}、{sgd['zigzag']} 回) の"
              "半分より短くはなりませんでした。"),
        claim("momentum_overshoots", min(mom["distance"], nes["distance"]) > sgd["distance"],
              f"ただし慣性で最小点を行き過ぎるため、最後の点の最小点までの距離は Momentum {mom['distance']:.2f}・"
              f"Nesterov {nes['distance']:.2f} で SGD の {sgd['distance']:.2f} より遠く、最終距離だけでは進み方の"
              "良し悪しは分かりません。",
              f"最後の点の最小点までの距離は Momentum {mom['distance']:.2f}・Nesterov {nes['distance']:.2f}、"
              f"SGD {sgd['distance']:.2f} でした。"),
        claim("adaptive_direct", adaptive_zig <= max(1, turns // 10) and first is not None
              and reach["AdaGrad"] == first,
              f"AdaGrad・RMSprop・Adadelta・Adam はパラメータごとに勾配の大きさで歩幅を割るので y 方向にほとんど"
              f"振動せず (符号反転は多くて {adaptive_zig} 回)、半径 {radius:g} 以内に最初に入るのは AdaGrad です"
              f" ({_reach(reach['AdaGrad'])}、SGD {_reach(reach['SGD'])}、Momentum "
              f"{_reach(reach['Momentum'])}、Adam {_reach(reach['Adam'])})。",
              f"適応的な手法の符号反転は多くて {adaptive_zig} 回、半径 {radius:g} 以内までのステップ数は AdaGrad "
              f"{_reach(reach['AdaGrad'])}、SGD {_reach(reach['SGD'])}、Adam {_reach(reach['Adam'])} でした。"),
        claim("adadelta_slow_start", reach["Adadelta"] is None,
              f"学習率を持たない Adadelta は最初の歩幅が ε で決まるほど小さく、{turns + 1} ステップでは半径 "
              f"{radius:g} 以内に届きません (最終距離 {m['Adadelta']['distance']:.2f})。",
              f"Adadelta は {_reach(reach['Adadelta'])}で半径 {radius:g} 以内に入りました。"),
    ]


def _training_claims(ctx: DemoContext) -> list[Claim]:
    """Every other optimizer's final MLP loss against SGD's after the same number of steps."""
    runs = {r.label: r for r in ctx.result.group("training") if "loss" in r.final}
    sgd = runs.pop("SGD (MLP)", None)
    if sgd is None or len(runs) < len(NAMES) - 1:
        return []
    for label, run in runs.items():
        word = "<" if run.final["loss"] < sgd.final["loss"] else "≥"
        ctx.result.findings.append(f"{label} の最終損失 {run.final['loss']:.4f} {word} SGD {sgd.final['loss']:.4f}")
    losses = [r.final["loss"] for r in runs.values()]
    worst = max(runs, key=lambda k: runs[k].final["loss"])
    return [claim("mlp_faster_than_sgd", max(losses) < sgd.final["loss"],
                  f"digits の MLP でも同じ {ctx.steps} ステップで比べると、SGD の損失 {sgd.final['loss']:.3f} に対して"
                  f"他の 6 手法はすべて低くなります ({min(losses):.4f}〜{max(losses):.4f})。",
                  f"digits の MLP では {worst.removesuffix(' (MLP)')} の損失 {runs[worst].final['loss']:.3f} が SGD の "
                  f"{sgd.final['loss']:.3f} 以上でした。")]
