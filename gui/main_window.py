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

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, QStandardPaths, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QComboBox, QFileDialog, QHBoxLayout, QLabel, QMainWindow,
                               QMessageBox, QPushButton, QScrollArea, QSplitter,
                               QStackedWidget, QTabWidget, QVBoxLayout, QWidget)

from backprop_lab.engine import load_session, save_session
from backprop_lab.engine.export.exact_scripts import numpy_script, pytorch_script
from backprop_lab.engine.io.csv_dataset import read_csv
from backprop_lab.engine.io.csv_write import write_csv
from backprop_lab.engine.data.edits import add_point, blank_canvas, remove_nearest
from backprop_lab.engine.data.plane import plane_outputs, plane_grid
from backprop_lab.engine.io.session_file import read_extra

import numpy as np

from . import colors, heatmaps
from .activation_panel import ActivationPanel
from .appearance import apply_appearance
from .architecture_panel import ArchitecturePanel
from .boundary_view import BoundaryView
from .config import Config
from .controls import TransportBar
from .csv_import_dialog import CsvImportDialog
from .data_panel import DataPanel
from .diagnostics_banner import DiagnosticsBanner
from .exporting import GIF_FILTER, IMAGE_FILTER, export_widget, write_gif
from .gradient_check_dialog import GradientCheckDialog
from .lesson_card import LessonCard
from .lessons import Lesson, find_lesson, list_lessons, load_lesson, same_lesson_file
from .loss_plot import LossPlot
from .network_view import NetworkView
from .pinned_runs import MAX_PINS, PinBoard
from .predictions_view import PredictionsView, image_shape, weight_images
from .session_controller import SessionController, TrainingLoop
from .shortcuts_overlay import ShortcutsOverlay
from .step_inspector import StepInspector
from .stepper import PhaseStepper
from .timeline_bar import TimelineBar
from .training_panel import TrainingPanel
from .unit_inspector import UnitInspector

GRID_RESOLUTION = 160         # output heatmap cells per side
THUMBNAIL_STEP = 6            # thumbnails sample every 6th grid point: 27 × 27 cells
FRAME_INTERVAL_MS = 16        # redraw at most at ~60 Hz
LOSS_PLOT_INTERVAL = 0.1      # seconds between loss-plot redraws while training runs
DIAGNOSIS_INTERVAL = 0.25     # seconds between diagnoses (dead/identical units, gradients)
#: What the edges of the graph can show.
PRESENTATION_SCALE = 1.6
SESSION_FILTER = "Backprop Lab sessions (*.bplab);;All files (*)"
CSV_FILTER = "CSV files (*.csv *.txt *.tsv);;All files (*)"
AUTOSAVE_INTERVAL_MS = 30_000
MAX_RECENT = 8
CODE_KINDS = {"numpy": "NumPy", "pytorch": "PyTorch"}
#: What File ▸ Export can picture.
EXPORT_VIEWS = {"window": "Whole window", "network": "Network graph", "boundary": "Output plot",
                "loss": "Loss plot"}
EDGE_MODES = {"weight": "weight w", "gradient": "gradient dL/dW", "update": "last update ΔW",
              "contribution": "w·a (traced sample)"}


