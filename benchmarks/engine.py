"""Benchmark: one full training step (forward, loss, backward, SGD update) of the NumPy engine vs two references.

References: PyTorch eager, and the textbook's layers ("Deep Learning from Scratch" style: im2col +
np.dot convolution, im2col + argmax pooling, boolean-mask ReLU, softmax + cross-entropy with +1e-7),
written here from the formulas in plain NumPy. All run on one thread (BLAS/OpenMP pinned below,
before NumPy is imported), float32, with the same network, starting weights (copied from the engine;
the initial losses are checked to agree), batch and data; repetitions are interleaved so machine noise
hits all alike. Prints the median time per step and the ratios reference_time / engine_time (> 1: the
engine is faster). Without PyTorch installed the torch column is left out.

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


def _ref_im2col(x: np.ndarray, fh: int, fw: int, stride: int) -> tuple[np.ndarray, int, int]:
    """Textbook-layout patches (N·OH·OW, C·FH·FW) of an unpadded input, one strided slice per filter offset."""
    n, c, h, w = x.shape
    oh, ow = (h - fh) // stride + 1, (w - fw) // stride + 1
    col = np.empty((n, c, fh, fw, oh, ow), dtype=x.dtype)
    for i in range(fh):
        for j in range(fw):
            col[:, :, i, j] = x[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride]
    return col.transpose(0, 4, 5, 1, 2, 3).reshape(n * oh * ow, -1), oh, ow


def _ref_col2im(col: np.ndarray, shape: tuple[int, ...], fh: int, fw: int, stride: int, oh: int, ow: int
                ) -> np.ndarray:
    """Inverse of _ref_im2col for gradients: add every patch entry back onto its pixel."""
    n, c, h, w = shape
    col = col.reshape(n, oh, ow, c, fh, fw).transpose(0, 3, 4, 5, 1, 2)
    dx = np.zeros(shape, dtype=col.dtype)
    for i in range(fh):
        for j in range(fw):
            dx[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride] += col[:, :, i, j]
    return dx


class _RefAffine:
    """y = x·W + b."""

    def __init__(self, params: dict, k: int) -> None:
        self.params, self.k = params, k

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.shape, self.x = x.shape, x.reshape(x.shape[0], -1)
        return np.dot(self.x, self.params[f"W{self.k}"]) + self.params[f"b{self.k}"]

    def backward(self, dout: np.ndarray, grads: dict) -> np.ndarray:
        grads[f"W{self.k}"], grads[f"b{self.k}"] = np.dot(self.x.T, dout), dout.sum(axis=0)
        return np.dot(dout, self.params[f"W{self.k}"].T).reshape(self.shape)


class _RefRelu:
    """max(0, x) with the boolean mask x ≤ 0."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.mask = x <= 0
        out = x.copy()
        out[self.mask] = 0
        return out

    def backward(self, dout: np.ndarray, grads: dict) -> np.ndarray:
        dx = dout.copy()
        dx[self.mask] = 0
        return dx


class _RefConv:
    """Convolution (stride 1, no padding) as im2col patches times the filter matrix."""

    def __init__(self, params: dict, k: int) -> None:
        self.params, self.k = params, k

    def forward(self, x: np.ndarray) -> np.ndarray:
        W = self.params[f"W{self.k}"]
        fn, _, fh, fw = W.shape
        self.col, self.oh, self.ow = _ref_im2col(x, fh, fw, 1)
        self.col_W, self.shape = W.reshape(fn, -1).T, x.shape
        out = np.dot(self.col, self.col_W) + self.params[f"b{self.k}"]
        return out.reshape(x.shape[0], self.oh, self.ow, fn).transpose(0, 3, 1, 2)

    def backward(self, dout: np.ndarray, grads: dict) -> np.ndarray:
        W = self.params[f"W{self.k}"]
        fn, c, fh, fw = W.shape
        dout = dout.transpose(0, 2, 3, 1).reshape(-1, fn)
        grads[f"b{self.k}"] = dout.sum(axis=0)
        grads[f"W{self.k}"] = np.dot(self.col.T, dout).T.reshape(fn, c, fh, fw)
        return _ref_col2im(np.dot(dout, self.col_W.T), self.shape, fh, fw, 1, self.oh, self.ow)


