"""The main window: panels on the left, the network graph in the middle, the output and loss
plots on the right, the transport bar on top.

Rendering is decoupled from training: views are marked dirty by the controller's signals and
redrawn by one timer at display rate, from ONE batched forward pass over the plane grid.
"""
from __future__ import annotations

import json
import sys
import time
import traceback

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QLabel, QMainWindow, QMessageBox, QScrollArea, QSplitter,
                               QVBoxLayout, QWidget)

from engine.grid import decision_grid, plane_grid

from . import colors, heatmaps
from .architecture_panel import ArchitecturePanel
from .boundary_view import BoundaryView
from .config import Config
from .controls import TransportBar
from .data_panel import DataPanel
from .loss_plot import LossPlot
from .network_view import NetworkView
from .session_controller import SessionController, TrainingLoop
from .training_panel import TrainingPanel
from .unit_inspector import UnitInspector

GRID_RESOLUTION = 160         # output heatmap cells per side
THUMBNAIL_STEP = 6            # thumbnails sample every 6th grid point: 27 × 27 cells
FRAME_INTERVAL_MS = 16        # redraw at most at ~60 Hz
LOSS_PLOT_INTERVAL = 0.1      # seconds between loss-plot redraws while training runs


class MainWindow(QMainWindow):
    def __init__(self, config: Config | None = None, settings: QSettings | None = None):
        super().__init__()
        self.setWindowTitle("Backprop Lab")
        self.settings = settings
        if config is None and settings is not None:
            config = self._stored_config()
        self.controller = SessionController(config)
        self.loop = TrainingLoop(self.controller, self)
        self.theme = colors.LIGHT
        self.lut = colors.diverging_lut(self.theme)
        self._grid = None
        self._dirty = True
        self._loss_drawn = 0.0
        self.frame_times: list[float] = []

        self.transport = TransportBar()
        self.network_view = NetworkView()
        self.boundary = BoundaryView()
        self.loss_plot = LossPlot()
        self.inspector = UnitInspector()
        self._build_layout()
        self._build_menus()
        self._connect()

        self.frame_timer = QTimer(self)
        self.frame_timer.setInterval(FRAME_INTERVAL_MS)
        self.frame_timer.timeout.connect(self.render_if_dirty)
        self.frame_timer.start()
        self._on_rebuilt()
        self.statusBar().showMessage("Press Play (Space) to train, or Step (→) one epoch at a time.")
        if settings is not None:
            self._restore_geometry()

    # ------------------------------------------------------------------ layout
    def _build_layout(self) -> None:
        panels = QWidget()
        column = QVBoxLayout(panels)
        column.setContentsMargins(4, 4, 4, 4)
        self.data_panel = DataPanel(self.controller)
        self.architecture_panel = ArchitecturePanel(self.controller)
        self.training_panel = TrainingPanel(self.controller)
        for w in (self.data_panel, self.architecture_panel, self.training_panel):
            column.addWidget(w)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(panels)
        scroll.setWidgetResizable(True)
        scroll.setMinimumWidth(250)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.panels = scroll

        center = QSplitter(Qt.Orientation.Vertical)
        center.addWidget(self.network_view)
        inspector_box = QWidget()
        box = QVBoxLayout(inspector_box)
        box.setContentsMargins(6, 0, 6, 0)
        title = QLabel("<b>Unit inspector</b>")
        box.addWidget(title)
        box.addWidget(self.inspector, 1)
        center.addWidget(inspector_box)
        center.setStretchFactor(0, 4)
        center.setStretchFactor(1, 1)

        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.boundary)
        right.addWidget(self.loss_plot)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 2)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(scroll)
        self.splitter.addWidget(center)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setSizes([270, 700, 520])

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.transport)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(body)

    def _build_menus(self) -> None:
        def action(menu, text, slot, shortcut=None, tip=None):
            a = QAction(text, self)
            if shortcut:
                a.setShortcut(QKeySequence(shortcut))
            if tip:
                a.setStatusTip(tip)
            a.triggered.connect(slot)
            menu.addAction(a)
            return a

        file_menu = self.menuBar().addMenu("&File")
        action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)
        train = self.menuBar().addMenu("&Training")
        self.play_action = action(train, "&Play / Pause", self.loop.toggle, "Space")
        self.step_action = action(train, "&Step epoch", self.step_epoch, "Right")
        action(train, "&Reset weights", self.controller.reset, "R")
        action(train, "Re&generate data", self.controller.rebuild)
        for a in (self.play_action, self.step_action):
            a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        view = self.menuBar().addMenu("&View")
        self.test_action = action(view, "Show &test points", self.boundary.set_show_test)
        self.test_action.setCheckable(True)
        self.test_action.setChecked(True)
        self.discrete_action = action(view, "&Discretize output", self.boundary.set_discrete)
        self.discrete_action.setCheckable(True)
        self.log_action = action(view, "&Log-scale loss", self.loss_plot.set_log)
        self.log_action.setCheckable(True)
        help_menu = self.menuBar().addMenu("&Help")
        action(help_menu, "&About Backprop Lab", self._about)

    def _connect(self) -> None:
        c = self.controller
        c.rebuilt.connect(self._on_rebuilt)
        c.trained.connect(self.mark_dirty)
        c.weightsEdited.connect(self.mark_dirty)
        c.diverged.connect(self._on_diverged)
        c.message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        c.error.connect(self.show_error)
        self.transport.playToggled.connect(self.loop.toggle)
        self.transport.stepRequested.connect(self.step_epoch)
        self.transport.resetRequested.connect(c.reset)
        self.transport.speedChanged.connect(self.loop.set_speed)
        self.loop.runningChanged.connect(self.transport.set_running)
        self.network_view.unitSelected.connect(self._unit_selected)
        self.network_view.weightTyped.connect(c.set_weight)
        self.network_view.unitsChangeRequested.connect(self.architecture_panel.change_units)
        self.network_view.layersChangeRequested.connect(self.architecture_panel.change_layers)
        self.boundary.discrete_box.toggled.connect(self.discrete_action.setChecked)
        self.boundary.test_box.toggled.connect(self.test_action.setChecked)
        self.loss_plot.log_box.toggled.connect(self.log_action.setChecked)

    # ------------------------------------------------------------------ actions
    def step_epoch(self) -> None:
        self.loop.pause()
        self.controller.step_epoch()

    def show_error(self, text: str) -> None:
        self.statusBar().showMessage(f"⚠ {text}", 10000)

    def _on_diverged(self, text: str) -> None:
        self.statusBar().showMessage(f"⚠ {text}", 20000)

    def _about(self) -> None:
        QMessageBox.about(self, "About Backprop Lab",
                          "<b>Backprop Lab</b><br>Watch a neural network train: every weight, "
                          "gradient and step of backpropagation, live.<br>The network is "
                          "written from scratch in NumPy.")

    def _unit_selected(self, column: int, unit: int) -> None:
        if column < 0:
            self.inspector.clear()
            self.boundary.set_overlay(None)
        self.mark_dirty()

    # ------------------------------------------------------------------ rendering
    def _on_rebuilt(self) -> None:
        session = self.controller.session
        data = session.data
        self._grid = plane_grid(data, GRID_RESOLUTION) if data.is_planar else None
        target = None
        if self._grid is not None and data.task == "regression":
            values = data.target_function(self._grid.points)
            target = None if values is None else self._grid.image(values)
        self.boundary.set_data(data, self._grid, target)
        self.loss_plot.set_metric(session.metric)
        self.network_view.set_network(session.network, data.input_names)
        if self.network_view.selected is None:
            self.inspector.clear()
            self.boundary.set_overlay(None)
        self._input_thumbnails = (
            heatmaps.input_images(self._grid.inputs, GRID_RESOLUTION, self.lut, THUMBNAIL_STEP)
            if self._grid is not None else [])
        self.mark_dirty()

    def mark_dirty(self) -> None:
        self._dirty = True

    def render_if_dirty(self) -> None:
        if self._dirty:
            self.render_now()

    def render_now(self) -> None:
        """Redraw every view from the session's current state."""
        start = time.perf_counter()
        self._dirty = False
        session = self.controller.session
        net = session.network
        self.transport.set_epoch(session.epoch)
        if self._grid is not None:
            outputs = decision_grid(net, self._grid)
            thumbs = heatmaps.unit_images(outputs, net.activations, self.lut, THUMBNAIL_STEP)
            self.network_view.set_thumbnails([self._input_thumbnails] + thumbs)
            self.boundary.set_output(outputs[-1])
            selected = self.network_view.selected
            if selected is not None and selected[0] > 0:
                column, unit = selected
                where = "Output" if column == len(net.layers) else f"Layer {column}"
                self.boundary.set_overlay((f"{where}, unit {unit + 1}",
                                           outputs[column - 1][:, :, unit],
                                           net.activations[column - 1]))
            elif selected is not None:
                k = selected[1]
                values = self._grid.inputs[:, k].reshape(GRID_RESOLUTION, GRID_RESOLUTION)
                self.boundary.set_overlay((f"Input {session.data.input_names[k]}", values,
                                           "identity"))
        else:
            self.network_view.update()
        if self.network_view.selected is not None:
            self.inspector.show_unit(session, *self.network_view.selected)
        # The loss plot is the costliest view to paint and needs no 60 Hz: ~10 Hz while playing.
        if not self.loop.running or start - self._loss_drawn >= LOSS_PLOT_INTERVAL:
            self.loss_plot.set_history(session.history)
            self._loss_drawn = start
        else:
            self._dirty = True
        self.frame_times.append(time.perf_counter() - start)
        if len(self.frame_times) > 600:
            del self.frame_times[:300]

    # ------------------------------------------------------------------ persistence
    def _stored_config(self) -> Config | None:
        raw = self.settings.value("config")
        if not raw:
            return None
        try:
            return Config.from_dict(json.loads(raw))
        except (ValueError, TypeError):
            return None

    def _restore_geometry(self) -> None:
        geometry = self.settings.value("geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        state = self.settings.value("splitter")
        if isinstance(state, QByteArray):
            self.splitter.restoreState(state)

    def save_settings(self) -> None:
        if self.settings is None:
            return
        self.settings.setValue("config", json.dumps(self.controller.config.to_dict()))
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("splitter", self.splitter.saveState())
        self.settings.sync()

    def closeEvent(self, event) -> None:
        self.loop.pause()
        self.frame_timer.stop()
        self.save_settings()
        super().closeEvent(event)


def report_exception(window: MainWindow | None, exc_type, exc, tb) -> None:
    """sys.excepthook for the app: errors in slots go to the status bar, the app keeps going."""
    text = "".join(traceback.format_exception(exc_type, exc, tb))
    sys.stderr.write(text)
    if window is not None:
        window.loop.pause()
        window.show_error(f"Internal error: {exc_type.__name__}: {exc} (details on stderr)")

