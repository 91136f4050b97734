"""Splitting imported rows into train, test and validation, and what the window needs of them.

The rows are shuffled with ``np.random.default_rng(seed)``; ``round(n · test_fraction)`` of
them go to the test set, the next ``round(n · validation_fraction)`` to the validation set,
the rest to training, as :func:`backprop_lab.engine.data.datasets.load` does.  The shuffle
starts from a canonical order of the rows (sorted by their values' bits), not the file's, so a
split depends only on the rows, the fractions and the seed: :func:`resplit` of any split of the
same rows gives the same result.
"""
from __future__ import annotations

import dataclasses
from typing import NamedTuple

import numpy as np

from ..data.dataset import REGRESSION, Dataset, check_int, split_counts


class Split(NamedTuple):
    """Rows (m, d) and targets (m,) of each part of a split."""

    points_train: np.ndarray
    y_train: np.ndarray
    points_test: np.ndarray
    y_test: np.ndarray
    points_val: np.ndarray
    y_val: np.ndarray


def split_rows(points: np.ndarray, y: np.ndarray, test_fraction: float, seed: int,
               validation_fraction: float = 0.0) -> Split:
    """The :class:`Split` of rows ``points`` (n, d), ``y`` (n,); ValueError when the fractions
    leave no training row."""
    n = len(y)
    n_test, n_val = split_counts(n, test_fraction, validation_fraction)
    order = canonical_order(points, y)[np.random.default_rng(seed).permutation(n)]
    test, val, train = order[:n_test], order[n_test:n_test + n_val], order[n_test + n_val:]
    return Split(np.ascontiguousarray(points[train]), y[train],
                 np.ascontiguousarray(points[test]), y[test],
                 np.ascontiguousarray(points[val]), y[val])


def canonical_order(points: np.ndarray, y: np.ndarray) -> np.ndarray:
    """An order of the rows that depends only on their values, bit for bit (−0.0 and 0.0
    differ; ties are identical rows)."""
    keys = [y.astype(np.float64).view(np.uint64)]           # the last key sorts first
    keys += [np.ascontiguousarray(points[:, k]).view(np.uint64)
             for k in range(points.shape[1] - 1, -1, -1)]
    return np.lexsort(keys)


def resplit(data: Dataset, test_fraction: float, seed: int,
            validation_fraction: float | None = None) -> Dataset:
    """``data`` with its training, test and validation rows pooled and split again (as
    :func:`split_rows` splits); ``validation_fraction`` None keeps the data's own (0 without
    one).  Everything else is kept; ``params`` records the new fractions and seed."""
    if validation_fraction is None:
        validation_fraction = float(data.params.get("validation_fraction", 0.0))
    check_int("seed", seed, 0, 2**63 - 1)
    points = np.vstack([data.points_train, data.points_test, data.points_val])
    y = np.concatenate([data.y_train, data.y_test, data.y_val])
    parts = split_rows(points, y, test_fraction, seed, validation_fraction)
    params = {**data.params, "test_fraction": float(test_fraction), "seed": int(seed)}
    params.pop("validation_fraction", None)
    if validation_fraction:
        params["validation_fraction"] = float(validation_fraction)
    return dataclasses.replace(data, **parts._asdict(), params=params)


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


def target_scale(task: str, y: np.ndarray) -> dict | None:
    """``{"mean": float, "std": float}`` of a regression's targets ``y`` (m,) (as
    :func:`standardization` computes them: 1.0 for constant targets); None for a
    classification, whose labels are not scaled."""
    if task != REGRESSION:
        return None
    scale = standardization(np.asarray(y, dtype=np.float64).reshape(-1, 1))
    return {"mean": scale["mean"][0], "std": scale["std"][0]}


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
