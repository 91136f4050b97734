"""The keyboard in front of a class: training keys always reach training, Enter commits a
typed value and gives the keys back, Esc closes the topmost thing first.

* Space, → / Page Down, Shift+→ and R act on training whenever no text field is being
  edited: clicking a button or the graph does not keep the keys (buttons take focus by Tab
  only; the graph takes it when clicked).
* Enter in a field (a learning rate, a unit count) commits it and returns the focus to the
  graph, so the next Space plays instead of typing.
* Esc closes the shortcuts overlay if it is open, and only then leaves presentation mode.
* A button reached by Tab takes Space (it is pressed, as everywhere); buttons made later (a
  lesson's try buttons) take the focus by Tab only, like the others.
* Every menu action is also the window's own, so its key works while the menu bar is hidden
  (presentation mode).  While drawing data, the number keys choose the class (they choose
  the stage otherwise).
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import (QAbstractButton, QAbstractSpinBox, QApplication, QComboBox,
                               QLineEdit, QPlainTextEdit, QTextEdit, QWidget)

COMMIT_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
#: Keys that are not menu actions, for the shortcuts overlay.
MORE_KEYS = (("Esc", "Close this overlay, then leave presentation mode"),
             ("Enter", "Commit a typed value and give the keys back to training"),
             ("Tab", "Move through every control (Space presses a button)"))
PRESS_KEYS = (Qt.Key.Key_Space, Qt.Key.Key_Select)
DRAW_CLASS_KEYS = range(Qt.Key.Key_0, Qt.Key.Key_7 + 1)


def is_text_field(widget: QWidget | None) -> bool:
    """True for a widget where keys type text (so Space and R belong to it)."""
    while widget is not None:
        if isinstance(widget, (QLineEdit, QAbstractSpinBox, QTextEdit, QPlainTextEdit)):
            return not getattr(widget, "isReadOnly", lambda: False)()
        if isinstance(widget, QComboBox):
            return widget.isEditable()
        widget = widget.parentWidget() if isinstance(widget, QLineEdit) else None
    return False


class Keyboard(QObject):
    def __init__(self, window, events):
        super().__init__(window)
        self.w = window
        window.network_view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        for button in window.findChildren(QAbstractButton):
            tab_only(button)
        window.addActions(list(window.actions.values()))
        events.on(QEvent.Type.Polish, self._polished)
        events.on(QEvent.Type.ShortcutOverride, self._shortcut_override)
        events.on(QEvent.Type.KeyPress, self._key_pressed)

    def _polished(self, watched, _event) -> bool:
        if isinstance(watched, QAbstractButton):
            tab_only(watched)
        return False

    def _shortcut_override(self, watched, event) -> bool:
        return isinstance(watched, QWidget) and self._keep_for_widget(watched, event)

    def _key_pressed(self, watched, event) -> bool:
        if not isinstance(watched, QWidget) or watched.window() is not self.w:
            return False                     # a dialog's keys are its own
        key = event.key()
        if key == Qt.Key.Key_Escape and not is_text_field(watched):
            return self._escape()
        if key in COMMIT_KEYS and is_text_field(watched):
            QTimer.singleShot(0, self, self.give_keys_back)    # after the field has committed
        return False

    def _keep_for_widget(self, watched: QWidget, event) -> bool:
        """True (the key goes to the widget, not to a shortcut) for Space on a button that
        Tab brought the focus to, and for a class key while drawing data."""
        key, plain = event.key(), event.modifiers() == Qt.KeyboardModifier.NoModifier
        boundary = self.w.boundary
        if plain and ((key in PRESS_KEYS and isinstance(watched, QAbstractButton)
                       and watched.hasFocus())
                      or (key in DRAW_CLASS_KEYS and watched is boundary.plot
                          and boundary.drawing)):
            event.accept()
            return True
        return False

    def give_keys_back(self) -> None:
        """The focus to the graph, where the training keys work."""
        if is_text_field(QApplication.focusWidget()):
            self.w.network_view.setFocus(Qt.FocusReason.OtherFocusReason)

    def _escape(self) -> bool:
        """Esc: the topmost overlay first, then presentation mode; else the widget's own."""
        w = self.w
        if w.overlay.isVisible():
            w.overlay.hide()
            return True
        if w.presentation.presenting:
            w.presentation.set_presenting(False)
            return True
        return False


def tab_only(button: QAbstractButton) -> None:
    """Clicking a button must not keep the keyboard (Space would press it again): buttons
    take the focus by Tab only."""
    if button.focusPolicy() != Qt.FocusPolicy.NoFocus:
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
