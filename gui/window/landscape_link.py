"""The loss landscape in the window: which slice, when to compute it, and what clicking does.

:class:`LandscapeLink` feeds the :class:`~..views.landscape_view.LandscapeView`:

* **The slice** is computed on a worker thread from a copy of the session
  (:func:`engine.analysis.session_copy.copy_session`), so the window never waits for it.  Its
  centre is the weights shown (live, or the timeline's epoch); its directions are the user's
  choice: the path's principal components (the default; random directions until the path has
  3 snapshots), filter-normalized random directions, or two weights picked by clicking two
  edges of the network graph (the default for a network of exactly two weights).
* **When**: on demand (Recompute), when the view first shows a session, and, with Follow on,
  when the weights have moved a visible distance: out of the picture (the span widens, the
  centre stays, so earlier paths stay comparable) or off the slice by more than a sixth of its
  extent (a new slice through the weights shown).  Automatic recomputations come at most once
  a second, so the worker never competes with training for long.
* **The path** (the timeline's snapshots) and the live point are projected on every frame;
  pinned runs' paths (kept when a run is pinned) are drawn as dashed ghosts on the same slice.
* **A click** on the surface sets the weights there (through
  :meth:`SessionController.set_weights_from_landscape`, undoable) and training goes on from
  them; the slice stays, with the path before the click as a ghost.

The surface depends only on the data, the architecture and the loss, so a reset or a click
keeps it; new data or a new architecture clears it.
"""
from __future__ import annotations

import html
import time
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np
from backprop_lab.engine.analysis.directions import (PCA, WEIGHTS, pca_directions,
                                                     random_directions, weight_directions,
                                                     weight_name)
from backprop_lab.engine.analysis.landscape import (BASE_SPAN, PATH_MARGIN, LossSlice, loss_slice,
                                                    trajectory)
from backprop_lab.engine.analysis.session_copy import copy_session
from PySide6.QtCore import QEvent, QObject, Qt, QTimer

#: Grid points per side: finer for small problems (the cost is K·m·P).
RESOLUTION, FINE_RESOLUTION, FINE_WORK = 41, 81, 20_000
REFRESH_MS, POLL_MS = 100, 30
AUTO_INTERVAL = 1.0           # seconds between automatic recomputations
OFF_SLICE = 1 / 6             # recompute when θ is this far off the slice (× its extent)
BEFORE_CLICK_COLOR = (90, 90, 90)


