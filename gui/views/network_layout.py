"""Where the network graph puts things: a column per layer, units spread over the height,
titles on top with the +/− buttons, edge segments between unit rectangles.

A layer of more than :data:`COMPACT_UNITS` units (up to 128) is drawn as a compact column: a
strip of thin bars, one per unit, so that it neither shrinks the other layers' thumbnails
nor overflows the height."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QLineF, QPointF, QRectF
from PySide6.QtGui import QFontMetricsF

from backprop_lab.engine.data.features import label as feature_label


@dataclass
class Button:
    rect: QRectF
    layer: int            # hidden layer index (0-based among hidden layers); -1: the whole net
    delta: int            # +1 or −1
    kind: str             # "units" or "layers"


#: Layers wider than this are drawn as a strip of thin bars instead of thumbnails.
COMPACT_UNITS = 24

SHORT_NAMES = {"sigmoid": "σ", "identity": "id", "leaky_relu": "lReLU", "relu": "ReLU",
               "softmax": "smax"}



def layout(view) -> tuple[list, list, list, list]:
    """(unit rectangles per column, buttons, (header rect, title) per column, edge lines per
    layer) for the view's network at its size, font scale and zoom."""
    rects, buttons, headers = [], [], []
    if view.network is None:
        return rects, buttons, headers, []
    sizes = view.network.sizes
    w, h = view.width(), view.height()
    fs = view.font_scale
    line = QFontMetricsF(view.font()).height()
    header = 2 * line + 22 * fs         # two lines of title, then the +/− buttons
    footer = 26 * fs
    n_cols = len(sizes)
    # Room for the input labels left of the input column (which is centred in its own
    # column): long CSV column names get up to a quarter of the width.
    metrics = QFontMetricsF(view.font())
    longest = max((metrics.horizontalAdvance(feature_label(n)) for n in view.input_names),
                  default=0.0)
    left_margin = min(max(34 * fs, longest - 0.2 * w / n_cols + 12), 0.25 * w)
    col_w = (w - left_margin - 12) / n_cols
    rows = max([n for n in sizes if n <= COMPACT_UNITS] or [1])
    usable_h = h - header - footer - 8
    z = view.zoom
    size = min(col_w * min(0.5 * z, 0.85), usable_h / rows * min(0.8 * z, 0.92), 84.0 * fs * z)
    size = max(size, 10.0)
    for c, n in enumerate(sizes):
        cx = left_margin + col_w * (c + 0.5)
        gap = usable_h / n
        col = []
        compact = n > COMPACT_UNITS
        width = min(size, col_w * 0.3) if compact else size
        height = max(gap * 0.8, 1.0) if compact else size
        for u in range(n):
            cy = header + gap * (u + 0.5)
            col.append(QRectF(cx - width / 2, cy - height / 2, width, height))
        rects.append(col)
        title = header_title(view, c, n, col_w)
        headers.append((QRectF(cx - col_w / 2, 2, col_w, 2 * line + 2), title))
        if 0 < c < n_cols - 1:
            b = 15 * fs
            y = 2 * line + 4
            buttons.append(Button(QRectF(cx - b - 2, y, b, b), c - 1, -1, "units"))
            buttons.append(Button(QRectF(cx + 2, y, b, b), c - 1, +1, "units"))
    # Edge segments, per layer in W's row-major order (i over inputs, j over units).
    lines = [[QLineF(QPointF(rects[layer][i].right(), rects[layer][i].center().y()),
                    QPointF(rects[layer + 1][j].left(), rects[layer + 1][j].center().y()))
              for i in range(len(rects[layer]))
              for j in range(len(rects[layer + 1]))]
             for layer in range(len(rects) - 1)]
    b = 15 * fs
    buttons.append(Button(QRectF(w - 2 * b - 10, h - b - 5, b, b), -1, -1, "layers"))
    buttons.append(Button(QRectF(w - b - 6, h - b - 5, b, b), -1, +1, "layers"))
    return rects, buttons, headers, lines


def header_title(view, column: int, units: int, width: float) -> str:
    """'Layer 2\n8 × tanh', shortened ('L2\n8 tanh') when the column is narrow."""
    last = len(view.network.sizes) - 1
    act = "" if column == 0 else view.network.layers[column - 1].activation.name
    if column == 0:
        full, short = "Input", "In"
    elif column == last:
        full, short = f"Output\n{act}", f"Out\n{SHORT_NAMES.get(act, act)}"
    else:
        full = f"Layer {column}\n{units} × {act}"
        short = f"L{column}\n{units} {SHORT_NAMES.get(act, act)}"
    tiny = short.split("\n")[0] + ("" if column in (0, last) else f"\n{units}")
    metrics = QFontMetricsF(view.font())
    for title in (full, short):
        if all(metrics.horizontalAdvance(line) < width - 4 for line in title.split("\n")):
            return title
    return tiny
