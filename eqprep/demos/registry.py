"""The demo table and ``run_demo``, the one entry point the CLI and the TUI call."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

from . import (
    batchnorm,
    cnn,
    initialization,
    lr_schedule,
    optimizers,
    overfit,
    playground,
    rnn_gradients,
    vanishing,
    zero_init,
)
from .context import Cancelled, DemoContext, EventSink
from .model import DemoError, DemoResult, DemoSpec

_MODULES: tuple[ModuleType, ...] = (optimizers, initialization, zero_init, vanishing, batchnorm, overfit,
                                    playground, cnn, lr_schedule, rnn_gradients)
DEMOS: dict[str, DemoSpec] = {m.SPEC.name: m.SPEC for m in _MODULES}
_RUNNERS: dict[str, Callable[[DemoContext], None]] = {m.SPEC.name: m.run for m in _MODULES}
STEPS_FACTOR = 10  # at most 10x a demo's default steps ...
# ... and less where a run at 10x took over 30 s of CPU (half the documented 60 s), measured with
# `python benchmarks/demos.py --cap` (benchmarks/README.md): batchnorm 28 s at 3000, overfit 36 s at 10000
STEP_CAPS = {"batchnorm": 2500, "overfit": 8000}


def max_steps(spec: DemoSpec) -> int:
    """The largest `steps` a demo accepts (a capped run ends well within 60 s)."""
    return STEP_CAPS.get(spec.name, STEPS_FACTOR * spec.default_steps)


def get_spec(name: str) -> DemoSpec:
    """The spec of a demo by name, or DemoError listing the known names."""
    try:
        return DEMOS[name]
    except KeyError:
        raise DemoError(f"デモ '{name}' はありません (使えるデモ: {', '.join(DEMOS)})") from None


def run_demo(name: str, settings: dict[str, Any] | None = None, seed: int = 0, steps: int | None = None,
             on_event: EventSink | None = None, cancel: Any = None) -> DemoResult:
    """Run one demo synchronously in the calling thread; see docs/demos.md.

    Raises DemoError (Japanese message) for an unknown name, setting or step count before any work.
    A set ``cancel`` event ends the demo promptly with the partial result and ``cancelled=True``.
    """
    spec = get_spec(name)
    resolved = spec.resolve(settings)
    if steps is not None and not 1 <= int(steps) <= max_steps(spec):
        raise DemoError(
            f"ステップ数は 1 以上 {max_steps(spec)} 以下で指定してください (どのデモも 60 秒以内に終わる上限。指定: {steps})"
        )
    if not 0 <= int(seed) < 2**32:
        raise DemoError(f"シードは 0 以上 {2**32 - 1} 以下の整数で指定してください (指定: {seed})")
    result = DemoResult(name, resolved, int(seed), int(steps or spec.default_steps), spec.takeaway)
    ctx = DemoContext(result, resolved, on_event, cancel)
    try:
        _RUNNERS[name](ctx)
    except Cancelled:
        result.cancelled = True
    for run in result.runs.values():
        if run.status in ("running", "cancelled"):
            run.status = "cancelled"
            result.cancelled = True
    return result
