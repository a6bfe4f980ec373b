"""Demo ``rnn-gradients``: gradient norms back through time in a tanh RNN for several weight scales, and clipping."""

from __future__ import annotations

import numpy as np

from .context import DemoContext
from .model import DemoSpec, RunResult, Setting, claim

INPUTS, SEQUENCES = 4, 16

SPEC = DemoSpec(
    name="rnn-gradients",
    title="RNN の勾配消失・爆発 (BPTT)",
    summary="tanh の RNN で誤差を時刻をさかのぼって伝えたときの勾配の大きさを、再帰重みの大きさごとに比べ、"
            "勾配クリッピングの効果を見る",
    settings=(
        Setting("scales", "再帰重み W の倍率 (直交行列に掛ける、カンマ区切り)", "numbers", (0.5, 1.0, 3.0), min=0.01, max=10),
        Setting("hidden", "隠れ状態の次元", "int", 32, min=2, max=256),
        Setting("clip", "勾配クリッピングのしきい値 (ノルム)", "float", 1.0, min=1e-3, max=1e6),
        Setting("lr", "1 回の更新の学習率", "float", 0.1, min=1e-5, max=10.0),
    ),
    default_steps=40,
    note_id="rnn",
    question_ids=("rnn-bptt-vanishing", "rnn-code-bptt", "rnn-code-clipping", "vanishing-gradient-drill-clipping",
                  "vanishing-gradient-code-clipping"),
    takeaway=("BPTT では時刻を 1 つさかのぼるたびに diag(1 − h²) Wᵀ が掛かるので、その大きさが 1 より小さいと勾配は"
              "指数的に小さく (勾配消失)、大きいと指数的に大きく (勾配爆発) なります。勾配クリッピングは勾配の"
              "ノルムがしきい値を超えたときだけ向きを保って縮めるので、爆発は抑えますが消失は治しません。"
              "実行すると実測からまとめを作ります。"),
    groups=("backprop",),
)


def backprop_norms(scale: float, steps: int, hidden: int, seed: int) -> tuple[np.ndarray, np.ndarray, float]:
    """Mean ‖∂L/∂h_{T−k}‖ for k = 0..T over SEQUENCES random sequences, ∂L/∂W (summed) and the loss.

    h_t = tanh(h_{t−1} W + x_t U), h_0 = 0, W = scale × a random orthogonal matrix; L = ½ Σ (v·h_T − 1)².
    """
    rng = np.random.default_rng([seed, int(scale * 1000)])
    q, _ = np.linalg.qr(rng.standard_normal((hidden, hidden)))
    w = scale * q
    u = rng.standard_normal((INPUTS, hidden)) * 0.5 / np.sqrt(INPUTS)
    v = rng.standard_normal(hidden) / np.sqrt(hidden)
    x = rng.standard_normal((steps, SEQUENCES, INPUTS))
    hs = [np.zeros((SEQUENCES, hidden))]
    for t in range(steps):
        hs.append(np.tanh(hs[-1] @ w + x[t] @ u))
    err = hs[-1] @ v - 1.0
    loss = float(0.5 * np.sum(err ** 2))
    g = np.outer(err, v)                                   # ∂L/∂h_T
    norms, grad_w = [np.linalg.norm(g, axis=1).mean()], np.zeros_like(w)
    for t in range(steps, 0, -1):
        delta = g * (1.0 - hs[t] ** 2)                     # back through tanh
        grad_w += hs[t - 1].T @ delta
        g = delta @ w.T                                     # back through W to h_{t−1}
        norms.append(np.linalg.norm(g, axis=1).mean())
    return np.asarray(norms), grad_w, loss


def clipped(grad: np.ndarray, threshold: float) -> np.ndarray:
    """Gradient clipping by norm: rescale to ``threshold`` when the norm is larger, else unchanged."""
    norm = float(np.linalg.norm(grad))
    return grad * (threshold / norm) if norm > threshold else grad


