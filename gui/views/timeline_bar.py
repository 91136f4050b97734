"""The timeline under the loss plot: scrub back through training and branch from the past.

The slider's positions are the epochs the session's :class:`backprop_lab.engine.training.timeline.Timeline` kept
(dense over the last epochs, doubling intervals before).  At its right end it follows
training live; anywhere else the window shows that epoch's weights and "Resume from here"
branches training from it.  On a narrow column the two buttons move under the slider.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QSlider, QWidget

from .counter_label import CounterLabel
from .flow_layout import FlowLayout


class TimelineBar(QWidget):
    epochChosen = Signal(object)      # an epoch to show, or None for the live (latest) one
    resumeRequested = Signal(int)     # branch training from this epoch

    def __init__(self, parent=None):
        super().__init__(parent)
        self.epochs = np.zeros(1, dtype=np.int64)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 0)
        self.slider.setToolTip("Timeline: drag back through training; the graph and the output "
                               "plot show that epoch's weights")
        self.slider.setMinimumWidth(120)
        self.slider.valueChanged.connect(self._moved)
        self.label = CounterLabel()
        self.resume_button = QPushButton("Resume from here")
        self.resume_button.setToolTip("Go back to this epoch's weights and optimizer state and "
                                      "train on from there (later epochs are forgotten)")
        self.resume_button.clicked.connect(
            lambda: self.resumeRequested.emit(int(self.epochs[self.slider.value()])))
        self.live_button = QPushButton("Latest")
        self.live_button.setToolTip("Back to the latest epoch")
        self.live_button.clicked.connect(self.go_live)
        self.title = QLabel("Timeline")
        self.title.setMinimumWidth(1)     # may shrink (and hide, below) on narrow screens
        track = QWidget()
        row = QHBoxLayout(track)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.title)
        row.addWidget(self.slider, 1)
        row.addWidget(self.label)
        track.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        buttons = QWidget()
        row = QHBoxLayout(buttons)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.live_button)
        row.addWidget(self.resume_button)
        layout = FlowLayout(self, spacing=6, margin=2)
        layout.addWidget(track)
        layout.addWidget(buttons)
        self.slider.setAccessibleName("Timeline")
        self.slider.setAccessibleDescription(self.slider.toolTip())
        self._show_state()

    @property
    def live(self) -> bool:
        return self.slider.value() == self.slider.maximum()

    @property
    def shown_epoch(self) -> int | None:
        """The epoch being looked at, or None when following training."""
        return None if self.live else int(self.epochs[self.slider.value()])

    def set_epochs(self, epochs: np.ndarray) -> None:
        """The snapshot epochs (ascending).  Live stays live; a past epoch stays chosen."""
        epochs = np.asarray(epochs, dtype=np.int64)
        if epochs.size == 0:
            epochs = np.zeros(1, dtype=np.int64)
        if np.array_equal(epochs, self.epochs):
            return
        shown = self.shown_epoch
        self.epochs = epochs
        self.slider.blockSignals(True)
        self.slider.setRange(0, len(epochs) - 1)
        if shown is None:
            self.slider.setValue(len(epochs) - 1)
        else:
            k = int(np.searchsorted(epochs, shown, side="right")) - 1
            self.slider.setValue(max(k, 0))
        self.slider.blockSignals(False)
        self._show_state()
        if shown is not None and self.shown_epoch != shown:
            self.epochChosen.emit(self.shown_epoch)

    def show_epoch(self, epoch: int) -> None:
        """Move the slider to the kept epoch nearest at or before ``epoch``."""
        k = int(np.searchsorted(self.epochs, epoch, side="right")) - 1
        self.slider.setValue(max(k, 0))

    def go_live(self) -> None:
        self.slider.setValue(self.slider.maximum())

    def resizeEvent(self, event) -> None:
        # Narrow (1280-pixel screens, presentation mode): the slider keeps the room.
        self.title.setVisible(event.size().width() >= 520)
        super().resizeEvent(event)

    def _moved(self, _value: int) -> None:
        self._show_state()
        self.epochChosen.emit(self.shown_epoch)

    def _show_state(self) -> None:
        epoch = int(self.epochs[self.slider.value()])
        self.label.setText(f"epoch {epoch}")
        self.slider.setAccessibleDescription(f"Showing epoch {epoch}" + (
            " (the latest)" if self.live else ": drag right for later epochs"))
        self.label.setToolTip("The latest epoch" if self.live else
                              "An earlier epoch: Resume from here, or Latest to go back")
        self.resume_button.setEnabled(not self.live)
        self.live_button.setEnabled(not self.live)
