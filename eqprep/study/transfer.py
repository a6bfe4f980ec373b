"""Progress backup as JSON: export everything, import (merge) into another data dir."""

from __future__ import annotations

import contextlib
import json
import math
import os
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from fsrs import Card

from eqprep.study.errors import StoreError
from eqprep.study.settings import RULES, setting_problem
from eqprep.study.store import Store

FORMAT = "eqprep-progress"
FORMAT_VERSION = 1


_VERDICTS = ("correct", "wrong", "invalid", "undecided", "self", "unanswered")
MAX_IMPORT_BYTES = 256 * 1024 * 1024


def export_json(store: Store, path: str | Path) -> dict[str, int]:
    """Write every table to `path` (through a symlink to its target) via a temp file that never stays behind."""
    if not str(path).strip():
        raise StoreError("書き出し先のファイル名が空です。")
    target = Path(path)
    real = target.resolve()
    if real.exists() and not real.is_file():
        raise StoreError(f"{target} は通常のファイルではありません (フォルダやデバイスには書き出せません)。")
    if not real.parent.is_dir():
        raise StoreError(f"{target} のフォルダ {real.parent} がありません。")
    data = store.dump()
    payload = {"format": FORMAT, "version": FORMAT_VERSION,
               "exported_at": datetime.now(timezone.utc).isoformat(), **data}
    temp = real.with_name(f".{real.name}.{os.getpid()}.tmp")
    try:
        with temp.open("x", encoding="utf-8") as handle:
            json.dump(payload, handle, ensure_ascii=False, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, real)
    except OSError as exc:
        raise StoreError(f"{target} に書き出せません: {exc.strerror or exc}") from exc
    finally:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
    return {table: len(rows) for table, rows in data.items()}


def _aware_time(value: Any) -> bool:
    """An ISO timestamp with a time zone (what the store writes)."""
    if not isinstance(value, str):
        return False
    try:
        return datetime.fromisoformat(value).tzinfo is not None
    except ValueError:
        return False


