"""Every demo's takeaway against its own numbers: default settings and steps, seeds 0–4.

Each test recomputes the quantities a claim is about from the raw series (not from the demo's own summary)
and fails if the takeaway states something the numbers do not show.
"""

from __future__ import annotations

from functools import cache
from itertools import pairwise

import numpy as np
import pytest

from eqprep.demos import DemoResult, run_demo

pytestmark = pytest.mark.slow  # every demo over five seeds
SEEDS = range(5)


@cache
def default_run(name: str, seed: int) -> DemoResult:
    """One default run per demo and seed, shared by the tests of this module."""
    return run_demo(name, seed=seed)


def assert_claims_hold(result: DemoResult, keys: set[str]) -> None:
    """The demo made exactly these claims, every one holds, and each one's sentence is in the takeaway."""
    assert {c.key for c in result.claims} == keys
    for c in result.claims:
        assert c.holds, c.text
        assert c.text in result.takeaway
    assert "教科書どおりにならなかった" not in result.takeaway


def _path(run) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[no-untyped-def]
    return np.asarray(run.series["x"]), np.asarray(run.series["y"])


def _zigzag(y: np.ndarray) -> int:
    steps = np.diff(y)
    return sum(1 for a, b in pairwise(steps) if a * b < 0)


def _length(x: np.ndarray, y: np.ndarray) -> float:
    return float(sum(np.hypot(x[i + 1] - x[i], y[i + 1] - y[i]) for i in range(len(x) - 1)))


def _first_inside(x: np.ndarray, y: np.ndarray, radius: float) -> int | None:
    return next((i for i, (a, b) in enumerate(zip(x, y)) if np.hypot(a, b) < radius), None)


@pytest.mark.parametrize("seed", SEEDS)
def test_optimizers_takeaway_matches_paths_and_losses(seed: int) -> None:
    result = default_run("optimizers", seed)
    assert_claims_hold(result, {"sgd_zigzag", "momentum_damps", "momentum_overshoots", "adaptive_direct",
                                "adadelta_slow_start", "mlp_faster_than_sgd"})
    paths = {run.label: _path(run) for run in result.group("trajectory")}
    assert len(paths) == 7 and all(len(x) == 41 for x, _ in paths.values())
    zig = {k: _zigzag(y) for k, (_, y) in paths.items()}
    length = {k: _length(x, y) for k, (x, y) in paths.items()}
    dist = {k: float(np.hypot(x[-1], y[-1])) for k, (x, y) in paths.items()}
    reach = {k: _first_inside(x, y, 1.0) for k, (x, y) in paths.items()}
    # SGD zigzags: the y-step flips nearly every step, far more than any other method.
    assert zig["SGD"] >= 35 and zig["SGD"] > 2 * max(v for k, v in zig.items() if k != "SGD")
    # Momentum and Nesterov damp it: shorter path, few flips, but they overshoot and end farther than SGD.
    for name in ("Momentum", "Nesterov"):
        assert length[name] < 0.5 * length["SGD"] and zig[name] < zig["SGD"] / 2
        assert dist[name] > dist["SGD"]
    # Adaptive methods barely oscillate; AdaGrad is first within radius 1; Adadelta never gets there.
    assert max(zig[k] for k in ("AdaGrad", "RMSprop", "Adadelta", "Adam")) <= 3
    assert reach["AdaGrad"] == min(v for v in reach.values() if v is not None)
    assert reach["Adadelta"] is None
    # On the digits MLP every other optimizer ends below SGD's loss after the same steps.
    sgd = result.runs["SGD (MLP)"].series["loss"][-1]
    others = [run.series["loss"][-1] for run in result.group("training") if run.label != "SGD (MLP)"]
    assert len(others) == 6 and max(others) < sgd


@pytest.mark.parametrize("seed", SEEDS)
def test_init_takeaway_matches_histograms_and_curves(seed: int) -> None:
    result = default_run("init", seed)
    assert_claims_hold(result, {"sigmoid_std1_saturates", "sigmoid_small_std_collapses", "relu_he_keeps_spread",
                                "relu_he_learns_sigmoid_small_does_not"})
    layers = {run.label: run.extra["layers"] for run in result.group("histogram")}
    assert len(layers) == 8                                   # 4 inits × (sigmoid, ReLU), 5 layers each
    last = layers["sigmoid / std 1"][-1]["counts"]
    assert (last[0] + last[-1]) / sum(last) > 0.4
    assert layers["sigmoid / std 0.01"][-1]["std"] < 0.05 < layers["sigmoid / Xavier"][-1]["std"]
    he, xavier = layers["relu / He"], layers["relu / Xavier"]
    assert he[-1]["std"] > 0.5 * he[0]["std"] and xavier[-1]["std"] < 0.5 * xavier[0]["std"]
    accs = {run.label: run.series["test_acc"][-1] for run in result.group("training")}
    assert accs["ReLU + He"] > accs["Sigmoid + std 0.01"] + 0.5


