"""Time of one loss-landscape slice: 41 × 41 weight vectors of a 2-8-8-1 network on 500 points.

    python benchmarks/landscape_slice.py [--repeats 7]

``loss_slice`` evaluates the training loss at every grid point θ + a·d₁ + b·d₂ in one batched
pass (filter-normalized random directions; the path's projection is included in the time).
BLAS is limited to one thread, as the window runs it.  Printed per hidden activation: the
median of ``--repeats`` timed runs (after one warm-up) in float32 (the default) and float64,
beside the target of 0.3 s, and in parentheses the fastest run (on a shared machine the
median carries the other processes' load; the fastest run is closest to an idle machine).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy  # noqa: E402,F401  (load BLAS first, so that the limit below reaches it)
from threadpoolctl import threadpool_limits  # noqa: E402

threadpool_limits(1)

from backprop_lab.engine import Network, TrainingSession, datasets  # noqa: E402
from backprop_lab.engine.analysis.directions import random_directions  # noqa: E402
from backprop_lab.engine.analysis.landscape import loss_slice  # noqa: E402

TARGET_SECONDS = 0.3
RESOLUTION = 41
N_POINTS = 500


def session_for(activation: str) -> TrainingSession:
    data = datasets.load("circles", n_samples=N_POINTS, test_fraction=0.0, seed=0)
    net = Network([2, 8, 8, 1], hidden=activation, output="sigmoid", init="xavier", seed=0)
    session = TrainingSession(net, data, loss="bce", optimizer="adam", learning_rate=0.03)
    session.run(20)                     # a short path on the timeline, as in real use
    return session


def timings(session: TrainingSession, dtype: str, repeats: int) -> tuple[float, float]:
    """(median, fastest) seconds of one slice."""
    directions = random_directions(session.network, seed=0)
    loss_slice(session, directions, RESOLUTION, dtype=dtype)          # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        loss_slice(session, directions, RESOLUTION, dtype=dtype)
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    if args.repeats < 5:
        parser.error("take at least 5 repeats for a median")
    print(f"{RESOLUTION}×{RESOLUTION} slice, 2-8-8-1, {N_POINTS} points, BLAS 1 thread, "
          f"median of {args.repeats}; target ≤ {TARGET_SECONDS} s")
    header = "".join(f"{f'{dtype} median (fastest)':>27}" for dtype in ("float32", "float64"))
    print(f"{'hidden activation':18}{header}")
    for activation in ("tanh", "relu", "sigmoid"):
        session = session_for(activation)
        cells = [timings(session, dtype, args.repeats) for dtype in ("float32", "float64")]
        verdict = "within target" if cells[0][0] <= TARGET_SECONDS else "OVER TARGET"
        row = "".join(f"{f'{median:.3f} s ({fastest:.3f} s)':>27}" for median, fastest in cells)
        print(f"{activation:18}{row}   float32 {verdict}")


if __name__ == "__main__":
    main()
