"""The output plot: the network's output over the input plane with the data points on top.

Classification shows the class probability (two classes: orange → blue; more: each class's
color mixed by probability), regression the predicted value beside the target function on the
same color scale.  A selected unit's output can replace the network's as an overlay.
Plot items are created once and updated with ``setImage``/``setData``.
"""
from __future__ import annotations

import html
import math

import numpy as np
from ..style.plotting import pg
from PySide6.QtCore import QEvent, QRectF, Qt, Signal
from PySide6.QtGui import QFontMetricsF, QPainter
from PySide6.QtWidgets import (QApplication, QCheckBox, QGraphicsItem, QHBoxLayout, QLabel,
                               QSizePolicy, QVBoxLayout, QWidget)

from backprop_lab.engine.data.datasets import MULTICLASS, REGRESSION

from ..style import colors

from . import heatmaps
from .caption_bar import CaptionBar

HEATMAP_FADE = 0.35
DRAW_HELP = ("Draw your own data: click adds a point of the chosen class (class 0, orange, "
             "unless a number key chose another), right-click or Shift-click adds class 1 "
             "(blue), keys 0–7 choose the class, Ctrl-click (⌘-click) removes the nearest point")
VIRIDIS = (pg.colormap.get("viridis").getLookupTable(0.0, 1.0, 256, alpha=False)
           .astype(np.uint8))


class HeatmapImage(pg.ImageItem):
    """An image item whose cells are drawn as blocks (each cell one value of the grid), or
    blended into their neighbours when :attr:`interpolated` — for the coarser grids drawn while
    training plays, whose blocks would show."""

    interpolated = False

    def paint(self, painter, *args) -> None:
        smooth = QPainter.RenderHint.SmoothPixmapTransform
        before = painter.testRenderHint(smooth)
        painter.setRenderHint(smooth, self.interpolated)
        try:
            super().paint(painter, *args)
        finally:
            painter.setRenderHint(smooth, before)


def _plot() -> pg.PlotWidget:
    plot = pg.PlotWidget()
    plot.setMenuEnabled(False)
    plot.setMouseEnabled(False, False)
    plot.hideButtons()
    plot.setAspectLocked(True)
    plot.setLabel("bottom", "x₁")
    plot.setLabel("left", "x₂")
    # Fixed axis sizes: with the aspect locked, axes that resize with their tick labels can
    # feed back into the view's range and make the layout oscillate.
    plot.getAxis("left").setWidth(44)
    plot.getAxis("bottom").setHeight(36)
    leave_room_above(plot)
    return plot


def leave_room_above(plot: pg.PlotWidget) -> None:
    """Room above the plane for half a tick label in the application's type (already scaled
    in presentation mode): the topmost label ("1.5") was cut in half."""
    half_line = QFontMetricsF(QApplication.font()).height() * 0.6
    plot.getPlotItem().layout.setContentsMargins(1, math.ceil(half_line), 1, 1)


