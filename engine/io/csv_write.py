"""Writing a :class:`~backprop_lab.engine.data.dataset.Dataset` to CSV: ``write_csv(data,
path)``.

The header is the raw input names (``input_labels``, else x1…xd) and "label" (classes) or
"target" (regression); then the training, test and validation rows.  Floats are written with
``repr``, so :func:`.csv_dataset.read_csv` gives back exactly the same points.  Class labels
are written as their ``class_names`` when reading those back gives the same labels (else as
0…k−1); labels survive the trip when every class occurs.  Integer-valued regression targets
with few distinct values read back as classes unless ``task="regression"`` is given.

**Formulas**: a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return (after any apostrophes) is written quoted with an apostrophe before it (the OWASP rule
against CSV injection), so a spreadsheet shows it as text instead of running it; plain numbers
such as ``-1.5`` are written as they are.  The reader removes that apostrophe again.  A cell
holding a delimiter, a quote, a line break or a leading ``#`` is quoted (a name with a line
break reads back).  The file is written atomically (:mod:`.atomic_write`).
"""
from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np

from ..data.dataset import Dataset
from .atomic_write import atomic_file
from .csv_cells import is_missing, is_not_finite, looks_numeric

_FORMULA = re.compile(r"'*[=+\-@\t\r]")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_NEEDS_QUOTES = re.compile(r'[,;\t"\r\n]|^\s|\s$|^#')


def write_csv(data: Dataset, path) -> Path:
    """Write ``data`` to ``path`` as CSV (see the module's docstring); returns the path."""
    path = Path(path)
    points = np.vstack([data.points_train, data.points_test, data.points_val])
    y = np.concatenate([data.y_train, data.y_test, data.y_val])
    if not np.isfinite(points).all() or (y.dtype.kind == "f" and not np.isfinite(y).all()):
        raise ValueError("the data has values that are not finite numbers; they cannot be "
                         "written to CSV")
    d = points.shape[1]
    names = _unique_names(list(data.input_labels) if len(data.input_labels) == d
                          else [f"x{j + 1}" for j in range(d)])
    target_name = "label" if data.is_classification else "target"
    while target_name in names:
        target_name += "_"
    if data.is_classification:
        class_names = _written_class_names(data)
        labels = ([class_names[int(v)] for v in y] if class_names
                  else [str(int(v)) for v in y])
    else:
        labels = [repr(float(v)) for v in y]
    with atomic_file(path) as handle:
        text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
        text.write(line([*names, target_name]))
        for row, label in zip(points.tolist(), labels):
            text.write(",".join(map(repr, row)) + "," + cell_text(label) + "\n")
        text.flush()
        text.detach()
    return path


def cell_text(cell: str) -> str:
    """One cell as written: escaped against formulas, quoted where needed."""
    if _FORMULA.match(cell) and not _NUMBER.fullmatch(cell):
        return '"\'' + cell.replace('"', '""') + '"'
    if _NEEDS_QUOTES.search(cell):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def line(cells) -> str:
    return ",".join(map(cell_text, cells)) + "\n"


def _unique_names(names: list[str]) -> list[str]:
    """Header cells that read back as a header with these (distinct) names."""
    out = []
    for j, title in enumerate(names):
        title = str(title).strip() or f"x{j + 1}"
        if looks_numeric(title) or is_missing(title):
            title = f"x{title}"
        while title in out:
            title += "_"
        out.append(title)
    return out


def _written_class_names(data: Dataset) -> tuple[str, ...] | None:
    """The class names when reading them back keeps every label, else None: distinct texts
    in sorted order (the reader sorts them) that read back as texts."""
    names = tuple(data.class_names)
    k = data.n_classes
    if len(names) != k or k < 2 or len(set(names)) != k or list(names) != sorted(names):
        return None
    for name in names:
        escaped = _FORMULA.match(name) is not None       # leading tab or CR survive escaped
        if (name != (name.rstrip() if escaped else name.strip()) or not name
                or is_missing(name) or looks_numeric(name) or is_not_finite(name)
                or "\x00" in name):
            return None
    return names
