"""What a benchmark says about the machine it ran on, so that its figures can be compared.

* :func:`describe` — Python, NumPy, BLAS, the processor (as ``lscpu`` names it) and the load;
* :func:`load` — the 1-minute load average and a word on what it means for the figures;
* :func:`reference_ms` — a fixed NumPy workload timed in the same run: figures divided by it
  compare across machines (a laptop 3× slower takes 3× longer for both).

The reference workload is one forward and backward pass of a 2-32-32-1 ReLU MLP over 2,048
points in float64 (eight matrix products, a dozen element-wise passes, ~30 NumPy calls), with
BLAS limited to one thread: the mix of BLAS, memory traffic and per-call overhead that the
window's frames and the engine's steps are made of.
"""
from __future__ import annotations

import os
import platform
import shutil
import statistics
import subprocess
import time

import numpy as np

REFERENCE_POINTS = 2048
REFERENCE_UNITS = 32


def cpu_model() -> str:
    """The processor's name, as ``lscpu`` (or /proc/cpuinfo) gives it."""
    if shutil.which("lscpu"):
        try:
            out = subprocess.run(["lscpu"], capture_output=True, text=True, timeout=5).stdout
            for line in out.splitlines():
                if line.startswith("Model name:"):
                    return line.split(":", 1)[1].strip()
        except (OSError, subprocess.SubprocessError):
            pass
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def load() -> tuple[float, str]:
    """(1-minute load average, a note on it) — NaN where the system does not report one."""
    try:
        one = os.getloadavg()[0]
    except (OSError, AttributeError):
        return float("nan"), "load average unavailable"
    cpus = os.cpu_count() or 1
    if one < 0.5:
        note = "quiet"
    elif one < cpus:
        note = "partly busy: other processes take some of the cpus"
    else:
        note = (f"BUSY: {one:.1f} runnable processes for {cpus} cpus; every figure is slower "
                "than on a quiet machine, compare the ×reference figures")
    return one, note


def describe(title: str) -> None:
    """Print the benchmark's title and the machine it runs on."""
    from threadpoolctl import threadpool_info

    print(title)
    print(f"python {platform.python_version()}  numpy {np.__version__}  "
          f"{platform.system()} {platform.machine()}  cpus {os.cpu_count()}")
    print(f"cpu: {cpu_model()}")
    for pool in threadpool_info():
        if pool.get("user_api") == "blas":
            print(f"blas: {pool.get('internal_api')} {pool.get('version') or ''} "
                  f"kernel={pool.get('architecture', '-')} threads={pool.get('num_threads')}")
    one, note = load()
    print(f"load average (1 min): {one:.2f} — {note}")


def _reference_pass(X, W1, W2, w3, y) -> float:
    z1 = X @ W1
    a1 = np.maximum(z1, 0.0)
    z2 = a1 @ W2
    a2 = np.maximum(z2, 0.0)
    out = a2 @ w3
    d = out - y
    loss = float(d @ d) / len(y)
    g3 = a2.T @ d
    d2 = np.outer(d, w3)
    d2 *= z2 > 0
    g2 = a1.T @ d2
    d1 = d2 @ W2.T
    d1 *= z1 > 0
    g1 = X.T @ d1
    return loss + float(g1.sum() + g2.sum() + g3.sum())


def reference_ms(repeats: int = 31) -> float:
    """Median processor time of the reference workload (see the module docstring) in
    milliseconds: the time this thread computed, which other processes on a busy machine
    stretch far less than the time on the clock."""
    from threadpoolctl import threadpool_limits

    rng = np.random.default_rng(0)
    X = rng.standard_normal((REFERENCE_POINTS, 2))
    n = REFERENCE_UNITS
    W1 = rng.standard_normal((2, n))
    W2 = rng.standard_normal((n, n)) * 0.25
    w3 = rng.standard_normal(n) * 0.25
    y = rng.standard_normal(REFERENCE_POINTS)
    times = []
    with threadpool_limits(1, user_api="blas"):
        for _ in range(5):
            _reference_pass(X, W1, W2, w3, y)
        for _ in range(repeats):
            start = time.thread_time()
            _reference_pass(X, W1, W2, w3, y)
            times.append(time.thread_time() - start)
    return 1000.0 * statistics.median(times)
