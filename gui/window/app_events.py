"""The application's events that parts of the window watch, through one filter.

Some parts must see events of every widget (a key pressed anywhere in the window, a widget
made later to be named for screen readers, the focus moving).  An application-wide filter
written in Python costs every event of the application a call into Python (~5 µs; a frame of
training carries some 60 events), so the window installs one such filter, only while it is
shown, and hands each event to the parts that asked for its kind.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication

#: (watched object, event) → True when the event is consumed.
Handler = Callable[[QObject, QEvent], bool]


class AppEvents(QObject):
    """``on(kind, handler)``: call ``handler`` for every event of ``kind`` in the app while
    the window is shown (handlers of a kind in the order given; the first that returns True
    consumes the event)."""

    def __init__(self, window):
        super().__init__(window)
        self.w = window
        self._handlers: dict[QEvent.Type, list[Handler]] = {}
        window.installEventFilter(self)
        window.destroyed.connect(self._detach)
        if window.isVisible():
            QApplication.instance().installEventFilter(self)

    def on(self, kind: QEvent.Type, handler: Handler) -> None:
        self._handlers.setdefault(kind, []).append(handler)

    def _detach(self, *_args) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        kind = event.type()
        if watched is self.w and kind in (QEvent.Type.Show, QEvent.Type.Hide):
            # A window that is not shown needs none of the app's events.
            app = QApplication.instance()
            app.removeEventFilter(self)
            if kind == QEvent.Type.Show:
                app.installEventFilter(self)
        for handler in self._handlers.get(kind, ()):
            if handler(watched, event):
                return True
        return False