@pytest.mark.parametrize("seed", SEEDS)
def test_zero_init_takeaway_matches_weights(seed: int) -> None:
    result = default_run("zero-init", seed)
    assert_claims_hold(result, {"units_stay_identical", "symmetric_net_learns_less"})
    symmetric, random = result.runs.values()
    rows = np.array(symmetric.extra["weights"])
    assert np.abs(rows - rows[0]).max() < 1e-6 and np.abs(np.array(random.extra["weights"]) - random.extra["weights"][0]).max() > 0.1
    assert symmetric.series["test_acc"][-1] < random.series["test_acc"][-1] - 0.15


@pytest.mark.parametrize("seed", SEEDS)
def test_vanishing_takeaway_matches_gradient_norms(seed: int) -> None:
    result = default_run("vanishing", seed)
    assert_claims_hold(result, {"sigmoid_vanishes", "relu_and_bn_keep_gradients"})
    for run in result.group("gradients"):
        keys = sorted((k for k in run.series if k.startswith("grad_W")), key=lambda k: int(k[6:]))
        means = [float(np.mean(run.series[k])) for k in keys]
        ratio = means[0] / means[-1]
        assert (ratio < 1e-3) if run.label.startswith("sigmoid (") else (ratio > 0.1), run.label


@pytest.mark.parametrize("seed", SEEDS)
def test_batchnorm_takeaway_matches_accuracies(seed: int) -> None:
    result = default_run("batchnorm", seed)
    assert_claims_hold(result, {"bn_rescues_small_scales", "bn_wins_most_scales"})
    acc = {run.label: (run.series.get("train_acc") or [0.0])[-1] for run in result.group("training")}
    for scale in ("0.1", "0.03", "0.01", "0.001"):
        assert acc[f"std {scale} BN あり"] > acc[f"std {scale} BN なし"] + 0.3


@pytest.mark.parametrize("seed", SEEDS)
def test_overfit_takeaway_matches_accuracies(seed: int) -> None:
    result = default_run("overfit", seed)
    assert_claims_hold(result, {"plain_overfits", "regularizers_narrow_gap", "early_stopping_keeps_best"})
    runs = list(result.runs.values())
    gap = [r.final["train_acc"] - r.final["test_acc"] for r in runs]
    assert runs[0].series["train_acc"][-1] > 0.95 and gap[0] > 0.4
    assert max(runs[0].series["test_loss"][-1:]) > 1.5 * min(runs[0].series["test_loss"])
    for r, g in zip(runs[1:4], gap[1:4]):
        assert g < gap[0] - 0.1 and r.series["test_acc"][-1] >= runs[0].series["test_acc"][-1] - 0.01, r.label
    early = runs[4]
    best = int(np.argmax(early.series["test_acc"]))
    assert early.extra["restored_step"] == early.series["step"][best] and gap[4] < gap[0]


@pytest.mark.parametrize("seed", SEEDS)
def test_playground_takeaway_matches_losses(seed: int) -> None:
    result = default_run("playground", seed)
    assert_claims_hold(result, {"learned", "loss_fell"})
    run = next(iter(result.runs.values()))
    assert run.series["test_acc"][-1] >= 0.9
    assert run.series["loss"][-1] < run.series["loss"][0] and run.series["test_loss"][-1] < run.series["test_loss"][0]


@pytest.mark.parametrize("seed", SEEDS)
def test_cnn_takeaway_matches_accuracies(seed: int) -> None:
    result = default_run("cnn", seed)
    assert_claims_hold(result, {"shape_formula", "cnn_beats_mlp"})
    cnn, mlp = result.runs.values()
    assert cnn.series["test_acc"][-1] > mlp.series["test_acc"][-1] + 0.03


@pytest.mark.parametrize("seed", SEEDS)
def test_lr_schedule_takeaway_matches_tail_losses(seed: int) -> None:
    result = default_run("lr-schedule", seed)
    assert_claims_hold(result, {"decay_settles_lower", "decay_less_noisy"})
    lrs = {r.label: r.series["lr"] for r in result.group("schedule")}
    assert len(set(lrs["一定"])) == 1 and lrs["ステップ減衰"][-1] == pytest.approx(0.5 * 0.01)
    assert lrs["ウォームアップ + コサイン"][0] < 0.01 and max(lrs["ウォームアップ + コサイン"]) == pytest.approx(0.5)
    tails = {r.label: (r.extra["tail_mean"], r.extra["tail_std"]) for r in result.group("training")}
    const = tails["一定 (損失)"]
    for label in ("ステップ減衰 (損失)", "ウォームアップ + コサイン (損失)"):
        assert tails[label][0] < const[0] and tails[label][1] < const[1], label


@pytest.mark.parametrize("seed", SEEDS)
def test_rnn_gradients_takeaway_matches_backprop_norms(seed: int) -> None:
    result = default_run("rnn-gradients", seed)
    assert_claims_hold(result, {"vanishing", "exploding", "clipping_caps_exploding"})
    norms = {r.extra["scale"]: r.series["grad_norm"] for r in result.group("backprop")}
    assert norms[0.5][-1] / norms[0.5][0] < 1e-6
    assert norms[3.0][-1] / norms[3.0][0] > 1e3
    big = result.runs["W ×3"].final
    assert big["grad_w_norm"] > 1.0 and big["clipped_norm"] == pytest.approx(1.0) and big["cosine"] == pytest.approx(1.0)
