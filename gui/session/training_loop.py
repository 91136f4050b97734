"""Play and pause.

At full speed (Play with no speed limit, or a lesson's first epochs) the session trains in a
process of its own (:mod:`.remote_training`) while the window's thread only draws: each
display frame takes the newest weights it published.  The window's :class:`TrainingSession`
stays the one truth: before anything changes or saves it, :meth:`TrainingLoop.settle` (which
:meth:`SessionController.settle` calls) takes the trained state back into it, and training
goes on from there at the next frame.  Until that process is up, and at a chosen speed, the
session trains here in time-boxed slices between frames, so the window keeps answering.
"""
from __future__ import annotations

import os
import time

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from .controller import SessionController
from .remote_training import RemoteTraining

#: Speed choices: epochs per second (None = as fast as possible).
SPEEDS = (1, 2, 5, 10, 30, 100, 300, 1000, None)


class TrainingLoop(QObject):
    """Play/pause; see the module docstring.  Here, one timer tick per display frame
    (~16 ms) trains for a time-boxed slice whose length adapts so that a whole frame
    (training, then drawing) takes about one display period."""

    runningChanged = Signal(bool)
    targetReached = Signal(int)       # play_until's epoch was reached (or training stopped)

    FRAME = 1 / 60
    MIN_BUDGET, MAX_BUDGET = 0.002, 0.012
    #: False: train in this process only (no training process is started); the environment
    #: variable BACKPROP_LAB_TRAINING_PROCESS=0 chooses that for the application.
    use_process = os.environ.get("BACKPROP_LAB_TRAINING_PROCESS", "1") != "0"

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
        #: Publish the gradient and the last update with the weights (the edges show them).
        self.publish_gradients = False
        #: Publish the timeline's weights too (the loss landscape draws their path).
        self.publish_path = False
        self._remote: RemoteTraining | None = None
        self._start_state: dict | None = None     # the session as the process got it
        controller.diverged.connect(lambda _msg: self.pause())
        controller.settling.connect(self.settle)
        # Early stopping and the stop rules end Play too (the window says why).
        controller.stopped.connect(lambda _msg: self.pause())

    @property
    def running(self) -> bool:
        return self._timer.isActive()

    def _holds(self, remote) -> bool:
        return remote is not None and remote.owner is not None and remote.owner() is self

    @property
    def live(self):
        """What the training process last published (None: training happens here)."""
        remote = self._remote
        return remote.live if self._holds(remote) else None

    @property
    def epoch(self) -> int:
        """The latest epoch trained (the training process's, mirrored in the session)."""
        return self.controller.session.epoch

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
        self.settle()
        if not self.running:
            return
        self._timer.stop()
        self.runningChanged.emit(False)

    def toggle(self) -> None:
        self.pause() if self.running else self.play()

    def set_speed(self, epochs_per_second: int | None) -> None:
        self.speed = epochs_per_second
        self._owed = 0.0

    # ------------------------------------------------------------------ the process
    def settle(self) -> None:
        """Take the state the training process reached back into the window's session (it
        goes on training from there at the next frame while Play is on)."""
        remote = self._remote
        if not self._holds(remote) or remote.live is None:
            return
        try:
            session = remote.settle()
        except (RuntimeError, EOFError, OSError) as exc:
            self._lost(remote, exc)
            return
        session.notify("trained")

    def _lost(self, remote: RemoteTraining, exc) -> None:
        """The process died: the session goes back to where it started training there —
        weights, optimizer, epoch, history together (the window had mirrored the process's
        epoch and history meanwhile)."""
        live, self._remote = remote.live, None
        remote.abandon()
        if live is not None and self._start_state is not None:
            live.session.load_state_dict(self._start_state)
            live.session.notify("trained")
        self.controller.error.emit(f"The training process stopped ({exc}); training went back "
                                   "to where it started and goes on here.")

    def _process(self) -> RemoteTraining | None:
        """The training process when it is up and free for this loop (starting it when
        needed), else None."""
        if not self.use_process:
            return None
        remote = self._remote
        if remote is not None and not remote.alive and self._holds(remote):
            self._lost(remote, "it ended unexpectedly")       # mid-run: undo what it mirrored
        if remote is None or not remote.alive:
            try:
                remote = self._remote = RemoteTraining.shared()
            except OSError as exc:            # no process to be had: train here from now on
                self.use_process = False
                self.controller.message.emit(f"Training runs in the window ({exc}).")
                return None
        if not remote.free_for(self):
            return None
        try:
            return remote if remote.poll_ready() else None
        except (EOFError, OSError):
            self._remote = None
            return None

    def _tick_remote(self, remote: RemoteTraining) -> None:
        session = self.controller.session
        live = remote.live if self._holds(remote) else None
        if live is not None and live.session is not session:
            self.settle()                  # the session was replaced: finish the old one
            live = None
        if live is None:
            if self.target is not None and session.epoch >= self.target:
                self._finish("target")
                return
            self._start_state = session.state_dict()
        try:
            if live is None:
                remote.start(self, session, self.target)
            if remote.frame(self.publish_gradients, self.publish_path):
                session.notify("trained")
        except (EOFError, OSError) as exc:
            self._lost(remote, exc)
            return
        if remote.stopped is not None:
            self._finish(remote.stopped)

    def _finish(self, why: str) -> None:
        """The process stopped by itself: the target epoch, a divergence, early stopping or a
        stop rule, or an error.  The window's session then says so as if it had trained here
        (its "diverged" or "stopped" event, with its own reason)."""
        self.settle()
        session = self.controller.session
        if why == "diverged":
            session.notify("diverged")           # the window pauses and explains
        elif why in ("target", "stopped"):
            reached, aimed = session.epoch, self.target is not None
            self.pause()
            if why == "stopped":
                session.notify("stopped")
            if aimed or why == "target":
                self.targetReached.emit(reached)
        else:
            self.pause()
            self.controller.error.emit(why.removeprefix("error: "))

    # ------------------------------------------------------------------ here
    def _tick(self) -> None:
        try:
            self._train_a_slice()
        except ValueError as exc:            # a session that cannot train (a step unit)
            self.pause()
            self.controller.error.emit(str(exc))

    def _train_a_slice(self) -> None:
        now = time.perf_counter()
        period, self._last = now - self._last, now
        if self.speed is None or self.target is not None:
            remote = self._process()
            if remote is not None:
                self._tick_remote(remote)
                return
        else:
            self.settle()                         # a speed was chosen while at full speed
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
