"""Layers in the DLFS style: each has ``forward(x, train_flg=False)`` and ``backward(dout)``.

Layers with parameters hold them by reference (``W``, ``b``, ``gamma``, ``beta``) so that an
optimizer updating a network's ``params`` dict in place also updates the layers, and store their
gradients after ``backward`` as ``dW``, ``db``, ``dgamma``, ``dbeta``. ``train_flg`` only matters
for ``BatchNormalization`` and ``Dropout``; the other layers accept and ignore it so a network can
call every layer the same way. Loss layers take ``forward(x, t)`` and ``backward(dout=1.0)``.
The convolution layers live in :mod:`eqprep.engine.conv` and are re-exported here.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .conv import AvgPooling, Convolution, Flatten, Pooling, col2im, im2col
from .functions import saved, sigmoid

__all__ = [
    "Affine", "Relu", "Sigmoid", "Tanh", "LeakyRelu", "SoftmaxWithLoss", "MeanSquaredError",
    "BatchNormalization", "Dropout", "Convolution", "Pooling", "AvgPooling", "Flatten",
    "im2col", "col2im",
]


class Affine:
    """Fully connected layer y = xW + b; N-D input is flattened to (N, -1) and restored in backward."""

    def __init__(self, W: np.ndarray, b: np.ndarray) -> None:
        self.W, self.b = W, b
        self.x: np.ndarray | None = None
        self.original_x_shape: tuple[int, ...] = ()
        self.dW: np.ndarray | None = None
        self.db: np.ndarray | None = None

    def forward(self, x: np.ndarray, train_flg: bool = False) -> np.ndarray:
        """Return xW + b and keep x for the weight gradient."""
        self.original_x_shape = x.shape
        if x.ndim != 2:
            x = x.reshape(x.shape[0], -1)
        self.x = x
        out = x @ self.W
        out += self.b
        return out

    def backward(self, dout: np.ndarray, need_dx: bool = True) -> np.ndarray | None:
        """Store dW = xᵀ·dout and db = Σ dout; return dx = dout·Wᵀ (skipped when need_dx is False)."""
        self.dW = saved(self.x).T @ dout
        self.db = dout.sum(axis=0)
        if not need_dx:
            return None
        return (dout @ self.W.T).reshape(self.original_x_shape)


class Relu:
    """ReLU max(0, x); ``mask`` marks the inputs x ≤ 0 (as in the textbook), where no gradient passes."""

    def __init__(self) -> None:
        self.mask: np.ndarray | None = None
        self.out: np.ndarray | None = None

    def forward(self, x: np.ndarray, train_flg: bool = False) -> np.ndarray:
        """Return max(0, x) and keep the mask x ≤ 0."""
        self.mask = x <= 0
        self.out = np.maximum(x, 0)
        return self.out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Return dout with the masked positions set to 0 (a new array; dout is left unchanged)."""
        return dout * ~saved(self.mask)


