"""Datasets that work offline: 2-D toy sets, the 8×8 handwritten digits and MNIST-1D-style signals.

Every generator takes ``seed`` and returns ``(x, t)``: x float64 features (N, D), t int64 class
indices (N,). Nothing is ever downloaded.

- Toy sets (TensorFlow Playground recipes, labels +1 → 1 and −1 → 0; ``noise`` is the Playground
  slider value / 100, 0..0.5): ``circle``, ``xor``, ``gauss``, ``spiral`` (``classes`` arms), plus
  ``moons`` (scikit-learn recipe). ``make_toy(name, n, noise, seed)`` picks one by name.
- ``load_digits``: the 1797 UCI 8×8 digits shipped in ``datasets/digits.npz`` (see its README).
- ``make_mnist1d``: MNIST-1D-style 1-D "digits" generated here (10 templates, random padding,
  stretch, shear, correlated noise, shift, resampled to 40 points).
- Helpers: ``train_test_split``, ``standardize``, ``to_one_hot``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from .lookup import by_name

Dataset = tuple[np.ndarray, np.ndarray]


def _finish(x: np.ndarray, labels: np.ndarray, rng: np.random.Generator) -> Dataset:
    """Shuffle the samples and return (float64 x, int64 labels)."""
    order = rng.permutation(len(labels))
    return np.asarray(x, dtype=np.float64)[order], np.asarray(labels, dtype=np.int64)[order]


def _check(n: int, noise: float) -> None:
    """Reject sample counts and noise levels the generators cannot use."""
    if n < 2:
        raise ValueError("サンプル数は 2 以上で指定してください")
    if noise < 0:
        raise ValueError("ノイズは 0 以上で指定してください")


def circle(n: int = 500, noise: float = 0.0, seed: int | None = 0) -> Dataset:
    """Disc (r < 2.5, class 1) inside a ring (3.5 < r < 5, class 0); noise flips labels at the edge."""
    _check(n, noise)
    rng = np.random.default_rng(seed)
    half = n // 2
    r = np.concatenate([rng.uniform(0, 2.5, half), rng.uniform(3.5, 5.0, n - half)])
    angle = rng.uniform(0, 2 * np.pi, n)
    x = np.stack([r * np.sin(angle), r * np.cos(angle)], axis=1)
    shifted = x + rng.uniform(-5, 5, x.shape) * noise
    labels = (np.hypot(shifted[:, 0], shifted[:, 1]) < 2.5).astype(np.int64)
    return _finish(x, labels, rng)


def xor(n: int = 500, noise: float = 0.0, seed: int | None = 0) -> Dataset:
    """Points in [−5, 5]² kept 0.3 off the axes; class 1 where x·y ≥ 0 (of the noise-shifted point)."""
    _check(n, noise)
    rng = np.random.default_rng(seed)
    x = rng.uniform(-5, 5, (n, 2))
    x += np.where(x > 0, 0.3, -0.3)
    shifted = x + rng.uniform(-5, 5, x.shape) * noise
    labels = (shifted[:, 0] * shifted[:, 1] >= 0).astype(np.int64)
    return _finish(x, labels, rng)


def gauss(n: int = 500, noise: float = 0.0, seed: int | None = 0) -> Dataset:
    """Two Gaussian blobs at (2, 2) (class 1) and (−2, −2) (class 0); noise widens them (var 0.5..4)."""
    _check(n, noise)
    rng = np.random.default_rng(seed)
    var = 0.5 + 3.5 * min(noise, 0.5) / 0.5
    half = n // 2
    centers = np.concatenate([np.full((half, 2), 2.0), np.full((n - half, 2), -2.0)])
    x = centers + rng.normal(0.0, np.sqrt(var), (n, 2))
    labels = np.concatenate([np.ones(half), np.zeros(n - half)])
    return _finish(x, labels, rng)


def spiral(n: int = 500, noise: float = 0.0, seed: int | None = 0, classes: int = 2) -> Dataset:
    """``classes`` interleaved spiral arms (radius 0..5, 1.75 turns); noise jitters the points."""
    _check(n, noise)
    if classes < 2:
        raise ValueError("spiral のクラス数は 2 以上で指定してください")
    rng = np.random.default_rng(seed)
    xs, labels = [], []
    for k in range(classes):
        m = n // classes + (1 if k < n % classes else 0)
        i = np.arange(m) / m
        r = 5.0 * i
        theta = 1.75 * 2 * np.pi * i + 2 * np.pi * k / classes
        pts = np.stack([r * np.sin(theta), r * np.cos(theta)], axis=1)
        xs.append(pts + rng.uniform(-1, 1, pts.shape) * noise)
        labels.append(np.full(m, (1 - k) if classes == 2 else k))
    return _finish(np.concatenate(xs), np.concatenate(labels), rng)


def moons(n: int = 500, noise: float = 0.0, seed: int | None = 0) -> Dataset:
    """Two interleaving half circles (class 0 outer, class 1 inner) with Gaussian noise N(0, noise²)."""
    _check(n, noise)
    rng = np.random.default_rng(seed)
    n_out = n // 2
    t_out = np.linspace(0, np.pi, n_out)
    t_in = np.linspace(0, np.pi, n - n_out)
    x = np.concatenate([np.stack([np.cos(t_out), np.sin(t_out)], axis=1),
                        np.stack([1 - np.cos(t_in), 0.5 - np.sin(t_in)], axis=1)])
    x += rng.normal(0.0, noise, x.shape)
    labels = np.concatenate([np.zeros(n_out), np.ones(n - n_out)])
    return _finish(x, labels, rng)


TOY_SETS: dict[str, Callable[..., Dataset]] = {
    "circle": circle, "xor": xor, "gauss": gauss, "spiral": spiral, "moons": moons,
}


def make_toy(name: str, n: int = 500, noise: float = 0.0, seed: int | None = 0) -> Dataset:
    """Generate one of ``TOY_SETS`` by name."""
    return by_name(TOY_SETS, name, "データセット")(n=n, noise=noise, seed=seed)


@lru_cache(maxsize=1)
def _digits_raw() -> tuple[np.ndarray, np.ndarray]:
    """Read the shipped uint8 images (1797, 8, 8) and labels once."""
    ref = resources.files("eqprep.engine").joinpath("datasets", "digits.npz")
    with ref.open("rb") as fh, np.load(fh) as data:
        return data["images"], data["labels"]


def load_digits(normalize: bool = True, flatten: bool = True, dtype: Any = np.float64) -> Dataset:
    """The 8×8 handwritten digits (1797 samples, 10 classes): x (N, 64) or (N, 1, 8, 8), t (N,).

    Pixels are counts 0..16; ``normalize`` scales them to [0, 1].
    """
    if normalize and not np.issubdtype(np.dtype(dtype), np.floating):
        raise ValueError("normalize=True には浮動小数点の dtype を指定してください")
    images, labels = _digits_raw()
    x = images.astype(dtype)
    if normalize:
        x /= 16.0
    x = x.reshape(len(x), 64) if flatten else x.reshape(len(x), 1, 8, 8)
    return x, labels.astype(np.int64)


_TEMPLATES = np.array([
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],     # ramp up
    [11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0],     # ramp down
    [0, 2, 4, 6, 8, 10, 10, 8, 6, 4, 2, 0],     # peak
    [10, 8, 6, 4, 2, 0, 0, 2, 4, 6, 8, 10],     # valley
    [0, 0, 0, 0, 0, 0, 9, 9, 9, 9, 9, 9],       # step up
    [9, 9, 9, 9, 9, 9, 0, 0, 0, 0, 0, 0],       # step down
    [0, 6, 9, 6, 0, 0, 0, 6, 9, 6, 0, 0],       # two bumps
    [0, 5, 10, 5, 0, -2, -3, -2, 0, 0, 0, 0],   # bump then dip
    [0, 0, 0, 0, -2, -3, -2, 0, 5, 10, 5, 0],   # dip then bump
    [0, 8, 0, 8, 0, 8, 0, 8, 0, 8, 0, 8],       # zig-zag
], dtype=np.float64) / 10.0


def _smooth(signal: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian blur (kernel ±3σ, reflected edges) so the noise is correlated along the signal."""
    half = int(3 * sigma)
    k = np.exp(-0.5 * (np.arange(-half, half + 1) / sigma) ** 2)
    padded = np.pad(signal, half, mode="reflect")
    return np.convolve(padded, k / k.sum(), mode="valid")


