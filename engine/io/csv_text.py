"""A CSV file's text, read as a stream of records with bounded work.

* **Encoding**: UTF-8, a byte-order mark skipped (also at the start of a later line, as when
  two exports were joined, with a notice).  Bytes that are not UTF-8 but read as ordinary
  Windows-1252 (or Latin-1) text are decoded so, with a notice.  UTF-16/32 text and binary
  files (spreadsheets, zip, gzip, PDF, images, NUL bytes) are refused.
* **Lines** end with LF, CR LF or CR.  A line longer than :data:`MAX_LINE` characters, or a
  quoted cell that runs over more than :data:`MAX_RECORD` characters of lines, is refused.
* **Delimiter**: comma, semicolon or tab, guessed by counting on a bounded prefix (at most
  :data:`SNIFF_CHARS` characters, :data:`SNIFF_LINES` lines): each candidate splits the prefix
  (quotes respected) and the one whose lines agree most often on a cell count of at least 2
  wins; ties go to the split whose cells are numbers more often, then to comma, semicolon,
  tab.  A first line ``sep=;`` (as spreadsheets write it) names the delimiter.
* **Comments**: lines that start with ``#`` are comments only in a file whose first non-blank
  line is one (a file *declares* comments by starting with one); a spreadsheet error value
  like ``#N/A`` is never a comment.  Blank lines are skipped.  Cells are stripped of spaces.
"""
from __future__ import annotations

import csv
import itertools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Iterator

from .csv_cells import is_spreadsheet_error, looks_numeric

