"""What replaces the output plot when the data is not 2-D (handwritten digits, a CSV with
many inputs): the confusion matrix, sample predictions and — for image data — the first
layer's weights of each hidden unit drawn as images.

The numbers come from the engine (``Network.forward``, :mod:`backprop_lab.engine.training.metrics`); this module
only lays them out and colors them.
"""
from __future__ import annotations

import html

import numpy as np
from ..style.plotting import pg
from PySide6.QtCore import QRectF, QSignalBlocker, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import (QComboBox, QGridLayout, QLabel, QScrollArea, QSizePolicy,
                               QVBoxLayout, QWidget)

from backprop_lab.engine.data.datasets import REGRESSION
from backprop_lab.engine.training.metrics import (confusion_matrix, mean_absolute_error,
                                                  precision_recall, predicted_classes, r_squared)

from ..style import colors

from . import heatmaps
from .network_view import image_from_rgb

N_SAMPLES = 24          # sample predictions shown
WEIGHTS_TITLE = "<b>First-layer weights</b> of each hidden unit (blue +, orange −)"
CELL = 44               # pixels per image side (× the presentation scale)
RIGHT, WRONG = "✓", "✗"


def image_shape(data) -> tuple[int, int] | None:
    """(rows, columns) when each sample is an image (e.g. 8×8 digits), else None."""
    shape = data.params.get("image_shape") if data is not None else None
    if shape is None or len(shape) != 2 or int(shape[0]) * int(shape[1]) != data.n_inputs:
        return None
    return int(shape[0]), int(shape[1])


def weight_images(W: np.ndarray, shape: tuple[int, int], lut: np.ndarray) -> list[np.ndarray]:
    """First-layer weights W (n_inputs, n_units) → one RGB image (rows, cols, 3) per unit,
    row 0 at the top, orange < 0 < blue, each unit on its own scale (its largest |w| is full
    color) so that every unit's pattern shows, however large its weights."""
    W = np.nan_to_num(W, nan=0.0, posinf=0.0, neginf=0.0)
    peak = np.abs(W).max(axis=0)
    t = W / np.where(peak > 0, peak, 1.0)
    return [heatmaps.diverging_image(t[:, j].reshape(shape), lut) for j in range(W.shape[1])]


