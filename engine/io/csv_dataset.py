"""Your own data: a :class:`~backprop_lab.engine.data.dataset.Dataset` from a CSV file.

``read_csv(path, target=None, task=None, test_fraction=0.3, seed=0, name=None,
standardize=False, ignore=None, missing="refuse", categories="one-hot",
validation_fraction=0.0)`` reads a table with
one target column (the last one unless told otherwise); ``inspect_csv(path, target=None)``
describes the columns without building a dataset (for an import dialog's column table).

* **Text, delimiter, comments**: see :mod:`.csv_text` (UTF-8, Windows-1252 with a notice;
  comma, semicolon or tab; ``#`` comments only where the file starts with one).
* **Numbers, missing values**: see :mod:`.csv_cells` (decimal point or comma, thousands
  separators, ``NA``, ``#N/A``… as missing values).
* **Header, column types and roles**: see :mod:`.csv_columns` (ID-like, date, text and empty
  columns are ignored by default with a note; categories become one-hot inputs).
* **Target and task**: see :mod:`.csv_target`.
* **Missing values** in the used columns: ``missing="refuse"`` names the first one (line and
  column); ``"drop"`` drops their rows; ``"fill"`` fills an input with its column's mean (a
  number) or most frequent value (a category) and drops rows without a target.  The counts
  are noted.
* **Limits**: :data:`MAX_ROWS` rows, :data:`~.limits.MAX_COLUMNS` columns,
  :data:`~.limits.MAX_CELLS` cells, lines of :data:`~.csv_text.MAX_LINE` characters.

Anything that makes the file unusable is a ValueError naming the line and the column
(``line 7, column 3 ("petal_width"): "abc" is not a number``).  What was done to the data on
the way (encoding, decimal commas, ignored columns, dropped rows…) is listed in
``params["import_notes"]``; ``params["ignored"]`` names the ignored columns.
``standardize=True`` stores ``params["standardize"] = {"mean": [...], "std": [...]}`` (see
:func:`.csv_split.standardization`) and, for a regression, ``params["target_scale"] = {"mean":
…, "std": …}`` of the target (the network then trains on standardized targets, and
predictions, R² and MAE are reported in the file's units): both over every row.  The rows are
split as :func:`.csv_split.split_rows` says, with ``validation_fraction`` of them kept apart
as a validation set.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..data.dataset import Dataset, check_fractions, check_int
from .csv_cells import is_spreadsheet_error
from .csv_columns import (CATEGORY, DATE, EMPTY, HEADER_SAMPLE, IGNORE, INPUT, NUMBER, TARGET,
                          TEXT, check_width, column_index, column_type, header_names, id_like,
                          ignored_columns, plan_columns, split_header)
from .csv_scan import MAX_ROWS, Rescan, Table, row_capacity, scan
from .csv_split import domain_of, split_rows, standardization, target_scale
from .csv_target import check_task, parse_target
from .csv_text import DELIMITER_NAMES, Reencode, first_records, open_csv_text
from .limits import MAX_COLUMNS
from .user_text import shown

MISSING_POLICIES = ("refuse", "drop", "fill")
CATEGORY_POLICIES = ("one-hot", "refuse")
__all__ = ["CsvColumn", "CsvReport", "MAX_ROWS", "inspect_csv", "read_csv"]


@dataclass(frozen=True)
class CsvColumn:
    """One column as :func:`inspect_csv` sees it: ``type`` (number, category, date, text,
    mixed, empty), the suggested ``role`` (input, target, ignore), its missing cells, its
    distinct texts (categories; None when too many), why it looks like an identifier."""

    index: int
    name: str
    type: str
    role: str
    missing: int
    categories: tuple[str, ...] | None
    id_like: str | None
    note: str


@dataclass(frozen=True)
class CsvReport:
    """What a CSV file holds, for a dialog's column table."""

    columns: tuple[CsvColumn, ...]
    rows: int
    header: bool
    delimiter: str
    encoding: str
    decimal_mark: str | None
    target: int
    notes: tuple[str, ...]


@dataclass
class _Loaded:
    table: Table
    names: list[str]
    raw_names: list[str] | None
    header_line: int | None
    target: int
    encoding: str
    delimiter: str
    notes: list[str]


