"""The confusion matrix drawn as a grid of counts, shaded by how many, right answers on the
diagonal."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt
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
