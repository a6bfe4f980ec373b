"""Optimizers: each follows its documented update rule step by step and draws the classic ch06 picture."""

from __future__ import annotations

import math

import numpy as np
import pytest

from eqprep.engine import optim

A = (0.1, 2.0)  # f(w) = ½(0.1·w₀² + 2·w₁²): the elongated bowl x²/20 + y²


def grad(w: list[float]) -> list[float]:
    return [a * wi for a, wi in zip(A, w)]


def reference_paths(name: str, hp: dict, steps: int) -> list[list[float]]:
    """The update rules written out with plain floats, one coordinate at a time."""
    w, path = [-7.0, 2.0], []
    state = [dict(v=0.0, h=0.0, m=0.0, s=0.0) for _ in w]
    for t in range(1, steps + 1):
        g = grad(w)
        for i, st in enumerate(state):
            if name == "sgd":
                w[i] -= hp["lr"] * g[i]
            elif name == "momentum":
                st["v"] = hp["momentum"] * st["v"] - hp["lr"] * g[i]
                w[i] += st["v"]
            elif name == "nesterov":
                st["v"] = hp["momentum"] * st["v"] - hp["lr"] * g[i]
                w[i] += hp["momentum"] * st["v"] - hp["lr"] * g[i]
            elif name == "adagrad":
                st["h"] += g[i] * g[i]
                w[i] -= hp["lr"] * g[i] / (math.sqrt(st["h"]) + hp["eps"])
            elif name == "rmsprop":
                st["h"] = hp["decay_rate"] * st["h"] + (1 - hp["decay_rate"]) * g[i] ** 2
                w[i] -= hp["lr"] * g[i] / (math.sqrt(st["h"]) + hp["eps"])
            elif name == "adadelta":
                rho, eps = hp["rho"], hp["eps"]
                st["h"] = rho * st["h"] + (1 - rho) * g[i] ** 2
                delta = -math.sqrt(st["s"] + eps) / math.sqrt(st["h"] + eps) * g[i]
                st["s"] = rho * st["s"] + (1 - rho) * delta ** 2
                w[i] += delta
            elif name == "adam":
                b1, b2 = hp["beta1"], hp["beta2"]
                st["m"] = b1 * st["m"] + (1 - b1) * g[i]
                st["v"] = b2 * st["v"] + (1 - b2) * g[i] ** 2
                m_hat, v_hat = st["m"] / (1 - b1 ** t), st["v"] / (1 - b2 ** t)
                w[i] -= hp["lr"] * m_hat / (math.sqrt(v_hat) + hp["eps"])
        path.append(list(w))
    return path


HYPER = {
    "sgd": {"lr": 0.3},
    "momentum": {"lr": 0.1, "momentum": 0.8},
    "nesterov": {"lr": 0.1, "momentum": 0.8},
    "adagrad": {"lr": 0.5, "eps": 1e-7},
    "rmsprop": {"lr": 0.1, "decay_rate": 0.9, "eps": 1e-7},
    "adadelta": {"rho": 0.9, "eps": 1e-4},
    "adam": {"lr": 0.2, "beta1": 0.8, "beta2": 0.99, "eps": 1e-8},
}


def engine_path(opt, steps: int, start=(-7.0, 2.0)) -> np.ndarray:
    """Run an engine optimizer on the bowl; params is a dict of two 1-element arrays."""
    params = {"x": np.array([start[0]]), "y": np.array([start[1]])}
    x_arr = params["x"]
    points = []
    for _ in range(steps):
        opt.update(params, {"x": A[0] * params["x"], "y": A[1] * params["y"]})
        points.append((params["x"][0], params["y"][0]))
    assert params["x"] is x_arr  # updated in place
    return np.array(points)


@pytest.mark.parametrize("name", sorted(HYPER))
def test_update_rule_step_by_step(name):
    ours = engine_path(optim.make_optimizer(name, **HYPER[name]), 25)
    assert np.allclose(ours, reference_paths(name, HYPER[name], 25), rtol=1e-12, atol=1e-12)


