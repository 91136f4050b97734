"""Your own data: read a :class:`~engine.data.datasets.Dataset` from a CSV file, write one back.

``read_csv(path, target=None, task=None, test_fraction=0.3, seed=0, name=None,
standardize=False)`` reads a table of numbers with one target column (the last one unless told
otherwise):

* **Text** UTF-8 (a byte-order mark is accepted).  Other text (Latin-1, Windows-1252, UTF-16)
  is refused with the advice to save the file as UTF-8; binary files (spreadsheets, zip,
  gzip…) are refused as not text.
* **Delimiter** comma, semicolon or tab (sniffed from the first lines; comma when unsure; a
  semicolon or tab in every line wins over commas, which are then decimal commas).
  Blank lines and lines starting with ``#`` are skipped; cells are stripped of spaces.  A
  trailing delimiter on every line is ignored.
* **Numbers** are plain decimal or scientific notation (``-1.5``, ``.5``, ``2e-3``, ``1E+05``);
  ``nan`` and ``inf``/``infinity`` are recognised (and refused as inputs).  Nothing else is a
  number: not ``1_000``, not ``0x1F``, not ``1,5`` (decimal commas get a hint), not digits of
  other scripts.
* **Header** optional.  A *name* is a first-row cell that is not empty and not a number,
  standing over a column whose cells below are numbers (or missing values), or over a column
  of texts (class names) that it is not one of.  The first row is a header when it has a name
  and either (a) none of its cells is a number, or (b) the target column's first cell is a
  name over numbers (``2019,2020,label`` over ``1.0,2.0,0``: a lone text among numeric labels
  is a column name), or (c) each of its numbers looks like a column name rather than data:
  a whole number written without a decimal point over a column written with them, or a value
  far from the column's values below (``2019`` over values 1…2).  Otherwise the first row is
  data, and a text in it is reported as an error: ``1.0,abc,0`` over ``2.0,3.0,1`` is a typo
  in line 1, not a header.  With ``target`` given as a name, a first row holding that name is
  the header.  Without a header the inputs are called x1…xd and the target "y".
* **Task** ``None`` decides: a target with text in it is a classification whose classes are the
  sorted distinct texts (labels 0…k−1 in that order); whole numbers with at most 10 distinct
  values are classes too (sorted by value, named by the number); other numbers are a
  regression target.  ``"classification"`` or ``"regression"`` forces it.  2 classes make a
  binary task, 3…10 a multiclass one.
* Every input must be a finite number.  Anything else is refused with a :class:`ValueError`
  naming the 1-based line and the column (number and name), e.g.
  ``line 7, column 3 ("petal_width"): "abc" is not a number``.

``standardize=True`` stores ``params["standardize"] = {"mean": [...], "std": [...]}``, the
mean and (population) standard deviation of every input column over all rows, train and test
(1.0 for a constant column): the network's inputs are then ``(points − mean) / std`` (see
:meth:`engine.data.datasets.Dataset.inputs`), while the points keep the file's units.

The rows are shuffled with ``np.random.default_rng(seed)`` and ``round(n * test_fraction)`` of
them go to the test set, as :func:`engine.data.datasets.load` does.  The shuffle starts from a
canonical order of the rows (not the file's), so a split depends only on the rows, the
fraction and the seed: :func:`resplit` of any split of the same rows gives the same result.

``write_csv(data, path)`` writes a header and every row (training rows, then test rows), floats
with ``repr`` so that reading the file back gives exactly the same points and labels (the raw
points: standardization is not applied to the file).
"""
from __future__ import annotations

import contextlib
import csv
import dataclasses
import io
import math
import os
import re
import tempfile
from pathlib import Path

import numpy as np

from ..data.datasets import BINARY, MULTICLASS, REGRESSION, Dataset, check_int, is_number

