"""One training epoch of the engine's public path next to the same model in PyTorch (eager).

    python benchmarks/engine_vs_torch.py            # both tables and the breakdown (~3 min)
    python benchmarks/engine_vs_torch.py --quick    # fewer repetitions (~1 min)

The engine's side is ``TrainingSession.step_epoch()`` of a session built with the defaults
(the network's default dtype, the session's history, timeline and divergence watch: what the
window and the scripting API run).  Full batch, so one epoch is one step: forward, loss,
backward, SGD update, then the epoch's bookkeeping (loss and accuracy on the training set,
the gradient norms, a history row, a timeline snapshot, the divergence check).

PyTorch's side is ``zero_grad(set_to_none=True)``, forward, loss, ``backward()``,
``opt.step()`` — no bookkeeping — in its fastest configuration of four: float32 or float64,
one thread or its default count.  ``ratio = fastest torch / engine``: above 1 the engine is
faster.  Every configuration is timed in several rounds that visit all of them in turn
(each call timed on its own, the median of a round, the smallest round kept), so a burst of
load from another process spoils a round, not the result.

The table is printed twice: on the machine as it is, then with a second process busy on the
other core (a NumPy loop, as the window's own drawing is while it trains in a process of its
own).  Then the breakdown of the engine's epoch: the step itself and each piece of the
bookkeeping, timed apart.
"""
from __future__ import annotations

import argparse
import gc
import multiprocessing
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

import machine  # noqa: E402
from backprop_lab.engine import Network, TrainingSession, datasets  # noqa: E402

try:
    import torch
except ImportError:                       # the engine's figures still print
    torch = None


@dataclass
class Case:
    name: str
    sizes: list[int]
    target: float
    load: Callable

    @property
    def output(self) -> str:
        return "softmax" if self.sizes[-1] > 1 else "sigmoid"

    @property
    def loss(self) -> str:
        return "cross_entropy" if self.sizes[-1] > 1 else "bce"


def _moons(n):
    return lambda: datasets.load("moons", n_samples=n, test_fraction=0.0, seed=1)


CASES = [
    Case("2-4-1 XOR (4)", [2, 4, 1], 5.0, lambda: datasets.load("xor")),
    Case("2-8-8-1 moons (500)", [2, 8, 8, 1], 3.0, _moons(500)),
    Case("2-8×6-1 moons (500)", [2] + [8] * 6 + [1], 3.0, _moons(500)),
    Case("64-32-10 digits (1797)", [64, 32, 10], 1.5,
         lambda: datasets.load("digits", test_fraction=0.0)),
    Case("2-16-16-1 moons (5000)", [2, 16, 16, 1], 1.5, _moons(5000)),
]
LEARNING_RATE = 0.05


# ---------------------------------------------------------------------------- steppers
def engine_session(case: Case, data) -> TrainingSession:
    net = Network(case.sizes, hidden="relu", output=case.output, init="he", seed=0)
    return TrainingSession(net, data, loss=case.loss, optimizer="sgd",
                           learning_rate=LEARNING_RATE)


def torch_stepper(case: Case, data, dtype):
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
        loss_fn = torch.nn.BCEWithLogitsLoss()       # = the engine's bce (mean over samples)
    opt = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)

    def step():
        opt.zero_grad(set_to_none=True)
        loss_fn(model(X), y).backward()
        opt.step()
    return step


class Threads:
    """BLAS limited for the engine, ``torch.set_num_threads`` for torch (None: defaults)."""

    def __init__(self, library: str, n: int | None):
        self.library, self.n = library, n

    def __enter__(self):
        if self.library == "engine":
            self._limit = threadpool_limits(self.n or 1, user_api="blas")
        elif self.n is not None:
            self._saved = torch.get_num_threads()
            torch.set_num_threads(self.n)

    def __exit__(self, *exc):
        if self.library == "engine":
            self._limit.restore_original_limits()
        elif self.n is not None:
            torch.set_num_threads(self._saved)
        return False


# ---------------------------------------------------------------------------- timing
def median_us(step, reps: int) -> float:
    times = [0] * reps
    clock = time.perf_counter_ns
    enabled = gc.isenabled()
    gc.disable()
    try:
        for i in range(reps):
            start = clock()
            step()
            times[i] = clock() - start
    finally:
        if enabled:
            gc.enable()
    return statistics.median(times) / 1000.0


def timed(steppers: dict, budget: float, rounds: int) -> dict[str, float]:
    """name → (step, Threads): the smallest of ``rounds`` round medians, in µs.  Threaded
    configurations get a short pause before their turn: idle worker threads of another
    pool keep spinning for a while and would be measured instead."""
    reps = {}
    for name, (step, threads) in steppers.items():
        with threads:
            deadline = time.perf_counter() + 0.2
            while time.perf_counter() < deadline:
                step()
            start = time.perf_counter()
            for _ in range(5):
                step()
            per_call = max((time.perf_counter() - start) / 5, 1e-7)
        reps[name] = int(min(max(budget / rounds / per_call, 5), 20_000))
    best = dict.fromkeys(steppers, float("inf"))
    for _ in range(rounds):
        for name, (step, threads) in steppers.items():
            if threads.n != 1:
                time.sleep(0.1)
            with threads:
                best[name] = min(best[name], median_us(step, reps[name]))
    return best


