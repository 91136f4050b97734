"""Presentation mode, themes and zoom: how big and in which colors the window shows itself.

Presentation mode goes full screen and shows the stage (:mod:`.stage`): a few views large,
the lesson card along the bottom, the transport bar on top, no menu bar and no panels; Esc
(after closing any overlay) leaves it.  Type, lines and matrix cells scale with the window's
height — :func:`stage_pixel_size`: 24-pixel type at 1080 lines, 16 at 720 — and are fitted
again whenever the window changes size (another screen, a screenshot's size).  Every size a
view takes from the scale is set again when the scale changes, both ways.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

from ..style import colors
from ..style.appearance import apply_appearance, base_point_size, cache_static_items, fit_ticks

#: Lines of type that fit the screen's height (1080 / 45 = 24-pixel type).
LINES_PER_SCREEN = 45
#: Smallest presentation type, in pixels.
MIN_STAGE_PIXELS = 13
#: The loss plot shows the per-layer ‖dW‖ under loss and accuracy when its curves get this
#: share of the screen's height and the plot this share of its width (three plots in less
#: would be slivers).
GRADIENT_NORMS_SHARE = 0.4
#: ... and leave the loss curves at least this share of the screen's height.
LOSS_CURVES_SHARE = 0.12


def stage_pixel_size(height: int) -> int:
    """Presentation type in pixels for a stage ``height`` logical pixels tall."""
    return max(MIN_STAGE_PIXELS, round(height / LINES_PER_SCREEN))


class Presentation(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.w = window
        self.presenting = False
        self.scale = 1.0
        self.theme = colors.LIGHT
        self._before = None          # (maximized, geometry) before presenting
        self._fit_pending = False
        #: Other windows that follow the theme and scale (the teacher's console).
        self.listeners: list = []              # f(theme, scale)
        window.installEventFilter(self)
        window.loss_plot.canvas.installEventFilter(self)
        for item, _widget in self.plots():
            cache_static_items(item)

    # ------------------------------------------------------------------ presentation mode
    def toggle(self) -> None:
        self.set_presenting(not self.presenting)

    def set_presenting(self, on: bool, screen=None) -> None:
        """Full screen (on ``screen``, default the window's), the stage, type for the room."""
        w = self.w
        if not on and w.console.open:           # ending presenting closes the console
            w.console.end()
            return
        w.actions["presentation"].setChecked(on)
        if on == self.presenting:
            if on and screen is not None:
                self.full_screen(screen)
            return
        self.presenting = on
        if on:
            self._before = (w.isMaximized(), w.saveGeometry(), w.screen())
            w.menuBar().hide()
            w.graph_bar.hide()
            w.stage.enter()
            self.full_screen(screen)
        else:
            w.stage.leave()
            w.menuBar().show()
            w.graph_bar.show()
            maximized, geometry, screen = self._before
            w.showNormal()
            self._move_to(screen)                    # back from the projector, if it went
            if maximized:
                w.showMaximized()
            else:
                w.restoreGeometry(geometry)
                w.show()
            self.scale = 1.0
            self.apply()
            w.loss_plot.grads.legend.setColumnCount(1)
            w.loss_plot.set_row_limit(3)
        self.fit_now()

    def full_screen(self, screen=None) -> None:
        """Show the window full screen on ``screen`` (set explicitly: without a window
        manager, as under Xvfb, nobody else sizes a full-screen window)."""
        w = self.w
        screen = screen or w.screen()
        self._move_to(screen)
        w.setGeometry(screen.geometry())
        w.showFullScreen()

    def _move_to(self, screen) -> None:
        """Put the window on ``screen`` (hidden meanwhile: X screens are separate desktops
        that a shown window cannot cross)."""
        w = self.w
        w.winId()                                   # a native window to place
        handle = w.windowHandle()
        if screen is None or handle.screen() is screen:
            return
        if w.isVisible():
            w.hide()
        handle.setScreen(screen)

    def eventFilter(self, watched, event) -> bool:
        if watched is self.w.loss_plot.canvas and event.type() == QEvent.Type.Resize:
            QTimer.singleShot(0, self, self.fit_score_ticks)
        elif (watched is self.w and event.type() == QEvent.Type.Resize and self.presenting
                and not self._fit_pending):
            self._fit_pending = True
            QTimer.singleShot(0, self, self.fit_now)
        return False

    def fit_now(self) -> None:
        """Type and stage to the window's present size (presentation mode only)."""
        self._fit_pending = False
        w = self.w
        if not self.presenting:
            return
        height = w.height()
        pixels = stage_pixel_size(height)
        base = base_point_size() * w.logicalDpiY() / 72.0
        scale = pixels / base
        if abs(scale - self.scale) > 1e-6:
            self.scale = scale
            self.apply()
        w.stage.fit()                           # (and the loss plot's ‖dW‖ row)

    def fit_gradient_norms(self) -> None:
        """Three plots (loss, accuracy, the per-layer ‖dW‖) only where they have room on the
        stage, else two.  The student's ‖dW‖ tick stays as it was (the plot says when that
        row is left out)."""
        w = self.w
        plot = w.loss_plot
        if not w.loss_box.isVisibleTo(w):
            return
        plot.layout().activate()
        curves = plot.height() - plot.caption_bar.height()
        room = (curves >= GRADIENT_NORMS_SHARE * w.height()
                and plot.width() >= GRADIENT_NORMS_SHARE * w.width())
        legend = plot.grads.legend                # many layers: their names in two columns
        legend.setColumnCount(2 if len(legend.items) > 4 else 1)
        plot.set_row_limit(3 if room else 2)
        if room:                       # a long ‖dW‖ legend can still squeeze the loss row
            plot.canvas.ci.layout.activate()
            loss = plot.loss.getViewBox().sceneBoundingRect().height()
            plot.set_row_limit(3 if loss >= LOSS_CURVES_SHARE * w.height() else 2)

    def fit_score_ticks(self) -> None:
        """Accuracy (0…1) or R² (−1…1) labels that never overprint, however short the plot."""
        plot = self.w.loss_plot
        low, high = plot.score.getViewBox().viewRange()[1]
        fit_ticks(plot.score.getAxis("left"), high - low,
                  plot.score.getViewBox().sceneBoundingRect().height())

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
        for listener in self.listeners:
            listener(self.theme, self.scale)
        self.fit_score_ticks()

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
