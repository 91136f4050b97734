"""Counting the layout requests a widget receives: what a label whose text changes must
not cause (each runs a layout pass up to the window)."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject


class LayoutRequests(QObject):
    """An event filter that counts the LayoutRequest events of what it is installed on."""

    def __init__(self):
        super().__init__()
        self.count = 0

    def eventFilter(self, _watched, event) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            self.count += 1
        return False
