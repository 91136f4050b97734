"""The network graph: units as heatmap thumbnails, edges colored by weight, left to right.

One widget paints everything (edges, thumbnails, headers, +/− buttons) in a single
``paintEvent``: far cheaper than hundreds of scene items.  Geometry is recomputed on resize or
when the architecture changes, so the graph always fills the widget.

Interaction: hover for exact values (a unit's tooltip shows z = Σ w·x + b with live numbers),
click a unit to select it, click an edge to type a new weight, +/− under a hidden layer's
header to change its units.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (QColor, QDoubleValidator, QFont, QFontMetricsF, QImage, QPainter,
                           QPen)
from PySide6.QtWidgets import QLineEdit, QSizePolicy, QToolTip, QWidget

from backprop_lab.engine.data.features import label as feature_label
from backprop_lab.engine.training.phases import sub

from ..style import colors


@dataclass
class Button:
    rect: QRectF
    layer: int            # hidden layer index (0-based among hidden layers); -1: the whole net
    delta: int            # +1 or −1
    kind: str             # "units" or "layers"


def image_from_rgb(rgb: np.ndarray, size: int | None = None) -> QImage:
    """(h, w, 3) uint8, row 0 = bottom of the plane → QImage (row 0 = top), optionally
    resampled (nearest cell) to ``size`` × ``size`` pixels so painting is a plain copy."""
    rgb = rgb[::-1]
    if size is not None and size > 0:
        rows = np.arange(size) * rgb.shape[0] // size
        cols = np.arange(size) * rgb.shape[1] // size
        rgb = rgb[rows][:, cols]
    rgb = np.ascontiguousarray(rgb)
    h, w, _ = rgb.shape
    return QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()


class NetworkView(QWidget):
    unitSelected = Signal(int, int)          # column (0 = inputs, l = layer l), unit; (-1, -1): none
    unitsChangeRequested = Signal(int, int)  # hidden layer index, +1/−1
    layersChangeRequested = Signal(int)      # +1/−1
    weightTyped = Signal(int, int, int, float)   # layer, i, j, value

    EDGE_SCALE = 1.0        # |w| at which an edge's color saturates
    MAX_EDGE_WIDTH = 7.0

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setMinimumSize(320, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.theme = colors.LIGHT
        self.line_scale = 1.0            # presentation mode thickens lines
        self.font_scale = 1.0
        self.zoom = 1.0                  # + / − keys: bigger or smaller units
        self.network = None
        self.input_names: tuple[str, ...] = ()
        self.thumbnails: list[list[QImage]] = []   # per column, per unit, at display size
        self._thumbnail_arrays: list[list[np.ndarray]] = []
        self.selected: tuple[int, int] | None = None
        self.edge_values: list[np.ndarray] | None = None   # per layer (n_in, n_out); None: weights
        self.edge_mode_label = "weight"
        self._rects: list[list[QRectF]] = []
        self._lines: list[list[QLineF]] = []
        self._buttons: list[Button] = []
        self._headers: list[tuple[QRectF, str]] = []
        self._editor: QLineEdit | None = None
        self._edit_target: tuple[int, int, int] | None = None
        # Backprop stepping: the phase being shown, numbers beside units, diagnostics marks.
        self.phase_mark: tuple[str, int | None] | None = None   # (phase name, layer index)
        self.annotations: dict[tuple[int, int], str] = {}
        self.dead_units: set[tuple[int, int]] = set()            # (column, unit)
        self.identical_units: dict[tuple[int, int], int] = {}    # (column, unit) -> group number
        self._dash_offset = 0.0
        self._animation = QTimer(self)
        self._animation.setInterval(40)
        self._animation.timeout.connect(self._advance_dashes)

    # ------------------------------------------------------------------ model
    def set_network(self, network, input_names) -> None:
        """A new architecture: recompute the layout."""
        structure_changed = (self.network is None or network.sizes != self.network.sizes)
        self.network = network
        self.input_names = tuple(input_names)
        if structure_changed:
            self.selected = None
            self.thumbnails, self._thumbnail_arrays = [], []
            self.edge_values = None          # values of the old layers fit no new edge
            self.annotations = {}
        self._layout()
        self.update()

    def set_edge_values(self, values: list[np.ndarray] | None) -> None:
        """Per layer, the (n_in, n_out) values the edges show; None: the weights.  Values that
        do not fit the network's layers (of another architecture) are not drawn."""
        if values is not None and not self._fits(values):
            values = None
        self.edge_values = values
        self.update()

    def _fits(self, values) -> bool:
        layers = self.network.layers if self.network is not None else []
        return len(values) == len(layers) and all(
            np.shape(v) == layer.W.shape for v, layer in zip(values, layers))

    def set_zoom(self, zoom: float) -> None:
        self.zoom = min(max(zoom, 0.4), 2.5)
        self.relayout()

    def relayout(self) -> None:
        """Recompute the geometry (after a change of scale or zoom) and repaint."""
        self._layout()
        self._make_images()
        self.update()

    def set_thumbnails(self, thumbnails: list[list[np.ndarray]]) -> None:
        """Per column (inputs first), per unit: an RGB array of its output over the plane."""
        self._thumbnail_arrays = thumbnails
        self._make_images()
        self.update()

    def _make_images(self) -> None:
        size = int(self._rects[0][0].width()) if self._rects and self._rects[0] else None
        self.thumbnails = [[image_from_rgb(rgb, size) for rgb in column]
                           for column in self._thumbnail_arrays]

    def set_phase(self, name: str | None, layer: int | None = None) -> None:
        """Highlight the layer a phase works on (None: no phase) and animate its direction."""
        self.phase_mark = None if name is None else (name, layer)
        if name in ("forward", "backward"):
            self._animation.start()
        else:
            self._animation.stop()
        self.update()

    def set_annotations(self, annotations: dict[tuple[int, int], str]) -> None:
        """Short texts drawn under units, e.g. {(1, 0): "a = 0.53"}."""
        self.annotations = annotations
        self.update()

    def set_diagnosis(self, dead: set[tuple[int, int]], identical: dict[tuple[int, int], int]) -> None:
        if dead != self.dead_units or identical != self.identical_units:
            self.dead_units, self.identical_units = dead, identical
            self.update()

    def _advance_dashes(self) -> None:
        direction = -1.0 if self.phase_mark and self.phase_mark[0] == "forward" else 1.0
        self._dash_offset = (self._dash_offset + direction) % 10.0
        self.update()

    def active_columns(self) -> tuple[int, int] | None:
        """(from column, to column) of the edges the current phase works on."""
        if self.phase_mark is None or not self._rects:
            return None
        name, layer = self.phase_mark
        if name == "loss":
            last = len(self._rects) - 1
            return last, last
        return layer, layer + 1

    @property
    def unit_counts(self) -> list[int]:
        """Units drawn per column, inputs first."""
        return [len(col) for col in self._rects]

    # ------------------------------------------------------------------ geometry
    def resizeEvent(self, event) -> None:
        self._layout()
        self._make_images()
        super().resizeEvent(event)

    def _layout(self) -> None:
        self._rects, self._buttons, self._headers = [], [], []
        self._lines: list[list[QLineF]] = []
        if self.network is None:
            return
        sizes = self.network.sizes
        w, h = self.width(), self.height()
        fs = self.font_scale
        line = QFontMetricsF(self.font()).height()
        header = 2 * line + 22 * fs         # two lines of title, then the +/− buttons
        footer = 26 * fs
        n_cols = len(sizes)
        # Room for the input labels left of the input column (which is centred in its own
        # column): long CSV column names get up to a quarter of the width.
        metrics = QFontMetricsF(self.font())
        longest = max((metrics.horizontalAdvance(feature_label(n)) for n in self.input_names),
                      default=0.0)
        left_margin = min(max(34 * fs, longest - 0.2 * w / n_cols + 12), 0.25 * w)
        col_w = (w - left_margin - 12) / n_cols
        rows = max(sizes)
        usable_h = h - header - footer - 8
        z = self.zoom
        size = min(col_w * min(0.5 * z, 0.85), usable_h / rows * min(0.8 * z, 0.92), 84.0 * fs * z)
        size = max(size, 10.0)
        for c, n in enumerate(sizes):
            cx = left_margin + col_w * (c + 0.5)
            gap = usable_h / n
            col = []
            for u in range(n):
                cy = header + gap * (u + 0.5)
                col.append(QRectF(cx - size / 2, cy - size / 2, size, size))
            self._rects.append(col)
            title = self._header_title(c, n, col_w)
            self._headers.append((QRectF(cx - col_w / 2, 2, col_w, 2 * line + 2), title))
            if 0 < c < n_cols - 1:
                b = 15 * fs
                y = 2 * line + 4
                self._buttons.append(Button(QRectF(cx - b - 2, y, b, b), c - 1, -1, "units"))
                self._buttons.append(Button(QRectF(cx + 2, y, b, b), c - 1, +1, "units"))
        # Edge segments, per layer in W's row-major order (i over inputs, j over units).
        self._lines = [[QLineF(*self.edge_segment(layer, i, j))
                        for i in range(len(self._rects[layer]))
                        for j in range(len(self._rects[layer + 1]))]
                       for layer in range(len(self._rects) - 1)]
        b = 15 * fs
        self._buttons.append(Button(QRectF(w - 2 * b - 10, h - b - 5, b, b), -1, -1, "layers"))
        self._buttons.append(Button(QRectF(w - b - 6, h - b - 5, b, b), -1, +1, "layers"))

    def _header_title(self, column: int, units: int, width: float) -> str:
        """'Layer 2\n8 × tanh', shortened ('L2\n8 tanh') when the column is narrow."""
        last = len(self.network.sizes) - 1
        act = "" if column == 0 else self.network.layers[column - 1].activation.name
        if column == 0:
            full, short = "Input", "In"
        elif column == last:
            full, short = f"Output\n{act}", f"Out\n{SHORT_NAMES.get(act, act)}"
        else:
            full = f"Layer {column}\n{units} × {act}"
            short = f"L{column}\n{units} {SHORT_NAMES.get(act, act)}"
        tiny = short.split("\n")[0] + ("" if column in (0, last) else f"\n{units}")
        metrics = QFontMetricsF(self.font())
        for title in (full, short):
            if all(metrics.horizontalAdvance(line) < width - 4 for line in title.split("\n")):
                return title
        return tiny

    def unit_rect(self, column: int, unit: int) -> QRectF:
        return self._rects[column][unit]

    def edge_segment(self, layer: int, i: int, j: int) -> tuple[QPointF, QPointF]:
        """Ends of the edge from unit i of column ``layer`` to unit j of column ``layer + 1``."""
        a, b = self._rects[layer][i], self._rects[layer + 1][j]
        return QPointF(a.right(), a.center().y()), QPointF(b.left(), b.center().y())

    def edge_at(self, pos: QPointF, tolerance: float = 5.0) -> tuple[int, int, int] | None:
        """(layer, i, j) of the edge nearest ``pos`` within ``tolerance`` pixels."""
        best, best_d = None, tolerance
        for layer in range(len(self._rects) - 1):
            x0 = self._rects[layer][0].right()
            x1 = self._rects[layer + 1][0].left()
            if not x0 - tolerance <= pos.x() <= x1 + tolerance:
                continue
            for i in range(len(self._rects[layer])):
                for j in range(len(self._rects[layer + 1])):
                    p, q = self.edge_segment(layer, i, j)
                    d = _distance_to_segment(pos, p, q)
                    if d < best_d:
                        best, best_d = (layer, i, j), d
        return best

    def unit_at(self, pos: QPointF) -> tuple[int, int] | None:
        for c, col in enumerate(self._rects):
            for u, rect in enumerate(col):
                if rect.adjusted(-2, -2, 2, 2).contains(pos):
                    return c, u
        return None

    def button_at(self, pos: QPointF) -> Button | None:
        for button in self._buttons:
            if button.rect.adjusted(-2, -2, 2, 2).contains(pos):
                return button
        return None

    # ------------------------------------------------------------------ colors
    #: Edges are drawn in this many color steps and quarter-pixel widths, one batch per
    #: (color, width): a few dozen drawLines calls instead of one per edge.
    COLOR_STEPS = 21

    def edge_values_of(self, layer: int) -> np.ndarray:
        """What the edges of ``layer`` show: its weights, or the values set by a mode."""
        if self.edge_values is not None and self._fits(self.edge_values):
            return self.edge_values[layer]
        return self.network.layers[layer].W

    def edge_scale(self, layer: int) -> float:
        """|value| at which an edge reaches full color and width.  Weights: 1, or twice the
        median |w| once training has grown them (so big nets do not all saturate); gradients
        and updates: each layer's largest."""
        if self.edge_values is None or not self._fits(self.edge_values):
            weights = np.abs(self.network.theta[np.isfinite(self.network.theta)])
            typical = 2.0 * float(np.median(weights)) if weights.size else 0.0
            return max(self.EDGE_SCALE, typical)
        finite = np.abs(self.edge_values[layer][np.isfinite(self.edge_values[layer])])
        return float(finite.max()) if finite.size and finite.max() > 0 else 1.0

    def edge_style(self, layer: int) -> tuple[np.ndarray, np.ndarray]:
        """(color step index, width in quarter pixels), each (n_in, n_out), for a layer's edges."""
        values = np.nan_to_num(self.edge_values_of(layer), nan=0.0, posinf=1e9, neginf=-1e9)
        relative = values / self.edge_scale(layer)
        t = np.clip(relative, -1.0, 1.0)
        color = np.round((t + 1.0) * 0.5 * (self.COLOR_STEPS - 1)).astype(int)
        width = np.minimum(0.6 + 2.4 * np.abs(relative), self.MAX_EDGE_WIDTH) * self.line_scale
        return color, np.round(width * 4).astype(int)

    def edge_color(self, layer: int, i: int, j: int) -> QColor:
        """The color the edge is painted in: blue for positive, orange for negative values,
        neutral grey near 0."""
        color, _ = self.edge_style(layer)
        return self._palette()[color[i, j]]

    def edge_width(self, layer: int, i: int, j: int) -> float:
        return self.edge_style(layer)[1][i, j] / 4.0

    def _palette(self) -> list[QColor]:
        lut = colors.diverging_lut(self.theme, self.COLOR_STEPS)
        return [QColor(int(r), int(g), int(b)) for r, g, b in lut]

    # ------------------------------------------------------------------ painting
    def paintEvent(self, event) -> None:
        p = QPainter(self)
        try:                          # the painter ends even if drawing fails
            p.fillRect(self.rect(), self.theme.qcolor("background"))
            if self.network is None or not self._rects:
                return
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            self._paint_phase_band(p)
            self._paint_edges(p)
            self._paint_phase_flow(p)
            # Scaled thumbnails draw 5× faster without antialiasing, and their cells should
            # look like cells anyway.
            p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            self._paint_units(p)
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            self._paint_unit_marks(p)
            self._paint_labels(p)
        finally:
            p.end()

    def _paint_edges(self, p: QPainter) -> None:
        palette = self._palette()
        batches: dict[tuple[int, int], list[QLineF]] = {}
        for layer in range(len(self._rects) - 1):
            color, width = self.edge_style(layer)
            keys = list(zip(color.ravel().tolist(), width.ravel().tolist()))
            for key, line in zip(keys, self._lines[layer]):
                batches.setdefault(key, []).append(line)
        pen = QPen()
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        # Thin, pale edges first so that strong ones stay on top.
        for (c, w), lines in sorted(batches.items(), key=lambda kv: kv[0][1]):
            pen.setColor(palette[c])
            pen.setWidthF(w / 4.0)
            p.setPen(pen)
            p.drawLines(lines)

    def _paint_phase_band(self, p: QPainter) -> None:
        cols = self.active_columns()
        if cols is None:
            return
        a, b = cols
        left = self._rects[a][0].left() - 8
        right = self._rects[b][0].right() + 8
        band = QRectF(left, 2, right - left, self.height() - 30 * self.font_scale)
        p.fillRect(band, self.theme.qcolor("highlight", 28))
        name = self.phase_mark[0]
        label = {"forward": "forward  →", "backward": "←  backward", "loss": "loss",
                 "update": "update  W ← W − η·dW"}[name]
        font = QFont(self.font())
        font.setBold(True)
        p.setFont(font)
        p.setPen(self.theme.qcolor("highlight"))
        p.drawText(QRectF(left, band.bottom() - 22 * self.font_scale, right - left,
                          20 * self.font_scale), Qt.AlignmentFlag.AlignCenter, label)

    def _paint_phase_flow(self, p: QPainter) -> None:
        """Moving dashes along the active edges: the direction the numbers flow."""
        cols = self.active_columns()
        if cols is None or cols[0] == cols[1]:
            return
        name = self.phase_mark[0]
        pen = QPen(self.theme.qcolor("highlight", 200), 2.0 * self.line_scale)
        if name in ("forward", "backward"):
            pen.setStyle(Qt.PenStyle.CustomDashLine)
            pen.setDashPattern([3.0, 4.0])
            pen.setDashOffset(self._dash_offset)
        p.setPen(pen)
        p.drawLines(self._lines[cols[0]])

    def _paint_unit_marks(self, p: QPainter) -> None:
        """Numbers beside units while stepping; dead and identical units marked."""
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 0.9)
        p.setFont(font)
        metrics_h = QFontMetricsF(font).height()
        for (c, u), text in self.annotations.items():
            if c >= len(self._rects) or u >= len(self._rects[c]):
                continue
            rect = self._rects[c][u]
            box = QRectF(rect.left() - 20, rect.bottom() + 1, rect.width() + 40, metrics_h)
            p.fillRect(box.adjusted(14, 0, -14, 0), self.theme.qcolor("background", 210))
            p.setPen(self.theme.qcolor("text"))
            p.drawText(box, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, text)
        for c, u in self.dead_units:
            if c < len(self._rects) and u < len(self._rects[c]):
                rect = self._rects[c][u]
                p.fillRect(rect, QColor(128, 128, 128, 170))
                p.setPen(QColor(255, 255, 255))
                p.drawText(rect, Qt.AlignmentFlag.AlignCenter, "dead")
        for (c, u), group in self.identical_units.items():
            if c < len(self._rects) and u < len(self._rects[c]):
                rect = self._rects[c][u]
                tag = QRectF(rect.right() - 16 * self.font_scale, rect.top(),
                             16 * self.font_scale, 14 * self.font_scale)
                p.fillRect(tag, self.theme.qcolor("highlight"))
                p.setPen(QColor(255, 255, 255))
                p.drawText(tag, Qt.AlignmentFlag.AlignCenter, "≡")

    def _paint_units(self, p: QPainter) -> None:
        border = QPen(self.theme.qcolor("muted"), 1.0 * self.line_scale)
        selected = QPen(self.theme.qcolor("highlight"), 3.0 * self.line_scale)
        for c, col in enumerate(self._rects):
            images = self.thumbnails[c] if c < len(self.thumbnails) else []
            for u, rect in enumerate(col):
                if u < len(images):
                    p.drawImage(rect.topLeft(), images[u])
                else:
                    p.fillRect(rect, self.theme.qcolor("panel"))
                p.setPen(selected if self.selected == (c, u) else border)
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawRect(rect)

    def _paint_labels(self, p: QPainter) -> None:
        # self.font() already follows the app's font (scaled in presentation mode).
        font = QFont(self.font())
        p.setFont(font)
        p.setPen(self.theme.qcolor("text"))
        for rect, title in self._headers:
            p.drawText(rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, title)
        inputs = self._rects[0]
        # Many inputs (64 pixels of a digit): label every k-th so the names never overlap.
        pitch = inputs[1].top() - inputs[0].top() if len(inputs) > 1 else 1e9
        every = max(1, math.ceil(QFontMetricsF(font).height() / max(pitch, 1e-6)))
        for u, rect in enumerate(inputs):
            if u % every:
                continue
            name = feature_label(self.input_names[u]) if u < len(self.input_names) else f"x{u + 1}"
            box = QRectF(2, rect.top() - 4, rect.left() - 6, rect.height() + 8)
            name = QFontMetricsF(font).elidedText(name, Qt.TextElideMode.ElideMiddle, box.width())
            p.drawText(box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, name)
        for button in self._buttons:
            p.setPen(QPen(self.theme.qcolor("muted"), 1.0))
            p.setBrush(self.theme.qcolor("panel"))
            p.drawRoundedRect(button.rect, 3, 3)
            p.setPen(self.theme.qcolor("text"))
            p.drawText(button.rect, Qt.AlignmentFlag.AlignCenter, "+" if button.delta > 0 else "−")
        scale = ("scaled per layer" if self.edge_values is not None
                 else f"full at |w| ≥ {self.edge_scale(0):.2g}")
        legend = f"edges: {self.edge_mode_label} · blue +, orange − · width ∝ |value|, {scale}"
        p.setPen(self.theme.qcolor("muted"))
        last = self._buttons[-2].rect
        label_w = QFontMetricsF(p.font()).horizontalAdvance("layers: ")
        p.drawText(QRectF(last.left() - label_w - 4, last.top() - 4, label_w, last.height() + 8),
                   Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, "layers:")
        box = QRectF(8, last.top() - 4, last.left() - label_w - 24, last.height() + 8)
        p.drawText(box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                   QFontMetricsF(p.font()).elidedText(legend, Qt.TextElideMode.ElideRight,
                                                      box.width()))

    # ------------------------------------------------------------------ tooltips
    def tooltip_at(self, pos: QPointF) -> str | None:
        """The text shown when hovering ``pos`` (None over empty space)."""
        if self.network is None:
            return None
        button = self.button_at(pos)
        if button is not None:
            what = "unit" if button.kind == "units" else "hidden layer"
            return f"{'Add' if button.delta > 0 else 'Remove'} a {what}"
        unit = self.unit_at(pos)
        if unit is not None:
            text = self.unit_description(*unit)
            if unit in self.dead_units:
                text += ("\nDEAD: this ReLU outputs 0 for every training point, so no gradient "
                         "reaches its weights and it cannot recover.")
            if unit in self.identical_units:
                text += ("\nIDENTICAL to other units of this layer (≡): same weights in and out, "
                         "so they get the same gradient and never differ. Use a random "
                         "initializer.")
            return text
        edge = self.edge_at(pos)
        if edge is not None:
            layer, i, j = edge
            src = (feature_label(self.input_names[i]) if layer == 0
                   else f"unit {i + 1} of layer {layer}")
            dst = "the output" if layer == len(self.network.layers) - 1 and \
                self.network.sizes[-1] == 1 else f"unit {j + 1} of layer {layer + 1}"
            text = f"w = {self.network.layers[layer].W[i, j]:.6g}   ({src} → {dst})"
            if self.edge_values is not None:
                text += f"\n{self.edge_mode_label} = {self.edge_values[layer][i, j]:.6g}"
            return text + "\nClick to type a new weight."
        return None

    def unit_description(self, column: int, unit: int) -> str:
        if column == 0:
            name = self.input_names[unit] if unit < len(self.input_names) else f"x{unit + 1}"
            return f"Input {feature_label(name)}\nThe thumbnail shows it over the plane."
        layer = self.network.layers[column - 1]
        inputs = ([feature_label(n) for n in self.input_names] if column == 1
                  else [f"a{sub(i + 1)}" for i in range(layer.n_in)])
        terms = " ".join(f"{'+' if w >= 0 else '−'} {abs(w):.3g}·{name}"
                         for w, name in zip(layer.W[:, unit], inputs))
        terms = terms[2:] if terms.startswith("+ ") else "−" + terms[2:]
        b = layer.b[unit]
        where = "Output" if column == len(self.network.layers) else f"Layer {column}"
        return (f"{where}, unit {unit + 1} ({layer.activation.name})\n"
                f"z = {terms} {'+' if b >= 0 else '−'} {abs(b):.3g}\n"
                f"a = {layer.activation.name}(z)\nClick to inspect.")

    # ------------------------------------------------------------------ mouse
    def mouseMoveEvent(self, event) -> None:
        text = self.tooltip_at(event.position())
        if text:
            QToolTip.showText(event.globalPosition().toPoint(), text, self)
        else:
            QToolTip.hideText()
        over = self.unit_at(event.position()) or self.button_at(event.position()) or \
            self.edge_at(event.position())
        self.setCursor(Qt.CursorShape.PointingHandCursor if over else Qt.CursorShape.ArrowCursor)

    def mousePressEvent(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self.network is None:
            return
        pos = event.position()
        button = self.button_at(pos)
        if button is not None:
            if button.kind == "units":
                self.unitsChangeRequested.emit(button.layer, button.delta)
            else:
                self.layersChangeRequested.emit(button.delta)
            return
        unit = self.unit_at(pos)
        if unit is not None:
            self.select(None if self.selected == unit else unit)
            return
        edge = self.edge_at(pos)
        if edge is not None:
            self.edit_weight(*edge, pos)
            return
        self.select(None)

    def select(self, unit: tuple[int, int] | None) -> None:
        self.selected = unit
        self.unitSelected.emit(*(unit if unit else (-1, -1)))
        self.update()

    # ------------------------------------------------------------------ weight editor
    def edit_weight(self, layer: int, i: int, j: int, pos: QPointF | None = None) -> QLineEdit:
        """Open an inline editor for W[i, j] of ``layer``; Enter applies, Esc cancels."""
        self._close_editor()
        editor = QLineEdit(self)
        editor.setObjectName("weightEditor")
        validator = QDoubleValidator(-1e6, 1e6, 8, editor)
        validator.setNotation(QDoubleValidator.Notation.StandardNotation)
        editor.setValidator(validator)
        editor.setText(f"{self.network.layers[layer].W[i, j]:.6g}")
        editor.selectAll()
        editor.setFixedWidth(int(110 * self.font_scale))
        if pos is None:
            a, b = self.edge_segment(layer, i, j)
            pos = (a + b) / 2
        editor.move(int(pos.x()) - editor.width() // 2, int(pos.y()) - editor.height() // 2)
        editor.setToolTip(f"New weight {i + 1}→{j + 1} of layer {layer + 1}; Enter applies, Esc cancels")
        editor.returnPressed.connect(self._commit_editor)
        editor.editingFinished.connect(self._close_editor_later)
        self._editor, self._edit_target = editor, (layer, i, j)
        editor.show()
        editor.setFocus()
        return editor

    def _commit_editor(self) -> None:
        if self._editor is None or self._edit_target is None:
            return
        text = self._editor.text().strip().replace(",", ".")
        try:
            value = float(text)
        except ValueError:
            return
        target = self._edit_target
        self._close_editor()
        self.weightTyped.emit(*target, value)

    def _close_editor_later(self) -> None:
        if self._editor is not None and not self._editor.hasFocus():
            self._close_editor()

    def _close_editor(self) -> None:
        if self._editor is not None:
            editor, self._editor = self._editor, None
            self._edit_target = None
            editor.hide()
            editor.deleteLater()

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape and self._editor is not None:
            self._close_editor()
            return
        super().keyPressEvent(event)


SHORT_NAMES = {"sigmoid": "σ", "identity": "id", "leaky_relu": "lReLU", "relu": "ReLU",
               "softmax": "smax"}


def _distance_to_segment(p: QPointF, a: QPointF, b: QPointF) -> float:
    dx, dy = b.x() - a.x(), b.y() - a.y()
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((p.x() - a.x()) * dx + (p.y() - a.y()) * dy) / length2))
    return math.hypot(p.x() - a.x() - t * dx, p.y() - a.y() - t * dy)
