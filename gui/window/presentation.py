"""Presentation mode, themes and zoom: how big and in which colors the window shows itself.

Presentation mode goes full screen with large type and thick lines, hides the panels and puts
the lesson card under the graph; Esc (after closing any overlay) leaves it.  Every size a
view takes from the scale is set again when the scale changes, both ways.
"""
from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication

from ..style import colors
from ..style.appearance import apply_appearance

PRESENTATION_SCALE = 1.6


class Presentation(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.w = window
        self.presenting = False
        self.scale = 1.0
        self.theme = colors.LIGHT
        self._before = None          # (maximized, geometry, splitter state) before presenting

    # ------------------------------------------------------------------ presentation mode
    def toggle(self) -> None:
        self.set_presenting(not self.presenting)

    def set_presenting(self, on: bool) -> None:
        """Full screen, type ×1.6, thick lines, advanced panels hidden (Esc leaves)."""
        w = self.w
        w.actions["presentation"].setChecked(on)
        if on == self.presenting:
            return
        self.presenting = on
        if on:
            self._before = (w.isMaximized(), w.saveGeometry(), w.splitter.saveState())
            w.panels.hide()
            w.graph_bar.hide()
            w.tabs.setVisible(w.stepper.active or bool(w.stepper.done))
            # The lesson card moves under the graph, where the inspectors were.
            w.center_splitter.insertWidget(1, w.lesson_card)
            w.center_splitter.setSizes([700, 240, 240])
            w.splitter.setSizes([0, 1100, 800])
            w.showFullScreen()
        else:
            maximized, geometry, splitter = self._before
            w.panels.show()
            w.graph_bar.show()
            w.tabs.show()
            w.splitter.restoreState(splitter)
            w.right_splitter.insertWidget(0, w.lesson_card)
            w.right_splitter.setSizes([220, 540, 460])
            w.center_splitter.setSizes([640, 300])
            w.showNormal()
            if maximized:
                w.showMaximized()
            else:
                w.restoreGeometry(geometry)
        self.scale = PRESENTATION_SCALE if on else 1.0
        self.apply()
        # Three stacked plots need height: on small screens keep the loss and accuracy only.
        w.loss_plot.show_gradient_norms(
            not on or (self._screen_height() >= 1000 and w.controller.session.data.is_planar))

    def _screen_height(self) -> int:
        """Height of the screen the window is on (full screen takes effect only later)."""
        screen = self.w.screen()
        return screen.geometry().height() if screen is not None else self.w.height()

    # ------------------------------------------------------------------ themes and zoom
    def set_theme(self, name: str) -> None:
        if name not in colors.THEMES:
            self.w.show_error(f"Unknown theme {name!r}")
            return
        for key in colors.THEMES:
            self.w.actions[f"theme_{key}"].setChecked(key == name)
        self.theme = colors.THEMES[name]
        self.apply()
        if self.w.settings is not None:
            self.w.settings.setValue("theme", name)

    def apply(self) -> None:
        """Theme and scale to every view, then redraw what was colored with the old ones."""
        w = self.w
        apply_appearance(w, self.theme, self.scale)
        w.transport.set_scale(self.scale)
        w.step_inspector.set_scale(self.scale)
        w.lesson_card.set_scale(QApplication.font().pointSizeF())
        w.lesson_card.setStyleSheet(
            "#lessonCard { background: rgb%s; border: 2px solid rgb%s; border-radius: 6px; }"
            % (self.theme.background, self.theme.highlight))
        past = w.view_state.preview_epoch
        w.renderer.set_theme(self.theme)
        if past is not None:                         # a new look keeps the epoch in view
            w.view_state.show_epoch(past)

    def plots(self):
        """(PlotItem, widget) of every pyqtgraph plot, for the appearance module."""
        w = self.w
        return [(w.boundary.plot.getPlotItem(), w.boundary.plot),
                (w.boundary.target_plot.getPlotItem(), w.boundary.target_plot),
                (w.loss_plot.loss, w.loss_plot.canvas),
                (w.loss_plot.score, w.loss_plot.canvas),
                (w.loss_plot.grads, w.loss_plot.canvas),
                (w.predictions.scatter.getPlotItem(), w.predictions.scatter),
                (w.activation_view.plot.getPlotItem(), w.activation_view.plot)]

    def zoom_graph(self, factor: float) -> None:
        view = self.w.network_view
        view.set_zoom(view.zoom * factor)
