"""Optimizers with ``update(params, grads)`` that change the arrays of ``params`` in place.

NumPy arrays are updated in place (a network's layers share them); any other number (a Python
float as in the textbook's x²/20 + y² comparison, a NumPy scalar) is replaced by its new value,
``params[key] = ...``, as a Python float. Anything else is refused with a message.

Notation (as in the course notes): W parameter, g = ∂E/∂W its gradient, η learning rate, ⊙
element-wise product, ε a small constant; state arrays (v, h, m, s) start at 0 and are created on
the first call for each key. ``lr`` (and the other hyper-parameters) may be changed between calls.
``OPTIMIZERS`` maps lower-case names to classes; ``make_optimizer(name, **kwargs)`` builds one.
"""

from __future__ import annotations

from numbers import Real
from typing import Any

import numpy as np

from .lookup import by_name

Params = dict[str, np.ndarray]


def _state(store: Params, key: str, like: np.ndarray) -> np.ndarray:
    """store[key], created as zeros shaped like ``like`` on first use (no throw-away array per step)."""
    array = store.get(key)
    if array is None:
        array = store[key] = np.zeros_like(like)
    return array


class Optimizer:
    """Base: ``update`` walks the keys and ``_step(key, w, g)`` changes the array w in place."""

    def update(self, params: Params, grads: Params) -> None:
        """Apply one step to every key of params (scalars are written back as new values)."""
        for key, w in params.items():
            if isinstance(w, np.ndarray):
                self._step(key, w, grads[key])
                continue
            if not isinstance(w, Real) or isinstance(w, bool):
                raise TypeError(f"params['{key}'] は NumPy 配列か数値にしてください ({type(w).__name__} は更新できません)")
            box = np.array(float(w))
            self._step(key, box, grads[key])
            params[key] = float(box)

    def _step(self, key: str, w: np.ndarray, g: Any) -> None:
        """Change w in place by one step of this method."""
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent: W ← W − η g."""

    def __init__(self, lr: float = 0.01) -> None:
        self.lr = lr

    def _step(self, key: str, w: np.ndarray, g: Any) -> None:
        """W ← W − η g."""
        w -= self.lr * g


class Momentum(Optimizer):
    """Momentum: v ← μv − η g;  W ← W + v (μ = ``momentum``)."""

    def __init__(self, lr: float = 0.01, momentum: float = 0.9) -> None:
        self.lr, self.momentum = lr, momentum
        self.v: Params = {}

    def _step(self, key: str, w: np.ndarray, g: Any) -> None:
        """v ← μv − η g;  W ← W + v."""
        v = _state(self.v, key, w)
        v *= self.momentum
        v -= self.lr * g
        w += v


class Nesterov(Momentum):
    """Nesterov accelerated gradient: v ← μv − η g;  W ← W + μv − η g.

    Here W is the look-ahead point θ + μv, so g is the gradient at the look-ahead position the notes
    write as ∇E(θ + μv); the two lines are the notes' update rewritten in that variable
    (equivalently W ← W + μ²v_old − (1 + μ)η g). The textbook's listing applies μ² to the already
    updated v instead (docs/engine-differences.md).
    """

    def _step(self, key: str, w: np.ndarray, g: Any) -> None:
        """v ← μv − η g;  W ← W + μv − η g."""
        v = _state(self.v, key, w)
        step = self.lr * g
        v *= self.momentum
        v -= step
        w += self.momentum * v
        w -= step


class AdaGrad(Optimizer):
    """AdaGrad: h ← h + g⊙g;  W ← W − η g / (√h + ε)."""

    def __init__(self, lr: float = 0.01, eps: float = 1e-7) -> None:
        self.lr, self.eps = lr, eps
        self.h: Params = {}

    def _accumulate(self, h: np.ndarray, g: np.ndarray) -> None:
        """Add g⊙g to the running sum h in place."""
        h += g * g

    def _step(self, key: str, w: np.ndarray, g: Any) -> None:
        """Accumulate g⊙g into h, then W ← W − η g / (√h + ε)."""
        h = _state(self.h, key, w)
        self._accumulate(h, g)
        w -= self.lr * g / (np.sqrt(h) + self.eps)


class RMSprop(AdaGrad):
    """RMSprop: h ← ρh + (1 − ρ) g⊙g;  W ← W − η g / (√h + ε) (ρ = ``decay_rate``).

    AdaGrad's step with a decaying average in place of the ever-growing sum.
    """

    def __init__(self, lr: float = 0.01, decay_rate: float = 0.99, eps: float = 1e-7) -> None:
        super().__init__(lr, eps)
        self.decay_rate = decay_rate

    def _accumulate(self, h: np.ndarray, g: np.ndarray) -> None:
        """Decay h by ρ and add (1 − ρ) g⊙g in place."""
        h *= self.decay_rate
        h += (1.0 - self.decay_rate) * g * g


class Adadelta(Optimizer):
    """Adadelta (no learning rate):
    h ← ρh + (1 − ρ) g⊙g;  Δ ← −(√(s + ε) / √(h + ε)) ⊙ g;  s ← ρs + (1 − ρ) Δ⊙Δ;  W ← W + Δ.
    """

    def __init__(self, rho: float = 0.95, eps: float = 1e-6) -> None:
        self.rho, self.eps = rho, eps
        self.h: Params = {}
        self.s: Params = {}

    def _step(self, key: str, w: np.ndarray, g: Any) -> None:
        """One Adadelta step (see the class docstring)."""
        rho, eps = self.rho, self.eps
        h = _state(self.h, key, w)
        s = _state(self.s, key, w)
        h *= rho
        h += (1.0 - rho) * g * g
        delta = -np.sqrt(s + eps) / np.sqrt(h + eps) * g
        s *= rho
        s += (1.0 - rho) * delta * delta
        w += delta


class Adam(Optimizer):
    """Adam: t ← t + 1;  m ← β₁m + (1 − β₁) g;  v ← β₂v + (1 − β₂) g⊙g;
    m̂ = m / (1 − β₁ᵗ);  v̂ = v / (1 − β₂ᵗ);  W ← W − η m̂ / (√v̂ + ε).

    ε is added to the bias-corrected √v̂ as in the paper; the textbook folds the corrections into
    the learning rate and adds 1e-7 to the uncorrected √v, so its steps are smaller for tiny
    gradients (docs/engine-differences.md).
    """

    def __init__(self, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8) -> None:
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.t = 0
        self.m: Params = {}
        self.v: Params = {}

    @property
    def iter(self) -> int:
        """The step count t under the textbook's attribute name."""
        return self.t

    def update(self, params: Params, grads: Params) -> None:
        """Count the step (t ← t + 1), then apply it to every key of params."""
        self.t += 1
        super().update(params, grads)

    def _step(self, key: str, w: np.ndarray, g: Any) -> None:
        """One bias-corrected Adam step at the current t."""
        b1, b2 = self.beta1, self.beta2
        c1, c2 = 1.0 - b1 ** self.t, 1.0 - b2 ** self.t
        m = _state(self.m, key, w)
        v = _state(self.v, key, w)
        m *= b1
        m += (1.0 - b1) * g
        v *= b2
        v += (1.0 - b2) * g * g
        w -= (self.lr / c1) * m / (np.sqrt(v / c2) + self.eps)


OPTIMIZERS: dict[str, type] = {
    "sgd": SGD, "momentum": Momentum, "nesterov": Nesterov, "adagrad": AdaGrad,
    "rmsprop": RMSprop, "adadelta": Adadelta, "adam": Adam,
}


def make_optimizer(name: str, **kwargs: Any) -> Any:
    """Build an optimizer by (case-insensitive) name with its keyword hyper-parameters."""
    cls = by_name(OPTIMIZERS, name, "最適化手法")
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise ValueError(f"{cls.__name__} のハイパーパラメータが正しくありません: {exc}") from None
