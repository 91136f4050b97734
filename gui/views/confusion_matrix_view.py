"""The confusion matrix drawn as a grid of counts, shaded by how many, right answers on the
diagonal."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QLineF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ..style import colors


class ConfusionMatrix(QWidget):
    """Rows: true class, columns: predicted class; cells shaded by the share of the row."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.theme = colors.LIGHT
        self.matrix = np.zeros((2, 2), dtype=np.int64)
        self.names: tuple[str, ...] = ("0", "1")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_matrix(self, matrix: np.ndarray, names) -> None:
        names = tuple(names)
        if names != self.names:
            self.updateGeometry()             # other classes: other labels, another size
        self.matrix, self.names = np.asarray(matrix), names
        self.update()

    def _corner(self) -> tuple[float, float]:
        """(left, top) of the first cell: room for the row labels and the column heads."""
        m = self.fontMetrics()
        left = m.horizontalAdvance("true ") + max(m.horizontalAdvance(n) for n in self.names) + 8
        return left, 2 * m.height() + 6

    def minimumSizeHint(self) -> QSize:
        """Room for the labels and a cell of at least a line of text per class (a 200-pixel
        square squeezed ten classes' labels over each other in presentation type)."""
        left, top = self._corner()
        square = max(200.0, len(self.names) * 1.2 * self.fontMetrics().height())
        return QSize(int(left + square), int(top + square))

    def _grid(self) -> tuple[float, float, float]:
        """(left, top, side): where the first cell's top-left corner is, and a cell's side."""
        k = len(self.names)
        left, top = self._corner()
        side = max(min((self.width() - left - 4) / k, (self.height() - top - 4) / k), 4)
        return left, top, side

    def cell_rect(self, i: int, j: int,
                  grid: tuple[float, float, float] | None = None) -> QRectF:
        """Row ``i``, column ``j``'s cell (``grid``: :meth:`_grid`, when known already)."""
        left, top, side = grid or self._grid()
        return QRectF(left + j * side, top + i * side, side, side)

    def paintEvent(self, event) -> None:
        # In passes (cells, counts, labels), each with one pen or font: the counts in a
        # font of their own set once (switching fonts cell by cell cost ~15 ms a paint).
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        k = len(self.names)
        rows = self.matrix.sum(axis=1, keepdims=True)
        share = self.matrix / np.where(rows > 0, rows, 1)
        text = self.theme.qcolor("text")
        grid = left, top, side = self._grid()

        p.setPen(text)
        metrics = self.fontMetrics()
        line = metrics.height()
        p.drawText(QRectF(left, 0, side * k, line), int(Qt.AlignmentFlag.AlignCenter),
                   "predicted class →")
        counts, shares = self.matrix.tolist(), share.tolist()
        for i in range(k):
            for j in range(k):
                base = colors.POSITIVE if i == j else colors.NEGATIVE
                alpha = round(230 * shares[i][j]) if counts[i][j] else 0
                p.fillRect(self.cell_rect(i, j, grid), QColor(*base, alpha))
        # The grid as lines, one call (a rectangle per cell cost 2 ms).
        right, bottom = left + k * side, top + k * side
        p.setPen(QPen(self.theme.qcolor("neutral"), 0))      # cosmetic: one pixel, fast
        p.drawLines([QLineF(left, top + n * side, right, top + n * side) for n in range(k + 1)]
                    + [QLineF(left + n * side, top, left + n * side, bottom)
                       for n in range(k + 1)])
        small = QFont(self.font())
        small.setPointSizeF(max(min(side * 0.32, self.font().pointSizeF()), 5))
        p.setFont(small)
        white = QColor(255, 255, 255)
        for i, j in zip(*np.nonzero(self.matrix)):
            p.setPen(white if shares[i][j] > 0.55 else text)
            p.drawText(self.cell_rect(i, j, grid), int(Qt.AlignmentFlag.AlignCenter),
                       str(counts[i][j]))
        p.setFont(self.font())
        p.setPen(text)
        for i in range(k):
            row = self.cell_rect(i, 0, grid)
            p.drawText(QRectF(0, row.top(), row.left() - 4, row.height()),
                       int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                       ("true " if i == 0 else "") + self.names[i])
            # Column heads get one cell's width: long class names are cut short (the rows
            # on the left carry the full names).
            head = metrics.elidedText(self.names[i], Qt.TextElideMode.ElideRight, int(side) - 2)
            p.drawText(QRectF(left + i * side, line + 2, side, line),
                       int(Qt.AlignmentFlag.AlignCenter), head)
        p.end()
