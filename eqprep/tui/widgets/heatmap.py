"""Colour-cell content: the study-day heatmap (stats)."""

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
