"""Each demo's teaching claim, checked on its headless output with fixed seeds and reduced steps."""

from __future__ import annotations

import numpy as np
import pytest

from eqprep.demos import run_demo, surface_grid
from eqprep.demos.batchnorm import SCALES
from eqprep.demos.cnn import output_shapes
from eqprep.engine.conv import conv_output_size

pytestmark = pytest.mark.slow  # trains every demo


@pytest.fixture(scope="module")
def optimizers_result():
    """The optimizers demo (saddle function) with shortened MLP training."""
    return run_demo("optimizers", {"function": "saddle"}, seed=0, steps=100)


def test_adam_loss_below_sgd_after_same_steps(optimizers_result) -> None:
    runs = optimizers_result.runs
    assert runs["Adam (MLP)"].final["loss"] < 0.5 * runs["SGD (MLP)"].final["loss"]
    assert runs["Momentum (MLP)"].final["loss"] < runs["SGD (MLP)"].final["loss"]


def test_adaptive_optimizers_leave_the_saddle_faster_than_sgd(optimizers_result) -> None:
    runs = optimizers_result.runs
    assert runs["AdaGrad"].final["distance"] < 0.5 * runs["SGD"].final["distance"]
    assert runs["RMSprop"].final["distance"] < 0.5 * runs["SGD"].final["distance"]


def test_trajectories_start_at_the_start_point_and_fit_the_contour_grid(optimizers_result) -> None:
    for run in optimizers_result.group("trajectory"):
        assert (run.series["x"][0], run.series["y"][0]) == (-2.0, 0.001)
        assert len(run.series["x"]) == len(run.series["f"]) == 41
    grid = surface_grid("saddle", 10, 5)
    assert np.array(grid["z"]).shape == (5, 10)
    assert grid["z"][2][0] == pytest.approx(2.5 ** 2)     # f(−2.5, 0) = x²


def test_too_large_learning_rate_is_reported_as_diverged() -> None:
    result = run_demo("optimizers", {"lr_scale": 100.0, "path_steps": 30}, steps=2)
    assert "SGD" in result.diverged
    assert result.runs["SGD"].status == "diverged"


def test_relu_he_beats_sigmoid_small_std_and_histograms_show_saturation() -> None:
    result = run_demo("init", seed=0, steps=150)
    runs = result.runs
    assert runs["ReLU + He"].final["test_acc"] > runs["Sigmoid + std 0.01"].final["test_acc"] + 0.5
    assert runs["sigmoid / std 0.01"].final["std_last"] < 0.05            # every unit outputs about 0.5
    big = runs["sigmoid / std 1"].extra["layers"][-1]["counts"]
    assert (big[0] + big[-1]) / sum(big) > 0.4                   # sigmoid outputs stuck at 0 and 1
    assert runs["sigmoid / Xavier"].final["std_last"] > 2 * runs["sigmoid / std 0.01"].final["std_last"]
    assert runs["relu / He"].final["std_last"] > 0.5 * runs["relu / He"].final["std_first"]


@pytest.mark.parametrize("init", ["zeros", "constant"])
def test_equal_initial_weights_keep_hidden_units_identical(init: str) -> None:
    result = run_demo("zero-init", {"init": init}, seed=0, steps=100)
    symmetric, random = list(result.runs.values())
    assert symmetric.extra["unit_spread"] < 1e-6
    rows = np.array(symmetric.extra["weights"])
    assert np.allclose(rows, rows[0])
    assert random.extra["unit_spread"] > 0.1
    assert symmetric.final["test_acc"] < random.final["test_acc"] - 0.15


def test_deep_sigmoid_gradients_vanish_towards_the_input() -> None:
    result = run_demo("vanishing", seed=0, steps=40)
    sigmoid = result.runs["sigmoid (Xavier)"].extra["grad_norms"]
    assert all(a < b for a, b in zip(sigmoid[:-1], sigmoid[1:]))      # shrinks layer by layer
    assert result.runs["sigmoid (Xavier)"].final["input_output_ratio"] < 1e-3
    assert result.runs["ReLU (He)"].final["input_output_ratio"] > 0.1
    assert result.runs["sigmoid + BatchNorm"].final["input_output_ratio"] > 0.1


def test_batchnorm_trains_at_bad_weight_scales() -> None:
    result = run_demo("batchnorm", seed=0, steps=100)
    for scale in (0.1, 0.03, 0.01):
        plain = result.runs[f"std {scale:g} BN なし"].final["train_acc"]
        bn = result.runs[f"std {scale:g} BN あり"].final["train_acc"]
        assert bn > plain + 0.3
    assert len(result.group("training")) == 2 * len(SCALES)


