"""Plain functions shared by the layers and networks (DLFS ``common/functions.py`` style)."""

from __future__ import annotations

from typing import TypeVar

import numpy as np

T = TypeVar("T")


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic sigmoid 1/(1+e^{-x}) computed as (1+tanh(x/2))/2, which never overflows."""
    y = np.tanh(x * 0.5)
    y += 1.0
    y *= 0.5
    return y


def softmax(x: np.ndarray) -> np.ndarray:
    """Row-wise softmax; subtracts the row max first so exp never overflows."""
    y = x - x.max(axis=-1, keepdims=True)
    np.exp(y, out=y)
    y /= y.sum(axis=-1, keepdims=True)
    return y


def as_labels(t: np.ndarray) -> np.ndarray:
    """Class indices from index labels (N,) or (N, 1), or one-hot labels (N, K)."""
    if t.ndim == 2:
        return t[:, 0] if t.shape[1] == 1 else t.argmax(axis=1)
    return t


def saved(value: T | None) -> T:
    """What forward() kept for backward(); backward() before any forward() is a usage error, said plainly."""
    if value is None:
        raise RuntimeError("backward() の前に forward() を呼んでください")
    return value
