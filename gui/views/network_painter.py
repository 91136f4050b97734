"""Painting the network graph: edges in batches by color and width, the phase band and its
moving dashes, thumbnails, marks for dead and identical units, titles, labels and buttons.
Each function paints one layer of the picture onto the view's painter, from the view's
geometry and what it was given to show."""
from __future__ import annotations

import math

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen, QStaticText

import numpy as np

from backprop_lab.engine.data.features import label as feature_label

from .network_layout import COMPACT_UNITS


#: A layer with more edges than this draws only its strongest ones (by |value|).
MAX_DRAWN_EDGES = 300


def drawn_edges(values: np.ndarray) -> np.ndarray | None:
    """Flat indices (row-major over (n_in, n_out)) of the edges drawn for a layer: all of them
    (None) up to :data:`MAX_DRAWN_EDGES`, else the strongest by |value|, weakest first."""
    if np.size(values) <= MAX_DRAWN_EDGES:
        return None
    flat = np.abs(np.nan_to_num(np.asarray(values, dtype=float), nan=0.0)).ravel()
    top = np.argpartition(flat, -MAX_DRAWN_EDGES)[-MAX_DRAWN_EDGES:]
    return top[np.argsort(flat[top])]


def paint_edges(view, p: QPainter) -> None:
    """Every layer's edges (for vector devices; the screen gets cached pictures of them)."""
    for layer, style in enumerate(view.edge_styles()):
        paint_layer_edges(view, p, layer, *style)


def paint_layer_edges(view, p: QPainter, layer: int, color: np.ndarray,
                      width: np.ndarray) -> None:
    """One layer's edges: one ``drawLines`` per (color step, width), thin ones first so that
    strong ones stay on top."""
    palette = view.palette_colors()
    subsets = view.edge_subsets
    subset = subsets[layer] if layer < len(subsets) else None
    lines = view._lines[layer]
    keys = list(zip(color.ravel().tolist(), width.ravel().tolist()))
    batches: dict[tuple[int, int], list[QLineF]] = {}
    for k in (range(len(lines)) if subset is None else subset.tolist()):
        batches.setdefault(keys[k], []).append(lines[k])
    pen = QPen()
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    for (c, w), batch in sorted(batches.items(), key=lambda kv: kv[0][1]):
        pen.setColor(palette[c])
        pen.setWidthF(w / 4.0)
        p.setPen(pen)
        p.drawLines(batch)

def paint_phase_band(view, p: QPainter) -> None:
    cols = view.active_columns()
    if cols is None:
        return
    a, b = cols
    left = view._rects[a][0].left() - 8
    right = view._rects[b][0].right() + 8
    band = QRectF(left, 2, right - left, view.height() - 30 * view.font_scale)
    p.fillRect(band, view.theme.qcolor("highlight", 28))
    name = view.phase_mark[0]
    label = {"forward": "forward  →", "backward": "←  backward", "loss": "loss",
             "update": "update  W ← W − η·dW"}[name]
    font = QFont(view.font())
    font.setBold(True)
    p.setFont(font)
    p.setPen(view.theme.qcolor("highlight"))
    # As wide as the text needs (a narrow band's label would be cut), inside the view.
    width = max(right - left, QFontMetricsF(font).horizontalAdvance(label) + 8)
    x = min(max((left + right - width) / 2, 0.0), max(view.width() - width, 0.0))
    p.drawText(QRectF(x, band.bottom() - 22 * view.font_scale, width,
                      20 * view.font_scale), Qt.AlignmentFlag.AlignCenter, label)

def paint_phase_flow(view, p: QPainter) -> None:
    """Moving dashes along the active edges: the direction the numbers flow."""
    cols = view.active_columns()
    if cols is None or cols[0] == cols[1]:
        return
    name = view.phase_mark[0]
    pen = QPen(view.theme.qcolor("highlight", 200), 2.0 * view.line_scale)
    if name in ("forward", "backward"):
        pen.setStyle(Qt.PenStyle.CustomDashLine)
        pen.setDashPattern([3.0, 4.0])
        pen.setDashOffset(view._dash_offset)
    p.setPen(pen)
    p.drawLines(view._lines[cols[0]])

def paint_unit_marks(view, p: QPainter) -> None:
    """Numbers beside units while stepping; dead and identical units marked."""
    font = QFont(view.font())
    font.setPointSizeF(font.pointSizeF() * 0.9)
    p.setFont(font)
    metrics_h = QFontMetricsF(font).height()
    for (c, u), text in view.annotations.items():
        if c >= len(view._rects) or u >= len(view._rects[c]):
            continue
        rect = view._rects[c][u]
        box = QRectF(rect.left() - 20, rect.bottom() + 1, rect.width() + 40, metrics_h)
        p.fillRect(box.adjusted(14, 0, -14, 0), view.theme.qcolor("background", 210))
        p.setPen(view.theme.qcolor("text"))
        p.drawText(box, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, text)
    dead_width = QFontMetricsF(font).horizontalAdvance("dead")
    white = QColor(255, 255, 255)
    for c, u in view.dead_units:
        if c < len(view._rects) and u < len(view._rects[c]):
            rect = view._rects[c][u]
            p.fillRect(rect, QColor(128, 128, 128, 170))
            if len(view._rects[c]) <= COMPACT_UNITS:      # a thin bar has no room for words
                p.setPen(white)
                _centered(p, rect, "dead" if dead_width <= rect.width() - 2 else "×")
    for (c, u), group in view.identical_units.items():
        if c < len(view._rects) and u < len(view._rects[c]):
            rect = view._rects[c][u]
            tag = QRectF(rect.right() - 16 * view.font_scale, rect.top(),
                         16 * view.font_scale, 14 * view.font_scale)
            p.fillRect(tag, view.theme.qcolor("highlight"))
            p.setPen(white)
            _centered(p, tag, "≡")


