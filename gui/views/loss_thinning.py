"""The loss plot's curves thinned to what the plot can show (see :mod:`.curve_points`): the
whole run to the canvas's width, or — when the student zooms or pans with the mouse — the
epochs in view, so that a zoomed curve shows every epoch it has room for.

A base class of :class:`~.loss_plot.LossPlot`, whose fields it uses (``loss``, ``canvas``,
``pin_curves``, ``_history``…)."""
from __future__ import annotations

import math

import numpy as np

from .curve_points import peak_points

#: Curves keep at least this many high/low pairs (a plot not laid out yet is narrow).
MIN_COLUMNS = 200


class ThinnedCurves:
    """Curves drawn thinned to the view (see the module docstring)."""

    #: The epoch range the plot shows when nobody has zoomed (set with each axis step).
    _whole_view: tuple[float, float] | None = None
    #: The zoomed epoch range the curves were last thinned for (None: the whole run).
    _drawn_zoom: tuple[float, float] | None = None
    _fitting = False
    _epoch_span = None                   # the epoch axis's last step
    #: The width the curves were last thinned for (:meth:`pixel_columns`).
    drawn_columns = 0

    def pixel_columns(self) -> int:
        """How many high/low pairs a curve may have: one per two pixels of the canvas's
        width (no visible difference from one per pixel, half the plot's repaint: 9.3 →
        4.4 ms at 2,000 noisy epochs); a resize draws the curves anew."""
        return max(self.canvas.width() // 2, MIN_COLUMNS)

    def redraw_if_resized(self) -> None:
        """After a resize: curves thinned for another width are drawn anew."""
        if self._history is not None and self.pixel_columns() != self.drawn_columns:
            self.redraw_curves()

    def zoomed_epochs(self) -> tuple[float, float] | None:
        """The epochs in view when the student has zoomed or panned, else None."""
        x0, x1 = self.loss.getViewBox().viewRange()[0]
        whole = self._whole_view
        if whole is None or all(math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
                                for a, b in zip((x0, x1), whole)):
            return None
        return float(x0), float(x1)

    def _draw(self, curve, epochs: np.ndarray, values: np.ndarray | None) -> None:
        """``curve`` through (epochs, values) — None: empty — thinned to the view."""
        if values is None:
            curve.setData([], [])
            return
        zoom = self.zoomed_epochs()
        if zoom is not None:                # the epochs in view, and one either side
            lo = max(int(np.searchsorted(epochs, zoom[0], "right")) - 1, 0)
            hi = int(np.searchsorted(epochs, zoom[1], "left")) + 1
            epochs, values = epochs[lo:hi], values[lo:hi]
        curve.setData(*peak_points(epochs, values, self.pixel_columns()), connect="finite")

    def redraw_curves(self) -> None:
        """Every curve, the pinned runs' too, thinned anew (after a resize or a zoom)."""
        self._drawn_zoom = self.zoomed_epochs()
        if self._history is not None:
            self.set_history(self._history)
        self.redraw_pins()

    def view_moved(self, *_args) -> None:
        """The student zoomed or panned (the plot's own range steps are left alone)."""
        if not self._fitting and (self.zoomed_epochs() is not None
                                  or self._drawn_zoom is not None):
            self.redraw_curves()

    def fit_epochs(self, span) -> bool:
        """Show ``span`` of epochs when it is a new step of the axis (a zoom stays until
        then), and redraw curves that were thinned for the zoom this step ends.  True when
        the axis stepped."""
        if span is None or span == self._epoch_span:
            return False
        self._epoch_span = span
        self._fitting = True
        try:
            self.ranges.apply(self.loss, "x", span)
        finally:
            self._fitting = False
        x0, x1 = self.loss.getViewBox().viewRange()[0]
        self._whole_view = (float(x0), float(x1))
        if self._drawn_zoom is not None:
            self.redraw_curves()
        return True
