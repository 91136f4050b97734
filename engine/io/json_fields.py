"""Checked access to the values of a parsed JSON document: each function returns the value in
its Python type or raises ValueError naming the value in the user's words (``what``) and
showing what was found instead (never a field name in quotes or a Python type name)."""
from __future__ import annotations

import math

from .user_text import escaped, shown


def described(value) -> str:
    """How a found JSON value is written in a message."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return shown(value)
    if isinstance(value, int):
        digits = len(str(abs(value))) if abs(value) < 10**4000 else 4000
        return f"{value:,}" if digits <= 24 else f"a number of {digits:,} digits"
    if isinstance(value, float):
        return f"{value:.1f}" if value.is_integer() and abs(value) < 1e16 else f"{value:g}"
    if isinstance(value, dict):
        return "a group of named values"
    if isinstance(value, list):
        return f"a list of {len(value):,}"
    return escaped(str(value))[:40]


def group(value, what: str) -> dict:
    """A JSON object."""
    if value is None:
        raise ValueError(f"the file lacks {what}")
    if not isinstance(value, dict):
        raise ValueError(f"{what} must be a group of named values, not {described(value)}")
    return value


def whole(value, what: str, lo: int, hi: int) -> int:
    """An integer (not a boolean, not a float) in [lo, hi]."""
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        wanted = f"{lo:,}" if lo == hi else f"a whole number from {lo:,} to {hi:,}"
        raise ValueError(f"{what} must be {wanted}, not {described(value)}")
    return value


def number(value, what: str, lo: float | None = None, hi: float | None = None,
           lo_open: bool = False, hi_open: bool = False) -> float:
    """A finite number (integer or float, not a boolean) in the given range."""
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    if ok:
        try:
            x = float(value)
        except OverflowError:
            ok = False
        else:
            ok = math.isfinite(x) and (lo is None or (x > lo if lo_open else x >= lo)) \
                and (hi is None or (x < hi if hi_open else x <= hi))
    if not ok:
        raise ValueError(f"{what} must be a {_range(lo, hi, lo_open, hi_open)}, not "
                         f"{described(value)}")
    return x


def _range(lo=None, hi=None, lo_open=False, hi_open=False) -> str:
    """"number in [lo, hi]", "number ≥ lo", … ("finite number" without bounds)."""
    if lo is None and hi is None:
        return "finite number"
    if hi is None:
        return f"number {'>' if lo_open else '≥'} {lo:g}"
    if lo is None:
        return f"number {'<' if hi_open else '≤'} {hi:g}"
    return f"number in {'(' if lo_open else '['}{lo:g}, {hi:g}{')' if hi_open else ']'}"


def flag(value, what: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{what} must be true or false, not {described(value)}")
    return value


def text(value, what: str, max_length: int) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{what} must be a text, not {described(value)}")
    if len(value) > max_length:
        raise ValueError(f"{what} is too long ({len(value):,} characters; at most "
                         f"{max_length:,})")
    return value


def choice(value, what: str, options) -> str:
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"{what} must be one of {', '.join(options)}, not {described(value)}")
    return value


def texts(value, what: str, max_length: int, count: int | None = None,
          max_items: int = 100_000) -> list[str]:
    """A list of texts (of exactly ``count`` items when given)."""
    if not isinstance(value, list):
        raise ValueError(f"{what} must be a list, not {described(value)}")
    if count is not None and len(value) != count:
        raise ValueError(f"{what} must list {count:,} names, not {len(value):,}")
    if len(value) > max_items:
        raise ValueError(f"{what} lists too many names ({len(value):,})")
    for item in value:
        if not isinstance(item, str):
            raise ValueError(f"{what} must all be texts, not {described(item)}")
    return [text(item, f"one of {what}", max_length) for item in value]


def numbers(value, what: str, count: int, **bounds) -> list[float]:
    """A list of exactly ``count`` finite numbers, each within ``bounds`` (as :func:`number`)."""
    if not isinstance(value, list) or len(value) != count:
        found = described(value)
        raise ValueError(f"{what} must be a list of {count:,} numbers, not {found}")
    out = []
    for item in value:
        try:
            out.append(number(item, "", **bounds))
        except ValueError:
            phrase = _range(**_bounds(bounds)).replace("number", "numbers", 1)
            raise ValueError(f"{what} must hold {phrase} only, not {described(item)}") \
                from None
    return out


def _bounds(bounds: dict) -> dict:
    return {"lo": bounds.get("lo"), "hi": bounds.get("hi"),
            "lo_open": bounds.get("lo_open", False), "hi_open": bounds.get("hi_open", False)}
