"""Cache of parsed TOML question files keyed by a hash of their content; a bad cache only costs speed."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from eqprep.bank.packfiles import MAX_DEPTH, nesting_depth

_VERSION = 2
_MAX_CACHE_BYTES = 128 * 1024 * 1024


def _cache_file(root: Path) -> Path:
    """One JSON cache per content root, in the user's cache dir ($EQPREP_CACHE overrides)."""
    override = os.environ.get("EQPREP_CACHE")
    if override:
        base = Path(override)
    else:
        from platformdirs import user_cache_dir

        base = Path(user_cache_dir("eqprep", appauthor=False))
    digest = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
    return base / f"bank-{digest}.json"


def content_hash(text: str) -> str:
    """What identifies a file's content (size and mtime can stay the same across an edit)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _valid_entry(entry: Any) -> bool:
    """An entry has the shape `put` writes: hash, a shallow-enough dict and a list of line numbers."""
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("hash"), str)
        and isinstance(entry.get("data"), dict)
        and isinstance(entry.get("lines"), list)
        and all(isinstance(n, int) and not isinstance(n, bool) for n in entry["lines"])
    )


class ParseCache:
    """Parsed files from the last load; an entry is used only when its content hash matches."""

    def __init__(self, root: Path) -> None:
        """Read the cache for `root`; a missing, damaged or oversized cache is simply empty."""
        self.path = _cache_file(root)
        self.entries: dict[str, Any] = {}
        self.dirty = False
        try:
            if self.path.stat().st_size <= _MAX_CACHE_BYTES:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                if isinstance(data, dict) and data.get("version") == _VERSION and isinstance(data.get("files"), dict):
                    self.entries = data["files"]
        except (OSError, ValueError, RecursionError, MemoryError):
            self.entries = {}

    def get(self, path: Path, text: str) -> tuple[dict[str, Any], list[int]] | None:
        """Parsed data and `[[question]]` header lines, if the entry is well-formed and for this content."""
        entry = self.entries.get(str(path))
        if entry is None or not _valid_entry(entry) or entry["hash"] != content_hash(text):
            return None
        if nesting_depth(entry["data"]) > MAX_DEPTH:
            return None
        return entry["data"], entry["lines"]

    def put(self, path: Path, text: str, data: dict[str, Any], lines: list[int]) -> None:
        """Remember a freshly parsed file."""
        self.entries[str(path)] = {"hash": content_hash(text), "data": data, "lines": lines}
        self.dirty = True

    def save(self, keep: set[str]) -> None:
        """Write the cache atomically, dropping files no longer present; failure only costs speed."""
        stale = self.entries.keys() - keep
        for name in stale:
            del self.entries[name]
        if not (self.dirty or stale):
            return
        tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
        try:
            text = json.dumps({"version": _VERSION, "files": self.entries}, ensure_ascii=False)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, self.path)
        except (OSError, TypeError, ValueError, RecursionError):  # unwritable dir, or values JSON cannot keep
            try:
                tmp.unlink(missing_ok=True)
            except OSError:
                pass