def test_classic_picture_on_the_elongated_bowl():
    """f = x²/20 + y² from (−7, 2), 30 steps, the course's learning rates."""
    sgd = engine_path(optim.SGD(0.95), 30)
    momentum = engine_path(optim.Momentum(0.1), 30)
    adagrad = engine_path(optim.AdaGrad(1.5), 30)
    adam = engine_path(optim.Adam(0.3), 30)
    # SGD zig-zags in the steep y direction on every step and crawls along x.
    assert np.all(np.sign(sgd[1:, 1]) != np.sign(sgd[:-1, 1]))
    assert sgd[-1, 0] < -0.3
    # Momentum rolls past the minimum in x like a ball (SGD never crosses x = 0).
    assert momentum[:, 0].max() > 0.5 and sgd[:, 0].max() < 0
    # AdaGrad damps the steep direction at once: no zig-zag, and it ends nearest the minimum.
    assert np.all(adagrad[:, 1] >= 0)
    ends = {name: np.hypot(*p[-1]) for name, p in
            {"sgd": sgd, "momentum": momentum, "adagrad": adagrad, "adam": adam}.items()}
    assert min(ends, key=ends.get) == "adagrad"
    # Every method gets much closer than the start (distance ≈ 7.3).
    assert all(d < 1.0 for d in ends.values())


def test_learning_rate_can_change_between_steps():
    opt = optim.SGD(0.1)
    p = {"w": np.array([1.0])}
    opt.update(p, {"w": np.array([1.0])})
    opt.lr = 0.5
    opt.update(p, {"w": np.array([1.0])})
    assert p["w"][0] == pytest.approx(0.4)


def test_make_optimizer_errors_are_japanese():
    with pytest.raises(ValueError, match="未知の最適化手法"):
        optim.make_optimizer("lion")
    with pytest.raises(ValueError, match="ハイパーパラメータ"):
        optim.make_optimizer("adam", momentum=0.9)


@pytest.mark.parametrize("name", sorted(optim.OPTIMIZERS))
def test_state_arrays_are_created_once_and_updated_in_place(name):
    opt = optim.make_optimizer(name)
    p = {"w": np.array([1.0, -2.0])}
    opt.update(p, {"w": np.array([0.5, 0.5])})
    states = {attr: store["w"] for attr, store in vars(opt).items() if isinstance(store, dict)}
    opt.update(p, {"w": np.array([0.5, 0.5])})
    assert all(getattr(opt, attr)["w"] is array for attr, array in states.items())
    assert (name == "sgd") == (not states)


@pytest.mark.parametrize("name", sorted(optim.OPTIMIZERS))
def test_scalar_params_are_updated_in_the_dict(name):
    """Bug fix: Python floats (the textbook's x²/20 + y² script) are written back, arrays stay in place."""
    scalars = {"x": -7.0, "y": 2.0}
    arrays = {"x": np.array(-7.0), "y": np.array([2.0])}
    a, b = optim.make_optimizer(name), optim.make_optimizer(name)
    for _ in range(3):
        a.update(scalars, {"x": scalars["x"] / 10, "y": 2.0 * scalars["y"]})
        b.update(arrays, {"x": arrays["x"] / 10, "y": 2.0 * arrays["y"]})
    assert type(scalars["x"]) is float and scalars["x"] != -7.0
    assert scalars["x"] == pytest.approx(float(arrays["x"]), rel=1e-12)
    assert scalars["y"] == pytest.approx(float(arrays["y"][0]), rel=1e-12)


def test_sgd_on_a_float_moves_it_and_refuses_what_it_cannot_update():
    p = {"x": -7.0}
    optim.SGD(0.1).update(p, {"x": 1.0})
    assert p["x"] == pytest.approx(-7.1)
    with pytest.raises(TypeError, match="NumPy 配列か数値"):
        optim.SGD(0.1).update({"x": [1.0, 2.0]}, {"x": 1.0})
