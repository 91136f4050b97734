"""Training-step time of the NumPy engine next to the same model in PyTorch (eager, CPU).

    python benchmarks/engine_vs_torch.py            # full run (about a minute)
    python benchmarks/engine_vs_torch.py --quick    # fewer repetitions (a few seconds)
    python benchmarks/engine_vs_torch.py --adam     # also the Adam table
    python benchmarks/engine_vs_torch.py --breakdown  # where the engine's step spends its time

One *step* is, full batch:

* engine:  ``TrainingSession.step()`` — forward, backward, optimizer update, and (since with a
  full batch every step ends an epoch) the end-of-epoch bookkeeping the session does: gradient
  norms, a loss/accuracy evaluation on the train and test sets, a history row;
* torch:   ``zero_grad(set_to_none=True)`` + forward + loss + ``backward()`` + ``opt.step()``.

So the engine column does strictly more work than the torch column.  Times are the median over
many repetitions after a warm-up.  Engine columns: float64 and float32 with BLAS limited to one
thread (threadpoolctl), plus float64 with BLAS's default threads.  Torch columns: float32 (its
default dtype) with ``torch.set_num_threads(1)`` and with its default thread count, plus float64
with one thread.  ``ratio = best torch / best engine`` (> 1: the engine is faster).
"""
from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from engine import Network, TrainingSession, datasets  # noqa: E402
from engine.datasets import MULTICLASS, Dataset  # noqa: E402

try:
    from threadpoolctl import threadpool_info, threadpool_limits
except ImportError:                      # pragma: no cover - threadpoolctl is a dependency
    threadpool_info = threadpool_limits = None

try:
    import torch
except ImportError:
    torch = None


# ---------------------------------------------------------------------------- the cases
@dataclass
class Case:
    name: str
    sizes: list[int]
    target: float | None           # required speed-up over torch (None: no target)
    make_data: callable
    hidden: str = "relu"

    @property
    def output(self) -> str:
        return "softmax" if self.sizes[-1] > 1 else "sigmoid"

    @property
    def loss(self) -> str:
        return "cross_entropy" if self.sizes[-1] > 1 else "bce"


