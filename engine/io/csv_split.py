"""Splitting imported rows into train and test, and what the window needs of them.

The rows are shuffled with ``np.random.default_rng(seed)`` and ``round(n · test_fraction)`` of
them go to the test set, as :func:`backprop_lab.engine.data.datasets.load` does.  The shuffle
starts from a canonical order of the rows (sorted by their values' bits), not the file's, so a
split depends only on the rows, the fraction and the seed: :func:`resplit` of any split of the
same rows gives the same result.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from ..data.dataset import Dataset, check_int, is_number


def split_rows(points: np.ndarray, y: np.ndarray, test_fraction: float, seed: int):
    """(points_train, y_train, points_test, y_test) of rows ``points`` (n, d), ``y`` (n,)."""
    n = len(y)
    n_test = int(round(n * test_fraction))
    if n - n_test < 1:
        raise ValueError(f"a test fraction of {test_fraction:g} leaves no training samples "
                         f"out of {n}; lower it or add samples")
    order = canonical_order(points, y)[np.random.default_rng(seed).permutation(n)]
    test, train = order[:n_test], order[n_test:]
    return (np.ascontiguousarray(points[train]), y[train],
            np.ascontiguousarray(points[test]), y[test])


def canonical_order(points: np.ndarray, y: np.ndarray) -> np.ndarray:
    """An order of the rows that depends only on their values, bit for bit (−0.0 and 0.0
    differ; ties are identical rows)."""
    keys = [y.astype(np.float64).view(np.uint64)]           # the last key sorts first
    keys += [np.ascontiguousarray(points[:, k]).view(np.uint64)
             for k in range(points.shape[1] - 1, -1, -1)]
    return np.lexsort(keys)


def resplit(data: Dataset, test_fraction: float, seed: int) -> Dataset:
    """``data`` with its training and test rows pooled and split again (as
    :func:`split_rows` splits); everything else is kept, ``params`` records the new fraction
    and seed."""
    if not is_number(test_fraction) or not 0 <= test_fraction < 1:
        raise ValueError(f"test_fraction must be in [0, 1), not {test_fraction!r}")
    check_int("seed", seed, 0, 2**63 - 1)
    points = np.vstack([data.points_train, data.points_test])
    y = np.concatenate([data.y_train, data.y_test])
    pt, yt, pe, ye = split_rows(points, y, test_fraction, seed)
    return dataclasses.replace(
        data, points_train=pt, y_train=yt, points_test=pe, y_test=ye,
        params={**data.params, "test_fraction": float(test_fraction), "seed": int(seed)})


def standardization(points: np.ndarray) -> dict:
    """``{"mean": [...], "std": [...]}`` of every column of ``points`` (m, d), as plain floats
    (JSON-able): the population standard deviation, 1.0 for a constant column."""
    points = np.asarray(points, dtype=np.float64)
    mean = points.mean(axis=0)
    std = points.std(axis=0)
    constant = points.max(axis=0) == points.min(axis=0)
    mean[constant] = points[0, constant]         # exactly: the column becomes exactly 0
    std[constant | ~(std > 0)] = 1.0
    return {"mean": [float(v) for v in mean], "std": [float(v) for v in std]}


def domain_of(points: np.ndarray, limit: float = 1e15):
    """The bounding box of 2-D points with 10 % padding on each side (±1 when flat), within
    ±``limit`` (a plot cannot show a wider range)."""
    box = []
    for column in points.T:
        lo, hi = float(column.min()), float(column.max())
        pad = 0.1 * (hi - lo)
        if not pad > 1e-12 * max(abs(lo), abs(hi), 1.0):
            pad = max(1.0, 1e-9 * max(abs(lo), abs(hi)))
        lo = min(max(lo - pad, -limit), limit)
        hi = min(max(hi + pad, -limit), limit)
        if not hi - lo > 1e-9 * max(abs(lo), abs(hi), 1.0):      # every point beyond ±limit
            lo, hi = (limit / 2, limit) if lo > 0 else (-limit, -limit / 2)
        box.append((lo, hi))
    return tuple(box)
