"""One pass over a CSV file's records into a table of numbers and what each column holds.

:func:`scan` streams the records in chunks of :data:`CHUNK` rows into one preallocated
float64 array (rows × columns; NaN where a cell is not a number), so memory stays a small
multiple of the file: 8 bytes a cell, plus 4 bytes a cell for the columns that hold text
(their distinct texts are coded).  A chunk of plain numbers is converted at once; other
chunks cell by cell (:mod:`.csv_cells`).  Each column counts its numbers, missing values,
texts, dates and infinities and remembers the first of each (for messages).

The decimal mark: cells that show one are evidence; both marks in one file are refused.
Ambiguous cells (``1,234``) keep both readings until the end, when the evidence (or, without
any, the delimiter: a decimal comma in semicolon and tab files, a thousands separator in
comma files) decides.  A file found to write decimal commas after plain chunks with points
were converted at once is scanned again with the mark known (:class:`Rescan`).
"""
from __future__ import annotations

import array
import itertools
import math
from dataclasses import dataclass, field

import numpy as np

from .csv_cells import (COMMA, POINT, is_date, is_missing, is_not_finite, parse_number,
                        unescaped)
from .limits import MAX_CELLS, MAX_COLUMNS
from .user_text import shown

MAX_ROWS = 100_000
CHUNK = 2048
#: Distinct texts a column remembers (beyond: too many to be categories).
MAX_DISTINCT = 1_000


class Rescan(Exception):
    """Scan again with the decimal mark known (never escapes this package)."""

    def __init__(self, mark: str):
        super().__init__(mark)
        self.mark = mark


@dataclass
class Column:
    """What one column holds: counts, the first cell of each kind (row, cell), and the codes
    of its texts (``codes[row]`` indexes ``texts``' keys; -1 for cells that are not text)."""

    numbers: int = 0
    missing: int = 0
    texts_seen: int = 0
    dates: int = 0
    infinite: int = 0
    texts: dict[str, int] | None = field(default_factory=dict)
    codes: np.ndarray | None = None
    first_text: tuple[int, str] | None = None
    first_missing: tuple[int, str] | None = None
    first_infinite: tuple[int, str] | None = None


@dataclass
class Table:
    """The data rows of a file: ``values`` (n, width), ``lines`` (n,) the line of each row."""

    values: np.ndarray
    lines: np.ndarray
    columns: list[Column]
    mark: str | None
    notes: list[str]

    @property
    def n_rows(self) -> int:
        return len(self.lines)


