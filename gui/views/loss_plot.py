"""Loss against epoch (train, test and validation when there is a validation set; log-scale
toggle) over accuracy or R², with the current values as text and the value under the mouse.

The history the engine keeps is already decimated (a few thousand rows however long the run),
and the curves are thinned to the plot's width (:mod:`.curve_points`), so a million-epoch run
stays fast.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (QApplication, QCheckBox, QLabel, QMenu, QPushButton, QSizePolicy,
                               QToolButton, QToolTip, QVBoxLayout, QWidget)

from ..style import colors
from ..style.appearance import plain_axes
from ..style.plotting import pg
from .axis_ranges import SteppedRanges, history_spans
from .caption_bar import CaptionBar
from .loss_pins import CURVE, PinnedRunCurves, positive_only
from .loss_rows import ROWS, FittedRows, RowValueAxis
from .loss_rows import ROW_MIN_HEIGHT  # noqa: F401  (re-exported)
from .loss_thinning import ThinnedCurves
from .loss_text import hover_lines, summary_html

TRAIN_COLOR = (33, 102, 172)
TEST_COLOR = (230, 97, 1)
#: Bluish green (Okabe–Ito): apart from the blue train and orange test curves, also for the
#: colour-blind; drawn dash-dotted besides.
VALIDATION_COLOR = (0, 158, 115)
#: Per-layer gradient-norm curves: a colorblind-safe sequence from the first layer on.
GRADIENT_COLORS = [(0, 114, 178), (0, 158, 115), (204, 121, 167), (213, 94, 0), (86, 180, 233),
                   (230, 159, 0), (90, 90, 90), (240, 228, 66), (0, 0, 0)]


class LossPlot(FittedRows, ThinnedCurves, PinnedRunCurves, QWidget):
    pinRequested = Signal()
    unpinRequested = Signal(int)       # the pinned run's number
    clearPinsRequested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.theme = colors.LIGHT
        self.metric_name = "accuracy"
        self._history = None
        self._line = 1.0
        self._table: np.ndarray | None = None
        self._columns: tuple[str, ...] = ()
        self.ranges = SteppedRanges()

        self.values = QLabel("—")
        self.values.setTextFormat(Qt.TextFormat.RichText)
        # May be cut short when narrow rather than force the column wider.
        self.values.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.log_box = QCheckBox("Log scale")
        self.log_box.toggled.connect(self.set_log)
        self.grads_box = QCheckBox("‖dW‖")
        self.grads_box.setToolTip("Show the per-layer gradient norms under the loss")
        self.grads_box.setChecked(True)
        self.grads_box.toggled.connect(self.show_gradient_norms)
        self.pin_button = QPushButton("Pin run")
        self.pin_button.setToolTip("Keep this loss curve on the plot as a ghost trace, labeled "
                                   "with the settings that differ from the live run (Ctrl+P)")
        self.pin_button.clicked.connect(self.pinRequested)
        self.pins_button = QToolButton()
        self.pins_button.setText("Pinned")
        self.pins_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.pins_menu = QMenu(self)
        self.pins_button.setMenu(self.pins_menu)
        self.pins_button.setEnabled(False)
        self.pin_curves: list = []
        self.hidden_pins: list[tuple[int, str]] = []
        self.caption_bar = CaptionBar(self.values, [self.pin_button, self.pins_button,
                                                    self.grads_box, self.log_box])

        self.canvas = pg.GraphicsLayoutWidget()
        self.canvas.installEventFilter(self)
        # The values' whole text as their tooltip (they may be cut short), made when asked
        # for: setting a tooltip with every new epoch cost 2 ms.
        self.values.installEventFilter(self)
        value_axes: list[RowValueAxis] = []            # one width for the three rows
        self.loss, self.score, self.grads = (
            self.canvas.addPlot(row=row, col=0, enableMenu=False,
                                axisItems={"left": RowValueAxis(value_axes)})
            for row in range(3))
        self.canvas.ci.layout.setRowStretchFactor(0, 3)
        self.canvas.ci.layout.setRowStretchFactor(1, 2)
        self.canvas.ci.layout.setRowStretchFactor(2, 2)
        self.loss.getViewBox().sigXRangeChanged.connect(self.view_moved)
        self.score.setXLink(self.loss)
        self.grads.setXLink(self.loss)
        self.loss.setLabel("left", "loss")
        self.score.setLabel("left", "accuracy")
        self.grads.setLabel("left", "‖dW‖")
        self.grads.setLogMode(y=True)
        # Only the major ticks carry text, so that a short plot's labels never overprint.
        for plot in (self.loss, self.score, self.grads):
            plot.getAxis("left").setStyle(maxTextLevel=0)
        # Legends stand beside the plots, never over the newest part of the curves.
        self.grads.legend = self._side_legend(row=2)
        self.grad_curves: list = []
        for plot in (self.loss, self.score, self.grads):
            plot.setMenuEnabled(False)
            plot.hideButtons()
            plain_axes(plot)
        self.loss.legend = self._side_legend(row=0)
        train_pen = pg.mkPen(TRAIN_COLOR, width=2)
        test_pen = pg.mkPen(TEST_COLOR, width=2, style=Qt.PenStyle.DashLine)
        self.train_curve = self.loss.plot(name="train", pen=train_pen, **CURVE)
        self.test_curve = self.loss.plot(name="test", pen=test_pen, **CURVE)
        self.train_score = self.score.plot(pen=train_pen, **CURVE)
        self.test_score = self.score.plot(pen=test_pen, **CURVE)
        val_pen = pg.mkPen(VALIDATION_COLOR, width=2, style=Qt.PenStyle.DashDotLine)
        self.val_curve = self.loss.plot(pen=val_pen, **CURVE)
        self.val_score = self.score.plot(pen=val_pen, **CURVE)
        self.hover = pg.TextItem(anchor=(0, 1), color=self.theme.text,
                                 fill=(*self.theme.background, 225))
        self.hover.setZValue(10)
        self.hover.hide()
        self.loss.addItem(self.hover, ignoreBounds=True)
        self.cursor = pg.InfiniteLine(angle=90, pen=pg.mkPen(self.theme.muted, width=1))
        self.cursor.hide()
        self.loss.addItem(self.cursor, ignoreBounds=True)
        self.canvas.scene().sigMouseMoved.connect(self._mouse_moved)
        # The epoch the timeline shows, when it is not the latest.
        self.marker = pg.InfiniteLine(angle=90, pen=pg.mkPen(self.theme.highlight, width=2))
        self.marker.hide()
        self.loss.addItem(self.marker, ignoreBounds=True)
        self.add_waiting_note()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.caption_bar)
        layout.addWidget(self.canvas, 1)

    def _side_legend(self, row: int) -> pg.LegendItem:
        """A legend in the column right of plot ``row``: beside the curves, not over them."""
        legend = pg.LegendItem(labelTextSize="8pt", brush=(255, 255, 255, 0))
        self.canvas.addItem(legend, row=row, col=1)
        return legend

    def clear_hover(self) -> None:
        """Hide the value under the mouse (a new session's curves are other curves)."""
        self.hover.hide()
        self.cursor.hide()

    _marked: int | None = None

    def set_marker(self, epoch: int | None) -> None:
        """Mark the epoch the timeline shows (None: hide the mark); the values above the plot
        then are those of that epoch."""
        self._marked = epoch
        self.marker.setVisible(epoch is not None)
        if epoch is not None:
            self.marker.setPos(epoch)
        if self._history is not None:
            self.set_history(self._history)

    def eventFilter(self, watched, event) -> bool:
        # The canvas, not this widget: it also shrinks when the caption above wraps.
        if watched is self.canvas and event.type() == QEvent.Type.Resize:
            self._fit_rows()
            self.redraw_if_resized()
        elif watched is self.values and event.type() == QEvent.Type.ToolTip:
            QToolTip.showText(event.globalPos(), self.values.text(), self.values)
            return True
        return False

    def set_theme(self, theme, line: float = 1.0) -> None:
        """Colors of the hover box and cursor; curve widths (thicker in presentation mode)."""
        self.theme = theme
        self.hover.fill = pg.mkBrush(*theme.background, 225)
        self.hover.setColor(theme.text)
        self.grads_waiting.setColor(theme.muted)
        self.grads_waiting.fill = self.hover.fill
        self.grads_waiting.setFont(QApplication.font())      # the app's size, on stage too
        self.cursor.setPen(pg.mkPen(theme.muted, width=line))
        self.marker.setPen(pg.mkPen(theme.highlight, width=2 * line))
        for curve in self.pin_curves:
            pen = curve.opts["pen"]
            pen.setWidthF(2 * line)
            curve.setPen(pen)
        train = pg.mkPen(TRAIN_COLOR, width=2 * line)
        test = pg.mkPen(TEST_COLOR, width=2 * line, style=Qt.PenStyle.DashLine)
        val = pg.mkPen(VALIDATION_COLOR, width=2 * line, style=Qt.PenStyle.DashDotLine)
        for curve, pen in ((self.train_curve, train), (self.train_score, train),
                           (self.test_curve, test), (self.test_score, test),
                           (self.val_curve, val), (self.val_score, val)):
            curve.setPen(pen)
        self._line = line
        for k, curve in enumerate(self.grad_curves):
            curve.setPen(self._gradient_pen(k))

    def set_metric(self, metric: str) -> None:
        self.metric_name = metric
        self.score.setLabel("left", "R²" if metric == "r2" else "accuracy")
        # Accuracy lives in [0, 1]; R² can start far below 0, which would squash the curve.
        self.score.setYRange(0 if metric == "accuracy" else -1, 1.02, padding=0)

    def set_history(self, history, rows: tuple[str, ...] = ROWS) -> bool:
        """Redraw ``rows`` (default all) from a :class:`~backprop_lab.engine.training.history.History`.
        While training plays the window redraws the rows one a frame: all at once cost a
        frame up to 20 ms.  True when an axis stepped to a new range: the next repaint then
        lays the axes out anew and redraws every curve of the rows it moved (~15 ms)."""
        self._history = history
        self.drawn_columns = self.pixel_columns()
        table = history.table()
        self._table, self._columns = table, history.columns
        col = {name: i for i, name in enumerate(history.columns)}
        if f"train_{self.metric_name}" not in col:       # a history of the other task's kind
            self.set_metric("r2" if "train_r2" in col else "accuracy")
        epochs = table[:, 0]
        has_test = bool(np.isfinite(table[:, col["test_loss"]]).any())
        has_val = "val_loss" in col
        log = self.log_box.isChecked()
        for row, train, test, val in (
                ("loss", self.train_curve, self.test_curve, self.val_curve),
                ("score", self.train_score, self.test_score, self.val_score)):
            if row not in rows:
                continue
            name = "loss" if row == "loss" else self.metric_name
            values = {part: table[:, col[f"{part}_{name}"]] if f"{part}_{name}" in col else None
                      for part in ("train", "test", "val")}
            if row == "loss" and log:
                values = {k: None if v is None else positive_only(v) for k, v in values.items()}
            self._draw(train, epochs, values["train"])
            self._draw(test, epochs, values["test"] if has_test else None)
            self._draw(val, epochs, values["val"] if has_val else None)
        if "loss" in rows:
            self._show_in_legend(self.test_curve, "test", has_test)
            self._show_in_legend(self.val_curve, "validation", has_val)
        if "grads" in rows:
            self._set_gradient_norms(table, col)
        stepped = self._fit_ranges()
        marked = history.row_at(self._marked) if self._marked is not None else {}
        summary = summary_html(marked or history.latest, has_test,
                               self.metric_name, self.theme, self._marked)
        if summary != self.values.text():
            self.values.setText(summary)
            self.caption_bar.relayout()
        return stepped

    def _fit_ranges(self) -> bool:
        """Axes that grow in steps, not with every epoch (see :mod:`.axis_ranges`); True
        when one stepped."""
        table = self._table if self._table is not None else np.zeros((0, 1))
        x, y, grads = history_spans(table, self._columns, [c.pin for c in self.pin_curves],
                                    self.log_box.isChecked())
        stepped = self.fit_epochs(x)
        stepped |= self.ranges.apply(self.loss, "y", y)
        # ‖dW‖ of mini-batches jumps up and down a decade: up to two spare decades are kept.
        return self.ranges.apply(self.grads, "y", grads, slack=2.0) or stepped

    def _set_gradient_norms(self, table: np.ndarray, col: dict) -> None:
        """One curve per layer: ‖dW‖ of its last step in each epoch, on a log axis."""
        names = [c for c in col if c.startswith("grad_norm_")]
        if len(names) != len(self.grad_curves):
            self.grads.clear()
            if self.grads.legend is not None:
                self.grads.legend.clear()
            self.grad_curves = []
            for k, _name in enumerate(names):
                label = "output" if k == len(names) - 1 else f"layer {k + 1}"
                self.grad_curves.append(self.grads.plot(name=label, **CURVE,
                                                        pen=self._gradient_pen(k)))
        epochs = table[:, 0]
        for curve, name in zip(self.grad_curves, names):
            self._draw(curve, epochs, positive_only(table[:, col[name]]))

    def _gradient_pen(self, k: int):
        """Layer ``k``'s ‖dW‖ curve: one pixel wide (×presentation scale) — up to nine of them
        share the row, and a wide pen costs the plot's repaint twice the time of a thin one."""
        return pg.mkPen(GRADIENT_COLORS[k % len(GRADIENT_COLORS)], width=self._line)

    def _show_in_legend(self, curve, label: str, shown: bool) -> None:
        legend = self.loss.legend
        listed = any(item is curve for _sample, item in
                     ((s, getattr(s, "item", None)) for s, _l in legend.items))
        if shown and not listed:
            legend.addItem(curve, label)
            # As the theme sets the others (style/appearance.py): the line level with its label.
            sample, text = legend.items[-1]
            sample.setFixedHeight(max(20.0, text.item.boundingRect().height()))
            for item in (sample, text):
                legend.layout.setAlignment(item, Qt.AlignmentFlag.AlignLeft
                                           | Qt.AlignmentFlag.AlignTop)
        elif not shown and listed:
            legend.removeItem(curve)

    def legend_labels(self) -> list[str]:
        """The texts of the loss plot's legend, top to bottom."""
        return [label.text for _sample, label in self.loss.legend.items]

    def set_log(self, on: bool) -> None:
        if self.log_box.isChecked() != on:
            self.log_box.setChecked(on)
        self.loss.setLogMode(y=on)
        self.redraw_curves()                     # log mode drops values ≤ 0
        self._fit_ranges()

    def hover_text(self, epoch: float) -> str | None:
        """Text for the mouse at ``epoch``: the nearest recorded epoch and its values."""
        if self._table is None or not len(self._table):
            return None
        i = int(np.argmin(np.abs(self._table[:, 0] - epoch)))
        return hover_lines(dict(zip(self._columns, self._table[i])))

    def _mouse_moved(self, pos) -> None:
        vb = self.loss.getViewBox()
        if not vb.sceneBoundingRect().contains(pos):
            self.hover.hide()
            self.cursor.hide()
            return
        point = vb.mapSceneToView(pos)
        text = self.hover_text(point.x())
        if text is None:
            return
        self.hover.setText(text)
        self.hover.setPos(point.x(), point.y())
        self.cursor.setPos(point.x())
        self.hover.show()
        self.cursor.show()
