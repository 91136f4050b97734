"""The window's side of the training process (:mod:`.training_worker`): starting it, handing
it a session to train, reading the weights it publishes, and taking the session back.

One process serves the whole application (it is started on first use, in the background,
and reused); one training loop at a time holds it.  While it trains a session, the session
object in the window is a picture of it: :meth:`RemoteTraining.frame` copies the newest
weights (and gradient and last update, when asked for) into that session's network, so the
views draw them, and :class:`Live` holds what else the frame said.  :meth:`settle` stops the
worker and puts the whole trained state (optimizer, history, timeline, counters, …) back into
the window's session object with :meth:`TrainingSession.adopt`: from then on the window's
session is the truth again.
"""
from __future__ import annotations

import multiprocessing
import time
import weakref
from multiprocessing import shared_memory

import numpy as np

from backprop_lab.engine.training.history import History
from backprop_lab.engine.training.inspection import edge_values

from . import training_worker

#: How long settling may wait for the worker to hand a session back (one slice or epoch).
SETTLE_TIMEOUT = 30.0


class Live:
    """What the worker last published about the session it trains, for the renderer."""

    def __init__(self, session):
        self.session = session
        self.epoch = session.epoch
        self.history = session.history
        self.timeline_version = ("remote", -1)
        self.timeline_epochs = session.timeline.epochs()
        self.diagnosis = None
        self.has_update = session.optimizer.last_delta is not None
        self.update = np.zeros_like(session.network.theta)
        #: The timeline's (epochs, weights) as the worker last sent them (None: not asked for
        #: yet; the session's own timeline still holds the path).
        self.path = None

    def absorb(self, progress) -> None:
        self.epoch = progress.epoch
        self.has_update = progress.has_update
        if progress.history is not None:
            self.history = History.from_state(progress.history)
        if progress.timeline is not None:
            version, epochs = progress.timeline
            self.timeline_version, self.timeline_epochs = ("remote", version), epochs
        if progress.diagnosis is not None:
            self.diagnosis = progress.diagnosis
        if progress.path is not None:
            self.path = progress.path

    def edge_values(self, session, mode: str, sample: int | None):
        """As :func:`engine.training.inspection.edge_values`, with the last update the worker
        published (the window's optimizer has not stepped)."""
        if mode != "update":
            return edge_values(session, mode, sample)
        net = session.network
        if not self.has_update:
            return [np.zeros_like(layer.W) for layer in net.layers]
        return [self.update[w].reshape(layer.W.shape).copy()
                for layer, (w, _b) in zip(net.layers, net.slices)]


class RemoteTraining:
    """The application's training process, and the session it trains (see the module
    docstring).  Not thread-safe: the window's thread only."""

    _shared: "RemoteTraining | None" = None

    @classmethod
    def shared(cls) -> "RemoteTraining":
        if cls._shared is None or not cls._shared.alive:
            cls._shared = cls()
        return cls._shared

    def __init__(self):
        from threadpoolctl import threadpool_info
        threads = [pool.get("num_threads") for pool in threadpool_info()
                   if pool.get("user_api") == "blas"]
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=training_worker.serve, daemon=True,
                                        args=(child, threads[0] if threads else None),
                                        name="backprop-lab training")
        self._process.start()
        child.close()
        self.ready = False
        self.owner = None
        self.live: Live | None = None
        self._memory = None
        self._views = ()
        self._asked = False
        self.stopped: str | None = None       # "target", "diverged", "stopped" or "error: …"

    @classmethod
    def stop_shared(cls) -> None:
        """End the application's training process, if one was started (at quit)."""
        if cls._shared is not None:
            cls._shared.quit()
            cls._shared = None

    @property
    def alive(self) -> bool:
        return self._process.is_alive()

    @property
    def pid(self) -> int | None:
        """The training process's id."""
        return self._process.pid

    def free_for(self, owner) -> bool:
        """True when ``owner`` may train here: nobody else holds the process (a holder that
        is gone — a closed window's loop — lets go of it)."""
        holder = self.owner() if self.owner is not None else None
        if holder is None and self.live is not None:
            try:
                self.settle()                 # its session is gone: drop what it trained
            except (RuntimeError, EOFError, OSError):
                pass
        return holder is None or holder is owner

    def poll_ready(self) -> bool:
        """True once the process is up (it says so by itself)."""
        if not self.ready and self._conn.poll():
            self.ready = self._conn.recv()[0] == "ready"
        return self.ready

    # ------------------------------------------------------------------ a session
    def start(self, owner, session, until: int | None) -> None:
        """Train ``session`` (a copy of it) at full speed, up to epoch ``until``."""
        n = session.network.theta.size
        self._memory = shared_memory.SharedMemory(create=True, size=max(3 * n * 8, 8))
        block = np.ndarray((3, n), dtype=np.float64, buffer=self._memory.buf)
        self._views = (block[0], block[1], block[2])
        self.owner, self.live, self.stopped, self._asked = weakref.ref(owner), Live(session), \
            None, False
        self._conn.send(("start", session, until, self._memory.name))

    def frame(self, with_gradients: bool, with_path: bool = False) -> bool:
        """Take in what the worker published since the last call and ask for the next
        frame (with the gradient and last update, with the timeline's weights: see
        :class:`Live`); True when new weights were copied into the session's network."""
        fresh = False
        while self._conn.poll():
            kind, *rest = self._conn.recv()
            if kind == "frame":
                self._asked = False
                self._absorb(rest[0], with_gradients)
                fresh = True
            elif kind in ("stopped", "error"):
                self.stopped = rest[0] if kind == "stopped" else f"error: {rest[0]}"
        if not self._asked and self.stopped is None:
            self._conn.send(("frame", with_gradients, with_path))
            self._asked = True
        return fresh

    def _absorb(self, progress, with_gradients: bool) -> None:
        live = self.live
        theta, grad, delta = self._views
        if with_gradients:
            np.copyto(live.update, delta)
        live.absorb(progress)
        live.session.mirror(progress.epoch, progress.steps, theta,
                            grad if with_gradients else None,
                            live.history if progress.history is not None else None)

    def settle(self):
        """Stop training and put the trained state back into the window's session; returns
        that session (None when nothing was training)."""
        live = self.live
        if live is None:
            return None
        self._conn.send(("settle",))
        deadline = time.monotonic() + SETTLE_TIMEOUT
        trained = None
        while time.monotonic() < deadline:
            if not self._conn.poll(0.5):
                if not self.alive:
                    break
                continue
            kind, *rest = self._conn.recv()
            if kind == "state":
                trained = rest[0]
                break
            if kind in ("stopped", "error") and self.stopped is None:
                self.stopped = rest[0] if kind == "stopped" else f"error: {rest[0]}"
        self._release()
        if trained is None:
            raise RuntimeError("the training process did not hand the session back")
        live.session.adopt(trained)
        return live.session

    def _release(self) -> None:
        self.live, self.owner, self._views = None, None, ()
        if self._memory is not None:
            self._memory.close()
            self._memory.unlink()
            self._memory = None

    def abandon(self) -> None:
        """After a failure (the process died, or did not hand the session back): end it and
        free its memory, so that the next Play starts a fresh one — a late reply of this one
        would otherwise be taken for the next run's."""
        if RemoteTraining._shared is self:
            RemoteTraining._shared = None
        self.quit()

    def quit(self) -> None:
        """Stop the process: asked first, ended if it does not go within a second (it may be
        in the middle of a long epoch)."""
        try:
            self._conn.send(("quit",))
        except (OSError, ValueError):
            pass
        self._process.join(timeout=1.0)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(timeout=1.0)
        self._release()
        self._conn.close()
