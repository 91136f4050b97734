"""The network graph's pictures that outlive a frame, so a repaint mostly copies pixels.

* **Thumbnails**: each column's units as one block of 32-bit pixels, made from uint8
  indices into the diverging lookup table with one table look-up; a column is remade only
  when one of its units changed by at least one color step.
* **Edges**: one transparent image per layer, holding that layer's antialiased edges; it is
  redrawn only when an edge's color step or width (in quarter pixels) changed.
* **Labels**: the background, the phase band, titles, input names, buttons and the legend in
  one opaque image, redrawn when the layout, the theme, the phase or the legend's text changes.

Everything is drawn by the functions of :mod:`.network_painter`, which also paint directly
onto vector devices (SVG export), where pictures of pixels would not do.
"""
from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QImage, QPainter

from . import network_painter as painter
from .network_layout import COMPACT_UNITS


def lut32(lut: np.ndarray) -> np.ndarray:
    """An (n, 3) uint8 RGB table as (n,) uint32 pixels of QImage.Format_RGB32 (0xffRRGGBB)."""
    rgb = lut.astype(np.uint32)
    return (0xFF000000 | (rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2]).astype(np.uint32)


class Thumbnails:
    """Per column of the graph, its units' pictures (see the module docstring)."""

    def __init__(self):
        self.clear()

    def clear(self) -> None:
        self.images: list[list[QImage]] = []         # per column, per unit (not compact)
        self.means: list[np.ndarray | None] = []     # per column, (n_units, 3) mean colors
        self._keys: list = []                         # per column, what it was made from
        self._pixels: list = []                       # per column, the images' memory

    def set_column(self, c: int, values, lut: np.ndarray | None) -> bool:
        """Column ``c`` from an (n_units, h, w) uint8 index array into ``lut`` (row 0 at
        the top), or from a list of (h, w, 3) RGB arrays (row 0 at the bottom); None keeps
        it.  True when the column changed."""
        while len(self._keys) <= c:
            self.images.append([])
            self.means.append(None)
            self._keys.append(None)
            self._pixels.append(None)
        if values is None:
            return False
        if lut is not None and isinstance(values, np.ndarray):
            key = ("lut", values, lut)
            old = self._keys[c]
            if (old is not None and old[0] == "lut" and old[1].shape == values.shape
                    and old[2] is lut and np.array_equal(old[1], values)):
                return False
            pixels = np.ascontiguousarray(lut32(lut)[values])            # (n, h, w)
            # Only wide layers (bars) need the mean color of each unit.
            means = (lut[values.reshape(len(values), -1)].mean(axis=1)
                     if len(values) > COMPACT_UNITS else None)
        else:
            key = ("rgb", [np.asarray(rgb) for rgb in values])
            arrays = [np.ascontiguousarray(np.asarray(rgb, dtype=np.uint8)[::-1])
                      for rgb in values]
            pixels = [lut32(a.reshape(-1, 3)).reshape(a.shape[:2]) for a in arrays]
            means = (np.array([a.reshape(-1, 3).mean(axis=0) for a in arrays]) if arrays
                     else np.zeros((0, 3)))
        self._keys[c], self._pixels[c], self.means[c] = key, pixels, means
        self.images[c] = ([] if len(pixels) > COMPACT_UNITS else
                          [QImage(p.data, p.shape[1], p.shape[0], 4 * p.shape[1],
                                  QImage.Format.Format_RGB32) for p in pixels])
        return True


class GraphPictures:
    """The cached edge and label images of one view (see the module docstring)."""

    def __init__(self):
        self.clear()

    def clear(self) -> None:
        self._labels: tuple | None = None              # (key, image)
        self._edges: dict[int, tuple] = {}             # layer → (key, image, top-left)

    # ------------------------------------------------------------------ labels
    def labels(self, view, key) -> QImage:
        """The background with the phase band and every label, for the view's size."""
        if self._labels is None or self._labels[0] != key:
            image = _new_image(view, view.width(), view.height())
            image.fill(view.theme.qcolor("background"))
            p = QPainter(image)
            try:
                p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
                painter.paint_phase_band(view, p)
                painter.paint_labels(view, p)
            finally:
                p.end()
            self._labels = (key, image)
        return self._labels[1]

    # ------------------------------------------------------------------ edges
    def edges(self, view, layer: int, style, key,
              may_draw: bool = True) -> tuple[QImage, QPointF] | None:
        """Layer ``layer``'s edges in ``style`` (colors, widths) as an image and where it
        goes; None when the layer has no room to draw in.  With ``may_draw`` False, a picture
        of an older style is returned as it is (it is redrawn on a later paint)."""
        cached = self._edges.get(layer)
        if cached is not None and (cached[0] == key or (not may_draw and cached[0][0] == key[0])):
            return cached[1], cached[2]
        area = _edge_area(view, layer)
        if area is None:
            return None
        image = _new_image(view, area.width(), area.height())
        image.fill(QColor(0, 0, 0, 0))
        p = QPainter(image)
        try:
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            p.translate(-area.left(), -area.top())
            painter.paint_layer_edges(view, p, layer, *style)
        finally:
            p.end()
        self._edges[layer] = (key, image, area.topLeft())
        return image, area.topLeft()

    def current(self, layer: int, key) -> bool:
        """True when layer ``layer``'s picture shows the edges ``key`` describes."""
        cached = self._edges.get(layer)
        return cached is not None and cached[0] == key