def run(ctx: DemoContext) -> None:
    """One run per weight scale: norms back through time, then one update with and without clipping."""
    s = ctx.settings
    steps, threshold = ctx.steps, s["clip"]          # the demo's steps are the time steps T back through time
    for scale in s["scales"]:
        ctx.check()
        norms, grad_w, loss = backprop_norms(float(scale), steps, s["hidden"], ctx.seed)
        raw, clip = np.linalg.norm(grad_w), np.linalg.norm(clipped(grad_w, threshold))
        cosine = float(np.sum(grad_w * clipped(grad_w, threshold)) / max(raw * clip, 1e-300))
        ratio = float(norms[-1] / norms[0])
        run = ctx.add(RunResult(f"W ×{scale:g}", "backprop", "finished",
                                series={"lag": [float(k) for k in range(steps + 1)],
                                        "grad_norm": [float(n) for n in norms]},
                                final={"ratio": ratio, "grad_w_norm": float(raw), "clipped_norm": float(clip),
                                       "step_raw": float(s["lr"] * raw), "step_clipped": float(s["lr"] * clip),
                                       "cosine": cosine, "loss": loss},
                                extra={"scale": float(scale)}))
        ctx.emit(run, steps, steps, {"ratio": ratio}, {"grad_norms": run.series["grad_norm"]}, done=True)
        ctx.result.findings.append(
            f"W ×{scale:g}: ‖∂L/∂h‖ は {steps} 時刻さかのぼると {ratio:.1e} 倍、‖∂L/∂W‖ = {raw:.2e} → クリップ後 "
            f"{clip:.2e} (1 回の更新で W が動く量 {s['lr'] * raw:.2e} → {s['lr'] * clip:.2e}、向きの cos {cosine:.3f})")
    _conclude(ctx)


def _conclude(ctx: DemoContext) -> None:
    """Claims on the smallest and the largest scale."""
    runs = sorted(ctx.result.group("backprop"), key=lambda r: r.extra["scale"])
    if len(runs) < 2:
        return
    small, big = runs[0], runs[-1]
    steps, threshold = ctx.steps, ctx.settings["clip"]
    fs, fb = small.final, big.final
    ctx.result.conclude([
        claim("vanishing", fs["ratio"] < 1e-6,
              f"W ×{small.extra['scale']:g} では {steps} 時刻さかのぼると勾配が {fs['ratio']:.1e} 倍になり、"
              "遠い過去の入力からはほとんど学習できません (勾配消失)。",
              f"W ×{small.extra['scale']:g} でも {steps} 時刻で勾配は {fs['ratio']:.1e} 倍で、消失とは言えませんでした。"),
        claim("exploding", fb["ratio"] > 1e3,
              f"W ×{big.extra['scale']:g} では同じ {steps} 時刻で {fb['ratio']:.1e} 倍に膨らみます (勾配爆発)。",
              f"W ×{big.extra['scale']:g} では {steps} 時刻で {fb['ratio']:.1e} 倍で、爆発とは言えませんでした。"),
        claim("clipping_caps_exploding", fb["grad_w_norm"] > threshold and fb["cosine"] > 0.999999
              and abs(fb["clipped_norm"] - threshold) <= 1e-6 * threshold,
              f"しきい値 {threshold:g} の勾配クリッピングは爆発した ‖∂L/∂W‖ = {fb['grad_w_norm']:.1e} を向きを変えずに "
              f"(cos {fb['cosine']:.3f}) {fb['clipped_norm']:.3g} に縮め、1 回の更新で W が動く量を {fb['step_raw']:.1e} から "
              f"{fb['step_clipped']:.2g} に抑えます。ただし勾配全体を同じ倍率で縮めるだけなので、遠い時刻の勾配が近い時刻の "
              f"{fs['ratio']:.1e} 倍しかないという消失の比は変わりません。",
              f"クリッピング前後のノルム: {fb['grad_w_norm']:.1e} → {fb['clipped_norm']:.1e} (しきい値 {threshold:g}) でした。"),
    ], "長い系列には、勾配が時刻をまたいでも小さくなりにくい LSTM や GRU を使います。")
