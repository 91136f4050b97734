"""A long curve as the points a plot of a given pixel width can show: each run of samples
that falls into one pixel column drawn as its high and low value.

The loss plot thins its curves itself, once per new history, instead of letting pyqtgraph
do it on every change of the view: a plot that thins (or clips) its curves to the view
recomputes every curve whenever a range changes — each step of the epoch axis cost the
frame it happened in some 50 ms while training played."""
from __future__ import annotations

import numpy as np


def peak_points(x: np.ndarray, y: np.ndarray, columns: int) -> tuple[np.ndarray, np.ndarray]:
    """At most ~2·``columns`` points (x, y) tracing the curve (x, y) on a plot ``columns``
    pixels wide: samples in runs of ds = ⌊n / columns⌋, each run as its maximum then its
    minimum at the run's first x (a NaN in a run makes both NaN: a gap, as in the curve); the
    last n mod ds samples as they are.  Curves of fewer than 2·``columns`` samples unchanged."""
    x, y = np.asarray(x), np.asarray(y)
    ds = len(x) // max(int(columns), 1)
    if ds < 2:
        return x, y
    n = len(x) // ds
    runs = y[:n * ds].reshape(n, ds)
    peaks = np.empty((n, 2), dtype=float)
    peaks[:, 0] = runs.max(axis=1)
    peaks[:, 1] = runs.min(axis=1)
    return (np.concatenate([np.repeat(x[:n * ds:ds], 2), x[n * ds:]]),
            np.concatenate([peaks.ravel(), y[n * ds:]]))
