"""The start screen: pick a lesson that tells the story, or play freely."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QDialog, QHBoxLayout, QLabel, QListWidget,
                               QListWidgetItem, QPushButton, QVBoxLayout)

from ..model.lessons import Lesson


class StartScreen(QDialog):
    """``exec()`` returns Accepted with ``chosen`` set to a lesson index, or Rejected for free
    play."""

    def __init__(self, lessons: list[Lesson], show_at_startup: bool = True, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Welcome to Backprop Lab")
        self.chosen: int | None = None
        intro = QLabel("<h2>Backprop Lab</h2>Watch a neural network learn — every weight, "
                       "gradient and step of backpropagation. Start with a lesson, or play "
                       "freely with the panels.")
        intro.setWordWrap(True)
        self.list = QListWidget()
        for k, lesson in enumerate(lessons):
            item = QListWidgetItem(f"{k + 1}. {lesson.title}")
            item.setToolTip(lesson.look or lesson.text)
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        self.list.itemDoubleClicked.connect(lambda _item: self._open())
        self.list.setAccessibleName("Lessons")
        self.list.setAccessibleDescription("The lessons in story order: arrows choose, Enter "
                                           "opens")
        self.startup = QCheckBox("Show this at startup")
        self.startup.setAccessibleDescription("Show this start screen when the app starts")
        self.startup.setChecked(show_at_startup)
        open_button = QPushButton("Open lesson")
        open_button.setAccessibleDescription("Open the chosen lesson (Enter)")
        open_button.setDefault(True)
        open_button.clicked.connect(self._open)
        free = QPushButton("Free play")
        free.setAccessibleDescription("Close this and play freely with the panels (Esc)")
        free.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.startup, 1)
        buttons.addWidget(free)
        buttons.addWidget(open_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self.resize(560, 520)
        self.list.setFocus(Qt.FocusReason.OtherFocusReason)

    def _open(self) -> None:
        self.chosen = self.list.currentRow()
        self.accept()