MAX_ROWS = 100_000
MAX_COLUMNS = 1_000
MAX_CLASSES = 10
MAX_BYTES = 256 * 2**20
#: Auto task: whole-number targets with at most this many distinct values are classes.
MAX_NUMERIC_CLASSES = 10
CLASSIFICATION = "classification"
TASKS = (CLASSIFICATION, REGRESSION)
#: Cells that mean "no value" (compared in lower case), besides the empty cell and NaN.
MISSING = frozenset({"na", "n/a", "nan", "-nan", "+nan", "null", "none", "?", "missing"})
DELIMITERS = ",;\t"
_SNIFF_LINES = 50
_HEADER_SAMPLE = 200
#: A number: plain decimal or scientific notation, or NaN / infinity (refused later).
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
                     r"|[+-]?(?:nan|inf|infinity)", re.IGNORECASE)
_IS_NUMBER = _NUMBER.fullmatch
#: A number written with a decimal comma (and maybe thousands dots): "-0,85", "1.234,5".
_DECIMAL_COMMA = re.compile(r"[+-]?(?:[0-9]+|[0-9]{1,3}(?:\.[0-9]{3})+)?,[0-9]+"
                            r"(?:[eE][+-]?[0-9]+)?")
_WHOLE = re.compile(r"[+-]?[0-9]+")
_NON_DECIMAL_COMMA = re.compile(r"(?<![0-9]),|,(?![0-9])")
DECIMAL_COMMA_HINT = "decimal commas? Save the file with decimal points"
UTF8_ADVICE = "save it as UTF-8 (CSV UTF-8 in spreadsheet programs)"


# ---------------------------------------------------------------------- reading
def read_csv(path, target=None, task=None, test_fraction=0.3, seed=0, name=None,
             standardize: bool = False) -> Dataset:
    """The data of a CSV file, split into train and test (see the module's docstring).

    ``target``: the target column's name (as in the header) or 0-based index (negative counts
    from the end); default the last column.  ``task``: None (decide), "classification" or
    "regression".  ``name``: the dataset's name, default the file's stem.  ``standardize``:
    the network's inputs are the columns scaled to mean 0 and standard deviation 1 (the
    points keep the file's values).

    Raises ValueError, with the line and column where it applies, for a file that cannot be
    used (including one that cannot be read at all).
    """
    path = Path(path)
    task = _check_task(task)
    if not is_number(test_fraction) or not 0 <= test_fraction < 1:
        raise ValueError(f"test_fraction must be in [0, 1), not {test_fraction!r}")
    check_int("seed", seed, 0, 2**63 - 1)
    if not isinstance(standardize, (bool, np.bool_)):
        raise ValueError(f"standardize must be True or False, not {standardize!r}")

    text = _text(path)
    lines = _lines(text)
    if not lines:
        raise ValueError("the file is empty: it has no rows of data"
                         + (" (only blank lines and # comments)" if text.strip() else ""))
    records = _records(lines)
    header, rows = _split_header(records, target)
    names = _header_names(header) if header is not None else None
    width = len(records[0][1])
    if width < 2:
        raise ValueError(f"line {records[0][0]} has {width} column: a dataset needs at least 2 "
                         "columns, the inputs and the target (are the cells separated by "
                         "commas, semicolons or tabs?)")
    if width > MAX_COLUMNS:
        raise ValueError(f"line {records[0][0]} has {width:,} columns; at most "
                         f"{MAX_COLUMNS:,} are supported")
    if not rows:
        raise ValueError(f"the file has a header (line {header[0]}) but no data rows")
    if len(rows) > MAX_ROWS:
        raise ValueError(f"the file has more than {MAX_ROWS:,} data rows")
    for number, cells in rows:
        if len(cells) != width:
            raise ValueError(f"line {number} has {len(cells)} cell{'s' * (len(cells) != 1)}, "
                             f"expected {width} like line {records[0][0]}")

    t = _target_index(target, names, width)
    inputs = [j for j in range(width) if j != t]
    if names is not None:
        input_names, target_name = [names[j] for j in inputs], names[t]
    else:
        input_names, target_name = [f"x{k + 1}" for k in range(len(inputs))], "y"
        names = [None] * width
        for k, j in enumerate(inputs):
            names[j] = input_names[k]
        names[t] = target_name

    points = _parse_inputs(rows, inputs, t, names)
    task, class_names, y = _parse_target(rows, t, names, task)
    pt, yt, pe, ye = _split(points, y, test_fraction, seed)
    extra = {}
    if points.shape[1] == 2:
        extra["domain"] = _domain(points)
    params = {"source": path.name, "target": target_name, "columns": list(input_names),
              "header": header is not None, "test_fraction": float(test_fraction),
              "seed": int(seed)}
    if standardize:
        params["standardize"] = standardization(points)
    return Dataset(
        name=str(name) if name else path.stem, task=task,
        points_train=pt, y_train=yt, points_test=pe, y_test=ye,
        n_classes=len(class_names), class_names=class_names,
        input_labels=tuple(input_names), params=params, **extra)


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


