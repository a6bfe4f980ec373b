"""Run-time helper handed to each demo: settings, seed, step budget, event sending and training runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from eqprep.engine import MultiLayerNet
from eqprep.engine.train import Progress, Trainer

from .datasets import Split
from .model import DemoEvent, DemoResult, RunResult

REPORTS_PER_RUN = 25
EventSink = Callable[[DemoEvent], object]  # the return value (e.g. post_message's bool) is ignored
Payload = Callable[[dict[str, float]], dict[str, Any]]   # gets the metrics of the report


class Cancelled(Exception):
    """Raised inside a demo when the cancel flag is set; ``run_demo`` turns it into cancelled=True."""


def as_list(array: np.ndarray, digits: int = 4) -> list:
    """A NumPy array as nested lists of rounded Python floats (compact JSON, no NumPy types)."""
    return np.round(np.asarray(array, dtype=np.float64), digits).tolist()


class DemoContext:
    """State of one ``run_demo`` call; demos add runs through it and it forwards events."""

    def __init__(self, result: DemoResult, settings: dict[str, Any], on_event: EventSink | None,
                 cancel: Any) -> None:
        self.result = result
        self.settings = settings
        self.seed = result.seed
        self.steps = result.steps
        self.on_event = on_event
        self.cancel = cancel

    def check(self) -> None:
        """Stop the demo (raise Cancelled) if the learner cancelled it."""
        if self.cancel is not None and self.cancel.is_set():
            raise Cancelled

    def rng(self, offset: int = 0) -> np.random.Generator:
        """A generator derived from the demo seed (offset separates independent streams)."""
        return np.random.default_rng([self.seed, offset])

    def mlp(self, *args: Any, **options: Any) -> MultiLayerNet:
        """A ``MultiLayerNet`` (same arguments) in float32 and seeded from the demo seed, as every demo trains."""
        return MultiLayerNet(*args, dtype=np.float32, seed=self.seed, **options)

    def trainer(self, net: Any, optimizer: str, data: Split, lr: float | None, batch_size: int = 100,
                **options: Any) -> Trainer:
        """A ``Trainer`` on the (x_train, t_train, x_test, t_test) split, shuffling from the demo seed.

        ``lr=None`` keeps the optimizer's own default (Adadelta has no learning rate).
        """
        return Trainer(net, optimizer, *data, optimizer_param={} if lr is None else {"lr": lr},
                       batch_size=batch_size, seed=self.seed, **options)

    def add(self, run: RunResult) -> RunResult:
        """Register a run so that partial results contain it even if the demo is cancelled later."""
        self.result.runs[run.label] = run
        return run

    def emit(self, run: RunResult, step: int, total: int, metrics: dict[str, float],
             payload: dict[str, Any] | None = None, done: bool = False) -> None:
        """Send one event to the listener (if any)."""
        if self.on_event is not None:
            self.on_event(DemoEvent(self.result.name, run.label, run.group, step, total,
                                    dict(metrics), payload or {}, done))

    def train(self, label: str, group: str, trainer: Trainer, steps: int | None = None,
              payload: Payload | None = None, series_extra: Callable[[Progress], dict[str, float]] | None = None,
              reports: int = REPORTS_PER_RUN) -> RunResult:
        """Run ``trainer`` for ``steps`` steps, recording its reports as series and forwarding them as events.

        ``payload(metrics)`` (called at each report, in this thread) adds group-specific data to the event;
        ``series_extra(progress)`` adds more series (e.g. per-layer gradient norms).
        """
        self.check()
        steps = self.steps if steps is None else steps
        trainer.report_every = max(1, steps // reports)
        run = self.add(RunResult(label, group, "running"))
        sent_done = False

        def on_progress(progress: Progress) -> None:
            nonlocal sent_done
            reported = {"loss": progress.loss, "train_acc": progress.train_acc,
                        "test_acc": progress.test_acc, "test_loss": progress.test_loss}
            metrics = {k: float(v) for k, v in reported.items() if v is not None}
            if series_extra is not None and np.isfinite(progress.loss):
                metrics.update(series_extra(progress))
            run.series.setdefault("step", []).append(float(progress.step))
            for key, value in metrics.items():
                run.series.setdefault(key, []).append(value)
            run.final = metrics
            sent_done = progress.step >= steps or not np.isfinite(progress.loss)
            self.emit(run, progress.step, steps, metrics, payload(metrics) if payload else None, done=sent_done)

        outcome = trainer.run(steps=steps, callback=on_progress, cancel=self.cancel)
        run.status = outcome.status
        if outcome.restored and outcome.best is not None:        # restore_best: report the restored network
            best = outcome.best
            run.final.update({k: float(v) for k, v in (("train_acc", best.train_acc), ("test_acc", best.test_acc),
                                                        ("test_loss", best.test_loss)) if v is not None})
            run.extra["restored_step"] = best.step
        if outcome.status != "cancelled" and not sent_done:     # early stopping ends between reports
            self.emit(run, trainer.steps_done, steps, run.final, payload(run.final) if payload else None, done=True)
        self.check()
        return run
