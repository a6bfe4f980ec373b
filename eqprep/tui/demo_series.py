"""Textual-free helpers for the demos screen: settings text, per-demo state, streamed points and result figures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from math import isfinite, log10
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from eqprep.demos import DemoEvent, DemoResult, DemoSpec

PREFERRED_METRICS = ("loss", "f", "test_acc")
FIGURE_METRIC = {"cnn": "test_acc", "overfit": "test_acc"}      # the curve each demo's lesson is about
METRIC_NAMES = {"loss": "損失", "test_acc": "テスト精度", "test_loss": "テスト損失", "f": "f(x, y)", "std": "標準偏差"}


def parse_settings(text: str) -> tuple[dict[str, str], int | None] | str:
    """'lr=0.01 depth=5 steps=100' -> (settings, steps); a str is a Japanese error message."""
    from eqprep.demos import DemoError, parse_assignments

    try:
        settings = parse_assignments(text.replace("、", " ").split())
    except DemoError as error:
        return str(error)
    steps = settings.pop("steps", None)
    if steps is None:
        return settings, None
    if not steps.isdigit():
        return "steps は正の整数で指定してください。"
    return settings, int(steps)


def _example(setting: Any) -> str:
    """A valid value different from the default, to show in the hint."""
    if setting.kind == "names":
        return ",".join(setting.choices[:3])
    if setting.choices:
        return next((c for c in setting.choices if c != setting.default), setting.default)
    if setting.kind == "bool":
        return "false" if setting.default else "true"
    if setting.kind == "sizes":
        return "8,8"
    if setting.kind == "numbers":
        return ",".join(f"{v * 2:g}" for v in setting.default[:2])
    value = setting.default * 2 if setting.default else min(setting.max or 10, 10)
    if setting.max is not None:
        value = min(value, setting.max)
    return f"{value:g}" if setting.kind == "float" else str(int(value))


def settings_hint(spec: DemoSpec) -> str:
    """Placeholder for the settings line: this demo's first setting and a step count (short enough for 80x24;
    the status line says that an empty line runs the defaults)."""
    first = f"{spec.settings[0].name}={_example(spec.settings[0])} " if spec.settings else ""
    return f"例: {first}steps={max(1, spec.default_steps // 2)}"


def settings_text(spec: DemoSpec) -> str:
    """Each setting with its label, default and allowed values, one per line."""
    lines = []
    for setting in spec.settings:
        default = ",".join(map(str, setting.default)) if isinstance(setting.default, tuple) else setting.default
        allowed = " / ".join(setting.choices) if setting.choices else (
            f"{setting.min:g}〜{setting.max:g}" if setting.min is not None and setting.max is not None else "")
        lines.append(f"  {setting.name}={default}  {setting.label}" + (f" ({allowed})" if allowed else ""))
    return "\n".join(lines)


def describe(spec: DemoSpec) -> str:
    """The panel text before a demo has run: summary, steps and settings."""
    return f"{spec.title}\n{spec.summary}\n既定 {spec.default_steps} ステップ/run\n\n設定:\n{settings_text(spec)}"


@dataclass
class DemoState:
    """What the screen keeps per demo: the typed settings line, the last result and the figure shown."""

    text: str = ""
    result: DemoResult | None = None
    group: str = ""


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

    def figure(self) -> Figure:
        """The streamed points as a figure (x = step)."""
        lines = [(label, xs, ys) for label, (xs, ys) in self.runs.items()]
        return Figure(f"{self.group} (実行中)", "ステップ", METRIC_NAMES.get(self.metric, self.metric), lines)


@dataclass
class Figure:
    """Lines to draw on one plot: (label, xs, ys), axis titles, optional fixed bounds and grey contour dots."""

    title: str
    xlabel: str
    ylabel: str
    lines: list[tuple[str, list[float], list[float]]]
    bounds: tuple[float, float, float, float] | None = None
    dots: tuple[list[float], list[float]] = ([], [])

    def limits(self) -> tuple[float, float, float, float]:
        """x and y limits: the fixed bounds, else every point with a margin on y."""
        if self.bounds is not None:
            return self.bounds
        xs = [x for _, line_x, _ in self.lines for x in line_x if isfinite(x)] or [0.0, 1.0]
        ys = [y for _, _, line_y in self.lines for y in line_y if isfinite(y)] or [0.0, 1.0]
        low, high = min(ys), max(ys)
        pad = (high - low) * 0.05 or 0.5
        return min(xs), max(max(xs), min(xs) + 1), low - pad, high + pad


def figure_groups(result: DemoResult) -> list[str]:
    """Groups of the result that have a figure, in run order."""
    groups: list[str] = []
    for run in result.runs.values():
        if run.group not in groups:
            groups.append(run.group)
    return groups


def _log10(values: Sequence[float]) -> list[float]:
    """log10 of each value (tiny or missing values floored at 1e-30)."""
    return [log10(max(v, 1e-30)) for v in values]


def contour_dots(function: str, levels: int = 3) -> tuple[list[float], list[float]]:
    """Grid points where a few level sets of an optimizer test function cross (thin grey contour lines)."""
    import numpy as np

    from eqprep.demos import surface_grid

    grid = surface_grid(function, 120, 60)
    z = np.asarray(grid["z"])
    gx, gy = np.meshgrid(grid["x"], grid["y"])
    on = np.zeros_like(z, dtype=bool)
    for level in np.quantile(z, np.linspace(0.03, 0.3, levels)):
        above = z > level
        on[:, :-1] |= above[:, :-1] != above[:, 1:]
        on[:-1, :] |= above[:-1, :] != above[1:, :]
    return gx[on].round(3).tolist(), gy[on].round(3).tolist()


def result_figure(result: DemoResult, group: str) -> Figure:
    """The figure of one group of a finished (or cancelled) result."""
    runs = result.group(group)
    if group == "trajectory":
        first = runs[0].extra
        lines = [(r.label, r.series["x"], r.series["y"]) for r in runs]
        return Figure(f"{first['title']} の軌跡 (★ = 最小点)", "x", "y", lines, tuple(first["bounds"]),
                      contour_dots(first["function"]))
    if group == "gradients":
        lines = [(r.label, [float(i + 1) for i in range(len(r.extra["grad_norms"]))],
                  _log10(r.extra["grad_norms"])) for r in runs if "grad_norms" in r.extra]
        return Figure("層ごとの勾配ノルム (平均)", "層 (1 = 入力側)", "log10 ‖∇W‖", lines)
    if group == "histogram":
        lines = [(r.label, r.series["layer"], r.series["std"]) for r in runs]
        return Figure("層ごとの活性化の標準偏差", "層", "標準偏差", lines)
    if group == "backprop":
        lines = [(r.label, r.series["lag"], _log10(r.series["grad_norm"])) for r in runs]
        return Figure("時刻をさかのぼった勾配ノルム", "さかのぼった時刻数", "log10 ‖∂L/∂h‖", lines)
    if group == "schedule":
        lines = [(r.label, r.series["step"], r.series["lr"]) for r in runs]
        return Figure("学習率のスケジュール", "ステップ", "学習率", lines)
    if group == "boundary":
        run = runs[0]
        xs = run.series.get("epoch", run.series.get("step", []))
        lines = [("訓練損失", xs, run.series.get("loss", [])), ("テスト損失", xs, run.series.get("test_loss", []))]
        return Figure("損失 (訓練とテスト)", "エポック" if "epoch" in run.series else "ステップ", "損失", lines)
    metric = FIGURE_METRIC.get(result.name, "loss")
    lines = [(r.label, r.series.get("step", []), r.series.get(metric, [])) for r in runs]
    return Figure(f"{METRIC_NAMES.get(metric, metric)} ({group})", "ステップ", METRIC_NAMES.get(metric, metric), lines)


def status_line(event: DemoEvent) -> str:
    """One line of progress text for the event."""
    shown = "  ".join(f"{k}={v:.4g}" for k, v in sorted(event.metrics.items()) if isfinite(v))
    return f"{event.run}  {event.step}/{event.total}  {shown}"


def summary_lines(result: DemoResult) -> str:
    """End-of-demo text: the takeaway built from the run first, then the measured findings and run statuses."""
    status_names = {"finished": "完了", "early_stopped": "早期終了", "cancelled": "中止", "diverged": "発散"}
    lines = ["中止しました (途中までの結果)。" if result.cancelled else "完了しました。"]
    if result.takeaway and not result.cancelled:
        lines += ["まとめ (実測から):" if result.claims else "まとめ:", result.takeaway]
    if result.findings:
        lines += ["", "実測:"] + [f"  {line}" for line in result.findings]
    lines += ["", "run: " + "、".join(f"{run.label} {status_names.get(run.status, run.status)}"
                                     for run in result.runs.values())]
    return "\n".join(lines)