def gray_image(x: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """One sample's inputs as a dark-on-light grayscale image (rows, cols, 3), row 0 at top."""
    lo, hi = float(np.min(x)), float(np.max(x))
    t = (x - lo) / (hi - lo) if hi > lo else np.zeros_like(x)
    gray = np.round(255 * (1 - t)).astype(np.uint8).reshape(shape)
    return np.repeat(gray[:, :, None], 3, axis=2)


class ConfusionMatrix(QWidget):
    """Rows: true class, columns: predicted class; cells shaded by the share of the row."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.theme = colors.LIGHT
        self.matrix = np.zeros((2, 2), dtype=np.int64)
        self.names: tuple[str, ...] = ("0", "1")
        self.setMinimumSize(200, 200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_matrix(self, matrix: np.ndarray, names) -> None:
        self.matrix, self.names = np.asarray(matrix), tuple(names)
        self.update()

    def cell_rect(self, i: int, j: int) -> QRectF:
        k = len(self.names)
        m = self.fontMetrics()
        left = m.horizontalAdvance("true ") + max(m.horizontalAdvance(n) for n in self.names) + 8
        top = 2 * m.height() + 6
        side = max(min((self.width() - left - 4) / k, (self.height() - top - 4) / k), 4)
        return QRectF(left + j * side, top + i * side, side, side)

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        k = len(self.names)
        rows = self.matrix.sum(axis=1, keepdims=True)
        share = self.matrix / np.where(rows > 0, rows, 1)
        text = self.theme.qcolor("text")
        first = self.cell_rect(0, 0)
        p.setPen(text)
        p.drawText(QRectF(first.left(), 0, first.width() * k, self.fontMetrics().height()),
                   int(Qt.AlignmentFlag.AlignCenter), "predicted class →")
        small = QFont(self.font())
        for i in range(k):
            for j in range(k):
                r = self.cell_rect(i, j)
                base = colors.POSITIVE if i == j else colors.NEGATIVE
                alpha = int(round(230 * share[i, j])) if self.matrix[i, j] else 0
                p.fillRect(r, QColor(*base, alpha))
                p.setPen(QPen(self.theme.qcolor("neutral"), 1))
                p.drawRect(r)
                if self.matrix[i, j]:
                    small.setPointSizeF(max(min(r.height() * 0.32, self.font().pointSizeF()), 5))
                    p.setFont(small)
                    p.setPen(QColor(255, 255, 255) if share[i, j] > 0.55 else text)
                    p.drawText(r, int(Qt.AlignmentFlag.AlignCenter), str(int(self.matrix[i, j])))
            p.setFont(self.font())
            p.setPen(text)
            r = self.cell_rect(i, 0)
            p.drawText(QRectF(0, r.top(), r.left() - 4, r.height()),
                       int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                       ("true " if i == 0 else "") + self.names[i])
            top = self.cell_rect(0, i)
            # Column heads get one cell's width: long class names are cut short (the rows
            # on the left carry the full names).
            head = self.fontMetrics().elidedText(self.names[i], Qt.TextElideMode.ElideRight,
                                                 int(top.width()) - 2)
            p.drawText(QRectF(top.left(), self.fontMetrics().height() + 2, top.width(),
                              self.fontMetrics().height()),
                       int(Qt.AlignmentFlag.AlignCenter), head)
        p.end()


class ImageStrip(QWidget):
    """A wrapping row of small images, each with a caption under it."""

    #: Below this size a cell has no room for its caption.
    MIN_CAPTIONED = 28

    def __init__(self, parent=None, max_rows: int | None = None):
        super().__init__(parent)
        self.items: list[tuple[np.ndarray, str, QColor | None]] = []
        self._images = []
        self.base_cell = self.cell = CELL
        #: With many items the cells shrink (to 12 px at least) to stay within these rows.
        self.max_rows = max_rows
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_items(self, items) -> None:
        """(RGB image row 0 at top, caption, caption color or None) per cell."""
        self.items = list(items)
        self._images = [image_from_rgb(rgb[::-1]) for rgb, _c, _k in self.items]
        self._fit()
        self.update()

    def set_cell(self, cell: int) -> None:
        self.base_cell = self.cell = cell
        self._fit()

    def _fit(self) -> None:
        """Cells as large as the rows allow, and as tall as the rows need at this width."""
        cell = self.base_cell
        if self.max_rows and self.items:
            per_row = -(-len(self.items) // self.max_rows)
            cell = max(12, min(cell, self.width() // per_row - 6))
        self.cell = cell
        self.setFixedHeight(self.heightForWidth(max(self.width(), self.cell + 6)))

    def _caption_height(self) -> int:
        return self.fontMetrics().height() + 8 if self.cell >= self.MIN_CAPTIONED else 6

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()

    def _columns(self) -> int:
        return max(1, self.width() // (self.cell + 6))

    def heightForWidth(self, width: int) -> int:
        columns = max(1, width // (self.cell + 6))
        rows = -(-len(self.items) // columns) if self.items else 0
        return rows * (self.cell + self._caption_height())

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        columns = self._columns()
        line = self.fontMetrics().height()
        captions = self.cell >= self.MIN_CAPTIONED
        for n, (image, (_rgb, caption, color)) in enumerate(zip(self._images, self.items)):
            x = (n % columns) * (self.cell + 6)
            y = (n // columns) * (self.cell + self._caption_height())
            target = QRectF(x, y, self.cell, self.cell)
            p.drawImage(target, image)
            p.setPen(QPen(QColor(128, 128, 128), 1))
            p.drawRect(target)
            if not captions:
                continue
            p.setPen(color or self.palette().text().color())
            p.drawText(QRectF(x - 3, y + self.cell + 1, self.cell + 6, line + 4),
                       int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop), caption)
        p.end()


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
        self.matrix_title = QLabel()
        self.scores = QLabel()
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
        self.samples_text = QLabel()
        self.samples_text.setTextFormat(Qt.TextFormat.RichText)
        # Weights across the top; the matrix (or scatter) beside the sample predictions.  In a
        # scroll area, so a short window scrolls instead of overlapping the parts.
        body = QWidget()
        grid = QGridLayout(body)
        grid.setContentsMargins(4, 4, 4, 4)
        grid.addLayout(top, 0, 0, 1, 2)
        grid.addWidget(self.weights_title, 1, 0, 1, 2)
        grid.addWidget(self.weights, 2, 0, 1, 2)
        grid.addWidget(self.matrix_title, 3, 0)
        grid.addWidget(self.matrix, 4, 0)
        grid.addWidget(self.scatter, 4, 0)
        grid.addWidget(self.scores, 5, 0, 1, 2)
        grid.addWidget(self.samples_title, 3, 1)
        samples = QVBoxLayout()
        samples.addWidget(self.samples)
        samples.addWidget(self.samples_text)
        samples.addStretch(1)
        grid.addLayout(samples, 4, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(4, 1)
        for label in (self.matrix_title, self.samples_title):
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignBottom | Qt.AlignmentFlag.AlignLeft)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self.split.currentIndexChanged.connect(lambda _i: self._changed())
        self._network = None

    def set_theme(self, theme, scale: float = 1.0) -> None:
        self.theme = theme
        self.lut = colors.diverging_lut(theme)
        self.matrix.theme = theme
        for strip in (self.weights, self.samples):
            strip.set_cell(int(CELL * (1 + (scale - 1) / 2)))     # larger type, not ×1.6 cells
        self._changed()

    def set_data(self, data) -> None:
        self.data = data
        self._network = None          # drawn again with the network that fits this data
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
        self.scores.setText(scores_table(matrix, names))
        right = int(np.trace(matrix))
        self.matrix_title.setText(f"<b>Confusion matrix</b> ({which}): {right}/{len(y)} "
                                  f"right, {right / max(len(y), 1):.1%}")
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


def scores_table(matrix: np.ndarray, names) -> str:
    """Precision and recall of every class, as a small table (names escaped)."""
    precision, recall = precision_recall(matrix)

    def pct(v):
        return "—" if not np.isfinite(v) else f"{v:.0%}"
    head = "".join(f"<th>{html.escape(str(n))}</th>" for n in names)
    rows = (f"<tr><td>precision</td>{''.join(f'<td>{pct(v)}</td>' for v in precision)}</tr>"
            f"<tr><td>recall</td>{''.join(f'<td>{pct(v)}</td>' for v in recall)}</tr>")
    return ("<table cellspacing=4><tr><th align=left>per class</th>" + head + "</tr>" + rows
            + "</table><small>precision: of the samples predicted as the class, the share that "
              "is; recall: of the samples of the class, the share found</small>")


def data_name(data, label: int) -> str:
    names = data.class_names
    return names[label] if label < len(names) else str(label)