class BoundaryView(QWidget):
    #: A click on the plane: x₁, x₂, the mouse button and keyboard modifiers.
    planeClicked = Signal(float, float, object, object)
    #: Drawing: a point at (x₁, x₂) of a class; an erase at (x₁, x₂) (the nearest point goes).
    pointDrawn = Signal(float, float, int)
    pointErased = Signal(float, float)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.theme = colors.LIGHT
        # The heatmap is a paler version of the class colors so the points stand out on it.
        self.lut = colors.faded(colors.diverging_lut(self.theme), HEATMAP_FADE, self.theme)
        self.data = None
        self.point_size = 8.0
        self.discrete = False
        self.show_test = True
        self.output: np.ndarray | None = None     # (r, r, k) network output on the grid
        self.overlay: tuple[str, np.ndarray, str] | None = None  # (title, (r, r), activation)

        self.caption = QLabel()
        # One line that may be cut short when narrow (the full text is in the tooltip).
        self.caption.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.test_box = QCheckBox("Test points")
        self.test_box.setChecked(True)
        self.test_box.toggled.connect(self.set_show_test)
        self.discrete_box = QCheckBox("Discretize")
        self.discrete_box.toggled.connect(self.set_discrete)
        self.draw_box = QCheckBox("Add points")
        self.draw_box.setToolTip(DRAW_HELP)
        self.draw_box.toggled.connect(self.set_drawing)
        self.drawing = False
        self.draw_class = 0
        self.caption_bar = CaptionBar(self.caption,
                                      [self.draw_box, self.test_box, self.discrete_box])

        self.plot = _plot()
        self.image = HeatmapImage()
        self.plot.addItem(self.image)
        self.train_points = pg.ScatterPlotItem(size=8, pxMode=True)
        self.test_points = pg.ScatterPlotItem(size=8, pxMode=True, symbol="s")
        self.traced = pg.ScatterPlotItem(size=20, pxMode=True, brush=None,
                                         pen=pg.mkPen(self.theme.highlight, width=3))
        for points in (self.train_points, self.test_points):
            # The data's points stay put while the heatmap under them changes every frame:
            # kept as a picture of their pixels (remade when the points change), not
            # painted point by point at each repaint.
            points.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            self.plot.addItem(points)
        self.plot.addItem(self.traced)
        self.plot.scene().sigMouseClicked.connect(self._clicked)
        self.plot.installEventFilter(self)

        self.target_plot = _plot()
        self.target_image = pg.ImageItem()
        self.target_plot.addItem(self.target_image)
        self.target_plot.hide()

        # The plots without the caption and check boxes: what File ▸ Export pictures.
        self.plots_box = QWidget()
        plots = QHBoxLayout(self.plots_box)
        plots.setContentsMargins(0, 0, 0, 0)
        plots.addWidget(self.plot)
        plots.addWidget(self.target_plot)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.caption_bar)
        layout.addWidget(self.plots_box, 1)

    # ------------------------------------------------------------------ data
    def set_data(self, data, grid=None, target=None) -> None:
        """New dataset: its points, the plot's range and (regression) the target image."""
        self.data = data
        self.output = None                 # the old data's output fits no new drawing
        self.draw_box.setEnabled(self.can_draw)
        if self.drawing and not self.can_draw:
            self.set_drawing(False)
        self.draw_class = min(self.draw_class, max(data.n_classes, 2))
        if not data.is_planar:                 # shown by the predictions view instead
            for item in (self.train_points, self.test_points):
                item.setData(pos=np.zeros((0, 2)))
            return
        x_title, y_title = data.axis_titles
        for plot in (self.plot, self.target_plot):
            plot.setLabel("bottom", html.escape(x_title))     # a CSV's names: plain text
            plot.setLabel("left", html.escape(y_title))
        (x0, x1), (y0, y1) = grid.domain if grid is not None else data.domain
        # The images are placed by ``rect`` each time they are set (ImageItem.setRect needs an
        # image to scale against).
        self._rect = QRectF(x0, y0, x1 - x0, y1 - y0)
        for plot in (self.plot, self.target_plot):
            plot.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
        regression = data.task == REGRESSION
        self.target_plot.setVisible(regression and target is not None)
        self.discrete_box.setEnabled(not regression)
        self._levels = (0.0, 1.0)
        if regression and target is not None:
            lo, hi = float(np.nanmin(target)), float(np.nanmax(target))
            self._levels = (lo, hi if hi > lo else lo + 1.0)
            self._show(heatmaps.lut_image(target, *self._levels, VIRIDIS), self.target_image)
        self._set_points()

    def _brushes(self, labels: np.ndarray, alpha: int) -> list:
        """One brush per point, shared between points of one color (a class, or one of 64
        steps of the regression scale): pyqtgraph then renders each color's symbol once."""
        if self.data.task == REGRESSION:
            lo, hi = self._levels
            index = np.round(np.clip((labels - lo) / (hi - lo), 0, 1) * 63).astype(int)
            rgb = VIRIDIS[np.round(np.arange(64) * 255 / 63).astype(int)]
        else:
            index, rgb = labels, colors.class_colors(self.data.n_classes)
        palette = [pg.mkBrush(int(r), int(g), int(b), alpha) for r, g, b in rgb]
        return [palette[k] for k in index]

    def _set_points(self) -> None:
        data = self.data
        outline = pg.mkPen(self.theme.background, width=1.5)
        self.train_points.setData(pos=data.points_train, brush=self._brushes(data.y_train, 255),
                                  pen=outline)
        if len(data.y_test):
            self.test_points.setData(pos=data.points_test, brush=self._brushes(data.y_test, 150),
                                     pen=pg.mkPen(self.theme.text, width=1.5))
        else:
            self.test_points.setData(pos=np.zeros((0, 2)))
        self.test_points.setVisible(self.show_test)

    def set_theme(self, theme, scale: float = 1.0) -> None:
        self.theme = theme
        self.point_size = 8 * scale
        self.lut = colors.faded(colors.diverging_lut(theme), HEATMAP_FADE, theme)
        self.traced.setPen(pg.mkPen(theme.highlight, width=3 * scale))
        self.traced.setSize(20 * scale)
        for item in (self.train_points, self.test_points):
            item.setSize(self.point_size)
        for plot in (self.plot, self.target_plot):
            plot.getAxis("left").setWidth(int(44 * scale))
            plot.getAxis("bottom").setHeight(int(36 * scale))
            leave_room_above(plot)
        if self.data is not None and self.data.is_planar:
            self._set_points()
            self._draw()

    def set_traced(self, point) -> None:
        """Ring the traced training point (None: no ring)."""
        self.traced.setData(pos=np.zeros((0, 2)) if point is None else np.asarray([point]))

    # ------------------------------------------------------------------ output
    def set_interpolated(self, on: bool) -> None:
        """Cells blended into their neighbours (a coarse grid while training plays), or drawn
        as blocks: each the value computed there (at rest)."""
        if self.image.interpolated != on:
            self.image.interpolated = on
            self.image.update()

    def set_output(self, output: np.ndarray) -> None:
        """The network's output on the grid, (r, r, k)."""
        self.output = output
        if self.overlay is None:
            self._draw()

    def set_overlay(self, overlay: tuple[str, np.ndarray, str] | None) -> None:
        """Show one unit's output (title, (r, r) values, activation) instead, or None."""
        self.overlay = overlay
        self._draw()

    def displayed_image(self) -> np.ndarray | None:
        """What the heatmap shows right now (for tests)."""
        return self.image.image

    def _draw(self) -> None:
        if self.data is None or not self.data.is_planar:
            return
        if self.overlay is not None:
            title, values, activation = self.overlay
            self._show(heatmaps.diverging_image(heatmaps.scaled(values, activation), self.lut))
            self._set_caption(f"<b>{title}</b> — click the unit again to show the output")
            return
        if self.output is None:
            return
        out, task = self.output, self.data.task
        if task == REGRESSION:
            self._show(heatmaps.lut_image(out[:, :, 0], *self._levels, VIRIDIS))
            caption = ("Prediction ŷ(x₁, x₂) (left) and the target function (right), on one "
                       "color scale" if self.target_plot.isVisibleTo(self) else
                       "Prediction ŷ(x₁, x₂)")
        elif task == MULTICLASS or out.shape[2] > 1:
            n = max(self.data.n_classes, out.shape[2])
            self._show(colors.faded(colors.class_mix_image(out, n, self.theme, self.discrete),
                                    HEATMAP_FADE, self.theme))
            caption = "Most likely class (color), faded where the network is unsure"
        else:
            p = out[:, :, 0]
            if self.discrete:
                p = (p > 0.5).astype(float)
            self._show(heatmaps.lut_image(p, 0.0, 1.0, self.lut))
            caption = "P(class 1): blue = class 1, orange = class 0"
        self._set_caption(caption)

    def _set_caption(self, text: str) -> None:
        if self.drawing:
            color = colors.class_colors(max(self.data.n_classes, self.draw_class + 1, 2))[
                self.draw_class]
            new = " (new)" if self.draw_class >= max(self.data.n_classes, 2) else ""
            text = (f"<b>Drawing</b> <span style='color:rgb{tuple(map(int, color))}'>■</span> "
                    f"class {self.draw_class}{new} · right: 1 · Ctrl: remove · keys 0–7")
        if text == self.caption.text():
            return                         # (as every frame while training plays)
        self.caption.setText(text)
        self.caption.setToolTip(DRAW_HELP if self.drawing else text)
        self.caption_bar.relayout()

    def _show(self, rgb: np.ndarray, image: pg.ImageItem | None = None) -> None:
        """Put an RGB image (row 0 = lowest x₂) over the grid's domain."""
        (image or self.image).setImage(rgb, levels=(0, 255), rect=self._rect)

    # ------------------------------------------------------------------ toggles
    def set_discrete(self, on: bool) -> None:
        self.discrete = bool(on)
        if self.discrete_box.isChecked() != self.discrete:
            self.discrete_box.setChecked(self.discrete)
        self._draw()

    def set_show_test(self, on: bool) -> None:
        self.show_test = bool(on)
        if self.test_box.isChecked() != self.show_test:
            self.test_box.setChecked(self.show_test)
        self.test_points.setVisible(self.show_test)

    # ------------------------------------------------------------------ drawing
    @property
    def can_draw(self) -> bool:
        return (self.data is not None and self.data.is_planar
                and self.data.task != REGRESSION)

    def set_drawing(self, on: bool) -> None:
        """Clicks add and remove points (on) or trace samples (off)."""
        self.drawing = bool(on) and self.can_draw
        if self.draw_box.isChecked() != self.drawing:
            self.draw_box.setChecked(self.drawing)
        self.plot.setCursor(Qt.CursorShape.CrossCursor if self.drawing
                            else Qt.CursorShape.ArrowCursor)
        self._draw()

    def set_draw_class(self, label: int) -> None:
        n = max(self.data.n_classes, 2) if self.data is not None else 2
        self.draw_class = max(0, min(int(label), n, 7))    # one past the last adds a class
        self._draw()

    def eventFilter(self, watched, event) -> bool:
        if (watched is self.plot and event.type() == QEvent.Type.KeyPress and self.drawing
                and Qt.Key.Key_0 <= event.key() <= Qt.Key.Key_7):
            self.set_draw_class(event.key() - Qt.Key.Key_0)
            return True
        return super().eventFilter(watched, event)

    def _clicked(self, event) -> None:
        vb = self.plot.getViewBox()
        if not vb.sceneBoundingRect().contains(event.scenePos()):
            return
        point = vb.mapSceneToView(event.scenePos())
        x, y = point.x(), point.y()
        if not self.drawing:
            self.planeClicked.emit(x, y, event.button(), event.modifiers())
            return
        self.plot.setFocus()
        modifiers = event.modifiers()
        if modifiers & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.MetaModifier):
            self.pointErased.emit(x, y)
        elif (event.button() == Qt.MouseButton.RightButton
              or modifiers & Qt.KeyboardModifier.ShiftModifier):
            self.pointDrawn.emit(x, y, 1)
        elif event.button() == Qt.MouseButton.LeftButton:
            self.pointDrawn.emit(x, y, self.draw_class)
