"""The NumPy engine agrees with PyTorch (float64): optimizers over 200 steps, every layer, MLP and CNN gradients.

Skipped without the torch extra. The tolerance (TOL) is what docs/demos.md states to learners.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from eqprep.engine import MultiLayerNet, SimpleConvNet
from eqprep.engine import optim as eng_optim
from eqprep.engine.conv import AvgPooling, Convolution, Flatten, Pooling
from eqprep.engine.fused import ConvPoolRelu
from eqprep.engine.layers import (
    Affine,
    BatchNormalization,
    Dropout,
    LeakyRelu,
    MeanSquaredError,
    Relu,
    Sigmoid,
    SoftmaxWithLoss,
    Tanh,
)

torch = pytest.importorskip("torch")
F = torch.nn.functional

TOL = 1e-12  # largest absolute difference allowed anywhere below (float64 on both sides; measured max 1.1e-14)
STEPS = 200


def _t(a: np.ndarray, grad: bool = False) -> Any:
    return torch.tensor(a, dtype=torch.float64, requires_grad=grad)


def _close(engine: np.ndarray, reference: Any, tol: float = TOL) -> None:
    ref = reference.detach().numpy() if hasattr(reference, "detach") else np.asarray(reference)
    assert engine.shape == ref.shape
    np.testing.assert_allclose(engine, ref, rtol=0, atol=tol)


OPTIMIZERS: dict[str, tuple[Callable[[], Any], Callable[[list[Any]], Any]]] = {
    "sgd": (lambda: eng_optim.SGD(lr=0.05), lambda p: torch.optim.SGD(p, lr=0.05)),
    "momentum": (lambda: eng_optim.Momentum(lr=0.05, momentum=0.9),
                 lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9)),
    "nesterov": (lambda: eng_optim.Nesterov(lr=0.05, momentum=0.9),
                 lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True)),
    "adagrad": (lambda: eng_optim.AdaGrad(lr=0.1, eps=1e-7), lambda p: torch.optim.Adagrad(p, lr=0.1, eps=1e-7)),
    "rmsprop": (lambda: eng_optim.RMSprop(lr=0.01, decay_rate=0.99, eps=1e-7),
                lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.99, eps=1e-7)),
    "adadelta": (lambda: eng_optim.Adadelta(rho=0.95, eps=1e-6),
                 lambda p: torch.optim.Adadelta(p, lr=1.0, rho=0.95, eps=1e-6)),
    "adam": (lambda: eng_optim.Adam(lr=0.01), lambda p: torch.optim.Adam(p, lr=0.01)),
}


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_optimizer_matches_torch_over_200_steps(name: str) -> None:
    """Both sides are fed the same gradient sequence; parameters must agree after every step."""
    make_engine, make_torch = OPTIMIZERS[name]
    rng = np.random.default_rng(0)
    params = {"W": rng.normal(size=(5, 4)), "b": rng.normal(size=4)}
    tensors = {k: _t(v.copy(), grad=True) for k, v in params.items()}
    engine, reference = make_engine(), make_torch(list(tensors.values()))
    for _ in range(STEPS):
        grads = {k: rng.normal(size=v.shape) * 2.0 for k, v in params.items()}
        engine.update(params, grads)
        for k, tensor in tensors.items():
            tensor.grad = _t(grads[k])
        reference.step()
        for k, value in params.items():
            _close(value, tensors[k])
    assert not np.allclose(params["W"], np.random.default_rng(0).normal(size=(5, 4)))  # it really moved


def _layer_case(layer: Any, x: np.ndarray, torch_fn: Callable[[Any], Any], seed: int = 1) -> None:
    """Forward equal, and backward of a random upstream gradient equal to autograd's dx."""
    y = layer.forward(x.copy(), True)
    tx = _t(x, grad=True)
    ty = torch_fn(tx)
    _close(y, ty)
    dout = np.random.default_rng(seed).normal(size=y.shape)
    ty.backward(_t(dout))
    _close(layer.backward(dout), tx.grad)


X = np.random.default_rng(3).normal(size=(6, 5)) * 2


