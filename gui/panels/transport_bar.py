"""The transport bar: play/pause, step one epoch, reset, speed and the epoch counter.

Three groups — the buttons, the speed, the phase and epoch — in a :class:`FlowLayout`: on a
narrow projector the phase and epoch move to a second row instead of being cut short.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (QApplication, QHBoxLayout, QLabel, QSizePolicy, QSlider, QStyle,
                               QToolButton, QWidget)

from ..session.training_loop import SPEEDS
from ..views.counter_label import CounterLabel
from ..views.flow_layout import FlowLayout


def speed_label(speed: int | None) -> str:
    return "max speed" if speed is None else f"{speed} epoch{'s' if speed != 1 else ''}/s"


class TransportBar(QWidget):
    playToggled = Signal()
    stepRequested = Signal()
    phaseRequested = Signal()
    resetRequested = Signal()
    speedChanged = Signal(object)        # epochs per second, or None for as fast as possible

    def __init__(self, parent=None):
        super().__init__(parent)
        style = self.style()
        self._play_icon = style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay)
        self._pause_icon = style.standardIcon(QStyle.StandardPixmap.SP_MediaPause)

        self.play_button = self._button("Play", self._play_icon, "Train continuously (Space)")
        self.play_button.clicked.connect(self.playToggled)
        self.step_button = self._button("Step epoch",
                                        style.standardIcon(QStyle.StandardPixmap.SP_MediaSkipForward),
                                        "Train one epoch (→)")
        self.step_button.clicked.connect(self.stepRequested)
        self.phase_button = self._button("Step phase",
                                         style.standardIcon(QStyle.StandardPixmap.SP_ArrowRight),
                                         "One phase of one training step: forward, loss, "
                                         "backward, update (Shift+→)")
        self.phase_button.clicked.connect(self.phaseRequested)
        self.phase_text = QLabel()
        self.phase_text.setObjectName("phaseText")
        self.reset_button = self._button("Reset",
                                         style.standardIcon(QStyle.StandardPixmap.SP_BrowserReload),
                                         "New random weights from the current seed (R)")
        self.reset_button.clicked.connect(self.resetRequested)

        self.speed = QSlider(Qt.Orientation.Horizontal)
        self.speed.setRange(0, len(SPEEDS) - 1)
        self.speed.setValue(len(SPEEDS) - 1)
        self.speed.setFixedWidth(140)
        self.speed.setToolTip("Training speed: from 1 epoch per second to as fast as possible")
        self.speed.valueChanged.connect(self._speed_moved)
        self.speed_text = QLabel(speed_label(None))
        self.speed_text.setMinimumWidth(110)

        self._hold_play_width()

        self.epoch_label = CounterLabel()
        self.epoch_label.setObjectName("epochCounter")
        font = self.epoch_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.epoch_label.setFont(font)
        self.set_epoch(0)

        self.speed_label = QLabel("Speed")
        buttons = _group(self.play_button, self.step_button, self.phase_button, self.reset_button)
        speed = _group(self.speed_label, self.speed, self.speed_text)
        self.state = _group(None, self.phase_text, 16, self.epoch_label)
        self.state.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.flow = FlowLayout(self, spacing=12, margin=4)
        for group in (buttons, speed, self.state):
            self.flow.addWidget(group)
        self._describe()

    def _describe(self) -> None:
        """Names and descriptions for screen readers (the tooltips describe)."""
        for widget, name in ((self.step_button, "Step one epoch"),
                             (self.phase_button, "Step one phase"),
                             (self.reset_button, "Reset the weights"),
                             (self.speed, "Training speed"),
                             (self.speed_text, "Training speed"),
                             (self.phase_text, "Phase shown"),
                             (self.epoch_label, "Epoch")):
            widget.setAccessibleName(name)
            widget.setAccessibleDescription(widget.toolTip() or name)
        self.set_running(False)

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:     # Play/Pause measured at the new size
            self._hold_play_width()

    def _button(self, text, icon, tip) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setIcon(icon)
        button.setToolTip(tip)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        button.setAutoRaise(False)
        return button

    def _speed_moved(self, index: int) -> None:
        speed = SPEEDS[index]
        self.speed_text.setText(speed_label(speed))
        self.speedChanged.emit(speed)

    def _hold_play_width(self) -> None:
        """One width for Play and Pause, so the buttons beside it never move."""
        button, text = self.play_button, self.play_button.text()
        button.setMinimumWidth(0)
        button.setMaximumWidth(16777215)
        widths = []
        for label in ("Play", "Pause"):
            button.setText(label)
            widths.append(button.sizeHint().width())
        button.setText(text)
        button.setFixedWidth(max(widths))

    def set_running(self, running: bool) -> None:
        self.play_button.setText("Pause" if running else "Play")
        self.play_button.setIcon(self._pause_icon if running else self._play_icon)
        self.play_button.setToolTip(("Pause" if running else "Train continuously") + " (Space)")
        self.play_button.setAccessibleName("Pause training" if running else "Play: train")
        self.play_button.setAccessibleDescription(self.play_button.toolTip())

    def set_scale(self, scale: float, point_size: float | None = None) -> None:
        """Icons and widths × ``scale``; the epoch counter 1.5 × ``point_size`` (default: the
        application's font, which this widget's own may not have followed yet)."""
        font = self.epoch_label.font()
        font.setPointSizeF((point_size or QApplication.font().pointSizeF()) * 1.5)
        self.epoch_label.setFont(font)
        size = int(16 * scale)
        for button in (self.play_button, self.step_button, self.phase_button, self.reset_button):
            button.setIconSize(button.iconSize().scaled(size, size,
                                                        Qt.AspectRatioMode.KeepAspectRatio))
        # A shorter slider on a stage: its row then also holds the epoch counter at 1024 px.
        self.speed.setFixedWidth(int((140 if scale <= 1.0 else 90) * scale))
        self._hold_play_width()
        metrics = self.speed_text.fontMetrics()
        self.speed_text.setMinimumWidth(max(metrics.horizontalAdvance(speed_label(s))
                                            for s in SPEEDS))   # no jump when it changes

    def show_phase_text(self, on: bool) -> None:
        """Show the phase beside the epoch (off while the step inspector, titled with the
        phase, is on stage)."""
        self.phase_text.setVisible(on)

    def set_phase(self, text: str) -> None:
        self.phase_text.setText(f"<b>{text}</b>" if text else "")
        self.phase_text.setAccessibleDescription(text or "No training step is being stepped")

    def set_epoch(self, epoch: int) -> None:
        self.epoch_label.setText(f"Epoch {epoch:,}")


def _group(*parts) -> QWidget:
    """Widgets side by side (None: a stretch, a number: that much space)."""
    group = QWidget()
    row = QHBoxLayout(group)
    row.setContentsMargins(0, 0, 0, 0)
    for part in parts:
        if part is None:
            row.addStretch(1)
        elif isinstance(part, int):
            row.addSpacing(part)
        else:
            row.addWidget(part)
    return group
