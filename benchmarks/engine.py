"""Benchmark: one full training step (forward, loss, backward, SGD update) of the NumPy engine vs PyTorch eager.

Both sides run on one thread (BLAS/OpenMP pinned below, before NumPy is imported), float32, with the
same network, starting weights (copied from the engine; the initial losses are checked to agree),
batch and data; repetitions are interleaved so machine noise hits both alike.
Prints the median time per step and the ratio torch_time / engine_time (> 1: the engine is faster).
Without PyTorch installed it prints that the reference is missing and reports absolute times only.

Usage: python benchmarks/engine.py [--repeat 9] [--steps 30] [--only cnn]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

from eqprep.engine import MultiLayerNet, SimpleConvNet  # noqa: E402
from eqprep.engine.optim import SGD  # noqa: E402

BATCH = 100
LR = 0.01
WORKLOADS = {
    "mlp784": "MLP 784-40-20-10 (course), batch 100",
    "digits": "MLP 64-50-10 (digits), batch 100",
    "cnn": "SimpleConvNet conv30x5x5-pool-100-10 on 1x28x28, batch 100",
    "cnn_layers": "  same CNN built from the textbook layers (fused=False)",
}
TARGETS = {"mlp784": 1.2, "digits": 2.5, "cnn": 2.0}


def make_data(name: str) -> tuple[np.ndarray, np.ndarray]:
    """Random float32 inputs and integer labels of the workload's input shape (fixed seed)."""
    rng = np.random.default_rng(0)
    shape = {"mlp784": (BATCH, 784), "digits": (BATCH, 64)}.get(name, (BATCH, 1, 28, 28))
    return rng.random(shape, dtype=np.float32), rng.integers(0, 10, BATCH)


def engine_net(name: str) -> Any:
    """The engine network of a workload (float32, fixed seed)."""
    if name.startswith("cnn"):
        return SimpleConvNet((1, 28, 28), weight_init_std=0.01, fused=name == "cnn", dtype=np.float32, seed=0)
    sizes = {"mlp784": (784, [40, 20]), "digits": (64, [50])}[name]
    return MultiLayerNet(sizes[0], sizes[1], 10, weight_init_std="he", dtype=np.float32, seed=0)


def engine_step(net: Any, x: np.ndarray, t: np.ndarray) -> Callable[[], None]:
    """A closure running one engine training step."""
    opt = SGD(LR)

    def step() -> None:
        opt.update(net.params, net.gradient(x, t))
    return step


def torch_step(name: str, net: Any, x: np.ndarray, t: np.ndarray) -> Callable[[], None] | None:
    """The same step in PyTorch eager, starting from the engine's weights; None without torch."""
    try:
        import torch
    except ImportError:
        return None
    from torch import nn
    torch.set_num_threads(1)
    if name.startswith("cnn"):
        model = nn.Sequential(nn.Conv2d(1, 30, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                              nn.Linear(4320, 100), nn.ReLU(), nn.Linear(100, 10))
    elif name == "mlp784":
        model = nn.Sequential(nn.Linear(784, 40), nn.ReLU(), nn.Linear(40, 20), nn.ReLU(), nn.Linear(20, 10))
    else:
        model = nn.Sequential(nn.Linear(64, 50), nn.ReLU(), nn.Linear(50, 10))
    layers = [m for m in model if isinstance(m, (nn.Linear, nn.Conv2d))]
    with torch.no_grad():
        for i, layer in enumerate(layers, start=1):
            w = net.params[f"W{i}"]
            layer.weight.copy_(torch.from_numpy(w if w.ndim == 4 else w.T.copy()))
            layer.bias.copy_(torch.from_numpy(net.params[f"b{i}"]))
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    xt, tt = torch.from_numpy(x), torch.from_numpy(t)
    loss_fn = nn.CrossEntropyLoss()
    with torch.no_grad():
        reference = loss_fn(model(xt), tt).item()
    ours = net.loss(x, t)
    if not np.isclose(reference, ours, rtol=1e-4):
        raise SystemExit(f"{name}: engine loss {ours} != torch loss {reference}: not the same network")

    def step() -> None:
        opt.zero_grad(set_to_none=True)
        loss_fn(model(xt), tt).backward()
        opt.step()
    return step


def time_per_step(step: Callable[[], None], steps: int) -> float:
    """Seconds per step over ``steps`` consecutive steps."""
    start = time.perf_counter()
    for _ in range(steps):
        step()
    return (time.perf_counter() - start) / steps


def run(name: str, repeat: int, steps: int) -> tuple[float, float | None]:
    """Median engine and torch seconds per step, measured in interleaved rounds after a warm-up."""
    x, t = make_data(name)
    net = engine_net(name)
    ref = torch_step(name, net, x, t)   # built first: it checks both start from the same loss
    mine = engine_step(net, x, t)
    for fn in (mine, ref):
        if fn is not None:
            time_per_step(fn, max(steps // 5, 3))
    ours, theirs = [], []
    for _ in range(repeat):
        ours.append(time_per_step(mine, steps))
        if ref is not None:
            theirs.append(time_per_step(ref, steps))
    return statistics.median(ours), (statistics.median(theirs) if theirs else None)


def main() -> None:
    """Run the three workloads and print a table of times and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9, help="interleaved rounds (median is reported)")
    parser.add_argument("--steps", type=int, default=30, help="training steps per round")
    parser.add_argument("--only", choices=sorted(WORKLOADS), help="run a single workload")
    args = parser.parse_args()
    names = [args.only] if args.only else list(WORKLOADS)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"numpy {np.__version__}, float32, 1 thread, median of {args.repeat} x {args.steps} steps, "
          f"load average {load:.2f} on {os.cpu_count()} CPUs (other load makes the numbers noisy)")
    missing = False
    for name in names:
        ours, theirs = run(name, args.repeat, args.steps)
        line = f"{WORKLOADS[name]:<58} engine {ours * 1e3:8.3f} ms"
        if theirs is None:
            missing = True
        else:
            ratio = theirs / ours
            line += f"  torch {theirs * 1e3:8.3f} ms  ratio {ratio:5.2f}x"
            if name in TARGETS:
                verdict = "ok" if ratio >= TARGETS[name] else "below target"
                line += f" (target {TARGETS[name]}x, {verdict})"
        print(line)
    if missing:
        print("PyTorch is not installed: no reference, absolute engine times only.")


if __name__ == "__main__":
    main()