class _RefPool:
    """2×2 max pooling, stride 2: im2col rows of 4, argmax, and the gradient scattered back to the winners."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        n, c = x.shape[:2]
        col, self.oh, self.ow = _ref_im2col(x, 2, 2, 2)
        col = col.reshape(-1, 4)
        self.arg_max, self.shape = np.argmax(col, axis=1), x.shape
        return col.max(axis=1).reshape(n, self.oh, self.ow, c).transpose(0, 3, 1, 2)

    def backward(self, dout: np.ndarray, grads: dict) -> np.ndarray:
        dout = dout.transpose(0, 2, 3, 1).ravel()
        dmax = np.zeros((dout.size, 4), dtype=dout.dtype)
        dmax[np.arange(dout.size), self.arg_max] = dout
        return _ref_col2im(dmax.reshape(-1, self.shape[1] * 4), self.shape, 2, 2, 2, self.oh, self.ow)


def textbook_step(name: str, net: Any, x: np.ndarray, t: np.ndarray) -> Callable[[], None]:
    """The same step with the textbook-style reference layers above, from copies of the engine's weights."""
    params = {k: v.copy() for k, v in net.params.items()}
    n_affine = sum(1 for k in params if k.startswith("W")) - (1 if name.startswith("cnn") else 0)
    first = 2 if name.startswith("cnn") else 1
    layers: list[Any] = [_RefConv(params, 1), _RefRelu(), _RefPool()] if name.startswith("cnn") else []
    for k in range(first, first + n_affine):
        layers.append(_RefAffine(params, k))
        if k != first + n_affine - 1:
            layers.append(_RefRelu())

    def loss_and_grads() -> tuple[float, dict]:
        h = x
        for layer in layers:
            h = layer.forward(h)
        z = h - h.max(axis=1, keepdims=True)
        y = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        rows = np.arange(len(t))
        loss = -np.sum(np.log(y[rows, t] + 1e-7)) / len(t)
        dout = y.copy()
        dout[rows, t] -= 1
        dout /= len(t)
        grads: dict = {}
        for layer in reversed(layers):
            dout = layer.backward(dout, grads)
        return float(loss), grads

    ours = net.loss(x, t)
    if not np.isclose(loss_and_grads()[0], ours, rtol=1e-4):
        raise SystemExit(f"{name}: textbook-style reference loss differs from the engine's {ours}")

    def step() -> None:
        grads = loss_and_grads()[1]
        for key in params:
            params[key] -= LR * grads[key]
    return step


def time_per_step(step: Callable[[], None], steps: int) -> float:
    """Seconds per step over ``steps`` consecutive steps."""
    start = time.perf_counter()
    for _ in range(steps):
        step()
    return (time.perf_counter() - start) / steps


def run(name: str, repeat: int, steps: int) -> tuple[float, float | None, float]:
    """Median engine, torch and textbook-reference seconds per step, in interleaved rounds after a warm-up."""
    x, t = make_data(name)
    net = engine_net(name)
    ref = torch_step(name, net, x, t)   # built first: both references check they start from the same loss
    book = textbook_step(name, net, x, t)
    mine = engine_step(net, x, t)
    for fn in (mine, ref, book):
        if fn is not None:
            time_per_step(fn, max(steps // 5, 3))
    ours, theirs, books = [], [], []
    for _ in range(repeat):
        ours.append(time_per_step(mine, steps))
        if ref is not None:
            theirs.append(time_per_step(ref, steps))
        books.append(time_per_step(book, steps))
    return (statistics.median(ours), statistics.median(theirs) if theirs else None, statistics.median(books))


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
        ours, theirs, book = run(name, args.repeat, args.steps)
        line = f"{WORKLOADS[name]:<58} engine {ours * 1e3:8.3f} ms  textbook {book * 1e3:8.3f} ms ({book / ours:5.2f}x)"
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
        print("PyTorch is not installed: no torch reference.")


if __name__ == "__main__":
    main()
