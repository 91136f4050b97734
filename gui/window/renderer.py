"""One frame of the window: ONE grid pass over the plane, handed to the views.

The views draw what they are given and never read the session themselves.  Frames are
requested by marking the renderer (:meth:`Renderer.request`) and drawn by one timer at most
at the display rate.  While training plays, the views that cost most (loss plot, predictions,
diagnosis) refresh at ~3–10 Hz, one of them per frame so that no frame carries two (the loss
plot one row a frame), and views hidden behind a tab wait until they are shown; a
:class:`FrameBudget` fits how much a frame draws to the machine (a coarser output grid,
fewer edges, the slow views less often where frames come late).  At rest every frame draws
everything.  What training publishes while it plays elsewhere (:attr:`TrainingLoop.live`)
and the session does not mirror is drawn from there: the timeline's epochs, the latest
diagnosis, the last update.
"""
from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QObject, Qt, QTimer

from backprop_lab.engine.data.plane import plane_grid
from backprop_lab.engine.training.inspection import edge_values, phase_unit_values

from ..style import colors
from ..views import heatmaps
from ..views.image_strip import image_shape
from .frame_budget import FrameBudget
from .plane_pass import PlanePass

GRID_RESOLUTION = 160         # output heatmap cells per side (while playing: FrameBudget's)
THUMBNAIL_STEP = 6            # thumbnails sample every 6th grid point: 27 × 27 cells
FRAME_INTERVAL_MS = 16        # redraw at most at ~60 Hz
#: The output plot is redrawn when some point moved by more than half a color step.
OUTPUT_STEP = 0.5 / 255


