"""A label for a number that changes many times a second (the epoch counter, the timeline's
epoch), sized so that its changes do not re-lay the window out.

A QLabel whose text changes asks its parent layout for a new layout, and the request runs up to
the window: at 60 frames a second that was a whole-window layout pass per frame.  Qt skips the
request for a widget whose minimum and maximum sizes are equal, so this label fixes its size to
its text with every digit as wide as the widest digit: it changes size only when the number
gains a digit or the font changes.
"""
from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QSize
from PySide6.QtWidgets import QLabel

_DIGIT = re.compile(r"\d")


class CounterLabel(QLabel):
    """A QLabel of fixed size: its text with each digit as wide as the widest digit."""

    def __init__(self, text: str = "", parent=None):
        super().__init__(text, parent)
        self._shape: tuple | None = None
        self._fit()

    def setText(self, text: str) -> None:
        super().setText(text)
        self._fit()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._shape = None
            self._fit()

    def _fit(self) -> None:
        text = self.text()
        shape = (_DIGIT.sub("0", text), self.font().key())
        if shape == self._shape:
            return
        self._shape = shape
        self.setMinimumSize(0, 0)
        self.setMaximumSize(QSize(16777215, 16777215))   # let sizeHint speak for the new text
        metrics = self.fontMetrics()
        widest = max(metrics.horizontalAdvance(d) for d in "0123456789")
        slack = sum(widest - metrics.horizontalAdvance(d) for d in _DIGIT.findall(text))
        hint = self.sizeHint()
        self.setFixedSize(hint.width() + slack, hint.height())
