"""Weight initializers: zeros, constant-std Gaussian, Xavier (course √(1/n) and Glorot uniform), He, LeCun.

Every named initializer has the signature ``(shape, fan_in, fan_out, rng, dtype)`` and returns a new
array; ``gaussian(shape, std, rng, dtype)`` takes the standard deviation instead.
``fan_in`` is the number of inputs of one unit (C·FH·FW for a convolution filter). Names follow the
course: "Xavier" means std √(1/n_in) (as in DLFS), "Glorot" means the uniform U(±√(6/(n_in+n_out))).
``make_weight(spec, ...)`` accepts a name or a number (a fixed standard deviation), as
``weight_init_std`` does in ``MultiLayerNet``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .lookup import by_name

Shape = tuple[int, ...]
Initializer = Callable[[Shape, int, int, np.random.Generator, type], np.ndarray]


def zeros(shape: Shape, fan_in: int, fan_out: int, rng: np.random.Generator,
          dtype: type = np.float64) -> np.ndarray:
    """All zeros: every unit of a layer stays identical (symmetry is never broken)."""
    return np.zeros(shape, dtype=dtype)


def gaussian(shape: Shape, std: float, rng: np.random.Generator, dtype: type = np.float64) -> np.ndarray:
    """N(0, std²) with a fixed std, e.g. 0.01 as in the course's first networks."""
    return (rng.standard_normal(shape) * std).astype(dtype)


def xavier(shape: Shape, fan_in: int, fan_out: int, rng: np.random.Generator,
           dtype: type = np.float64) -> np.ndarray:
    """Course "Xavier": N(0, 1/n_in), std √(1/n_in); suited to sigmoid and tanh."""
    return gaussian(shape, np.sqrt(1.0 / fan_in), rng, dtype)


def glorot_uniform(shape: Shape, fan_in: int, fan_out: int, rng: np.random.Generator,
                   dtype: type = np.float64) -> np.ndarray:
    """Glorot & Bengio (2010) uniform U(−a, a) with a = √(6/(n_in + n_out))."""
    a = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-a, a, shape).astype(dtype)


def he(shape: Shape, fan_in: int, fan_out: int, rng: np.random.Generator,
       dtype: type = np.float64) -> np.ndarray:
    """He: N(0, 2/n_in), std √(2/n_in); keeps ReLU activations from shrinking layer by layer."""
    return gaussian(shape, np.sqrt(2.0 / fan_in), rng, dtype)


def lecun(shape: Shape, fan_in: int, fan_out: int, rng: np.random.Generator,
          dtype: type = np.float64) -> np.ndarray:
    """LeCun normal: N(0, 1/n_in) (the same variance as the course's Xavier; used with SELU)."""
    return gaussian(shape, np.sqrt(1.0 / fan_in), rng, dtype)


INITIALIZERS: dict[str, Initializer] = {   # alphabetical: the error message lists them in this order
    "glorot": glorot_uniform, "glorot_uniform": glorot_uniform, "he": he, "lecun": lecun, "relu": he,
    "sigmoid": xavier, "xavier": xavier, "zeros": zeros,
}


def make_weight(spec: str | float, shape: Shape, fan_in: int, fan_out: int,
                rng: np.random.Generator, dtype: type = np.float64) -> np.ndarray:
    """Create a weight array from a name in ``INITIALIZERS`` or a number (Gaussian std)."""
    if isinstance(spec, str):
        return by_name(INITIALIZERS, spec, "初期化", "または標準偏差の数値")(shape, fan_in, fan_out, rng, dtype)
    return gaussian(shape, float(spec), rng, dtype)
