"""A layout that places its widgets in rows, left to right, and starts a new row when the next
one does not fit (Qt's flow-layout example): the transport bar, a lesson's try buttons and
the step inspector's matrices wrap on a narrow projector instead of forcing the window wider
or cutting their text.

Within a row, widgets whose horizontal size policy expands share the row's spare width (the
transport bar's epoch counter stays at the right end of its row that way); otherwise rows
start at the left, or end at the right (``right_aligned``).  The layout has a
height for each width, so a parent box layout or scroll area gives it the rows it needs.
"""
from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QSizePolicy, QWidgetItem


_GROWING = (QSizePolicy.Policy.Expanding, QSizePolicy.Policy.MinimumExpanding)


class FlowLayout(QLayout):
    def __init__(self, parent=None, spacing: int = 6, margin: int = 0,
                 right_aligned: bool = False):
        super().__init__(parent)
        self.right_aligned = right_aligned
        self._items: list = []
        self._spacing = spacing
        self.setContentsMargins(margin, margin, margin, margin)

    # ------------------------------------------------------------------ QLayout's protocol
    def addItem(self, item) -> None:
        self._items.append(item)

    def insertWidget(self, index: int, widget) -> None:
        self.addChildWidget(widget)
        self._items.insert(index, QWidgetItem(widget))
        self.invalidate()

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int):
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int):
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def spacing(self) -> int:
        return self._spacing

    def setSpacing(self, spacing: int) -> None:
        self._spacing = spacing
        self.invalidate()

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._place(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._place(rect, move=True)

    def sizeHint(self) -> QSize:
        """All widgets in one row."""
        visible = self._visible()
        m = self.contentsMargins()
        width = sum(item.sizeHint().width() for item in visible)
        width += self._spacing * max(len(visible) - 1, 0) + m.left() + m.right()
        height = max((item.sizeHint().height() for item in visible), default=0)
        return QSize(width, height + m.top() + m.bottom())

    def minimumSize(self) -> QSize:
        """The widest widget: narrower than that, one of them would be cut."""
        size = QSize()
        for item in self._visible():
            size = size.expandedTo(item.minimumSize())
        m = self.contentsMargins()
        return size + QSize(m.left() + m.right(), m.top() + m.bottom())

    # ------------------------------------------------------------------ placing
    def _visible(self) -> list:
        return [item for item in self._items if not item.isEmpty()]

    def rows(self, width: int) -> list[list]:
        """The items of each row at ``width`` (for tests and for :meth:`_place`)."""
        m = self.contentsMargins()
        room = max(width - m.left() - m.right(), 1)
        rows, row, used = [], [], 0
        for item in self._visible():
            w = min(item.sizeHint().width(), room)
            if row and used + self._spacing + w > room:
                rows.append(row)
                row, used = [], 0
            used += (self._spacing if row else 0) + w
            row.append(item)
        if row:
            rows.append(row)
        return rows

    def _place(self, rect: QRect, move: bool) -> int:
        m = self.contentsMargins()
        room = max(rect.width() - m.left() - m.right(), 1)
        y = rect.y() + m.top()
        for row in self.rows(rect.width()):
            widths = [min(item.sizeHint().width(), room) for item in row]
            height = max(self._height(item, w) for item, w in zip(row, widths))
            spare = room - sum(widths) - self._spacing * (len(row) - 1)
            growing = [k for k, item in enumerate(row) if item.widget() is not None and
                       item.widget().sizePolicy().horizontalPolicy() in _GROWING]
            for k in growing:
                widths[k] += spare // len(growing)
            x = rect.x() + m.left() + (spare if self.right_aligned and not growing else 0)
            for item, w in zip(row, widths):
                if move:
                    h = min(self._height(item, w), height)
                    item.setGeometry(QRect(QPoint(x, y + (height - h) // 2), QSize(w, h)))
                x += w + self._spacing
            y += height + self._spacing
        if not self._visible():
            return m.top() + m.bottom()
        return y - self._spacing - rect.y() + m.bottom()

    @staticmethod
    def _height(item, width: int) -> int:
        if item.hasHeightForWidth():
            return max(item.heightForWidth(width), item.minimumSize().height())
        return item.sizeHint().height()
