"""Text from a file, shown inside a message: quoted, shortened, invisible characters escaped.

``shown("a\\u200bb")`` is ``'"a\\\\u200bb"'``: a reader of the message sees that the cell holds
a zero-width space, a tab or a line break instead of guessing at blank space.
"""
from __future__ import annotations

import unicodedata

#: Unicode categories written as escapes: controls, format characters (zero-width spaces,
#: byte-order marks, direction marks), unassigned and private code points, line and paragraph
#: separators.  Spaces other than the plain space are escaped too.
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs"})
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def escaped(text: str) -> str:
    """``text`` with every invisible character (but the plain space) written as an escape."""
    if text.isprintable():
        return text
    out = []
    for char in text:
        if char != " " and unicodedata.category(char) in _INVISIBLE:
            out.append(_NAMED.get(char) or (f"\\u{ord(char):04x}" if ord(char) < 0x10000
                                            else f"\\U{ord(char):08x}"))
        else:
            out.append(char)
    return "".join(out)


def shown(text, limit: int = 40) -> str:
    """``text`` in double quotes for a message: escaped, and cut to ``limit`` characters
    with an ellipsis when longer."""
    text = escaped(str(text))
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f'"{text}"'
