"""SVG that draws the same in every renderer, not only in Qt.

Qt's SVG generator writes a plot's curves in data coordinates inside a group whose
``transform`` scales them to the page, and marks them ``vector-effect="non-scaling-stroke"``
so that a 2-pixel pen stays 2 pixels.  Renderers without that SVG Tiny feature (cairo,
print previews, Inkscape, resvg) scale the stroke with the data — a loss curve over 60 epochs
and 0.001…1 of loss becomes a solid slab.  :func:`flatten_scaled_strokes` moves such shapes
into page coordinates (the group's matrix applied to every point), so no renderer needs the
vector effect.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

SVG_NS = "http://www.w3.org/2000/svg"
_MATRIX = re.compile(r"matrix\(([^)]*)\)")
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_SHAPES = {"path", "polyline", "polygon", "rect"}
#: Qt's names of generic font families, as CSS names them (other renderers know only these).
_GENERIC_FONTS = {"sans serif": "sans-serif", "sans": "sans-serif", "serif": "serif",
                  "monospace": "monospace", "helvetica": "sans-serif"}

ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")


def _tag(element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def _matrix(text: str | None):
    match = _MATRIX.fullmatch((text or "").strip())
    if not match:
        return None
    values = [float(v) for v in _NUMBER.findall(match.group(1))]
    return tuple(values) if len(values) == 6 else None


def _apply(m, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def _points(text: str, m) -> str:
    """Every x,y pair of a polyline's points or of a path's absolute M/L/C/Z data."""
    numbers = iter(_NUMBER.finditer(text))
    out, last = [], 0
    for first in numbers:
        second = next(numbers, None)
        if second is None:
            break
        x, y = _apply(m, float(first.group()), float(second.group()))
        out.append(text[last:first.start()])
        out.append(f"{x:.6g},{y:.6g}")
        last = second.end()
    out.append(text[last:])
    return "".join(out)


def _flatten(shape, m) -> ET.Element | None:
    """``shape`` in page coordinates, or None when it cannot be converted exactly."""
    kind = _tag(shape)
    if kind == "path":
        d = shape.get("d", "")
        if re.search(r"[^MLCZmlcz0-9eE.,+\-\s]", d) or re.search(r"[mlcz]", d):
            return None              # relative or arc commands: leave it to the renderer
        shape.set("d", _points(d, m))
    elif kind in ("polyline", "polygon"):
        shape.set("points", _points(shape.get("points", ""), m))
    elif kind == "rect":
        x, y = float(shape.get("x", 0)), float(shape.get("y", 0))
        w, h = float(shape.get("width", 0)), float(shape.get("height", 0))
        corners = [_apply(m, px, py) for px, py in ((x, y), (x + w, y), (x + w, y + h), (x, y + h))]
        path = ET.Element(f"{{{SVG_NS}}}path", {k: v for k, v in shape.attrib.items()
                                               if k not in ("x", "y", "width", "height")})
        path.set("d", "M" + " L".join(f"{px:.6g},{py:.6g}" for px, py in corners) + " Z")
        shape = path
    shape.set("vector-effect", "none")
    return shape


def flatten_scaled_strokes(svg: str) -> str:
    """``svg`` (as Qt writes it) with every non-scaling-stroke shape in page coordinates."""
    root = ET.fromstring(svg)
    for parent in list(root.iter()):
        children = list(parent)
        for index, group in reversed(list(enumerate(children))):
            if _tag(group) != "g":
                continue
            m = _matrix(group.get("transform"))
            if m is None or m == (1.0, 0.0, 0.0, 1.0, 0.0, 0.0):
                continue
            moved = []
            for child in list(group):
                if _tag(child) in _SHAPES and child.get("vector-effect") == "non-scaling-stroke":
                    flat = _flatten(child, m)
                    if flat is not None:
                        group.remove(child)
                        moved.append(flat)
            if moved:
                page = ET.Element(group.tag, {k: v for k, v in group.attrib.items()
                                              if k != "transform"})
                page.extend(moved)
                parent.insert(index + 1, page)
    for element in root.iter():
        family = element.get("font-family")
        if family is not None:
            element.set("font-family", _css_family(family))
        size = element.get("font-size")
        if size is not None and _NUMBER.fullmatch(size.strip()):
            # Qt writes the font's size in points; SVG user units are pixels (96 per inch).
            element.set("font-size", f"{float(size) * 96 / 72:.4g}")
    view_box = _NUMBER.findall(root.get("viewBox", ""))
    if len(view_box) == 4:     # pixel sizes: Qt writes millimetres, which need a known DPI
        root.set("width", view_box[2])
        root.set("height", view_box[3])
    return ET.tostring(root, encoding="unicode", xml_declaration=True)


def _css_family(family: str) -> str:
    """A font-family every renderer can resolve: Qt's generic names become CSS generics, and
    a named family gets a generic fallback."""
    names = [n.strip().strip("'\"") for n in family.split(",") if n.strip()]
    out = [_GENERIC_FONTS.get(n.lower(), n) for n in names]
    if not set(out) & {"sans-serif", "serif", "monospace"}:
        out.append("sans-serif")
    return ", ".join(dict.fromkeys(out))
