"""The loss landscape: the training loss over a 2-D slice of weight space, with the path.

A colour map of log₁₀ L(a, b) over the slice θ₀ + a·d₁ + b·d₂ with contour lines, the
optimizer's path (the timeline's snapshots projected onto the slice), pinned runs' paths as
dashed ghosts, and the weights shown now as a ring.  For two chosen weights the axes read the
weights' own values; otherwise the coordinates a and b along d₁ and d₂.

The view draws what it is given (:meth:`LandscapeView.set_slice`, :meth:`set_path`,
:meth:`set_ghosts`, :meth:`set_live_point`) and says what the user asks for by signals: the
kind of directions, a recomputation, a point clicked on the surface (to train from there).
Plot items are created once and updated.
"""
from __future__ import annotations

import html

import numpy as np
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QTransform
from PySide6.QtWidgets import (QCheckBox, QComboBox, QHBoxLayout, QLabel, QPushButton, QSizePolicy,
                               QVBoxLayout, QWidget)

from ..style import colors
from ..style.plotting import pg

#: The kinds of directions, as the chooser lists them.
DIRECTION_CHOICES = (("pca", "PCA of the path"), ("random", "Random (filter-normalized)"),
                     ("weights", "Two chosen weights"))
CONTOURS = 10
COLORMAP = pg.colormap.get("viridis")
PATH_COLOR, PATH_EDGE, LIVE_COLOR = (255, 255, 255), (20, 20, 20), (230, 97, 1)
GHOST_WIDTH, GHOST_EDGE, GHOST_DASHES = 3.0, 5.5, (12.0, 6.0)     # dashes in pixels