def read_csv(path, target=None, task=None, test_fraction=0.3, seed=0, name=None,
             standardize: bool = False, ignore=None, missing: str = "refuse",
             categories: str = "one-hot", validation_fraction: float = 0.0) -> Dataset:
    """The data of a CSV file, split into train, test and validation (see the module's
    docstring).

    ``target``: the target column's name or 0-based index (negative counts from the end);
    default the last column.  ``task``: None (decide), "classification" or "regression".
    ``ignore``: None (ignore identifier, date, text and empty columns) or the columns to
    ignore (names or indices; ``()`` ignores none).  ``missing``: "refuse", "drop" or
    "fill".  ``categories``: "one-hot" or "refuse".  ``standardize``: standardize the inputs
    and a regression's target for the network (see the module's docstring).
    ``validation_fraction``: the share of rows kept apart for validation.  ValueError for a
    file that cannot be used, with the line and column where it applies."""
    task = check_task(task)
    check_fractions(test_fraction, validation_fraction)
    check_int("seed", seed, 0, 2**63 - 1)
    if not isinstance(standardize, (bool, np.bool_)):
        raise ValueError(f"standardize must be True or False, not {standardize!r}")
    if missing not in MISSING_POLICIES:
        raise ValueError(f"missing must be one of {', '.join(MISSING_POLICIES)}, not "
                         f"{missing!r}")
    if categories not in CATEGORY_POLICIES:
        raise ValueError(f"categories must be one of {', '.join(CATEGORY_POLICIES)}, not "
                         f"{categories!r}")
    if ignore is not None and (isinstance(ignore, (str, int)) or not hasattr(ignore, "__iter__")):
        ignore = [ignore]
    path = Path(path)
    loaded = _load(path, target)
    table, names, t = loaded.table, loaded.names, loaded.target
    types = [column_type(c) for c in table.columns]
    skip = None if ignore is None else _ignored(ignore, names if loaded.raw_names else None,
                                                len(names), t)
    plan = plan_columns(types, _ids(loaded, types), t, skip, categories, names)
    notes = list(loaded.notes)
    for j, why in plan.ignored.items():
        notes.append(f"{_column(names, j)} was ignored: {why}")
    line_of = table.lines.item                   # row → its line in the file
    for j in plan.numbers:
        _check_numbers(table, j, types[j], _column(names, j), line_of)
    present = _present_rows(table, plan, types)
    kept = _missing_policy(table, plan, present, missing, names, notes, line_of)
    target_present = present[t] & kept
    task, class_names, y = parse_target(table.values[:, t], table.columns[t], types[t],
                                        target_present, task, _column(names, t), line_of)
    points, labels = _inputs(table, plan, target_present, names, notes)
    has_header = loaded.raw_names is not None
    del table, loaded, line_of      # the scanned cells: free them before the split copies
    parts = split_rows(points, y, test_fraction, seed, validation_fraction)
    params = {"source": path.name, "target": names[t], "columns": list(labels),
              "header": has_header, "test_fraction": float(test_fraction),
              "seed": int(seed)}
    if validation_fraction:
        params["validation_fraction"] = float(validation_fraction)
    if plan.ignored:
        params["ignored"] = [names[j] for j in sorted(plan.ignored)]
    if standardize:
        params["standardize"] = standardization(points)
        if target_scale(task, y) is not None:
            params["target_scale"] = target_scale(task, y)
    if notes:
        params["import_notes"] = notes
    extra = {"domain": domain_of(points)} if points.shape[1] == 2 else {}
    return Dataset(name=str(name) if name else path.stem, task=task, **parts._asdict(),
                   n_classes=len(class_names),
                   class_names=class_names, input_labels=tuple(labels), params=params,
                   **extra)


def inspect_csv(path, target=None) -> CsvReport:
    """The columns of a CSV file (names, detected types, ID-like flags, missing counts and
    the roles :func:`read_csv` gives them by default) without building a dataset.
    ValueError for a file that cannot be read at all."""
    loaded = _load(Path(path), target)
    table, names, t = loaded.table, loaded.names, loaded.target
    types = [column_type(c) for c in table.columns]
    ids = _ids(loaded, types)
    ignored = ignored_columns(types, ids, t, None)
    columns = []
    for j, (column, kind) in enumerate(zip(table.columns, types)):
        role = TARGET if j == t else IGNORE if j in ignored else INPUT
        categories = (tuple(sorted(column.texts)) if column.texts is not None
                      and kind in (CATEGORY, TEXT) else None)
        columns.append(CsvColumn(j, names[j], kind, role, column.missing, categories, ids[j],
                                 ignored.get(j, "")))
    return CsvReport(tuple(columns), table.n_rows, loaded.raw_names is not None,
                     DELIMITER_NAMES[loaded.delimiter], loaded.encoding, table.mark, t,
                     tuple(loaded.notes))


