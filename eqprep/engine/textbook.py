"""The textbook's ``common`` package in one module, so "Deep Learning from Scratch"-style code runs on the engine.

It provides every public name of the book's ``common/{functions, gradient, layers, optimizer,
multi_layer_net, multi_layer_net_extend, trainer, util}.py`` with the book's signatures, plus
``TwoLayerNet`` (ch05) and ``SimpleConvNet`` (ch07) with ``save_params``/``load_params``.
``install_as_common()`` registers this module as ``common`` and ``common.<module>`` (and as the
chapter modules ``two_layer_net`` and ``simple_convnet``) so that the book's ``from common.layers
import *`` and ``from simple_convnet import SimpleConvNet`` lines resolve here unchanged.

Weights, dropout masks, ``shuffle_dataset`` and the ``Trainer``'s mini-batches draw from the global
``np.random`` state, so ``np.random.seed(0)`` makes a run reproducible as in the book (and the nets
start from the same weights as the book's code would). Written from the formulas, not from the
book's code; where eqprep differs on purpose (inverted dropout, exact cross-entropy, Adam's ε,
parameters saved as .npz instead of pickle, ...) see docs/engine-differences.md.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import numpy as np

from . import functions as _f
from .cnn import SimpleConvNet as _EngineConvNet
from .conv import col2im, conv_output_size, im2col
from .layers import (
    Affine,
    BatchNormalization,
    Convolution,
    Dropout,
    Pooling,
    Relu,
    Sigmoid,
    SoftmaxWithLoss,
    class_targets,
    pick,
)
from .mlp import MultiLayerNet as _EngineMLP
from .network import LayerNet
from .optim import SGD, AdaGrad, Adam, Momentum, Nesterov, RMSprop, make_optimizer

__all__ = [
    # functions
    "identity_function", "step_function", "sigmoid", "sigmoid_grad", "relu", "relu_grad", "softmax",
    "sum_squared_error", "cross_entropy_error", "softmax_loss",
    # gradient
    "numerical_gradient", "numerical_gradient_2d",
    # layers
    "Relu", "Sigmoid", "Affine", "SoftmaxWithLoss", "Dropout", "BatchNormalization", "Convolution", "Pooling",
    # optimizer
    "SGD", "Momentum", "Nesterov", "AdaGrad", "RMSprop", "Adam",
    # multi_layer_net, multi_layer_net_extend, trainer
    "MultiLayerNet", "MultiLayerNetExtend", "Trainer",
    # util
    "smooth_curve", "shuffle_dataset", "conv_output_size", "im2col", "col2im",
    # ch05 and ch07 networks
    "TwoLayerNet", "SimpleConvNet",
]

COMMON_MODULES = ("functions", "gradient", "layers", "optimizer", "multi_layer_net",
                  "multi_layer_net_extend", "trainer", "util")
CHAPTER_MODULES = ("two_layer_net", "simple_convnet")
H = 1e-4   # the book's finite-difference step


def install_as_common() -> list[str]:
    """Register this module as ``common``, every ``common.<module>`` and the chapter modules; returns the names."""
    this = sys.modules[__name__]
    names = ["common", *(f"common.{name}" for name in COMMON_MODULES), *CHAPTER_MODULES]
    for name in names:
        sys.modules[name] = this
    return names


class _GlobalRandom:
    """The global ``np.random`` functions under the Generator method names the engine calls."""

    def standard_normal(self, size: Any) -> np.ndarray:
        """Standard normal draws (the same stream as ``np.random.randn``)."""
        return np.random.standard_normal(size)

    def uniform(self, low: float, high: float, size: Any) -> np.ndarray:
        """Uniform draws on [low, high)."""
        return np.random.uniform(low, high, size)

    def random(self, size: Any) -> np.ndarray:
        """Uniform draws on [0, 1) (the same stream as ``np.random.rand``)."""
        return np.random.random_sample(size)


GLOBAL_RANDOM = _GlobalRandom()


def _floats(x: Any) -> np.ndarray:
    """x as an array, integers promoted to float64."""
    x = np.asarray(x)
    return x if x.dtype.kind == "f" else x.astype(np.float64)


# ---- functions ------------------------------------------------------------------------------------

def identity_function(x: Any) -> Any:
    """The output layer's identity activation (regression)."""
    return x


def step_function(x: Any) -> np.ndarray:
    """1 where x > 0, else 0 (integers)."""
    return (np.asarray(x) > 0).astype(int)


def sigmoid(x: Any) -> np.ndarray:
    """1/(1 + e^{−x}), in a form that never overflows."""
    return _f.sigmoid(_floats(x))


def sigmoid_grad(x: Any) -> np.ndarray:
    """σ'(x) = (1 − σ(x))·σ(x)."""
    s = sigmoid(x)
    return (1.0 - s) * s


def relu(x: Any) -> np.ndarray:
    """max(0, x)."""
    return np.maximum(0, x)


def relu_grad(x: Any) -> np.ndarray:
    """ReLU's derivative, taken as 1 for x ≥ 0 (the book's convention at 0) and 0 below."""
    x = np.asarray(x)
    return (x >= 0).astype(x.dtype)