class Renderer(QObject):
    """Draws the window's views from the session and the :class:`ViewState`."""

    def __init__(self, window):
        super().__init__(window)
        self.w = window
        self.grid = None
        self.plane: PlanePass | None = None
        self.lut = colors.diverging_lut(colors.LIGHT)
        self.frame_times: list[float] = []
        self._input_indices = None
        self._needed = True
        self._due = {"loss": 0.0, "predictions": 0.0, "diagnosis": 0.0}
        self._loss_rows: list[str] = []      # the loss plot's rows still to redraw
        self._timeline_shown = None
        self._drawn_output: tuple | None = None       # (network, output) last drawn
        #: How much a frame draws while training plays, fitted to the machine.
        self.budget = FrameBudget()
        #: Thumbnails each stretched to their own peak, instead of the activation's scale.
        self.per_unit_contrast = False
        self.timer = QTimer(self)
        # A precise timer: a coarse one may fire 5 % late, just below 60 frames a second.
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(FRAME_INTERVAL_MS)
        self.timer.timeout.connect(self.render_if_needed)
        self.timer.start()
        tabs = getattr(window, "tabs", None)
        if tabs is not None:                    # a view behind a tab is drawn when shown
            tabs.currentChanged.connect(lambda _index: self.request())

    def request(self) -> None:
        """Ask for a frame at the next display tick."""
        self._needed = True

    def set_per_unit_contrast(self, on: bool) -> None:
        self.per_unit_contrast = bool(on)
        self.w.network_view.thumbnail_note = (
            "thumbnails: each unit on its own scale" if on else "")
        self.request()

    def render_if_needed(self) -> None:
        if self._needed:
            self.render()

    # ------------------------------------------------------------------ a new session
    def set_theme(self, theme) -> None:
        self.lut = colors.diverging_lut(theme)
        self.rebuild()

    def rebuild(self) -> None:
        """The session (data or architecture) changed: a new grid, and fresh views."""
        w = self.w
        session = w.controller.session
        data = session.data
        self.grid = plane_grid(data, GRID_RESOLUTION) if data.is_planar else None
        self.plane = (PlanePass(self.grid, THUMBNAIL_STEP, lambda r: plane_grid(data, r))
                      if self.grid is not None else None)
        target = None
        if self.grid is not None and data.task == "regression":
            values = data.target_function(self.grid.points)
            target = None if values is None else self.grid.image(values)
        w.boundary.set_data(data, self.grid, target)
        w.predictions.set_data(data)
        w.network_view.set_network(session.network, data.input_titles)
        self._input_indices = (
            heatmaps.unit_indices(self.plane.input_thumbnails(), self.plane.thumbnail_shape,
                                  "identity", per_unit=True) if self.plane is not None else None)
        self._drawn_output = None
        self._due = dict.fromkeys(self._due, 0.0)
        self._loss_rows = []
        self.request()

    # ------------------------------------------------------------------ a frame
    def render(self) -> None:
        """Redraw every view from the session's current state (or the past epoch shown)."""
        start = time.perf_counter()
        self._needed = False
        w, state = self.w, self.w.view_state
        session = w.controller.session
        live = w.loop.live
        net = state.shown_network()
        w.transport.set_epoch(state.shown_epoch())
        if not state.looking_back:
            timeline = (id(session.timeline), session.timeline.version) if live is None \
                else live.timeline_version
            if timeline != self._timeline_shown:                  # only when it changed
                w.timeline_bar.set_epochs(session.timeline.epochs() if live is None
                                          else live.timeline_epochs)
                self._timeline_shown = timeline
        if w.network_view.network is not net:
            w.network_view.set_network(net, session.data.input_titles)
        playing = w.loop.running
        slow = ""
        if playing:
            self.budget.frame()
            slow = self._render_slow_view(start, net, live)
            if slow == "axes":
                # The loss plot's axes stepped: its repaint lays them out anew and redraws
                # every curve (~15 ms), so the graph and the output plot wait for the next
                # frame — no frame carries both.
                self._frame_done(start)
                return
        else:
            self.budget.pause()
        w.network_view.edges_per_paint = self.budget.detail.edges if playing else None
        if self.plane is not None:
            self._render_plane(net, playing, self.budget.thumbnails_due(slow_view=bool(slow)))
        w.loop.publish_gradients = state.edge_mode in ("gradient", "update")
        w.network_view.set_edge_values(
            None if state.looking_back else
            edge_values(session, state.edge_mode, state.traced_sample)
            if live is None else live.edge_values(session, state.edge_mode,
                                                  state.traced_sample))
        if w.network_view.selected is not None and (not playing
                                                    or w.unit_inspector.isVisible()):
            w.unit_inspector.show_unit(session, *w.network_view.selected)
        if not playing:
            self._render_slow_views(net, live)
        self._frame_done(start)

    def _frame_done(self, start: float) -> None:
        self.frame_times.append(time.perf_counter() - start)
        if len(self.frame_times) > 600:
            del self.frame_times[:300]

    def _render_slow_views(self, net, live) -> None:
        """At rest: everything, now."""
        if self.w.output_stack.currentWidget() is self.w.predictions:
            self._render_predictions(net)
        self.diagnose(live)
        if self.w.activation_view.isVisible():
            self.w.activation_view.refresh()
        self.w.loss_plot.set_history(self.w.controller.session.history)
        self._due = dict.fromkeys(self._due, 0.0)
        self._loss_rows = []

    def _render_slow_view(self, now: float, net, live) -> str:
        """While playing: the most overdue of the slow views, one per frame (as often as the
        frame budget's detail says); the loss plot one row a frame (its rows together cost a
        frame up to 20 ms).  Says what it did: "" nothing, "view" a view redrawn, "axes" the
        loss plot redrawn and its axes stepped."""
        w = self.w
        self._needed = True          # the slow views are owed frames while playing
        if self._loss_rows:
            row = self._loss_rows.pop(0)
            stepped = w.loss_plot.set_history(w.controller.session.history, (row,))
            return "axes" if stepped else "view"
        detail = self.budget.detail
        jobs = {"loss": detail.slow_interval, "diagnosis": detail.diagnosis_interval}
        if w.output_stack.currentWidget() is w.predictions:
            jobs["predictions"] = detail.slow_interval
        due = [(self._due[job], job) for job in jobs if now >= self._due[job]]
        if due:
            _, job = min(due)
            self._due[job] = now + jobs[job]
            if job == "loss":
                rows = list(w.loss_plot.shown_rows())
                self._loss_rows = rows[1:]
                stepped = w.loss_plot.set_history(w.controller.session.history,
                                                  tuple(rows[:1]))
                return "axes" if stepped else "view"
            if job == "predictions":
                self._render_predictions(net)
            else:
                self.diagnose(live)
                if w.activation_view.isVisible():
                    w.activation_view.refresh()
            return "view"
        return ""

    def _render_plane(self, net, playing: bool, thumbnails: bool) -> None:
        w = self.w
        selected = w.network_view.selected
        keep = selected[0] - 1 if selected is not None and selected[0] > 0 else None
        # While training plays, the output plot changes too fast for the eye to tell float32
        # from float64, or 80 (or fewer: see FrameBudget) from 160 cells a side; at rest it
        # holds exactly the engine's numbers on the fine grid.
        frame = (self.plane.run(net, keep, "float32", self.budget.detail.grid,
                                thumbnails=thumbnails) if playing
                 else self.plane.run(net, keep))
        if frame.thumbnails is not None:
            shape = self.plane.thumbnail_shape
            w.network_view.set_thumbnails(
                [self._input_indices] + heatmaps.layer_indices(frame.thumbnails, shape,
                                                               net.activations,
                                                               self.per_unit_contrast),
                lut=self.lut)
        w.boundary.set_interpolated(playing)
        if self._output_changed(net, frame.output, playing):
            w.boundary.set_output(frame.output)
        if selected is None:
            if w.boundary.overlay is not None:
                w.boundary.set_overlay(None)
        elif selected[0] > 0:
            column, unit = selected
            where = "Output" if column == len(net.layers) else f"Layer {column}"
            w.boundary.set_overlay((f"{where}, unit {unit + 1}", frame.kept[:, :, unit],
                                    net.activations[column - 1]))
        else:
            k = selected[1]
            values = self.grid.inputs[:, k].reshape(GRID_RESOLUTION, GRID_RESOLUTION)
            title = w.controller.session.data.input_titles[k]
            w.boundary.set_overlay((f"Input {title}", values, "identity"))

    def _output_changed(self, net, output: np.ndarray, playing: bool) -> bool:
        """While playing, a classifier's output plot (probabilities on a fixed color scale) is
        redrawn only when some point moved by more than half a color step since it was last
        drawn: late in training most frames move none."""
        drawn = self._drawn_output
        if (playing and drawn is not None and drawn[0] is net and drawn[1].shape == output.shape
                and self.w.controller.session.data.task != "regression"):
            with np.errstate(invalid="ignore"):
                if np.all(np.abs(output - drawn[1]) <= OUTPUT_STEP):
                    return False
        self._drawn_output = (net, output)
        return True

    def _render_predictions(self, net) -> None:
        """Data that is not 2-D: the predictions view and, for images, each first-layer unit's
        weights as its thumbnail in the graph."""
        w = self.w
        shape = image_shape(w.controller.session.data)
        if shape is not None and len(net.layers) > 1:
            w.network_view.set_thumbnails(
                [None, heatmaps.weight_indices(net.layers[0].W, shape)], lut=self.lut)
        w.predictions.show_network(net)

    def diagnose(self, live=None) -> None:
        w = self.w
        session = w.controller.session
        if live is not None and live.diagnosis is None:
            return
        diagnosis = session.diagnose() if live is None else live.diagnosis
        dead = {(layer + 1, u) for layer, units in diagnosis.dead_units.items() for u in units}
        identical = {(layer + 1, u): k for layer, groups in diagnosis.identical_units.items()
                     for k, group in enumerate(groups) for u in group}
        w.network_view.set_diagnosis(dead, identical)
        w.banner.show_messages(diagnosis.messages(), diverged=bool(session.diverged))

    # ------------------------------------------------------------------ a phase step
    def show_phase(self) -> None:
        """The step inspector and the numbers beside units, for the phases shown so far."""
        w = self.w
        stepper, sample = w.stepper, w.view_state.traced_sample
        phase = stepper.current
        w.network_view.set_phase(None if phase is None else phase.name,
                                 None if phase is None else phase.layer)
        w.transport.set_phase(stepper.describe())
        if phase is not None and phase.layer is not None:
            w.activation_view.select_layer(phase.layer)
        w.step_inspector.show_phase(phase, len(w.controller.session.network.layers), sample)
        notes = {}
        for done in stepper.done:
            for key, (symbol, value) in phase_unit_values(done, sample).items():
                notes[key] = f"{symbol} {value:+.3g}"
        w.network_view.set_annotations(notes)
        self.request()
