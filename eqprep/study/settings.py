"""The learner's settings: one rule per key, checked wherever a value is set (CLI, TUI, import) or read at start."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from eqprep.bank.model import DEFAULT_TRACK, TRACKS

RETENTION_RANGE = (0.70, 0.97)  # what the FSRS scheduler accepts as a desired retention
DEFAULT_RETENTION = 0.9
DEFAULT_NEW_PER_DAY = 20
DEFAULT_LEECH_THRESHOLD = 8
SUSPENDED_KEY = "suspended"
BURIED_KEY = "buried"  # {question id: {"until": when it comes back, "due": its due time before (null: new)}}


class SettingError(ValueError):
    """A setting value that is not allowed (the message is Japanese and says what is expected)."""


@dataclass(frozen=True)
class Rule:
    """How a setting's stored text becomes its value (`parse` raises ValueError), and what it should look like."""

    parse: Callable[[str], object]
    expected: str
    default: object
    label: str


def _retention(text: str) -> float:
    """A desired retention the scheduler accepts."""
    value = float(text)
    if not (math.isfinite(value) and RETENTION_RANGE[0] <= value <= RETENTION_RANGE[1]):
        raise ValueError(text)
    return value


def _int_at_least(low: int) -> Callable[[str], int]:
    """An integer of at least `low` (no signs of floats: '3.0' is refused)."""

    def parse(text: str) -> int:
        value = int(text.strip())
        if value < low:
            raise ValueError(text)
        return value

    return parse


def _track(text: str) -> str:
    """One of the framework tracks."""
    if text not in TRACKS:
        raise ValueError(text)
    return text


def _question_ids(text: str) -> list[str]:
    """A JSON list of question ids."""
    value = json.loads(text)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(text)
    return value


def _buried(text: str) -> dict[str, object]:
    """A JSON object of question id -> {"until": ..., "due": ...} (questions put off until tomorrow)."""
    value = json.loads(text)
    if not isinstance(value, dict) or not all(isinstance(entry, dict) for entry in value.values()):
        raise ValueError(text)
    return value


RULES: dict[str, Rule] = {
    "desired_retention": Rule(_retention, f"{RETENTION_RANGE[0]:.2f}〜{RETENTION_RANGE[1]:.2f} の数", DEFAULT_RETENTION,
                              "目標保持率"),
    "new_per_day": Rule(_int_at_least(0), "0 以上の整数", DEFAULT_NEW_PER_DAY, "1 日の新規問題数"),
    "leech_threshold": Rule(_int_at_least(1), "1 以上の整数", DEFAULT_LEECH_THRESHOLD, "リーチとみなす失敗回数"),
    "exam_date": Rule(date.fromisoformat, "YYYY-MM-DD の日付", None, "試験日"),
    "framework": Rule(_track, " / ".join(TRACKS), DEFAULT_TRACK, "フレームワーク"),
    SUSPENDED_KEY: Rule(_question_ids, "問題 id の JSON リスト", [], "保留中の問題"),
    BURIED_KEY: Rule(_buried, "問題 id → 戻す日時 の JSON オブジェクト", {}, "明日に回した問題"),
}


def _shown(text: str) -> str:
    """A value as quoted in a message (cut short)."""
    return repr(text[:60] + ("…" if len(text) > 60 else ""))


def parse_setting(key: str, text: str) -> object:
    """The value of setting `key` stored as `text`; SettingError with a Japanese message when it is not allowed."""
    rule = RULES.get(key)
    if rule is None:
        raise SettingError(f"設定 {key!r} はありません (設定できるのは {', '.join(RULES)})。")
    try:
        return rule.parse(text)
    except (ValueError, TypeError, OverflowError):
        raise SettingError(f"{rule.label} ({key}) の値 {_shown(text)} は使えません。{rule.expected} にしてください。") from None


def setting_problem(key: str, text: str) -> str | None:
    """Why `text` cannot be stored for `key` (None when it can)."""
    try:
        parse_setting(key, text)
    except SettingError as error:
        return str(error)
    return None


def read_settings(stored: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    """Every known setting's value (its default when not stored or not valid) and a message per invalid one."""
    values: dict[str, Any] = {}
    problems: list[str] = []
    for key, rule in RULES.items():
        values[key] = rule.default
        if key in stored:
            try:
                values[key] = parse_setting(key, stored[key])
            except SettingError as error:
                default = "なし" if rule.default in (None, [], {}) else rule.default
                problems.append(f"保存されている設定が不正なので初期値 ({default}) を使います: {error} "
                                f"`eqprep settings {key} 値` で直すか `eqprep settings --reset` で初期値に戻せます。")
    return values, problems
