"""CPU cost of `check`'s sandboxed code checks against the same programs run in this process (the reference).

Usage: python benchmarks/check.py [--rounds 3] [--torch]

Every code_choice option of the shipped content (and every code set's full listing) is run three ways, interleaved,
`--rounds` times: in this process with `exec` (reference), in the sandbox as `check` runs it (batches), and in the
sandbox with one fork per option (the design before batching). CPU is user+sys of this process and its children
(the sandbox servers and their forks are waited for, so RUSAGE_CHILDREN includes them). Prints medians and ratios.
`--torch` does the same for the PyTorch options (torch is imported here for the reference).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eqprep.bank import load_bank  # noqa: E402
from eqprep.bank.codecheck import BATCH, CODE_LIMITS, PRELUDE, STATE, option_program  # noqa: E402
from eqprep.bank.framework import (  # noqa: E402
    _LAZY_IMPORTS,
    TORCH_BATCH,
    TORCH_LIMITS,
    TORCH_MODULES,
    TORCH_PRELUDE,
    TORCH_STATE,
    Job,
)
from eqprep.bank.model import CodeChoiceQuestion  # noqa: E402
from eqprep.bank.sandbox import Sandbox  # noqa: E402
from eqprep.bank.sets import listing_program  # noqa: E402


def cpu() -> float:
    """CPU seconds (user + sys) of this process and its waited-for descendants."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure(run: Callable[[], list[str]]) -> tuple[float, float, list[str]]:
    """(CPU seconds, wall seconds, statuses) of one run."""
    start_cpu, start_wall = cpu(), time.perf_counter()
    statuses = run()
    return cpu() - start_cpu, time.perf_counter() - start_wall, statuses


def in_process(programs: list[str], modules: dict[str, str], prelude: str) -> Callable[[], list[str]]:
    """The reference: exec every program here, in a fresh namespace each (modules imported beforehand)."""
    namespace: dict[str, object] = {"__name__": "__bench__"}
    for alias, module in modules.items():
        namespace[alias] = __import__(module, fromlist=["_"])
    exec(prelude, namespace)  # noqa: S102 - eqprep's own prelude

    def run() -> list[str]:
        statuses = []
        for program in programs:
            try:
                exec(compile(program, "<bench>", "exec"), dict(namespace))  # noqa: S102 - shipped content
                statuses.append("ok")
            except Exception:  # noqa: BLE001 - wrong options fail their checks
                statuses.append("error")
        return statuses

    return run


def sandboxed(programs: list[str], batch: int, **options: object) -> Callable[[], list[str]]:
    """The programs in a 2-worker sandbox (servers started inside the measured run, as in `check`)."""

    def run() -> list[str]:
        with Sandbox(workers=2, **options) as box:  # type: ignore[arg-type]
            futures = box.map([(p, "<bench>") for p in programs], batch=batch)
            return ["ok" if f.result().ok else "error" for f in futures]

    return run


def main() -> None:
    """Run the comparison and print medians and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--torch", action="store_true", help="the PyTorch options instead of the NumPy ones")
    args = parser.parse_args()
    bank = load_bank()
    questions = [q for q in bank.questions.values()
                 if isinstance(q, CodeChoiceQuestion) and q.answer in q.choices and bool(q.framework) == args.torch]
    if args.torch:
        programs = [Job(q.setup, q.template, o, q.check).program() for q in questions for o in q.choices]
        options = dict(modules=TORCH_MODULES, limits=TORCH_LIMITS, prelude=TORCH_PRELUDE, state=TORCH_STATE,
                       allow_imports=_LAZY_IMPORTS)
        batch, modules, prelude = TORCH_BATCH, TORCH_MODULES, TORCH_PRELUDE
    else:
        programs = [option_program(q.setup, q.template, o, q.check) for q in questions for o in q.choices]
        programs += [p for s in bank.sets.values() if (p := listing_program(s, bank)) is not None]
        options = dict(modules={"np": "numpy"}, limits=CODE_LIMITS, prelude=PRELUDE, state=STATE)
        batch, modules, prelude = BATCH, {"np": "numpy"}, PRELUDE
    print(f"{len(programs)} programs ({len(questions)} questions), {args.rounds} rounds, batch {batch}")
    runs = {
        "in-process (reference)": in_process(programs, modules, prelude),
        f"sandbox, {batch} per fork (check)": sandboxed(programs, batch, **options),
        "sandbox, 1 per fork (before)": sandboxed(programs, 1, **options),
    }
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in runs}
    expected: list[str] | None = None
    for _ in range(args.rounds):
        for name, run in runs.items():
            cpu_s, wall_s, statuses = measure(run)
            if expected is None:
                expected = statuses
            elif statuses != expected:
                sys.exit(f"{name}: different outcomes from the reference ({sum(a != b for a, b in zip(statuses, expected))})")
            results[name].append((cpu_s, wall_s))
    reference = statistics.median(c for c, _ in results["in-process (reference)"])
    for name, samples in results.items():
        cpu_s = statistics.median(c for c, _ in samples)
        wall_s = statistics.median(w for _, w in samples)
        print(f"{name:<34} CPU {cpu_s:6.2f} s  wall {wall_s:6.2f} s  CPU / reference {cpu_s / reference:5.2f}x")


if __name__ == "__main__":
    main()
