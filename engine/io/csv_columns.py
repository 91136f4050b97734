"""The columns of a CSV file: the header row, the names, the target, each column's type and
role.

**Header** optional.  A *name* is a first-row cell that is not empty and not a number,
standing over a column whose cells below are numbers (or missing values), or over a column
of texts that it is not one of.  The first row is a header when it has a name and either
(a) none of its cells is a number, or (b) the target column's first cell is a name over
numbers (``2019,2020,label`` over ``1.0,2.0,0``), or (c) each of its numbers looks like a
column name rather than data: a whole number written without a decimal mark over a column
written with one, or a value far from the column's values below.  Otherwise the first row is
data, and a text in it is reported as an error.  With ``target`` given as a name, a first row
holding that name is the header.  Without a header the inputs are called x1…xd and the
target "y".

**Types** (:func:`column_type`): ``number``, ``category`` (texts, at most
:data:`MAX_CATEGORIES` distinct), ``date``, ``text`` (more distinct texts than categories
allow), ``mixed`` (numbers and texts) and ``empty`` (only missing values).

**ID-like** columns (:func:`id_like`): named like an identifier (``id``, ``ID``, ``index``,
``row``, ``customer_id``…, or an empty header cell as pandas writes for its index), or row
numbers (0, 1, 2… or 1, 2, 3…, rising or falling) over at least :data:`ID_MIN_ROWS` rows, or
texts unique to every row.  (Unique values in order alone are not enough: a sorted table's
heights or years are data.)

**Roles** (:func:`plan_columns`): the target; ``ignore=None`` ignores ID-like, date, text and
empty columns, each with a note; an explicit ``ignore`` list ignores exactly those.  The
other columns are inputs: numbers, or categories one-hot encoded (``categories="one-hot"``).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np

from .csv_cells import COMMA, is_missing, is_not_finite, looks_numeric, parse_number, unescaped
from .csv_scan import Column
from .limits import MAX_COLUMNS
from .user_text import shown

HEADER_SAMPLE = 200
MAX_CATEGORIES = 50
ID_MIN_ROWS = 20
_ID_NAME = re.compile(r"(?:id|ids|index|idx|row|rows|rowid|row[ _.-]?(?:id|number|no|nr|num)|"
                      r"no\.?|nr\.?|#|unnamed: ?0|record[ _-]?id|.*[ _.-]id)", re.IGNORECASE)
_WHOLE = re.compile(r"[+-]?[0-9]+")
NUMBER, CATEGORY, DATE, TEXT, MIXED, EMPTY = ("number", "category", "date", "text", "mixed",
                                              "empty")
INPUT, TARGET, IGNORE = "input", "target", "ignore"


# ---------------------------------------------------------------------- header
def split_header(records, target=None):
    """(header record or None, data records) of the first records of a file; see "Header"
    in the module's docstring."""
    first = records[0][1]
    width = len(first)
    below = [cells for _, cells in records[1:1 + HEADER_SAMPLE]]
    texts = [j for j, cell in enumerate(first) if cell and not looks_numeric(cell)]
    if not texts:
        return None, records
    numbers = [j for j, cell in enumerate(first) if looks_numeric(cell)]
    if isinstance(target, str) and any(
            first[j] == target or first[j].lower() == target.strip().lower() for j in texts):
        return records[0], records[1:]
    if not below:
        return (records[0], []) if not numbers else (None, records)
    columns = [[cells[j] for cells in below if j < len(cells)] for j in range(width)]
    names = [j for j in texts if _is_name(first[j], columns[j])]
    if not names:
        return None, records
    if not numbers:
        return records[0], records[1:]
    names = [j for j in names if not is_missing(first[j])]
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


def _value(cell: str) -> float | None:
    parsed = parse_number(cell, None, COMMA)
    if parsed is not None:
        return parsed[0]
    return float(cell) if is_not_finite(cell) else None


def _over_numbers(column: list[str]) -> bool:
    """The cells that are not missing are numbers, all but one or nine in ten of them (a
    stray text below a name, like a note or a repeated header, is an error in the data, not
    a sign that there is no header)."""
    kept = [cell for cell in column if not is_missing(cell)]
    numbers = sum(map(looks_numeric, kept))
    return numbers > 0 and numbers >= min(0.9 * len(kept), len(kept) - 1)


def _is_name(cell: str, column: list[str]) -> bool:
    if _over_numbers([c for c in column if c != cell]):
        return True
    kept = [c for c in column if not is_missing(c)]
    return bool(kept) and not any(map(looks_numeric, kept)) and cell not in kept


def _looks_like_a_name(cell: str, column: list[str]) -> bool:
    value = _value(cell)
    if value is None or not math.isfinite(value):
        return False
    values = [v for v in map(_value, column) if v is not None and math.isfinite(v)]
    if not values:
        return True
    if _WHOLE.fullmatch(cell) and any(_value(c) is not None and not _WHOLE.fullmatch(c)
                                      and not is_not_finite(c) for c in column):
        return True
    lo, hi = min(values), max(values)
    reach = max(hi - lo, abs(lo), abs(hi), 1.0)
    return not lo - reach <= value <= hi + reach


