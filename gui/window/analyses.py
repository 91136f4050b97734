"""The analyses beside the step inspector: the loss landscape, the hidden space, the
learning-rate finder and the lessons' exercises.

:class:`Analyses` creates the views, adds the two plots as tabs (``window.tabs``), puts the
exercise list under the lesson card, and wires them: :class:`LandscapeLink` (the slice and
the path), :class:`HiddenSpaceLink` (below), :class:`ExerciseChecker` (targets, predictions,
progress).  A lesson that names a view (``"view": "landscape"``) opens with its tab shown.
"""
from __future__ import annotations

import html

from backprop_lab.engine.analysis.hidden_space import hidden_space
from PySide6.QtCore import QObject, QTimer

from ..dialogs.lr_finder_dialog import LrFinderDialog
from ..style import colors
from ..style.appearance import style_plot
from ..views.exercise_list import ExerciseList
from ..views.hidden_space_view import HiddenSpaceView
from ..views.landscape_view import LandscapeView
from .exercise_checker import ExerciseChecker
from .landscape_link import LandscapeLink

REFRESH_MS = 100


class HiddenSpaceLink(QObject):
    """Feeds the hidden-space view the shown weights' map of the chosen layer, following the
    timeline (the epoch shown) and the phase stepper.  While a past epoch is shown the 2-D
    frame of a wider layer is kept, so scrubbing does not turn the picture."""

    def __init__(self, window, view: HiddenSpaceView):
        super().__init__(window)
        self.w, self.view = window, view
        self.layer: int | None = None          # None: the last hidden layer
        self.units = None
        self.frame = None
        self._widths = None
        self._throttle = QTimer(self)
        self._throttle.setSingleShot(True)
        self._throttle.setInterval(REFRESH_MS)
        self._throttle.timeout.connect(self.refresh)
        c = window.controller
        for signal in (c.trained, c.weightsEdited, c.rebuilt, window.view_state.changed,
                       window.stepper.phaseChanged):
            signal.connect(self.request)
        view.layerChosen.connect(self._choose_layer)
        view.unitsChosen.connect(self._choose_units)

    def request(self, *_args) -> None:
        if not self._throttle.isActive():
            self._throttle.start()

    def _choose_layer(self, layer: int) -> None:
        self.layer, self.units, self.frame = layer, None, None
        self.refresh()

    def _choose_units(self, units) -> None:
        self.units, self.frame = units, None
        self.refresh()

    def refresh(self) -> None:
        if not self.view.isVisible():
            return
        session, state = self.w.controller.session, self.w.view_state
        net = state.shown_network()
        widths = list(net.sizes[1:-1])
        if widths != self._widths:
            self._widths, self.units, self.frame = widths, None, None
            if self.layer is None or self.layer >= len(widths):
                self.layer = len(widths) - 1
            self.view.set_layers(widths, self.layer)
        if not session.data.is_planar:
            self.view.clear("The hidden space is drawn for 2-D data: this data has "
                            f"{session.data.n_inputs} inputs, no input plane to warp.")
            return
        if not widths:
            self.view.clear("This network has no hidden layer: add one (the + under the "
                            "graph, or the Architecture panel) to see its space.")
            return
        frame = self.frame if state.looking_back else None
        try:
            space = hidden_space(session, self.layer, self.units, theta=net.theta,
                                 frame=frame)
        except ValueError as exc:
            self.view.clear(f"⚠ {html.escape(str(exc))}")
            return
        self.frame = space.frame
        data = session.data
        palette = None if data.task == "regression" else colors.class_colors(data.n_classes)
        self.view.set_space(space, palette, self._caption(space, state.shown_epoch()))

    def _caption(self, space, epoch: int) -> str:
        layer = space.layer + 1
        text = (f"Where layer {layer} sends the input plane's grid and the data, at epoch "
                f"{epoch}; t = 0 is the input plane.")
        if space.output_line is not None:
            text += (" <b>Dashed</b> (at t = 1): where the output is 0.5. The output unit sees "
                     "only this layer, so its boundary is a straight line here, however bent "
                     "it is in the input plane.")
        elif space.frame.mean.size > 2:
            text += " A wider layer is shown in two of its directions (see the chooser)."
        return text


