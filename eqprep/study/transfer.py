"""Progress backup as JSON: export everything, import (merge) into another data dir."""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from fsrs import Card

from eqprep.study.errors import StoreError
from eqprep.study.store import Store

FORMAT = "eqprep-progress"
FORMAT_VERSION = 1
_REQUIRED = {
    "answers": ("question_id", "params", "answer", "verdict", "response_ms", "answered_at", "rating", "exam_id"),
    "cards": ("question_id", "card", "reps", "lapses"),
    "exams": ("id", "started_at", "finished_at", "count", "minutes", "seed", "report"),
    "settings": ("key", "value"),
}


def export_json(store: Store, path: str | Path) -> dict[str, int]:
    """Write every table to `path` atomically (temp file + rename); return row counts."""
    data = store.dump()
    payload = {"format": FORMAT, "version": FORMAT_VERSION,
               "exported_at": datetime.now(timezone.utc).isoformat(), **data}
    target = Path(path)
    temp = target.with_name(target.name + ".tmp")
    try:
        with temp.open("w", encoding="utf-8") as handle:
            json.dump(payload, handle, ensure_ascii=False, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        temp.replace(target)
    except OSError as exc:
        raise StoreError(f"{target} に書き出せません: {exc.strerror}") from exc
    return {table: len(rows) for table, rows in data.items()}


def _validate(payload: Any, path: Path) -> dict[str, list[dict[str, Any]]]:
    """Check format, version and every row's fields before anything is written."""
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise StoreError(f"{path} は eqprep の学習履歴エクスポートではありません。")
    if payload.get("version") != FORMAT_VERSION:
        raise StoreError(f"{path} は対応していない版 ({payload.get('version')}) のエクスポートです。")
    tables: dict[str, list[dict[str, Any]]] = {}
    for table, keys in _REQUIRED.items():
        rows = payload.get(table, [])
        if not isinstance(rows, list):
            raise StoreError(f"{path}: '{table}' がリストではありません。")
        for index, row in enumerate(rows):
            missing = [k for k in keys if not isinstance(row, dict) or k not in row]
            if missing:
                raise StoreError(f"{path}: {table}[{index}] に {', '.join(missing)} がありません。")
        tables[table] = rows
    try:
        for row in tables["answers"]:
            datetime.fromisoformat(row["answered_at"])
            json.loads(row["params"])
        for row in tables["cards"]:
            Card.from_json(row["card"])
    except (TypeError, ValueError, KeyError) as exc:
        raise StoreError(f"{path}: 読めない行があります ({exc})。") from exc
    return tables


def import_json(store: Store, path: str | Path) -> dict[str, int]:
    """Validate then merge an export into the store in one transaction; return rows added per table."""
    source = Path(path)
    try:
        payload = json.loads(source.read_text(encoding="utf-8"))
    except OSError as exc:
        raise StoreError(f"{source} を読めません: {exc.strerror}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StoreError(f"{source} は JSON として読めません ({exc})。") from exc
    return store.load(_validate(payload, source))