def _check_task(task):
    if task is None:
        return None
    if task in (BINARY, MULTICLASS):
        return CLASSIFICATION
    if task not in TASKS:
        raise ValueError(f"task must be None (automatic), 'classification' or 'regression', "
                         f"not {task!r}")
    return task


def _text(path: Path) -> str:
    """The file's text: UTF-8 (with or without a byte-order mark), else a clear refusal."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ValueError(f"the file is too large ({size / 2**20:,.0f} MB); at most "
                             f"{MAX_BYTES // 2**20} MB, {MAX_ROWS:,} rows and {MAX_COLUMNS:,} "
                             "columns are supported")
        raw = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"cannot read the file: {exc.strerror or exc}") from exc
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ValueError("the file is UTF-16 text; save it as UTF-8 CSV")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        if _is_legacy_text(raw):
            raise ValueError(f"the file is not UTF-8 text (line {line}); {UTF8_ADVICE}") \
                from None
        raise ValueError(f"this is not a text file: line {line} has bytes that are not UTF-8 "
                         "text (is it a spreadsheet or other binary file? save it as CSV "
                         "in UTF-8)") from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ValueError(f"this is not a text file: line {line} contains NUL bytes (binary "
                         "data)")
    return text


def _is_legacy_text(raw: bytes) -> bool:
    """True when bytes that are not UTF-8 read as ordinary Windows-1252 / Latin-1 text:
    no control characters but tabs and line ends, and mostly ASCII (a binary file such as a
    spreadsheet, zip or gzip fails on both counts).  Judged on the first megabyte."""
    try:
        text = raw[:2**20].decode("cp1252")
    except UnicodeDecodeError:
        return False
    if any(ord(c) < 32 and c not in "\t\r\n" or c == "\x7f" for c in text):
        return False
    visible = [c for c in text if not c.isspace()]
    foreign = sum(1 for c in visible if ord(c) > 127)
    return bool(visible) and foreign <= 0.2 * len(visible)


def _lines(text: str) -> list[tuple[int, str]]:
    """(1-based line number, line) of the lines that are neither blank nor # comments."""
    kept = []
    for number, line in enumerate(io.StringIO(text, newline=""), 1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            kept.append((number, line))
            if len(kept) > MAX_ROWS + 1:
                raise ValueError(f"the file has more than {MAX_ROWS:,} data rows")
    return kept


def _unquoted(line: str) -> str:
    """The line with the text of its quoted cells removed: delimiters inside quotes (a column
    named "a;b") must not count when guessing the delimiter."""
    return _QUOTED.sub('""', line)


_QUOTED = re.compile(r'"(?:[^"]|"")*"')


def _dialect(lines: list[tuple[int, str]]):
    lines = [(number, _unquoted(line)) for number, line in lines[:_SNIFF_LINES]]
    sample = "".join(line for _, line in lines)
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=DELIMITERS)
    except csv.Error:
        dialect = None
    if dialect is not None and dialect.delimiter in DELIMITERS:
        if dialect.delimiter == ",":
            # "1,5;2,25;0": commas between digits in a semicolon (or tab) file are decimal
            # commas, not delimiters
            sample_lines = [line for _, line in lines[:_SNIFF_LINES]]
            if not any(_NON_DECIMAL_COMMA.search(line) for line in sample_lines[1:]):
                for other in ";\t":
                    counts = {line.count(other) for line in sample_lines}
                    if len(counts) == 1 and counts.pop() > 0:
                        dialect.delimiter = other
                        break
        return dialect

    # the sniffer gives up on a ragged row: take the delimiter most lines agree on
    class Fallback(csv.excel):
        delimiter = ","

    best = 0
    for delimiter in DELIMITERS:
        counts = [line.count(delimiter) for _, line in lines[:_SNIFF_LINES]]
        usual = max(set(counts), key=counts.count)
        agree = counts.count(usual) if usual > 0 else 0
        if agree > best:
            best, Fallback.delimiter = agree, delimiter
    return Fallback