def _mnist1d_sample(template: np.ndarray, rng: np.random.Generator, length: int) -> np.ndarray:
    """One signal: pad, stretch, add shear and noise, shift circularly, resample to ``length``."""
    pad = int(rng.integers(36, 61))
    left = int(rng.integers(0, pad + 1))
    base = np.concatenate([np.zeros(left), np.repeat(template, 2), np.zeros(pad - left)])
    stretch = rng.uniform(0.8, 1.2)
    m = max(int(len(base) * stretch), 8)
    sig = np.interp(np.linspace(0, len(base) - 1, m), np.arange(len(base)), base)
    sig = sig * rng.uniform(0.8, 1.2) + rng.uniform(-0.75, 0.75) * np.linspace(-1, 1, m)
    sig += 0.25 * _smooth(rng.standard_normal(m), 2.0) + 0.02 * rng.standard_normal(m)
    sig = np.roll(sig, int(rng.integers(-m // 4, m // 4 + 1)))
    return np.interp(np.linspace(0, m - 1, length), np.arange(m), sig)


def make_mnist1d(n: int = 5000, seed: int | None = 42, length: int = 40, standardize: bool = True
                 ) -> Dataset:
    """MNIST-1D-style data generated locally: x (n, length), t (n,) with 10 balanced classes.

    Inspired by Greydanus (2020, arXiv 2011.14439): translation makes it hard for an MLP and
    easy for a CNN. The templates and noise recipe here are this app's own.
    """
    if n < 10:
        raise ValueError("MNIST-1D のサンプル数は 10 以上で指定してください")
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % 10
    x = np.stack([_mnist1d_sample(_TEMPLATES[k], rng, length) for k in labels])
    if standardize:
        x = (x - x.mean()) / x.std()
    return _finish(x, labels, rng)


def train_test_split(x: np.ndarray, t: np.ndarray, test_ratio: float = 0.2, seed: int | None = 0
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Shuffle and split into (x_train, t_train, x_test, t_test); test_ratio in (0, 1)."""
    if not 0.0 < test_ratio < 1.0:
        raise ValueError("test_ratio は 0 より大きく 1 未満で指定してください")
    n = len(x)
    n_test = min(max(int(round(n * test_ratio)), 1), n - 1)
    order = np.random.default_rng(seed).permutation(n)
    test, train = order[:n_test], order[n_test:]
    return x[train], t[train], x[test], t[test]


def standardize(x_train: np.ndarray, *others: np.ndarray) -> list[np.ndarray]:
    """Scale every feature to mean 0, std 1 using the training set's statistics only."""
    mean = x_train.mean(axis=0)
    std = x_train.std(axis=0)
    std[std == 0] = 1.0
    return [(a - mean) / std for a in (x_train, *others)]


def to_one_hot(t: np.ndarray, num_classes: int | None = None) -> np.ndarray:
    """Class indices (N,) → one-hot rows (N, K)."""
    k = int(t.max()) + 1 if num_classes is None else num_classes
    return np.eye(k, dtype=np.float64)[t]
