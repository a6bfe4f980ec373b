"""``SimpleConvNet``: a small configurable CNN in the course style (conv-relu-pool stacks, then affine).

With the defaults it is DLFS ch07's net: Conv(30 filters 5×5) → ReLU → MaxPool 2×2/2 →
Affine(4320→100) → ReLU → Affine(100→10) → softmax. ``conv_param`` may be one dict or a list of
dicts (``filter_num``, ``filter_size``, ``pad``, ``stride``), one conv-relu-pool block each.
Params are numbered in layer order: conv blocks ``W1, b1, ...``, then the affine layers.

``fused=True`` (default, fast) builds each block as one ``ConvPoolRelu{i}`` layer (see
:mod:`eqprep.engine.fused`); ``fused=False`` builds the textbook layers ``Conv{i}``, ``Relu{i}``,
``Pool{i}``. Both compute the same function and gradients. The affine layers are ``Affine{k}`` and
``Relu{k}``.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import numpy as np

from .conv import Convolution, Pooling, conv_output_size
from .fused import ConvPoolRelu
from .init import make_weight
from .layers import Relu
from .network import LayerNet, make_loss

DEFAULT_CONV = {"filter_num": 30, "filter_size": 5, "pad": 0, "stride": 1}


class SimpleConvNet(LayerNet):
    """CNN of conv-relu-pool blocks followed by an optional hidden affine-relu and an output affine."""

    def __init__(self, input_dim: tuple[int, int, int] = (1, 28, 28),
                 conv_param: dict | list[dict] | None = None, hidden_size: int | None = 100,
                 output_size: int = 10, weight_init_std: str | float = 0.01, pool_size: int = 2, *,
                 fused: bool = True, weight_decay_lambda: float = 0.0, regularization: str = "l2",
                 l1_ratio: float = 0.5, dtype: Any = np.float64, seed: int | None = None, rng: Any = None) -> None:
        super().__init__(dtype, weight_decay_lambda, regularization, l1_ratio, seed, rng)
        blocks = [conv_param] if isinstance(conv_param, dict) else list(conv_param or [DEFAULT_CONV])
        c, h, w = input_dim
        i = 0
        for i, spec in enumerate(blocks, start=1):
            spec = {**DEFAULT_CONV, **spec}
            fn, fs, pad, stride = spec["filter_num"], spec["filter_size"], spec["pad"], spec["stride"]
            h = conv_output_size(h, fs, stride, pad) // pool_size
            w = conv_output_size(w, fs, stride, pad) // pool_size
            if h < 1 or w < 1:
                raise ValueError(f"畳み込みブロック {i} の出力が空になります (入力が小さすぎます)")
            weight = make_weight(weight_init_std, (fn, c, fs, fs), c * fs * fs, fn * fs * fs, self.rng, self.dtype)
            bias = np.zeros(fn, dtype=self.dtype)
            conv: ConvPoolRelu | Convolution
            if fused:
                conv = ConvPoolRelu(weight, bias, stride, pad, pool_size)
                self.layers[f"ConvPoolRelu{i}"] = conv
            else:
                conv = Convolution(weight, bias, stride, pad)
                self.layers[f"Conv{i}"] = conv
                self.layers[f"Relu{i}"] = Relu()
                self.layers[f"Pool{i}"] = Pooling(pool_size, pool_size, stride=pool_size)
            self._bind_weights(i, conv)
            c = fn
        sizes = [c * h * w, *([hidden_size] if hidden_size else []), output_size]
        last = i + len(sizes) - 1
        for k, (n_in, n_out) in enumerate(pairwise(sizes), start=i + 1):
            self._add_affine(k, n_in, n_out, weight_init_std)
            if k != last:
                self.layers[f"Relu{k}"] = Relu()
        self.last_layer = make_loss("softmax")
        self._finish()
