"""argparse types that reject nan, inf, zero, negatives and empty paths with a Japanese message."""

from __future__ import annotations

import argparse
import math


def _int_at_least(text: str, lowest: int) -> int:
    """An integer ≥ `lowest`, or an ArgumentTypeError in Japanese."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"整数で指定してください (指定: {text})") from None
    if value < lowest:
        raise argparse.ArgumentTypeError(f"{lowest} 以上の整数で指定してください (指定: {text})")
    return value


def positive_int(text: str) -> int:
    """An integer ≥ 1 (counts, limits)."""
    return _int_at_least(text, 1)


def non_negative_int(text: str) -> int:
    """An integer ≥ 0 (seeds, per-day counts that may be zero)."""
    return _int_at_least(text, 0)


def positive_float(text: str) -> float:
    """A finite number > 0 (minutes)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"数で指定してください (指定: {text})") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"0 より大きい有限の数で指定してください (指定: {text})")
    return value


def finite_float(text: str) -> float:
    """A finite number (ranges are checked where the value is used)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"数で指定してください (指定: {text})") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"有限の数で指定してください (指定: {text})")
    return value


def nonempty_path(text: str) -> str:
    """A path that is not empty or blank."""
    if not text.strip():
        raise argparse.ArgumentTypeError("空のパスは指定できません")
    return text
