"""Time loading a generated 10,000-question bank, against parsing the same TOML files alone.

The parse cache (eqprep/bank/cache.py) is what the app normally uses; a cold load parses every file.

Run: python benchmarks/bank_load.py
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import tomllib
from pathlib import Path

os.environ.setdefault("EQPREP_CACHE", tempfile.mkdtemp(prefix="eqprep-bench-cache-"))

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eqprep.bank import load_bank  # noqa: E402
from tests.bankgen import generate  # noqa: E402

REPEATS = 5


def _best(fn) -> float:
    """Median wall time of a few runs."""
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    """Print load time and its ratio to bare tomllib parsing of the same files."""
    with tempfile.TemporaryDirectory() as tmp:
        root = generate(Path(tmp) / "content")
        files = sorted((root / "questions").glob("*.toml"))
        parse_only = _best(lambda: [tomllib.loads(f.read_text(encoding="utf-8")) for f in files])
        cold = _best(lambda: load_bank(root, use_cache=False))
        load_bank(root)
        warm = _best(lambda: load_bank(root))
        count = len(load_bank(root).questions)
    print(f"questions loaded            : {count}")
    print(f"tomllib parse only          : {parse_only * 1000:.0f} ms")
    print(f"load_bank, no cache         : {cold * 1000:.0f} ms  ({cold / parse_only:.2f}x parse-only)")
    print(f"load_bank, parse cache warm : {warm * 1000:.0f} ms  ({warm / parse_only:.2f}x parse-only)")


if __name__ == "__main__":
    main()