class LandscapeLink(QObject):
    def __init__(self, window, view):
        super().__init__(window)
        self.w, self.view = window, view
        self.slice: LossSlice | None = None
        self.note = ""                        # why these directions (e.g. a fallback)
        self.chosen_kind: str | None = None   # the user's choice; None: the default rule
        self.picked: list[tuple[int, int, int]] = []   # (layer, i, j) of the clicked edges
        self.picking = False
        self.follow = True
        self.pinned_paths: dict[int, np.ndarray] = {}  # pin number → thetas (T, P)
        self.before_click: np.ndarray | None = None
        self._data = self._shape = None       # what the slice was computed for
        self._job: Future | None = None
        self._job_for = None                  # (data, shape) the running job is for
        self._again = False
        self._last_auto = 0.0
        self._executor = executor = ThreadPoolExecutor(max_workers=1)
        self.destroyed.connect(lambda *_: executor.shutdown(wait=False, cancel_futures=True))
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._collect)
        self._throttle = QTimer(self)
        self._throttle.setSingleShot(True)
        self._throttle.setInterval(REFRESH_MS)
        self._throttle.timeout.connect(self.refresh)
        c = window.controller
        for signal in (c.trained, c.weightsEdited, window.view_state.changed,
                       window.stepper.phaseChanged):
            signal.connect(self.request)
        c.rebuilt.connect(self._on_rebuilt)
        view.directionsChosen.connect(self.choose_directions)
        view.recomputeRequested.connect(lambda: self.compute(recenter=True))
        view.pickingToggled.connect(self._set_picking)
        view.followToggled.connect(lambda on: (setattr(self, "follow", on), self.request()))
        view.pointChosen.connect(self.train_from)
        window.network_view.installEventFilter(self)

    # ------------------------------------------------------------------ what to show
    def request(self, *_args) -> None:
        """Refresh soon (at most every REFRESH_MS while training)."""
        self.w.loop.publish_path = self.view.isVisible()
        if not self._throttle.isActive():
            self._throttle.start()

    def kind(self) -> str:
        if self.chosen_kind is not None:
            return self.chosen_kind
        return WEIGHTS if self._weight_count() == 2 else PCA

    def _weight_count(self) -> int:
        return sum(layer.n_in * layer.n_out for layer in self.w.controller.session.network.layers)

    def _fits(self) -> bool:
        session = self.w.controller.session
        return (self.slice is not None and session.data is self._data
                and self._shape == _shape(session))

    def _path(self, session) -> np.ndarray:
        """The timeline's weights (T, P): those the training process last sent while it
        trains the session, else the session's own."""
        live = self.w.loop.live
        if live is not None and live.session is session and live.path is not None:
            return live.path[1]
        return trajectory(session)[1]

    def refresh(self) -> None:
        """Path, ghosts and live point on the slice; a new slice when one is due."""
        if not self.view.isVisible():
            return
        if not self._fits():
            self.compute(recenter=True)
            return
        s = self.slice
        session = self.w.controller.session
        thetas = self._path(session)
        self.view.set_path(s.project(thetas) if len(thetas) else np.empty((0, 2)))
        shown = self.w.view_state.shown_network().theta.astype(np.float64)
        coords, distance = s.directions.project(s.center, shown)
        point = coords[0]
        self.view.set_live_point(tuple(point))
        self.view.set_ghosts(self._ghosts())
        extent = min(abs(s.a[-1]) * np.linalg.norm(s.directions.d1),
                     abs(s.b[-1]) * np.linalg.norm(s.directions.d2))
        off = float(distance[0])
        outside = abs(point[0]) > 0.97 * s.a[-1] or abs(point[1]) > 0.97 * s.b[-1]
        self.view.set_message(self._caption(s, off))
        if self.follow and self._job is None and time.monotonic() - self._last_auto \
                >= AUTO_INTERVAL and (off > OFF_SLICE * extent or outside):
            self._last_auto = time.monotonic()
            self.compute(recenter=off > OFF_SLICE * extent)

    def _caption(self, s: LossSlice, off: float) -> str:
        where = ("on the slice" if off < 1e-9 else f"{off:.3g} away from the slice in weight "
                 "space (the surface under the ring is the nearest point's)")
        penalty = " with the penalty" if s.with_penalty else ""
        note = f" <i>{html.escape(self.note)}</i>" if self.note else ""
        return (f"{html.escape(s.directions.description)}{note} Colour: log₁₀ of the "
                f"training loss{penalty}; the ring is the weights shown, {where}. Click the "
                "surface to train on from there.")

    def _ghosts(self) -> list:
        pins = self.w.pins
        shown, _hidden = pins.board.split(pins.current())
        current = pins.current()
        P = self.slice.center.size
        ghosts = [(run.label(current), run.color, self.slice.project(self.pinned_paths[
            run.number])) for run in shown
            if run.number in self.pinned_paths and self.pinned_paths[run.number].shape[1] == P]
        if self.before_click is not None and self.before_click.shape[1] == P:
            ghosts.append(("before the click", BEFORE_CLICK_COLOR,
                           self.slice.project(self.before_click)))
        return ghosts

    # ------------------------------------------------------------------ computing
    def compute(self, recenter: bool = True) -> None:
        """Start a slice on the worker (again after the one running, if one is)."""
        if self._job is not None:
            self._again = True
            return
        session = self.w.controller.session
        network = self.w.view_state.shown_network()
        center = network.theta.astype(np.float64)
        thetas = self._path(session)
        if not recenter and self._fits():
            directions, center = self.slice.directions, self.slice.center
        else:
            directions = self._directions(network, thetas)
        coords = directions.project(center, np.vstack([thetas, network.theta[None, :]]))[0]
        reach = PATH_MARGIN * np.abs(coords).max(axis=0)
        half = np.maximum(reach, 0.0 if directions.kind == PCA else BASE_SPAN)
        if not recenter and self._fits():
            half = np.maximum(half, [self.slice.a[-1], self.slice.b[-1]])
        half = np.maximum(half, 1e-3)
        work = session.n_train * network.theta.size
        resolution = FINE_RESOLUTION if work <= FINE_WORK else RESOLUTION
        twin = copy_session(session)
        self._job = self._executor.submit(loss_slice, twin, directions, resolution,
                                          (float(half[0]), float(half[1])), center)
        self._job_for = (session.data, _shape(session))
        self.view.set_busy(True)
        self._poll.start()

    def _directions(self, network, thetas):
        """The directions of the kind in use, or random ones with a note saying why not."""
        kind, self.note = self.kind(), ""
        self.view.set_directions(kind)
        try:
            if kind == PCA:
                return pca_directions(thetas)
            if kind == WEIGHTS:
                pair = self.picked if len(self.picked) == 2 else self._only_two_weights()
                if pair is None:
                    raise ValueError("click “Pick 2 edges”, then two edges of the network "
                                     "graph")
                return weight_directions(network, *pair)
        except ValueError as exc:
            self.note = f"Random directions for now: {exc}."
        return random_directions(network, seed=0)

    def _only_two_weights(self):
        net = self.w.controller.session.network
        if self._weight_count() != 2:
            return None
        return [(k, i, j) for k, layer in enumerate(net.layers)
                for i in range(layer.n_in) for j in range(layer.n_out)]

    def _collect(self) -> None:
        job = self._job
        if job is None or not job.done():
            return
        self._poll.stop()
        self._job = None
        self.view.set_busy(False)
        session = self.w.controller.session
        # The same data object (a Dataset's == would compare its arrays element-wise).
        fits = self._job_for[0] is session.data and self._job_for[1] == _shape(session)
        try:
            result = job.result()
        except ValueError as exc:
            self.view.set_message(f"⚠ {html.escape(str(exc))}")
            result = None
        if result is not None and fits:
            self.slice = result
            self._data, self._shape = self._job_for
            self.view.set_slice(result.a, result.b, result.loss, result.directions.labels,
                                result.axis_origin)
        if self._again or not fits:
            self._again = False
            self.compute(recenter=True)
            return
        self.refresh()

    def wait(self, timeout: float = 30.0) -> None:
        """Block until the slice being computed is shown (tests, screenshots)."""
        while self._job is not None:
            self._job.exception(timeout=timeout)
            self._collect()

    # ------------------------------------------------------------------ the user
    def choose_directions(self, kind: str) -> None:
        self.chosen_kind = kind
        self.view.set_directions(kind)
        if kind == WEIGHTS and len(self.picked) < 2 and self._only_two_weights() is None:
            self.view.pick_button.setChecked(True)
        self.compute(recenter=True)

    def _set_picking(self, on: bool) -> None:
        self.picking = on
        if on:
            self.picked = []
            self.w.say("Click two edges of the network graph: the slice shows the loss as "
                       "those two weights change.", 10000)

    def pick_edge(self, layer: int, i: int, j: int) -> None:
        """An edge clicked while picking: the first or second weight of the slice."""
        self.picked = (self.picked + [(layer, i, j)])[-2:]
        if len(self.picked) == 1:
            self.w.say(f"{weight_name(layer, i, j)} chosen: now click a second edge.", 10000)
            return
        if self.picked[0] == self.picked[1]:
            self.picked = self.picked[:1]
            self.w.say("That is the same weight: click another edge.", 6000)
            return
        self.view.pick_button.setChecked(False)
        self.w.say(f"The slice: the loss as {weight_name(*self.picked[0])} and "
                   f"{weight_name(*self.picked[1])} change.", 8000)
        self.chosen_kind = WEIGHTS
        self.view.set_directions(WEIGHTS)
        self.compute(recenter=True)

    def eventFilter(self, watched, event) -> bool:
        """While picking, a click on an edge of the graph chooses it (no weight editor)."""
        if (self.picking and event.type() == QEvent.Type.MouseButtonPress
                and event.button() == Qt.MouseButton.LeftButton):
            edge = self.w.network_view.edge_at(event.position())
            if edge is not None and self.w.network_view.unit_at(event.position()) is None:
                self.pick_edge(*edge)
                return True
        return super().eventFilter(watched, event)

    def train_from(self, a: float, b: float) -> None:
        """Set the weights at (a, b) of the slice and train on from them (undoable)."""
        if self.slice is None or not self._fits():
            return
        theta = self.slice.theta_at(a, b)
        previous = trajectory(self.w.controller.session)[1]
        self.w.view_state.interrupt()
        if self.w.controller.set_weights_from_landscape(theta):
            self.before_click = previous
            self.refresh()

    def remember_pin(self) -> None:
        """A run was just pinned: keep its path for the ghosts."""
        runs = self.w.pins.board.runs
        if runs and runs[-1].number not in self.pinned_paths:
            self.pinned_paths[runs[-1].number] = trajectory(self.w.controller.session)[1]
        alive = {run.number for run in runs}
        self.pinned_paths = {k: v for k, v in self.pinned_paths.items() if k in alive}
        self.request()

    def _on_rebuilt(self) -> None:
        self.before_click = None             # train_from sets it again after its click
        if not self._fits():
            self.slice, self.note = None, ""
            if self._shape != _shape(self.w.controller.session):
                self.picked = []
            self.view.clear_slice("Computing the slice…")
        self.request()

    def shutdown(self) -> None:
        self._poll.stop()
        self._executor.shutdown(wait=False, cancel_futures=True)


def _shape(session) -> tuple:
    """What the surface depends on besides the data: the architecture and the loss."""
    net = session.network
    return tuple(net.sizes), tuple(net.activations), session.loss