# ---------------------------------------------------------------------- reading
def _load(path: Path, target) -> _Loaded:
    encoding, bad_line, mark = "utf-8", 0, None
    for _ in range(4):
        try:
            return _load_once(path, target, encoding, bad_line, mark)
        except Reencode as exc:
            encoding, bad_line = exc.encoding, exc.line
        except Rescan as exc:
            mark = exc.mark
    raise ValueError("the file cannot be read as text")         # pragma: no cover


def _load_once(path, target, encoding, bad_line, mark) -> _Loaded:
    text = open_csv_text(path, encoding, bad_line)
    sample, rest = first_records(text, HEADER_SAMPLE + 1)
    if not sample:
        raise ValueError("the file is empty: it has no rows of data"
                         + (" (only blank lines and # comments)" if text.comments else ""))
    width = len(sample[0][1])
    trailing = width > 2 and all(len(c) == width and c[-1] == "" for _, c in sample)
    view = [(n, c[:-1]) for n, c in sample] if trailing else sample
    header, _ = split_header(view, target)
    width -= trailing
    check_width(width, sample[0][0])
    data = sample[1:] if header is not None else sample
    if not data:                # the sample held every record: there is no other
        raise ValueError(f"the file has a header (line {header[0]}) but no data rows")
    raw_names = header[1] if header is not None else None
    names = header_names(header) if header is not None else None
    t = width - 1 if target is None else column_index(target, names, width, "target")
    if names is None:
        names = [None] * width
        others = [j for j in range(width) if j != t]
        for k, j in enumerate(others):
            names[j] = f"x{k + 1}"
        names[t] = "y"
    table = scan(itertools.chain(data, rest), width, row_capacity(path, width),
                 text.delimiter, mark, trailing, header[0] if header else None)
    if table.n_rows == 0:
        raise ValueError(f"the file has a header (line {header[0]}) but no data rows")
    return _Loaded(table, names, raw_names, header[0] if header else None, t, text.encoding,
                   text.delimiter, text.notes + table.notes)


def _ids(loaded: _Loaded, types) -> list[str | None]:
    table = loaded.table
    return [None if j == loaded.target else
            id_like(loaded.names[j], loaded.raw_names[j] if loaded.raw_names else None,
                    column, table.values[:, j], table.n_rows)
            for j, column in enumerate(table.columns)]


def _ignored(ignore, names, width, t) -> list[int]:
    out = [column_index(c, names, width, "an ignored") for c in ignore]
    if t in out:
        raise ValueError("the target column cannot be ignored")
    return out


def _column(names: list[str], j: int) -> str:
    return f"column {j + 1} ({shown(names[j])})"


def _check_numbers(table: Table, j: int, kind: str, where: str, line_of) -> None:
    """Refuse a number input whose cells are not all finite numbers (or missing)."""
    column = table.columns[j]
    if kind == EMPTY:
        raise ValueError(f"{where} holds no values; ignore it or fill it in")
    if column.first_text is not None:
        row, cell = column.first_text
        why = {DATE: " (a column of dates: ignore it)",
               TEXT: " (a column of texts: ignore it)",
               CATEGORY: " (a column of categories: encode it one-hot or ignore it)"}
        hint = why.get(kind, "")
        if "\n" in cell or "\r" in cell:
            hint = " (the cell runs over several lines: is a closing quote missing?)"
        elif not hint and "_" in cell and cell.replace("_", "").replace(".", "").isdigit():
            hint = "; write numbers without digit separators"
        raise ValueError(f"line {line_of(row)}, {where}: {shown(cell)} is not a number; every "
                         f"input must be a finite number{hint}")
    if column.first_infinite is not None:
        row, cell = column.first_infinite
        raise ValueError(f"line {line_of(row)}, {where}: {shown(cell)} is not finite; every "
                         "input must be a finite number")


