"""Widgets bound to a declared :class:`~backprop_lab.gui.model.settings.Setting`.

A :class:`SettingSpinBox` takes its range, step and tooltip from the declaration.  A number
typed outside the range is not silently clamped or cut (Qt would turn a typed 32 into 3 in a
1…16 box): on Enter or leaving the field, the setting's own check words the refusal, which
the box emits as ``refused``; the box shows the current value again.
"""
from __future__ import annotations

import re

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QDoubleSpinBox, QSpinBox

from ..model.settings import Setting

_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


class _Refusing:
    """Shared behaviour of the two spin boxes (a mixin over QSpinBox / QDoubleSpinBox; each
    declares ``refused = Signal(str)`` itself, as Qt signals live on QObject classes)."""

    def _bind(self, setting: Setting, low=None, high=None, to_setting=None) -> None:
        self.setting = setting
        #: The field's number → the setting's value (e.g. a percentage → a share).
        self.to_setting = to_setting or (lambda v: [v] if setting.kind == "units" else v)
        self.setKeyboardTracking(False)
        if setting.tip:
            self.setToolTip(setting.tip)
        self.set_limits(setting.low if low is None else low, setting.high if high is None else high)

    def set_limits(self, low, high) -> None:
        self.setRange(low, high)

    def _typed(self) -> str:
        text = self.lineEdit().text()
        for affix in (self.prefix(), self.suffix()):
            if affix:
                text = text.replace(affix, "")
        return text.strip()

    def validate(self, text: str, pos: int):
        state = super().validate(text, pos)
        status = state[0] if isinstance(state, tuple) else state
        if status == QValidator.State.Invalid:
            bare = text
            for affix in (self.prefix(), self.suffix()):
                if affix:
                    bare = bare.replace(affix, "")
            if _NUMBER.fullmatch(bare.strip()):
                # A number out of range: let it stand, so leaving the field can say the limit.
                return QValidator.State.Intermediate, text, pos
        return state

    def _check_typed(self) -> None:
        typed = self._typed()
        if not typed or typed == self.specialValueText():
            return
        try:
            value = float(typed.replace(",", "."))
        except ValueError:
            return
        if not self.minimum() <= value <= self.maximum():
            try:
                self.setting.check(self.to_setting(value))
                message = (f"{self.setting.label} must be from {self.minimum():g} to "
                           f"{self.maximum():g} here, not {typed}.")
            except ValueError as exc:
                message = str(exc)
            self.refused.emit(message)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._check_typed()
        super().keyPressEvent(event)

    def focusOutEvent(self, event) -> None:
        self._check_typed()
        super().focusOutEvent(event)


class SettingSpinBox(_Refusing, QSpinBox):
    """A whole-number setting (units, samples, seeds, batch size)."""

    refused = Signal(str)

    def __init__(self, setting: Setting, low=None, high=None, to_setting=None, parent=None):
        super().__init__(parent)
        self.setSingleStep(max(int(setting.step), 1))
        self._bind(setting, low, high, to_setting)

    def set_limits(self, low, high) -> None:
        self.setRange(int(low), int(min(high, 2**31 - 1)))


class SettingDoubleSpinBox(_Refusing, QDoubleSpinBox):
    """A number setting (noise, penalties)."""

    refused = Signal(str)

    def __init__(self, setting: Setting, decimals: int = 4, parent=None):
        super().__init__(parent)
        self.setDecimals(decimals)
        self.setSingleStep(setting.step)
        self._bind(setting)
