"""Key-press latency of the TUI while a demo trains in its worker, against the idle app in the same run.

A key event posted to the app (as the terminal driver does) is timed until the settings Input shows it, 30 times
while `overfit` (or the demo named on the command line) trains, and 30 times with nothing running.
Issue 7's target: the UI answers a key press within 100 ms during training.
Usage: python benchmarks/demo_latency.py [NAME]
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from textual.widgets import Input, OptionList  # noqa: E402

from eqprep.tui.screens.demos import DemosScreen  # noqa: E402
from tests.tui_support import make_app, wait_loaded  # noqa: E402

PRESSES = 30
TARGET_MS = 100.0


async def _latencies(pilot, box: Input, count: int, busy: DemosScreen | None) -> list[float]:  # type: ignore[no-untyped-def]
    """Milliseconds from each key press until the Input shows the new character."""
    found: list[float] = []
    for _ in range(count):
        if busy is not None and busy.result is not None:
            break
        before = len(box.value)
        start = time.perf_counter()
        pilot.app.simulate_key("a")  # a raw key event, as a terminal sends it (Pilot.press also waits for idle)
        while len(box.value) == before:
            await asyncio.sleep(0.0005)
        found.append((time.perf_counter() - start) * 1000)
        await asyncio.sleep(0.05)
    return found


async def measure(name: str) -> tuple[list[float], list[float]]:
    """(idle latencies, latencies while the demo trains)."""
    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(Path(tmp))
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_loaded(pilot)
            await pilot.press("m")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, DemosScreen)
            screen.query_one("#demo-list", OptionList).highlighted = list(screen.specs).index(name)
            box = screen.query_one("#demo-settings", Input)
            box.value = ""
            box.focus()
            await pilot.pause()
            idle = await _latencies(pilot, box, PRESSES, None)
            box.value = ""
            await pilot.press("ctrl+r")
            await asyncio.sleep(0.2)
            box.focus()
            busy = await _latencies(pilot, box, PRESSES, screen)
            await app.workers.wait_for_complete()
    return idle, busy


def main() -> None:
    """Print median and worst latency, idle and busy, and the ratio."""
    name = sys.argv[1] if len(sys.argv) > 1 else "overfit"
    idle, busy = asyncio.run(measure(name))
    if not busy:
        print(f"demo '{name}' finished before any key could be timed; choose a longer demo")
        raise SystemExit(1)
    print(f"key latency, idle app            : median {statistics.median(idle):6.1f} ms, worst {max(idle):6.1f} ms (n={len(idle)})")
    print(f"key latency, '{name}' training   : median {statistics.median(busy):6.1f} ms, worst {max(busy):6.1f} ms (n={len(busy)})")
    print(f"ratio busy/idle (median)         : {statistics.median(busy) / statistics.median(idle):.2f}x")
    verdict = "ok" if max(busy) <= TARGET_MS else "over"
    print(f"target: every key within {TARGET_MS:.0f} ms during training -> {verdict}")


if __name__ == "__main__":
    main()
