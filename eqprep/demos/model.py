"""Data types shared by every demo: settings, specs, progress events and results."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

KINDS = ("choice", "int", "float", "bool", "sizes", "names", "numbers")
TRUE_WORDS = ("true", "1", "yes", "on")
FALSE_WORDS = ("false", "0", "no", "off")
MAX_LAYERS = 8


class DemoError(ValueError):
    """Bad demo name or setting; the message is Japanese and meant for the learner."""


def parse_assignments(items: Iterable[str]) -> dict[str, str]:
    """'name=value' items (CLI --set, the TUI settings line) as a dict; DemoError names the first malformed item.

    The values stay text: `DemoSpec.resolve` checks them against each setting ("" is valid for sizes).
    """
    settings: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise DemoError(f"'{item}' は 名前=値 の形で書いてください (例: lr=0.01)。")
        settings[name.strip()] = value.strip()
    return settings


@dataclass(frozen=True)
class Setting:
    """One setting a learner may change; ``parse`` validates and converts a value (also from text)."""

    name: str
    label: str
    kind: str
    default: Any
    choices: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    help: str = ""

    def parse(self, value: Any) -> Any:
        """The value converted to this setting's type, or DemoError with a Japanese message."""
        if self.kind == "choice":
            return self._parse_choice(value)
        if self.kind == "bool":
            return self._parse_bool(value)
        if self.kind == "sizes":
            return self._parse_sizes(value)
        if self.kind == "names":
            return self._parse_names(value)
        if self.kind == "numbers":
            return self._parse_numbers(value)
        return self._check_range(self._parse_number(value))

    def _parse_choice(self, value: Any) -> str:
        """A string from ``choices``."""
        text = str(value).strip()
        if text not in self.choices:
            raise DemoError(f"設定 {self.name} は {' / '.join(self.choices)} のいずれかです (指定: {text})")
        return text

    def _parse_bool(self, value: Any) -> bool:
        """A bool from a bool or a yes/no word."""
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        raise DemoError(f"設定 {self.name} は true か false で指定してください (指定: {value})")

    def _parse_number(self, value: Any) -> int | float:
        """An int or a finite float from a number or text."""
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise DemoError(f"設定 {self.name} は数値で指定してください (指定: {value})") from None
        if not math.isfinite(number):
            raise DemoError(f"設定 {self.name} は有限の数値で指定してください (指定: {value})")
        if self.kind == "int":
            if number != int(number):
                raise DemoError(f"設定 {self.name} は整数で指定してください (指定: {value})")
            return int(number)
        return number

    def _check_range(self, number: float) -> int | float:
        """The number if it lies within [min, max]."""
        if (self.min is not None and number < self.min) or (self.max is not None and number > self.max):
            raise DemoError(f"設定 {self.name} は {self.min} 以上 {self.max} 以下で指定してください (指定: {number})")
        return number

    def _parse_names(self, value: Any) -> tuple[str, ...]:
        """A non-empty subset of ``choices`` from a sequence or comma-separated text, in the order of ``choices``."""
        parts = [p.strip() for p in value.split(",") if p.strip()] if isinstance(value, str) else list(value)
        unknown = [p for p in parts if p not in self.choices]
        if unknown or not parts:
            raise DemoError(f"設定 {self.name} は {' / '.join(self.choices)} からカンマ区切りで 1 つ以上指定してください"
                            f" (指定: {value})")
        return tuple(c for c in self.choices if c in parts)

    def _parse_numbers(self, value: Any) -> tuple[float, ...]:
        """One or more finite numbers within [min, max] from a sequence or comma-separated text."""
        parts = [p.strip() for p in value.split(",") if p.strip()] if isinstance(value, str) else list(value)
        if not parts or len(parts) > MAX_LAYERS:
            raise DemoError(f"設定 {self.name} はカンマ区切りの数値で 1〜{MAX_LAYERS} 個指定してください (指定: {value})")
        return tuple(float(self._check_range(self._parse_number(p))) for p in parts)

    def _parse_sizes(self, value: Any) -> tuple[int, ...]:
        """Hidden-layer sizes from a sequence or comma-separated text ("" = no hidden layer)."""
        parts = [p.strip() for p in value.split(",") if p.strip()] if isinstance(value, str) else list(value)
        sizes: list[int] = []
        for part in parts:
            try:
                size = int(part)
            except (TypeError, ValueError):
                raise DemoError(f"設定 {self.name} はカンマ区切りの整数で指定してください (指定: {value})") from None
            self._check_range(size)
            sizes.append(size)
        if len(sizes) > MAX_LAYERS:
            raise DemoError(f"設定 {self.name} の層の数は {MAX_LAYERS} 以下にしてください")
        return tuple(sizes)


