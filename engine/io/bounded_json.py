"""JSON read with bounded work: a size limit checked before parsing, a nesting limit, and only
finite numbers.  Every problem is a ValueError that says what and where, in plain words.

``parse_json(raw, what)`` reads bytes or text; ``read_json_file(path, what)`` reads a file.
``what`` names the thing for messages ("the lesson file", "session.json").  The session file,
lesson files and the window's stored settings all read their JSON here.
"""
from __future__ import annotations

import json
import math
import os
from pathlib import Path

#: Default limits: a few megabytes and 64 levels of nesting are far more than any of the
#: app's files need, and small enough that a hostile file cannot exhaust memory or the stack.
MAX_JSON_BYTES = 8 * 2**20
MAX_DEPTH = 64


def parse_json(raw: bytes | str, what: str, max_bytes: int = MAX_JSON_BYTES,
               max_depth: int = MAX_DEPTH):
    """The value in ``raw`` (UTF-8 bytes, a byte-order mark allowed, or text).

    Refused with ValueError: more than ``max_bytes`` bytes, text that is not UTF-8, invalid
    JSON (with the line and column), nesting deeper than ``max_depth``, numbers that are not
    finite (``NaN``, ``Infinity``, ``1e999``), integers of more than 4,300 digits, and an
    object that names the same field twice.
    """
    size = len(raw)
    if size > max_bytes:
        raise ValueError(f"{what} is too large ({size:,} bytes; at most {max_bytes:,})")
    if isinstance(raw, (bytes, bytearray)):
        try:
            text = bytes(raw).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            raise ValueError(f"{what} is not UTF-8 text (line {line})") from None
    else:
        text = raw
    try:
        value = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float,
                           object_pairs_hook=_unique_fields)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{what} is not valid JSON (line {exc.lineno}, column {exc.colno}: "
                         f"{_reason(exc)})") from None
    except RecursionError:
        raise ValueError(f"{what} is nested too deeply (at most {max_depth} levels)") from None
    except _Refused as exc:
        raise ValueError(f"{what} {exc}") from None
    except ValueError:       # an integer with too many digits for Python to convert
        raise ValueError(f"{what} holds a number with too many digits") from None
    if _depth(value) > max_depth:
        raise ValueError(f"{what} is nested too deeply (at most {max_depth} levels)")
    return value


def read_json_file(path, what: str | None = None, max_bytes: int = MAX_JSON_BYTES,
                   max_depth: int = MAX_DEPTH):
    """The JSON value in the file ``path`` (see :func:`parse_json`); a file that cannot be
    read is a ValueError too.  The size is checked before the file is read."""
    path = Path(path)
    what = what or path.name
    try:
        size = os.stat(path).st_size
        if size > max_bytes:
            raise ValueError(f"{what} is too large ({size:,} bytes; at most {max_bytes:,})")
        with open(path, "rb") as handle:
            raw = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise ValueError(f"{what}: no such file") from None
    except IsADirectoryError:
        raise ValueError(f"{what} is a folder, not a file") from None
    except OSError as exc:
        raise ValueError(f"cannot read {what}: {exc.strerror or 'the system refused'}") \
            from None
    return parse_json(raw, what, max_bytes, max_depth)


class _Refused(Exception):
    """Raised inside the parser's hooks; becomes a ValueError with the parse's subject."""


def _refuse_constant(name: str):
    raise _Refused(f"holds {name}, which is not a finite number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(f"holds a number too large to represent ({text[:20]})")
    return value


def _unique_fields(pairs: list) -> dict:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise _Refused("names the same field twice in one object")
    return out


def _reason(exc: json.JSONDecodeError) -> str:
    if exc.pos >= len(exc.doc.rstrip()):
        return "the text ends too early"
    message = exc.msg
    if message.startswith("Expecting value"):
        return "a value is missing or misspelled"
    if message.startswith("Extra data"):
        return "more text after the end"
    if "delimiter" in message:
        return "a comma or colon is missing"
    if "property name" in message:
        return "a field name must be in double quotes"
    if "control character" in message:
        return "a line break or other control character inside a string"
    return "unexpected text"


def _depth(value) -> int:
    """The nesting depth of a parsed value (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children
                     if isinstance(child, (dict, list)))
    return deepest