def test_activations_match_torch() -> None:
    _layer_case(Relu(), X, F.relu)
    _layer_case(LeakyRelu(0.01), X, lambda t: F.leaky_relu(t, 0.01))
    _layer_case(Sigmoid(), X, torch.sigmoid)
    _layer_case(Tanh(), X, torch.tanh)


def test_affine_matches_linear_including_weight_grads() -> None:
    rng = np.random.default_rng(4)
    w, b = rng.normal(size=(5, 3)), rng.normal(size=3)
    layer = Affine(w, b)
    tw, tb = _t(w.T.copy(), grad=True), _t(b, grad=True)
    _layer_case(layer, X, lambda t: F.linear(t, tw, tb))
    _close(layer.dW, tw.grad.T)
    _close(layer.db, tb.grad)


def test_losses_match_torch() -> None:
    labels = np.array([0, 2, 1, 4, 3, 2])
    softmax = SoftmaxWithLoss()
    tx = _t(X, grad=True)
    loss = F.cross_entropy(tx, torch.tensor(labels))
    assert abs(softmax.forward(X, labels) - loss.item()) < TOL
    loss.backward()
    _close(softmax.backward(), tx.grad)
    target = np.random.default_rng(5).normal(size=X.shape)
    mse = MeanSquaredError()
    tx = _t(X, grad=True)
    loss = 0.5 * F.mse_loss(tx, _t(target), reduction="sum") / X.shape[0]  # the course's (1/2N) Σ (y − t)²
    assert abs(mse.forward(X, target) - loss.item()) < TOL
    loss.backward()
    _close(mse.backward(), tx.grad)


def test_batchnorm_matches_torch_training_mode() -> None:
    """Engine momentum 0.9 (weight of the past) is torch momentum 0.1; torch keeps an unbiased running_var."""
    rng = np.random.default_rng(6)
    gamma, beta = rng.normal(size=5), rng.normal(size=5)
    layer = BatchNormalization(gamma.copy(), beta.copy(), momentum=0.9, eps=1e-6)
    tg, tb = _t(gamma, grad=True), _t(beta, grad=True)
    running_mean, running_var = torch.zeros(5, dtype=torch.float64), torch.zeros(5, dtype=torch.float64)
    _layer_case(layer, X, lambda t: F.batch_norm(t, running_mean, running_var, tg, tb, training=True,
                                                  momentum=0.1, eps=1e-6))
    _close(layer.dgamma, tg.grad)
    _close(layer.dbeta, tb.grad)
    _close(layer.running_mean, running_mean)
    n = X.shape[0]
    _close(layer.running_var, running_var * (n - 1) / n)
    test_x = rng.normal(size=(3, 5))
    _close(layer.forward(test_x, False),
           F.batch_norm(_t(test_x), running_mean, running_var * (n - 1) / n, tg, tb, training=False, eps=1e-6))


def test_dropout_scales_like_torch() -> None:
    """Same inverted-dropout rule: survivors × 1/(1 − p) in training, identity at test time (masks differ by RNG)."""
    x = np.ones((200, 50))
    layer = Dropout(0.3, np.random.default_rng(7))
    y = layer.forward(x, True)
    ty = F.dropout(_t(x), p=0.3, training=True)
    assert set(np.unique(y)) == set(np.unique(ty.numpy())) == {0.0, 1 / 0.7}
    dout = np.random.default_rng(8).normal(size=x.shape)
    np.testing.assert_array_equal(layer.backward(dout), dout * y)
    np.testing.assert_array_equal(layer.forward(x, False), x)
    assert torch.equal(F.dropout(_t(x), p=0.3, training=False), _t(x))


IMG = np.random.default_rng(9).normal(size=(2, 3, 7, 7))


@pytest.mark.parametrize(("stride", "pad"), [(1, 0), (1, 1), (2, 1)])
def test_convolution_matches_conv2d(stride: int, pad: int) -> None:
    rng = np.random.default_rng(10)
    w, b = rng.normal(size=(4, 3, 3, 3)), rng.normal(size=4)
    layer = Convolution(w.copy(), b.copy(), stride, pad)
    tw, tb = _t(w, grad=True), _t(b, grad=True)
    _layer_case(layer, IMG, lambda t: F.conv2d(t, tw, tb, stride=stride, padding=pad))
    _close(layer.dW, tw.grad)
    _close(layer.db, tb.grad)


