"""The hidden space: where a hidden layer sends the input plane's grid and the data points.

For a layer of two units the picture is the layer's own plane (a₁, a₂); for a wider layer two
chosen units or the first two principal components of its activations.  A slider t (and its
Play button) morphs the picture from the input plane (t = 0) to the layer's space (t = 1),
point by point: ``(1 − t)·(x₁, x₂) + t·(u, v)``.  When the next layer is the single output
unit, its 0.5 line is drawn in the layer's space (at t = 1): a straight line there, however
bent the boundary is in the input plane.

The view draws a :class:`~backprop_lab.engine.analysis.hidden_space.HiddenSpace` it is given
(:meth:`HiddenSpaceView.set_space`) and asks for another layer or pair of units by signals.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QSlider,
                               QVBoxLayout, QWidget)

from ..style import colors
from ..style.plotting import pg

#: Grid lines of constant x₂ (running along x₁) and of constant x₁.
LINE_COLORS = ((33, 102, 172, 150), (120, 120, 120, 150))
OUTPUT_LINE = (120, 60, 200)
ANIMATION_SECONDS, TICK_MS = 1.5, 30


class HiddenSpaceView(QWidget):
    layerChosen = Signal(int)            # 0-based layer index
    unitsChosen = Signal(object)         # (i, j) of a wider layer, or None: principal comps

    def __init__(self, parent=None):
        super().__init__(parent)
        self.theme = colors.LIGHT
        self.space = None
        self._colors: np.ndarray | None = None
        self._widths: list[int] = []

        self.layer_box = QComboBox()
        self.layer_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.layer_box.currentIndexChanged.connect(self._layer_changed)
        self.units_box = QComboBox()
        self.units_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.units_box.setToolTip("Which two directions of a wider layer the picture shows")
        self._pairs: list = []                 # the units box's choices: None or (i, j)
        self.units_box.currentIndexChanged.connect(
            lambda i: self.unitsChosen.emit(self._pairs[i]) if i >= 0 else None)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 100)
        self.slider.setValue(100)
        self.slider.setToolTip("t = 0: the input plane; t = 1: the layer's space")
        self.slider.valueChanged.connect(lambda _v: self._draw())
        self.t_label = QLabel()
        self.play_button = QPushButton("Play")
        self.play_button.setToolTip("Morph the input plane into the layer's space")
        self.play_button.clicked.connect(self.toggle_animation)
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._advance)
        # Two short rows, so that the tab stays as narrow as the step inspector beside it.
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 0)
        bar.addWidget(QLabel("Layer"))
        bar.addWidget(self.layer_box)
        bar.addWidget(self.units_box)
        bar.addStretch(1)
        bar.addWidget(self.play_button)
        morph = QHBoxLayout()
        morph.setContentsMargins(4, 0, 4, 0)
        morph.addWidget(QLabel("input"))
        morph.addWidget(self.slider, 1)
        morph.addWidget(QLabel("layer"))
        morph.addWidget(self.t_label)
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.caption.setTextFormat(Qt.TextFormat.RichText)
        self.caption.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        self.plot = pg.PlotWidget()
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(False, False)
        self.plot.hideButtons()
        self.plot.setAspectLocked(True)
        self.grid_lines = [pg.PlotDataItem(pen=pg.mkPen(color, width=1.2), connect="finite")
                           for color in LINE_COLORS]
        self.train_points = pg.ScatterPlotItem(size=9, pxMode=True)
        self.test_points = pg.ScatterPlotItem(size=9, pxMode=True, symbol="s")
        self.output_line = pg.PlotDataItem(pen=pg.mkPen(OUTPUT_LINE, width=3,
                                                        style=Qt.PenStyle.DashLine))
        for item in (*self.grid_lines, self.output_line, self.train_points, self.test_points):
            self.plot.addItem(item)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(bar)
        layout.addLayout(morph)
        layout.addWidget(self.caption)
        layout.addWidget(self.plot, 1)
        self._draw()

    # ------------------------------------------------------------------ choices
    @property
    def t(self) -> float:
        return self.slider.value() / 100.0

    def set_t(self, t: float) -> None:
        self.slider.setValue(round(100 * min(max(t, 0.0), 1.0)))

    def set_layers(self, widths: list[int], chosen: int) -> None:
        """The hidden layers offered (their widths, layer 0 first) and the one shown."""
        self._widths = list(widths)
        self.layer_box.blockSignals(True)
        self.layer_box.clear()
        for k, width in enumerate(widths):
            self.layer_box.addItem(f"{k + 1} ({width} unit{'s' if width != 1 else ''})", k)
        self.layer_box.setCurrentIndex(chosen if 0 <= chosen < len(widths) else -1)
        self.layer_box.blockSignals(False)
        self._fill_units(widths[chosen] if 0 <= chosen < len(widths) else 0)

    def _layer_changed(self, index: int) -> None:
        if index < 0:
            return
        self._fill_units(self._widths[index])
        self.layerChosen.emit(self.layer_box.itemData(index))

    def _fill_units(self, width: int) -> None:
        """Two units of a layer wider than 2: principal components, or any pair."""
        self.units_box.blockSignals(True)
        self.units_box.clear()
        self._pairs = []
        if width > 2:
            self._pairs = [None] + [(i, j) for i in range(width) for j in range(i + 1, width)]
            self.units_box.addItem("principal components")
            for i, j in self._pairs[1:]:
                self.units_box.addItem(f"units {i + 1} and {j + 1}")
        self.units_box.setVisible(width > 2)
        self.units_box.blockSignals(False)

    @property
    def units(self):
        index = self.units_box.currentIndex()
        return self._pairs[index] if 0 <= index < len(self._pairs) else None

    def choose_units(self, units) -> None:
        """Show two units (i, j) of the layer, or None for its principal components."""
        self.units_box.setCurrentIndex(self._pairs.index(tuple(units) if units else None))

    # ------------------------------------------------------------------ data
    def set_space(self, space, class_colors: np.ndarray | None, note: str = "") -> None:
        """Draw ``space`` (a HiddenSpace); ``class_colors`` (k, 3) colour the points by class
        (None: regression, coloured by target on the diverging scale)."""
        self.space = space
        self._colors = class_colors
        self.caption.setText(note)
        self._draw()

    def clear(self, message: str) -> None:
        self.space = None
        self.caption.setText(message)
        self._draw()

    def _draw(self) -> None:
        self.t_label.setText(f"t = {self.t:.2f}")
        space = self.space
        if space is None:
            for item in (*self.grid_lines, self.output_line):
                item.setData([], [])
            self.train_points.setData([])
            self.test_points.setData([])
            return
        lines, points = space.at(self.t)
        for k, item in enumerate(self.grid_lines):
            x, y = _polylines(lines[k])
            item.setData(x, y)
        brushes = self._brushes(space.labels)
        test = space.is_test
        self.train_points.setData(pos=points[~test], brush=[brushes[i] for i in
                                                            np.flatnonzero(~test)],
                                  pen=pg.mkPen(40, 40, 40, 200, width=1))
        self.test_points.setData(pos=points[test], brush=[brushes[i] for i in
                                                          np.flatnonzero(test)],
                                 pen=pg.mkPen(40, 40, 40, 200, width=1))
        at_layer = self.t >= 0.999
        u, v = space.frame.labels
        labels = ((u, v) if at_layer else ("x₁", "x₂") if self.t <= 0.001 else
                  (f"(1 − t)·x₁ + t·{u}", f"(1 − t)·x₂ + t·{v}"))
        self.plot.setLabel("bottom", labels[0])
        self.plot.setLabel("left", labels[1])
        box = _bounds(lines, points)
        self.plot.setRange(xRange=box[0], yRange=box[1], padding=0.06)
        x, y = (_line_in(space.output_line, box) if at_layer and space.output_line is not None
                else ([], []))
        self.output_line.setData(x, y)

    def _brushes(self, labels: np.ndarray) -> list:
        if self._colors is None:
            scale = float(np.max(np.abs(labels))) or 1.0
            return [pg.mkBrush(colors.diverging_color(v, scale, self.theme)) for v in labels]
        table = [pg.mkBrush(*c) for c in self._colors]
        return [table[int(v) % len(table)] for v in labels]

    # ------------------------------------------------------------------ animation
    def toggle_animation(self) -> None:
        if self._timer.isActive():
            self._timer.stop()
            self.play_button.setText("Play")
            return
        if self.t >= 0.999:
            self.set_t(0.0)
        self._timer.start()
        self.play_button.setText("Pause")

    @property
    def animating(self) -> bool:
        return self._timer.isActive()

    def _advance(self) -> None:
        step = TICK_MS / 1000.0 / ANIMATION_SECONDS
        self.set_t(self.t + step)
        if self.t >= 0.999:
            self._timer.stop()
            self.play_button.setText("Play")

    def set_theme(self, theme) -> None:
        self.theme = theme
        self._draw()


def _polylines(lines: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(n_lines, points, 2) → x, y with a NaN between lines (one item draws them all)."""
    n, m, _ = lines.shape
    padded = np.full((n, m + 1, 2), np.nan)
    padded[:, :m] = lines
    flat = padded.reshape(-1, 2)
    return flat[:, 0], flat[:, 1]


