"""What one CSV cell holds: a number, a missing value, a date, or text.

**Numbers** are plain decimal or scientific notation (``-1.5``, ``.5``, ``2e-3``), with a
decimal point or a decimal comma (``-0,85``), and thousands separators where they cannot be
misread (``1,234.5``, ``1.234,5``, ``1,234,567``).  Nothing else is a number: not ``1_000``,
``0x1F``, digits of other scripts, or ``inf`` (which is refused as not finite).

A file uses one decimal mark.  Cells that show it are *evidence*: ``0,5`` or ``1.234,5`` (a
decimal comma), ``1.5`` or ``1,234.5`` (a decimal point).  Cells like ``1,234`` or ``1.234``
are *ambiguous* (a decimal mark, or a thousands separator?): :func:`parse_number` gives both
readings, and the file's evidence decides (see :mod:`.csv_scan`).

**Missing values** are the empty cell, the spellings in :data:`MISSING` (``NA``, ``N/A``,
``<NA>``, ``NaN``, ``NaT``, ``null``, ``nil``, ``-``, ``.``, ``?``, ``nan(ind)``…) and the
spreadsheet error values in :data:`SPREADSHEET_ERRORS` (``#N/A``, ``#DIV/0!``, ``#VALUE!``…).

**Text** cells exported by :mod:`.csv_write` with an apostrophe before a leading ``=``,
``+``, ``-``, ``@``, tab or CR (so that spreadsheets show them as text, not formulas) are read
back without that apostrophe.
"""
from __future__ import annotations

import re

POINT, COMMA = ".", ","
#: Spreadsheet error values (Excel, LibreOffice, Google Sheets), compared in upper case.
SPREADSHEET_ERRORS = frozenset({
    "#N/A", "#N/A N/A", "#NA", "#DIV/0!", "#VALUE!", "#NUM!", "#NULL!", "#REF!", "#NAME?",
    "#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!", "#UNKNOWN!", "#BLOCKED!", "#CONNECT!",
    "#BUSY!", "#ERROR!", "#N/A!", "ERR:502", "ERR:503", "ERR:504", "ERR:508", "ERR:511",
    "ERR:522", "ERR:523"})
#: Cells that mean "no value" (compared in lower case), besides the empty cell.
MISSING = frozenset({
    "na", "n/a", "n.a.", "n.a", "<na>", "nan", "-nan", "+nan", "nan(ind)", "-nan(ind)",
    "1.#ind", "-1.#ind", "1.#qnan", "-1.#qnan", "nat", "null", "<null>", "none", "nil", "?",
    "-", "--", ".", "missing", "#na", "n/d", "na/na"} | {e.lower() for e in SPREADSHEET_ERRORS})

_SIGN = r"[+-]?"
_EXPONENT = r"(?:[eE][+-]?[0-9]+)?"
#: A number with a decimal point (or none), as ``float`` reads it, minus its extras.
_POINT_NUMBER = re.compile(_SIGN + r"(?:[0-9]+\.?[0-9]*|\.[0-9]+)" + _EXPONENT).fullmatch
#: A number with one decimal comma: "-0,85", ",5", "1,5e3".
_COMMA_NUMBER = re.compile(_SIGN + r"(?:[0-9]+,[0-9]*|,[0-9]+)" + _EXPONENT).fullmatch
#: Thousands separators: "1,234,567" or "1,234.5" / "1.234.567" or "1.234,5".
_GROUPED_POINT = re.compile(_SIGN + r"[1-9][0-9]{0,2}(?:,[0-9]{3})+(?:\.[0-9]*)?").fullmatch
_GROUPED_COMMA = re.compile(_SIGN + r"[1-9][0-9]{0,2}(?:\.[0-9]{3})+(?:,[0-9]*)?").fullmatch
#: One group of three digits after the only separator: "1,234" or "-12.345".
_ONE_GROUP = re.compile(_SIGN + r"[1-9][0-9]{0,2}[.,][0-9]{3}").fullmatch
_NOT_FINITE = re.compile(_SIGN + r"(?:inf|infinity)", re.IGNORECASE).fullmatch
_DATE = re.compile(
    r"(?:[0-9]{4}[-/.][0-9]{1,2}[-/.][0-9]{1,2}|[0-9]{1,2}[-/.][0-9]{1,2}[-/.][0-9]{2,4}"
    r"|[0-9]{1,2}-[A-Za-z]{3}-[0-9]{2,4})"
    r"(?:[T ][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?: ?[AaPp][Mm])?"
    r"(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?"
    r"|[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?: ?[AaPp][Mm])?").fullmatch
