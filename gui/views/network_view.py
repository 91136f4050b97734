"""The network graph: units as heatmap thumbnails, edges colored by weight, left to right.

One widget paints everything (edges, thumbnails, headers, +/− buttons) in a single
``paintEvent``: far cheaper than hundreds of scene items.  On screen, the parts that change
seldom are pictures kept between frames (:mod:`.network_layers`): a repaint copies the labels,
each layer's edges (redrawn when an edge changed color step or width) and the thumbnails.
Geometry is recomputed on resize or when the architecture changes, so the graph always fills
the widget.

Interaction: hover for exact values (a unit's tooltip shows z = Σ w·x + b with live numbers),
click a unit to select it, click an edge to type a new weight, +/− under a hidden layer's
header to change its units.
"""
from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QLineEdit, QSizePolicy, QToolTip, QWidget


from ..style import colors
from . import network_layout
from . import network_painter as painter
from . import network_text
from .network_edges import EdgeStyles
from .network_layers import GraphPictures, Thumbnails, paint_from_pictures, raster
from .network_layout import Button
from .weight_editor import WeightEditor


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


class NetworkView(EdgeStyles, QWidget):
    unitSelected = Signal(int, int)          # column (0 = inputs, l = layer l), unit; (-1, -1): none
    unitsChangeRequested = Signal(int, int)  # hidden layer index, +1/−1
    layersChangeRequested = Signal(int)      # +1/−1
    weightTyped = Signal(int, int, int, float)   # layer, i, j, value

    #: How many edges one paint may redraw on average (None: all that changed).  While
    #: training plays on a machine that cannot keep up, the renderer sets a budget so that
    #: no frame redraws every layer's antialiased edges (a layer that waits keeps its
    #: picture of a few frames ago).
    edges_per_paint: int | None = None
    #: The layer whose edges are redrawn first when the budget allows only some of them,
    #: and the edges the budget saved towards it over the last paints.
    next_edge_layer = 0
    edge_credit = 0

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setMouseTracking(True)
        # Every paint covers the whole view (the background first), so Qt need not paint the
        # widgets under it each frame.
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setMinimumSize(320, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.theme = colors.LIGHT
        self.line_scale = 1.0            # presentation mode thickens lines
        self.font_scale = 1.0
        self.zoom = 1.0                  # + / − keys: bigger or smaller units
        self.network = None
        self.input_names: tuple[str, ...] = ()
        self._thumbnails = Thumbnails()
        self._pictures = GraphPictures()
        self._layout_version = 0
        self._palette: tuple | None = None       # (theme, [QColor] of the color steps)
        self._weights_scale: tuple | None = None  # (weights it was taken of, edge scale)
        self.selected: tuple[int, int] | None = None
        self.edge_values: list[np.ndarray] | None = None   # per layer (n_in, n_out); None: weights
        self.edge_subsets: list[np.ndarray | None] = []    # per layer: the edges drawn (None: all)
        self.edge_mode_label = "weight"
        self.thumbnail_note = ""         # said under the graph when thumbnails are rescaled
        self._rects: list[list[QRectF]] = []
        self._lines: list[list[QLineF]] = []
        self._buttons: list[Button] = []
        self._headers: list[tuple[QRectF, str]] = []
        self.weight_editor = WeightEditor(self)
        self.weight_editor.typed.connect(self.weightTyped)
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
            self._thumbnails.clear()
            self._pictures.clear()
            self.edge_values = None          # values of the old layers fit no new edge
            self.annotations = {}
        self._choose_edges()
        self._layout()
        self.update()

    def set_edge_values(self, values: list[np.ndarray] | None) -> None:
        """Per layer, the (n_in, n_out) values the edges show; None: the weights.  Values that
        do not fit the network's layers (of another architecture) are not drawn."""
        if values is not None and not self._fits(values):
            values = None
        self.edge_values = values
        self._choose_edges()
        self.update()

    def _choose_edges(self) -> None:
        """Which edges of each layer are drawn (wide layers: the strongest only)."""
        layers = self.network.layers if self.network is not None else []
        self.edge_subsets = [painter.drawn_edges(self.edge_values_of(k))
                             for k in range(len(layers))]

    def set_zoom(self, zoom: float) -> None:
        self.zoom = min(max(zoom, 0.4), 2.5)
        self.relayout()

    def relayout(self) -> None:
        """Recompute the geometry (after a change of scale or zoom) and repaint."""
        self._layout()
        self.update()

    def set_thumbnails(self, thumbnails: list, lut: np.ndarray | None = None) -> None:
        """Per column (inputs first): with ``lut`` (n, 3), an (n_units, h, w) uint8 array of
        indices into it, row 0 at the top; without, a list of RGB arrays (h, w, 3) with row 0
        at the bottom of the plane, one per unit.  None keeps a column as it is.  Only a
        change of at least one color step repaints."""
        changed = False
        for c, column in enumerate(thumbnails):
            changed |= self._thumbnails.set_column(c, column, lut)
        if changed:
            self.update()

    @property
    def thumbnails(self) -> list[list[QImage]]:
        """Per column, per unit: its picture (empty for columns drawn as bars)."""
        return self._thumbnails.images

    def thumbnail_means(self, column: int) -> np.ndarray | None:
        """(n_units, 3) the mean color of each unit's picture in ``column`` (None: none)."""
        means = self._thumbnails.means
        return means[column] if column < len(means) else None

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
        super().resizeEvent(event)

    def _layout(self) -> None:
        self._rects, self._buttons, self._headers, self._lines = network_layout.layout(self)
        self._layout_version += 1

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
            n_out = len(self._rects[layer + 1])
            subset = self.edge_subsets[layer] if layer < len(self.edge_subsets) else None
            edges = (range(len(self._rects[layer]) * n_out) if subset is None
                     else subset.tolist())          # wide layers: only the edges drawn
            for k in edges:
                i, j = divmod(k, n_out)
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

    # ------------------------------------------------------------------ painting
    def paintEvent(self, event) -> None:
        p = QPainter(self)
        try:                          # the painter ends even if drawing fails
            if self.network is None or not self._rects:
                p.fillRect(self.rect(), self.theme.qcolor("background"))
                return
            if raster(p):
                paint_from_pictures(self, p)
                return
            p.fillRect(self.rect(), self.theme.qcolor("background"))
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.paint_phase_band(self, p)
            painter.paint_edges(self, p)
            painter.paint_phase_flow(self, p)
            p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            painter.paint_units(self, p)
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.paint_unit_marks(self, p)
            painter.paint_labels(self, p)
        finally:
            p.end()

    # ------------------------------------------------------------------ hover texts
    def tooltip_at(self, pos: QPointF) -> str | None:
        """The text shown when hovering ``pos`` (None over empty space)."""
        return network_text.tooltip_at(self, pos)

    def unit_description(self, column: int, unit: int) -> str:
        return network_text.unit_description(self, column, unit)

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
        if pos is None:
            a, b = self.edge_segment(layer, i, j)
            pos = (a + b) / 2
        return self.weight_editor.open(layer, i, j, self.network.layers[layer].W[i, j], pos,
                                       self.font_scale)

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape and self.weight_editor.close():
            return
        super().keyPressEvent(event)


def _distance_to_segment(p: QPointF, a: QPointF, b: QPointF) -> float:
    dx, dy = b.x() - a.x(), b.y() - a.y()
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((p.x() - a.x()) * dx + (p.y() - a.y()) * dy) / length2))
    return math.hypot(p.x() - a.x() - t * dx, p.y() - a.y() - t * dy)
