"""Numbers as Python source: list literals wrapped to the line width, and .npz archives.

Floats are written so that they read back to the same value: ``repr(float)`` for float64
and NumPy's shortest round-trip form for float32 (``0.1`` rather than ``0.10000000149011612``).
"""
from __future__ import annotations

import base64
import io
import textwrap
import zipfile

import numpy as np

#: The width generated scripts are wrapped to.
WIDTH = 100


def number(x, kind: str = "float64") -> str:
    """One number: kind "int", "float64" or "float32"."""
    if kind == "int":
        return str(int(x))
    if kind == "float32":
        return str(np.float32(x))          # NumPy's shortest form that reads back the same
    return repr(float(x))


def kind_of(array: np.ndarray, float_kind: str = "float64") -> str:
    return "int" if np.asarray(array).dtype.kind in "iub" else float_kind


def literal(array, indent: int = 0, start: int = 0, kind: str | None = None,
            rows: bool = False) -> str:
    """``array`` as a (nested) Python list literal whose opening bracket sits at column
    ``start`` of a line indented by ``indent``, wrapped at :data:`WIDTH` (``rows``: one row
    of a matrix a line when it does not fit on one)."""
    array = np.asarray(array)
    kind = kind or kind_of(array)
    if array.ndim == 0:
        return number(array, kind)
    if array.size == 0:
        return "[]"
    return _nested(_tokens(array, kind), indent, start, rows)


def assign(name: str, array, comment: str = "", kind: str | None = None) -> str:
    """``# comment`` (wrapped) and ``name = [...]``."""
    head = textwrap.fill(comment, width=WIDTH, initial_indent="# ", subsequent_indent="# ",
                         break_on_hyphens=False, break_long_words=False) + "\n" if comment else ""
    return f"{head}{name} = {literal(array, 0, len(name) + 3, kind)}"


def list_of(name: str, items: list[str]) -> str:
    """``name = [a, b, …]`` on one line if it fits in :data:`WIDTH`, else one item a line."""
    line = f"{name} = [{', '.join(items)}]"
    if len(line) <= WIDTH:
        return line
    return f"{name} = [\n" + "".join(f"    {item},\n" for item in items) + "]"


def npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    """A deterministic .npz (fixed timestamps) of ``arrays``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, array in arrays.items():
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w") as f:
                np.lib.format.write_array(f, np.ascontiguousarray(array), allow_pickle=False)
    return buffer.getvalue()


def base64_constant(name: str, data: bytes, comment: str) -> str:
    """``# comment`` and ``name = ("…" "…")``: ``data`` in base64, wrapped."""
    text = base64.b64encode(data).decode("ascii")
    chunk = WIDTH - 6
    parts = [f'    "{text[i:i + chunk]}"' for i in range(0, len(text), chunk)] or ['    ""']
    return f"# {comment}\n{name} = (\n" + "\n".join(parts) + "\n)"


def all_finite(arrays) -> bool:
    return all(np.isfinite(np.asarray(a, dtype=float)).all() for a in arrays)


def printable(text) -> str:
    """``text`` on one line, without control characters (for comments and docstrings)."""
    return "".join(c if c.isprintable() else "?" for c in str(text))


def docstring_safe(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')


def _tokens(array: np.ndarray, kind: str):
    if array.ndim == 1:
        return [number(x, kind) for x in array.tolist()]
    return [_tokens(row, kind) for row in array]


def _one_line(tok) -> str:
    if isinstance(tok, str):
        return tok
    return "[" + ", ".join(_one_line(t) for t in tok) + "]"


def _nested(tok, indent: int, start: int, rows: bool = False) -> str:
    line = _one_line(tok)
    if isinstance(tok, str) or start + len(line) + 1 <= WIDTH:
        return line
    pad = " " * (indent + 4)
    children = [_one_line(t) for t in tok]
    lines: list[str] = []
    if rows and not isinstance(tok[0], str) and all(len(pad) + len(c) + 1 <= WIDTH
                                                     for c in children):
        lines = [pad + c + "," for c in children]
    elif all(len(pad) + len(c) + 1 <= WIDTH for c in children):
        current = ""
        for c in children:
            if current and len(pad) + len(current) + 1 + len(c) + 1 > WIDTH:
                lines.append(pad + current)
                current = ""
            current = f"{current} {c}," if current else f"{c},"
        lines.append(pad + current)
    else:
        lines = [pad + _nested(t, indent + 4, indent + 4) + "," for t in tok]
    return "[\n" + "\n".join(lines) + "\n" + " " * indent + "]"