def softmax(x: Any) -> np.ndarray:
    """Softmax over the last axis (a vector or a batch of rows), shifted by the max so exp never overflows."""
    return _f.softmax(_floats(x))


def sum_squared_error(y: Any, t: Any) -> float:
    """½ Σ (y − t)² (summed over the batch, as in the book)."""
    d = np.asarray(y) - np.asarray(t)
    return 0.5 * float(np.sum(d * d))


def cross_entropy_error(y: Any, t: Any) -> float:
    """Mean cross-entropy of probabilities y for labels t: class numbers (N,) or (N, 1), or one-hot (N, K).

    Exact log: a probability of 0 is floored at the smallest positive float instead of the book's
    "+1e-7" (so a confident mistake costs about 708, not 16.1). A single vector y is one sample.
    """
    y = _floats(y)
    t = np.asarray(t)
    if y.ndim == 1:
        y, t = y.reshape(1, -1), t.reshape(1, -1)
    n, k = y.shape
    t = class_targets(t, n, k)
    logs = np.log(np.maximum(y, np.finfo(y.dtype).tiny))
    if t.ndim == 2:
        return -float(np.sum(t * logs)) / n
    return -float(np.sum(pick(logs, t))) / n


def softmax_loss(X: Any, t: Any) -> float:
    """cross_entropy_error(softmax(X), t)."""
    return cross_entropy_error(softmax(X), t)


# ---- gradient -------------------------------------------------------------------------------------

def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray) -> np.ndarray:
    """∂f/∂x by central differences (f(x + h) − f(x − h))/2h with h = 1e-4, calling ``f(x)``.

    Each element of x is nudged in place and restored, so f may ignore its argument and read x
    elsewhere (as the networks' ``lambda W: self.loss(x, t)`` does). x must be a float array: an
    integer array cannot hold x + h, and the book's version then silently returns a wrong gradient.
    """
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        raise ValueError("numerical_gradient の x は浮動小数点の NumPy 配列にしてください (例: np.array([3.0, 4.0]))")
    grad = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + H
        f_plus = f(x)
        x[idx] = old - H
        f_minus = f(x)
        x[idx] = old
        grad[idx] = (f_plus - f_minus) / (2 * H)
    return grad


def numerical_gradient_2d(f: Callable[[np.ndarray], float], X: np.ndarray) -> np.ndarray:
    """Numerical gradient of f at every row of X (f gets one row), or at X itself when X is a vector."""
    if X.ndim == 1:
        return numerical_gradient(f, X)
    return np.stack([numerical_gradient(f, row) for row in X])


# ---- util -----------------------------------------------------------------------------------------

def smooth_curve(x: Any) -> np.ndarray:
    """Smooth a loss curve with an 11-point Kaiser window (β = 2), reflected at the ends; same length as x."""
    x = _floats(x)
    half = min(5, len(x) - 1)
    if half < 1:
        return x.copy()
    w = np.kaiser(2 * half + 1, 2)
    return np.convolve(np.pad(x, half, mode="reflect"), w / w.sum(), mode="valid")


