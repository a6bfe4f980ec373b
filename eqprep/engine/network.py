"""Shared machinery of the engine's networks: ordered layers, a loss layer and a flat ``params`` dict.

A subclass builds ``self.layers`` (an ordered dict, DLFS naming), ``self.last_layer`` and
``self.params`` (keys ``W1, b1, ...``, ``gamma1, beta1`` with batch norm), registering every parameter
with ``self._bind(key, array, layer, grad_attr)`` (``_bind_weights`` for a layer's W/b, ``_add_affine``
for a whole affine layer) so ``gradient`` can collect the layer gradients under the same keys. The arrays in ``params`` are the layers' own arrays: optimizers must
update them in place (all optimizers in :mod:`eqprep.engine.optim` do).

Weight penalties (on ``W`` keys only): ``l2`` adds ½λΣ‖W‖² (gradient λW), ``l1`` adds λΣ|W|
(gradient λ·sign W), ``elastic`` adds λ(r·Σ|W| + (1 − r)/2·Σ‖W‖²) with r = ``l1_ratio``.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np

from .functions import as_labels, softmax
from .fused import ConvPoolRelu
from .gradcheck import numerical_gradient
from .init import make_weight
from .layers import Affine, LeakyRelu, MeanSquaredError, Relu, Sigmoid, SoftmaxWithLoss, Tanh
from .lookup import by_name

REGULARIZATIONS = ("l2", "l1", "elastic")
ACTIVATIONS: dict[str, type[Relu | Sigmoid | Tanh | LeakyRelu]] = {
    "relu": Relu, "sigmoid": Sigmoid, "tanh": Tanh, "leaky_relu": LeakyRelu, "leakyrelu": LeakyRelu}
LOSSES: dict[str, type] = {"softmax": SoftmaxWithLoss, "mse": MeanSquaredError}


@dataclass(frozen=True)
class ActivationStats:
    """Summary of one activation layer's output on the last forward pass (for histograms and plots)."""

    name: str
    mean: float
    std: float
    zero_frac: float          # share of exact zeros (dead ReLU units)
    saturated_frac: float     # share near the bounds: σ < 0.1 or > 0.9, |tanh| > 0.9 (0 for ReLU)
    hist: tuple[int, ...]     # counts in ``bins`` equal bins over edges[0]..edges[-1]
    edges: tuple[float, ...]


def make_activation(name: str) -> Any:
    """Create an activation layer from its name, with a Japanese error for unknown names."""
    return by_name(ACTIVATIONS, name, "活性化関数")()


def make_loss(name: str) -> Any:
    """Create the loss layer ('softmax' = softmax + cross-entropy, 'mse' = mean squared error)."""
    return by_name(LOSSES, name, "損失")()