#: The marks' words laid out once per font ((text, font key) → QStaticText): a mark is drawn
#: on every frame.
_MARKS: dict[tuple[str, str], QStaticText] = {}


def _centered(p: QPainter, rect: QRectF, text: str) -> None:
    """``text`` centred in ``rect`` in the painter's font and pen, from a layout kept between
    paints (``drawText`` lays the text out anew on each call: 20 dead units cost ~1 ms)."""
    key = (text, p.font().key())
    static = _MARKS.get(key)
    if static is None:
        static = _MARKS[key] = QStaticText(text)
        static.setTextFormat(Qt.TextFormat.PlainText)
        static.prepare(p.transform(), p.font())
    size = static.size()
    p.drawStaticText(QPointF(rect.center().x() - size.width() / 2,
                             rect.center().y() - size.height() / 2), static)


def paint_units(view, p: QPainter) -> None:
    """Thumbnails scaled to their cells (nearest cell: they look like cells, and draw 5×
    faster than smoothed), their outlines in one call, the selected one thicker."""
    border = QPen(view.theme.qcolor("muted"), 1.0 * view.line_scale)
    selected = QPen(view.theme.qcolor("highlight"), 3.0 * view.line_scale)
    outlines = []
    panel = view.theme.qcolor("panel")
    for c, col in enumerate(view._rects):
        if len(col) > COMPACT_UNITS:
            paint_compact_column(view, p, c, border, selected)
            continue
        images = view.thumbnails[c] if c < len(view.thumbnails) else []
        for u, rect in enumerate(col):
            if u < len(images):
                p.drawImage(rect, images[u])
            else:
                p.fillRect(rect, panel)
        outlines.extend(col)
    p.setPen(border)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRects(outlines)
    if view.selected is not None and len(view._rects[view.selected[0]]) <= COMPACT_UNITS:
        p.setPen(selected)
        p.drawRect(view.unit_rect(*view.selected))


def paint_compact_column(view, p: QPainter, c: int, border: QPen, selected: QPen) -> None:
    """A wide layer: one thin bar per unit, in the mean color of its output over the plane
    (or the panel color), outlined as one strip."""
    col = view._rects[c]
    means = view.thumbnail_means(c)
    for u, rect in enumerate(col):
        if means is not None and u < len(means):
            r, g, b = means[u]
            p.fillRect(rect, QColor(int(r), int(g), int(b)))
        else:
            p.fillRect(rect, view.theme.qcolor("panel"))
    p.setPen(border)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRect(col[0].united(col[-1]))
    if view.selected is not None and view.selected[0] == c:
        p.setPen(selected)
        p.drawRect(col[view.selected[1]])


def paint_labels(view, p: QPainter) -> None:
    # view.font() already follows the app's font (scaled in presentation mode).
    font = QFont(view.font())
    p.setFont(font)
    p.setPen(view.theme.qcolor("text"))
    for rect, title in view._headers:
        p.drawText(rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, title)
    inputs = view._rects[0]
    # Many inputs (64 pixels of a digit): label every k-th so the names never overlap.
    pitch = inputs[1].top() - inputs[0].top() if len(inputs) > 1 else 1e9
    every = max(1, math.ceil(QFontMetricsF(font).height() / max(pitch, 1e-6)))
    for u, rect in enumerate(inputs):
        if u % every:
            continue
        name = feature_label(view.input_names[u]) if u < len(view.input_names) else f"x{u + 1}"
        box = QRectF(2, rect.top() - 4, rect.left() - 6, rect.height() + 8)
        name = QFontMetricsF(font).elidedText(name, Qt.TextElideMode.ElideMiddle, box.width())
        p.drawText(box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, name)
    for button in view._buttons:
        p.setPen(QPen(view.theme.qcolor("muted"), 1.0))
        p.setBrush(view.theme.qcolor("panel"))
        p.drawRoundedRect(button.rect, 3, 3)
        p.setPen(view.theme.qcolor("text"))
        p.drawText(button.rect, Qt.AlignmentFlag.AlignCenter, "+" if button.delta > 0 else "−")
    legend = view.legend_text()
    p.setPen(view.theme.qcolor("muted"))
    last = view._buttons[-2].rect
    label_w = QFontMetricsF(p.font()).horizontalAdvance("layers: ")
    p.drawText(QRectF(last.left() - label_w - 4, last.top() - 4, label_w, last.height() + 8),
               Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, "layers:")
    box = QRectF(8, last.top() - 4, last.left() - label_w - 24, last.height() + 8)
    if QFontMetricsF(p.font()).horizontalAdvance(legend) > box.width():     # large type
        legend = f"edges: {view.edge_mode_label} · blue +, orange −"
    p.drawText(box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
               QFontMetricsF(p.font()).elidedText(legend, Qt.TextElideMode.ElideRight,
                                                  box.width()))
