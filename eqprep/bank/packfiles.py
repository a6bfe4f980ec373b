"""Read a content pack's files defensively: regular files inside the pack only, size- and depth-capped TOML."""

from __future__ import annotations

import os
import re
import stat
import tomllib
from pathlib import Path
from typing import Any

from eqprep.bank.model import Problem

MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_PACK_BYTES = 64 * 1024 * 1024
MAX_FILES = 20_000
MAX_DEPTH = 24
_TOML_LINE_RE = re.compile(r"at line (\d+)")
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def _mb(size: int) -> str:
    """A byte count in MB for messages."""
    return f"{size / 1024 / 1024:.1f} MB"


def nesting_depth(value: Any) -> int:
    """Depth of nested lists/dicts, computed without recursion (so it cannot overflow the stack)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = list(item.values())
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        if depth > MAX_DEPTH:
            return depth
        stack.extend((child, depth + 1) for child in children)
    return deepest


def _string_end(text: str, i: int) -> int:
    """Index just past the TOML string opening at i (basic or literal, single- or triple-quoted), or len(text)."""
    ch = text[i]
    quote = text[i : i + 3] if text.startswith(ch * 3, i) else ch
    end = i + len(quote)
    while True:
        end = text.find(quote, end)
        if end < 0 or quote == "'" or quote == "'''" or text[end - 1] != "\\":
            break
        end += 1
    return len(text) if end < 0 else end + len(quote)


def _deep_line(text: str) -> int:
    """Line where brackets, braces or dotted keys first nest deeper than MAX_DEPTH (strings and comments skipped)."""
    depth, line, i, n = 0, 1, 0, len(text)
    key_dots, in_key = 0, True
    while i < n:
        ch = text[i]
        if ch == "#":  # a comment: go on at the end of its line
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if ch in "\"'":  # a string, which may span lines
            stop = _string_end(text, i)
            line += text.count("\n", i, stop)
            i = stop
            continue
        if ch == "\n":
            line, key_dots, in_key = line + 1, 0, depth == 0
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth = max(0, depth - 1)
        elif ch == "=" and depth == 0:
            in_key = False
        elif ch == "." and (in_key or (depth > 0 and text[i - 1 : i].isalpha())):
            key_dots += 1
        if depth + key_dots > MAX_DEPTH:
            return line
        i += 1
    return 1


class PackReader:
    """Lists and reads the files of one pack, reporting every refusal as a Problem."""

    def __init__(self, root: Path, problems: list[Problem]) -> None:
        """`root` is the pack folder; refusals are appended to `problems`."""
        self.base = root
        self.root = root.resolve()
        self.problems = problems
        self.total = 0
        self.count = 0

    def files(self, folder: Path, suffix: str) -> list[Path]:
        """Files named `*suffix` under `folder`, sorted; directory symlinks are not followed."""
        found: list[Path] = []
        pending = [folder]
        while pending:
            current = pending.pop()
            try:
                entries = list(os.scandir(current))
            except OSError:
                continue
            for entry in entries:
                path = current / entry.name
                try:
                    if entry.is_dir(follow_symlinks=False):
                        pending.append(path)
                    elif entry.is_symlink() and path.is_dir():
                        self.problems.append(Problem(path, None, "フォルダへのシンボリックリンクはたどりません"))
                    elif entry.name.endswith(suffix):
                        found.append(path)
                except OSError:
                    continue
        return sorted(found)

    def _refuse(self, path: Path, message: str) -> None:
        """Record why a file was not read."""
        self.problems.append(Problem(path, None, message))

    def read(self, path: Path) -> str | None:
        """The file's text (BOM removed), or None after recording why it was refused."""
        real = self._admitted(path)
        data = self._bytes(path, real) if real is not None else None
        if data is None:
            return None
        self.total += len(data)
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            self.problems.append(Problem(path, line, f"UTF-8 として読めないバイトがあります ({exc.start} バイト目)"))
            return None

    def _admitted(self, path: Path) -> Path | None:
        """The real path when it lies inside the pack and the file count allows one more; else None, recorded."""
        try:
            real = path.resolve(strict=True)
        except (OSError, RuntimeError) as exc:
            self._refuse(path, f"ファイルを読めません: {exc}")
            return None
        if not real.is_relative_to(self.root):
            self._refuse(path, f"パックの外を指すシンボリックリンクなので読みません (→ {real})")
            return None
        self.count += 1
        if self.count > MAX_FILES:
            self._refuse(path, f"ファイルが多すぎるので読みません (上限 {MAX_FILES} 個)")
            return None
        return real

    def _bytes(self, path: Path, real: Path) -> bytes | None:
        """A regular file's content within the size limits (opened without following links); else None, recorded."""
        try:
            fd = os.open(real, _OPEN_FLAGS)
        except OSError as exc:
            self._refuse(path, f"ファイルを読めません: {exc.strerror or exc}")
            return None
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                self._refuse(path, "通常のファイルではない (FIFO・デバイスなど) ので読みません")
                return None
            if info.st_size > MAX_FILE_BYTES:
                self._refuse(path, f"ファイルが大きすぎます ({_mb(info.st_size)}、上限 {_mb(MAX_FILE_BYTES)})")
                return None
            if self.total + info.st_size > MAX_PACK_BYTES:
                self._refuse(path, f"パック全体の大きさが上限 {_mb(MAX_PACK_BYTES)} を超えるので読みません")
                return None
            try:
                data = handle.read(MAX_FILE_BYTES + 1)
            except OSError as exc:
                self._refuse(path, f"ファイルを読めません: {exc.strerror or exc}")
                return None
        if len(data) > MAX_FILE_BYTES:
            self._refuse(path, f"ファイルが大きすぎます (上限 {_mb(MAX_FILE_BYTES)})")
            return None
        return data


def parse_toml(text: str, path: Path, problems: list[Problem], what: str = "TOML") -> dict[str, Any] | None:
    """Parse TOML with a nesting limit; syntax errors become Problems with their line."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = _TOML_LINE_RE.search(str(exc))
        line = int(match.group(1)) if match else (text.count("\n") or 1)  # "at end of document"
        problems.append(Problem(path, line, f"{what} の構文エラー: {exc}"))
        return None
    except (RecursionError, MemoryError):
        data = None
    if data is None or nesting_depth(data) > MAX_DEPTH:
        problems.append(Problem(path, _deep_line(text), f"{what} の入れ子が深すぎます (上限 {MAX_DEPTH} 段)"))
        return None
    return data