#: A text cell escaped against formulas by csv_write: apostrophes, then a formula trigger.
_ESCAPED = re.compile(r"'+[=+\-@\t\r]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def is_missing(cell: str) -> bool:
    """True for the empty cell, a missing-value spelling or a spreadsheet error value."""
    return cell == "" or (len(cell) <= 13 and cell.lower() in MISSING)


def is_spreadsheet_error(cell: str) -> bool:
    return cell.upper() in SPREADSHEET_ERRORS


def is_not_finite(cell: str) -> bool:
    """``inf``, ``-Infinity`` and the like: a number, but not a usable one."""
    return bool(_NOT_FINITE(cell))


def is_date(cell: str) -> bool:
    """A calendar date or time of day (``2024-03-01``, ``01.03.2024``, ``3/1/24 14:05``,
    ``1-Mar-2024``, ``14:05:00``)."""
    return bool(_DATE(cell))


def parse_number(cell: str, mark: str | None, default_comma: str):
    """``(value, evidence, other)`` for a number cell, None for any other cell.

    ``mark`` is the file's decimal mark when known (:data:`POINT` or :data:`COMMA`), else
    None.  ``evidence`` is the mark the cell shows (None when it shows none).  For an
    ambiguous cell read without a known mark, ``value`` is the reading by ``default_comma``
    (what a lone comma in ``1,234`` means: :data:`COMMA` for a decimal comma, :data:`POINT`
    for a thousands separator) and ``other`` the other reading; otherwise ``other`` is None.
    A cell whose evidence contradicts a known ``mark`` is returned with that evidence (the
    caller refuses it) and the value read as the cell itself says."""
    if _ONE_GROUP(cell):
        digits = cell.replace(".", "").replace(",", "")
        whole, split = float(digits), float(cell.replace(",", "."))
        lone_comma = "," in cell
        # "1.234": the point is decimal unless the file writes decimal commas;
        # "1,234": the comma is decimal if the file writes decimal commas
        as_point = split if not lone_comma else whole
        as_comma = whole if not lone_comma else split
        if mark == POINT:
            return as_point, None, None
        if mark == COMMA:
            return as_comma, None, None
        if lone_comma:
            first = as_comma if default_comma == COMMA else as_point
            return first, None, (as_point if first is as_comma else as_comma)
        return as_point, None, as_comma
    if _POINT_NUMBER(cell):
        return float(cell), (POINT if "." in cell else None), None
    if _COMMA_NUMBER(cell):
        return float(cell.replace(",", ".")), COMMA, None
    if _GROUPED_POINT(cell):
        return float(cell.replace(",", "")), POINT, None
    if _GROUPED_COMMA(cell):
        return float(cell.replace(".", "").replace(",", ".")), COMMA, None
    return None


def looks_numeric(cell: str) -> bool:
    """A number in any of the accepted notations (for telling a header from data)."""
    return parse_number(cell, None, COMMA) is not None or is_not_finite(cell)


def unescaped(cell: str) -> str:
    """A text cell as the user wrote it: one apostrophe that csv_write put before a formula
    trigger is removed."""
    return cell[1:] if _ESCAPED.match(cell) else cell
