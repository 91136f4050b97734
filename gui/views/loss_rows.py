"""Which rows the loss plot shows under the loss: accuracy (or R²), the per-layer ‖dW‖.

Each row needs :data:`ROW_MIN_HEIGHT` pixels to stay readable, so a short canvas
(a 1024×768 projector, a stage's third) shows fewer.  The loss always stays; what goes first:

* normally the ‖dW‖ row, then accuracy (whose value the caption above still states);
* when ‖dW‖ comes first (a lesson about gradients asks for it), the accuracy row.

‖dW‖ is ticked from the start (shown where there is room).  Once it is asked for — ticked by
the student's own click, or by a lesson about gradients — and has no room, it is *waiting*:
the plot says so, so that a lesson that says "look at the ‖dW‖ plot" never points at nothing.
"""
from __future__ import annotations

import math
from typing import NamedTuple

from PySide6.QtGui import QFontMetricsF

from ..style.plotting import pg

#: The height (pixels at line scale 1) below which a plot row is too short to read.
ROW_MIN_HEIGHT = 72
#: The plot's rows, top to bottom: loss, accuracy (or R²), the per-layer ‖dW‖.
ROWS = ("loss", "score", "grads")


class RowChoice(NamedTuple):
    score: bool          # the accuracy (or R²) row is shown
    grads: bool          # the ‖dW‖ row is shown
    grads_waiting: bool  # ‖dW‖ was asked for but has no room


def choose_rows(room: int, grads_ticked: bool, grads_first: bool = False,
                grads_asked: bool = False) -> RowChoice:
    """The rows for a canvas with ``room`` rows (1–3, the loss's included); ``grads_asked``:
    the student ticked ‖dW‖ themselves."""
    if grads_ticked and grads_first:
        grads = room >= 2
        score = room >= 3
    else:
        score = room >= 2
        grads = grads_ticked and room >= 3
    asked = grads_ticked and (grads_first or grads_asked)
    return RowChoice(score, grads, asked and not grads)