def _records(lines: list[tuple[int, str]]) -> list[tuple[int, list[str]]]:
    """Rows of stripped cells with the line each ends on."""
    current = [0]

    def feed():
        for k, (_, line) in enumerate(lines):
            current[0] = k
            yield line

    records = []
    reader = csv.reader(feed(), _dialect(lines))
    try:
        for cells in reader:
            start = lines[len(records) and records[-1][2] + 1][0]
            if start != lines[current[0]][0]:
                raise ValueError(f"line {start}: a quote (\") opened on this line is not closed "
                                 "before the line ends")
            records.append((start, [cell.strip() for cell in cells], current[0]))
    except csv.Error as exc:
        raise ValueError(f"line {lines[current[0]][0]}: {exc}") from None
    records = [(number, cells) for number, cells, _ in records]
    # a delimiter at the end of every line adds an empty column: drop it
    width = len(records[0][1])
    for _, cells in records:
        while len(cells) > width and cells[-1] == "":
            cells.pop()
    if width > 1 and all(len(cells) == width and cells[-1] == "" for _, cells in records):
        for _, cells in records:
            cells.pop()
    return records


def _float(cell: str) -> float | None:
    """The number in ``cell`` (NaN and ±inf included), or None when it is not one."""
    return float(cell) if _IS_NUMBER(cell) else None


def _numeric(cell: str) -> bool:
    """A number, or one written with a decimal comma (for telling headers from data)."""
    return bool(_IS_NUMBER(cell) or _DECIMAL_COMMA.fullmatch(cell))


def _missing(cell: str) -> bool:
    return cell == "" or cell.lower() in MISSING


def _split_header(records, target=None):
    """(header record or None, data records): see "Header" in the module's docstring."""
    first = records[0][1]
    width = len(first)
    below = [cells for _, cells in records[1:1 + _HEADER_SAMPLE]]
    texts = [j for j, cell in enumerate(first) if cell and not _numeric(cell)]
    if not texts:
        return None, records
    numbers = [j for j, cell in enumerate(first) if _numeric(cell)]
    if isinstance(target, str) and any(
            first[j] == target or first[j].lower() == target.strip().lower() for j in texts):
        return records[0], records[1:]                   # the row holding the named target
    if not below:
        return (records[0], []) if not numbers else (None, records)
    columns = [[cells[j] for cells in below if j < len(cells)] for j in range(width)]
    names = [j for j in texts if _is_name(first[j], columns[j])]
    if not names:
        return None, records
    if not numbers:
        return records[0], records[1:]
    # a row with numbers in it: "NA" and the like in it are missing values, not names
    names = [j for j in names if not _missing(first[j])]
    if not names:
        return None, records
    t = width - 1 if target is None else target
    if isinstance(t, (int, np.integer)) and not isinstance(t, bool) and -width <= t < width:
        t = int(t) % width
        if t in names and _over_numbers(columns[t]):
            return records[0], records[1:]
    if all(_looks_like_a_name(first[j], columns[j]) for j in numbers):
        return records[0], records[1:]
    return None, records


