"""Drawing a dataset by hand: add a point, remove the nearest one, start a blank canvas.

Every function returns a new :class:`~engine.data.datasets.Dataset` (they are immutable) named
"drawn"; points go to the training set.  Only 2-D classification data can be drawn on.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from .datasets import BINARY, MULTICLASS, REGRESSION, Dataset

DRAWN = "drawn"
MAX_CLASSES = 8
MAX_POINTS = 100_000


def _check_drawable(data: Dataset) -> None:
    if not data.is_planar:
        raise ValueError("points can only be drawn on 2-D data (x₁, x₂)")
    if data.task == REGRESSION:
        raise ValueError("points can only be drawn for classification; this data is a regression")


def add_point(data: Dataset, point, label: int) -> Dataset:
    """``data`` with the training point ``point`` (x₁, x₂) of class ``label`` added.

    A label beyond the current classes adds a class (binary data becomes multiclass)."""
    _check_drawable(data)
    x = np.asarray(point, dtype=float).reshape(-1)
    if x.shape != (2,) or not np.isfinite(x).all():
        raise ValueError(f"a point needs two finite coordinates, not {point!r}")
    if isinstance(label, bool) or not isinstance(label, (int, np.integer)) \
            or not 0 <= label < MAX_CLASSES:
        raise ValueError(f"the class must be a whole number from 0 to {MAX_CLASSES - 1}, "
                         f"not {label!r}")
    if len(data.y_train) + len(data.y_test) >= MAX_POINTS:
        raise ValueError(f"a dataset holds at most {MAX_POINTS:,} points")
    n_classes = max(data.n_classes, 2, int(label) + 1)
    names = data.class_names
    if names and len(names) < n_classes:
        names = names + tuple(str(k) for k in range(len(names), n_classes))
    return dataclasses.replace(
        data, name=DRAWN, task=BINARY if n_classes == 2 else MULTICLASS, n_classes=n_classes,
        points_train=np.vstack([data.points_train, x[None, :]]),
        y_train=np.append(data.y_train, np.int64(label)).astype(np.int64),
        points_test=data.points_test.copy(), y_test=data.y_test.copy(),
        class_names=names, params={**data.params, "edited": True})


def remove_nearest(data: Dataset, point) -> tuple[Dataset, int]:
    """``data`` without the training or test point nearest to ``point``; also returns the
    removed point's index in the train+test order.  The last training point stays."""
    _check_drawable(data)
    x = np.asarray(point, dtype=float).reshape(2)
    every = np.vstack([data.points_train, data.points_test])
    nearest = int(np.argmin(np.hypot(*(every - x).T)))
    n_train = len(data.y_train)
    if nearest < n_train and n_train == 1:
        raise ValueError("keep at least one training point")
    points_train, y_train = data.points_train, data.y_train
    points_test, y_test = data.points_test, data.y_test
    if nearest < n_train:
        points_train = np.delete(points_train, nearest, axis=0)
        y_train = np.delete(y_train, nearest)
    else:
        points_test = np.delete(points_test, nearest - n_train, axis=0)
        y_test = np.delete(y_test, nearest - n_train)
    edited = dataclasses.replace(data, name=DRAWN, points_train=points_train, y_train=y_train,
                                 points_test=points_test, y_test=y_test,
                                 params={**data.params, "edited": True})
    return edited, nearest


def nearest_training_point(data: Dataset, point, within: float) -> int | None:
    """Index of the training point nearest to ``point`` (x₁, x₂), or None when none lies
    within ``within`` of it (a click beside the points)."""
    if len(data.y_train) == 0 or not data.is_planar:
        return None
    x = np.asarray(point, dtype=float).reshape(2)
    distance = np.hypot(*(data.points_train - x).T)
    nearest = int(np.argmin(distance))
    return nearest if distance[nearest] <= within else None


def blank_canvas(domain=((-6.0, 6.0), (-6.0, 6.0)), features=None) -> Dataset:
    """A canvas to draw on: one point of each of two classes, left and right of centre (a
    network needs at least one training point, and both classes to learn anything)."""
    (x0, x1), (y0, y1) = domain
    cx, cy, dx = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 4
    kwargs = {} if features is None else {"features": tuple(features)}
    return Dataset(name=DRAWN, task=BINARY,
                   points_train=np.array([[cx - dx, cy], [cx + dx, cy]]),
                   y_train=np.array([0, 1], dtype=np.int64),
                   points_test=np.zeros((0, 2)), y_test=np.zeros(0, dtype=np.int64),
                   n_classes=2, domain=((float(x0), float(x1)), (float(y0), float(y1))),
                   params={"edited": True}, **kwargs)