class LandscapeView(QWidget):
    directionsChosen = Signal(str)       # "pca", "random" or "weights"
    recomputeRequested = Signal()
    pickingToggled = Signal(bool)        # choose the two weights by clicking edges
    followToggled = Signal(bool)         # recompute by itself when θ moves a visible distance
    pointChosen = Signal(float, float)   # (a, b) on the slice: train from there

    def __init__(self, parent=None):
        super().__init__(parent)
        self.theme = colors.LIGHT
        self.origin = (0.0, 0.0)         # what the axes read at a = b = 0
        self.loss: np.ndarray | None = None
        self.a = self.b = None

        self.directions_box = QComboBox()
        for key, label in DIRECTION_CHOICES:
            self.directions_box.addItem(label, key)
        self.directions_box.setToolTip("The two directions d₁, d₂ of weight space the slice "
                                       "spans")
        self.directions_box.currentIndexChanged.connect(
            lambda i: self.directionsChosen.emit(self.directions_box.itemData(i)))
        self.pick_button = QPushButton("Pick 2 edges")
        self.pick_button.setCheckable(True)
        self.pick_button.setToolTip("Then click two edges of the network graph: the slice is "
                                    "the loss as those two weights change")
        self.pick_button.toggled.connect(self.pickingToggled)
        self.follow_box = QCheckBox("Follow")
        self.follow_box.setChecked(True)
        self.follow_box.setToolTip("Compute the slice again when the weights move out of it "
                                   "or out of the picture")
        self.follow_box.toggled.connect(self.followToggled)
        self.recompute_button = QPushButton("Recompute")
        self.recompute_button.setToolTip("The slice through the weights shown now")
        self.recompute_button.clicked.connect(self.recomputeRequested)
        # Two short rows rather than one long one: the tab stays as narrow as the step
        # inspector beside it, so the window still fits a 1280-pixel screen.
        self.directions_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.directions_box.setMinimumContentsLength(14)
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 0)
        bar.addWidget(QLabel("Directions"))
        bar.addWidget(self.directions_box, 1)
        bar.addWidget(self.pick_button)
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.caption.setTextFormat(Qt.TextFormat.RichText)
        self.caption.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        row = QHBoxLayout()
        row.setContentsMargins(4, 0, 4, 0)
        row.addWidget(self.caption, 1)
        row.addWidget(self.follow_box, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.recompute_button, 0, Qt.AlignmentFlag.AlignTop)

        self.plot = pg.PlotWidget()
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(False, False)
        self.plot.hideButtons()
        item = self.plot.getPlotItem()
        self.image = pg.ImageItem()
        self.plot.addItem(self.image)
        self.colorbar = pg.ColorBarItem(values=(0, 1), colorMap=COLORMAP, interactive=False,
                                        label="log₁₀ loss", width=14, colorMapMenu=False)
        self.colorbar.setImageItem(self.image, insert_in=item)
        self.contours = [pg.IsocurveItem(pen=pg.mkPen(255, 255, 255, 110, width=1))
                         for _ in range(CONTOURS)]
        for contour in self.contours:
            self.plot.addItem(contour)
        self.legend = item.addLegend(offset=(-8, 8), labelTextSize="8pt")
        self.ghosts: list[pg.PlotDataItem] = []
        self._ghost_edges: list[pg.PlotDataItem] = []
        self.path_edge = pg.PlotDataItem(pen=pg.mkPen(PATH_EDGE, width=4.5))
        self.path = pg.PlotDataItem(pen=pg.mkPen(PATH_COLOR, width=2), symbol="o",
                                    symbolSize=4, symbolBrush=PATH_COLOR, symbolPen=None)
        self.start = pg.ScatterPlotItem(size=9, symbol="s", brush=pg.mkBrush(PATH_COLOR),
                                        pen=pg.mkPen(PATH_EDGE, width=1.5))
        self.live = pg.ScatterPlotItem(size=17, symbol="o", brush=None,
                                       pen=pg.mkPen(LIVE_COLOR, width=3.5))
        for curve in (self.path_edge, self.path, self.start, self.live):
            self.plot.addItem(curve)
        self.path_edge.setZValue(5)
        self.path.setZValue(6)
        self.start.setZValue(8)
        self.live.setZValue(9)
        # The legend's sample of this run (white on the legend's light background would not
        # show): not drawn on the plot, only in the legend, when there are ghosts to tell apart.
        self.path_sample = pg.PlotDataItem(pen=pg.mkPen(PATH_EDGE, width=1.5), symbol="o",
                                           symbolSize=7, symbolBrush=PATH_COLOR,
                                           symbolPen=pg.mkPen(PATH_EDGE, width=1.5))
        self.plot.scene().sigMouseClicked.connect(self._clicked)
        self.plot.scene().sigMouseMoved.connect(self._hovered)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(bar)
        layout.addLayout(row)
        layout.addWidget(self.plot, 1)
        self.set_message("Train a few epochs, then the slice appears here.")

    # ------------------------------------------------------------------ controls
    @property
    def directions(self) -> str:
        return self.directions_box.currentData()

    def set_directions(self, kind: str) -> None:
        """Show ``kind`` in the chooser without asking for it again."""
        index = self.directions_box.findData(kind)
        if index >= 0 and index != self.directions_box.currentIndex():
            self.directions_box.blockSignals(True)
            self.directions_box.setCurrentIndex(index)
            self.directions_box.blockSignals(False)
        self.pick_button.setEnabled(kind == "weights")
        if kind != "weights" and self.pick_button.isChecked():
            self.pick_button.setChecked(False)

    def set_message(self, text: str) -> None:
        """One or two sentences over the plot (HTML allowed)."""
        self.caption.setText(text)

    def set_busy(self, busy: bool) -> None:
        self.recompute_button.setEnabled(not busy)
        self.recompute_button.setText("Computing…" if busy else "Recompute")

    # ------------------------------------------------------------------ data
    def set_slice(self, a: np.ndarray, b: np.ndarray, loss: np.ndarray, labels: tuple[str, str],
                  origin: tuple[float, float] = (0.0, 0.0)) -> None:
        """The surface: ``loss[r, c]`` = L(a[c], b[r]) on evenly spaced a (n,) and b (n,);
        ``origin`` is what the axes read at a = b = 0 (a weight's value)."""
        self.a, self.b, self.loss, self.origin = a, b, loss, origin
        shown = log_loss(loss)
        lo, hi = float(np.min(shown)), float(np.max(shown))
        hi = hi if hi > lo else lo + 1e-6
        self.image.setImage(shown, levels=(lo, hi), autoLevels=False)
        da, db = a[1] - a[0], b[1] - b[0]
        x0, y0 = origin[0] + a[0], origin[1] + b[0]
        self.image.setRect(QRectF(x0 - da / 2, y0 - db / 2, da * a.size, db * b.size))
        self.colorbar.setLevels((lo, hi))
        # Contours in the grid's index space, placed on the axes by a transform.
        place = QTransform()
        place.translate(x0, y0)
        place.scale(da, db)
        for level, contour in zip(np.linspace(lo, hi, CONTOURS + 2)[1:-1], self.contours):
            contour.setData(shown, level=float(level))
            contour.setTransform(place)
        self.plot.setLabel("bottom", labels[0])
        self.plot.setLabel("left", labels[1])
        self.plot.setRange(xRange=(x0 - da / 2, x0 + da * (a.size - 0.5)),
                           yRange=(y0 - db / 2, y0 + db * (b.size - 0.5)), padding=0)

    def clear_slice(self, message: str) -> None:
        self.loss = self.a = self.b = None
        self.image.clear()
        for contour in self.contours:
            contour.setData(None)
        self.set_path(np.empty((0, 2)))
        self.set_live_point(None)
        self.set_ghosts([])
        self.set_message(message)

    def set_path(self, path: np.ndarray) -> None:
        """The run's path (T, 2) in (a, b), oldest first."""
        x, y = self._shown(path)
        self.path_edge.setData(x, y)
        self.path.setData(x, y)
        self.start.setData(x[:1], y[:1])

    def set_ghosts(self, ghosts: list[tuple[str, tuple[int, int, int], np.ndarray]]) -> None:
        """Pinned runs' paths: (label, colour, path (T, 2)), dashed over a dark edge so that
        they stand out on every colour of the map."""
        for curve in self.ghosts + self._ghost_edges:
            self.plot.removeItem(curve)
            self.legend.removeItem(curve)
        self.legend.removeItem(self.path_sample)
        self.ghosts, self._ghost_edges = [], []
        for label, color, path in ghosts:
            x, y = self._shown(path)
            # The edge is dashed as well (the same dashes in pixels: Qt counts a dash
            # pattern in pen widths), so the live path shows through the gaps.
            edge_pen = pg.mkPen(PATH_EDGE, width=GHOST_EDGE)
            edge_pen.setDashPattern([d / GHOST_EDGE for d in GHOST_DASHES])
            pen = pg.mkPen(color, width=GHOST_WIDTH)
            pen.setDashPattern([d / GHOST_WIDTH for d in GHOST_DASHES])
            edge = pg.PlotDataItem(x, y, pen=edge_pen)
            curve = pg.PlotDataItem(x, y, pen=pen, name=html.escape(label))
            edge.setZValue(7)              # over the live path: ghosts are dashed
            curve.setZValue(7.5)
            self.plot.addItem(edge)
            self.plot.addItem(curve)
            self.ghosts.append(curve)
            self._ghost_edges.append(edge)
        if ghosts:
            self.legend.addItem(self.path_sample, "this run")

    def set_live_point(self, point: tuple[float, float] | None) -> None:
        """The weights shown now, (a, b) on the slice, or None."""
        if point is None:
            self.live.setData([], [])
            return
        x, y = self._shown(np.array([point]))
        self.live.setData(x, y)

    def _shown(self, path) -> tuple[np.ndarray, np.ndarray]:
        path = np.asarray(path, dtype=float).reshape(-1, 2)
        return path[:, 0] + self.origin[0], path[:, 1] + self.origin[1]

    # ------------------------------------------------------------------ mouse
    def slice_point(self, scene_pos) -> tuple[float, float] | None:
        """(a, b) under a scene position, or None outside the surface."""
        if self.loss is None:
            return None
        view = self.plot.getPlotItem().vb
        if not view.sceneBoundingRect().contains(scene_pos):
            return None
        p = view.mapSceneToView(scene_pos)
        a, b = p.x() - self.origin[0], p.y() - self.origin[1]
        if not (self.a[0] <= a <= self.a[-1] and self.b[0] <= b <= self.b[-1]):
            return None
        return float(a), float(b)

    def loss_at(self, a: float, b: float) -> float:
        """The computed loss at the grid point nearest (a, b)."""
        c = int(np.abs(self.a - a).argmin())
        r = int(np.abs(self.b - b).argmin())
        return float(self.loss[r, c])

    def _clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        point = self.slice_point(event.scenePos())
        if point is not None:
            self.pointChosen.emit(*point)

    def _hovered(self, scene_pos) -> None:
        point = self.slice_point(scene_pos)
        self.plot.setToolTip("" if point is None else
                             f"loss ≈ {self.loss_at(*point):.4g} here; click to set the "
                             "weights here and train on from them (Ctrl+Z undoes)")

    def set_theme(self, theme) -> None:
        self.theme = theme


