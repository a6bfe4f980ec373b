"""Time from process start to the first rendered, filled-in home screen, as a ratio to a minimal Textual app.

Both apps run headless in a fresh interpreter, started the same way; the child prints READY once its first
screen is rendered (for eqprep: once the bank is loaded and the dashboard is drawn). Target: ratio <= 1.5.

    python benchmarks/startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time

MINIMAL = """
from textual.app import App
from textual.widgets import Footer, Static

class Minimal(App):
    def compose(self):
        yield Static("hello")
        yield Footer()

async def ready(pilot):
    await pilot.pause()
    print("READY", flush=True)
    pilot.app.exit()

Minimal().run(headless=True, auto_pilot=ready)
"""

EQPREP = """
import sys
from eqprep.tui.app import EqprepApp
from eqprep.tui.session import Config

async def ready(pilot):
    app = pilot.app
    while app.stats is None and not app.load_error:  # the dashboard is filled in once statistics arrive
        await pilot.pause(0.002)
    await pilot.pause()
    print("READY", flush=True)
    app.exit()

EqprepApp(Config(data_dir=sys.argv[1])).run(headless=True, auto_pilot=ready)
"""


def time_to_ready(code: str, data_dir: str) -> float:
    """Seconds from spawning the interpreter until it prints READY."""
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", code, data_dir], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    for line in child.stdout:
        if line.startswith("READY"):
            elapsed = time.perf_counter() - start
            break
    else:
        raise RuntimeError("子プロセスが READY を出力しませんでした")
    child.wait()
    return elapsed


def main() -> int:
    """Alternate the two apps, report medians and the ratio."""
    parser = argparse.ArgumentParser(description="eqprep TUI の起動時間 (最小の Textual アプリとの比)")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        time_to_ready(EQPREP, data_dir)  # first run creates the database; not counted
        minimal, eqprep = [], []
        for _ in range(args.runs):
            minimal.append(time_to_ready(MINIMAL, data_dir))
            eqprep.append(time_to_ready(EQPREP, data_dir))
    base, ours = statistics.median(minimal), statistics.median(eqprep)
    print(f"minimal Textual app: {base * 1000:.0f} ms (median of {args.runs})")
    print(f"eqprep home (loaded): {ours * 1000:.0f} ms (median of {args.runs})")
    print(f"ratio: {ours / base:.2f}x (target <= 1.5x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
