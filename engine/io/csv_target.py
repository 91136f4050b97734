"""The target column of a CSV file: a task, class names and labels (or regression targets).

Task ``None`` decides: a target with text in it is a classification whose classes are the
sorted distinct texts (numbers among them named as written, e.g. ``"3"``); whole numbers with
at most :data:`MAX_NUMERIC_CLASSES` distinct values are classes too (sorted by value, named by
the number); other numbers are a regression target.  ``"classification"`` or
``"regression"`` forces it.  2 classes make a binary task, 3…10 a multiclass one.  Missing
targets are never a class: the caller drops their rows or refuses them.
"""
from __future__ import annotations

import numpy as np

from ..data.dataset import BINARY, MULTICLASS, REGRESSION
from .csv_columns import EMPTY
from .csv_scan import Column
from .limits import MAX_CLASSES
from .user_text import shown

CLASSIFICATION = "classification"
TASKS = (CLASSIFICATION, REGRESSION)
#: Auto task: whole-number targets with at most this many distinct values are classes.
MAX_NUMERIC_CLASSES = 10


def check_task(task):
    if task is None:
        return None
    if task in (BINARY, MULTICLASS):
        return CLASSIFICATION
    if task not in TASKS:
        raise ValueError(f"task must be None (automatic), 'classification' or 'regression', "
                         f"not {shown(repr(task))}")
    return task


def parse_target(values: np.ndarray, column: Column, kind: str, keep: np.ndarray, task,
                 where: str, line_of) -> tuple[str, tuple[str, ...], np.ndarray]:
    """(task, class names, labels (int64) or targets (float64)) of the rows ``keep`` (a
    boolean mask of rows whose target is present).  ``where`` names the column in messages,
    ``line_of(row)`` gives a row's line."""
    column_words = f"the target {where}"
    if kind == EMPTY:
        raise ValueError(f"{column_words} holds no values; every row needs a target")
    if column.infinite:
        row, cell = column.first_infinite
        raise ValueError(f"line {line_of(row)}, {where}: {shown(cell)} is not finite; every "
                         "target must be a finite number or a class name")
    y = values[keep]
    texts = column.texts_seen > 0
    if texts and task == REGRESSION:
        row, cell = column.first_text
        raise ValueError(f"line {line_of(row)}, {where}: {shown(cell)} is not a number; a "
                         "regression target must be a number")
    if not texts:
        if task == REGRESSION:
            return REGRESSION, (), y.astype(np.float64)
        distinct = np.unique(y)
        whole = bool(np.all(distinct == np.round(distinct)))
        if task is None and not (whole and len(distinct) <= MAX_NUMERIC_CLASSES):
            return REGRESSION, (), y.astype(np.float64)
        if len(distinct) > MAX_CLASSES:
            raise _too_many(column_words, [number_name(v) for v in distinct[:13]],
                            len(distinct))
        names = tuple(number_name(v) for v in distinct)
        return _classes(column_words, names, np.searchsorted(distinct, y).astype(np.int64))
    if column.texts is None:
        raise ValueError(f"{column_words} has more than 1,000 different values; a classification "
                         f"has at most {MAX_CLASSES} classes")
    codes = column.codes[keep]
    text_names = list(column.texts)
    numeric = codes < 0
    number_names = {v: number_name(v) for v in np.unique(y[numeric])}
    names = tuple(sorted(set(text_names) | set(number_names.values())))
    if len(names) > MAX_CLASSES:
        raise _too_many(column_words, names[:13], len(names))
    index = {name: k for k, name in enumerate(names)}
    labels = np.empty(len(codes), dtype=np.int64)
    by_code = np.array([index[name] for name in text_names], dtype=np.int64)
    labels[~numeric] = by_code[codes[~numeric]]
    if numeric.any():
        labels[numeric] = [index[number_names[v]] for v in y[numeric]]
    return _classes(column_words, names, labels)


def _classes(where, names, labels):
    k = len(names)
    if k < 2:
        raise ValueError(f"{where} has only one class ({shown(names[0])}); a classifier needs "
                         "at least 2 (or choose a regression)")
    return (BINARY if k == 2 else MULTICLASS), names, labels


def _too_many(where, names, k) -> ValueError:
    shown_names = ", ".join(names[:12]) + ("…" if k > 12 else "")
    return ValueError(f"{where} has {k} classes ({shown_names}); at most {MAX_CLASSES} are "
                      "supported")


def number_name(value: float) -> str:
    value = float(value)
    return str(int(value)) if value == int(value) and abs(value) < 2**53 else repr(value)
