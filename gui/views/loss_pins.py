"""The loss plot's pinned runs: earlier runs' train loss kept as dotted ghost traces under the
live curves, each with its label (the settings that differ) and a menu entry to unpin it.

A base class of :class:`~.loss_plot.LossPlot`, whose fields it uses (``loss``, ``pins_menu``,
``pins_button``, ``log_box``…)."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from ..style.plotting import pg

#: Curves unsmoothed: 3× cheaper, no visible difference when dense.  (Long ones are thinned
#: to the plot's width by the plot itself: see :mod:`.curve_points`.)
CURVE = {"antialias": False}


def positive_only(values: np.ndarray) -> np.ndarray:
    """A copy with every value ≤ 0 (or NaN) made NaN: what a log axis can draw."""
    out = values.copy()
    out[~(out > 0)] = np.nan
    return out


class PinnedRunCurves:
    """Ghost traces of pinned runs (see the module docstring)."""

    def set_pins(self, pins: list[tuple[int, str, np.ndarray, np.ndarray, tuple]],
                 hidden: list[tuple[int, str]] = ()) -> None:
        """Ghost traces: (number, label, epochs, train loss, color) per pinned run drawn;
        ``hidden`` (number, label) lists pins kept but not drawn (other data or loss)."""
        for curve in self.pin_curves:
            self.loss.removeItem(curve)
            self.loss.legend.removeItem(curve)
        self.pin_curves = []
        self.pins_menu.clear()
        log = self.log_box.isChecked()
        for number, label, epochs, loss, color in pins:
            pen = pg.mkPen(*color, 170, width=2 * self._line, style=Qt.PenStyle.DotLine)
            curve = self.loss.plot(pen=pen, name=label, **CURVE)
            self._draw(curve, epochs, positive_only(loss) if log else loss)
            curve.setZValue(-1)                 # under the live curves
            curve.pin = (number, epochs, loss)
            self.pin_curves.append(curve)
            action = self.pins_menu.addAction(f"Unpin {label}")
            action.triggered.connect(lambda _c=False, n=number: self.unpinRequested.emit(n))
        if hidden:
            self.pins_menu.addSection("Hidden here (other data or loss)")
            for number, label in hidden:
                action = self.pins_menu.addAction(f"Unpin {label}")
                action.triggered.connect(lambda _c=False, n=number: self.unpinRequested.emit(n))
        if pins or hidden:
            self.pins_menu.addSeparator()
            self.pins_menu.addAction("Clear all pinned runs").triggered.connect(
                self.clearPinsRequested)
        self.hidden_pins = list(hidden)
        self._fit_ranges()
        self.pins_button.setEnabled(bool(pins or hidden))
        count = f"{len(pins)}" + (f" + {len(hidden)} hidden" if hidden else "")
        self.pins_button.setText(f"Pinned ({count})" if pins or hidden else "Pinned")

    def redraw_pins(self) -> None:
        """The ghost traces drawn anew (thinned to the view, on the current loss scale)."""
        log = self.log_box.isChecked()
        for curve in self.pin_curves:
            _number, epochs, loss = curve.pin
            self._draw(curve, epochs, positive_only(loss) if log else loss)

    def pin_labels(self) -> list[str]:
        """The legend texts of the ghost traces, in pinning order."""
        return [curve.name() for curve in self.pin_curves]
