"""A label whose text changes while training plays — a table of scores, a count of right
answers — without re-laying its parent out every time.

A QLabel whose text changes asks its parent layout for a new layout; for the predictions
view that is a rich-text table laid out anew, 7–13 ms, five times a second while digits
trains.  Qt skips the request for a widget whose minimum and maximum sizes are equal.  So
once the layout has given the label its size (at the second text of a shape: events, the
layout among them, have run between the two), the label holds that size for as long as its
text keeps its shape: the same text with other digits (digits are equally wide in the
app's fonts; a number that may lose a digit is padded with FIGURE SPACE, as wide as a digit:
see :func:`padded`).  A text of another shape, a new font, or :meth:`release` (the room
changed) lets the layout size it afresh.
"""
from __future__ import annotations

import re

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QLabel

#: A digit's width of space (U+2007): pads numbers to a steady width.
FIGURE_SPACE = "\u2007"
#: What a text's shape does not see: digits, and the figure spaces that stand for digits.
DIGIT = re.compile(r"[\d\u2007]")

#: Qt's largest widget size (QWIDGETSIZE_MAX): no maximum.
UNBOUNDED = 16_777_215


def padded(number: str, width: int) -> str:
    """``number`` padded on the left with figure spaces to ``width`` characters ("98%" →
    " 98%" for a width of 4), for rich text: it keeps its width and its shape as its digits
    change.  (Qt's rich text takes U+2007 for white space and collapses it, unless the
    span keeps its spaces.)"""
    return f"<span style='white-space:pre'>{number.rjust(width, FIGURE_SPACE)}</span>"


class SteadyLabel(QLabel):
    """A QLabel that keeps the size its layout gave it while its text keeps its shape."""

    def __init__(self, text: str = "", parent=None):
        super().__init__(text, parent)
        self._shape: str | None = DIGIT.sub("0", text)
        self._held = False
        self._laid_out = False

    def setText(self, text: str) -> None:
        shape = DIGIT.sub("0", text)
        if shape != self._shape:
            self._shape = shape
            self.release()
        elif not self._held and self.isVisible():
            if self._laid_out:
                # The layout has sized this shape of text: keep that size from now on.
                self._held = True
                self.setFixedSize(self.size())
            else:
                # Not yet: the layout may not have run since the shape (or the room)
                # changed.  The next text of this shape comes after it has.
                self._laid_out = True
        super().setText(text)

    @property
    def held(self) -> bool:
        return self._held

    def release(self) -> None:
        """Let the layout size the label again (its room changed)."""
        self._laid_out = False
        if self._held:
            self._held = False
            self.setMinimumSize(0, 0)
            self.setMaximumSize(UNBOUNDED, UNBOUNDED)
            # QLabel keeps the size hints it worked out while held (at the held width);
            # setting its word wrap, even to what it was, makes it work them out again.
            self.setWordWrap(self.wordWrap())

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._shape = None
            self.release()
