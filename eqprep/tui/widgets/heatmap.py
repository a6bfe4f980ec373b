"""Colour-cell content: the study-day heatmap (stats) and the half-block decision-boundary map (demos)."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from textual.content import Content

LEVELS = ("#3a3a3a", "#0e4429", "#006d32", "#26a641", "#39d353")
GLYPHS = ("·", "░", "▒", "▓", "█")  # the level reads without colour too (NO_COLOR, monochrome terminals)
WEEKDAYS = "月火水木金土日"


def level(count: int) -> int:
    """Colour level 0-4 for a day's answer count."""
    if count <= 0:
        return 0
    return 1 if count < 5 else 2 if count < 15 else 3 if count < 30 else 4


def heatmap_content(counts: Counter[date], today: date, weeks: int) -> Content:
    """Rows Monday..Sunday, the last `weeks` weeks up to `today`, as styled text."""
    start = today - timedelta(days=today.weekday() + 7 * (weeks - 1))
    parts: list[str | tuple[str, str]] = []
    for row, name in enumerate(WEEKDAYS):
        parts.append(f"{name} ")
        for week in range(weeks):
            day = start + timedelta(days=7 * week + row)
            if day > today:
                parts.append("  ")
                continue
            shade = level(counts[day])
            parts.append((GLYPHS[shade], LEVELS[shade]))
            parts.append(" ")
        parts.append("\n")
    parts.append("   少 ")
    for glyph, colour in zip(GLYPHS, LEVELS, strict=True):
        parts.append((glyph, colour))
        parts.append(" ")
    parts.append("多")
    return Content.assemble(*parts)


def _blend(p: float) -> str:
    """Colour for a class-1 probability: blue (class 0) through grey to orange (class 1)."""
    p = min(max(p, 0.0), 1.0)
    low, high = (31, 119, 180), (255, 127, 14)
    r, g, b = (round(a + (c - a) * p) for a, c in zip(low, high, strict=True))
    return f"#{r:02x}{g:02x}{b:02x}"


def boundary_content(grid: list[list[float]], width: int, height: int) -> Content:
    """A probability grid (rows from the top) drawn with half blocks: two grid rows per text line."""
    rows, cols = len(grid), len(grid[0]) if grid else 0
    if not rows or not cols:
        return Content("")
    pixel_rows = height * 2
    lines: list[str | tuple[str, str]] = []
    for line in range(height):
        for column in range(width):
            x = min(cols - 1, column * cols // width)
            top = grid[min(rows - 1, (2 * line) * rows // pixel_rows)][x]
            bottom = grid[min(rows - 1, (2 * line + 1) * rows // pixel_rows)][x]
            lines.append(("▀", f"{_blend(top)} on {_blend(bottom)}"))
        lines.append("\n")
    return Content.assemble(*lines[:-1])
