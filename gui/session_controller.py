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

import dataclasses

from backprop_lab.engine import Dataset, TrainingSession
from backprop_lab.engine.io.csv_split import resplit
from backprop_lab.engine.data.datasets import GENERATORS

from .config import ARCHITECTURE_FIELDS, CUSTOM, DATA_FIELDS, Config


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
        if self.config.is_custom:           # settings from a run on data that is gone
            self.config = dataclasses.replace(self.config, dataset=Config.dataset).normalized()
        #: Imported or drawn data (what Config.dataset == CUSTOM stands for), else None.
        self.custom_data: Dataset | None = None
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
                if new.is_custom:
                    data = self._custom_data_for(new, changed)
                elif keep_data:
                    data = self._with_features(self.session.data, new)
                else:
                    data = None
                session = new.build_session(data)
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

    @staticmethod
    def _with_features(data: Dataset, config: Config) -> Dataset:
        return data.with_features(config.features) if data.is_planar else data

    def _custom_data_for(self, new: Config, changed: set[str]) -> Dataset:
        if self.custom_data is None:
            raise ValueError("there is no imported or drawn data to go back to")
        data = self.custom_data
        if changed & {"test_fraction", "data_seed"}:
            data = resplit(data, new.test_fraction, new.data_seed)
            self.custom_data = data
        return self._with_features(data, new)

    def _custom_config(self, data: Dataset, base: Config | None = None,
                       loss: str = "") -> Config:
        """``base`` (default: the current config) describing imported or drawn ``data``; an
        empty ``loss`` takes the first that fits the data's task."""
        base = base or self.config
        return Config(**{**base.__dict__, "dataset": CUSTOM, "custom_task": data.task,
                         "n_classes": max(data.n_classes, 2),
                         "features": data.features if data.is_planar else base.features,
                         "test_fraction": float(data.params.get("test_fraction",
                                                                base.test_fraction)),
                         "loss": loss}).normalized()

    def use_data(self, data: Dataset) -> bool:
        """Train on imported or drawn ``data`` with a new network of the current hidden
        layers (its input and output layers fit the data).  False (and a message) if refused."""
        config = self._custom_config(data)
        try:
            session = config.build_session(data)
        except ValueError as exc:
            self.error.emit(str(exc))
            return False
        self.custom_data = data
        self.config = config
        self._install(session)
        self.configChanged.emit()
        self.message.emit(f"Training on {data.name}: {len(data.y_train)} training and "
                          f"{len(data.y_test)} test samples, {data.n_inputs} input(s); "
                          f"new weights from seed {config.seed}.")
        return True

    def edit_data(self, data: Dataset) -> bool:
        """The data changed by hand (a point drawn or removed): keep the network and its
        weights when it still fits, else rebuild it (a new class needs a new output unit)."""
        session = self.session
        if session.network.n_outputs != data.n_outputs or session.data.task != data.task:
            if not self.use_data(data):
                return False
            self.message.emit(f"{data.n_classes} classes now: the output layer changed, so the "
                              "network starts from new weights.")
            return True
        try:
            session.replace_data(data)
        except ValueError as exc:
            self.error.emit(str(exc))
            return False
        self.custom_data = data
        self.config = self._custom_config(data)
        self.rebuilt.emit()
        self.configChanged.emit()
        return True

    def load(self, config: Config, session: TrainingSession) -> None:
        """Adopt a ready session and the config it was built from (a lesson, a file)."""
        data = session.data
        if config.is_custom or data.name not in GENERATORS or data.params.get("edited"):
            self.custom_data = data
            config = self._custom_config(data, config, session.loss)
        else:
            self.custom_data = None
        self.config = config.normalized()
        self._install(session)
        self.configChanged.emit()

    def rebuild(self) -> None:
        """New data and network from the current config (the Regenerate button; imported or
        drawn data is kept, with a new network)."""
        try:
            self._install(self.config.build_session(
                self._with_features(self.custom_data, self.config)
                if self.config.is_custom and self.custom_data is not None else None))
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
