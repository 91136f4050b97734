"""The main window: it lays out the panels and views and wires them to the parts that act.

Panels on the left, the network graph in the middle, the output and loss plots on the right,
the transport bar on top.  What happens lives in small parts, each in its own module:
:class:`ViewState` (what is shown, and the one ``interrupt()``), :class:`Renderer` (one grid
pass per frame), :class:`SessionFiles`, :class:`Exports`, :class:`DataEditing`,
:class:`LessonPlayer`, :class:`PinnedRuns`, :class:`Presentation` and :class:`Keyboard`; the
menus are declared in ``gui/actions/``.
"""
from __future__ import annotations

import sys
import traceback

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMainWindow, QMessageBox

from backprop_lab.engine.training.inspection import EDGE_MODES

from ..actions import build_menus, file_menu, help_menu, lessons_menu, training_menu, view_menu
from ..dialogs.gradient_check_dialog import GradientCheckDialog
from ..dialogs.shortcuts_overlay import ShortcutsOverlay
from ..model.config import Config
from ..session.controller import SessionController
from ..session.stepper import PhaseStepper
from ..session.training_loop import TrainingLoop
from . import layout, try_next, window_settings
from .accessibility import Accessibility
from .app_events import AppEvents
from .analyses import Analyses
from .data_editing import DataEditing
from .exports import Exports
from .keyboard import MORE_KEYS, Keyboard
from .lesson_player import LessonPlayer
from .pinned_runs import PinnedRuns
from .presentation import Presentation
from .renderer import Renderer
from .session_files import SessionFiles
from .stage import Stage
from .status_bar import ElidingStatusBar
from .teacher_console import Console
from .view_state import ViewState

MENUS = (file_menu, training_menu, view_menu, lessons_menu, help_menu)


