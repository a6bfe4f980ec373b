"""Numerical gradients (central differences) and the relative error used to check backpropagation."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def numerical_gradient(f: Callable[[], float], x: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """∂f/∂x by (f(x+h) − f(x−h))/2h, nudging each element of x in place and restoring it."""
    grad = np.zeros_like(x, dtype=np.float64)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    if not np.shares_memory(flat, x):
        raise ValueError("x は連続したメモリ配列である必要があります")
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        f_plus = f()
        flat[i] = old - h
        f_minus = f()
        flat[i] = old
        gflat[i] = (f_plus - f_minus) / (2 * h)
    return grad


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """‖a − b‖ / max(‖a‖ + ‖b‖, 1e-300): 0 for identical arrays, scale-free otherwise."""
    diff = float(np.linalg.norm(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)))
    scale = float(np.linalg.norm(a) + np.linalg.norm(b))
    return diff / max(scale, 1e-300)