def _over_numbers(column: list[str]) -> bool:
    """Every cell is a number or a missing value, and some are numbers."""
    kept = [cell for cell in column if not _missing(cell)]
    return bool(kept) and all(map(_numeric, kept))


def _is_name(cell: str, column: list[str]) -> bool:
    """A first-row text that names its column: over numbers, or over texts it is not one of."""
    if _over_numbers(column):
        return True
    kept = [c for c in column if not _missing(c)]
    return bool(kept) and not any(map(_numeric, kept)) and cell not in kept


def _looks_like_a_name(cell: str, column: list[str]) -> bool:
    """A number in the first row that names its column rather than being data (a year, a
    column index): written as a whole number over numbers written with a point or an
    exponent, or far from them."""
    value = _float(cell)
    if value is None or not math.isfinite(value):    # "1,5", "nan", "inf": data
        return False
    values = [v for v in map(_float, column) if v is not None and math.isfinite(v)]
    if not values:
        return True
    if _WHOLE.fullmatch(cell) and any(_IS_NUMBER(c) and not _WHOLE.fullmatch(c)
                                      and math.isfinite(float(c)) for c in column):
        return True
    lo, hi = min(values), max(values)
    reach = max(hi - lo, abs(lo), abs(hi), 1.0)
    return not lo - reach <= value <= hi + reach


def _header_names(header) -> list[str]:
    number, cells = header
    names = [cell or f"column {j + 1}" for j, cell in enumerate(cells)]
    seen = {}
    for j, title in enumerate(names):
        if title in seen:
            raise ValueError(f'line {number}: duplicate column name "{title}" (columns '
                             f"{seen[title] + 1} and {j + 1}); every column needs its own name")
        seen[title] = j
    return names


def _target_index(target, names, width: int) -> int:
    if target is None:
        return width - 1
    if isinstance(target, (int, np.integer)) and not isinstance(target, bool):
        if not -width <= target < width:
            raise ValueError(f"target column index {target} is out of range: the file has "
                             f"{width} columns (0…{width - 1}, or −1…−{width} from the end)")
        return int(target) % width
    if isinstance(target, str):
        if names is None:
            raise ValueError(f'target column "{target}" not found: the file has no header '
                             "row naming its columns; give the target's column index instead")
        if target in names:
            return names.index(target)
        folded = [j for j, title in enumerate(names) if title.lower() == target.strip().lower()]
        if len(folded) == 1:
            return folded[0]
        raise ValueError(f'target column "{target}" not found; the columns are '
                         + ", ".join(f'"{title}"' for title in names))
    raise ValueError(f"target must be a column name or a 0-based column index, not {target!r}")


def _where(number: int, j: int, names) -> str:
    return f'line {number}, column {j + 1} ("{names[j]}")'


def _show(cell: str) -> str:
    return '"' + (cell if len(cell) <= 40 else cell[:39] + "…") + '"'


def _cell_problem(cell: str) -> str | None:
    """Why ``cell`` is not a usable number, or None when it is one."""
    if cell == "":
        return "the cell is empty (a missing value)"
    value = _float(cell)
    if value is None:
        if cell.lower() in MISSING:
            return f"{_show(cell)} marks a missing value"
        return f"{_show(cell)} is not a number"
    if math.isnan(value):
        return f"{_show(cell)} (not a number) marks a missing value"
    if not math.isfinite(value):
        return f"{_show(cell)} is not finite"
    return None


def _hint(cell: str) -> str:
    """Advice to add to a refusal of ``cell``, if any ("; …")."""
    if _DECIMAL_COMMA.fullmatch(cell):
        return f"; {DECIMAL_COMMA_HINT}"
    if _IS_NUMBER(cell.replace("_", "")) and "_" in cell:
        return "; write numbers without digit separators"
    return ""