def _bounds(lines: np.ndarray, points: np.ndarray) -> tuple[tuple[float, float], ...]:
    everything = np.vstack([lines.reshape(-1, 2), points])
    everything = everything[np.isfinite(everything).all(axis=1)]
    if not len(everything):
        return (-1.0, 1.0), (-1.0, 1.0)
    lo, hi = everything.min(axis=0), everything.max(axis=0)
    half = np.maximum((hi - lo) / 2, 1e-3)
    mid = (hi + lo) / 2
    return (mid[0] - half[0], mid[0] + half[0]), (mid[1] - half[1], mid[1] + half[1])


def _line_in(line: tuple[float, float, float], box) -> tuple[np.ndarray, np.ndarray]:
    """The part of w_u·u + w_v·v + c = 0 inside ``box`` (a little beyond), as two ends."""
    wu, wv, c = line
    (x0, x1), (y0, y1) = box
    pad = 0.1 * max(x1 - x0, y1 - y0)
    if abs(wv) >= abs(wu) and wv != 0:
        x = np.array([x0 - pad, x1 + pad])
        return x, -(wu * x + c) / wv
    if wu != 0:
        y = np.array([y0 - pad, y1 + pad])
        return -(wv * y + c) / wu, y
    return np.array([]), np.array([])


if __name__ == "__main__":
    from backprop_lab.engine.analysis.hidden_space import hidden_space
    from backprop_lab.gui.model.config import Config

    app = pg.mkQApp()
    session = Config(dataset="xor", n_samples=4, noise=0.0, test_fraction=0.0, hidden=[2],
                     activations=["tanh"], optimizer="adam", learning_rate=0.1,
                     batch_size=None).build_session()
    session.run(300)
    preview = HiddenSpaceView()
    preview.set_layers([2], 0)
    preview.set_space(hidden_space(session, 0), colors.class_colors(2))
    preview.resize(560, 560)
    preview.show()
    app.exec()