def paint_from_pictures(view, p: QPainter) -> None:
    """A view's paint on the screen: the labels and each layer's edges from their pictures
    (remade only when they changed, and under a budget by turns: see :func:`edges_to_redraw`;
    a budget is set only while training plays, whose frames come anyway), then what changes
    every frame."""
    size = (view.width(), view.height(), view.devicePixelRatioF(), view.line_scale,
            view.font().key(), id(view.theme), view._layout_version)
    p.drawImage(0, 0, view._pictures.labels(
        view, (size, view.phase_mark, view.input_names, view.legend_text())))
    palette = id(view.palette_colors())
    styles = view.edge_styles()
    keys, stale, cost = [], [], {}
    for layer, (color, width) in enumerate(styles):
        subset = view.edge_subsets[layer] if layer < len(view.edge_subsets) else None
        key = ((size, palette), color.tobytes(), width.tobytes(),
               None if subset is None else subset.tobytes())
        keys.append(key)
        if not view._pictures.current(layer, key):
            stale.append(layer)
            cost[layer] = color.size if subset is None else subset.size
    redraw, view.edge_credit = edges_to_redraw(stale, cost, view.edges_per_paint,
                                               view.next_edge_layer, view.edge_credit)
    if redraw:
        view.next_edge_layer = redraw[-1] + 1
    for layer, style in enumerate(styles):
        picture = view._pictures.edges(view, layer, style, keys[layer], layer in redraw)
        if picture is not None:
            p.drawImage(picture[1], picture[0])
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.paint_phase_flow(view, p)
    # Scaled thumbnails draw 5× faster without antialiasing, and their cells should
    # look like cells anyway; so do the marks' translucent boxes (15× faster: an
    # antialiased fill of a box at fractional coordinates took 0.5 ms).
    p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    painter.paint_units(view, p)
    painter.paint_unit_marks(view, p)


def edges_to_redraw(stale: list[int], cost: dict[int, int], budget: int | None,
                    first: int, credit: int = 0) -> tuple[list[int], int]:
    """The layers among ``stale`` (ascending) whose edges this paint redraws, and the credit
    of edges left for the next paint: all of them without a ``budget``; else by turns —
    from layer ``first`` on, wrapping round — each paint adding ``budget`` edges to the
    credit and a layer being drawn when the credit covers its edges.  The first layer that
    does not fit waits (keeping its turn) until the credit grown over the next paints covers
    it: a layer wider than the budget is redrawn every few paints, not in every paint, and
    taking turns, every layer is redrawn within a few paints even when the first ones
    change in every frame."""
    if budget is None or not stale:
        return stale, 0
    # Credit is saved only towards the widest layer waiting (none is hoarded).
    credit = min(credit + budget, budget + max(cost[layer] for layer in stale))
    chosen = []
    for layer in sorted(stale, key=lambda k: (k < first, k)):
        if cost[layer] > credit:
            break
        chosen.append(layer)
        credit -= cost[layer]
    return chosen, credit


def _new_image(view, width: float, height: float) -> QImage:
    ratio = view.devicePixelRatioF()
    image = QImage(max(1, round(width * ratio)), max(1, round(height * ratio)),
                   QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(ratio)
    return image


def _edge_area(view, layer: int) -> QRectF | None:
    """The strip between two columns where a layer's edges run (with room for wide pens)."""
    rects = view._rects
    if layer + 1 >= len(rects) or not rects[layer] or not rects[layer + 1]:
        return None
    pad = view.MAX_EDGE_WIDTH * view.line_scale + 2
    left = min(r.right() for r in rects[layer]) - pad
    right = max(r.left() for r in rects[layer + 1]) + pad
    top = min(rects[layer][0].top(), rects[layer + 1][0].top()) - pad
    bottom = max(rects[layer][-1].bottom(), rects[layer + 1][-1].bottom()) + pad
    if right <= left or bottom <= top:
        return None
    # Whole pixels, so the image's pixels fall on the widget's.
    left, top = math.floor(left), math.floor(top)
    return QRectF(left, top, math.ceil(right) - left, math.ceil(bottom) - top)


def raster(p: QPainter) -> bool:
    """True when ``p`` paints pixels (the screen, a grab), where cached pictures may be used;
    False for vector devices (SVG), which get every line and letter as a shape."""
    engine = p.paintEngine()
    return engine is not None and engine.type() == engine.Type.Raster

