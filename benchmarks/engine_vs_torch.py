"""Training-step time of the NumPy engine next to the same model in PyTorch (eager, CPU).

    python benchmarks/engine_vs_torch.py              # full run (2-3 minutes)
    python benchmarks/engine_vs_torch.py --quick      # fewer repetitions (about 30 s)
    python benchmarks/engine_vs_torch.py --adam       # also the Adam table
    python benchmarks/engine_vs_torch.py --breakdown  # where the engine's step spends its time

One *step* is, full batch:

* engine:  ``TrainingSession.step()``: forward, backward, optimizer update and, since with a
  full batch every step ends an epoch, the session's end-of-epoch bookkeeping (gradient norms,
  loss and accuracy on the train and test sets, a history row);
* torch:   ``zero_grad(set_to_none=True)`` + forward + loss + ``backward()`` + ``opt.step()``.

So the engine does strictly more work per step than torch.  Columns: the engine in float64
and float32 with BLAS limited to one thread (threadpoolctl), and in float64 with BLAS's default
thread count; torch in float32 (its default dtype) with ``torch.set_num_threads(1)`` and with
its default thread count, and in float64 with one thread.

Every step is timed on its own, after a warm-up.  Each cell is the smallest of several round
medians (see ``timed``), so a burst of load from another process spoils a round, not the
result.  ``ratio = min(torch columns) / min(engine columns)``: above 1 the engine is faster.
The machine's BLAS (``threadpoolctl``) and ``OPENBLAS_*`` variables are printed first: OpenBLAS
picks its kernels by processor, and ``OPENBLAS_CORETYPE`` / ``OPENBLAS_L2_SIZE`` override that.
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
from typing import Callable

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from backprop_lab.engine import Network, TrainingSession, datasets  # noqa: E402
from backprop_lab.engine.data.datasets import MULTICLASS, Dataset  # noqa: E402

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
    make_data: Callable[[], Dataset]
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
def sample_us(step, reps: int) -> float:
    """Median wall time of ``reps`` calls of ``step()`` in µs, each call timed on its own."""
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


def calibrate(step, budget_s: float, min_reps: int, max_reps: int, warmup: int) -> int:
    """Warm ``step`` up (``warmup`` calls, at most a quarter of a second) and return how many
    calls fit in ``budget_s`` seconds."""
    deadline = time.perf_counter() + 0.25
    for _ in range(warmup):
        step()
        if time.perf_counter() > deadline:
            break
    t0 = time.perf_counter()
    for _ in range(5):
        step()
    per_call = max((time.perf_counter() - t0) / 5, 1e-7)
    return int(min(max(budget_s / per_call, min_reps), max_reps))


def timed(steppers: dict, budget_s: float, rounds: int, min_reps: int, max_reps: int,
          warmup: int) -> dict[str, float]:
    """Time every ``name -> (step, threads)`` in ``rounds`` rounds and keep, per name, the
    smallest of its round medians.  Every round visits every stepper, so all of them see the
    same spread of load from other processes (this is often a shared machine), and a burst
    of it spoils a round, not the result.

    ``threads`` is ``("engine", n)`` or ``("torch", n)``; n = None leaves the library's default
    thread count.  Multi-threaded steppers get a short pause before and after their turn:
    OpenBLAS and OpenMP worker threads keep spinning for a while after their last job, and two
    spinning pools on a small machine slow each other down by orders of magnitude, which would
    measure the interference, not the library.
    """
    best = {name: float("inf") for name in steppers}
    reps = {}

    def turn(name, action):
        step, threads = steppers[name]
        multi = threads[1] != 1
        if multi:
            time.sleep(0.15)
        with thread_setting(threads):
            result = action(step)
        if multi:
            time.sleep(0.15)
        return result

    for name in steppers:
        reps[name] = turn(name, lambda step: calibrate(step, budget_s / rounds, min_reps,
                                                       max_reps, warmup))
    for _ in range(rounds):
        for name in steppers:
            best[name] = min(best[name], turn(name, lambda step: sample_us(step, reps[name])))
    return best


class thread_setting:
    """Context: BLAS limited for the engine, or torch.set_num_threads for torch."""

    def __init__(self, threads):
        self.library, self.n = threads

    def __enter__(self):
        if self.library == "engine" and self.n is not None:
            self._limit = threadpool_limits(limits=self.n, user_api="blas")
        elif self.library == "torch" and self.n is not None:
            self._saved = torch.get_num_threads()
            torch.set_num_threads(self.n)
        return self

    def __exit__(self, *exc):
        if self.library == "engine" and self.n is not None:
            self._limit.restore_original_limits()
        elif self.library == "torch" and self.n is not None:
            torch.set_num_threads(self._saved)
        return False


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
    steppers = {
        "eng f64 1T": (engine_stepper(case, data, "float64", optimizer, lr)[0], ("engine", 1)),
        "eng f32 1T": (engine_stepper(case, data, "float32", optimizer, lr)[0], ("engine", 1)),
        "eng f64 dT": (engine_stepper(case, data, "float64", optimizer, lr)[0],
                       ("engine", None)),
    }
    if torch is not None:
        steppers["torch f32 1T"] = (torch_stepper(case, data, torch.float32, optimizer, lr),
                                    ("torch", 1))
        steppers["torch f32 dT"] = (torch_stepper(case, data, torch.float32, optimizer, lr),
                                    ("torch", None))
        steppers["torch f64 1T"] = (torch_stepper(case, data, torch.float64, optimizer, lr),
                                    ("torch", 1))
    return timed(steppers, **timing)


def table(title: str, optimizer: str, lr: float, timing: dict, with_targets: bool) -> list[bool]:
    print(f"\n{title}  (µs per training step; lower is better)")
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
    print("\nEngine step breakdown, float64, BLAS 1 thread (µs; the parts run on their own, "
          "so they need not add up to step())")
    names = ("propagate", "backprop", "grad ok", "sgd step", "end epoch", "step()")
    head = f"{'case':<24}" + "".join(f"{n:>11}" for n in names)
    print(head)
    print("-" * len(head))
    one = ("engine", 1)
    for case in CASES:
        data = case.make_data()
        _, s = engine_stepper(case, data, "float64", "sgd", 0.05)
        net, X, Y, loss = s.network, s.X_train, s.Y_train, s.loss_function
        opt = s.optimizer
        parts = timed({
            "propagate": (lambda: net.propagate(X), one),
            "backprop": (lambda: net.backpropagate(Y, loss, s.l1, s.l2), one),
            "grad ok": (s._gradient_ok, one),
            "sgd step": (lambda: opt.step(net.theta, net.grad), one),
            "end epoch": (s._end_epoch, one),
            "step()": (s.step, one),
        }, **timing)
        print(f"{case.name:<24}" + "".join(f"{parts[n]:>11.1f}" for n in names), flush=True)


def environment() -> None:
    import backprop_lab.engine as engine
    print("Backprop Lab: engine vs PyTorch, training step time")
    print(f"python {platform.python_version()}  numpy {np.__version__}  "
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
    print(f"engine: {Path(engine.__file__).parent}")
    _print_load()


def _print_load() -> None:
    """Other processes on a small machine spoil the default-thread columns above all."""
    try:
        load = os.getloadavg()[0]
    except OSError:
        return
    cpus = os.cpu_count() or 1
    note = ""
    if load > 0.5:
        note = ("  <- other processes are busy: multi-threaded (dT) columns can be far off "
                "(a thread pool waits for a descheduled worker)")
    print(f"load average (1 min): {load:.2f} on {cpus} cpus{note}")


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
    # min_reps stays small so that a pathologically slow cell (a thread pool fighting another
    # process for the cpus: tens of ms per step) cannot stretch the run to many minutes.
    timing = (dict(budget_s=0.2, rounds=3, min_reps=3, max_reps=2000, warmup=20)
              if args.quick else
              dict(budget_s=1.5, rounds=5, min_reps=5, max_reps=20000, warmup=200))
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
    print()
    _print_load()
    if ok:
        print(f"targets met: {sum(ok)}/{len(ok)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