def _parse_inputs(rows, inputs: list[int], t: int, names) -> np.ndarray:
    X = np.empty((len(rows), len(inputs)))
    failed = None
    for i, (_, cells) in enumerate(rows):
        row = [cells[j] for j in inputs]
        if not all(map(_IS_NUMBER, row)):
            failed = i
            break
        X[i] = [float(cell) for cell in row]
    done = len(rows) if failed is None else failed
    bad = ~np.isfinite(X[:done])
    if bad.any():
        i, k = np.argwhere(bad)[0]
        failed, start = int(i), int(k)
    elif failed is None:
        return X
    else:
        start = 0
    number, cells = rows[failed]
    for j in inputs[start:]:
        problem = _cell_problem(cells[j])
        if problem:
            raise ValueError(f"{_where(number, j, names)}: {problem}; every input must be a "
                             f"finite number{_hint(cells[j])}")
    raise AssertionError("unreachable: a row failed without a bad cell")  # pragma: no cover


def _parse_target(rows, t: int, names, task):
    """(task, class names, labels or targets) from the target column."""
    cells = [row[t] for _, row in rows]
    values, texts = [], False
    for (number, _), cell in zip(rows, cells):
        problem = _cell_problem(cell)
        if problem is None:
            values.append(float(cell))
        elif problem.endswith("is not a number"):
            if task == REGRESSION:
                raise ValueError(f"{_where(number, t, names)}: {problem}; a regression target "
                                 f"must be a number{_hint(cell)}")
            texts = True
        else:
            raise ValueError(f"{_where(number, t, names)}: {problem}; every row needs a target")
    column = f'the target column {t + 1} ("{names[t]}")'
    if task == REGRESSION:
        return REGRESSION, (), np.asarray(values, dtype=np.float64)
    if texts and task is None and all(map(_numeric, cells)):
        # numbers, some with decimal commas: not class names
        number, cell = next((n, c) for (n, _), c in zip(rows, cells) if _float(c) is None)
        raise ValueError(f"{_where(number, t, names)}: {_show(cell)} is not a number; "
                         f"{DECIMAL_COMMA_HINT} (or give task='classification' if these "
                         "are class names)")
    if texts:
        class_names = tuple(sorted(set(cells)))
        index = {name: k for k, name in enumerate(class_names)}
        labels = np.fromiter((index[c] for c in cells), dtype=np.int64, count=len(cells))
    else:
        y = np.asarray(values, dtype=np.float64)
        distinct = np.unique(y)
        whole = bool(np.all(distinct == np.round(distinct)))
        if task is None and not (whole and len(distinct) <= MAX_NUMERIC_CLASSES):
            return REGRESSION, (), y
        class_names = tuple(_number_name(v) for v in distinct)
        labels = np.searchsorted(distinct, y).astype(np.int64)
    k = len(class_names)
    if k < 2:
        hint = (" (for a regression give task='regression')"
                if not texts and task is None else "")
        raise ValueError(f'{column} has only one class ("{class_names[0]}"); a classifier '
                         f"needs at least 2{hint}")
    if k > MAX_CLASSES:
        shown = ", ".join(class_names[:12]) + ("…" if k > 12 else "")
        raise ValueError(f"{column} has {k} classes ({shown}); at most {MAX_CLASSES} are "
                         "supported")
    return (BINARY if k == 2 else MULTICLASS), class_names, labels


def _number_name(value: float) -> str:
    return str(int(value)) if value == int(value) and abs(value) < 2**53 else repr(float(value))


def _domain(points: np.ndarray):
    """The bounding box of 2-D points with 10 % padding on each side (±1 when flat)."""
    box = []
    for column in points.T:
        lo, hi = float(column.min()), float(column.max())
        pad = 0.1 * (hi - lo)
        if not pad > 1e-12 * max(abs(lo), abs(hi), 1.0):
            pad = 1.0
        box.append((lo - pad, hi + pad))
    return tuple(box)