@dataclass(frozen=True)
class DemoSpec:
    """What the TUI and CLI need to know about a demo before running it."""

    name: str
    title: str
    summary: str
    settings: tuple[Setting, ...]
    default_steps: int
    note_id: str
    question_ids: tuple[str, ...]
    takeaway: str
    groups: tuple[str, ...] = ("training",)

    def defaults(self) -> dict[str, Any]:
        """Every setting's default value by name."""
        return {s.name: s.default for s in self.settings}

    def resolve(self, settings: dict[str, Any] | None) -> dict[str, Any]:
        """Defaults overridden by ``settings`` (validated); DemoError for unknown names or bad values."""
        by_name = {s.name: s for s in self.settings}
        resolved = self.defaults()
        for key, value in (settings or {}).items():
            if key not in by_name:
                known = ", ".join(by_name) or "なし"
                raise DemoError(f"デモ {self.name} に設定 '{key}' はありません (使える設定: {known})")
            resolved[key] = by_name[key].parse(value)
        return resolved


@dataclass(frozen=True)
class DemoEvent:
    """One progress report of one run, sent to ``on_event`` from the thread running the demo."""

    demo: str
    run: str
    group: str
    step: int
    total: int
    metrics: dict[str, float]
    payload: dict[str, Any] = field(default_factory=dict)
    done: bool = False


@dataclass
class RunResult:
    """One run of a demo (one curve, trajectory or histogram set)."""

    label: str
    group: str
    status: str = "finished"
    series: dict[str, list[float]] = field(default_factory=dict)
    final: dict[str, float] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (non-finite numbers become None)."""
        return jsonable({"label": self.label, "group": self.group, "status": self.status,
                         "series": self.series, "final": self.final, "extra": self.extra})


@dataclass(frozen=True)
class Claim:
    """One statement of the takeaway, checked against the run's numbers; ``text`` says what was measured."""

    key: str
    holds: bool
    text: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"key": self.key, "holds": self.holds, "text": self.text}


def claim(key: str, holds: bool, yes: str, no: str) -> Claim:
    """A claim whose sentence is ``yes`` when the measurement supports it, else ``no`` (both with numbers)."""
    return Claim(key, bool(holds), yes if holds else no)


@dataclass
class DemoResult:
    """Everything a demo produced: runs in order, the takeaway and measured findings."""

    name: str
    settings: dict[str, Any]
    seed: int
    steps: int
    takeaway: str
    runs: dict[str, RunResult] = field(default_factory=dict)
    findings: list[str] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    cancelled: bool = False

    def conclude(self, claims: list[Claim], lesson: str = "") -> None:
        """Set the claims and build the takeaway from their measured sentences (plus a closing lesson)."""
        self.claims = list(claims)
        parts = [c.text for c in self.claims]
        if self.claims and not all(c.holds for c in self.claims):
            parts.append("(この設定では教科書どおりにならなかった点があります。上の実測のとおりです。)")
        if lesson:
            parts.append(lesson)
        self.takeaway = "".join(parts)

    def claim(self, key: str) -> Claim:
        """The claim with this key (KeyError when the demo made none)."""
        return next(c for c in self.claims if c.key == key)

    @property
    def diverged(self) -> list[str]:
        """Labels of the runs whose loss became NaN/inf."""
        return [label for label, run in self.runs.items() if run.status == "diverged"]

    def group(self, name: str) -> list[RunResult]:
        """The runs of one group, in order."""
        return [run for run in self.runs.values() if run.group == name]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (non-finite numbers become None)."""
        return jsonable({"name": self.name, "settings": self.settings, "seed": self.seed,
                         "steps": self.steps, "cancelled": self.cancelled, "diverged": self.diverged,
                         "takeaway": self.takeaway, "findings": self.findings,
                    "claims": [c.to_dict() for c in self.claims],
                         "runs": [run.to_dict() for run in self.runs.values()]})


def jsonable(value: Any) -> Any:
    """Nested dicts/lists/tuples with NaN/inf replaced by None so ``json.dumps`` emits valid JSON."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value
