"""What replaces the output plot when the data is not 2-D (handwritten digits, a CSV with
many inputs): the confusion matrix, sample predictions and — for image data — the first
layer's weights of each hidden unit drawn as images.

The numbers come from the engine (``Network.forward``, :mod:`backprop_lab.engine.training.metrics`); this module
only lays them out and colors them.
"""
from __future__ import annotations

import html

import numpy as np
from PySide6.QtCore import QEvent, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from backprop_lab.engine.data.datasets import REGRESSION
from backprop_lab.engine.training.metrics import (confusion_matrix, mean_absolute_error,
                                                  precision_recall, predicted_classes, r_squared)

from ..style import colors
from ..style.plotting import pg
from .confusion_matrix_view import ConfusionMatrix
from .image_strip import CELL, ImageStrip, gray_image, image_shape, weight_images
from .steady_label import SteadyLabel, padded

N_SAMPLES = 24          # sample predictions shown
WEIGHTS_TITLE = "<b>First-layer weights</b> of each hidden unit (blue +, orange −)"
RIGHT, WRONG = "✓", "✗"


class PredictionsView(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.theme = colors.LIGHT
        self.lut = colors.diverging_lut(self.theme)
        self.data = None
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.split = QComboBox()
        self.split.addItem("Test set", "test")
        self.split.addItem("Training set", "train")
        self.split.setToolTip("Which samples the matrix and the predictions are about")
        top = QGridLayout()
        top.addWidget(self.title, 0, 0)
        top.addWidget(self.split, 0, 1, Qt.AlignmentFlag.AlignTop)
        top.setColumnStretch(0, 1)
        self.weights_title = QLabel(WEIGHTS_TITLE)
        self.weights_title.setToolTip("Each hidden unit's 64 incoming weights drawn as an 8×8 "
                                      "image, each on its own scale: the pattern the unit "
                                      "responds to")
        self.weights_title.setWordWrap(True)
        self.weights = ImageStrip(max_rows=3)
        # Texts that change with every update while training plays keep their size while
        # their shape stays (see SteadyLabel): each change had re-laid the view out.
        self.matrix_title = SteadyLabel()
        self.scores = SteadyLabel()
        self.scores.setTextFormat(Qt.TextFormat.RichText)
        self.scores.setWordWrap(True)
        self.matrix = ConfusionMatrix()
        self.scatter = pg.PlotWidget()
        self.scatter.setMenuEnabled(False)
        self.scatter.hideButtons()
        self.scatter.setLabel("bottom", "target y")
        self.scatter.setLabel("left", "prediction ŷ")
        self.scatter_points = pg.ScatterPlotItem(size=6, pen=None,
                                                 brush=pg.mkBrush(*colors.POSITIVE, 160))
        self.scatter.addItem(self.scatter_points)
        self.diagonal = pg.PlotCurveItem(pen=pg.mkPen(128, 128, 128, width=1,
                                                      style=Qt.PenStyle.DashLine))
        self.scatter.addItem(self.diagonal)
        self.samples_title = QLabel()
        self.samples = ImageStrip()
        # A plain label: its predicted class names change width without changing shape.
        self.samples_text = QLabel()
        self.samples_text.setTextFormat(Qt.TextFormat.RichText)
        # Weights across the top; the matrix (or scatter) beside the sample predictions, or
        # above them in a narrow column (see _arrange).  In a scroll area, so a short window
        # scrolls instead of overlapping the parts.
        body = QWidget()
        self._grid = grid = QGridLayout(body)
        grid.setContentsMargins(4, 4, 4, 4)
        grid.addLayout(top, 0, 0, 1, 2)
        grid.addWidget(self.weights_title, 1, 0, 1, 2)
        grid.addWidget(self.weights, 2, 0, 1, 2)
        grid.addWidget(self.matrix_title, 3, 0)
        grid.addWidget(self.matrix, 4, 0)
        grid.addWidget(self.scatter, 4, 0)
        grid.addWidget(self.scores, 5, 0, 1, 2)
        self._samples = QVBoxLayout()
        self._samples.addWidget(self.samples)
        self._samples.addWidget(self.samples_text)
        self._samples.addStretch(1)
        grid.setRowStretch(4, 1)
        self._network = None
        self.narrow: bool | None = None
        self._arrange(False)
        for label in (self.matrix_title, self.samples_title):
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignBottom | Qt.AlignmentFlag.AlignLeft)
        scroll = _RoomyScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # The held labels let go when their room changes: the view resized, or its vertical
        # scroll bar come or gone.
        scroll.roomChanged.connect(self._room_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self.split.currentIndexChanged.connect(lambda _i: self._changed())

    #: Below this width (in widths of "0" of the view's font) the sample predictions go under
    #: the matrix and the scores become a table of a class a row: side by side, with the
    #: scores a class a column, the body was wider than a 1024- or 1280-pixel window's
    #: column and was cut at its right (the view does not scroll sideways).
    WIDE = 64

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._arrange(self.width() < self.WIDE * self.fontMetrics().horizontalAdvance("0"))

    def _room_changed(self) -> None:
        for label in (self.matrix_title, self.scores):
            label.release()

    def _arrange(self, narrow: bool) -> None:
        if narrow == self.narrow:
            return
        self.narrow = narrow
        grid = self._grid
        grid.removeWidget(self.samples_title)
        grid.removeItem(self._samples)
        if narrow:
            grid.addWidget(self.samples_title, 6, 0, 1, 2)
            grid.addLayout(self._samples, 7, 0, 1, 2)
        else:
            grid.addWidget(self.samples_title, 3, 1)
            grid.addLayout(self._samples, 4, 1)
        grid.setColumnStretch(1, 0 if narrow else 1)
        grid.setColumnStretch(0, 1)
        self._changed()

    def set_theme(self, theme, scale: float = 1.0) -> None:
        self.theme = theme
        self.lut = colors.diverging_lut(theme)
        self.matrix.theme = theme
        for strip in (self.weights, self.samples):
            strip.set_cell(int(CELL * (1 + (scale - 1) / 2)))     # larger type, not ×1.6 cells
        self._changed()

    def set_data(self, data) -> None:
        self.data = data
        self._network = None          # the old network may not take the new data's inputs
        has_test = len(data.y_test) > 0
        with QSignalBlocker(self.split):
            self.split.clear()
            if has_test:
                self.split.addItem("Test set", "test")
            if data.has_validation:
                self.split.addItem("Validation set", "validation")
            self.split.addItem("Training set", "train")
            self.split.setCurrentIndex(0)
        self.split.setEnabled(self.split.count() > 1)
        image = image_shape(data) is not None
        regression = data.task == REGRESSION
        self.weights_title.setVisible(image)
        self.weights.setVisible(image)
        self.matrix.setVisible(not regression)
        self.matrix_title.setVisible(not regression)
        self.scatter.setVisible(regression)
        self.samples.setVisible(image)
        self.samples_text.setVisible(not image)
        kind = ("images" if image else
                f"samples of {data.n_inputs} input{'s' if data.n_inputs != 1 else ''}")
        val = f" / {len(data.y_val)} validation" if data.has_validation else ""
        self.title.setText(f"<b>{html.escape(data.name)}</b>: {len(data.y_train)} train / "
                           f"{len(data.y_test)} test{val} {kind}")
        self.title.setToolTip("The confusion matrix (or predictions against targets), the "
                              "scores of every class and sample predictions" + (
                                  "" if data.is_planar else
                                  " — shown instead of the boundary plot for data that is "
                                  "not 2-D"))

    def _changed(self) -> None:
        if self._network is not None:
            self.show_network(self._network)

    def show_network(self, network) -> None:
        """Redraw from ``network``'s predictions on the chosen split."""
        self._network = network
        data = self.data
        if data is None:
            return
        split = self.split.currentData() or "train"
        X, y = {"test": (data.X_test, data.y_test), "validation": (data.X_val, data.y_val)}.get(
            split, (data.X_train, data.y_train))
        which = {"train": "training"}.get(split, split)
        with np.errstate(all="ignore"):
            A = network.forward(X)           # evaluation: no unit is dropped
        shape = image_shape(data)
        if shape is not None and len(network.layers) > 1:
            self.weights_title.setText(WEIGHTS_TITLE)
            self.weights.set_items([(rgb, f"{j + 1}", None) for j, rgb in
                                    enumerate(weight_images(network.layers[0].W, shape,
                                                            self.lut))])
        elif shape is not None:
            self.weights_title.setText("<b>Weights</b> of each output unit (no hidden layer)")
            self.weights.set_items([(rgb, data_name(data, j), None) for j, rgb in
                                    enumerate(weight_images(network.layers[0].W, shape,
                                                            self.lut))])
        if data.task == REGRESSION:
            A = data.target_units(A)         # the network's outputs in the data's units
            self._show_regression(A[:, 0], y, which)
            self.scores.setText(f"<b>R²</b> {r_squared(A, y):.3f} &nbsp; <b>mean absolute "
                                f"error</b> {mean_absolute_error(A, y):.4g} ({which})")
            return
        predicted = predicted_classes(A)
        k = max(data.n_classes, 2)
        matrix = confusion_matrix(y, predicted, k)
        names = tuple(data_name(data, c) for c in range(k))
        self.matrix.set_matrix(matrix, names)
        self.scores.setText(scores_table(matrix, names, by_row=bool(self.narrow)))
        right = int(np.trace(matrix))
        count = padded(str(right), len(str(len(y))))
        share = padded(f"{right / max(len(y), 1):.1%}", 6)
        self.matrix_title.setText(f"<b>Confusion matrix</b> ({which}): {count}/{len(y)} "
                                  f"right, {share}")
        n = min(N_SAMPLES, len(y))
        confidence = A[:n].max(axis=1) if A.shape[1] > 1 else np.where(
            predicted[:n] == 1, A[:n, 0], 1 - A[:n, 0])
        self.samples_title.setText(f"<b>Predictions</b> ({which}): {RIGHT} right, "
                                   f"{WRONG} then the truth")
        good, bad = QColor(self.theme.positive_text), QColor(self.theme.negative_text)
        if shape is not None:
            items = []
            for i in range(n):
                ok = predicted[i] == y[i]
                caption = (f"{names[predicted[i]]} {RIGHT}" if ok
                           else f"{names[predicted[i]]} {WRONG}{names[y[i]]}")
                items.append((gray_image(X[i], shape), caption, good if ok else bad))
            self.samples.set_items(items)
        else:
            rows = "".join(
                f"<tr><td>{i + 1}</td><td>{html.escape(names[y[i]])}</td>"
                f"<td style='color:{self.theme.positive_text if predicted[i] == y[i] else self.theme.negative_text}'>"
                f"{html.escape(names[predicted[i]])} {RIGHT if predicted[i] == y[i] else WRONG}</td>"
                f"<td>{confidence[i]:.0%}</td></tr>" for i in range(min(n, 10)))
            self.samples_text.setText("<table cellspacing=6><tr><th>#</th><th>true</th>"
                                      f"<th>predicted</th><th>p</th></tr>{rows}</table>")

    def _show_regression(self, prediction: np.ndarray, y: np.ndarray, which: str) -> None:
        finite = np.isfinite(prediction)
        self.scatter_points.setData(y[finite], prediction[finite])
        if len(y):
            lo, hi = float(np.min(y)), float(np.max(y))
            self.diagonal.setData([lo, hi], [lo, hi])
        self.samples_title.setText(f"<b>Prediction against target</b> ({which}): exact on "
                                   "the dashed line")
        rows = "".join(f"<tr><td>{i + 1}</td><td>{y[i]:.4g}</td><td>{prediction[i]:.4g}</td>"
                       f"</tr>" for i in range(min(len(y), 8)))
        self.samples_text.setText("<table cellspacing=6><tr><th>#</th><th>target</th>"
                                  f"<th>prediction</th></tr>{rows}</table>")


class _RoomyScrollArea(QScrollArea):
    """A scroll area that says when the room for its contents changes (its viewport
    resized: the area itself, or its scroll bar come or gone)."""

    roomChanged = Signal()

    def viewportEvent(self, event) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.roomChanged.emit()
        return super().viewportEvent(event)


def scores_table(matrix: np.ndarray, names, by_row: bool = False) -> str:
    """Precision and recall of every class, as a small table (names escaped): a class a
    column, or a class a row (``by_row``: narrow, and as tall as the classes are many)."""
    precision, recall = precision_recall(matrix)

    def pct(v):
        return "—" if not np.isfinite(v) else padded(f"{v:.0%}", 4)
    names = [html.escape(str(n)) for n in names]
    if by_row:
        rows = "".join(f"<tr><td>{n}</td><td align=right>{pct(p)}</td>"
                       f"<td align=right>{pct(r)}</td></tr>"
                       for n, p, r in zip(names, precision, recall))
        table = ("<table cellspacing=4><tr><th align=left>class</th><th>precision</th>"
                 f"<th>recall</th></tr>{rows}</table>")
    else:
        head = "".join(f"<th>{n}</th>" for n in names)
        rows = (f"<tr><td>precision</td>{''.join(f'<td>{pct(v)}</td>' for v in precision)}"
                f"</tr><tr><td>recall</td>{''.join(f'<td>{pct(v)}</td>' for v in recall)}</tr>")
        table = f"<table cellspacing=4><tr><th align=left>per class</th>{head}</tr>{rows}</table>"
    return (table + "<small>precision: of the samples predicted as the class, the share that "
                    "is; recall: of the samples of the class, the share found</small>")


def data_name(data, label: int) -> str:
    names = data.class_names
    return names[label] if label < len(names) else str(label)
