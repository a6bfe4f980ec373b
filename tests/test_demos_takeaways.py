"""Every demo's takeaway against its own numbers: default settings and steps, seeds 0–4.

Each test recomputes the quantities a claim is about from the raw series (not from the demo's own summary)
and fails if the takeaway states something the numbers do not show.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from eqprep.demos import DemoResult, run_demo

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
    return sum(1 for a, b in zip(steps[:-1], steps[1:]) if a * b < 0)


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
