"""The training process: trains a copy of the window's session at full speed while the
window's own process draws.  No Qt here — the process imports only NumPy and the engine.

The window (:class:`..remote_training.RemoteTraining`) talks to it through a pipe::

    window → worker                          worker → window
    ("start", session, until, memory name)   ("ready",)               once, when it is up
    ("frame", with_gradients, with_path)     ("frame", Progress)      θ (and g, Δθ) in memory
    ("settle",)                              ("state", session)       stopped, the whole state
    ("quit",)                                ("stopped", why)         "target" reached, "diverged",
                                                                      "stopped" (a stop rule)
                                             ("error", text)          training refused or failed

Between messages it trains in slices of :data:`SLICE` seconds (``session.run``), so a
request waits at most one slice (or one epoch, when an epoch takes longer).  Weights are
published only when asked for, into shared memory that only the worker writes and only
between a request and its reply: the window reads it after the reply, so no lock is needed.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

#: Seconds of training between two looks at the pipe.
SLICE = 0.004
#: Seconds between two copies of the history (the loss plot redraws at ~10 Hz) and two
#: diagnoses (dead and identical units, gradients: ~4 Hz) in the frames published.
HISTORY_INTERVAL = 0.1
DIAGNOSIS_INTERVAL = 0.25
#: Seconds between two copies of the timeline's weights (the loss landscape's path), sent
#: only while the window asks for them.
PATH_INTERVAL = 0.25


@dataclass
class Progress:
    """What a frame tells the window besides the weights (which are in shared memory)."""

    epoch: int
    steps: int
    #: ``history.state()`` when it changed since the last frame that carried one, else None.
    history: dict | None = None
    #: The timeline's kept epochs, when they changed (with the timeline's version).
    timeline: tuple[int, np.ndarray] | None = None
    diagnosis: object | None = None
    has_update: bool = False          # Δθ of a last step exists (the optimizer has stepped)
    #: The timeline's (epochs (T,), weights (T, P)) when asked for and changed, else None.
    path: tuple[np.ndarray, np.ndarray] | None = None


def serve(conn, blas_threads: int | None) -> None:
    """The worker process's main loop (the target of ``multiprocessing.Process``)."""
    if blas_threads is not None:
        from threadpoolctl import threadpool_limits
        threadpool_limits(blas_threads, user_api="blas")
    worker = _Worker(conn)
    conn.send(("ready",))
    try:
        worker.loop()
    except (EOFError, OSError, KeyboardInterrupt):
        pass                                   # the window went away


class _Worker:
    def __init__(self, conn):
        self.conn = conn
        self.session = None
        self.until: int | None = None
        self.memory = None
        self.views: tuple[np.ndarray, ...] = ()
        self.training = False
        self._history_sent = self._diagnosed = self._path_sent = 0.0
        self._timeline_sent = self._path_version = None

    def loop(self) -> None:
        while True:
            if self.training:
                self._train_slice()
                while self.conn.poll():
                    if not self._handle(self.conn.recv()):
                        return
            elif not self._handle(self.conn.recv()):        # idle: wait for a message
                return

    # ------------------------------------------------------------------ messages
    def _handle(self, message) -> bool:
        kind = message[0]
        if kind == "start":
            _, self.session, self.until, name = message
            self._attach(name)
            self.training = True
            self._history_sent = self._diagnosed = self._path_sent = 0.0
            self._timeline_sent = self._path_version = None
        elif kind == "frame":
            if self.session is not None:
                self._publish(with_gradients=message[1], with_path=message[2])
        elif kind == "settle":
            self.training = False
            session, self.session = self.session, None
            self._detach()
            self.conn.send(("state", session))
        elif kind == "quit":
            self._detach()
            return False
        return True

    def _attach(self, name: str) -> None:
        from multiprocessing import shared_memory
        self._detach()
        # The window created the block and removes it; this process only attaches (and
        # shares the window's resource tracker, which already knows the block).
        self.memory = shared_memory.SharedMemory(name=name)
        n = self.session.network.theta.size
        block = np.ndarray((3, n), dtype=np.float64, buffer=self.memory.buf)
        self.views = (block[0], block[1], block[2])

    def _detach(self) -> None:
        self.views = ()
        if self.memory is not None:
            self.memory.close()
            self.memory = None

    # ------------------------------------------------------------------ training
    def _train_slice(self) -> None:
        session = self.session
        left = 1_000_000 if self.until is None else self.until - session.epoch
        try:
            if left > 0:
                session.run(left, max_seconds=SLICE)
        except Exception as exc:               # reported in the window, never lost
            self.training = False
            self.conn.send(("error", str(exc) if isinstance(exc, ValueError)
                            else f"{type(exc).__name__}: {exc}"))
            return
        if session.diverged:
            self.training = False
            self.conn.send(("stopped", "diverged"))
        elif session.stopped:                  # early stopping or a stop rule
            self.training = False
            self.conn.send(("stopped", "stopped"))
        elif self.until is not None and session.epoch >= self.until:
            self.training = False
            self.conn.send(("stopped", "target"))

    def _publish(self, with_gradients: bool, with_path: bool) -> None:
        session = self.session
        net = session.network
        theta, grad, delta = self.views
        np.copyto(theta, net.theta)
        last = session.optimizer.last_delta
        if with_gradients:
            np.copyto(grad, net.grad)
            if last is not None:
                np.copyto(delta, last)
        now = time.perf_counter()
        progress = Progress(session.epoch, session.steps, has_update=last is not None)
        if now - self._history_sent >= HISTORY_INTERVAL:
            progress.history = session.history.state()
            self._history_sent = now
        version = session.timeline.version
        if version != self._timeline_sent:
            progress.timeline = (version, session.timeline.epochs())
            self._timeline_sent = version
        if with_path and version != self._path_version and now - self._path_sent >= PATH_INTERVAL:
            timeline = session.timeline
            epochs = timeline.epochs()
            progress.path = (epochs, np.stack([timeline.theta_at(int(e)) for e in epochs])
                             if epochs.size else np.empty((0, net.theta.size)))
            self._path_version, self._path_sent = version, now
        if now - self._diagnosed >= DIAGNOSIS_INTERVAL:
            progress.diagnosis = session.diagnose()
            self._diagnosed = now
        self.conn.send(("frame", progress))
