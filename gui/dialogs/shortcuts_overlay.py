"""F1 / ?: an overlay listing every keyboard shortcut, read from the window's own actions."""
from __future__ import annotations

import html

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QKeySequence, QPainter, QPalette
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class ShortcutsOverlay(QWidget):
    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # White on the dark veil (a palette, not a style sheet: that would pin the font).
        palette = self.label.palette()
        palette.setColor(QPalette.ColorRole.WindowText, QColor(255, 255, 255))
        self.label.setPalette(palette)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Keyboard shortcuts")
        self.setAccessibleDescription("Every key of the app; any key closes this")
        parent.installEventFilter(self)
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
        # Two columns side by side, so that the list fits a 720-line screen in large type.
        half = (len(rows) + 1) // 2
        columns = "".join(f"<td valign='top' style='padding:0 24px'><table cellspacing='4'>"
                          f"{''.join(part)}</table></td>" for part in (rows[:half], rows[half:]))
        self.label.setText("<h2 align='center'>Keyboard shortcuts</h2>"
                           f"<table align='center'><tr>{columns}</tr></table>"
                           "<p align='center' style='color:#ddd'>Press any key or click to "
                           "close.</p>")
        self.shortcuts_listed = len(rows)
        self.setGeometry(self.parentWidget().rect())
        self.raise_()
        self.show()
        self.setFocus()

    def eventFilter(self, watched, event) -> bool:
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.parentWidget().rect())      # covers the window, centered
        return False

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(15, 15, 20, 215))

    def keyPressEvent(self, event) -> None:
        self.hide()

    def mousePressEvent(self, event) -> None:
        self.hide()
