"""Benchmark answer checking: median and 99th percentile per check after warm-up (issue 11 targets 1 ms / 5 ms).

The exact stage (exact fractions or adaptive high precision after a numeric match) is always on in check_answer;
the methods line shows how many checks each stage decided.

Run: python benchmarks/maths.py [--rounds N]
Uses the bank's expression questions when the bank loader is available, plus built-in derivative questions.
Reference, in the same run: the naive checker `sympy.simplify(expected - given) == 0` on the same pairs
(built from the same vetted parse trees, in-process and without a time limit), printed as a ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from typing import Any

from eqprep.maths.check import check_answer, warm_up
from eqprep.maths.parse import parse, preview

# (expected, variables, functions, domain, learner answers)
BUILT_IN: list[tuple[str, list[str], list[str], dict[str, tuple[float, float]] | None, list[str]]] = [
    ("sigmoid(u)*(1 - sigmoid(u))", ["u"], ["sigmoid"], None,
     ["exp(-u)/(1+exp(-u))^2", "sigmoid(u)-sigmoid(u)^2", "sigmoid(u)*(1+sigmoid(u))", "sigmod(u)"]),
    ("2*(x + y)", ["x", "y"], [], None, ["2x+2y", "2(x+y)", "2x+y", "(x+y)^2"]),
    ("1 - tanh(u)^2", ["u"], ["tanh"], None, ["4/(e^u+e^-u)^2", "1-tanh(u)", "(1-tanh(u))(1+tanh(u))"]),
    ("y - t", ["y", "t"], [], None, ["-(t-y)", "t-y"]),
    ("sqrt(2/n)", ["n"], [], {"n": (1.0, 1000.0)}, ["sqrt(2)/sqrt(n)", "sqrt(1/n)"]),
    ("1 - beta1^t", ["beta1", "t"], [], {"beta1": (0.5, 0.99), "t": (1.0, 20.0)}, ["1-β1^t", "beta1^t"]),
    ("lambda*w", ["lambda", "w"], [], None, ["λw", "2 lambda w"]),
]


def bank_cases() -> list[tuple[str, list[str], list[str], Any, list[str]]]:
    """Expression questions from the content bank, each checked against its answer and two wrong variants."""
    try:
        from eqprep.bank import load_bank
    except ImportError:
        return []
    cases = []
    for question in load_bank().questions.values():
        if getattr(question, "kind", "") != "expression":
            continue
        answer = question.answer
        answers = [answer, f"({answer}) + 1", f"2*({answer})"]
        cases.append((answer, list(question.variables), list(question.functions), question.domain or None, answers))
    return cases


def naive_times(cases: list[tuple[str, list[str], list[str], Any, list[str]]]) -> list[float]:
    """Milliseconds per pair for `simplify(a - b) == 0`, the reference a plain SymPy checker would use."""
    import sympy

    from eqprep.maths.tosympy import SympyBuilder

    times = []
    for expected, variables, functions, _domain, answers in cases:
        for answer in answers:
            try:
                a, b = (parse(text, variables, functions).parts[0] for text in (expected, answer))
            except Exception:  # noqa: BLE001, S112 - unreadable learner input: nothing for the reference to time
                continue
            build = SympyBuilder()
            start = time.perf_counter()
            sympy.simplify(build(a) - build(b)) == 0  # noqa: B015 - the comparison is what is timed
            times.append(1000 * (time.perf_counter() - start))
    return times


def main() -> None:
    """Warm up, time every check several rounds, print the summary."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    cases = BUILT_IN + bank_cases()
    started = time.perf_counter()
    warm_up()
    print(f"SymPy worker warm-up: {1000 * (time.perf_counter() - started):.0f} ms")
    for expected, variables, functions, domain, answers in cases:
        for answer in answers:
            check_answer(expected, answer, variables, functions, domain=domain)
    times: list[float] = []
    previews: list[float] = []
    methods: dict[str, int] = {}
    cpu: list[float] = []
    for _ in range(args.rounds):
        for expected, variables, functions, domain, answers in cases:
            for answer in answers:
                start, start_cpu = time.perf_counter(), time.thread_time()
                result = check_answer(expected, answer, variables, functions, domain=domain)
                times.append(1000 * (time.perf_counter() - start))
                cpu.append(1000 * (time.thread_time() - start_cpu))
                methods[result.method] = methods.get(result.method, 0) + 1
                start = time.perf_counter()
                preview(answer, variables, functions)
                previews.append(1000 * (time.perf_counter() - start))
    times.sort()
    previews.sort()
    cpu.sort()
    p99 = times[int(0.99 * (len(times) - 1))]
    cpu_p99 = cpu[int(0.99 * (len(cpu) - 1))]
    print(f"questions: {len(cases)} ({len(cases) - len(BUILT_IN)} from the bank), checks: {len(times)}")
    print(f"check_answer median {statistics.median(times):.2f} ms, p99 {p99:.2f} ms, max {times[-1]:.2f} ms")
    print(f"check_answer CPU time of this thread (excludes waiting for a busy machine): median "
          f"{statistics.median(cpu):.2f} ms, p99 {cpu_p99:.2f} ms;  load average {os.getloadavg()[0]:.1f}")
    print("decided by: " + ", ".join(f"{name or 'parse'} {count}" for name, count in sorted(methods.items())))
    print(f"preview      median {statistics.median(previews):.3f} ms, p99 {previews[int(0.99 * (len(previews) - 1))]:.3f} ms")
    naive = sorted(naive_times(cases))
    naive_p99 = naive[int(0.99 * (len(naive) - 1))]
    print(f"reference simplify(a-b)==0: median {statistics.median(naive):.2f} ms, p99 {naive_p99:.1f} ms, max {naive[-1]:.0f} ms"
          f"  (ratio to check_answer: median {statistics.median(naive) / statistics.median(times):.1f}x, p99 {naive_p99 / p99:.0f}x)")
    verdict = "OK" if statistics.median(times) <= 1 and p99 <= 5 else "TOO SLOW"
    cpu_verdict = "OK" if statistics.median(cpu) <= 1 and cpu_p99 <= 5 else "TOO SLOW"
    print(f"target median <= 1 ms, p99 <= 5 ms: wall clock {verdict}, CPU time {cpu_verdict}")


if __name__ == "__main__":
    main()
