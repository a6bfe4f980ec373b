"""Demo ``lr-schedule``: constant vs step decay vs warm-up + cosine learning rate on the same digits MLP."""

from __future__ import annotations

import math

import numpy as np

from . import datasets
from .context import DemoContext
from .model import DemoSpec, RunResult, Setting, claim

SCHEDULES = {"constant": "一定", "step": "ステップ減衰", "cosine": "ウォームアップ + コサイン"}
REPORTS = 50
TAIL = 0.1                  # the last 10 % of the steps, where the schedules differ most


SPEC = DemoSpec(
    name="lr-schedule",
    title="学習率スケジュール (learning rate schedule)",
    summary="同じネットを学習率一定・ステップ減衰・ウォームアップ + コサイン減衰で学習し、学習率と損失の推移を比べる",
    settings=(
        Setting("lr", "最大の学習率 (SGD)", "float", 0.5, min=1e-4, max=5.0),
        Setting("warmup", "ウォームアップの割合", "float", 0.1, min=0.0, max=0.5),
        Setting("decay", "ステップ減衰の倍率 (50 % と 75 % の時点で掛ける)", "float", 0.1, min=0.001, max=1.0),
        Setting("batch_size", "バッチサイズ", "int", 8, min=1, max=1437),
    ),
    default_steps=1000,
    note_id="optimizers",
    question_ids=("lrs-why-decay", "lrs-warmup-why", "lrs-drill-step-decay", "lrs-drill-warmup-cosine",
                  "gradient-descent-lr-large"),
    takeaway=("学習率が一定のままだと、終盤もミニバッチごとの勾配のばらつきで損失が揺れ続けます。ステップ減衰や"
              "コサイン減衰で終盤の学習率を下げると、損失は低く落ち着きます。ウォームアップは最初の数ステップ、"
              "学習率を小さくして、初期のまだ不安定な更新を穏やかにします。実行すると実測からまとめを作ります。"),
    groups=("schedule", "training"),
)


def learning_rate(kind: str, step: int, total: int, peak: float, warmup: float, decay: float) -> float:
    """The learning rate of one schedule at ``step`` (1-based) of ``total``."""
    if kind == "step":
        return peak * decay ** ((step > total * 0.5) + (step > total * 0.75))
    if kind == "cosine":
        warm = int(total * warmup)
        if step <= warm:
            return peak * step / warm
        return 0.5 * peak * (1 + math.cos(math.pi * (step - warm) / max(1, total - warm)))
    return peak


def _train(ctx: DemoContext, kind: str, data: datasets.Split) -> tuple[RunResult, RunResult]:
    """Train one schedule, setting the optimizer's lr before every step; returns the lr and the loss runs."""
    s = ctx.settings
    total = ctx.steps
    net = ctx.mlp(64, [100, 100], 10, "relu", "he")
    trainer = ctx.trainer(net, "sgd", data, s["lr"], s["batch_size"])
    label = SCHEDULES[kind]
    lrs = [learning_rate(kind, i, total, s["lr"], s["warmup"], s["decay"]) for i in range(1, total + 1)]
    sched = ctx.add(RunResult(label, "schedule", "finished", series={"step": [float(i) for i in range(1, total + 1)],
                                                                      "lr": lrs}))
    ctx.emit(sched, total, total, {"lr": lrs[-1]}, {"lr": lrs}, done=True)
    run = ctx.add(RunResult(f"{label} (損失)", "training", "running"))
    every = max(1, total // REPORTS)
    batch_losses: list[float] = []
    window: list[float] = []
    x_test, t_test = data[2], data[3]
    for i in range(1, total + 1):
        ctx.check()
        trainer.optimizer.lr = lrs[i - 1]
        loss = float(trainer.step())
        batch_losses.append(loss)
        window.append(loss)
        if not np.isfinite(loss):
            run.status = "diverged"
            ctx.emit(run, i, total, {"loss": loss}, done=True)
            break
        if i % every == 0 or i == total:
            metrics = {"loss": float(np.mean(window)), "lr": lrs[i - 1],
                       "test_loss": float(net.loss(x_test, t_test)), "test_acc": float(net.accuracy(x_test, t_test))}
            window = []
            for key, value in (("step", float(i)), *metrics.items()):
                run.series.setdefault(key, []).append(value)
            run.final = metrics
            ctx.emit(run, i, total, metrics, done=i == total)
    if run.status == "running":
        run.status = "finished"
    tail = batch_losses[-max(1, int(total * TAIL)):]
    run.extra.update({"tail_mean": float(np.mean(tail)), "tail_std": float(np.std(tail))})
    return sched, run


def run(ctx: DemoContext) -> None:
    """The three schedules on the same network, data, initial weights and mini-batch order."""
    data = datasets.digits(ctx.seed)
    runs = {kind: _train(ctx, kind, data)[1] for kind in SCHEDULES}
    for kind, r in runs.items():
        ctx.result.findings.append(f"{SCHEDULES[kind]}: 終盤 {TAIL:.0%} のミニバッチ損失 平均 {r.extra['tail_mean']:.4f}"
                                   f" / 標準偏差 {r.extra['tail_std']:.4f}、テスト精度 {r.final.get('test_acc', 0):.3f}")
    if any(r.status != "finished" for r in runs.values()):
        ctx.result.conclude([claim("decay_settles", False, "", "発散した run があります。lr を下げてください。")])
        return
    c, st, co = runs["constant"].extra, runs["step"].extra, runs["cosine"].extra
    s = ctx.settings
    ctx.result.conclude([
        claim("decay_settles_lower", max(st["tail_mean"], co["tail_mean"]) < c["tail_mean"],
              f"終盤の {TAIL:.0%} のミニバッチ損失の平均は、学習率一定の {c['tail_mean']:.4f} に対して ステップ減衰 "
              f"{st['tail_mean']:.4f}、ウォームアップ + コサイン {co['tail_mean']:.4f} と低く落ち着きます。",
              f"終盤の損失の平均は 一定 {c['tail_mean']:.4f}、ステップ減衰 {st['tail_mean']:.4f}、コサイン "
              f"{co['tail_mean']:.4f} で、減衰が低いとは言えませんでした。"),
        claim("decay_less_noisy", max(st["tail_std"], co["tail_std"]) < c["tail_std"],
              f"損失の揺れ (終盤の標準偏差) も 一定 {c['tail_std']:.4f} → ステップ減衰 {st['tail_std']:.4f}、"
              f"コサイン {co['tail_std']:.4f} と小さくなります。学習率が小さいほど 1 回の更新で動く量が小さいからです。",
              f"終盤の損失の標準偏差は 一定 {c['tail_std']:.4f}、ステップ減衰 {st['tail_std']:.4f}、コサイン "
              f"{co['tail_std']:.4f} でした。"),
    ], f"ウォームアップ + コサインでは最初の {s['warmup']:.0%} のステップで学習率を 0 から {s['lr']:g} まで上げ、"
       "初期の不安定な更新を穏やかにします。")
