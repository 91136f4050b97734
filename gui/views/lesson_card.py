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
        # The text, and whatever others add below it (the lesson's exercises), scroll together.
        self.text_box = QWidget()
        self.text_column = QVBoxLayout(self.text_box)
        self.text_column.setContentsMargins(0, 0, 0, 0)
        self.text_column.addWidget(self.body)
        self.scroll.setWidget(self.text_box)
        self.scroll.setAccessibleName("Lesson text")
        self.scroll.setAccessibleDescription("What the lesson shows, what to look at and what "
                                             "to try; scrolls when it does not fit")
        layout.addWidget(self.scroll, 1)
        layout.addLayout(self.buttons)
        self.columns = False              # the text beside "Look" and "Try next" (wide cards)
        self._place_try_buttons(apart=True)
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
        self._base_point_size = base_point_size
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
        self._place_try_buttons(apart=not on)

    def _place_try_buttons(self, apart: bool) -> None:
        """The try buttons in the navigation row (``apart`` False: a wide card, one row on
        the stage) or under the text, where they wrap and scroll with it (a narrow card)."""
        if apart == (self.text_column.indexOf(self.try_box) >= 0):
            return
        if apart:
            self.buttons.removeWidget(self.try_box)
            self.text_column.insertWidget(1, self.try_box)
        else:
            self.text_column.removeWidget(self.try_box)
            self.buttons.insertWidget(3, self.try_box, 1)

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

    def fit_text(self, width: int, height: int, smallest: float = 0.75) -> int:
        """The body's type made smaller, in steps down to ``smallest`` × the scale's size,
        until the whole card fits ``height`` at ``width``; returns the height it needs then.
        A long lesson on a short projector keeps every word on screen, a little smaller."""
        base = getattr(self, "_base_point_size", self.body.font().pointSizeF())
        font = self.body.font()
        for factor in (1.0, 0.95, 0.9, 0.85, 0.8, smallest):
            font.setPointSizeF(base * factor)
            self.body.setFont(font)
            needed = self.needed_height(width)
            if needed <= height:
                break
        return needed

    def needed_height(self, width: int) -> int:
        """Height that shows the whole card at ``width`` without scrolling its text."""
        m = self.layout().contentsMargins()
        inner = width - m.left() - m.right() - 2 * self.frameWidth()
        spacing = self.layout().spacing()
        title = inner - self.counter.sizeHint().width() - self.close_button.sizeHint().width() - 24
        beside = sum(b.sizeHint().width() for b in (self.previous, self.restart, self.next))
        room = inner - beside - 12 - 4 * self.buttons.spacing()
        if self.text_column.indexOf(self.try_box) >= 0:   # under the text (counted there)
            buttons = self.next.sizeHint().height()
        else:
            buttons = max(self.next.sizeHint().height(),
                          self.try_row.heightForWidth(room) if self.try_buttons else 0)
        # The text as wrapped beside a scroll bar: measured narrower, it never needs one.
        bar = self.scroll.verticalScrollBar().sizeHint().width()
        return (max(self.counter.sizeHint().height(), self.title.heightForWidth(title))
                + self.body.heightForWidth(inner - bar) + buttons
                + self._added_height(inner - bar)
                + m.top() + m.bottom() + 2 * self.frameWidth() + 2 * spacing + 6)

    def add_below_text(self, widget: QWidget) -> None:
        """Place ``widget`` under the lesson's text, in the part that scrolls."""
        self.text_column.addWidget(widget)

    def _added_height(self, width: int) -> int:
        """Height of what was added under the text (:meth:`add_below_text`), with its
        spacing: the visible widgets after the text."""
        column, total = self.text_column, 0
        for k in range(1, column.count()):
            widget = column.itemAt(k).widget()
            if widget is None or widget.isHidden():
                continue
            total += column.spacing() + (widget.heightForWidth(width)
                                         if widget.hasHeightForWidth()
                                         else widget.sizeHint().height())
        return total


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
