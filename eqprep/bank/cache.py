"""Cache of parsed TOML question files, keyed by path, size and mtime, so large banks load fast."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

_VERSION = 1


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


class ParseCache:
    """Parsed files from the last load; entries are trusted only while size and mtime match."""

    def __init__(self, root: Path) -> None:
        """Read the cache for `root`; a missing or damaged cache is simply empty."""
        self.path = _cache_file(root)
        self.entries: dict[str, Any] = {}
        self.dirty = False
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("version") == _VERSION:
                self.entries = data["files"]
        except (OSError, ValueError, KeyError, AttributeError):
            self.entries = {}

    @staticmethod
    def _stamp(path: Path) -> list[int]:
        """Size and modification time: what invalidates an entry."""
        st = path.stat()
        return [st.st_size, st.st_mtime_ns]

    def get(self, path: Path) -> tuple[dict[str, Any], list[int]] | None:
        """Parsed data and `[[question]]` header lines, if still valid."""
        entry = self.entries.get(str(path))
        if entry and entry["stamp"] == self._stamp(path):
            return entry["data"], entry["lines"]
        return None

    def put(self, path: Path, data: dict[str, Any], lines: list[int]) -> None:
        """Remember a freshly parsed file."""
        self.entries[str(path)] = {"stamp": self._stamp(path), "data": data, "lines": lines}
        self.dirty = True

    def save(self, keep: set[str]) -> None:
        """Write the cache atomically, dropping files no longer present; failure only costs speed."""
        stale = self.entries.keys() - keep
        for name in stale:
            del self.entries[name]
        if not (self.dirty or stale):
            return
        try:
            text = json.dumps({"version": _VERSION, "files": self.entries}, ensure_ascii=False)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, self.path)
        except (OSError, TypeError, ValueError):  # unwritable dir, or TOML values (dates) JSON cannot keep
            pass
