"""Time from process start to the first rendered, filled-in home screen, as a ratio to a minimal Textual app.

Both apps run headless in a fresh interpreter, started the same way; the child prints READY once its first
screen is rendered. eqprep starts as `eqprep` does (cli._run_tui: the preload child is forked before Textual is
imported) and prints FILLED once the dashboard shows the learner's figures, then READY once the whole session
(bank, store, statistics) is in and every key works. Target: FILLED <= 1.5x the minimal app.

Children may write bytecode (the first, uncounted run does), since an installed eqprep has it: pip compiles
it at install time. Without it every run would compile eqprep's sources and measure that instead.

    python benchmarks/startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

# Both children mark a frame when Textual composes it (App._display, called for every frame even headless),
# so the figure is when the content is drawn, not when the process next goes idle (Pilot.pause waits for that).
FRAME_HOOK = """
from textual.app import App

_display = App._display

def display(app, screen, renderable):
    _display(app, screen, renderable)
    if renderable is not None:
        on_frame(app)

App._display = display
"""

MINIMAL = FRAME_HOOK + """
from textual.widgets import Footer, Static

class Minimal(App):
    def compose(self):
        yield Static("hello")
        yield Footer()

def on_frame(app):
    print("READY", flush=True)  # the first frame: "hello" and the footer
    app.call_later(app.exit)

Minimal().run(headless=True)
"""

EQPREP = """
import sys
from eqprep.tui.session import Config, start_loading

config = Config(data_dir=sys.argv[1])
preload = start_loading(config)  # as `eqprep` does (cli._run_tui): before Textual is imported
""" + FRAME_HOOK + """
from eqprep.tui.app import EqprepApp

seen = set()

def on_frame(app):
    if "FILLED" not in seen and (app.glance is not None or app.stats is not None or app.load_error):
        seen.add("FILLED")  # the dashboard shows the learner's figures in this frame
        print("FILLED", flush=True)
    if "FILLED" in seen and not app.loading and (app.stats is not None or app.load_error):
        print("READY", flush=True)  # the whole session is in: every key works
        app.call_later(app.exit)

# warm_up=False: the SymPy checker process is started only once the session is in, so it cannot delay these
# marks, but it would still be importing SymPy (on the other core) when the next run starts.
EqprepApp(config, preload=preload, warm_up=False).run(headless=True)
"""


def time_to_ready(code: str, data_dir: str) -> dict[str, float]:
    """Seconds from spawning the interpreter until each mark it prints (FILLED, READY)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", code, data_dir], stdout=subprocess.PIPE, text=True, env=env)
    assert child.stdout is not None
    marks: dict[str, float] = {}
    for line in child.stdout:
        marks[line.strip()] = time.perf_counter() - start
        if line.startswith("READY"):
            break
    else:
        raise RuntimeError("子プロセスが READY を出力しませんでした")
    child.wait()
    marks.setdefault("FILLED", marks["READY"])
    return marks


def compare(data_dir: str, runs: int, label: str) -> None:
    """Alternate the two apps on `data_dir` (after one uncounted run of each) and print medians and ratios."""
    time_to_ready(MINIMAL, data_dir)
    time_to_ready(EQPREP, data_dir)
    minimal, filled, ready = [], [], []
    for _ in range(runs):
        minimal.append(time_to_ready(MINIMAL, data_dir)["READY"])
        marks = time_to_ready(EQPREP, data_dir)
        filled.append(marks["FILLED"])
        ready.append(marks["READY"])
    base = statistics.median(minimal)
    print(f"minimal Textual app: {base * 1000:.0f} ms (median of {runs})")
    for name, times in ((f"eqprep home filled ({label})", filled), (f"eqprep session ready ({label})", ready)):
        ours = statistics.median(times)
        print(f"{name}: {ours * 1000:.0f} ms, ratio {ours / base:.2f}x")
    print("target: home filled <= 1.5x")


def main() -> int:
    """Time both apps on an empty data dir."""
    parser = argparse.ArgumentParser(description="eqprep TUI の起動時間 (最小の Textual アプリとの比)")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        compare(data_dir, args.runs, "empty")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
