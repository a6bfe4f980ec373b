"""Name → class/function look-up shared by the engine's factories, with one Japanese error message."""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


def by_name(table: dict[str, T], name: str, what: str, also: str = "") -> T:
    """table[name.lower()], else ValueError listing the known names (``also`` names another accepted form)."""
    try:
        return table[name.lower()]
    except KeyError:
        known = ", ".join(table) + (f", {also}" if also else "")
        raise ValueError(f"未知の{what} '{name}' です (使えるもの: {known})") from None
