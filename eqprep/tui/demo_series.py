"""Textual-free helpers for the demos screen: parse typed settings, collect streamed points per run."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from math import isfinite
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from eqprep.demos import DemoEvent, DemoSpec

PREFERRED_METRICS = ("loss", "f", "test_acc")


def parse_settings(text: str) -> tuple[dict[str, str], int | None] | str:
    """'lr=0.01 depth=5 steps=100' -> (settings, steps); a str is a Japanese error message."""
    settings: dict[str, str] = {}
    steps: int | None = None
    for token in text.replace("、", " ").split():
        name, sep, value = token.partition("=")
        if not sep or not name or not value:
            return f"'{token}' は 名前=値 の形で書いてください (例: lr=0.01 steps=200)。"
        if name == "steps":
            if not value.isdigit():
                return "steps は正の整数で指定してください。"
            steps = int(value)
        else:
            settings[name] = value
    return settings, steps


def settings_text(spec: DemoSpec) -> str:
    """Each setting with its label, default and allowed values, one per line."""
    lines = []
    for setting in spec.settings:
        default = ",".join(map(str, setting.default)) if isinstance(setting.default, tuple) else setting.default
        allowed = " / ".join(setting.choices) if setting.choices else (
            f"{setting.min:g}〜{setting.max:g}" if setting.min is not None and setting.max is not None else "")
        lines.append(f"  {setting.name}={default}  {setting.label}" + (f" ({allowed})" if allowed else ""))
    return "\n".join(lines)


def metric_of(metrics: dict[str, float]) -> str | None:
    """The metric to plot for an event: loss, else f (trajectory height), else the first one."""
    for name in PREFERRED_METRICS:
        if name in metrics:
            return name
    return min(metrics, default=None)


@dataclass
class SeriesBook:
    """Points per run for the group being streamed (the plot shows one group at a time)."""

    group: str = ""
    metric: str = ""
    runs: dict[str, tuple[list[float], list[float]]] = field(default_factory=dict)

    def add(self, event: DemoEvent) -> bool:
        """Record one event; True when something plottable was added."""
        metric = metric_of(event.metrics)
        if metric is None:
            return False
        if event.group != self.group or metric != self.metric:
            self.group, self.metric, self.runs = event.group, metric, {}
        value = event.metrics[metric]
        if not isfinite(value):
            return False
        steps, values = self.runs.setdefault(event.run, ([], []))
        steps.append(float(event.step))
        values.append(float(value))
        return True

    def bounds(self) -> tuple[float, float, float, float]:
        """x and y limits covering every recorded point (with a margin on y)."""
        xs = [x for steps, _ in self.runs.values() for x in steps] or [0.0, 1.0]
        ys = [y for _, values in self.runs.values() for y in values] or [0.0, 1.0]
        low, high = min(ys), max(ys)
        pad = (high - low) * 0.05 or 0.5
        return min(xs), max(max(xs), min(xs) + 1), low - pad, high + pad


def status_line(event: DemoEvent) -> str:
    """One line of progress text for the event."""
    shown = "  ".join(f"{k}={v:.4g}" for k, v in sorted(event.metrics.items()) if isfinite(v))
    return f"{event.run}  {event.step}/{event.total}  {shown}"


def summary_lines(runs: Sequence[Any], findings: Sequence[str], takeaway: str, cancelled: bool) -> str:
    """End-of-demo text: run statuses, measured findings and the takeaway."""
    status_names = {"finished": "完了", "early_stopped": "早期終了", "cancelled": "中止", "diverged": "発散"}
    lines = ["中止しました (途中までの結果)。" if cancelled else "完了しました。"]
    lines += [f"  {run.label}: {status_names.get(run.status, run.status)}" for run in runs]
    if findings:
        lines += ["", "実測:"] + [f"  {line}" for line in findings]
    if takeaway and not cancelled:
        lines += ["", takeaway]
    return "\n".join(lines)