def log_loss(loss: np.ndarray) -> np.ndarray:
    """log₁₀ of the loss for the colour map: losses that overflowed (inf, NaN) take the
    highest finite value, and 0 the lowest positive one (the map has no −∞)."""
    loss = np.asarray(loss, dtype=np.float64)
    finite = np.isfinite(loss) & (loss > 0)
    if not finite.any():
        return np.zeros_like(loss)
    lo, hi = loss[finite].min(), loss[finite].max()
    return np.ascontiguousarray(np.log10(np.clip(np.nan_to_num(loss, nan=hi, posinf=hi),
                                                 lo, hi)))


if __name__ == "__main__":
    from backprop_lab.engine.analysis.directions import random_directions
    from backprop_lab.engine.analysis.landscape import loss_slice
    from backprop_lab.gui.model.config import Config

    app = pg.mkQApp()
    session = Config(dataset="moons", hidden=[8, 8], activations=["tanh", "tanh"]).build_session()
    session.run(30)
    result = loss_slice(session, random_directions(session.network, seed=1))
    preview = LandscapeView()
    preview.set_slice(result.a, result.b, result.loss, result.directions.labels)
    preview.set_path(result.path)
    preview.set_live_point(tuple(result.path[-1]))
    preview.resize(640, 560)
    preview.show()
    app.exec()
