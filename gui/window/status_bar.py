"""The window's status bar, whose messages end in "…" where they are cut short.

Qt's QStatusBar draws a message clipped at the first permanent widget (the status line, the
stage's view switcher), so a long message simply stopped mid-word ("…what you h") on the
stage.  This one elides it and gives the whole message as the bar's tooltip.
"""
from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QSizeGrip, QStatusBar, QStyle, QStyleOption, QWidget


class ElidingStatusBar(QStatusBar):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.messageChanged.connect(self._tip)

    def message_rect(self) -> QRect:
        """Where the message goes: from the left edge to the first permanent widget shown
        (left to right; as QStatusBar places it)."""
        left, right = 6, self.width() - 12
        for child in self.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
            # (a widget not laid out yet still sits at the left edge)
            if child.isVisible() and not child.isWindow() and child.x() > left:
                gap = 0 if isinstance(child, QSizeGrip) else 2
                right = min(right, child.x() - gap)
        return QRect(left, 0, max(0, right - left), self.height())

    def shown_message(self) -> str:
        """The message as drawn: whole, or cut with "…" to its room."""
        return self.fontMetrics().elidedText(self.currentMessage(), Qt.TextElideMode.ElideRight,
                                             self.message_rect().width())

    def _tip(self, message: str) -> None:
        self.setToolTip(message if message and self.shown_message() != message else "")

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._tip(self.currentMessage())

    def paintEvent(self, event) -> None:
        if not self.currentMessage():
            super().paintEvent(event)
            return
        p = QPainter(self)
        option = QStyleOption()
        option.initFrom(self)
        self.style().drawPrimitive(QStyle.PrimitiveElement.PE_PanelStatusBar, option, p, self)
        p.setPen(self.palette().windowText().color())
        p.drawText(self.message_rect(), Qt.AlignmentFlag.AlignLeading
                   | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextSingleLine,
                   self.shown_message())
        p.end()
