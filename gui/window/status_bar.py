"""The window's status bar, whose messages end in "…" where they are cut short.

Qt's QStatusBar draws a message clipped at the first permanent widget (the status line, the
stage's view switcher), so a long message simply stopped mid-word ("…what you h") on the
stage.  This one elides it, and its tooltip gives the whole message when it was cut.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QRect, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QSizeGrip, QStatusBar, QStyle, QStyleOption, QToolTip, QWidget


class ElidingStatusBar(QStatusBar):
    def message_rect(self) -> QRect:
        """Where the message goes: between the bar's edge and the permanent widgets (the
        size grip included), on their left — or right, in a right-to-left layout."""
        if self.layout() is not None:
            self.layout().activate()             # the widgets where they are drawn
        rtl = self.layoutDirection() == Qt.LayoutDirection.RightToLeft
        left, right = (12, self.width() - 6) if rtl else (6, self.width() - 12)
        for child in self.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
            if not child.isVisible() or child.isWindow():
                continue
            gap = 0 if isinstance(child, QSizeGrip) else 2
            if rtl:
                left = max(left, child.geometry().right() + 1 + gap)
            else:
                right = min(right, child.x() - gap)
        return QRect(left, 0, max(0, right - left), self.height())

    def shown_message(self) -> str:
        """The message as drawn: whole, or cut with "…" to its room."""
        return self.fontMetrics().elidedText(self.currentMessage(), Qt.TextElideMode.ElideRight,
                                             self.message_rect().width())

    def tooltip_text(self) -> str:
        """The whole message when it is cut short ("" otherwise): the tooltip over the bar."""
        message = self.currentMessage()
        return message if message and self.shown_message() != message else ""

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:      # made when asked: the room changes often
            text = self.tooltip_text()
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

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