class Analyses(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.w = window
        self.landscape_view = LandscapeView()
        self.hidden_view = HiddenSpaceView()
        self.exercise_list = ExerciseList()
        window.tabs.addTab(self.landscape_view, "Loss landscape")
        window.tabs.addTab(self.hidden_view, "Hidden space")
        window.lesson_card.add_below_text(self.exercise_list)
        self.landscape = LandscapeLink(window, self.landscape_view)
        self.hidden = HiddenSpaceLink(window, self.hidden_view)
        self.exercises = ExerciseChecker(window, self.exercise_list)
        window.tabs.currentChanged.connect(lambda _i: (self.landscape.request(),
                                                        self.hidden.request(),
                                                        self._give_room()))
        window.lessons.lessonOpened.connect(self._on_lesson)
        # A lesson's order of the loss plot's rows ends with its card (its ×, an opened file).
        window.lesson_card.closeRequested.connect(
            lambda: window.loss_plot.put_gradient_norms_first(False))
        self._split_chosen = False
        window.center_splitter.splitterMoved.connect(self._split_moved)
        self.lr_finder: LrFinderDialog | None = None

    def connect(self) -> None:
        """Wiring that needs the menus' actions (built after this object)."""
        w = self.w
        w.actions["pin"].triggered.connect(self.landscape.remember_pin)
        w.loss_plot.pinRequested.connect(self.landscape.remember_pin)
        w.presentation.listeners.append(self.restyle)
        self.restyle()

    def restyle(self, *_args) -> None:
        """The theme and scale of the presentation, for the plots and marks made here."""
        stage = self.w.presentation
        for view in (self.landscape_view, self.hidden_view):
            style_plot(view.plot.getPlotItem(), view.plot, stage.theme, stage.scale)
            view.set_theme(stage.theme)
        self.exercise_list.set_theme(stage.theme)

    #: The share of the column under the graph that a landscape or hidden space gets at
    #: least: on a 720-line screen the graph's two thirds left its plot 40 pixels.
    PLOT_SHARE = 0.6

    def _give_room(self) -> None:
        """Opening the landscape or hidden space tab gives it :data:`PLOT_SHARE` of the column,
        unless the student has moved the divider (then their split stays)."""
        w = self.w
        if (w.tabs.currentWidget() not in (self.landscape_view, self.hidden_view)
                or w.presentation.presenting or self._split_chosen):
            return
        sizes = w.center_splitter.sizes()
        total = sum(sizes)
        if len(sizes) == 2 and total > 0 and sizes[1] < self.PLOT_SHARE * total:
            tabs = int(self.PLOT_SHARE * total)
            w.center_splitter.setSizes([total - tabs, tabs])

    def _split_moved(self, *_args) -> None:
        self._split_chosen = True

    def _on_lesson(self, lesson) -> None:
        self.exercises.show_lesson(lesson)
        self.w.loss_plot.put_gradient_norms_first(lesson.view == "gradient_norms")
        views = {"landscape": self.landscape_view, "hidden_space": self.hidden_view}
        if lesson.view in views:
            self.w.tabs.setCurrentWidget(views[lesson.view])

    def open_lr_finder(self) -> LrFinderDialog | None:
        """Training ▸ Find a learning rate: the range test on a copy, then one click to use
        the suggestion."""
        w = self.w
        w.loop.pause()
        self.lr_finder = LrFinderDialog(w.controller.session, w)
        style_plot(self.lr_finder.plot.getPlotItem(), self.lr_finder.plot,
                   w.presentation.theme, w.presentation.scale)
        self.lr_finder.rateChosen.connect(self.use_rate)
        self.lr_finder.setModal(False)
        self.lr_finder.show()
        return self.lr_finder

    def use_rate(self, rate: float) -> None:
        if self.w.controller.apply(learning_rate=rate):
            self.w.say(f"Learning rate set to {rate:g} (from the range test); press Play.",
                       8000)

    def shutdown(self) -> None:
        self.landscape.shutdown()
