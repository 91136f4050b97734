"""Play and pause: :class:`TrainingLoop` trains in time-boxed chunks on the UI thread, so the
window keeps answering input while a session trains as fast as it can (or at a chosen speed)."""
from __future__ import annotations

import time

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from .controller import SessionController

#: Speed choices: epochs per second (None = as fast as possible).
SPEEDS = (1, 2, 5, 10, 30, 100, 300, 1000, None)


class TrainingLoop(QObject):
    """Play/pause.  One timer tick per display frame (~16 ms) trains for a time-boxed slice
    and leaves the rest of the frame to drawing; the slice adapts so that a whole frame
    (training, then drawing) takes about one display period."""

    runningChanged = Signal(bool)
    targetReached = Signal(int)       # play_until's epoch was reached (or training stopped)

    FRAME = 1 / 60
    MIN_BUDGET, MAX_BUDGET = 0.002, 0.012

    def __init__(self, controller: SessionController, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.speed: int | None = None
        self.budget = 0.008
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(int(self.FRAME * 1000))
        self._timer.timeout.connect(self._tick)
        self._owed = 0.0
        self._last = 0.0
        #: Train at full speed up to this epoch, then pause (a lesson's prepared epochs).
        self.target: int | None = None
        controller.diverged.connect(lambda _msg: self.pause())
        # Early stopping and the stop rules end Play too (the window says why).
        controller.stopped.connect(lambda _msg: self.pause())

    @property
    def running(self) -> bool:
        return self._timer.isActive()

    def play(self) -> None:
        if self.running:
            return
        self._owed, self._last = 0.0, time.perf_counter()
        self._timer.start()
        self.runningChanged.emit(True)

    def play_until(self, epoch: int) -> None:
        """Train as fast as the window allows until ``epoch``, then pause: long work in the
        same time-boxed slices as Play, so the window keeps answering."""
        self.target = int(epoch)
        self.play()

    def pause(self) -> None:
        self.target = None
        if not self.running:
            return
        self._timer.stop()
        self.runningChanged.emit(False)

    def toggle(self) -> None:
        self.pause() if self.running else self.play()

    def set_speed(self, epochs_per_second: int | None) -> None:
        self.speed = epochs_per_second
        self._owed = 0.0

    def _tick(self) -> None:
        try:
            self._train_a_slice()
        except ValueError as exc:            # a session that cannot train (a step unit)
            self.pause()
            self.controller.error.emit(str(exc))

    def _train_a_slice(self) -> None:
        now = time.perf_counter()
        period, self._last = now - self._last, now
        session = self.controller.session
        if self.target is not None:
            # A divergence or a stop pauses (and clears the target) inside run: keep it here.
            target = self.target
            left = target - session.epoch
            if left > 0 and not session.diverged:
                session.run(left, max_seconds=self.MAX_BUDGET)
            if session.epoch >= target or session.diverged or session.stopped:
                reached = session.epoch
                self.pause()
                self.targetReached.emit(reached)
            return
        if self.speed is None:
            # Longer frames than a display period: train less; shorter: train more.
            self.budget = min(max(self.budget + 0.25 * (self.FRAME - period),
                                  self.MIN_BUDGET), self.MAX_BUDGET)
            session.run(1_000_000, max_seconds=self.budget)
            return
        self._owed = min(self._owed + period * self.speed, self.speed * 0.25 + 1)
        due = int(self._owed)
        if due:
            self._owed -= session.run(due, max_seconds=self.MAX_BUDGET)
            if session.diverged:
                self._owed = 0.0