class LeakyRelu:
    """Leaky ReLU: x for x > 0, alpha·x otherwise, so negative units still get a small gradient."""

    def __init__(self, alpha: float = 0.01) -> None:
        self.alpha = alpha
        self.mask: np.ndarray | None = None
        self.out: np.ndarray | None = None

    def forward(self, x: np.ndarray, train_flg: bool = False) -> np.ndarray:
        """Return x where positive, alpha·x elsewhere."""
        self.mask = x > 0
        self.out = np.where(self.mask, x, x * self.alpha)
        return self.out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Return dout scaled by 1 (positive input) or alpha."""
        return np.where(saved(self.mask), dout, dout * self.alpha)


class Sigmoid:
    """Sigmoid σ(x); backward uses σ'(x) = σ(x)(1 − σ(x)) from the stored output."""

    def __init__(self) -> None:
        self.out: np.ndarray | None = None

    def forward(self, x: np.ndarray, train_flg: bool = False) -> np.ndarray:
        """Return σ(x) (overflow-free form)."""
        self.out = sigmoid(x)
        return self.out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Return dout·σ(1 − σ)."""
        out = saved(self.out)
        return dout * (1.0 - out) * out


class Tanh:
    """tanh(x); backward uses tanh'(x) = 1 − tanh²(x)."""

    def __init__(self) -> None:
        self.out: np.ndarray | None = None

    def forward(self, x: np.ndarray, train_flg: bool = False) -> np.ndarray:
        """Return tanh(x)."""
        self.out = np.tanh(x)
        return self.out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Return dout·(1 − tanh²)."""
        out = saved(self.out)
        return dout * (1.0 - out * out)


def class_targets(t: np.ndarray, n: int, k: int) -> np.ndarray:
    """Labels for n score rows of k classes: indices (N,) or (N, 1) → (N,) ints, one-hot (N, K) as is.

    Anything else (another shape, non-integer indices, rows of a (N, K) target that do not sum to 1)
    is refused with a Japanese message, never guessed; ``pick`` refuses out-of-range class numbers.
    """
    t = np.asarray(t)
    if t.shape == (n, 1):
        t = t[:, 0]
    if t.shape == (n,):
        if t.dtype.kind not in "iu":
            raise ValueError(f"クラス番号の正解ラベルは整数の配列にしてください (dtype {t.dtype})")
        return t
    if t.shape == (n, k):
        if n and np.abs(t.sum(axis=1) - 1.0).max() > 1e-6:
            raise ValueError("(N, K) の正解ラベルは各行の和が 1 の one-hot (または確率) にしてください")
        return t
    raise ValueError(f"正解ラベルの形 {t.shape} がスコアの形 ({n}, {k}) に合いません: クラス番号 ({n},) か "
                     f"({n}, 1)、または one-hot ({n}, {k}) にしてください")


def pick(a: np.ndarray, t: np.ndarray) -> np.ndarray:
    """a[n, t_n] for every row n; class numbers outside 0..K−1 are refused (a negative one would wrap)."""
    as_unsigned = t.view(np.dtype(f"u{t.itemsize}")) if t.dtype.kind == "i" else t   # negatives become huge
    if len(t) and as_unsigned.max() >= a.shape[1]:                                  # so one max checks both ends
        raise ValueError(f"クラス番号は 0 以上 {a.shape[1] - 1} 以下にしてください")
    return a[np.arange(len(t)), t]


class SoftmaxWithLoss:
    """Softmax followed by mean cross-entropy; t may be class indices (N,) or (N, 1), or one-hot (N, K).

    Differences from the textbook (docs/engine-differences.md): the loss is the exact cross-entropy
    log Σexp(x) − x_t (no "+1e-7" inside the log, so confidently wrong predictions are not capped),
    ``backward`` multiplies by ``dout``, and label shapes other than the three above are refused.
    """

    def __init__(self) -> None:
        self.y: np.ndarray | None = None
        self.t: np.ndarray | None = None
        self.loss: float | None = None

    def forward(self, x: np.ndarray, t: np.ndarray) -> float:
        """Return −(1/N) Σ log softmax(x)[n, t_n], computed as log-sum-exp (no log(0))."""
        n = x.shape[0]
        t = class_targets(t, n, x.shape[1])
        z = x - x.max(axis=1, keepdims=True)
        if t.ndim == 2:
            picked = (z * t).sum(axis=1)
        else:
            picked = pick(z, t)
        np.exp(z, out=z)
        s = z.sum(axis=1)
        self.loss = float((np.log(s) - picked).sum() / n)
        z /= s[:, None]
        self.y, self.t = z, t
        return self.loss


    def backward(self, dout: float = 1.0) -> np.ndarray:
        """Return dout·(y − t)/N."""
        y, t = saved(self.y), saved(self.t)
        n = y.shape[0]
        scale = dout / n
        if t.ndim == 2:
            return (y - t) * scale
        dx = y * scale
        dx[np.arange(n), t] -= scale
        return dx


class MeanSquaredError:
    """Mean squared error (1/2N) Σ (y − t)² for regression or Playground-style outputs."""

    def __init__(self) -> None:
        self.diff: np.ndarray | None = None
        self.loss: float | None = None

    def forward(self, y: np.ndarray, t: np.ndarray) -> float:
        """Return (1/2N) Σ (y − t)²; integer class labels are turned into one-hot targets first."""
        if t.shape != y.shape:
            if t.ndim == 1 and y.ndim == 2 and y.shape[1] == 1:
                t = t.reshape(-1, 1)
            else:
                t = np.eye(y.shape[1], dtype=y.dtype)[t]
        self.diff = y - t
        self.loss = float(0.5 * np.sum(self.diff * self.diff) / y.shape[0])
        return self.loss

    def backward(self, dout: float = 1.0) -> np.ndarray:
        """Return dout·(y − t)/N."""
        diff = saved(self.diff)
        return diff * (dout / diff.shape[0])


class BatchNormalization:
    """Batch normalization γ·(x − μ_B)/√(σ²_B + ε) + β; running averages are used at test time.

    As in the textbook, ``forward(x)`` defaults to training mode (``train_flg=True``), a 4-D input is
    flattened to (N, C·H·W) (it normalises per unit), ε = 1e-6 and the training forward keeps
    ``batch_size``, ``xc`` (x − μ), ``xn`` (normalised x) and ``std`` (√(σ² + ε)). ``backward`` is the
    compact formula; ``backward_steps`` walks the computational graph node by node (dxn, dxc, dstd,
    dvar, dmu), as the exam's graph questions do. Both give the same gradients.
    """

    def __init__(self, gamma: np.ndarray, beta: np.ndarray, momentum: float = 0.9,
                 running_mean: np.ndarray | None = None, running_var: np.ndarray | None = None,
                 eps: float = 1e-6) -> None:
        self.gamma, self.beta = gamma, beta
        self.momentum, self.eps = momentum, eps
        self.running_mean = running_mean
        self.running_var = running_var
        self.input_shape: tuple[int, ...] = ()
        self.batch_size: int | None = None
        self.xc: np.ndarray | None = None
        self.xn: np.ndarray | None = None
        self.std: np.ndarray | None = None
        self.dgamma: np.ndarray | None = None
        self.dbeta: np.ndarray | None = None

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        """Normalise with batch statistics (training, the default) or running statistics (test)."""
        self.input_shape = x.shape
        if x.ndim != 2:
            x = x.reshape(x.shape[0], -1)
        if self.running_mean is None:
            self.running_mean = np.zeros(x.shape[1], dtype=x.dtype)
            self.running_var = np.zeros(x.shape[1], dtype=x.dtype)
        if train_flg:
            mu = x.mean(axis=0)
            xc = x - mu
            var = np.mean(xc * xc, axis=0)
            std = np.sqrt(var + self.eps)
            xn = xc / std
            self.batch_size, self.xc, self.xn, self.std = x.shape[0], xc, xn, std
            m = self.momentum
            self.running_mean = m * self.running_mean + (1 - m) * mu
            self.running_var = m * saved(self.running_var) + (1 - m) * var
        else:
            xn = (x - self.running_mean) / np.sqrt(saved(self.running_var) + self.eps)
        out = self.gamma * xn
        out += self.beta
        return out.reshape(self.input_shape)

    def _start_backward(self, dout: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Flatten dout, store dγ = Σ x̂·dout and dβ = Σ dout, and return (dout, dx̂ = γ·dout)."""
        if dout.ndim != 2:
            dout = dout.reshape(dout.shape[0], -1)
        self.dbeta = dout.sum(axis=0)
        self.dgamma = np.sum(saved(self.xn) * dout, axis=0)
        return dout, self.gamma * dout

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Store dγ, dβ and return dx = (1/(Nσ))·(N·dx̂ − Σdx̂ − x̂·Σ(dx̂·x̂))."""
        dout, dxn = self._start_backward(dout)
        n, xn = dout.shape[0], saved(self.xn)
        dx = dxn * n
        dx -= dxn.sum(axis=0)
        dx -= xn * np.sum(dxn * xn, axis=0)
        dx /= n * saved(self.std)
        return dx.reshape(self.input_shape)

    def backward_steps(self, dout: np.ndarray) -> np.ndarray:
        """The same gradient node by node: x̂ = xc/std, std = √(var + ε), var = mean(xc²), xc = x − μ."""
        dout, dxn = self._start_backward(dout)
        n, xc, std = saved(self.batch_size), saved(self.xc), saved(self.std)
        dxc = dxn / std                                      # x̂ = xc · (1/std), the xc branch
        dstd = -np.sum(dxn * xc / (std * std), axis=0)       # ... and the 1/std branch
        dvar = 0.5 * dstd / std                              # std = √(var + ε)
        dxc += (2.0 / n) * xc * dvar                         # var = (1/N) Σ xc²
        dmu = np.sum(dxc, axis=0)                            # xc = x − μ: μ receives −Σ dxc
        dx = dxc - dmu / n                                   # μ = (1/N) Σ x
        return dx.reshape(self.input_shape)


class Dropout:
    """Inverted dropout: training zeroes each unit with probability p and scales survivors by 1/(1 − p).

    At test time the input passes unchanged (the scaling already happened during training); the
    textbook instead keeps survivors unscaled and multiplies by (1 − p) at test time. The expected
    output is the same, but the numbers seen in each mode differ (docs/engine-differences.md).
    ``forward(x)`` defaults to training mode as in the textbook. The keep-mask is drawn from ``rng``
    (a ``np.random.Generator``), or from the global ``np.random`` state when rng is None, so
    ``np.random.seed`` makes a bare ``Dropout`` reproducible as in the textbook.
    """

    def __init__(self, dropout_ratio: float = 0.5, rng: Any = None) -> None:
        if not 0.0 <= dropout_ratio < 1.0:
            raise ValueError("dropout_ratio は 0 以上 1 未満で指定してください")
        self.dropout_ratio = dropout_ratio
        self.rng = rng
        self.mask: np.ndarray | None = None

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        """Apply a fresh keep-mask (u > p, u uniform) scaled by 1/(1 − p) when training; identity otherwise."""
        if not train_flg:
            self.mask = None
            return x
        u = np.random.random_sample(x.shape) if self.rng is None else self.rng.random(x.shape)
        keep = u > self.dropout_ratio
        self.mask = keep.astype(x.dtype) / x.dtype.type(1.0 - self.dropout_ratio)
        return x * self.mask

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Pass the gradient through the same scaled mask (identity after a test-mode forward)."""
        return dout if self.mask is None else dout * self.mask
