"""A caption with controls beside it, or under it when the two do not fit on one line (and
the controls on more lines when even they do not).

Used over the output plot (caption, then Add points / Test points / Discretize) and over the
loss plot (the current values, then Pin run / ‖dW‖ / Log scale), so that neither the text nor
the controls are cut short on a 1280-pixel screen or in presentation mode.
"""
from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from .flow_layout import FlowLayout


class CaptionBar(QWidget):
    #: Back on one line only with this many digits' width to spare beyond what stacking
    #: needed: a caption whose numbers change many times a second (the loss plot's values
    #: while training plays) would otherwise flip between one line and two as its numbers
    #: gain and lose digits, and each flip re-lays the plot under it out (~15 ms).
    SPARE_DIGITS = 4

    def __init__(self, caption: QLabel, controls: list[QWidget], parent=None):
        super().__init__(parent)
        self.caption = caption
        caption.setWordWrap(True)        # a narrow column (a stage's third) wraps, not cuts
        self.controls = QWidget()
        # The controls wrap when narrow, each row at the right.
        self.row = FlowLayout(self.controls, spacing=6, right_aligned=True)
        for control in controls:
            self.row.addWidget(control)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setVerticalSpacing(0)
        self.grid.setColumnStretch(0, 1)
        self.stacked = None
        self._place(False)

    def _place(self, stacked: bool) -> None:
        if stacked == self.stacked:
            return
        self.stacked = stacked
        self.grid.removeWidget(self.caption)
        self.grid.removeWidget(self.controls)
        self.grid.addWidget(self.caption, 0, 0)
        if stacked:
            self.grid.addWidget(self.controls, 1, 0)
        else:
            self.grid.addWidget(self.controls, 0, 1)

    def needed_width(self) -> int:
        """Width for the caption's whole text and the controls side by side."""
        text = self.caption.fontMetrics().horizontalAdvance(self.caption.text() if
                                                            not self.caption.text().startswith("<")
                                                            else _plain(self.caption.text()))
        return text + self.controls.sizeHint().width() + 16

    def relayout(self) -> None:
        """The caption's text changed: one line or two for it (see :data:`SPARE_DIGITS`)."""
        needed = self.needed_width()
        if self.stacked:
            needed += self.SPARE_DIGITS * self.caption.fontMetrics().horizontalAdvance("0")
        self._place(self.width() < needed)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._place(self.width() < self.needed_width())


def _plain(html: str) -> str:
    """Rich text without its tags and with <br> as a line break (for measuring)."""
    import re
    lines = re.split(r"<br\s*/?>", html)
    return max((re.sub(r"<[^>]+>", "", line).replace("&nbsp;", " ") for line in lines), key=len)
