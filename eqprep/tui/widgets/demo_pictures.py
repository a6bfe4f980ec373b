"""Text pictures for the demos: decision map with data points, per-layer activation histograms, conv filters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.cells import cell_len
from textual.content import Content

BLOCKS = " ▁▂▃▄▅▆▇█"
CLASS_COLOURS = ("#062c5f", "#6e2600")       # dark blue (class 0) and dark brown (class 1) over the map
Part = str | tuple[str, str]


def blend(p: float) -> str:
    """Colour for a class-1 probability: blue (class 0) through grey to orange (class 1)."""
    p = min(max(p, 0.0), 1.0)
    low, mid, high = (8, 119, 189), (232, 234, 235), (245, 147, 34)
    a, b, f = (low, mid, p * 2) if p < 0.5 else (mid, high, p * 2 - 1)
    r, g, bl = (round(x + (y - x) * f) for x, y in zip(a, b, strict=True))
    return f"#{r:02x}{g:02x}{bl:02x}"


def _cell(grid: list[list[float]], line: int, column: int, width: int, height: int) -> tuple[float, float]:
    """Top and bottom grid values under a text cell (two grid rows per line)."""
    rows, cols = len(grid), len(grid[0])
    x = min(cols - 1, column * cols // width)
    top = grid[min(rows - 1, (2 * line) * rows // (2 * height))][x]
    bottom = grid[min(rows - 1, (2 * line + 1) * rows // (2 * height))][x]
    return top, bottom


def boundary_picture(grid: list[list[float]], width: int, height: int, bounds: Sequence[float] = (),
                     points: Sequence[Sequence[float]] = (), test_points: Sequence[Sequence[float]] = ()
                     ) -> Content:
    """The class-1 probability map in half blocks, training points as ● and test points as ○ over it."""
    if not grid or not grid[0] or width < 1 or height < 1:
        return Content("")
    marks: dict[tuple[int, int], tuple[str, int]] = {}
    if len(bounds) == 4:
        x0, x1, y0, y1 = bounds
        for glyph, rows in (("○", test_points), ("●", points)):      # training points drawn on top
            for x, y, label in rows:
                column = int((x - x0) / (x1 - x0) * width)
                line = int((y1 - y) / (y1 - y0) * height)
                if 0 <= column < width and 0 <= line < height:
                    marks[(line, column)] = (glyph, int(label))
    parts: list[Part] = []
    for line in range(height):
        for column in range(width):
            top, bottom = _cell(grid, line, column, width, height)
            mark = marks.get((line, column))
            if mark is None:
                parts.append(("▀", f"{blend(top)} on {blend(bottom)}"))
            else:
                parts.append((mark[0], f"bold {CLASS_COLOURS[mark[1]]} on {blend((top + bottom) / 2)}"))
        parts.append("\n")
    return Content.assemble(*parts[:-1])


def _resample(counts: Sequence[float], bins: int) -> list[float]:
    """Counts averaged into ``bins`` equal groups (so merged bins are not taller than single ones)."""
    n = len(counts)
    groups = [counts[i * n // bins:max((i + 1) * n // bins, i * n // bins + 1)] for i in range(bins)]
    return [sum(g) / len(g) for g in groups]


def _histogram_rows(counts: Sequence[float], bins: int) -> tuple[str, str]:
    """A two-line bar histogram (upper and lower line) scaled to its own tallest bar."""
    values = _resample(counts, bins)
    top = max(values) or 1.0
    eighths = [round(16 * v / top) for v in values]
    upper = "".join(BLOCKS[max(0, e - 8)] for e in eighths)
    lower = "".join(BLOCKS[min(8, e)] for e in eighths)
    return upper, lower


def _histogram_line(counts: Sequence[float], bins: int) -> str:
    """A one-line bar histogram (8 levels) for short terminals."""
    values = _resample(counts, bins)
    top = max(values) or 1.0
    return "".join(BLOCKS[round(8 * v / top)] for v in values)


def histograms_picture(runs: Sequence[Any], width: int, height: int = 0) -> Content:
    """Per activation, one row per initializer with a small histogram for each layer (left = layer 1).

    Bars are two lines tall (16 levels) when ``height`` leaves room for every row, else one line (8 levels);
    the layer headers go into the titles when there is no line for them, so both activations always fit.
    """
    if not runs:
        return Content("")
    label_w = 9
    layers = len(runs[0].extra["layers"])
    bins = max(4, min(20, (width - label_w) // layers - 1))
    activations = len({run.extra["activation"] for run in runs})
    tall = not height or height >= activations + 2 * len(runs)         # else 1 line per title and per row
    headers = not height or height >= 2 * activations + 2 * len(runs)  # else the title says the layer order
    parts: list[Part] = []
    current = None
    for run in runs:
        activation = run.extra["activation"]
        if activation != current:
            current = activation
            lo, hi = run.extra["layers"][0]["edges"][0], run.extra["layers"][0]["edges"][-1]
            labels = [f"{i + 1} 層目" if cell_len(f"{i + 1} 層目") <= bins else f"{i + 1}" for i in range(layers)]
            header = "".join(label + " " * (bins + 1 - cell_len(label)) for label in labels)
            order = "" if headers else f"、左から 1〜{layers} 層目"
            parts.append((f"{activation} (各層の横軸 {lo:g}〜{hi:g}{'、0 を除く' if activation == 'relu' else ''}{order})\n",
                          "bold"))
            if headers:
                parts.append(" " * label_w + header.rstrip() + "\n")
        init = str(run.extra.get("init_label", run.label.split(" / ")[-1]))
        upper = lower = ""
        for layer in run.extra["layers"]:
            if not sum(layer["counts"]):                       # every value outside the drawn range
                a, b = " " * bins, "範囲外" + " " * max(0, bins - 6)
            else:
                a, b = _histogram_rows(layer["counts"], bins) if tall else ("", _histogram_line(layer["counts"], bins))
            upper, lower = upper + a + " ", lower + b + " "
        if tall:
            parts += [" " * label_w, (upper.rstrip(), "green"), "\n"]
        parts += [init[:label_w - 1].ljust(label_w), (lower.rstrip(), "green"), "\n"]
    return Content.assemble(*parts[:-1])


def _diverging(value: float, scale: float) -> str:
    """Weight colour: blue for negative, white at 0, orange for positive (|value| / scale clipped to 1)."""
    return blend(0.5 + 0.5 * max(-1.0, min(1.0, value / scale)) if scale else 0.5)


def filters_picture(before: list[list[list[float]]], after: list[list[list[float]]], width: int) -> Content:
    """First-layer filters before and after training, each pixel two cells wide, wrapped to ``width``."""
    parts: list[Part] = []
    for title, filters in (("学習前 (初期値: 乱数)", before), ("学習後", after)):
        if not filters:
            continue
        size = len(filters[0])
        scale = max((abs(v) for f in filters for row in f for v in row), default=1.0)
        per_line = max(1, (width + 1) // (2 * size + 1))
        parts.append((title + "\n", "bold"))
        for start in range(0, len(filters), per_line):
            chunk = filters[start:start + per_line]
            for r in range(size):
                for k, filt in enumerate(chunk):
                    parts += [("  ", f"on {_diverging(v, scale)}") for v in filt[r]]
                    if k < len(chunk) - 1:
                        parts.append(" ")
                parts.append("\n")
            if start + per_line < len(filters):
                parts.append("\n")
    if parts and parts[-1] == "\n":
        parts.pop()
    return Content.assemble(*parts)
