"""The lesson card: what this lesson shows, what to look at, what to try next — and the
lesson's "Try next" changes as buttons, so nobody hunts through panels in front of a class.

The same card serves the window, the stage and the teacher's console; ``suggestionChosen``
carries the :class:`~backprop_lab.gui.model.lessons.Suggestion` of a clicked try button and
``lessonShown`` tells the stage which lesson (and so which stage) is on.
"""
from __future__ import annotations

import html
import re

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QPushButton, QScrollArea,
                               QSizePolicy, QToolButton, QVBoxLayout, QWidget)

from ..model.lessons import Lesson, Suggestion
from .flow_layout import FlowLayout


class LessonCard(QFrame):
    previousRequested = Signal()
    nextRequested = Signal()
    restartRequested = Signal()
    closeRequested = Signal()
    suggestionChosen = Signal(object)     # a Suggestion
    lessonShown = Signal(object)          # the Lesson now on the card

    def __init__(self, parent=None, closable: bool = True):
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
        # The scroll area then sizes the text by its height for the width, not by QLabel's
        # guess at a minimum (which is far taller than a wide card needs).
        self.body.setMinimumSize(1, 1)
        self.previous = self._button("◀ Previous", "Previous lesson (P)", self.previousRequested)
        self.restart = self._button("Restart", "Load this lesson again", self.restartRequested)
        self.next = self._button("Next ▶", "Next lesson (N)", self.nextRequested)
        self.close_button = QToolButton()
        self.close_button.setText("×")
        self.close_button.setToolTip("Hide the lesson card")
        self.close_button.setAccessibleName("Hide the lesson card")
        self.close_button.setAccessibleDescription("Hide the lesson card until the next lesson")
        self.close_button.setAutoRaise(True)
        self.close_button.clicked.connect(self.dismiss)
        self.close_button.setVisible(closable)
        self.counter.setAlignment(Qt.AlignmentFlag.AlignTop)
        top = QHBoxLayout()
        top.addWidget(self.counter)
        top.addSpacing(8)
        top.addWidget(self.title, 1)
        top.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        # The try buttons between Restart and Next, wrapping when there are many.
        self.try_box = QWidget()
        self.try_box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.try_row = FlowLayout(self.try_box, spacing=6)
        self.try_buttons: list[QPushButton] = []
        self.buttons = QHBoxLayout()
        self.buttons.addWidget(self.previous, 0, Qt.AlignmentFlag.AlignBottom)
        self.buttons.addWidget(self.restart, 0, Qt.AlignmentFlag.AlignBottom)
        self.buttons.addSpacing(12)
        self.buttons.addWidget(self.try_box, 1)
        self.buttons.addStretch(0)
        self.buttons.addWidget(self.next, 0, Qt.AlignmentFlag.AlignBottom)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(self.body)
        self.scroll.setAccessibleName("Lesson text")
        self.scroll.setAccessibleDescription("What the lesson shows, what to look at and what "
                                             "to try; scrolls when it does not fit")
        layout.addWidget(self.scroll, 1)
        layout.addLayout(self.buttons)
        self.columns = False              # the text beside "Look" and "Try next" (wide cards)
        self.setAccessibleName("Lesson card")
        self.lesson: Lesson | None = None
        self.closed = False               # hidden by its × until the next lesson
        self.hide()

    def _button(self, text: str, tip: str, slot) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.setAccessibleDescription(tip)
        button.clicked.connect(slot)
        return button

    def dismiss(self) -> None:
        self.closed = True
        self.hide()
        self.closeRequested.emit()

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
        self.closed = False
        self.counter.setText(f"Lesson {index + 1} of {count}" if index >= 0 else "Lesson")
        self.title.setText(lesson.title)
        self._fill_body()
        self.body.setAccessibleName(f"Lesson text: {plain(lesson.title)}")
        self.body.setAccessibleDescription(plain(self.body.text()))
        self._set_try_buttons(lesson.try_buttons)
        self.previous.setEnabled(index > 0)
        self.next.setEnabled(0 <= index < count - 1)
        self.setToolTip(html.unescape(lesson.title))
        self.setAccessibleDescription(f"{plain(lesson.title)}: {plain(lesson.text)}")
        self.show()
        self.lessonShown.emit(lesson)

    def set_columns(self, on: bool) -> None:
        """Two columns — the text, then what to look at and try — on a wide, short card (the
        stage's strip along the bottom of the screen)."""
        if on != self.columns:
            self.columns = on
            self._fill_body()

    def _fill_body(self) -> None:
        lesson = self.lesson
        if lesson is None:
            return
        text = f"<p>{lesson.text}</p>"
        more = ""
        if lesson.look:
            more += f"<p><b>Look:</b> {lesson.look}</p>"
        if lesson.try_next:
            more += f"<p><b>Try next:</b> {lesson.try_next}</p>"
        if self.columns and more:
            self.body.setText("<table width='100%' cellspacing='0' cellpadding='0'><tr>"
                              f"<td width='50%' style='padding-right:16px'>{text}</td>"
                              f"<td width='50%'>{more}</td></tr></table>")
        else:
            self.body.setText(text + more)

    def _set_try_buttons(self, suggestions: list[Suggestion]) -> None:
        for button in self.try_buttons:
            self.try_row.removeWidget(button)
            button.hide()                  # gone now, not when the event loop next idles
            button.deleteLater()
        self.try_buttons = []
        for suggestion in suggestions:
            button = QPushButton(f"Try: {suggestion.label}")
            tip = describe(suggestion)
            button.setToolTip(tip)
            button.setAccessibleName(f"Try {suggestion.label}")
            button.setAccessibleDescription(tip)
            button.clicked.connect(lambda _c=False, s=suggestion: self.suggestionChosen.emit(s))
            self.try_row.addWidget(button)
            self.try_buttons.append(button)
        self.try_box.setVisible(bool(suggestions))

    def needed_height(self, width: int) -> int:
        """Height that shows the whole card at ``width`` without scrolling its text."""
        m = self.layout().contentsMargins()
        inner = width - m.left() - m.right() - 2 * self.frameWidth()
        spacing = self.layout().spacing()
        title = inner - self.counter.sizeHint().width() - self.close_button.sizeHint().width() - 24
        beside = sum(b.sizeHint().width() for b in (self.previous, self.restart, self.next))
        room = inner - beside - 12 - 4 * self.buttons.spacing()
        buttons = max(self.next.sizeHint().height(),
                      self.try_row.heightForWidth(room) if self.try_buttons else 0)
        # The text as wrapped beside a scroll bar: measured narrower, it never needs one.
        bar = self.scroll.verticalScrollBar().sizeHint().width()
        return (max(self.counter.sizeHint().height(), self.title.heightForWidth(title))
                + self.body.heightForWidth(inner - bar) + buttons
                + m.top() + m.bottom() + 2 * self.frameWidth() + 2 * spacing + 6)


def describe(suggestion: Suggestion) -> str:
    """What a try button does, in words (its tooltip and screen-reader description)."""
    parts = [f"{name.replace('_', ' ')} {value}" for name, value in suggestion.settings.items()]
    if suggestion.edges:
        parts.append(f"edges show {suggestion.edges}")
    parts += [action.replace("_", " ") for action in suggestion.then]
    return "Sets " + ", then ".join(parts) if suggestion.settings else "Does: " + ", ".join(parts)


def plain(text: str) -> str:
    """Rich text as plain words (tags dropped, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", " ", text)).replace("  ", " ").strip()