# ---------------------------------------------------------------------- splitting
def _canonical_order(points: np.ndarray, y: np.ndarray) -> np.ndarray:
    """An order of the rows that depends only on their values (ties are identical rows)."""
    table = np.ascontiguousarray(np.column_stack([points, y.astype(np.float64)]))
    keys = [row.tobytes() for row in table]
    return np.array(sorted(range(len(keys)), key=keys.__getitem__), dtype=np.intp)


def _split(points: np.ndarray, y: np.ndarray, test_fraction: float, seed: int):
    n = len(y)
    n_test = int(round(n * test_fraction))
    if n - n_test < 1:
        raise ValueError(f"a test fraction of {test_fraction:g} leaves no training samples "
                         f"out of {n}; lower it or add samples")
    order = _canonical_order(points, y)[np.random.default_rng(seed).permutation(n)]
    test, train = order[:n_test], order[n_test:]
    return (np.ascontiguousarray(points[train]), y[train],
            np.ascontiguousarray(points[test]), y[test])


def resplit(data: Dataset, test_fraction: float, seed: int) -> Dataset:
    """``data`` with its training and test rows pooled and split again (as :func:`read_csv`
    splits: the result depends only on the pooled rows, ``test_fraction`` and ``seed``);
    everything else is kept, ``params`` records the new fraction and seed."""
    if not is_number(test_fraction) or not 0 <= test_fraction < 1:
        raise ValueError(f"test_fraction must be in [0, 1), not {test_fraction!r}")
    check_int("seed", seed, 0, 2**63 - 1)
    points = np.vstack([data.points_train, data.points_test])
    y = np.concatenate([data.y_train, data.y_test])
    pt, yt, pe, ye = _split(points, y, test_fraction, seed)
    return dataclasses.replace(
        data, points_train=pt, y_train=yt, points_test=pe, y_test=ye,
        params={**data.params, "test_fraction": float(test_fraction), "seed": int(seed)})


# ---------------------------------------------------------------------- writing
def write_csv(data: Dataset, path) -> Path:
    """Write ``data`` to ``path`` as CSV (atomically: a temporary file, then a rename).

    The header is the raw input names (``input_labels``, else x1…xd) and "label" (classes) or
    "target" (regression); then the training rows and the test rows.  Floats are written with
    ``repr``, so :func:`read_csv` gives back exactly the same points.  Class labels are written
    as their ``class_names`` when reading those back gives the same labels (else as 0…k−1);
    labels survive the trip when every class occurs.  Integer-valued regression targets with
    few distinct values read back as classes unless ``task="regression"`` is given.
    """
    path = Path(path)
    points = np.vstack([data.points_train, data.points_test])
    y = np.concatenate([data.y_train, data.y_test])
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

    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow([*names, target_name])
            for row, label in zip(points.tolist(), labels):
                writer.writerow([*map(repr, row), label])
        os.chmod(tmp, (path.stat().st_mode & 0o777) if path.exists() else 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path


def _unique_names(names: list[str]) -> list[str]:
    """Header cells that read back as a header with these (distinct) names."""
    out = []
    for j, title in enumerate(names):
        title = str(title).strip() or f"x{j + 1}"
        if _numeric(title) or (j == 0 and title.startswith("#")):
            title = f"x{title}"
        while title in out:
            title += "_"
        out.append(title)
    return out


def _written_class_names(data: Dataset) -> tuple[str, ...] | None:
    """The class names when reading them back keeps every label, else None."""
    names = tuple(data.class_names)
    k = data.n_classes
    if len(names) != k or k < 2 or any(n != n.strip() or n.startswith("#") or '"' in n
                                       or "\n" in n or "\r" in n for n in names):
        return None
    rows = [(0, [n]) for n in names]
    try:
        _, read_names, labels = _parse_target(rows, 0, ["label"], None)
    except ValueError:
        return None
    if len(read_names) != k or labels.tolist() != list(range(k)):
        return None
    return names