class LayerNet:
    """Base of ``MultiLayerNet`` and ``SimpleConvNet``: predict / loss / accuracy / gradient."""

    def __init__(self, dtype: Any, weight_decay_lambda: float, regularization: str, l1_ratio: float,
                 seed: int | None, rng: Any = None) -> None:
        if regularization not in REGULARIZATIONS:
            raise ValueError(f"正則化は {', '.join(REGULARIZATIONS)} のいずれかです: '{regularization}'")
        if weight_decay_lambda < 0:
            raise ValueError("weight_decay_lambda は 0 以上で指定してください")
        if not 0.0 <= l1_ratio <= 1.0:
            raise ValueError("l1_ratio は 0 以上 1 以下で指定してください")
        self.dtype = np.dtype(dtype)
        self.weight_decay_lambda = float(weight_decay_lambda)
        self.regularization = regularization
        self.l1_ratio = float(l1_ratio)
        self.rng = np.random.default_rng(seed) if rng is None else rng
        self.params: dict[str, np.ndarray] = {}
        self.layers: OrderedDict[str, Any] = OrderedDict()
        self.last_layer: Any = None
        self.last_loss = float("nan")
        self._sources: list[tuple[str, Any, str]] = []

    def _bind(self, key: str, array: np.ndarray, layer: Any, grad_attr: str) -> None:
        """Register params[key] = array, whose gradient is read from layer.<grad_attr>."""
        self.params[key] = array
        self._sources.append((key, layer, grad_attr))

    def _add_affine(self, k: int, n_in: int, n_out: int, weight_init_std: str | float) -> None:
        """Append layer ``Affine{k}`` (initialised weights, zero bias) and bind its ``W{k}``, ``b{k}``."""
        weight = make_weight(weight_init_std, (n_in, n_out), n_in, n_out, self.rng, self.dtype)
        affine = Affine(weight, np.zeros(n_out, dtype=self.dtype))
        self.layers[f"Affine{k}"] = affine
        self._bind_weights(k, affine)

    def _bind_weights(self, k: int, layer: Any) -> None:
        """Register a layer's ``W``/``b`` as ``W{k}``/``b{k}`` (gradients from its ``dW``/``db``)."""
        self._bind(f"W{k}", layer.W, layer, "dW")
        self._bind(f"b{k}", layer.b, layer, "db")

    def _finish(self) -> None:
        """Cache the layer list once the subclass has built its layers."""
        self._layer_list = list(self.layers.values())

    def predict(self, x: np.ndarray, train_flg: bool = False) -> np.ndarray:
        """Forward pass through every layer except the loss layer (scores before softmax)."""
        if x.dtype != self.dtype:
            x = x.astype(self.dtype)
        for layer in self._layer_list:
            x = layer.forward(x, train_flg)
        return x

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        """Class probabilities softmax(predict(x)) in test mode (e.g. to shade a decision boundary)."""
        return softmax(self.predict(x))

    def penalty(self) -> float:
        """Current weight penalty (see the module docstring); 0 when λ = 0."""
        lam = self.weight_decay_lambda
        if lam == 0.0:
            return 0.0
        r = {"l2": 0.0, "l1": 1.0, "elastic": self.l1_ratio}[self.regularization]
        total = 0.0
        for key, w in self.params.items():
            if key.startswith("W"):
                total += r * float(np.abs(w).sum()) + (1.0 - r) * 0.5 * float(np.sum(w * w))
        return lam * total

    def _penalty_grad(self, w: np.ndarray) -> np.ndarray:
        """Gradient of the penalty for one weight array."""
        lam = self.weight_decay_lambda
        if self.regularization == "l2":
            return lam * w
        if self.regularization == "l1":
            return lam * np.sign(w)
        r = self.l1_ratio
        return lam * (r * np.sign(w) + (1.0 - r) * w)

    def loss(self, x: np.ndarray, t: np.ndarray, train_flg: bool = False) -> float:
        """Data loss plus the weight penalty."""
        y = self.predict(x, train_flg)
        return self.last_layer.forward(y, t) + self.penalty()

    def accuracy(self, x: np.ndarray, t: np.ndarray, batch_size: int = 1000) -> float:
        """Share of samples whose highest score is the true class (evaluated in chunks)."""
        labels = as_labels(np.asarray(t))
        hits = 0
        for i in range(0, x.shape[0], batch_size):
            y = self.predict(x[i:i + batch_size])
            hits += int(np.sum(y.argmax(axis=1) == labels[i:i + batch_size]))
        return hits / max(x.shape[0], 1)

    def gradient(self, x: np.ndarray, t: np.ndarray) -> dict[str, np.ndarray]:
        """Backpropagation: gradients of ``loss(x, t, train_flg=True)`` keyed like ``params``.

        The loss of this forward pass is kept in ``last_loss``.
        """
        self.last_loss = self.loss(x, t, train_flg=True)
        dout = self.last_layer.backward(1.0)
        layers = self._layer_list
        for layer in reversed(layers[1:]):
            dout = layer.backward(dout)
        layers[0].backward(dout, need_dx=False)
        grads = {}
        penalize = self.weight_decay_lambda != 0.0
        for key, layer, attr in self._sources:
            g = getattr(layer, attr)
            if penalize and key.startswith("W"):
                g = g + self._penalty_grad(self.params[key])
            grads[key] = g
        return grads

    def numerical_gradient(self, x: np.ndarray, t: np.ndarray, h: float = 1e-5) -> dict[str, np.ndarray]:
        """Central-difference gradients of ``loss(x, t, train_flg=True)`` (slow; check in float64 only)."""
        def f() -> float:
            return self.loss(x, t, train_flg=True)
        return {key: numerical_gradient(f, w, h) for key, w in self.params.items()}

    def save_params(self, file_name: str | os.PathLike[str] = "params.npz") -> None:
        """Write ``params`` to file_name in NumPy's .npz format (never pickle), whatever its extension."""
        with open(file_name, "wb") as fh:
            np.savez(fh, allow_pickle=False, **self.params)

    def load_params(self, file_name: str | os.PathLike[str] = "params.npz") -> None:
        """Copy parameters saved by ``save_params`` into ``params`` in place (shapes and keys must match)."""
        try:
            with np.load(file_name, allow_pickle=False) as data:
                saved = {key: data[key] for key in data.files}
        except (OSError, ValueError) as exc:
            raise ValueError(f"パラメータファイル '{file_name}' を .npz として読めません: {exc}") from None
        if set(saved) != set(self.params):
            raise ValueError(f"パラメータのキーが違います: ファイル {sorted(saved)}, ネットワーク {sorted(self.params)}")
        for key, value in saved.items():
            if value.shape != self.params[key].shape:
                raise ValueError(f"{key} の形が違います: ファイル {value.shape}, ネットワーク {self.params[key].shape}")
        for key, value in saved.items():
            self.params[key][...] = value

    def activations(self) -> dict[str, np.ndarray]:
        """Outputs of the activation layers from the last forward pass, by layer name."""
        kinds = (*ACTIVATIONS.values(), ConvPoolRelu)
        return {name: layer.out for name, layer in self.layers.items()
                if isinstance(layer, kinds) and layer.out is not None}

    def activation_stats(self, bins: int = 20) -> list[ActivationStats]:
        """Mean, spread, dead/saturated shares and a histogram of every activation layer's output."""
        stats = []
        for name, out in self.activations().items():
            layer = self.layers[name]
            a = out.astype(np.float64, copy=False).ravel()
            if isinstance(layer, Sigmoid):
                lo, hi, sat = 0.0, 1.0, float(np.mean((a < 0.1) | (a > 0.9)))
            elif isinstance(layer, Tanh):
                lo, hi, sat = -1.0, 1.0, float(np.mean(np.abs(a) > 0.9))
            else:
                lo, hi, sat = float(min(a.min(), 0.0)), float(max(a.max(), 1e-12)), 0.0
            counts, edges = np.histogram(a, bins=bins, range=(lo, hi))
            stats.append(ActivationStats(name, float(a.mean()), float(a.std()), float(np.mean(a == 0)),
                                         sat, tuple(int(c) for c in counts), tuple(float(e) for e in edges)))
        return stats