@pytest.fixture(scope="module")
def overfit_result():
    """The overfit demo with its default settings and steps (MNIST-1D, 1400 training samples)."""
    return run_demo("overfit", seed=0)


def test_big_net_memorises_the_small_training_set(overfit_result) -> None:
    plain = overfit_result.runs["正則化なし"]
    assert plain.final["train_acc"] > 0.95
    assert plain.final["gap"] > 0.4                                    # test accuracy plateaus far lower
    assert plain.final["test_loss"] > 1.5 * min(plain.series["test_loss"])     # validation loss rises again


def test_regularizers_shrink_the_gap_and_keep_or_raise_test_accuracy(overfit_result) -> None:
    runs = overfit_result.runs
    plain = runs["正則化なし"].final
    for label in ("L2 (λ=0.015)", "L1 (λ=0.0015)", "Dropout (0.05)"):
        assert runs[label].final["gap"] < plain["gap"] - 0.1, label
        assert runs[label].final["test_acc"] >= plain["test_acc"] - 0.01, label


def test_early_stopping_watches_accuracy_and_restores_the_best_weights(overfit_result) -> None:
    run = overfit_result.runs["Early stopping"]
    steps, accs = run.series["step"], run.series["test_acc"]
    best = int(np.argmax(accs))
    report_every = overfit_result.steps // 25
    assert run.status == "early_stopped" and run.extra["stopped_at"] < overfit_result.steps      # seed 0
    assert run.extra["restored_step"] == steps[best]
    assert run.extra["stopped_at"] <= steps[best] + overfit_result.settings["patience"] * report_every
    assert run.final["test_acc"] == pytest.approx(accs[best])       # the restored network's accuracy
    assert run.final["gap"] < overfit_result.runs["正則化なし"].final["gap"]


def test_playground_needs_a_hidden_layer_for_the_circle() -> None:
    deep = run_demo("playground", {"dataset": "circle", "grid": 12}, seed=0)
    flat = run_demo("playground", {"dataset": "circle", "hidden": ""}, seed=0, steps=1500)
    squares = run_demo("playground", {"dataset": "circle", "hidden": "", "features": "x1^2,x2^2"}, seed=0, steps=1500)
    assert squares.runs[next(iter(squares.runs))].final["test_acc"] > 0.9       # x₁², x₂² make the circle linear
    assert deep.runs[next(iter(deep.runs))].final["test_acc"] > 0.9
    assert flat.runs[next(iter(flat.runs))].final["test_acc"] < 0.75
    run = deep.runs[next(iter(deep.runs))]
    boundary = np.array(run.extra["boundary"])
    assert boundary.shape == (12, 12)
    assert boundary[6, 6] > 0.5 > boundary[0, 0]      # class 1 (the disc) in the middle, ring outside
    assert len(run.extra["points"]) == len(run.extra["test_points"]) == 250
    assert run.series["epoch"][-1] == run.extra["epochs"] == 120          # 3000 steps of 25 batches per epoch


def test_cnn_shapes_follow_the_formula_and_it_beats_a_same_size_mlp() -> None:
    result = run_demo("cnn", seed=0, steps=300)
    cnn, mlp = list(result.runs.values())
    shapes = cnn.extra["shapes"]
    measured = cnn.extra["measured_shapes"]
    assert measured["conv"] == shapes[1]["shape"]
    assert shapes[2]["shape"] in [shape for _name, shape in measured["layers"]]     # after pooling
    assert measured["layers"][-1][1] == [10]
    assert shapes[1]["shape"][1] == conv_output_size(12, 3, 1, 1)
    assert abs(cnn.extra["params"] - mlp.extra["params"]) / cnn.extra["params"] < 0.05
    assert cnn.final["test_acc"] > mlp.final["test_acc"] + 0.03
    assert np.array(cnn.extra["filters"]).shape == np.array(cnn.extra["filters_before"]).shape == (8, 3, 3)
    assert not np.allclose(cnn.extra["filters"], cnn.extra["filters_before"])


@pytest.mark.parametrize("size,fs,pad,stride", [(8, 3, 1, 1), (12, 5, 0, 1), (12, 3, 1, 2), (8, 2, 0, 2)])
def test_output_shapes_table_uses_the_conv_formula(size: int, fs: int, pad: int, stride: int) -> None:
    rows = output_shapes(size, 4, fs, pad, stride, 16)
    out = (size + 2 * pad - fs) // stride + 1
    assert rows[1]["shape"] == [4, out, out]
    assert rows[2]["shape"] == [4, out // 2, out // 2]
    assert rows[3]["formula"].endswith(f"= {4 * (out // 2) ** 2} → 16")