MAX_BYTES = 256 * 2**20
MAX_LINE = 1_000_000
MAX_RECORD = 1_000_000
MAX_CELL = 131_072                   # the csv module's field limit
SNIFF_CHARS = 65_536
SNIFF_LINES = 100
DELIMITERS = (",", ";", "\t")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
UTF8_ADVICE = "save it as UTF-8 (CSV UTF-8 in spreadsheet programs)"
_BLOCK = 65_536
_MAGIC = [
    (b"PK\x03\x04", "a zip archive or a spreadsheet (.xlsx, .ods)"),
    (b"\xd0\xcf\x11\xe0", "a spreadsheet (.xls)"), (b"\x1f\x8b", "a gzip archive"),
    (b"%PDF", "a PDF document"), (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
    (b"SQLite format 3", "a database"), (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ", "an xz archive"), (b"7z\xbc\xaf", "a 7-zip archive"),
    (b"\x93NUMPY", "a NumPy array"),
]
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SEPARATOR_LINE = re.compile(r"sep=(.)\s*")


class Reencode(Exception):
    """The file is not UTF-8: read it again as ``encoding`` (never escapes this package)."""

    def __init__(self, encoding: str, line: int):
        super().__init__(encoding)
        self.encoding, self.line = encoding, line


@dataclass
class CsvText:
    """How to read a CSV file's records; see the module docstring."""

    path: Path
    encoding: str = "utf-8"
    delimiter: str = ","
    comments: bool = False
    notes: list[str] = field(default_factory=list)
    _skip_first: bool = False

    def records(self) -> Iterator[tuple[int, list[str]]]:
        """(line where the record starts, its cells) for every record that is not blank or a
        comment.  Cells keep their spaces (stripping every cell costs more than converting
        it; the readers strip what they inspect).  ValueError for a line or a cell beyond the
        limits, a quote that is never closed, or text that is not text; :class:`Reencode`
        when a line is not UTF-8 but reads as Windows-1252."""
        with _open(self.path) as raw:
            yield from self._records(raw)

    def _records(self, raw: BinaryIO):
        lines = self._decoded(_physical_lines(raw))
        start = last = chars = 0
        continued = eof = False
        comments, delimiter = self.comments, self.delimiter

        def feed():
            nonlocal start, last, chars, continued, eof
            for number, line in lines:
                if continued:
                    chars += len(line)
                    if chars > MAX_RECORD:
                        raise ValueError(
                            f"line {start}: a quoted cell that starts here runs on for more "
                            f"than {MAX_RECORD:,} characters (is a closing quote missing?)")
                else:
                    first = line[:1]
                    if first.isspace() or first == "#" or not first:
                        stripped = line.strip()
                        if not stripped or (comments and stripped.startswith("#") and not
                                            _starts_with_error(stripped, delimiter)):
                            continue
                    start, chars = number, len(line)
                last, continued = number, True
                yield line
            eof = True

        reader = csv.reader(feed(), delimiter=delimiter, quotechar='"', doublequote=True,
                            skipinitialspace=True, strict=False)
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                if "field larger" in str(exc):
                    raise ValueError(f"line {start}: a cell that starts on this line is "
                                     f"longer than {MAX_CELL:,} characters (is a closing "
                                     "quote missing?)") from None
                raise ValueError(f"line {last} cannot be read as CSV") from None
            continued = False
            if eof:                 # the reader met the end of the file inside quotes
                raise ValueError(f"line {start}: a quote (\") opened on this line is never "
                                 f"closed (the cell runs to the end of the file, line {last})")
            yield start, cells

    def _decoded(self, physical):
        """(line number, text) of every physical line, decoded and checked."""
        legacy = self.encoding != "utf-8"
        for number, raw in enumerate(physical, 1):
            if self._skip_first and number == 1:
                continue
            try:
                line = raw.decode(self.encoding)
            except UnicodeDecodeError:
                if legacy:          # cp1252 lacks five bytes: Latin-1 has them all
                    raise Reencode("latin-1", number) from None
                raise Reencode(_legacy_encoding(self.path, number), number) from None
            if line.startswith("\ufeff"):
                line = line[1:]
                if number > 1:
                    _note(self.notes, f"line {number} starts with a byte-order mark (were two "
                                      "files joined?); it was ignored")
            if "\x00" in line:
                raise ValueError(f"this is not a text file: line {number} contains NUL bytes "
                                 "(binary data)")
            if legacy and _CONTROL.search(line):
                raise ValueError(f"this is not a text file: line {number} holds control "
                                 "characters (is it a spreadsheet or other binary file? save "
                                 "it as CSV in UTF-8)")
            yield number, line


def open_csv_text(path, encoding: str = "utf-8", line: int = 0) -> CsvText:
    """Check that ``path`` holds text and guess its dialect from a bounded prefix.
    ``encoding`` other than UTF-8 is given after a :class:`Reencode` (``line``: the first
    line that was not UTF-8)."""
    path = Path(path)
    head = _head(path)
    text = CsvText(path, encoding)
    if encoding != "utf-8":
        name = "Windows-1252" if encoding == "cp1252" else "Latin-1"
        text.notes.append(f"the file is not UTF-8 text (line {line}); it was read as {name} "
                          f"text: check its accented letters, or {UTF8_ADVICE}")
    sample = []
    with _open(path) as raw:
        for number, line_text in text._decoded(_physical_lines(raw, SNIFF_CHARS + MAX_LINE)):
            if line_text.strip():
                sample.append(line_text)
            if len(sample) >= SNIFF_LINES or sum(map(len, sample)) >= SNIFF_CHARS:
                break
    if not head or not sample:
        return text
    declared = _SEPARATOR_LINE.fullmatch(sample[0].strip())
    if declared and declared.group(1) in DELIMITERS:
        text.delimiter, text._skip_first = declared.group(1), True
        sample = sample[1:]
    else:
        text.delimiter = guess_delimiter(sample)
    first = sample[0].strip() if sample else ""
    text.comments = first.startswith("#") and not _starts_with_error(first, text.delimiter)
    return text


def guess_delimiter(lines: list[str]) -> str:
    """The delimiter of a bounded sample of lines; see the module docstring."""
    best, best_score = ",", (0.0, 0.0)
    for delimiter in DELIMITERS:
        try:
            rows = [r for r in csv.reader(lines, delimiter=delimiter, quotechar='"',
                                          skipinitialspace=True) if r]
        except csv.Error:
            continue
        counts = [len(r) for r in rows]
        wide = [c for c in counts if c >= 2]
        if not wide:
            continue
        usual = max(set(wide), key=lambda c: (wide.count(c), c))
        agree = counts.count(usual) / len(counts)
        cells = [c.strip() for r in rows if len(r) == usual for c in r]
        numeric = sum(map(looks_numeric, cells)) / max(len(cells), 1)
        score = (round(agree, 6), round(numeric, 6))
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _starts_with_error(line: str, delimiter: str) -> bool:
    return is_spreadsheet_error(line.split(delimiter, 1)[0].strip().strip('"'))


def _note(notes: list[str], text: str) -> None:
    if text not in notes and len(notes) < 20:
        notes.append(text)


def _open(path: Path) -> BinaryIO:
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise ValueError(f"cannot read the file: {path.name} does not exist") from None
    except IsADirectoryError:
        raise ValueError(f"cannot read the file: {path.name} is a folder") from None
    except OSError as exc:
        raise ValueError(f"cannot read the file: {exc.strerror or 'the system refused'}") \
            from None


def _head(path: Path) -> bytes:
    """The first block of the file, after refusing what is not text."""
    with _open(path) as raw:
        try:
            size = os.fstat(raw.fileno()).st_size
            head = raw.read(_BLOCK)
        except OSError as exc:
            raise ValueError(f"cannot read the file: {exc.strerror or 'read error'}") from None
    if size > MAX_BYTES:
        raise ValueError(f"the file is too large ({size / 2**20:,.0f} MB); at most "
                         f"{MAX_BYTES // 2**20} MB are read")
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise ValueError("the file is UTF-32 text; save it as UTF-8 CSV")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ValueError("the file is UTF-16 text; save it as UTF-8 CSV")
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            raise ValueError(f"this is not a text file: it looks like {kind}; save the data "
                             "as CSV (comma-separated values)")
    if head[:2000].count(b"\x00") > len(head[:2000]) // 4:
        raise ValueError("this is not a text file: it is full of NUL bytes (UTF-16 text "
                         "without a byte-order mark, or binary data); save it as UTF-8 CSV")
    return head


def _legacy_encoding(path: Path, line: int) -> str:
    """"cp1252" when the file reads as ordinary Windows-1252 text (judged on its first
    megabyte), else a ValueError: not a text file."""
    with _open(path) as raw:
        sample = raw.read(2**20)
    try:
        text = sample.decode("cp1252", errors="strict")
        encoding = "cp1252"
    except UnicodeDecodeError:
        text = sample.decode("latin-1")
        encoding = "latin-1"
    visible = [c for c in text if not c.isspace()]
    foreign = sum(1 for c in visible if ord(c) > 127)
    if _CONTROL.search(text) or not visible or foreign > 0.2 * len(visible):
        raise ValueError(f"this is not a text file: line {line} has bytes that are not UTF-8 "
                         "text (is it a spreadsheet or other binary file? save it as CSV in "
                         "UTF-8)")
    return encoding


def _physical_lines(raw: BinaryIO, limit: int | None = None) -> Iterator[bytes]:
    """The file's lines (bytes, with their line end), each at most :data:`MAX_LINE` bytes;
    reading stops after ``limit`` bytes when given."""
    pending, number, read = b"", 0, 0
    while True:
        block = raw.read(_BLOCK)
        read += len(block)
        if not block:
            break
        pieces = (pending + block).splitlines(keepends=True)
        pending = pieces.pop()
        if pending.endswith(b"\n"):             # complete ("\r" might be half of "\r\n")
            pieces.append(pending)
            pending = b""
        for piece in pieces:
            number += 1
            if len(piece) > MAX_LINE + 2:
                raise _too_long(number)
            yield piece
        if len(pending) > MAX_LINE + 2:
            raise _too_long(number + 1)
        if limit is not None and read >= limit:
            return
    if pending:
        if len(pending) > MAX_LINE + 2:
            raise _too_long(number + 1)
        yield pending


def _too_long(number: int) -> ValueError:
    return ValueError(f"line {number} is longer than {MAX_LINE:,} characters; is this a CSV "
                      "file with one record per line?")


def first_records(text: CsvText, count: int):
    """(the first ``count`` records as a list, their cells stripped; an iterator over the
    rest)."""
    records = text.records()
    first = [(number, [cell.strip() for cell in cells])
             for number, cells in itertools.islice(records, count)]
    return first, records
