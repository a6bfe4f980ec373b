"""``MultiLayerNet``: the course's fully connected network (DLFS ``MultiLayerNetExtend`` interface).

Layer order per hidden layer i: ``Affine{i}`` → ``BatchNorm{i}`` (optional) → ``Activation_function{i}``
→ ``Dropout{i}`` (optional); then ``Affine{L}`` and the loss layer. Example::

    net = MultiLayerNet(64, [100, 100], 10, activation="relu", weight_init_std="he", dtype=np.float32)
    grads = net.gradient(x_batch, t_batch)      # keys W1, b1, W2, ... (+ gamma1, beta1 with BN)
    Adam(lr=0.001).update(net.params, grads)
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import numpy as np

from .layers import BatchNormalization, Dropout
from .network import LayerNet, make_activation, make_loss


class MultiLayerNet(LayerNet):
    """Fully connected net with selectable activation, initializer, L1/L2/elastic penalty, dropout and BN."""

    def __init__(self, input_size: int, hidden_size_list: list[int], output_size: int,
                 activation: str = "relu", weight_init_std: str | float = "relu",
                 weight_decay_lambda: float = 0.0, use_dropout: bool = False, dropout_ratio: float = 0.5,
                 use_batchnorm: bool = False, *, regularization: str = "l2", l1_ratio: float = 0.5,
                 loss: str = "softmax", dtype: Any = np.float64, seed: int | None = None, rng: Any = None) -> None:
        super().__init__(dtype, weight_decay_lambda, regularization, l1_ratio, seed, rng)
        self.input_size, self.output_size = input_size, output_size
        self.hidden_size_list = list(hidden_size_list)
        self.use_dropout, self.use_batchnorm = use_dropout, use_batchnorm
        sizes = [input_size, *self.hidden_size_list, output_size]
        for i, (n_in, n_out) in enumerate(pairwise(sizes), start=1):
            self._add_affine(i, n_in, n_out, weight_init_std)
            if i == len(sizes) - 1:
                break
            if use_batchnorm:
                bn = BatchNormalization(np.ones(n_out, dtype=self.dtype), np.zeros(n_out, dtype=self.dtype))
                self.layers[f"BatchNorm{i}"] = bn
                self._bind(f"gamma{i}", bn.gamma, bn, "dgamma")
                self._bind(f"beta{i}", bn.beta, bn, "dbeta")
            self.layers[f"Activation_function{i}"] = make_activation(activation)
            if use_dropout:
                self.layers[f"Dropout{i}"] = Dropout(dropout_ratio, self.rng)
        self.last_layer = make_loss(loss)
        self._finish()
