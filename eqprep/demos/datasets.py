"""Data the demos train on: the shipped 8×8 digits split into train/test, optionally subsampled."""

from __future__ import annotations

import numpy as np

from eqprep.engine.data import load_digits, make_mnist1d, train_test_split

Split = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def digits(seed: int, flatten: bool = True, n_train: int | None = None) -> Split:
    """(x_train, t_train, x_test, t_test) of the digits (20 % test); n_train keeps only that many for training."""
    x, t = load_digits(flatten=flatten, dtype=np.float32)
    x_train, t_train, x_test, t_test = train_test_split(x, t, 0.2, seed=seed)
    if n_train is not None:
        x_train, t_train = x_train[:n_train], t_train[:n_train]
    return x_train, t_train, x_test, t_test


def mnist1d(seed: int, n_train: int, n_test: int = 1000) -> Split:
    """MNIST-1D-style signals (generated locally): n_train training and n_test test samples."""
    x, t = make_mnist1d(n_train + n_test, seed=seed)
    x = x.astype(np.float32)
    return x[:n_train], t[:n_train], x[n_train:], t[n_train:]