def shuffle_dataset(x: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x and t reordered by the same permutation from the global np.random state."""
    order = np.random.permutation(x.shape[0])
    return x[order], t[order]


# ---- networks -------------------------------------------------------------------------------------

class MultiLayerNet(_EngineMLP):
    """The book's fully connected net: Affine → activation per hidden layer, then Affine and softmax loss.

    ``weight_init_std`` is 'relu'/'he' (√(2/n)), 'sigmoid'/'xavier' (√(1/n)) or a number; the weights
    are drawn from the global np.random state; ``weight_decay_lambda`` adds ½λΣ‖W‖².
    """

    def __init__(self, input_size: int, hidden_size_list: list[int], output_size: int,
                 activation: str = "relu", weight_init_std: str | float = "relu",
                 weight_decay_lambda: float = 0) -> None:
        super().__init__(input_size, hidden_size_list, output_size, activation, weight_init_std,
                         weight_decay_lambda, rng=GLOBAL_RANDOM)
        self.hidden_layer_num = len(self.hidden_size_list)


class MultiLayerNetExtend(_EngineMLP):
    """``MultiLayerNet`` with optional dropout (the book's keyword ``dropout_ration``) and batch normalization."""

    def __init__(self, input_size: int, hidden_size_list: list[int], output_size: int,
                 activation: str = "relu", weight_init_std: str | float = "relu",
                 weight_decay_lambda: float = 0, use_dropout: bool = False, dropout_ration: float = 0.5,
                 use_batchnorm: bool = False) -> None:
        super().__init__(input_size, hidden_size_list, output_size, activation, weight_init_std,
                         weight_decay_lambda, use_dropout, dropout_ration, use_batchnorm, rng=GLOBAL_RANDOM)
        self.hidden_layer_num = len(self.hidden_size_list)


class TwoLayerNet(LayerNet):
    """ch05's net: Affine1 → Relu1 → Affine2 → softmax loss, weights weight_init_std·N(0, 1) from np.random."""

    def __init__(self, input_size: int, hidden_size: int, output_size: int,
                 weight_init_std: float = 0.01) -> None:
        super().__init__(np.float64, 0.0, "l2", 0.5, None, GLOBAL_RANDOM)
        self._add_affine(1, input_size, hidden_size, weight_init_std)
        self.layers["Relu1"] = Relu()
        self._add_affine(2, hidden_size, output_size, weight_init_std)
        self.last_layer = SoftmaxWithLoss()
        self._finish()

    @property
    def lastLayer(self) -> SoftmaxWithLoss:  # the book's attribute name
        """The loss layer under ch05's name."""
        return self.last_layer


class SimpleConvNet(_EngineConvNet):
    """ch07's CNN from the textbook layers: Conv1 → Relu1 → Pool1 (2×2, stride 2) → Affine1 → Relu2 → Affine2.

    Weights weight_init_std·N(0, 1) from the global np.random state; ``save_params``/``load_params``
    write and read NumPy .npz data (never pickle), even under the book's file name "params.pkl".
    """

    def __init__(self, input_dim: tuple[int, int, int] = (1, 28, 28), conv_param: dict | None = None,
                 hidden_size: int = 100, output_size: int = 10, weight_init_std: float = 0.01) -> None:
        conv = conv_param or {"filter_num": 30, "filter_size": 5, "pad": 0, "stride": 1}
        super().__init__(input_dim, conv, hidden_size, output_size, weight_init_std, fused=False, rng=GLOBAL_RANDOM)
        rename = {"Affine2": "Affine1", "Affine3": "Affine2"}
        self.layers = type(self.layers)((rename.get(name, name), layer) for name, layer in self.layers.items())

    def accuracy(self, x: np.ndarray, t: np.ndarray, batch_size: int = 100) -> float:
        """Share of correct predictions, evaluated batch_size samples at a time (every sample counts)."""
        return super().accuracy(x, t, batch_size)


# ---- trainer --------------------------------------------------------------------------------------

class Trainer:
    """The book's trainer: ``epochs`` passes of mini-batches drawn with replacement from the global np.random.

    ``train()`` runs ``max_iter = int(epochs · iter_per_epoch)`` steps; after each step the loss goes
    to ``train_loss_list``, and at the start of every epoch the train/test accuracies (on the first
    ``evaluate_sample_num_per_epoch`` samples if given) go to ``train_acc_list``/``test_acc_list``.
    ``verbose`` prints them as the book does. Unlike the book's float modulo, an epoch boundary is
    also detected when the training set size is not a multiple of the batch size.
    """

    def __init__(self, network: Any, x_train: np.ndarray, t_train: np.ndarray, x_test: np.ndarray,
                 t_test: np.ndarray, epochs: int = 20, mini_batch_size: int = 100, optimizer: str = "SGD",
                 optimizer_param: dict[str, float] | None = None,
                 evaluate_sample_num_per_epoch: int | None = None, verbose: bool = True) -> None:
        self.network, self.verbose = network, verbose
        self.x_train, self.t_train, self.x_test, self.t_test = x_train, t_train, x_test, t_test
        self.epochs, self.batch_size = epochs, mini_batch_size
        self.evaluate_sample_num_per_epoch = evaluate_sample_num_per_epoch
        self.optimizer = make_optimizer(optimizer, **({"lr": 0.01} if optimizer_param is None else optimizer_param))
        self.train_size = x_train.shape[0]
        self.iter_per_epoch = max(self.train_size / mini_batch_size, 1)
        self.max_iter = int(epochs * self.iter_per_epoch)
        self.current_iter = 0
        self.current_epoch = 0
        self.train_loss_list: list[float] = []
        self.train_acc_list: list[float] = []
        self.test_acc_list: list[float] = []
        self._next_epoch_at = 0.0

    def train_step(self) -> None:
        """One mini-batch update, its loss, and the accuracies when an epoch starts."""
        batch = np.random.choice(self.train_size, self.batch_size)
        x, t = self.x_train[batch], self.t_train[batch]
        grads = self.network.gradient(x, t)
        self.optimizer.update(self.network.params, grads)
        loss = self.network.loss(x, t)
        self.train_loss_list.append(loss)
        if self.verbose:
            print(f"train loss:{loss}")
        if self.current_iter >= self._next_epoch_at:
            self._next_epoch_at += self.iter_per_epoch
            self.current_epoch += 1
            k = self.evaluate_sample_num_per_epoch
            train_acc = self.network.accuracy(self.x_train[:k], self.t_train[:k])
            test_acc = self.network.accuracy(self.x_test[:k], self.t_test[:k])
            self.train_acc_list.append(train_acc)
            self.test_acc_list.append(test_acc)
            if self.verbose:
                print(f"=== epoch:{self.current_epoch}, train acc:{train_acc}, test acc:{test_acc} ===")
        self.current_iter += 1

    def train(self) -> None:
        """Run every step, then report the accuracy on the whole test set."""
        for _ in range(self.max_iter):
            self.train_step()
        test_acc = self.network.accuracy(self.x_test, self.t_test)
        if self.verbose:
            print("=============== Final Test Accuracy ===============")
            print(f"test acc:{test_acc}")
