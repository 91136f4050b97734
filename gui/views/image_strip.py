"""Samples and weights drawn as small images (8×8 digits and other image data): the helpers
that turn arrays into RGB images, and a wrapping strip of captioned images."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from . import heatmaps
from .network_view import image_from_rgb

#: Pixels per image side (× the presentation scale).
CELL = 44


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
        # In passes, each with one pen: the images, their frames in one call (a cosmetic
        # pen: a frame at a time with a one-pixel pen cost more than the images), captions.
        p = QPainter(self)
        columns = self._columns()
        line = self.fontMetrics().height()
        row_height = self.cell + self._caption_height()
        targets = [QRectF((n % columns) * (self.cell + 6), (n // columns) * row_height,
                          self.cell, self.cell) for n in range(len(self._images))]
        for target, image in zip(targets, self._images):
            p.drawImage(target, image)
        p.setPen(QPen(QColor(128, 128, 128), 0))
        p.drawRects(targets)
        if self.cell >= self.MIN_CAPTIONED:
            text = self.palette().text().color()
            for target, (_rgb, caption, color) in zip(targets, self.items):
                p.setPen(color or text)
                p.drawText(QRectF(target.x() - 3, target.y() + self.cell + 1, self.cell + 6,
                                  line + 4),
                           int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop),
                           caption)
        p.end()