def _int(value: Any, low: int = 0) -> bool:
    """An integer (not a bool) of at least `low`."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= low


def _optional_int(value: Any, low: int = 0) -> bool:
    """None or an integer of at least `low`."""
    return value is None or _int(value, low)


def _json_object(value: Any) -> dict[str, Any] | None:
    """The dict a JSON text encodes, or None."""
    if not isinstance(value, str):
        return None
    try:
        decoded = json.loads(value)
    except (ValueError, RecursionError):
        return None
    return decoded if isinstance(decoded, dict) else None


def _exam_report(value: Any) -> bool:
    """None, or JSON of a report whose total has correct/total counts (what stats reads)."""
    if value is None:
        return True
    report = _json_object(value)
    total = report.get("total") if report else None
    return isinstance(total, dict) and _int(total.get("correct")) and _int(total.get("total"))


def _card(value: Any) -> bool:
    """A serialized FSRS card with time-zone-aware times."""
    try:
        card = Card.from_json(value)
    except Exception:  # noqa: BLE001 - fsrs raises many kinds of errors on malformed input
        return False
    return card.due.tzinfo is not None and (card.last_review is None or card.last_review.tzinfo is not None)


_FIELD_RULES: dict[str, dict[str, tuple[Callable[[Any], bool], str]]] = {
    "answers": {
        "question_id": (lambda v: isinstance(v, str) and bool(v), "空でない文字列"),
        "params": (lambda v: _json_object(v) is not None, "JSON のオブジェクト (文字列)"),
        "answer": (lambda v: isinstance(v, str), "文字列"),
        "verdict": (lambda v: v in _VERDICTS, " / ".join(_VERDICTS)),
        "response_ms": (_int, "0 以上の整数"),
        "answered_at": (_aware_time, "タイムゾーンつきの ISO 日時"),
        "rating": (lambda v: v is None or (_int(v, 1) and v <= 4), "null か 1〜4"),
        "exam_id": (_optional_int, "null か 0 以上の整数"),
    },
    "cards": {
        "question_id": (lambda v: isinstance(v, str) and bool(v), "空でない文字列"),
        "card": (_card, "FSRS のカード (JSON 文字列)"),
        "reps": (_int, "0 以上の整数"),
        "lapses": (_int, "0 以上の整数"),
    },
    "exams": {
        "id": (_int, "0 以上の整数"),
        "started_at": (_aware_time, "タイムゾーンつきの ISO 日時"),
        "finished_at": (lambda v: v is None or _aware_time(v), "null かタイムゾーンつきの ISO 日時"),
        "count": (lambda v: _int(v, 1), "1 以上の整数"),
        "minutes": (lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) and v > 0,
                    "0 より大きい有限の数"),
        "seed": (lambda v: v is None or isinstance(v, int) and not isinstance(v, bool), "null か整数"),
        "report": (_exam_report, "null か成績表の JSON (total.correct / total.total)"),
    },
    "settings": {
        "key": (lambda v: v in RULES, " / ".join(RULES)),
        "value": (lambda v: isinstance(v, str), "文字列"),
    },
}


def _row_errors(table: str, index: int, row: Any, rules: dict[str, tuple[Callable[[Any], bool], str]]) -> list[str]:
    """What is wrong with one row: not a table, a missing or invalid field, a setting value out of its range."""
    if not isinstance(row, dict):
        return [f"{table}[{index}] が表 (オブジェクト) ではありません"]
    errors = []
    for key, (valid, expected) in rules.items():
        if key not in row:
            errors.append(f"{table}[{index}] に {key} がありません")
        elif not valid(row[key]):
            errors.append(f"{table}[{index}].{key} は {expected} にしてください (値: {str(row[key])[:60]})")
    if table == "settings" and row.get("key") in RULES and isinstance(row.get("value"), str):
        problem = setting_problem(row["key"], row["value"])
        if problem:
            errors.append(f"settings[{index}]: {problem}")
    return errors


def _validate(payload: Any, path: Path) -> dict[str, list[dict[str, Any]]]:
    """Check format, version and every field of every row before anything is written (errors give the row)."""
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise StoreError(f"{path} は eqprep の学習履歴エクスポートではありません。")
    if payload.get("version") != FORMAT_VERSION:
        raise StoreError(f"{path} は対応していない版 ({str(payload.get('version'))[:40]}) のエクスポートです。")
    tables: dict[str, list[dict[str, Any]]] = {}
    errors: list[str] = []
    for table, rules in _FIELD_RULES.items():
        rows = payload.get(table, [])
        if not isinstance(rows, list):
            raise StoreError(f"{path}: '{table}' がリストではありません。何も取り込んでいません。")
        for index, row in enumerate(rows):
            errors += _row_errors(table, index, row, rules)
        tables[table] = rows
    exam_ids = {row["id"] for row in tables["exams"] if isinstance(row, dict) and _int(row.get("id"))}
    for index, row in enumerate(tables["answers"]):
        if isinstance(row, dict) and _int(row.get("exam_id")) and row["exam_id"] and row["exam_id"] not in exam_ids:
            errors.append(f"answers[{index}].exam_id {row['exam_id']} の模擬試験がファイルにありません")
    if errors:
        shown = "\n  ".join(errors[:10])
        more = f"\n  ほか {len(errors) - 10} 件" if len(errors) > 10 else ""
        raise StoreError(f"{path} に不正な行があります。何も取り込んでいません:\n  {shown}{more}")
    return tables


def import_json(store: Store, path: str | Path) -> dict[str, int]:
    """Validate everything, then merge into the store in one transaction (all or nothing); rows added per table."""
    source = Path(path)
    try:
        if source.stat().st_size > MAX_IMPORT_BYTES or not source.is_file():
            raise StoreError(f"{source} は通常のファイルでないか、大きすぎます ({MAX_IMPORT_BYTES // 1024 // 1024} MB まで)。")
        payload = json.loads(source.read_text(encoding="utf-8"))
    except OSError as exc:
        raise StoreError(f"{source} を読めません: {exc.strerror or exc}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise StoreError(f"{source} は JSON として読めません ({str(exc)[:200]})。") from exc
    return store.load(_validate(payload, source))