def test_pooling_and_flatten_match_torch() -> None:
    _layer_case(Pooling(2, 2, stride=2), IMG[:, :, :6, :6], lambda t: F.max_pool2d(t, 2, 2))
    _layer_case(Pooling(3, 3, stride=2), IMG, lambda t: F.max_pool2d(t, 3, 2))
    _layer_case(AvgPooling(2, 2, stride=2), IMG[:, :, :6, :6], lambda t: F.avg_pool2d(t, 2, 2))
    _layer_case(Flatten(), IMG, lambda t: torch.flatten(t, 1))


def test_fused_conv_pool_relu_matches_torch() -> None:
    rng = np.random.default_rng(11)
    w, b = rng.normal(size=(4, 3, 3, 3)), rng.normal(size=4)
    layer = ConvPoolRelu(w.copy(), b.copy(), stride=1, pad=1, pool=2)
    tw, tb = _t(w, grad=True), _t(b, grad=True)
    x = IMG[:, :, :6, :6]
    _layer_case(layer, x, lambda t: F.relu(F.max_pool2d(F.conv2d(t, tw, tb, padding=1), 2, 2)))
    _close(layer.dW, tw.grad)
    _close(layer.db, tb.grad)


def _torch_grads(net: Any, forward: Callable[[dict[str, Any]], Any], x: np.ndarray, t: np.ndarray) -> dict:
    tensors = {k: _t(v, grad=True) for k, v in net.params.items()}
    loss = F.cross_entropy(forward(tensors), torch.tensor(t))
    loss.backward()
    return {"loss": loss.item(), **{k: v.grad for k, v in tensors.items()}}


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh"])
@pytest.mark.parametrize("batchnorm", [False, True])
def test_mlp_gradient_matches_torch(activation: str, batchnorm: bool) -> None:
    rng = np.random.default_rng(12)
    x, t = rng.normal(size=(8, 6)), rng.integers(0, 3, size=8)
    net = MultiLayerNet(6, [7, 5], 3, activation=activation, use_batchnorm=batchnorm, seed=1)
    act = {"relu": F.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh}[activation]

    def forward(p: dict[str, Any]) -> Any:
        h = _t(x)
        for i in (1, 2):
            h = h @ p[f"W{i}"] + p[f"b{i}"]
            if batchnorm:
                h = F.batch_norm(h, None, None, p[f"gamma{i}"], p[f"beta{i}"], training=True, eps=1e-6)
            h = act(h)
        return h @ p["W3"] + p["b3"]

    expected = _torch_grads(net, forward, x, t)
    grads = net.gradient(x, t)
    assert abs(net.last_loss - expected["loss"]) < TOL
    assert grads.keys() == net.params.keys()
    for key, grad in grads.items():
        _close(grad, expected[key])


@pytest.mark.parametrize("fused", [True, False])
def test_cnn_gradient_matches_torch(fused: bool) -> None:
    rng = np.random.default_rng(13)
    x, t = rng.normal(size=(4, 2, 8, 8)), rng.integers(0, 3, size=4)
    conv = {"filter_num": 3, "filter_size": 3, "pad": 1, "stride": 1}
    net = SimpleConvNet((2, 8, 8), conv, hidden_size=6, output_size=3, weight_init_std=0.3, fused=fused, seed=2)

    def forward(p: dict[str, Any]) -> Any:
        h = F.relu(F.max_pool2d(F.conv2d(_t(x), p["W1"], p["b1"], padding=1), 2, 2))
        h = F.relu(torch.flatten(h, 1) @ p["W2"] + p["b2"])
        return h @ p["W3"] + p["b3"]

    expected = _torch_grads(net, forward, x, t)
    grads = net.gradient(x, t)
    assert abs(net.last_loss - expected["loss"]) < TOL
    for key, grad in grads.items():
        _close(grad, expected[key])
