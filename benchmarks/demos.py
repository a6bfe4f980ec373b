"""Benchmark: wall time of each demo's default run (default settings and steps, seed 0), as the TUI starts it.

The demo runs in a worker thread, as in the TUI, while the main thread sleeps in 5 ms ticks and records how
late it wakes up: the worst delay shows how long the demo ever keeps the GIL from the UI thread.
Prints one line per demo (median of ``--repeat`` runs) and exits 1 if any demo is over the 15 s budget
(issue 7). Usage: python benchmarks/demos.py [--repeat 1] [--cap] [NAME ...]

``--cap`` runs each demo at its largest accepted ``--steps`` instead (``max_steps``) and prints the run's CPU time
(the worker thread's, which a busy machine barely changes: an idle core's wall time) and wall time; exits 1 if the
CPU time is over 60 s, the documented bound for a capped run (issue 17).
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time

from eqprep.demos import DEMOS, run_demo
from eqprep.demos.registry import max_steps

BUDGET_S = 15.0
CAP_BUDGET_S = 60.0
TICK_S = 0.005


def time_capped(name: str) -> tuple[int, float, float]:
    """(steps, CPU seconds, wall seconds) of one run of `name` at its step cap, default settings, seed 0."""
    steps = max_steps(DEMOS[name])
    cpu = 0.0

    def work() -> None:
        nonlocal cpu
        start = time.thread_time()
        run_demo(name, seed=0, steps=steps)
        cpu = time.thread_time() - start

    worker = threading.Thread(target=work)
    start = time.perf_counter()
    worker.start()
    worker.join()
    return steps, cpu, time.perf_counter() - start


def capped(names: list[str]) -> int:
    """Time every demo at its cap; exit code 1 if any run took over 60 s of CPU."""
    over = []
    for name in names:
        steps, cpu, wall = time_capped(name)
        flag = "" if cpu < CAP_BUDGET_S else "  ← 60 s 超過"
        print(f"{name:<14} steps {steps:6d}  CPU {cpu:6.2f} s  wall {wall:6.2f} s{flag}", flush=True)
        if cpu >= CAP_BUDGET_S:
            over.append(name)
    return 1 if over else 0


def time_demo(name: str) -> tuple[float, int, float]:
    """(seconds for one default run, events sent, worst main-thread wake-up delay in seconds)."""
    count = 0

    def on_event(_event: object) -> None:
        nonlocal count
        count += 1

    worker = threading.Thread(target=run_demo, args=(name,), kwargs={"seed": 0, "on_event": on_event})
    start = time.perf_counter()
    worker.start()
    worst = 0.0
    while worker.is_alive():
        before = time.perf_counter()
        time.sleep(TICK_S)
        worst = max(worst, time.perf_counter() - before - TICK_S)
    return time.perf_counter() - start, count, worst


def main() -> int:
    """Time the selected demos (all by default); exit 1 if any is over budget."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", default=list(DEMOS))
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--cap", action="store_true", help="run each demo at its step cap (max_steps)")
    args = parser.parse_args()
    if args.cap:
        return capped(args.names)
    over = []
    for name in args.names:
        results = [time_demo(name) for _ in range(args.repeat)]
        seconds = statistics.median(r[0] for r in results)
        stall = max(r[2] for r in results) * 1000
        flag = "" if seconds < BUDGET_S else "  ← 15 s 超過"
        print(f"{name:<12} {seconds:6.2f} s  events {results[0][1]:4d}  max UI stall {stall:5.1f} ms{flag}")
        if seconds >= BUDGET_S:
            over.append(name)
    return 1 if over else 0


if __name__ == "__main__":
    raise SystemExit(main())