def _digits_like(n=1797, d=64, k=10, seed=0) -> Dataset:
    """Random data shaped like scikit-learn's digits: 1797 samples, 64 inputs, 10 classes."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(0.0, 16.0, (n, d)) / 16.0
    y = rng.integers(0, k, n)
    return Dataset(name="digits_like", task=MULTICLASS, points_train=X, y_train=y,
                   points_test=np.empty((0, d)), y_test=np.empty(0, np.int64), n_classes=k)


CASES = [
    Case("2-4-1 xor (4)", [2, 4, 1], 5.0, lambda: datasets.load("xor")),
    Case("2-8-8-1 moons (500)", [2, 8, 8, 1], 3.0,
         lambda: datasets.load("moons", n_samples=500, test_fraction=0.0, seed=1)),
    Case("2-8x6-1 moons (500)", [2] + [8] * 6 + [1], None,
         lambda: datasets.load("moons", n_samples=500, test_fraction=0.0, seed=1)),
    Case("64-32-10 CE (1797)", [64, 32, 10], 1.0, _digits_like),
    Case("2-16-16-1 moons (5000)", [2, 16, 16, 1], 1.0,
         lambda: datasets.load("moons", n_samples=5000, test_fraction=0.0, seed=1)),
]


# ---------------------------------------------------------------------------- timing
def median_us(step, budget_s: float, min_reps: int, max_reps: int, warmup: int) -> float:
    """Median wall time of ``step()`` in µs: warm up, then repeat for ``budget_s`` seconds
    (between ``min_reps`` and ``max_reps`` times), timing every call on its own."""
    for _ in range(warmup):
        step()
    t0 = time.perf_counter()
    for _ in range(3):
        step()
    per_call = max((time.perf_counter() - t0) / 3, 1e-7)
    reps = int(min(max(budget_s / per_call, min_reps), max_reps))
    times = [0] * reps
    clock = time.perf_counter_ns
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for i in range(reps):
            t = clock()
            step()
            times[i] = clock() - t
    finally:
        if gc_was_enabled:
            gc.enable()
    return statistics.median(times) / 1000.0


def engine_stepper(case: Case, data: Dataset, dtype: str, optimizer: str, lr: float):
    net = Network(case.sizes, hidden=case.hidden, output=case.output, init="he", seed=0,
                  dtype=dtype)
    session = TrainingSession(net, data, loss=case.loss, optimizer=optimizer,
                              learning_rate=lr, history_capacity=4096)
    return session.step, session


def torch_stepper(case: Case, data: Dataset, dtype, optimizer: str, lr: float):
    torch.manual_seed(0)
    layers = []
    for i, (n_in, n_out) in enumerate(zip(case.sizes[:-1], case.sizes[1:])):
        layers.append(torch.nn.Linear(n_in, n_out))
        if i < len(case.sizes) - 2:
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers).to(dtype)
    X = torch.tensor(np.asarray(data.X_train), dtype=dtype)
    if case.loss == "cross_entropy":
        y = torch.tensor(np.asarray(data.y_train), dtype=torch.long)
        loss_fn = torch.nn.CrossEntropyLoss()
    else:
        y = torch.tensor(np.asarray(data.y_train), dtype=dtype).reshape(-1, 1)
        loss_fn = torch.nn.BCEWithLogitsLoss()     # = engine bce (mean over samples)
    opt = (torch.optim.SGD(model.parameters(), lr=lr) if optimizer == "sgd"
           else torch.optim.Adam(model.parameters(), lr=lr))

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(X), y)
        loss.backward()
        opt.step()
    return step


# ---------------------------------------------------------------------------- report
COLUMNS = ["eng f64 1T", "eng f32 1T", "eng f64 dT", "torch f32 1T", "torch f32 dT",
           "torch f64 1T"]


def measure(case: Case, optimizer: str, lr: float, timing: dict) -> dict[str, float]:
    data = case.make_data()
    out: dict[str, float] = {}
    for dtype in ("float64", "float32"):
        step, _ = engine_stepper(case, data, dtype, optimizer, lr)
        with threadpool_limits(limits=1, user_api="blas"):
            out[f"eng {dtype[-2:].replace('64', 'f64').replace('32', 'f32')} 1T"] = \
                median_us(step, **timing)
    step, _ = engine_stepper(case, data, "float64", optimizer, lr)
    out["eng f64 dT"] = median_us(step, **timing)
    if torch is not None:
        default_threads = torch.get_num_threads()
        try:
            torch.set_num_threads(1)
            out["torch f32 1T"] = median_us(
                torch_stepper(case, data, torch.float32, optimizer, lr), **timing)
            out["torch f64 1T"] = median_us(
                torch_stepper(case, data, torch.float64, optimizer, lr), **timing)
        finally:
            torch.set_num_threads(default_threads)
        out["torch f32 dT"] = median_us(
            torch_stepper(case, data, torch.float32, optimizer, lr), **timing)
    return out


def table(title: str, optimizer: str, lr: float, timing: dict, with_targets: bool) -> list[bool]:
    print(f"\n{title}  (median µs per training step; lower is better)")
    head = f"{'case':<24}" + "".join(f"{c:>13}" for c in COLUMNS) + \
        f"{'best engine':>13}{'ratio':>8}{'target':>8}"
    print(head)
    print("-" * len(head))
    results = []
    for case in CASES:
        r = measure(case, optimizer, lr, timing)
        cells = "".join(f"{r[c]:>13.1f}" if c in r else f"{'n/a':>13}" for c in COLUMNS)
        engine = {c: r[c] for c in COLUMNS if c.startswith("eng") and c in r}
        best_engine_col = min(engine, key=engine.get)
        torch_cols = [r[c] for c in COLUMNS if c.startswith("torch") and c in r]
        line = f"{case.name:<24}{cells}{best_engine_col.replace('eng ', ''):>13}"
        if torch_cols:
            ratio = min(torch_cols) / engine[best_engine_col]
            line += f"{ratio:>7.2f}x"
            if with_targets and case.target is not None:
                ok = ratio >= case.target
                results.append(ok)
                line += f"  ≥{case.target:g}x {'ok' if ok else 'MISSED'}"
        print(line, flush=True)
    print("ratio = min(torch columns) / min(engine columns); 1T = one thread, "
          "dT = default threads")
    return results


def breakdown(timing: dict) -> None:
    """Time the parts of an engine step: forward, backward, update, end-of-epoch bookkeeping."""
    print("\nEngine step breakdown, float64, BLAS 1 thread (median µs)")
    head = f"{'case':<24}{'propagate':>11}{'backprop':>10}{'grad ok':>9}{'sgd step':>10}" \
           f"{'end epoch':>11}{'sum':>9}{'step()':>9}"
    print(head)
    print("-" * len(head))
    for case in CASES:
        data = case.make_data()
        _, s = engine_stepper(case, data, "float64", "sgd", 0.05)
        net, X, Y, loss = s.network, s._X, s._Y, s.loss_function
        opt = s.optimizer
        with threadpool_limits(limits=1, user_api="blas"):
            parts = {
                "propagate": median_us(lambda: net.propagate(X), **timing),
                "backprop": median_us(lambda: net.backpropagate(Y, loss, s.l1, s.l2), **timing),
                "grad ok": median_us(s._gradient_ok, **timing),
                "sgd step": median_us(lambda: opt.step(net.theta, net.grad), **timing),
                "end epoch": median_us(s._end_epoch, **timing),
            }
            whole = median_us(s.step, **timing)
        print(f"{case.name:<24}" + "".join(f"{v:>{w}.1f}" for v, w in
                                           zip(parts.values(), (11, 10, 9, 10, 11)))
              + f"{sum(parts.values()):>9.1f}{whole:>9.1f}")


def environment() -> None:
    import numpy
    print("Backprop Lab: engine vs PyTorch, training step time")
    print(f"python {platform.python_version()}  numpy {numpy.__version__}  "
          f"torch {torch.__version__ if torch else 'not installed'}  "
          f"machine {platform.machine()}  cpus {os.cpu_count()}")
    cpu = _cpu_model()
    if cpu:
        print(f"cpu: {cpu}")
    env = {k: v for k, v in os.environ.items() if k.startswith("OPENBLAS")}
    print("env | grep OPENBLAS: " + (" ".join(f"{k}={v}" for k, v in sorted(env.items()))
                                      or "(none set)"))
    for k in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        if k in os.environ:
            print(f"{k}={os.environ[k]}")
    if threadpool_info is not None:
        for pool in threadpool_info():
            print(f"threadpoolctl: {pool.get('user_api')}/{pool.get('internal_api')} "
                  f"{pool.get('version') or ''} kernel={pool.get('architecture', '-')} "
                  f"threads={pool.get('num_threads')} "
                  f"({os.path.basename(pool.get('filepath', ''))})")
    if torch is not None:
        print(f"torch default threads: {torch.get_num_threads()}")


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--adam", action="store_true", help="also time Adam")
    parser.add_argument("--breakdown", action="store_true",
                        help="time the parts of the engine step")
    args = parser.parse_args(argv)
    if threadpool_limits is None:
        print("threadpoolctl is required: pip install threadpoolctl", file=sys.stderr)
        return 2
    timing = (dict(budget_s=0.15, min_reps=30, max_reps=3000, warmup=20) if args.quick
              else dict(budget_s=1.0, min_reps=200, max_reps=20000, warmup=200))
    environment()
    if torch is None:
        print("\nPyTorch is not installed: only the engine columns are shown "
              "(pip install torch==2.13.0 for the comparison).")
    ok = table("SGD (lr 0.05): relu hidden, sigmoid+bce output (softmax+cross-entropy for 10 "
               "classes)", "sgd", 0.05, timing, with_targets=True)
    if args.adam:
        table("Adam (lr 0.001), same models", "adam", 0.001, timing, with_targets=False)
    if args.breakdown:
        breakdown(timing)
    if ok:
        print(f"\ntargets met: {sum(ok)}/{len(ok)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
