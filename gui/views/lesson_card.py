"""The lesson card: what this lesson shows, what to look at, what to try next."""
from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QPushButton, QScrollArea,
                               QVBoxLayout)

from ..model.lessons import Lesson


class LessonCard(QFrame):
    previousRequested = Signal()
    nextRequested = Signal()
    restartRequested = Signal()
    closeRequested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("lessonCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.counter = QLabel()
        self.title = QLabel()
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.title.setFont(font)
        self.body = QLabel()
        self.body.setWordWrap(True)
        self.body.setTextFormat(Qt.TextFormat.RichText)
        self.body.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.previous = QPushButton("◀ Previous")
        self.previous.setToolTip("Previous lesson (P)")
        self.previous.clicked.connect(self.previousRequested)
        self.restart = QPushButton("Restart")
        self.restart.setToolTip("Load this lesson again")
        self.restart.clicked.connect(self.restartRequested)
        self.next = QPushButton("Next ▶")
        self.next.setToolTip("Next lesson (N)")
        self.next.clicked.connect(self.nextRequested)
        self.close_button = QPushButton("×")
        self.close_button.setFixedWidth(28)
        self.close_button.setToolTip("Hide the lesson card")
        self.close_button.clicked.connect(self.closeRequested)
        top = QHBoxLayout()
        top.addWidget(self.counter, 1)
        top.addWidget(self.close_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.previous)
        buttons.addWidget(self.restart)
        buttons.addStretch(1)
        buttons.addWidget(self.next)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.title)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.body)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        self.lesson: Lesson | None = None
        self.hide()

    def set_scale(self, base_point_size: float) -> None:
        """Fonts follow the app's (scaled) size; the title a quarter larger."""
        for label in (self.counter, self.body):
            font = label.font()
            font.setPointSizeF(base_point_size)
            label.setFont(font)
        title = self.title.font()
        title.setPointSizeF(base_point_size * 1.25)
        self.title.setFont(title)

    def show_lesson(self, lesson: Lesson, index: int, count: int) -> None:
        self.lesson = lesson
        self.counter.setText(f"Lesson {index + 1} of {count}" if index >= 0 else "Lesson")
        self.title.setText(lesson.title)
        parts = [f"<p>{lesson.text}</p>"]
        if lesson.look:
            parts.append(f"<p><b>Look:</b> {lesson.look}</p>")
        if lesson.try_next:
            parts.append(f"<p><b>Try next:</b> {lesson.try_next}</p>")
        self.body.setText("".join(parts))
        self.previous.setEnabled(index > 0)
        self.next.setEnabled(0 <= index < count - 1)
        self.setToolTip(html.unescape(lesson.title))
        self.show()
