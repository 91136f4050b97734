"""F1 / ?: an overlay listing every keyboard shortcut, read from the window's own actions."""
from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QKeySequence, QPainter
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class ShortcutsOverlay(QWidget):
    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setStyleSheet("color: white;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.hide()

    def show_for(self, actions, more: tuple[tuple[str, str], ...] = ()) -> None:
        """List (shortcut, text) of every action that has one, then ``more`` (keys that are
        not actions, e.g. Esc), and cover the window."""
        entries = []
        for action in actions:
            keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]
            keys = [k for k in keys if k]
            if keys:
                entries.append((" or ".join(keys), action.text().replace("&", "").replace("…", "")))
        rows = [f"<tr><td align='right' style='padding-right:24px'><b>{html.escape(keys)}</b>"
                f"</td><td>{html.escape(name)}</td></tr>" for keys, name in [*entries, *more]]
        self.label.setText("<h2>Keyboard shortcuts</h2><table cellspacing='4'>" + "".join(rows)
                           + "</table><p style='color:#ccc'>Press any key or click to close.</p>")
        self.shortcuts_listed = len(rows)
        self.setGeometry(self.parentWidget().rect())
        self.raise_()
        self.show()
        self.setFocus()

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(15, 15, 20, 215))

    def keyPressEvent(self, event) -> None:
        self.hide()

    def mousePressEvent(self, event) -> None:
        self.hide()