def _present_rows(table: Table, plan, types) -> dict[int, np.ndarray]:
    """Column → boolean mask of rows whose cell is not missing."""
    present = {}
    for j in plan.inputs + [plan.target]:
        column = table.columns[j]
        has_value = ~np.isnan(table.values[:, j])
        if column.codes is not None:
            has_value |= column.codes >= 0
        elif column.texts_seen and types[j] != NUMBER:
            has_value |= True        # texts beyond the remembered ones: never missing here
        present[j] = has_value
    return present


def _missing_policy(table, plan, present, missing, names, notes, line_of) -> np.ndarray:
    """Rows to keep (before the target's own missing rows are taken out)."""
    n = table.n_rows
    used = plan.inputs + [plan.target]
    if missing == "refuse":
        first = min(((int(np.argmin(present[j])), j) for j in used if not present[j].all()),
                    default=None)
        if first is not None:
            row, j = first
            cell = table.columns[j].first_missing
            cell = cell[1] if cell is not None and cell[0] == row else ""
            need = ("every row needs a target" if j == plan.target
                    else "every input must be a finite number")
            raise ValueError(f"line {line_of(row)}, {_column(names, j)}: "
                             f"{_missing_words(cell)}; {need} (or drop or fill the rows with "
                             "missing values)")
        return np.ones(n, dtype=bool)
    if missing == "drop":
        keep = np.logical_and.reduce([present[j] for j in used])
        dropped = n - int(keep.sum())
        if dropped:
            lines = ", ".join(str(line_of(r)) for r in np.flatnonzero(~keep)[:5])
            notes.append(f"{_count(dropped, 'row')} with missing values dropped (line"
                         f"{'s' * (dropped != 1)} {lines}{'…' if dropped > 5 else ''})")
        return keep
    no_target = int((~present[plan.target]).sum())
    if no_target:
        notes.append(f"{_count(no_target, 'row')} without a target dropped")
    return np.ones(n, dtype=bool)


def _missing_words(cell: str) -> str:
    if cell == "":
        return "the cell is empty (a missing value)"
    if is_spreadsheet_error(cell):
        return f"{shown(cell)} is a spreadsheet error value (a missing value)"
    if cell.lower() == "nan":
        return f"{shown(cell)} (not a number) marks a missing value"
    return f"{shown(cell)} marks a missing value"


def _inputs(table: Table, plan, rows: np.ndarray, names, notes):
    """(points (m, d) of the kept rows, input labels), filled column by column."""
    labels, widths = [], []
    for j in plan.inputs:
        widths.append(1 if j in plan.numbers else len(table.columns[j].texts))
    d = sum(widths)
    if d > MAX_COLUMNS:
        raise ValueError(f"the categories make {d:,} inputs; at most {MAX_COLUMNS:,} are "
                         "supported")
    points = np.empty((int(rows.sum()), d))
    at = 0
    for j, width in zip(plan.inputs, widths):
        if j in plan.numbers:
            values = points[:, at]
            values[...] = table.values[rows, j]
            gaps = np.isnan(values)
            if gaps.any():            # only with missing="fill"
                mean = float(values[~gaps].mean()) if (~gaps).any() else 0.0
                values[gaps] = mean
                notes.append(f"{_count(int(gaps.sum()), 'missing value')} in "
                             f"{_column(names, j)} filled with its mean {mean:.6g}")
            labels.append(names[j])
        else:
            labels.extend(_one_hot(table.columns[j], rows, points[:, at:at + width], names[j],
                                   _column(names, j), notes))
        at += width
    return points, labels


def _one_hot(column, rows, out: np.ndarray, name: str, where: str, notes) -> list[str]:
    """Write the 0/1 columns of a category column into ``out``; their labels."""
    codes = column.codes[rows]
    categories = list(column.texts)
    gaps = codes < 0
    if gaps.any():                    # only with missing="fill"
        mode = int(np.argmax(np.bincount(codes[~gaps], minlength=len(categories))))
        codes = np.where(gaps, mode, codes)
        notes.append(f"{_count(int(gaps.sum()), 'missing value')} in {where} filled with its "
                     f"most frequent value {shown(categories[mode])}")
    order = sorted(range(len(categories)), key=categories.__getitem__)
    out[...] = 0.0
    for k, code in enumerate(order):
        out[codes == code, k] = 1.0
    notes.append(f"{where} holds {len(categories)} categories; each became an input of 0 or 1 "
                 "(one-hot)")
    return [f"{name}={categories[code]}" for code in order]


def _count(n: int, what: str) -> str:
    return f"{n:,} {what}{'s' * (n != 1)}"