class FittedRows:
    """The rows of :class:`~.loss_plot.LossPlot` fitted to its canvas (a base class of it:
    uses its ``canvas``, plots ``loss``, ``score``, ``grads`` and ``grads_box``)."""

    #: Rows at most (the stage may ask for fewer than the canvas has room for).
    row_limit = 3
    #: ‖dW‖ before accuracy when only two rows fit (a lesson about gradients).
    gradient_norms_first = False
    #: The student ticked ‖dW‖ with their own click (not the tick it starts with).
    gradient_norms_asked = False

    def add_waiting_note(self) -> None:
        """The note in the loss row's corner while ‖dW‖ is ticked but has no row."""
        # Bottom left: where a falling loss curve has been highest, a flat one far above.
        self.grads_waiting = pg.TextItem("‖dW‖: no room", anchor=(0, 1))
        self.grads_waiting.setParentItem(self.loss.getViewBox())
        self.grads_waiting.hide()
        self.loss.getViewBox().sigResized.connect(self._place_waiting_note)
        self.grads_box.clicked.connect(self._grads_clicked)

    def _grads_clicked(self, checked: bool) -> None:
        self.gradient_norms_asked = checked
        self._fit_rows()

    def show_gradient_norms(self, on: bool) -> None:
        """Show (or hide) the per-layer ‖dW‖ row under the loss; it appears only where the
        plots have room for it (see :meth:`_fit_rows`)."""
        if self.grads_box.isChecked() != on:
            self.grads_box.setChecked(on)          # (whose toggle comes back here)
        else:
            self._fit_rows()

    def set_row_limit(self, rows: int) -> None:
        """Show at most ``rows`` plots (1–3), even where the canvas has room for more."""
        self.row_limit = rows
        self._fit_rows()

    def put_gradient_norms_first(self, on: bool) -> None:
        """With ``on``, ‖dW‖ is ticked and keeps its row before accuracy (see the
        module docstring)."""
        self.gradient_norms_first = bool(on)
        if on and not self.grads_box.isChecked():
            self.grads_box.setChecked(True)            # (which fits the rows)
        else:
            self._fit_rows()

    def rows_with_room(self) -> int:
        """How many of the three plots (loss, accuracy, ‖dW‖) the canvas can show at
        :data:`ROW_MIN_HEIGHT` pixels each (times the line scale), at least the loss, at
        most :attr:`row_limit`."""
        return int(max(1, min(3, self.row_limit,
                              self.canvas.height() // (ROW_MIN_HEIGHT * self._line))))

    def _fit_rows(self) -> None:
        """Accuracy and ‖dW‖ rows only where they stay readable: on a short canvas (a
        1024×768 projector) the loss keeps the room and the caption still states the score
        (which row goes first: :func:`choose_rows`)."""
        rows = self.rows_with_room()
        before = self.shown_rows()
        choice = choose_rows(rows, self.grads_box.isChecked(), self.gradient_norms_first,
                             self.gradient_norms_asked)
        self._set_row(1, self.score, None, choice.score)
        self._set_row(2, self.grads, self.grads.legend, choice.grads)
        self.grads_waiting.setVisible(choice.grads_waiting)
        shown = tuple(row for row in self.shown_rows() if row not in before)
        if shown and self._history is not None:        # drawn while hidden? not while playing
            self.set_history(self._history, shown)
        last = self.grads if self.grads.isVisible() else (
            self.score if self.score.isVisible() else self.loss)
        # The axis title "epoch" only where a row of curves is left beside it: on a short
        # canvas the curves need that line more (the timeline under the plot says "epoch").
        titled = self.canvas.height() >= (rows + 0.5) * ROW_MIN_HEIGHT * self._line
        for plot in (self.loss, self.score, self.grads):
            plot.setLabel("bottom", "epoch" if plot is last and titled else "")
            # The rows share the epoch axis: its ticks and numbers once, under the last row.
            # The rows above draw the axis's line alone, so that a step of the epoch axis
            # lays out the ticks of one axis, not three (~3 ms each).
            axis = plot.getAxis("bottom")
            axis.setStyle(showValues=plot is last)
            axis.setTicks(None if plot is last else [[]])

    def _place_waiting_note(self) -> None:
        self.grads_waiting.setPos(4, self.loss.getViewBox().height() - 2)

    def _set_row(self, row: int, plot, legend, on: bool) -> None:
        # A hidden item still holds its row in a QGraphicsGridLayout: squeeze it to nothing.
        layout = self.canvas.ci.layout
        for item in (plot, legend):
            if item is not None:
                item.setVisible(on)
                item.setMaximumHeight(10_000 if on else 0)
        if on:
            plot.getAxis("left").refit()
        layout.setRowStretchFactor(row, 2 if on else 0)
        layout.setRowMaximumHeight(row, 10_000 if on else 0)

    def shown_rows(self) -> tuple[str, ...]:
        """The rows the canvas shows now (the loss always)."""
        return ("loss",) + tuple(row for row, plot in (("score", self.score),
                                                       ("grads", self.grads))
                                 if plot.isVisible())


class RowValueAxis(pg.AxisItem):
    """A row's value axis, as wide as the widest tick labels any of the rows has drawn
    since its font was set.

    The rows share the epoch axis, so their plots must begin at the same x: each axis sized
    to its own labels put ‖dW‖'s epoch 0 (beside "0.0001") right of the loss's (beside
    "0.8").  And an axis that only widens lays the plot out once per new widest label, not
    each time a label gains or loses a digit.
    """

    def __init__(self, rows: list[RowValueAxis]):
        super().__init__("left")
        self.rows = rows
        rows.append(self)
        self.setStyle(autoExpandTextSpace=False, tickTextWidth=_narrow(self.font()))

    def setStyle(self, **kwargs) -> None:
        # A new tick font (a theme, the stage's large type) starts the width afresh, narrow:
        # the rows grow it again to their labels.
        if "tickFont" in kwargs and "tickTextWidth" not in kwargs:
            kwargs["tickTextWidth"] = _narrow(kwargs["tickFont"] or self.font())
        super().setStyle(**kwargs)

    def _updateMaxTextSize(self, x: float) -> None:
        # pyqtgraph's report of how wide the labels it has just drawn are (a fraction of a
        # pixel: rounded up, or the widest row would widen all three at every repaint).
        width = math.ceil(x)
        for axis in self.rows:
            if axis.style["tickTextWidth"] < width:
                axis.setStyle(tickTextWidth=width)

    def _updateWidth(self) -> None:
        super()._updateWidth()
        # In whole pixels (pyqtgraph adds 0.8 of the title's height): the plots beside the
        # axis then start on a pixel, and their axes' kept pictures match a fresh drawing.
        width = math.ceil(self.maximumWidth())
        self.setMaximumWidth(width)
        self.setMinimumWidth(width)

    def refit(self) -> None:
        """Take the shared width again: pyqtgraph gives an axis hidden with its row no width
        at all, and this axis no longer widens by itself when its row is shown again."""
        self._updateWidth()


def _narrow(font) -> int:
    """A value axis's width before any label is drawn: "0.0" in its tick font."""
    return int(QFontMetricsF(font).horizontalAdvance("0.0")) + 1