def header_names(header) -> list[str]:
    """The column names of a header record (an empty cell is "column j"); ValueError for
    a name used twice."""
    number, cells = header
    names = [unescaped(cell) or f"column {j + 1}" for j, cell in enumerate(cells)]
    seen = {}
    for j, title in enumerate(names):
        if title in seen:
            raise ValueError(f"line {number}: duplicate column name {shown(title)} (columns "
                             f"{seen[title] + 1} and {j + 1}); every column needs its own name")
        seen[title] = j
    return names


def column_index(chosen, names: list[str] | None, width: int, what: str) -> int:
    """The 0-based index of a column given by name or index (negative: from the end)."""
    if isinstance(chosen, (int, np.integer)) and not isinstance(chosen, bool):
        if not -width <= chosen < width:
            raise ValueError(f"{what} column index {chosen} is out of range: the file has "
                             f"{width} columns (0…{width - 1}, or −1…−{width} from the "
                             "end)")
        return int(chosen) % width
    if isinstance(chosen, str):
        if names is None:
            raise ValueError(f"{what} column {shown(chosen)} not found: the file has no "
                             "header row naming its columns; give the column's index instead")
        if chosen in names:
            return names.index(chosen)
        folded = [j for j, title in enumerate(names)
                  if title.lower() == chosen.strip().lower()]
        if len(folded) == 1:
            return folded[0]
        raise ValueError(f"{what} column {shown(chosen)} not found; the columns are "
                         + ", ".join(shown(title) for title in names))
    raise ValueError(f"{what} must be a column name or a 0-based column index, not "
                     f"{shown(repr(chosen))}")


# ---------------------------------------------------------------------- types and roles
def column_type(column: Column) -> str:
    if column.texts_seen == 0:
        return NUMBER if column.numbers or column.infinite else EMPTY
    if column.numbers or column.infinite:
        return MIXED
    if column.dates == column.texts_seen:
        return DATE
    if column.texts is not None and len(column.texts) <= MAX_CATEGORIES:
        return CATEGORY
    return TEXT


def id_like(name: str | None, raw_name: str | None, column: Column, values: np.ndarray,
            n_rows: int) -> str | None:
    """Why the column looks like an identifier (a clause for a note), or None."""
    if raw_name == "":
        return "it has no name, like the index column a table library writes"
    if raw_name is not None and _ID_NAME.fullmatch(raw_name.strip()):
        return "its name says it is an identifier"
    if n_rows < ID_MIN_ROWS or column.missing:
        return None
    if column_type(column) == NUMBER and column.infinite == 0:
        rows = np.arange(n_rows, dtype=np.float64)
        for start in (0.0, 1.0):
            if np.array_equal(values, rows + start) or np.array_equal(values[::-1], rows + start):
                return f"it numbers the rows {start:.0f}, {start + 1:.0f}, {start + 2:.0f}…"
        return None
    if column_type(column) in (CATEGORY, TEXT) and column.texts is not None \
            and len(column.texts) == n_rows == column.texts_seen:
        return "every row has its own text, like names or codes"
    return None


@dataclass
class Plan:
    """What each column is for: ``target``, ``numbers`` and ``categories`` (inputs, in file
    order), ``ignored`` (column → why)."""

    target: int
    numbers: list[int] = field(default_factory=list)
    categories: list[int] = field(default_factory=list)
    ignored: dict[int, str] = field(default_factory=dict)

    @property
    def inputs(self) -> list[int]:
        return sorted(self.numbers + self.categories)


def ignored_columns(types: list[str], ids: list[str | None], target: int,
                    ignore: list[int] | None) -> dict[int, str]:
    """Column → why it is ignored: the ``ignore`` list (as asked), or by default the
    identifier-like, date, text and empty columns.  Never the target."""
    if ignore is not None:
        return {j: "as asked" for j in ignore if j != target}
    out = {}
    for j, kind in enumerate(types):
        if j == target:
            continue
        why = ids[j] or {DATE: "it holds dates", EMPTY: "it holds no values",
                         TEXT: "it holds texts with too many different values to be "
                               "categories"}.get(kind)
        if why:
            out[j] = why
    return out


def plan_columns(types: list[str], ids: list[str | None], target: int, ignore: list[int] | None,
                 categories: str, names: list[str]) -> Plan:
    """The role of every column (see "Roles" in the module's docstring); ValueError when no
    input is left."""
    plan = Plan(target, ignored=ignored_columns(types, ids, target, ignore))
    for j, kind in enumerate(types):
        if j == target or j in plan.ignored:
            continue
        if kind == CATEGORY and categories == "one-hot":
            plan.categories.append(j)
        else:
            plan.numbers.append(j)
    if not plan.inputs:
        why = "; ".join(f"column {j + 1} ({shown(names[j])}): {reason}"
                        for j, reason in list(plan.ignored.items())[:3])
        raise ValueError(f"no input columns are left: every column but the target is ignored "
                         f"({why}{'; …' if len(plan.ignored) > 3 else ''}); choose the "
                         "columns to use")
    return plan


def check_width(width: int, line: int) -> None:
    if width < 2:
        raise ValueError(f"line {line} has {width} column: a dataset needs at least 2 "
                         "columns, the inputs and the target (are the cells separated by "
                         "commas, semicolons or tabs?)")
    if width > MAX_COLUMNS:
        raise ValueError(f"line {line} has {width:,} columns; at most {MAX_COLUMNS:,} are read")
