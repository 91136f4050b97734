"""One frame of the window: ONE batched forward pass over the plane grid, handed to the views.

The views draw what they are given and never read the session themselves.  Frames are
requested by marking the renderer (:meth:`Renderer.request`) and drawn by one timer at most
at the display rate; the costly views (loss plot, predictions, diagnosis) refresh at ~10 Hz
while training plays.
"""
from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer

from backprop_lab.engine.data.plane import plane_grid, plane_outputs
from backprop_lab.engine.training.inspection import edge_values, phase_unit_values

from ..style import colors
from ..views import heatmaps
from ..views.image_strip import image_shape, weight_images

GRID_RESOLUTION = 160         # output heatmap cells per side
THUMBNAIL_STEP = 6            # thumbnails sample every 6th grid point: 27 × 27 cells
FRAME_INTERVAL_MS = 16        # redraw at most at ~60 Hz
SLOW_VIEW_INTERVAL = 0.1      # seconds between loss-plot and predictions redraws while playing
DIAGNOSIS_INTERVAL = 0.25     # seconds between diagnoses (dead/identical units, gradients)


class Renderer(QObject):
    """Draws the window's views from the session and the :class:`ViewState`."""

    def __init__(self, window):
        super().__init__(window)
        self.w = window
        self.grid = None
        self.lut = colors.diverging_lut(colors.LIGHT)
        self.frame_times: list[float] = []
        self._input_thumbnails: list = []
        self._needed = True
        self._slow_drawn = self._diagnosed = 0.0
        self._timeline_shown = None
        #: Thumbnails each stretched to their own peak, instead of the activation's scale.
        self.per_unit_contrast = False
        self.timer = QTimer(self)
        self.timer.setInterval(FRAME_INTERVAL_MS)
        self.timer.timeout.connect(self.render_if_needed)
        self.timer.start()

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
        target = None
        if self.grid is not None and data.task == "regression":
            values = data.target_function(self.grid.points)
            target = None if values is None else self.grid.image(values)
        w.boundary.set_data(data, self.grid, target)
        w.predictions.set_data(data)
        w.network_view.set_network(session.network, data.input_titles)
        self._input_thumbnails = (
            heatmaps.input_images(self.grid.inputs, GRID_RESOLUTION, self.lut, THUMBNAIL_STEP)
            if self.grid is not None else [])
        self._slow_drawn = 0.0
        self.request()

    # ------------------------------------------------------------------ a frame
    def render(self) -> None:
        """Redraw every view from the session's current state (or the past epoch shown)."""
        start = time.perf_counter()
        self._needed = False
        w, state = self.w, self.w.view_state
        session = w.controller.session
        net = state.shown_network()
        w.transport.set_epoch(state.shown_epoch())
        timeline = (id(session.timeline), session.timeline.version)
        if not state.looking_back and timeline != self._timeline_shown:
            w.timeline_bar.set_epochs(session.timeline.epochs())      # only when it changed
            self._timeline_shown = timeline
        if w.network_view.network is not net:
            w.network_view.set_network(net, session.data.input_titles)
        playing = w.loop.running
        slow_due = not playing or start - self._slow_drawn >= SLOW_VIEW_INTERVAL
        if self.grid is not None:
            self._render_plane(net)
        if slow_due and w.output_stack.currentWidget() is w.predictions:
            self._render_predictions(net)
        w.network_view.set_edge_values(
            None if state.looking_back else
            edge_values(session, state.edge_mode, state.traced_sample))
        if w.network_view.selected is not None:
            w.unit_inspector.show_unit(session, *w.network_view.selected)
        if not playing or start - self._diagnosed >= DIAGNOSIS_INTERVAL:
            self.diagnose()
            self._diagnosed = start
            w.activation_view.refresh()
        if slow_due:
            w.loss_plot.set_history(session.history)
            self._slow_drawn = start
        else:
            self._needed = True          # the slow views are owed a frame
        self.frame_times.append(time.perf_counter() - start)
        if len(self.frame_times) > 600:
            del self.frame_times[:300]

    def _render_plane(self, net) -> None:
        w = self.w
        outputs = plane_outputs(net, self.grid)
        thumbs = heatmaps.unit_images(outputs, net.activations, self.lut, THUMBNAIL_STEP,
                                      per_unit=self.per_unit_contrast)
        w.network_view.set_thumbnails([self._input_thumbnails] + thumbs)
        w.boundary.set_output(outputs[-1])
        selected = w.network_view.selected
        if selected is None:
            w.boundary.set_overlay(None)
        elif selected[0] > 0:
            column, unit = selected
            where = "Output" if column == len(net.layers) else f"Layer {column}"
            w.boundary.set_overlay((f"{where}, unit {unit + 1}", outputs[column - 1][:, :, unit],
                                    net.activations[column - 1]))
        else:
            k = selected[1]
            values = self.grid.inputs[:, k].reshape(GRID_RESOLUTION, GRID_RESOLUTION)
            title = w.controller.session.data.input_titles[k]
            w.boundary.set_overlay((f"Input {title}", values, "identity"))

    def _render_predictions(self, net) -> None:
        """Data that is not 2-D: the predictions view and, for images, each first-layer unit's
        weights as its thumbnail in the graph."""
        w = self.w
        shape = image_shape(w.controller.session.data)
        if shape is not None and len(net.layers) > 1:
            w.network_view.set_thumbnails(
                [[], [rgb[::-1] for rgb in weight_images(net.layers[0].W, shape, self.lut)]])
        w.predictions.show_network(net)

    def diagnose(self) -> None:
        w = self.w
        session = w.controller.session
        diagnosis = session.diagnose()
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