TORCH_CONFIGS = {"f32 1T": ("float32", 1), "f32 dT": ("float32", None),
                 "f64 1T": ("float64", 1), "f64 dT": ("float64", None)}


def measure(case: Case, budget: float, rounds: int) -> dict[str, float]:
    data = case.load()
    session = engine_session(case, data)
    steppers = {"engine": (session.step_epoch, Threads("engine", 1))}
    if torch is not None:
        for name, (dtype, n) in TORCH_CONFIGS.items():
            steppers["torch " + name] = (torch_stepper(case, data, getattr(torch, dtype)),
                                         Threads("torch", n))
    result = timed(steppers, budget, rounds)
    result["dtype"] = session.network.dtype_name
    return result


def table(title: str, budget: float, rounds: int) -> list[bool]:
    print(f"\n{title}")
    cols = ["engine"] + (["torch " + c for c in TORCH_CONFIGS] if torch is not None else [])
    head = f"{'case':<24}{'dtype':>8}" + "".join(f"{c:>13}" for c in cols) + \
        f"{'ratio':>9}{'target':>9}"
    print(head + "\n" + "-" * len(head))
    met = []
    for case in CASES:
        r = measure(case, budget, rounds)
        line = f"{case.name:<24}{r['dtype']:>8}" + "".join(f"{r[c]:>11.1f}µs" for c in cols)
        if torch is not None:
            ratio = min(r[c] for c in cols[1:]) / r["engine"]
            ok = ratio >= case.target
            met.append(ok)
            line += f"{ratio:>8.2f}×{'≥' + format(case.target, 'g') + '×':>7} " + \
                ("ok" if ok else "MISSED")
        print(line, flush=True)
    return met


# ---------------------------------------------------------------------------- breakdown
def breakdown(budget: float, rounds: int) -> None:
    """The engine's epoch taken apart: the step (forward, loss, backward, update) and each
    piece of the epoch's bookkeeping, each timed on its own on a trained session."""
    print("\nThe engine's epoch, taken apart (µs; the pieces are timed on their own)")
    names = ["step_epoch", "step", "evaluate", "grad norms", "history", "timeline",
             "divergence"]
    head = f"{'case':<24}" + "".join(f"{n:>12}" for n in names)
    print(head + "\n" + "-" * len(head))
    one = Threads("engine", 1)
    for case in CASES:
        s = engine_session(case, case.load())
        s.run(20)
        net, opt = s.network, s.optimizer
        X, Y = s.X_train, s.Y_train
        row = s.history.table()[-1, 1:]
        theta = net.theta

        def step():
            net.propagate(X)
            net.backpropagate(Y, s.loss_function)
            opt.step(net.theta, net.grad)

        def norms():
            return np.sqrt([np.vdot(layer.dW, layer.dW) for layer in net.layers])

        parts = timed({
            "step_epoch": (s.step_epoch, one),
            "step": (step, one),
            "evaluate": (s.evaluate, one),
            "grad norms": (norms, one),
            "history": (lambda: s.history.append(s.epoch, row), one),
            "timeline": (lambda: s.timeline.record(s.epoch, s.steps, theta, opt, None), one),
            "divergence": (lambda: s.watch.after_epoch(s.epoch, s.steps, 0.1, theta), one),
        }, budget, rounds)
        print(f"{case.name:<24}" + "".join(f"{parts[n]:>12.1f}" for n in names), flush=True)
    print("step: propagate + backpropagate + SGD update; evaluate: loss and accuracy on the "
          "training set (the epoch's\nrow reuses this pass as the next step's forward pass); "
          "history / timeline: one row / snapshot recorded;\ndivergence: the epoch judged "
          "(largest weight, healthy copy).")


def _busy(stop) -> None:
    """A second process keeping the other core busy (as the window's drawing does)."""
    with threadpool_limits(1, user_api="blas"):
        a = np.random.default_rng(0).standard_normal((200, 200))
        while not stop.is_set():
            a = np.tanh(a @ a.T * 1e-3)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--no-busy", action="store_true", help="skip the second table")
    args = parser.parse_args(argv)
    budget, rounds = (0.3, 3) if args.quick else (1.2, 5)
    machine.describe("Backprop Lab: one training epoch, the engine against PyTorch eager")
    print(f"torch {torch.__version__ if torch else 'not installed'}"
          + (f" (default threads {torch.get_num_threads()})" if torch else ""))
    met = table("On the machine as it is  (µs per epoch, full batch, SGD; lower is better)",
                budget, rounds)
    if not args.no_busy:
        context = multiprocessing.get_context("spawn")
        stop = context.Event()
        busy = context.Process(target=_busy, args=(stop,), daemon=True)
        busy.start()
        time.sleep(1.0)
        try:
            met += table("With a second process busy on the other core", budget, rounds)
        finally:
            stop.set()
            busy.join(timeout=5)
    breakdown(budget, rounds)
    one, note = machine.load()
    print(f"\nload average (1 min): {one:.2f} — {note}")
    if met:
        print(f"targets met: {sum(met)}/{len(met)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