def row_capacity(path, width: int) -> int:
    """Rows to preallocate: the file's line ends (+1), within the stated limits."""
    count, cr = 1, 0
    with open(path, "rb") as raw:
        for block in iter(lambda: raw.read(2**20), b""):
            count += block.count(b"\n")
            cr += block.count(b"\r")
    if count == 1:
        count += cr
    return min(count, MAX_ROWS + 1, MAX_CELLS // max(width, 1) + 1)


def scan(records, width: int, capacity: int, delimiter: str, mark: str | None,
         trailing: bool, header_line: int | None) -> Table:
    """Read ``records`` ((line, cells) pairs of data rows) into a :class:`Table`.

    ``trailing``: every line ends with a delimiter (its empty last cell is dropped).
    ValueError for a ragged row, too many rows or cells, or decimal marks that disagree."""
    scanner = _Scanner(width, capacity, delimiter, mark)
    reference = f"like line {header_line}" if header_line else "like the first line"
    records = iter(records)
    while True:
        chunk = list(itertools.islice(records, CHUNK))
        if not chunk:
            break
        for number, cells in chunk:
            if trailing and cells and not cells[-1].strip():
                cells.pop()
            while len(cells) > width and not cells[-1].strip():
                cells.pop()
            if len(cells) != width:
                raise _ragged(number, cells, width, reference)
        scanner.add(chunk)
    return scanner.finish()


def _ragged(number, cells, width, reference) -> ValueError:
    n = len(cells)
    hint = ""
    if any("\n" in c or "\r" in c for c in cells):
        hint = (" (a quoted cell that starts on this line runs over several lines: is a "
                "closing quote missing?)")
    if cells and cells[0].startswith("#"):
        hint = (" (a line that starts with # is a comment only in a file whose first line is "
                "one)")
    if n > MAX_COLUMNS:
        return ValueError(f"line {number} has {n:,} cells; at most {MAX_COLUMNS:,} columns "
                          "are read")
    return ValueError(f"line {number} has {n} cell{'s' * (n != 1)}, expected {width} "
                      f"{reference}{hint}")


class _Scanner:
    def __init__(self, width: int, capacity: int, delimiter: str, mark: str | None):
        self.width, self.capacity, self.mark = width, capacity, mark
        self.default_comma = POINT if delimiter == "," else COMMA
        self.values = np.empty((capacity, width))
        self.lines = np.empty(capacity, dtype=np.int64)
        self.columns = [Column() for _ in range(width)]
        self.n = 0
        self.evidence: dict[str, tuple[int, int, str]] = {}
        self.points_at_once = False
        self.ambiguous = (array.array("q"), array.array("d"), array.array("b"))
        self.grouped: tuple[int, str] | None = None

    def add(self, chunk) -> None:
        k = len(chunk)
        start, stop = self.n, self.n + k
        if stop > MAX_ROWS or stop * self.width > MAX_CELLS or stop > self.capacity:
            most = min(MAX_ROWS, MAX_CELLS // self.width)
            raise ValueError(f"the file has more than {most:,} data rows of {self.width:,} "
                             f"columns; at most {MAX_ROWS:,} rows and {MAX_CELLS:,} cells "
                             "(rows × columns) are read")
        self.lines[start:stop] = [number for number, _ in chunk]
        rows = [cells for _, cells in chunk]
        if self._at_once(rows, self.values[start:stop]):
            for column in self.columns:
                column.numbers += k
        else:
            for j in range(self.width):
                column = [cells[j] for cells in rows]
                if self._at_once(column, self.values[start:stop, j]):
                    self.columns[j].numbers += k
                else:
                    self._cells(column, start, j)
        self.n = stop

    def _at_once(self, cells, out) -> bool:
        """Convert plain numbers (all of them, or False) in one go.  ``float`` reads exactly
        the plain notation once non-ASCII digits, underscores, commas, NaN and infinities are
        ruled out (and it ignores the spaces around a cell)."""
        flat = list(itertools.chain.from_iterable(cells)) if isinstance(cells[0], list) \
            else cells
        text = "".join(flat)
        if not text.isascii() or "_" in text or "," in text \
                or (self.mark == COMMA and "." in text):
            return False
        try:
            converted = np.fromiter(map(float, flat), dtype=np.float64, count=len(flat))
        except ValueError:
            return False
        converted = converted.reshape(out.shape)
        if not np.isfinite(converted).all():
            return False
        out[...] = converted
        if "." in text:
            self.points_at_once = True
        return True

    def _cells(self, cells: list[str], start: int, j: int) -> None:
        column, values = self.columns[j], self.values[:, j]
        for k, cell in enumerate(cells):
            cell = cell.strip()
            row = start + k
            parsed = parse_number(cell, self.mark, self.default_comma)
            if parsed is not None and not math.isfinite(parsed[0]):     # "1e999"
                parsed = None
                values[row] = np.inf
                column.infinite += 1
                column.first_infinite = column.first_infinite or (row, cell)
                continue
            if parsed is not None:
                values[row], evidence, other = parsed
                column.numbers += 1
                if evidence is not None:
                    self._evidence(evidence, row, j, cell)
                if other is not None:
                    for store, item in zip(self.ambiguous, (row * self.width + j, other,
                                                            "," in cell)):
                        store.append(item)
                if self.grouped is None and (cell.count(",") + cell.count(".") > 1):
                    self.grouped = (row, cell)
            elif is_missing(cell):
                values[row] = np.nan
                column.missing += 1
                column.first_missing = column.first_missing or (row, cell)
            elif is_not_finite(cell):
                values[row] = float(cell)
                column.infinite += 1
                column.first_infinite = column.first_infinite or (row, cell)
            else:
                values[row] = np.nan
                self._text(column, row, cell)

    def _text(self, column: Column, row: int, cell: str) -> None:
        column.texts_seen += 1
        column.first_text = column.first_text or (row, cell)
        if is_date(cell):
            column.dates += 1
        if column.texts is None:
            return
        if column.codes is None:
            column.codes = np.full(self.capacity, -1, dtype=np.int32)
        name = unescaped(cell)
        code = column.texts.get(name)
        if code is None:
            if len(column.texts) >= MAX_DISTINCT:
                column.texts, column.codes = None, None
                return
            code = column.texts[name] = len(column.texts)
        column.codes[row] = code

    def _evidence(self, mark: str, row: int, j: int, cell: str) -> None:
        if self.mark is not None and mark != self.mark:
            raise self._conflict(mark, (row, j, cell), self.evidence.get(self.mark))
        if mark not in self.evidence:
            self.evidence[mark] = (row, j, cell)
        other = COMMA if mark == POINT else POINT
        if other in self.evidence:
            raise self._conflict(mark, (row, j, cell), self.evidence[other])

    def _conflict(self, mark, here, there) -> ValueError:
        row, j, cell = here
        told = ""
        if there is not None:
            told = f", but line {int(self.lines[there[0]])} writes {shown(there[2])}"
        word = "a decimal comma" if mark == COMMA else "a decimal point"
        return ValueError(f"line {int(self.lines[row])}, column {j + 1}: {shown(cell)} has "
                          f"{word}{told}; write every number with the same decimal mark")

    def finish(self) -> Table:
        n, notes = self.n, []
        values = self.values[:n]
        for column in self.columns:
            if column.codes is not None:
                column.codes = column.codes[:n]
        mark = self.mark
        if mark is None:
            if COMMA in self.evidence and self.points_at_once:
                raise Rescan(COMMA)
            mark = COMMA if COMMA in self.evidence else POINT if POINT in self.evidence else None
        self._resolve(values, mark, notes)
        if mark == COMMA:
            row, j, cell = self.evidence.get(COMMA, (None, None, None))
            example = f' (e.g. {shown(cell)} on line {int(self.lines[row])})' if cell else ""
            notes.append(f"numbers are written with decimal commas{example}; they were read "
                         "as decimal numbers")
        if self.grouped is not None:
            row, cell = self.grouped
            notes.append(f"thousands separators were removed (e.g. {shown(cell)} on line "
                         f"{int(self.lines[row])})")
        return Table(values, self.lines[:n].copy(), self.columns, mark, notes)

    def _resolve(self, values: np.ndarray, mark: str | None, notes: list[str]) -> None:
        """Give every ambiguous cell the reading of the file's decimal mark."""
        positions, others, commas = (np.frombuffer(a, dtype=t) if len(a) else np.zeros(0, t)
                                     for a, t in zip(self.ambiguous, ("q", "d", "b")))
        if not len(positions):
            return
        commas = commas.astype(bool)
        if mark is None:
            if commas.any() or self.default_comma == COMMA:
                example = int(positions[np.argmax(commas)])
                row, j = divmod(example, self.width)
                reading = ("a decimal comma" if self.default_comma == COMMA
                           else "a thousands separator")
                notes.append(f"numbers like the one on line {int(self.lines[row])}, column "
                             f"{j + 1} could hold a decimal mark or a thousands separator; "
                             f"with no other hint in the file, a lone comma was read as "
                             f"{reading} and a lone point as a decimal point")
            return
        # the stored reading is the point reading for "1.234", the delimiter's for "1,234"
        if mark == COMMA:
            patch = ~commas | (commas & (self.default_comma != COMMA))
        else:
            patch = commas & (self.default_comma == COMMA)
        flat = values.reshape(-1)
        flat[positions[patch]] = others[patch]