class MainWindow(QMainWindow):
    def __init__(self, config: Config | None = None, settings: QSettings | None = None):
        super().__init__()
        self.setWindowTitle("Backprop Lab")
        self.settings = settings
        if config is None and settings is not None:
            config = self._stored_config()
        self.controller = SessionController(config)
        self.loop = TrainingLoop(self.controller, self)
        self.stepper = PhaseStepper(self.controller, self)
        self.traced_sample: int | None = None
        self.edge_mode = "weight"
        self._diagnosed = 0.0
        self.theme = colors.LIGHT
        self.lut = colors.diverging_lut(self.theme)
        self._grid = None
        self._dirty = True
        self._loss_drawn = 0.0
        self.frame_times: list[float] = []

        self.transport = TransportBar()
        self.network_view = NetworkView()
        self.boundary = BoundaryView()
        self.predictions = PredictionsView()
        self.loss_plot = LossPlot()
        self.timeline_bar = TimelineBar()
        self.pins = PinBoard()
        self.preview_network = None       # the network as it was at the timeline's epoch
        self.preview_epoch: int | None = None
        self.inspector = UnitInspector()
        self.step_inspector = StepInspector()
        self.activation_panel = ActivationPanel()
        self.banner = DiagnosticsBanner()
        self.lesson_card = LessonCard()
        self.lessons: list[Lesson] = list_lessons()
        self.lesson_index = -1
        self.presenting = False
        self.scale = 1.0
        self.session_path: Path | None = None
        self.dirty = False          # unsaved work since the last save or open
        self._build_layout()
        self._build_menus()
        self._connect()

        self.frame_timer = QTimer(self)
        self.frame_timer.setInterval(FRAME_INTERVAL_MS)
        self.frame_timer.timeout.connect(self.render_if_dirty)
        self.frame_timer.start()
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setInterval(AUTOSAVE_INTERVAL_MS)
        self.autosave_timer.timeout.connect(self.autosave)
        if settings is not None:
            self.autosave_timer.start()
        self._on_rebuilt()
        self.statusBar().showMessage("Press Play (Space) to train, or Step (→) one epoch at a time.")
        self._update_title()
        self.overlay = ShortcutsOverlay(self)
        if settings is not None:
            self._restore_geometry()
            theme = settings.value("theme")
            if theme in colors.THEMES and theme != "light":
                self.set_theme(theme)

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
        # Wide enough for the panels plus the scroll bar, so no field is cut off.
        scroll.setMinimumWidth(panels.sizeHint().width()
                               + scroll.verticalScrollBar().sizeHint().width() + 4)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.panels = scroll

        self.edge_mode_box = QComboBox()
        for key, label in EDGE_MODES.items():
            self.edge_mode_box.addItem(label, key)
        self.edge_mode_box.setToolTip("What the edges' color and width show")
        self.gradient_check_button = QPushButton("Gradient check…")
        self.gradient_check_button.setToolTip("Compare backprop's gradients with numerical ones "
                                              "(central differences)")
        self.graph_bar = QWidget()
        graph_bar = QHBoxLayout(self.graph_bar)
        graph_bar.setContentsMargins(6, 2, 6, 2)
        graph_bar.addWidget(QLabel("Edges show"))
        graph_bar.addWidget(self.edge_mode_box)
        graph_bar.addStretch(1)
        graph_bar.addWidget(self.gradient_check_button)
        graph_box = QWidget()
        graph_layout = QVBoxLayout(graph_box)
        graph_layout.setContentsMargins(0, 0, 0, 0)
        graph_layout.setSpacing(2)
        graph_layout.addWidget(self.graph_bar)
        graph_layout.addWidget(self.banner)
        graph_layout.addWidget(self.network_view, 1)

        self.tabs = QTabWidget()
        self.tabs.addTab(self.step_inspector, "Step inspector")
        self.tabs.addTab(self.inspector, "Unit inspector")
        self.tabs.addTab(self.activation_panel, "Activation")

        center = QSplitter(Qt.Orientation.Vertical)
        center.addWidget(graph_box)
        center.addWidget(self.tabs)
        center.setStretchFactor(0, 3)
        center.setStretchFactor(1, 2)
        center.setSizes([640, 300])          # proportions: the graph gets two thirds
        self.center_splitter = center

        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.lesson_card)
        # The output plot for 2-D data; the confusion matrix and predictions otherwise.
        self.output_stack = QStackedWidget()
        self.output_stack.addWidget(self.boundary)
        self.output_stack.addWidget(self.predictions)
        right.addWidget(self.output_stack)
        loss_box = QWidget()
        loss_layout = QVBoxLayout(loss_box)
        loss_layout.setContentsMargins(0, 0, 0, 0)
        loss_layout.setSpacing(0)
        loss_layout.addWidget(self.loss_plot, 1)
        loss_layout.addWidget(self.timeline_bar)
        right.addWidget(loss_box)
        right.setStretchFactor(1, 3)
        right.setStretchFactor(2, 2)
        right.setSizes([220, 540, 460])
        self.right_splitter = right

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
        action(file_menu, "&Open session…", self.open_dialog, "Ctrl+O")
        self.recent_menu = file_menu.addMenu("Open &recent")
        action(file_menu, "&Save session", self.save, "Ctrl+S")
        action(file_menu, "Save session &as…", self.save_as, "Ctrl+Shift+S")
        file_menu.addSeparator()
        action(file_menu, "&Import data from CSV…", self.import_csv_dialog, "Ctrl+I",
               "Train on your own data: a CSV file with inputs and a target column")
        action(file_menu, "Export data as &CSV…", self.export_csv_dialog)
        action(file_menu, "&Draw your own data", self.new_drawing)
        file_menu.addSeparator()
        export = file_menu.addMenu("&Export")
        for key, title in EXPORT_VIEWS.items():
            action(export, f"{title} as PNG or SVG…", lambda _c=False, k=key: self.export_view_dialog(k),
                   "Ctrl+E" if key == "window" else None)
        gif = export.addMenu("Training as animated &GIF")
        for key in ("boundary", "network", "window"):
            action(gif, EXPORT_VIEWS[key] + "…", lambda _c=False, k=key: self.export_gif_dialog(k))
        export.addSeparator()
        action(export, "Code: standalone &NumPy script…", lambda: self.export_code_dialog("numpy"),
               tip="A Python file that rebuilds this network with its weights and data and "
                   "trains it, with NumPy only")
        action(export, "Code: standalone &PyTorch script…",
               lambda: self.export_code_dialog("pytorch"),
               tip="The same network, weights, data and optimizer in PyTorch")
        self.export_menu = export
        file_menu.addSeparator()
        action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)
        self._refresh_recent()
        train = self.menuBar().addMenu("&Training")
        self.play_action = action(train, "&Play / Pause", self.toggle_play, "Space")
        self.step_action = action(train, "&Step epoch", self.step_epoch, "Right")
        self.step_action.setShortcuts([QKeySequence("Right"), QKeySequence("PgDown")])
        self.phase_action = action(train, "Step &phase", self.step_phase, "Shift+Right",
                                   "One phase of one training step: forward, loss, backward, update")
        action(train, "&Gradient check…", self.open_gradient_check, "Ctrl+G")
        action(train, "&Reset weights", self.reset, "R")
        action(train, "Re&generate data", self.controller.rebuild)
        train.addSeparator()
        action(train, "P&in run", self.pin_run, "Ctrl+P",
               "Keep the loss curve as a ghost trace to compare with the next runs")
        action(train, "&Clear pinned runs", self.clear_pins)
        action(train, "Resume from the &timeline's epoch", self.resume_from_timeline)
        for a in (self.play_action, self.step_action, self.phase_action):
            a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        view = self.menuBar().addMenu("&View")
        self.test_action = action(view, "Show &test points", self.boundary.set_show_test)
        self.test_action.setCheckable(True)
        self.test_action.setChecked(True)
        self.discrete_action = action(view, "&Discretize output", self.boundary.set_discrete)
        self.discrete_action.setCheckable(True)
        self.log_action = action(view, "&Log-scale loss", self.loss_plot.set_log)
        self.log_action.setCheckable(True)
        view.addSeparator()
        self.presentation_action = action(view, "&Presentation mode", self.toggle_presentation,
                                          "F5", "Full screen, large type, thick lines")
        self.presentation_action.setShortcuts([QKeySequence("F5"), QKeySequence("F11")])
        self.presentation_action.setCheckable(True)
        # Esc only while presenting, so it still cancels editors the rest of the time.
        self.leave_action = action(view, "Leave presentation mode",
                                   lambda: self.set_presentation(False), "Esc")
        self.leave_action.setEnabled(False)
        action(view, "Zoom graph &in", lambda: self.zoom_graph(1.2), "+").setShortcuts(
            [QKeySequence("+"), QKeySequence("="), QKeySequence("Ctrl++")])
        action(view, "Zoom graph &out", lambda: self.zoom_graph(1 / 1.2), "-").setShortcuts(
            [QKeySequence("-"), QKeySequence("Ctrl+-")])
        themes = view.addMenu("&Theme")
        self.theme_actions = {}
        for name in colors.THEMES:
            a = action(themes, name.capitalize() + (" (high contrast)" if name == "projector"
                                                    else ""), lambda _c=False, n=name: self.set_theme(n))
            a.setCheckable(True)
            a.setChecked(name == "light")
            self.theme_actions[name] = a

        lessons_menu = self.menuBar().addMenu("&Lessons")
        action(lessons_menu, "&Start screen…", self.show_start_screen)
        action(lessons_menu, "&Next lesson", lambda: self.goto_lesson(self.lesson_index + 1), "N")
        action(lessons_menu, "&Previous lesson", lambda: self.goto_lesson(self.lesson_index - 1),
               "P")
        lessons_menu.addSeparator()
        for k, lesson in enumerate(self.lessons):
            action(lessons_menu, f"{k + 1}. {lesson.title}", lambda _c=False, k=k: self.goto_lesson(k))

        help_menu = self.menuBar().addMenu("&Help")
        action(help_menu, "&Keyboard shortcuts", self.show_shortcuts, "F1").setShortcuts(
            [QKeySequence("F1"), QKeySequence("?")])
        action(help_menu, "&About Backprop Lab", self._about)

    def _connect(self) -> None:
        c = self.controller
        c.rebuilt.connect(self._on_rebuilt)
        c.trained.connect(self.mark_dirty)
        c.weightsEdited.connect(self.mark_dirty)
        for signal in (c.rebuilt, c.trained, c.weightsEdited, c.configChanged):
            signal.connect(self._work_changed)
        c.diverged.connect(self._on_diverged)
        c.message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        c.error.connect(self.show_error)
        self.transport.playToggled.connect(self.toggle_play)
        self.transport.stepRequested.connect(self.step_epoch)
        self.transport.phaseRequested.connect(self.step_phase)
        self.transport.resetRequested.connect(self.reset)
        self.stepper.phaseChanged.connect(self._on_phase)
        self.edge_mode_box.currentIndexChanged.connect(
            lambda i: self.set_edge_mode(self.edge_mode_box.itemData(i)))
        self.gradient_check_button.clicked.connect(self.open_gradient_check)
        self.boundary.planeClicked.connect(self._plane_clicked)
        self.data_panel.importRequested.connect(self.import_csv_dialog)
        self.data_panel.exportRequested.connect(self.export_csv_dialog)
        self.data_panel.drawRequested.connect(self.new_drawing)
        self.boundary.pointDrawn.connect(self.add_point)
        self.boundary.pointErased.connect(self.remove_point)
        self.step_inspector.sampleChosen.connect(self.trace_sample)
        self.banner.lowerRateRequested.connect(self._lower_rate)
        self.lesson_card.nextRequested.connect(lambda: self.goto_lesson(self.lesson_index + 1))
        self.lesson_card.previousRequested.connect(lambda: self.goto_lesson(self.lesson_index - 1))
        self.lesson_card.restartRequested.connect(lambda: self.goto_lesson(self.lesson_index))
        self.lesson_card.closeRequested.connect(self.lesson_card.hide)
        self.transport.speedChanged.connect(self.loop.set_speed)
        self.loop.runningChanged.connect(self.transport.set_running)
        self.network_view.unitSelected.connect(self._unit_selected)
        self.network_view.weightTyped.connect(self._weight_typed)
        self.network_view.unitsChangeRequested.connect(self.architecture_panel.change_units)
        self.network_view.layersChangeRequested.connect(self.architecture_panel.change_layers)
        self.boundary.discrete_box.toggled.connect(self.discrete_action.setChecked)
        self.boundary.test_box.toggled.connect(self.test_action.setChecked)
        self.loss_plot.log_box.toggled.connect(self.log_action.setChecked)
        self.loss_plot.pinRequested.connect(self.pin_run)
        self.loss_plot.unpinRequested.connect(self.unpin)
        self.loss_plot.clearPinsRequested.connect(self.clear_pins)
        c.configChanged.connect(self._show_pins)
        self.timeline_bar.epochChosen.connect(self.show_epoch)
        self.timeline_bar.resumeRequested.connect(self.resume_from)

    # ------------------------------------------------------------------ actions
    def toggle_play(self) -> None:
        if not self.loop.running:
            self.stepper.cancel()
            self._leave_past()
        self.loop.toggle()

    def step_epoch(self) -> None:
        self.loop.pause()
        self.stepper.cancel()
        self._leave_past()
        self.controller.step_epoch()

    def step_phase(self) -> None:
        """One phase of one training step (Shift+→)."""
        self.loop.pause()
        self._leave_past()
        self.tabs.setCurrentWidget(self.step_inspector)
        self.stepper.step_phase()

    def reset(self) -> None:
        self.stepper.cancel()
        self._leave_past()
        self.controller.reset()

    def _weight_typed(self, layer: int, i: int, j: int, value: float) -> None:
        if self.preview_network is not None:
            self.show_error(f"You are looking at epoch {self.preview_epoch}: go back to the "
                            "latest epoch, or Resume from here, to edit weights.")
            return
        self.stepper.cancel()
        self.controller.set_weight(layer, i, j, value)

    def _lower_rate(self) -> None:
        rate = self.controller.session.learning_rate / 10
        if self.controller.apply(learning_rate=rate):
            self.controller.session.diverged = None
            self.statusBar().showMessage(f"Learning rate lowered to {rate:g}; press Play to "
                                         "continue, or Reset to start from fresh weights.", 8000)
            self.banner.show_messages([])

    def open_gradient_check(self) -> GradientCheckDialog:
        self.loop.pause()
        dialog = GradientCheckDialog(self.controller.session, self)
        dialog.setModal(False)
        dialog.show()
        self.statusBar().showMessage(
            "Gradient check " + ("passed" if dialog.result.passed else "FAILED"), 8000)
        return dialog

    def set_edge_mode(self, mode: str) -> None:
        self.edge_mode = mode
        if self.edge_mode_box.currentData() != mode:
            self.edge_mode_box.setCurrentIndex(self.edge_mode_box.findData(mode))
        self.network_view.edge_mode_label = EDGE_MODES[mode]
        self.mark_dirty()

    def trace_sample(self, index: int) -> None:
        """Follow training sample ``index`` (−1 or None: the whole batch)."""
        index = None if index is None or index < 0 else int(index)
        self.traced_sample = index
        self.step_inspector.set_sample(-1 if index is None else index)
        points = self.controller.session.data.points_train
        self.boundary.set_traced(None if index is None or points.shape[1] != 2 else points[index])
        self._show_phase_details()
        self.mark_dirty()

    def _plane_clicked(self, x: float, y: float, button, modifiers) -> None:
        points = self.controller.session.data.points_train
        if len(points) == 0 or points.shape[1] != 2:
            return
        d = np.hypot(points[:, 0] - x, points[:, 1] - y)
        nearest = int(np.argmin(d))
        (x0, x1), _ = self.controller.session.data.domain
        if d[nearest] > 0.05 * (x1 - x0):      # not on a point: stop tracing
            self.trace_sample(None)
            self.statusBar().showMessage("Tracing the whole batch.", 4000)
            return
        self.trace_sample(nearest)
        label = self.controller.session.data.y_train[nearest]
        self.statusBar().showMessage(f"Tracing training sample {nearest + 1} "
                                     f"({points[nearest][0]:.2f}, {points[nearest][1]:.2f}), "
                                     f"target {label:g}.", 6000)

    # ------------------------------------------------------------------ drawing data
    def add_point(self, x: float, y: float, label: int) -> bool:
        """Add a training point of class ``label`` at (x, y) (the Add points mode)."""
        return self._edit_data(
            lambda data: add_point(data, (x, y), label),
            lambda data: f"Added a class-{label} point at ({x:.2f}, {y:.2f}): "
                         f"{len(data.y_train)} training points.")

    def remove_point(self, x: float, y: float) -> bool:
        """Remove the point nearest to (x, y) (Ctrl-click in the Add points mode)."""
        return self._edit_data(
            lambda data: remove_nearest(data, (x, y))[0],
            lambda data: f"Removed the nearest point: {len(data.y_train)} training and "
                         f"{len(data.y_test)} test points left.")

    def _edit_data(self, edit, describe) -> bool:
        """Apply ``edit`` (Dataset → Dataset) to the live data; refusals go to the status bar."""
        self._leave_past()
        self.stepper.cancel()
        try:
            data = edit(self.controller.session.data)
        except ValueError as exc:
            self.show_error(str(exc))
            return False
        network = self.controller.session.network
        if not self.controller.edit_data(data):
            return False
        text = describe(data)
        if self.controller.session.network is not network:
            text += (f" {data.n_classes} classes now: the output layer grew, so the network "
                     "starts again from new weights.")
        self.statusBar().showMessage(text, 8000)
        return True

    def new_drawing(self) -> None:
        """A blank canvas (one point per class) in the Add points mode."""
        if self.use_data(blank_canvas(features=self.controller.config.features)):
            self.boundary.set_drawing(True)
            self.statusBar().showMessage("Draw your data: click adds class 0, right-click adds "
                                         "class 1, Ctrl-click removes; then press Play.", 10000)

    def import_csv_dialog(self) -> None:
        start = str(self.session_path.parent if self.session_path else Path.home())
        path, _ = QFileDialog.getOpenFileName(self, "Import data from CSV", start, CSV_FILTER)
        if not path:
            return
        dialog = CsvImportDialog(path, self.controller.config.test_fraction,
                                 self.controller.config.data_seed, self)
        if dialog.exec() and dialog.dataset is not None:
            self.use_data(dialog.dataset)

    def import_csv(self, path, **options) -> bool:
        """Train on the data of a CSV file (options as backprop_lab.engine.io.csv_dataset.read_csv, inputs
        standardized unless ``standardize=False``); a bad file is refused with a message
        naming the line and column, and nothing changes."""
        options.setdefault("standardize", True)
        try:
            data = read_csv(path, **options)
        except ValueError as exc:
            self.show_error(f"Cannot import {Path(path).name}: {exc}")
            return False
        return self.use_data(data)

    def use_data(self, data) -> bool:
        self.loop.pause()
        self.stepper.cancel()
        self.boundary.set_drawing(False)
        return self.controller.use_data(data)

    def export_csv_dialog(self) -> None:
        name = f"{self.controller.session.data.name}.csv"
        path = self._ask_path("Export data as CSV", name, CSV_FILTER)
        if path:
            self.export_csv(path)

    def export_csv(self, path) -> bool:
        path = Path(path)
        if not path.suffix:
            path = path.with_suffix(".csv")
        try:
            write_csv(self.controller.session.data, path)
        except (OSError, ValueError) as exc:
            self.show_error(f"Could not export the data: {exc}")
            return False
        self.statusBar().showMessage(f"Exported the data to {path}", 6000)
        return True

    def _on_phase(self, phase) -> None:
        self.network_view.set_phase(None if phase is None else phase.name,
                                    None if phase is None else phase.layer)
        self.transport.set_phase(self.stepper.describe())
        if phase is not None and phase.layer is not None:
            self.activation_panel.select_layer(phase.layer)
        self._show_phase_details()
        self.mark_dirty()

    def _show_phase_details(self) -> None:
        """Step inspector and the numbers beside units, for the phases shown so far."""
        session = self.controller.session
        phase = self.stepper.current
        self.step_inspector.show_phase(phase, len(session.network.layers), self.traced_sample)
        self.network_view.set_annotations(self._annotations())

    def _annotations(self) -> dict[tuple[int, int], str]:
        """a (forward) then δ = dZ (backward) of every unit the step has reached: the traced
        sample's value, or the batch mean (written ā, δ̄)."""
        notes: dict[tuple[int, int], str] = {}
        for phase in self.stepper.done:
            if phase.name not in ("forward", "backward"):
                continue
            values = phase.values["A" if phase.name == "forward" else "dZ"]
            row = self._traced_row(phase)
            mean = row is None
            vector = values.mean(axis=0) if mean else values[row]
            symbol = ("ā" if mean else "a") if phase.name == "forward" else ("δ̄" if mean else "δ")
            for u, v in enumerate(vector):
                notes[(phase.layer + 1, u)] = f"{symbol} {v:+.3g}"
            if phase.name == "forward" and phase.layer == 0:
                inputs = phase.values["A_prev"]
                first = inputs.mean(axis=0) if mean else inputs[row]
                for u, v in enumerate(first):
                    notes[(0, u)] = f"{'x̄' if mean else 'x'} {v:+.3g}"
        return notes

    def _traced_row(self, phase) -> int | None:
        """Row of the traced sample in the phase's batch (None: not traced or not in it)."""
        if self.traced_sample is None:
            return None
        if isinstance(phase.samples, slice):
            return self.traced_sample
        hits = np.flatnonzero(np.asarray(phase.samples) == self.traced_sample)
        return int(hits[0]) if hits.size else None

    def _edge_values(self) -> list[np.ndarray] | None:
        session = self.controller.session
        if self.preview_network is not None:
            return None                       # a past epoch: its weights
        net = session.network
        if self.edge_mode == "gradient":
            return [layer.dW.copy() for layer in net.layers]
        if self.edge_mode == "update":
            update = session.last_update()
            return ([np.zeros_like(layer.W) for layer in net.layers] if update is None
                    else [u["W"] for u in update])
        if self.edge_mode == "contribution":
            if self.traced_sample is None:
                return [np.zeros_like(layer.W) for layer in net.layers]
            x = session.data.X_train[self.traced_sample: self.traced_sample + 1]
            activations = [x] + net.forward_all(x)
            return [layer.W * a[0][:, None] for layer, a in zip(net.layers, activations)]
        return None

    # ------------------------------------------------------------------ pins and timeline
    def pin_run(self) -> None:
        """Keep the current loss curve as a labeled ghost trace."""
        session = self.controller.session
        if session.epoch == 0:
            self.statusBar().showMessage("Train first: there is no loss curve to pin yet.", 5000)
            return
        dropped = self.pins.runs[0].number if len(self.pins.runs) >= MAX_PINS else None
        settings = {**self.controller.config.to_dict(), "data": session.data.name}
        run = self.pins.pin(settings, session.history)
        self._show_pins()
        self.statusBar().showMessage(
            f"Pinned run #{run.number} ({session.epoch} epochs)"
            + (f"; unpinned #{dropped} (at most {MAX_PINS} pins)" if dropped else "")
            + ". Change a setting, press Reset and train again to compare.", 8000)

    def unpin(self, number: int) -> None:
        self.pins.unpin(number)
        self._show_pins()

    def clear_pins(self) -> None:
        self.pins.clear()
        self._show_pins()

    def _show_pins(self) -> None:
        current = {**self.controller.config.to_dict(), "data": self.controller.session.data.name}
        self.loss_plot.set_pins([(run.number, run.label(current), run.epochs, run.train_loss,
                                  run.color) for run in self.pins.runs])

    def show_epoch(self, epoch: int | None) -> None:
        """Show the weights of a past epoch from the timeline (None: the live ones)."""
        session = self.controller.session
        if epoch is None or epoch not in session.timeline:
            self.preview_network, self.preview_epoch = None, None
            self.network_view.set_network(session.network, session.data.input_titles)
            self.loss_plot.set_marker(None)
        else:
            self.loop.pause()
            self.stepper.cancel()
            if self.preview_network is None:
                self.preview_network = session.network.copy()
            self.preview_network.theta[...] = session.timeline.theta_at(epoch)
            self.preview_epoch = int(epoch)
            self.network_view.set_network(self.preview_network, session.data.input_titles)
            self.loss_plot.set_marker(epoch)
            self.statusBar().showMessage(
                f"Showing epoch {epoch} of {session.epoch}. 'Resume from here' trains on from "
                "it; Play or Step go back to the latest epoch.", 8000)
        self.mark_dirty()

    def _leave_past(self) -> None:
        if self.preview_network is not None:
            self.timeline_bar.go_live()
            self.statusBar().clearMessage()           # "Showing epoch …" no longer holds

    def resume_from_timeline(self) -> None:
        epoch = self.timeline_bar.shown_epoch
        if epoch is None:
            self.statusBar().showMessage("Drag the timeline back to an earlier epoch first.", 5000)
            return
        self.resume_from(epoch)

    def resume_from(self, epoch: int) -> None:
        """Branch training from a past epoch (its weights, optimizer state, batch order)."""
        session = self.controller.session
        self.loop.pause()
        self.stepper.cancel()
        try:
            session.resume_from(epoch)
        except KeyError as exc:
            self.show_error(str(exc.args[0]))
            return
        self.preview_network, self.preview_epoch = None, None
        self.network_view.set_network(session.network, session.data.input_titles)
        self.loss_plot.set_marker(None)
        self.timeline_bar.set_epochs(session.timeline.epochs())
        self.timeline_bar.go_live()
        self.statusBar().showMessage(f"Resumed from epoch {epoch}: the later epochs are "
                                     "forgotten; training goes on from here.", 8000)
        self.mark_dirty()

    # ------------------------------------------------------------------ exports
    def export_view(self, key: str):
        """The widget File ▸ Export pictures for ``key`` (see EXPORT_VIEWS)."""
        output = (self.boundary.plots_box if self.output_stack.currentWidget() is self.boundary
                  else self.predictions)
        return {"window": self, "network": self.network_view, "boundary": output,
                "loss": self.loss_plot}[key]

    def _ask_path(self, title: str, name: str, filters: str) -> str:
        start = (self.session_path.parent if self.session_path else Path.home()) / name
        path, _ = QFileDialog.getSaveFileName(self, title, str(start), filters)
        return path

    def export_view_dialog(self, key: str) -> None:
        path = self._ask_path(f"Export {EXPORT_VIEWS[key].lower()}", f"{key}.png", IMAGE_FILTER)
        if path:
            self.export_picture(key, path)

    def export_picture(self, key: str, path) -> bool:
        """Save a view (or the window) as PNG or SVG; False (and a message) if it failed."""
        self.render_now()
        try:
            written = export_widget(self.export_view(key), path)
        except (OSError, ValueError) as exc:
            self.show_error(f"Could not export: {exc}")
            return False
        self.statusBar().showMessage(f"Exported {EXPORT_VIEWS[key].lower()} to {written}", 6000)
        return True

    def export_gif_dialog(self, key: str) -> None:
        path = self._ask_path("Export training as GIF", "training.gif", GIF_FILTER)
        if path:
            self.export_gif(key, path)

    def export_gif(self, key: str, path) -> bool:
        """An animated GIF of the run so far: one frame per timeline snapshot of a view,
        stamped with its epoch.  The live state is shown again afterwards."""
        from PySide6.QtGui import QFont, QPainter
        session = self.controller.session
        epochs = session.timeline.epochs()
        if len(epochs) < 2:
            self.show_error("Train a few epochs first: a GIF needs at least two epochs.")
            return False
        self.loop.pause()
        self.stepper.cancel()
        view = self.export_view(key)
        frames = []
        try:
            for epoch in epochs:
                self.show_epoch(int(epoch) if epoch != epochs[-1] else None)
                self.render_now()
                image = view.grab().toImage()
                painter = QPainter(image)
                font = QFont(self.font())
                font.setPointSizeF(font.pointSizeF() * 1.4 * self.scale)
                font.setBold(True)
                painter.setFont(font)
                painter.setPen(self.theme.qcolor("text"))
                painter.drawText(image.rect().adjusted(12, 8, -12, -8),
                                 int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop),
                                 f"epoch {int(epoch)}")
                painter.end()
                frames.append(image)
        finally:
            self.timeline_bar.go_live()
            self.show_epoch(None)
        try:
            written = write_gif(frames, path)
        except (OSError, ValueError) as exc:
            self.show_error(f"Could not export the GIF: {exc}")
            return False
        self.statusBar().showMessage(f"Exported a {len(frames)}-frame GIF to {written}", 6000)
        return True

    def export_code_dialog(self, kind: str) -> None:
        name = f"{self.controller.session.data.name}_{kind}.py"
        path = self._ask_path(f"Export a {CODE_KINDS[kind]} script", name,
                              "Python scripts (*.py)")
        if path:
            self.export_code(kind, path)

    def export_code(self, kind: str, path) -> bool:
        """Write a standalone script ("numpy" or "pytorch") that rebuilds and trains the
        current network from its current weights, optimizer state and data."""
        self.stepper.cancel()
        path = Path(path)
        if path.suffix != ".py":
            path = path.with_suffix(".py")
        make = numpy_script if kind == "numpy" else pytorch_script
        try:
            path.write_text(make(self.controller.session), encoding="utf-8")
        except (OSError, ValueError) as exc:
            self.show_error(f"Could not export the script: {exc}")
            return False
        self.statusBar().showMessage(f"Exported a {CODE_KINDS[kind]} script to {path}; run it "
                                     f"with: python {path.name} --epochs 100", 8000)
        return True

    def shown_network(self):
        """The network the views draw: the live one, or a past epoch's from the timeline."""
        return self.preview_network or self.controller.session.network

    def show_error(self, text: str) -> None:
        self.statusBar().showMessage(f"⚠ {text}", 10000)

    def _on_diverged(self, text: str) -> None:
        self.stepper.cancel()
        self.statusBar().showMessage(f"⚠ {text}", 20000)
        self._diagnose()

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

    # ------------------------------------------------------------------ files
    def _work_changed(self, *_args) -> None:
        if not self._loading:
            self.dirty = True
            self._update_title()

    _loading = False

    def _update_title(self) -> None:
        name = self.session_path.name if self.session_path else "untitled"
        self.setWindowTitle(f"{name}{' •' if self.dirty else ''} — Backprop Lab")

    def save_to(self, path) -> bool:
        """Save the whole session to ``path``; False (and a message) if that failed."""
        path = Path(path)
        self.stepper.cancel()
        try:
            save_session(self.controller.session, path, extra=self._extra())
        except (OSError, ValueError) as exc:
            self.show_error(f"Could not save {path.name}: {exc}")
            return False
        self._now_at(path, f"Saved {path}")
        return True

    def _extra(self) -> dict:
        """What the window keeps in a session file beside the engine's session."""
        return {"gui_config": self.controller.config.to_dict(), "pins": self.pins.to_list()}

    def save(self) -> bool:
        if self.session_path is None:
            return self.save_as()
        return self.save_to(self.session_path)

    def save_as(self) -> bool:
        start = str(self.session_path or Path.home() / "session.bplab")
        path, _ = QFileDialog.getSaveFileName(self, "Save session", start, SESSION_FILTER)
        if not path:
            return False
        if not path.endswith(".bplab"):
            path += ".bplab"
        return self.save_to(path)

    def open_dialog(self) -> None:
        if not self.maybe_keep_work():
            return
        start = str(self.session_path.parent if self.session_path else Path.home())
        path, _ = QFileDialog.getOpenFileName(self, "Open session", start, SESSION_FILTER)
        if path:
            self.open_path(path, ask=False)

    def open_path(self, path, ask: bool = True) -> bool:
        """Open a session file; a bad file is refused with a message and nothing changes."""
        if ask and not self.maybe_keep_work():
            return False
        path = Path(path)
        try:
            session = load_session(path)
            extra = read_extra(path)
            stored = extra.get("gui_config")
        except ValueError as exc:
            self.show_error(str(exc))
            if self.isVisible() and self.settings is not None:      # interactive use
                QMessageBox.warning(self, "Cannot open the session", str(exc))
            return False
        config = Config.from_dict(stored) if isinstance(stored, dict) else Config()
        self.loop.pause()
        self.stepper.cancel()
        self._loading = True
        try:
            self.controller.load(config, session)
        finally:
            self._loading = False
        self.pins.load(extra.get("pins"))
        self._show_pins()
        self.lesson_card.hide()
        self._now_at(path, f"Opened {path.name}: epoch {session.epoch}")
        return True

    def _now_at(self, path: Path, message: str) -> None:
        """The session is now the one in ``path``, with nothing unsaved."""
        self.session_path, self.dirty = path, False
        self._remember_recent(path)
        self._update_title()
        self.statusBar().showMessage(message, 6000)

    def maybe_keep_work(self) -> bool:
        """Ask before discarding unsaved work; True to go on (saved or discarded)."""
        if not self.dirty or self.settings is None or not self.isVisible():
            return True
        answer = QMessageBox.question(
            self, "Unsaved work", "The current session has unsaved changes. Save them first?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def _remember_recent(self, path: Path) -> None:
        if self.settings is None:
            return
        recent = [p for p in (self.settings.value("recent") or []) if p != str(path)]
        self.settings.setValue("recent", [str(path)] + recent[: MAX_RECENT - 1])
        self._refresh_recent()

    def _refresh_recent(self) -> None:
        self.recent_menu.clear()
        recent = list(self.settings.value("recent") or []) if self.settings is not None else []
        if isinstance(recent, str):
            recent = [recent]
        for path in recent:
            a = QAction(path, self)
            a.triggered.connect(lambda _c=False, p=path: self.open_path(p))
            self.recent_menu.addAction(a)
        self.recent_menu.setEnabled(bool(recent))

    @staticmethod
    def autosave_path() -> Path:
        folder = Path(QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.AppDataLocation) or Path.home() / ".backprop-lab")
        return folder / "autosave.bplab"

    def autosave(self) -> None:
        """Keep a copy of unsaved work where the next launch can offer it back."""
        if not self.dirty:
            return
        path = self.autosave_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            save_session(self.controller.session, path,
                         extra={**self._extra(), "source": str(self.session_path or "")})
        except (OSError, ValueError) as exc:
            self.statusBar().showMessage(f"Autosave failed: {exc}", 6000)

    def offer_autosave(self) -> None:
        """After a crash or kill, offer to restore the work the last run autosaved."""
        path = self.autosave_path()
        if not path.exists():
            return
        answer = QMessageBox.question(
            self, "Restore unsaved work?",
            "Backprop Lab did not close normally last time. Restore the work it autosaved?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        if answer == QMessageBox.StandardButton.Yes and self.open_path(path, ask=False):
            self.session_path, self.dirty = None, True
            self._update_title()
        path.unlink(missing_ok=True)

    # ------------------------------------------------------------------ classroom
    def open_lesson(self, lesson: Lesson, index: int = -1) -> None:
        """Load a lesson's data, network, settings and weights, and show its card."""
        self.loop.pause()
        self.stepper.cancel()
        try:
            session = lesson.build_session()
        except ValueError as exc:
            self.show_error(f"Cannot open the lesson: {exc}")
            return
        self.lesson_index = index
        self.controller.load(lesson.config, session)
        self.lesson_card.show_lesson(lesson, index, len(self.lessons))
        splitter = self.center_splitter if self.presenting else self.right_splitter
        if self.lesson_card.height() < 80:            # it was hidden: give it room again
            sizes = splitter.sizes()
            k = splitter.indexOf(self.lesson_card)
            sizes[k] = max(sum(sizes) // 4, 200)
            splitter.setSizes(sizes)
        self.statusBar().showMessage(f"Lesson: {lesson.title}", 6000)

    def open_lesson_file(self, spec) -> bool:
        """Open the lesson ``spec`` names (a number, a shipped file's name or a path)."""
        try:
            lesson = load_lesson(find_lesson(spec))
        except ValueError as exc:
            self.show_error(str(exc))
            return False
        index = next((k for k, known in enumerate(self.lessons)
                      if same_lesson_file(known.path, lesson.path)), -1)
        self.open_lesson(lesson, index)
        return True

    def goto_lesson(self, index: int) -> None:
        if not self.lessons:
            self.show_error("No lessons were found: the installation lacks its lesson files.")
            return
        if not 0 <= index < len(self.lessons):
            self.statusBar().showMessage("No more lessons that way.", 3000)
            return
        self.open_lesson(self.lessons[index], index)

    def show_start_screen(self) -> None:
        from .start_screen import StartScreen
        show = True if self.settings is None else self.settings.value("start_screen", True) not in (
            False, "false")
        screen = StartScreen(self.lessons, show, self)
        accepted = screen.exec()
        if self.settings is not None:
            self.settings.setValue("start_screen", screen.startup.isChecked())
        if accepted and screen.chosen is not None:
            self.goto_lesson(screen.chosen)

    def wants_start_screen(self) -> bool:
        return self.settings is not None and self.settings.value("start_screen", True) not in (
            False, "false")

    def toggle_presentation(self) -> None:
        self.set_presentation(not self.presenting)

    def set_presentation(self, on: bool) -> None:
        """Full screen, type ×1.6, thick lines, advanced panels hidden (Esc leaves)."""
        if on == self.presenting:
            self.presentation_action.setChecked(on)
            return
        self.presenting = on
        self.presentation_action.setChecked(on)
        self.leave_action.setEnabled(on)
        if on:
            self._before_presentation = (self.isMaximized(), self.saveGeometry())
            self.panels.hide()
            self.graph_bar.hide()
            self.tabs.setVisible(self.stepper.active or bool(self.stepper.done))
            # The lesson card moves under the graph, where the inspectors were.
            self.center_splitter.insertWidget(1, self.lesson_card)
            self.center_splitter.setSizes([700, 240, 240])
            self._splitter_before = self.splitter.saveState()
            self.splitter.setSizes([0, 1100, 800])
            self.showFullScreen()
        else:
            self.panels.show()
            self.graph_bar.show()
            self.tabs.show()
            self.splitter.restoreState(self._splitter_before)
            self.right_splitter.insertWidget(0, self.lesson_card)
            self.right_splitter.setSizes([220, 540, 460])
            self.center_splitter.setSizes([640, 300])
            maximized, geometry = self._before_presentation
            self.showNormal()
            if maximized:
                self.showMaximized()
            else:
                self.restoreGeometry(geometry)
        self.scale = PRESENTATION_SCALE if on else 1.0
        apply_appearance(self, self.theme, self.scale)
        # Three stacked plots need height: on small screens keep the loss and accuracy only.
        self.loss_plot.show_gradient_norms(
            not on or (self._screen_height() >= 1000 and self.controller.session.data.is_planar))

    def _screen_height(self) -> int:
        """Height of the screen the window is on (full screen takes effect only later)."""
        screen = self.screen()
        return screen.geometry().height() if screen is not None else self.height()

    def set_theme(self, name: str) -> None:
        if name not in colors.THEMES:
            self.show_error(f"Unknown theme {name!r}")
            return
        for key, a in self.theme_actions.items():
            a.setChecked(key == name)
        apply_appearance(self, colors.THEMES[name], self.scale)
        if self.settings is not None:
            self.settings.setValue("theme", name)

    def theme_changed(self) -> None:
        """Called by apply_appearance: rebuild what was colored with the old theme."""
        self.lut = colors.diverging_lut(self.theme)
        self.network_view.zoom = self.network_view.zoom
        self.transport.set_scale(self.scale)
        self.step_inspector.set_scale(self.scale)
        from PySide6.QtWidgets import QApplication
        self.lesson_card.set_scale(QApplication.font().pointSizeF())
        self.lesson_card.setStyleSheet(
            "#lessonCard { background: rgb%s; border: 2px solid rgb%s; border-radius: 6px; }"
            % (self.theme.background, self.theme.highlight))
        past = self.preview_epoch
        self._on_rebuilt()
        if past is not None:                         # a new look keeps the epoch in view
            self.timeline_bar.show_epoch(past)

    def plots(self):
        """(PlotItem, widget) of every pyqtgraph plot, for the appearance module."""
        return [(self.boundary.plot.getPlotItem(), self.boundary.plot),
                (self.boundary.target_plot.getPlotItem(), self.boundary.target_plot),
                (self.loss_plot.loss, self.loss_plot.canvas),
                (self.loss_plot.score, self.loss_plot.canvas),
                (self.loss_plot.grads, self.loss_plot.canvas),
                (self.predictions.scatter.getPlotItem(), self.predictions.scatter),
                (self.activation_panel.plot.getPlotItem(), self.activation_panel.plot)]

    def zoom_graph(self, factor: float) -> None:
        self.network_view.set_zoom(self.network_view.zoom * factor)

    def show_shortcuts(self) -> None:
        self.overlay.show_for(self.findChildren(QAction))

    # ------------------------------------------------------------------ rendering
    def _on_rebuilt(self) -> None:
        session = self.controller.session
        data = session.data
        self._grid = plane_grid(data, GRID_RESOLUTION) if data.is_planar else None
        target = None
        if self._grid is not None and data.task == "regression":
            values = data.target_function(self._grid.points)
            target = None if values is None else self._grid.image(values)
        self.boundary.output = None           # the old network's output no longer fits
        self.boundary.set_data(data, self._grid, target)
        was_planar = self.output_stack.currentWidget() is self.boundary
        self.output_stack.setCurrentWidget(self.boundary if data.is_planar else self.predictions)
        if was_planar != data.is_planar:
            # The matrix, samples and weight images need more height than the square plot.
            stack = self.right_splitter.indexOf(self.output_stack)
            sizes = self.right_splitter.sizes()
            plots = sizes[stack] + sizes[stack + 1]
            share = 0.54 if data.is_planar else 0.66
            sizes[stack], sizes[stack + 1] = round(plots * share), round(plots * (1 - share))
            self.right_splitter.setSizes(sizes)
        if not data.is_planar:
            self.predictions.set_data(data)
            self._predictions_drawn = 0.0
        self.traced_sample = None
        self.boundary.set_traced(None)
        self.preview_network, self.preview_epoch = None, None
        self.loss_plot.set_marker(None)
        self.timeline_bar.set_epochs(session.timeline.epochs())
        self.timeline_bar.go_live()
        self.step_inspector.set_sample_count(session.n_train)
        self.step_inspector.set_sample(-1)
        self.activation_panel.set_session(session)
        self.banner.show_messages([])
        self.loss_plot.set_metric(session.metric)
        self.network_view.set_network(session.network, data.input_titles)
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
        if self.preview_network is not None and self.preview_epoch not in session.timeline:
            self.timeline_bar.go_live()           # that epoch is gone (reset, divergence)
        net = self.shown_network()
        self.transport.set_epoch(session.epoch if self.preview_network is None
                                 else self.preview_epoch)
        timeline = (id(session.timeline), session.timeline.version)
        if self.preview_network is None and timeline != self._timeline_shown:
            self.timeline_bar.set_epochs(session.timeline.epochs())    # only when it changed
            self._timeline_shown = timeline
        if self._grid is not None:
            outputs = plane_outputs(net, self._grid)
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
                self.boundary.set_overlay((f"Input {session.data.input_titles[k]}", values,
                                           "identity"))
        else:
            self._render_predictions(net, start)
        self.network_view.edge_values = self._edge_values()
        self.network_view.update()
        if self.network_view.selected is not None:
            self.inspector.show_unit(session, *self.network_view.selected)
        if not self.loop.running or start - self._diagnosed >= DIAGNOSIS_INTERVAL:
            self._diagnose()
            self._diagnosed = start
            if self.tabs.currentWidget() is self.activation_panel:
                self.activation_panel.refresh()
        # The loss plot is the costliest view to paint and needs no 60 Hz: ~10 Hz while playing.
        if not self.loop.running or start - self._loss_drawn >= LOSS_PLOT_INTERVAL:
            self.loss_plot.set_history(session.history)
            self._loss_drawn = start
        else:
            self._dirty = True
        self.frame_times.append(time.perf_counter() - start)
        if len(self.frame_times) > 600:
            del self.frame_times[:300]

    def _render_predictions(self, net, now: float) -> None:
        """Non-2-D data: the predictions view (≈10 Hz while playing) and, for images, each
        first-layer unit's weights as its thumbnail in the graph."""
        data = self.controller.session.data
        shape = image_shape(data)
        if shape is not None and len(net.layers) > 1:
            self.network_view.set_thumbnails(
                [[], [rgb[::-1] for rgb in weight_images(net.layers[0].W, shape, self.lut)]])
        if not self.loop.running or now - self._predictions_drawn >= LOSS_PLOT_INTERVAL:
            self.predictions.show_network(net)
            self._predictions_drawn = now
        else:
            self._dirty = True

    _predictions_drawn = 0.0
    _timeline_shown = None

    def _diagnose(self) -> None:
        session = self.controller.session
        diagnosis = session.diagnose()
        dead = {(layer + 1, u) for layer, units in diagnosis.dead_units.items() for u in units}
        identical = {(layer + 1, u): k for layer, groups in diagnosis.identical_units.items()
                     for k, group in enumerate(groups) for u in group}
        self.network_view.set_diagnosis(dead, identical)
        self.banner.show_messages(diagnosis.messages(), diverged=bool(session.diverged))

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
        self.settings.setValue("theme", self.theme.name)
        self.settings.sync()

    def closeEvent(self, event) -> None:
        self.loop.pause()
        if not self.maybe_keep_work():
            event.ignore()
            return
        self.frame_timer.stop()
        self.autosave_timer.stop()
        self.save_settings()
        if self.settings is not None:
            self.autosave_path().unlink(missing_ok=True)     # closed normally: nothing to restore
        super().closeEvent(event)


def report_exception(window: MainWindow | None, exc_type, exc, tb) -> None:
    """sys.excepthook for the app: errors in slots go to the status bar, the app keeps going."""
    text = "".join(traceback.format_exception(exc_type, exc, tb))
    sys.stderr.write(text)
    if window is not None:
        window.loop.pause()
        window.show_error(f"Internal error: {exc_type.__name__}: {exc} (details on stderr)")

