"""Pin the BLAS thread pool to one thread: the engine's matrices are tiny and threading slows them down.

Measured on the 2-core target machine, a 64-100×4-10 digits MLP step took about 8× longer with
OpenBLAS's default two threads (spin-waiting threads, worse when another process is busy) than
with one. ``limit_blas_threads`` is called when :mod:`eqprep.engine` is imported, unless the user
already chose a thread count through OPENBLAS_NUM_THREADS / OMP_NUM_THREADS.
"""

from __future__ import annotations

import os

_ENV = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")


def limit_blas_threads(n: int = 1, respect_env: bool = True) -> bool:
    """Limit BLAS to n threads with threadpoolctl; False when the user's environment already decides."""
    if respect_env and any(os.environ.get(v) for v in _ENV):
        return False
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=n, user_api="blas")
    return True