class MainWindow(QMainWindow):
    def __init__(self, config: Config | None = None, settings: QSettings | None = None):
        super().__init__()
        self.setStatusBar(ElidingStatusBar(self))
        self.settings = settings
        if config is None and settings is not None:
            config = window_settings.stored_config(settings)
        self.controller = SessionController(config)
        self.loop = TrainingLoop(self.controller, self)
        self.stepper = PhaseStepper(self.controller, self)
        self.view_state = ViewState(self.controller, self.loop, self.stepper, self)
        layout.build(self)
        self.renderer = Renderer(self)
        self.stage = Stage(self)
        self.presentation = Presentation(self)
        self.console = Console(self)
        self.files = SessionFiles(self)
        self.exports = Exports(self)
        self.data_editing = DataEditing(self)
        self.lessons = LessonPlayer(self)
        self.pins = PinnedRuns(self)
        self.analyses = Analyses(self)
        self.actions, self.menus = build_menus(self, [m.menu(self) for m in MENUS])
        self.overlay = ShortcutsOverlay(self)
        self.app_events = AppEvents(self)
        self.keyboard = Keyboard(self, self.app_events)
        self.access = Accessibility(self, self.app_events)
        self._connect()
        self.files.refresh_recent()
        self._on_rebuilt()
        self.say(window_settings.notice
                 or "Press Play (Space) to train, or Step (→) one epoch at a time.")
        self.files.update_title()
        if settings is not None:
            window_settings.restore(self)

    # ------------------------------------------------------------------ wiring
    def _connect(self) -> None:
        c, state, r = self.controller, self.view_state, self.renderer
        c.rebuilt.connect(self._on_rebuilt)
        c.trained.connect(r.request)
        c.weightsEdited.connect(r.request)
        c.diverged.connect(self._on_diverged)
        c.stopped.connect(lambda text: self.say(f"■ {text}", 20000))
        c.message.connect(lambda text: self.say(text))
        c.error.connect(self.show_error)
        state.changed.connect(r.request)
        state.previewChanged.connect(self._on_preview)
        state.traceChanged.connect(self._on_trace)
        state.edgeModeChanged.connect(self._on_edge_mode)
        self.stepper.phaseChanged.connect(lambda _phase: r.show_phase())
        t = self.transport
        t.playToggled.connect(self.toggle_play)
        t.stepRequested.connect(self.step_epoch)
        t.phaseRequested.connect(self.step_phase)
        t.resetRequested.connect(self.reset)
        t.speedChanged.connect(self.loop.set_speed)
        self.loop.runningChanged.connect(t.set_running)
        self.edge_mode_box.currentIndexChanged.connect(
            lambda i: state.set_edge_mode(self.edge_mode_box.itemData(i)))
        self.gradient_check_button.clicked.connect(self.open_gradient_check)
        d = self.data_editing
        self.boundary.planeClicked.connect(d.plane_clicked)
        self.boundary.pointDrawn.connect(d.add_point)
        self.boundary.pointErased.connect(d.remove_point)
        self.data_panel.importRequested.connect(d.import_csv_dialog)
        self.data_panel.exportRequested.connect(self.exports.export_csv_dialog)
        self.data_panel.drawRequested.connect(d.new_drawing)
        self.step_inspector.sampleChosen.connect(state.trace)
        self.banner.lowerRateRequested.connect(self._lower_rate)
        card = self.lesson_card
        card.nextRequested.connect(self.lessons.next)
        card.previousRequested.connect(self.lessons.previous)
        card.restartRequested.connect(self.lessons.restart)
        card.closeRequested.connect(card.hide)
        card.suggestionChosen.connect(lambda suggestion: try_next.apply(self, suggestion))
        net = self.network_view
        net.unitSelected.connect(self._on_unit_selected)
        net.weightTyped.connect(self._weight_typed)
        net.unitsChangeRequested.connect(self.architecture_panel.change_units)
        net.layersChangeRequested.connect(self.architecture_panel.change_layers)
        self.boundary.discrete_box.toggled.connect(self.actions["discretize"].setChecked)
        self.boundary.test_box.toggled.connect(self.actions["show_test"].setChecked)
        self.loss_plot.log_box.toggled.connect(self.actions["log_loss"].setChecked)
        self.loss_plot.pinRequested.connect(self.pins.pin_run)
        self.loss_plot.unpinRequested.connect(self.pins.unpin)
        self.loss_plot.clearPinsRequested.connect(self.pins.clear)
        self.timeline_bar.epochChosen.connect(state.show_epoch)
        self.timeline_bar.resumeRequested.connect(lambda _epoch: self.resume_from_timeline())
        self.analyses.connect()

    def show_metrics(self, on: bool) -> None:
        """The scores view in place of the output plot (data that is not 2-D always has it)."""
        planar = self.controller.session.data.is_planar
        scores = bool(on) or not planar
        self.actions["metrics"].setChecked(bool(on))
        self.output_stack.setCurrentWidget(self.predictions if scores else self.boundary)
        layout.share_output_column(self, not scores)
        self.predictions.set_data(self.controller.session.data)
        self.renderer.request()

    def _on_rebuilt(self) -> None:
        session = self.controller.session
        self.show_metrics(self.actions["metrics"].isChecked())
        self.boundary.set_traced(None)
        self.loss_plot.set_metric(session.metric)
        self.loss_plot.set_marker(None)
        self.loss_plot.clear_hover()
        self.timeline_bar.set_epochs(session.timeline.epochs())
        self.timeline_bar.go_live()
        self.step_inspector.set_sample_count(session.n_train)
        self.step_inspector.set_sample(-1)
        self.activation_view.set_session(session)
        self.banner.show_messages([])
        self.unit_inspector.clear()
        self.renderer.rebuild()

    def _on_preview(self, epoch) -> None:
        if epoch is None:
            self.timeline_bar.go_live()
            self.loss_plot.set_marker(None)
            self.statusBar().clearMessage()          # "Showing epoch …" no longer holds
        else:
            # The bar may still list the training process's epochs: now the session's.
            self.timeline_bar.set_epochs(self.controller.session.timeline.epochs())
            self.timeline_bar.show_epoch(epoch)
            self.loss_plot.set_marker(epoch)
            self.say(f"Showing epoch {epoch} of {self.controller.session.epoch}. 'Resume from "
                     "here' trains on from it; Play or Step go back to the latest epoch.", 8000)

    def _on_trace(self, sample) -> None:
        self.step_inspector.set_sample(-1 if sample is None else sample)
        points = self.controller.session.data.points_train
        self.boundary.set_traced(None if sample is None or points.shape[1] != 2
                                 else points[sample])
        self.renderer.show_phase()

    def _on_unit_selected(self, column: int, _unit: int) -> None:
        if column < 0:                               # deselected: the plot shows the output
            self.unit_inspector.clear()
            self.boundary.set_overlay(None)
        self.renderer.request()

    def _on_edge_mode(self, mode: str) -> None:
        if self.edge_mode_box.currentData() != mode:
            self.edge_mode_box.setCurrentIndex(self.edge_mode_box.findData(mode))
        self.network_view.edge_mode_label = EDGE_MODES[mode]

    # ------------------------------------------------------------------ training actions
    def toggle_play(self) -> None:
        if not self.loop.running:
            self.stepper.cancel()
            self.view_state.go_live()
        self.loop.toggle()

    def step_epoch(self) -> None:
        self.view_state.interrupt()
        self.controller.step_epoch()

    def step_phase(self) -> None:
        """One phase of one training step (Shift+→)."""
        self.loop.pause()
        self.view_state.go_live()
        self.stage.show_view("inspector")
        self.stepper.step_phase()

    def reset(self) -> None:
        self.view_state.interrupt()
        self.controller.reset()

    def undo(self) -> None:
        self.view_state.interrupt()
        self.controller.undo()

    def redo(self) -> None:
        self.view_state.interrupt()
        self.controller.redo()

    def change(self, act) -> None:
        """Run ``act`` (which changes the session) after stopping what is running."""
        self.view_state.interrupt()
        act()

    def resume_from_timeline(self) -> None:
        epoch = self.view_state.preview_epoch
        if epoch is None:
            self.say("Drag the timeline back to an earlier epoch first.", 5000)
            return
        self.resume_from(epoch)

    def resume_from(self, epoch: int) -> None:
        """Branch training from a past epoch (its weights, optimizer state, batch order)."""
        self.view_state.interrupt()
        try:
            self.controller.session.resume_from(epoch)
        except KeyError as exc:
            self.show_error(str(exc.args[0]))
            return
        self.say(f"Resumed from epoch {epoch}: the later epochs are forgotten; training goes "
                 "on from here.", 8000)
        self.renderer.request()

    def _weight_typed(self, layer: int, i: int, j: int, value: float) -> None:
        if self.view_state.looking_back:
            self.show_error(f"You are looking at epoch {self.view_state.preview_epoch}: go back "
                            "to the latest epoch, or Resume from here, to edit weights.")
            return
        self.stepper.cancel()
        self.controller.set_weight(layer, i, j, value)

    def _lower_rate(self) -> None:
        rate = self.controller.session.learning_rate / 10
        if self.controller.apply(learning_rate=rate):
            self.controller.session.diverged = None
            self.say(f"Learning rate lowered to {rate:g}; press Play to continue, or Reset to "
                     "start from fresh weights.", 8000)
            self.banner.show_messages([])

    def open_gradient_check(self) -> GradientCheckDialog | None:
        self.loop.pause()
        try:
            dialog = GradientCheckDialog(self.controller.session, self)
        except ValueError as exc:                   # e.g. a step unit has no gradient
            self.show_error(str(exc))
            return None
        dialog.setModal(False)
        dialog.show()
        self.say(dialog.result.sentence(), 8000)
        return dialog

    def _on_diverged(self, text: str) -> None:
        self.stepper.cancel()
        self.say(f"⚠ {text}", 20000)
        self.renderer.diagnose()

    # ------------------------------------------------------------------ messages and help
    def say(self, text: str, ms: int = 6000) -> None:
        self.statusBar().showMessage(text, ms)

    def show_error(self, text: str) -> None:
        self.statusBar().showMessage(f"⚠ {text}", 10000)

    def show_shortcuts(self) -> None:
        self.overlay.show_for(self.actions.values(), MORE_KEYS)

    def about(self) -> None:
        QMessageBox.about(self, "About Backprop Lab",
                          "<b>Backprop Lab</b><br>Watch a neural network train: every weight, "
                          "gradient and step of backpropagation, live.<br>The network is "
                          "written from scratch in NumPy.")

    def make_room_for_lesson_card(self) -> None:
        layout.make_room_for_lesson_card(self)

    def render_now(self) -> None:
        """Draw a frame now (tests and screenshots)."""
        self.renderer.render()

    def closeEvent(self, event) -> None:
        self.loop.pause()
        if not self.files.maybe_keep_work():
            event.ignore()
            return
        self.renderer.timer.stop()
        window_settings.save(self)
        self.files.closed_normally()
        super().closeEvent(event)


def report_exception(window: MainWindow | None, exc_type, exc, tb) -> None:
    """sys.excepthook for the app: errors in slots go to the status bar, the app keeps going."""
    text = "".join(traceback.format_exception(exc_type, exc, tb))
    sys.stderr.write(text)
    if window is not None:
        window.loop.pause()
        window.show_error(f"Internal error: {exc_type.__name__}: {exc} (details on stderr)")
