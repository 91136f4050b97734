"""The thin Qt adapter between the engine's TrainingSession and the views.

:class:`SessionController` owns the current session and :class:`~gui.config.Config`; it turns
the session's plain callbacks into Qt signals and applies the panels' changes (training
settings go to the live session from the next step; data and architecture changes rebuild it
and say so).  :class:`TrainingLoop` plays training in time-boxed chunks on the UI thread so
the window keeps answering input.
"""
from __future__ import annotations

import time

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from engine import TrainingSession

from .config import ARCHITECTURE_FIELDS, DATA_FIELDS, Config


class SessionController(QObject):
    rebuilt = Signal()            # a new session (new data and/or network)
    trained = Signal()            # the epoch count or weights moved through training
    weightsEdited = Signal()      # the user typed a weight or bias
    diverged = Signal(str)        # training stopped on a non-finite loss; the message
    message = Signal(str)         # something to tell the user (status bar)
    error = Signal(str)           # something the user asked for was refused
    configChanged = Signal()      # the config changed (panels re-read it)

    def __init__(self, config: Config | None = None, parent=None):
        super().__init__(parent)
        self.config = (config or Config()).normalized()
        self.session: TrainingSession = self.config.build_session()
        self.session.subscribe(self._on_session_event)

    # ------------------------------------------------------------------ events
    def _on_session_event(self, event: str, session: TrainingSession) -> None:
        if event == "diverged":
            self.diverged.emit(session.diverged or "Training diverged.")
        elif event == "weights":
            self.weightsEdited.emit()
        elif event in ("trained", "reset", "resumed"):
            self.trained.emit()

    def _install(self, session: TrainingSession) -> None:
        self.session.unsubscribe(self._on_session_event)
        self.session = session
        session.subscribe(self._on_session_event)
        self.rebuilt.emit()

    # ------------------------------------------------------------------ config
    def apply(self, **changes) -> bool:
        """Change config fields; returns False (and says why) if the change was refused."""
        new = Config(**{**self.config.__dict__, **changes}).normalized()
        changed = new.changed_fields(self.config)
        if not changed:
            return True
        try:
            if changed & (set(DATA_FIELDS) | set(ARCHITECTURE_FIELDS)):
                keep_data = not (changed & set(DATA_FIELDS))
                session = new.build_session(self.session.data.with_features(new.features)
                                            if keep_data else None)
                self.config = new
                self._install(session)
                what = "data" if not keep_data else "network"
                self.message.emit(f"Rebuilt the {what}: new weights from seed {new.seed}, "
                                  "epoch 0.")
            else:
                s = self.session
                s.learning_rate = new.learning_rate
                s.optimizer = new.optimizer
                s.batch_size = new.batch_size
                s.l1, s.l2 = new.l1, new.l2
                self.config = new
                self.message.emit("Applies from the next step: " + ", ".join(
                    f"{name.replace('_', ' ')} {getattr(new, name)}" for name in sorted(changed)))
        except ValueError as exc:
            self.error.emit(str(exc))
            self.configChanged.emit()
            return False
        self.configChanged.emit()
        return True

    def load(self, config: Config, session: TrainingSession) -> None:
        """Adopt a ready session and the config it was built from (a lesson, a file)."""
        self.config = config.normalized()
        self._install(session)
        self.configChanged.emit()

    def rebuild(self) -> None:
        """New data and network from the current config (the Regenerate button)."""
        try:
            self._install(self.config.build_session())
        except ValueError as exc:
            self.error.emit(str(exc))
            return
        self.message.emit("Regenerated the data and re-initialized the network.")

    # ------------------------------------------------------------------ actions
    def step_epoch(self) -> None:
        self.session.step_epoch()

    def reset(self) -> None:
        self.session.reset(self.config.seed)
        self.message.emit(f"Reset: new random weights from seed {self.config.seed}, epoch 0.")

    def set_weight(self, layer: int, i: int, j: int, value: float) -> bool:
        try:
            self.session.set_weight(layer, i, j, value)
        except (ValueError, IndexError) as exc:
            self.error.emit(str(exc))
            return False
        return True

    def set_bias(self, layer: int, j: int, value: float) -> bool:
        try:
            self.session.set_bias(layer, j, value)
        except (ValueError, IndexError) as exc:
            self.error.emit(str(exc))
            return False
        return True


#: Speed choices: epochs per second (None = as fast as possible).
SPEEDS = (1, 2, 5, 10, 30, 100, 300, 1000, None)


class TrainingLoop(QObject):
    """Play/pause.  One timer tick per display frame (~16 ms) trains for a time-boxed slice
    and leaves the rest of the frame to drawing; the slice adapts so that a whole frame
    (training, then drawing) takes about one display period."""

    runningChanged = Signal(bool)

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
        controller.diverged.connect(lambda _msg: self.pause())

    @property
    def running(self) -> bool:
        return self._timer.isActive()

    def play(self) -> None:
        if self.running:
            return
        self._owed, self._last = 0.0, time.perf_counter()
        self._timer.start()
        self.runningChanged.emit(True)

    def pause(self) -> None:
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
        now = time.perf_counter()
        period, self._last = now - self._last, now
        session = self.controller.session
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
