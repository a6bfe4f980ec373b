"""Mini-batch trainer for the engine's networks, safe to run in a background thread.

Usage (e.g. in a worker thread of the TUI or a headless demo)::

    trainer = Trainer(net, "adam", x_train, t_train, x_test, t_test,
                      optimizer_param={"lr": 0.001}, batch_size=100, report_every=50, seed=0)
    result = trainer.run(steps=2000, callback=on_progress, cancel=stop_event)

- ``callback(progress: Progress) -> bool | None`` is called in the training thread every
  ``report_every`` steps (and once at the end). Return ``False`` to stop (status "cancelled").
  The callback may read the network (e.g. ``trainer.network.predict`` on a plot grid): nothing
  else touches it meanwhile. Do not call the network from another thread while ``run`` is active.
- ``cancel`` is any object with ``is_set()`` (``threading.Event``); it is checked before every step.
- ``run`` never prints and never raises for numerical trouble: a NaN/inf loss ends the run with
  status "diverged" (the callback then gets a last ``Progress`` whose loss is NaN). ``TrainResult.status`` is one of "finished", "early_stopped", "cancelled",
  "diverged"; ``TrainResult.message`` is a Japanese summary; ``history`` holds every ``Progress``.
- Early stopping: with ``patience=k`` the run ends ("early_stopped") after k reports without the
  monitored value improving by more than ``min_delta``. ``monitor="loss"`` (default) watches the test
  loss (the mean training loss without a test set); ``monitor="accuracy"`` watches the test accuracy
  (the training accuracy without a test set), which usually peaks later than the loss bottoms out.
- ``restore_best=True`` keeps a copy of the weights (and batch-norm running statistics) at the best
  report of the monitored value and puts them back when the run ends, whatever the status;
  ``TrainResult.best`` is that report (its accuracies are those of the restored network) and
  ``TrainResult.restored`` says whether the weights were put back. Works with or without ``patience``.
- Accuracies and the test loss use the first ``eval_samples`` samples (default 1000; None = all),
  in test mode (dropout off, batch-norm running statistics).
- ``track_stats=True`` adds per-layer activation statistics (``ActivationStats``, from the last
  training mini-batch) and gradient norms (‖g‖ per parameter key) to each ``Progress``.
- ``step()`` runs a single mini-batch step and returns its loss, for callers that drive training
  themselves (e.g. a few steps per animation frame).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import numpy as np

from .functions import as_labels
from .network import ActivationStats
from .optim import make_optimizer

MONITORS = {"loss": "損失", "accuracy": "正解率"}
TrainStatus = Literal["finished", "early_stopped", "cancelled", "diverged"]
STATUS_MESSAGES: dict[TrainStatus, str] = {
    "finished": "学習が完了しました",
    "early_stopped": "検証{monitor}が改善しなくなったため早期終了しました (early stopping)",
    "cancelled": "学習を中断しました",
    "diverged": "損失が NaN/inf になり発散しました。学習率を下げるか初期値を見直してください",
}


class CancelFlag(Protocol):
    """Anything with ``is_set()``, e.g. ``threading.Event``."""

    def is_set(self) -> bool:
        """True when training should stop."""


@dataclass(frozen=True)
class Progress:
    """One progress report: loss and accuracies at a step, optional layer statistics."""

    step: int
    epoch: float
    loss: float                          # mean mini-batch loss since the previous report
    train_acc: float | None
    test_acc: float | None
    test_loss: float | None
    elapsed: float                       # seconds since run() started
    activations: tuple[ActivationStats, ...] | None = None
    grad_norms: dict[str, float] | None = None


@dataclass
class TrainResult:
    """Outcome of ``Trainer.run``."""

    status: TrainStatus
    steps: int
    message: str
    history: list[Progress] = field(default_factory=list)
    best: Progress | None = None         # best report of the monitored value (with patience or restore_best)
    restored: bool = False               # True when the weights of ``best`` were put back at the end

    @property
    def final(self) -> Progress | None:
        """The last progress report, if any."""
        return self.history[-1] if self.history else None


@dataclass
class _Best:
    """Early-stopping state: the best report so far, its weights (with restore_best), reports since it."""

    score: float = -np.inf
    progress: Progress | None = None
    snapshot: dict[str, Any] | None = None
    waited: int = 0


class Trainer:
    """Mini-batch training of a ``MultiLayerNet``/``SimpleConvNet`` with any optimizer (instance or name)."""

    def __init__(self, network: Any, optimizer: Any, x_train: np.ndarray, t_train: np.ndarray,
                 x_test: np.ndarray | None = None, t_test: np.ndarray | None = None, *,
                 optimizer_param: dict[str, float] | None = None, batch_size: int = 100,
                 report_every: int = 100, eval_samples: int | None = 1000, track_stats: bool = False,
                 patience: int | None = None, min_delta: float = 0.0, monitor: str = "loss",
                 restore_best: bool = False, seed: int | None = 0) -> None:
        if batch_size < 1 or report_every < 1:
            raise ValueError("batch_size と report_every は 1 以上で指定してください")
        if monitor not in MONITORS:
            raise ValueError(f"monitor は {' か '.join(MONITORS)} で指定してください: '{monitor}'")
        if len(x_train) == 0 or len(x_train) != len(t_train):
            raise ValueError("訓練データが空か、x と t の件数が一致しません")
        self.network = network
        self.optimizer = (make_optimizer(optimizer, **(optimizer_param or {}))
                          if isinstance(optimizer, str) else optimizer)
        dtype = getattr(network, "dtype", x_train.dtype)
        self.x_train, self.t_train = x_train.astype(dtype, copy=False), t_train
        self.x_test = None if x_test is None else x_test.astype(dtype, copy=False)
        self.t_test = t_test
        self.batch_size = min(batch_size, len(x_train))
        self.report_every, self.eval_samples = report_every, eval_samples
        self.track_stats, self.patience, self.min_delta = track_stats, patience, min_delta
        self.monitor, self.restore_best = monitor, restore_best
        self.rng = np.random.default_rng(seed)
        self.steps_done = 0
        self.last_grads: dict[str, np.ndarray] = {}
        self._order = np.empty(0, dtype=np.int64)
        self._cursor = 0

    def _next_batch(self) -> np.ndarray:
        """Indices of the next mini-batch (a fresh permutation every epoch, no replacement)."""
        if self._cursor + self.batch_size > len(self._order):
            self._order = self.rng.permutation(len(self.x_train))
            self._cursor = 0
        idx = self._order[self._cursor:self._cursor + self.batch_size]
        self._cursor += self.batch_size
        return idx

    def step(self) -> float:
        """One mini-batch step (gradient + update); returns the batch loss (may be NaN/inf)."""
        idx = self._next_batch()
        x, t = self.x_train[idx], self.t_train[idx]
        with np.errstate(all="ignore"):
            grads = self.network.gradient(x, t)
            loss = self.network.last_loss
            if np.isfinite(loss):
                self.optimizer.update(self.network.params, grads)
        self.last_grads = grads
        self.steps_done += 1
        return loss

    def _epoch(self) -> float:
        """Passes over the training set done so far (fractional)."""
        return self.steps_done * self.batch_size / len(self.x_train)

    def _evaluate(self, x: np.ndarray, t: np.ndarray) -> tuple[float, float]:
        """(loss, accuracy) of the network in test mode on at most eval_samples samples."""
        if self.eval_samples is not None:
            x, t = x[:self.eval_samples], t[:self.eval_samples]
        net = self.network
        total, hits = 0.0, 0
        labels = as_labels(np.asarray(t))
        with np.errstate(all="ignore"):
            for i in range(0, len(x), 1000):
                y = net.predict(x[i:i + 1000])
                total += net.last_layer.forward(y, t[i:i + 1000]) * len(y)
                hits += int(np.sum(y.argmax(axis=1) == labels[i:i + 1000]))
        return total / len(x) + net.penalty(), hits / len(x)

    def _report(self, losses: list[float], started: float) -> Progress:
        """Build a Progress from the losses since the last report and a fresh evaluation."""
        acts = norms = None
        if self.track_stats:  # before evaluating, so the statistics describe the last training batch
            acts = tuple(self.network.activation_stats())
            norms = {k: float(np.linalg.norm(g)) for k, g in self.last_grads.items()}
        _, train_acc = self._evaluate(self.x_train, self.t_train)
        test_loss = test_acc = None
        if self.x_test is not None and self.t_test is not None and len(self.x_test):
            test_loss, test_acc = self._evaluate(self.x_test, self.t_test)
        return Progress(self.steps_done, self._epoch(), float(np.mean(losses)), train_acc, test_acc, test_loss,
                        time.perf_counter() - started, acts, norms)

    def _score(self, progress: Progress) -> float:
        """The monitored value of a report, signed so that larger is better."""
        if self.monitor == "accuracy":
            acc = progress.test_acc if progress.test_acc is not None else progress.train_acc
            return -np.inf if acc is None else acc
        return -(progress.test_loss if progress.test_loss is not None else progress.loss)

    def _snapshot(self) -> dict[str, Any]:
        """Copies of the weights and of every layer's batch-norm running statistics."""
        snap: dict[str, Any] = {key: w.copy() for key, w in self.network.params.items()}
        for name, layer in getattr(self.network, "layers", {}).items():
            if getattr(layer, "running_mean", None) is not None:
                snap[f"layer:{name}"] = (layer.running_mean.copy(), layer.running_var.copy())
        return snap

    def _restore(self, snap: dict[str, Any]) -> None:
        """Put a snapshot back in place (the layers share the ``params`` arrays)."""
        layers = getattr(self.network, "layers", {})
        for key, value in snap.items():
            if key.startswith("layer:"):
                layer = layers[key[6:]]
                layer.running_mean, layer.running_var = value[0].copy(), value[1].copy()
            else:
                self.network.params[key][...] = value

    def run(self, steps: int | None = None, epochs: float | None = None, callback: Any = None,
            cancel: CancelFlag | None = None) -> TrainResult:
        """Train for ``steps`` mini-batches, or ``epochs`` passes (default: one epoch); see the module docstring."""
        if steps is None:
            steps = int(np.ceil((epochs or 1) * len(self.x_train) / self.batch_size))
        history: list[Progress] = []
        losses: list[float] = []
        best = _Best()
        started = time.perf_counter()
        status: TrainStatus = "finished"
        for i in range(1, steps + 1):
            if cancel is not None and cancel.is_set():
                status = "cancelled"
                break
            loss = self.step()
            losses.append(loss)
            if not np.isfinite(loss):
                status = "diverged"
                break
            if i % self.report_every and i != steps:
                continue
            progress = self._report(losses, started)
            losses = []
            history.append(progress)
            if callback is not None and callback(progress) is False:
                status = "cancelled"
                break
            if self._stop_early(best, progress):
                status = "early_stopped"
                break
        if status == "diverged" and callback is not None:
            final = Progress(self.steps_done, self._epoch(), float("nan"), None, None, None,
                             time.perf_counter() - started)
            history.append(final)
            callback(final)
        message = STATUS_MESSAGES[status].format(monitor=MONITORS[self.monitor])
        restored = best.snapshot is not None and best.progress is not None
        if best.snapshot is not None and best.progress is not None:
            self._restore(best.snapshot)
            message += f"。最良だったステップ {best.progress.step} の重みに戻しました (restore best weights)"
        return TrainResult(status, self.steps_done, message, history, best.progress, restored)

    def _stop_early(self, best: _Best, progress: Progress) -> bool:
        """Track the best report (keeping its weights with restore_best); True once `patience` reports brought
        no improvement of at least min_delta. Nothing is tracked without patience or restore_best."""
        if self.patience is None and not self.restore_best:
            return False
        score = self._score(progress)
        if score > best.score + self.min_delta:
            best.score, best.progress, best.waited = score, progress, 0
            if self.restore_best:
                best.snapshot = self._snapshot()
            return False
        best.waited += 1
        return self.patience is not None and best.waited >= self.patience
