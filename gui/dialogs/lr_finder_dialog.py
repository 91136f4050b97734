"""The learning-rate finder: a range test on a copy of the session, and its suggestion.

The test (:func:`backprop_lab.engine.analysis.lr_finder.lr_range_test`) trains a copy of the
session for up to ``steps`` mini-batches with a learning rate growing exponentially and
records each batch's loss.  It runs on a worker thread, so the window keeps answering; the
live session's weights are never touched.  The dialog draws loss against learning rate on a
log axis, marks the suggested rate, says which rule chose it and why the test stopped, and
offers the rate in one click (:attr:`LrFinderDialog.rateChosen`).  The other rule's rate is
marked and offered too: on a noisy curve (small mini-batches) the two can lie far apart, and
the curve is the thing to read.
"""
from __future__ import annotations

import html
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np
from backprop_lab.engine.analysis.lr_finder import (MINIMUM, STEEPEST, RangeTest, lr_range_test,
                                                    suggest_learning_rate)
from backprop_lab.engine.analysis.session_copy import copy_session
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QPushButton,
                               QSpinBox, QVBoxLayout)

from ..style.appearance import no_si_prefix
from ..style.plotting import pg

RAW_COLOR, SMOOTH_COLOR = (150, 150, 150), (33, 102, 172)
SUGGESTION_COLOR, OTHER_COLOR = (230, 97, 1), (0, 158, 115)
RULE_NAMES = {STEEPEST: "steepest descent", MINIMUM: "a tenth of the minimum"}
LR_MIN, LR_MAX = 1e-5, 10.0


class LrFinderDialog(QDialog):
    rateChosen = Signal(float)           # "Use η = …" was pressed

    def __init__(self, session, parent=None, steps: int = 100):
        super().__init__(parent)
        self.setWindowTitle("Learning-rate finder")
        self.result: RangeTest | None = None
        self.error: str | None = None
        self._twin = copy_session(session)      # taken now: the live session trains on
        self._executor = ThreadPoolExecutor(max_workers=1)
        self._job: Future | None = None
        self._poll = QTimer(self)
        self._poll.setInterval(30)
        self._poll.timeout.connect(self._collect)

        intro = QLabel(
            f"A copy of the network takes up to <i>n</i> mini-batch steps with η growing "
            f"exponentially from {LR_MIN:g} to {LR_MAX:g}, and the loss of each batch is "
            f"recorded; the test stops when the loss blows up. Good rates lie where the loss "
            f"falls fastest, before it turns up. Your network's weights are not changed.")
        intro.setWordWrap(True)
        self.steps = QSpinBox()
        self.steps.setRange(20, 2000)
        self.steps.setValue(steps)
        self.steps.setSuffix(" steps")
        self.run_button = QPushButton("Run again")
        self.run_button.clicked.connect(self.run)
        row = QHBoxLayout()
        row.addWidget(QLabel("Test length"))
        row.addWidget(self.steps)
        row.addWidget(self.run_button)
        row.addStretch(1)

        self.plot = pg.PlotWidget()
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.setLogMode(x=True, y=False)
        self.plot.setLabel("bottom", "learning rate η (log scale)")
        self.plot.setLabel("left", "mini-batch loss")
        no_si_prefix(self.plot.getAxis("left"))
        self.plot.addLegend(offset=(10, -10))      # bottom left: low rates, high loss
        self.raw_curve = self.plot.plot(name="each batch", pen=None, symbol="o", symbolSize=4,
                                        symbolBrush=RAW_COLOR, symbolPen=None)
        self.smooth_curve = self.plot.plot(name="smoothed",
                                           pen=pg.mkPen(SMOOTH_COLOR, width=2.5))
        self.marker = pg.InfiniteLine(angle=90, movable=False,
                                      pen=pg.mkPen(SUGGESTION_COLOR, width=2,
                                                   style=Qt.PenStyle.DashLine))
        self.other_marker = pg.InfiniteLine(angle=90, movable=False,
                                            pen=pg.mkPen(OTHER_COLOR, width=2,
                                                         style=Qt.PenStyle.DotLine))
        for marker in (self.marker, self.other_marker):
            marker.hide()
            self.plot.addItem(marker)
        #: The other rule's rate, when it differs from the suggestion: (rate, rule), or None.
        self.other: tuple[float, str] | None = None

        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.verdict.setTextFormat(Qt.TextFormat.RichText)
        self.use_button = QPushButton("Use this rate")
        self.use_button.setEnabled(False)
        self.use_button.clicked.connect(lambda: self._use(self.result.suggestion))
        self.other_button = QPushButton()
        self.other_button.hide()
        self.other_button.clicked.connect(lambda: self._use(self.other[0]))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.addButton(self.other_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.use_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.verdict)
        layout.addWidget(buttons)
        self.resize(640, 520)
        self.run()

    # ------------------------------------------------------------------ the test
    @property
    def running(self) -> bool:
        return self._job is not None

    def run(self) -> None:
        """Start the test on the worker thread (on the copy taken when the dialog opened)."""
        if self._job is not None:
            return
        self.result, self.error = None, None
        self.use_button.setEnabled(False)
        self.other_button.hide()
        self.run_button.setEnabled(False)
        self.verdict.setText("Running the range test…")
        self._job = self._executor.submit(lr_range_test, self._twin, LR_MIN, LR_MAX,
                                          self.steps.value())
        self._poll.start()

    def wait(self, timeout: float = 60.0) -> None:
        """Block until the running test is done and shown (tests, screenshots)."""
        if self._job is not None:
            self._job.exception(timeout=timeout)
            self._collect()

    def _collect(self) -> None:
        job = self._job
        if job is None or not job.done():
            return
        self._poll.stop()
        self._job = None
        self.run_button.setEnabled(True)
        try:
            self.show_result(job.result())
        except ValueError as exc:          # e.g. the loss is not finite even at the start
            self.error = str(exc)
            self.verdict.setText(f"⚠ {html.escape(self.error)}")

    def show_result(self, result: RangeTest) -> None:
        self.result = result
        x = np.log10(result.learning_rates)       # log mode plots log10 of the data
        self.raw_curve.setData(result.learning_rates, result.losses)
        self.smooth_curve.setData(result.learning_rates, result.smoothed)
        self.marker.setValue(float(np.log10(result.suggestion)))
        self.marker.show()
        finite = result.losses[np.isfinite(result.losses)]
        top = min(float(np.max(finite)), 3 * float(np.max(result.smoothed)))
        self.plot.setRange(xRange=(x[0], x[-1]), yRange=(0, top), padding=0.04)
        rate = f"{result.suggestion:.3g}"
        self.use_button.setText(f"Use η = {rate}")
        self.use_button.setEnabled(True)
        self.other = None
        if result.rule == STEEPEST:
            other, _rule, _why = suggest_learning_rate(result.learning_rates, result.smoothed,
                                                       MINIMUM, LR_MIN)
            if f"{other:.3g}" != rate:
                self.other = (other, MINIMUM)
        also = ""
        if self.other is not None:
            self.other_marker.setValue(float(np.log10(self.other[0])))
            self.other_button.setText(f"Use η = {self.other[0]:.3g}")
            also = (f" The other rule, {RULE_NAMES[MINIMUM]}, gives η = {self.other[0]:.3g} "
                    "(dotted).")
        self.other_marker.setVisible(self.other is not None)
        self.other_button.setVisible(self.other is not None)
        self.verdict.setText(
            f"<b>Suggested η = {rate}</b> ({RULE_NAMES[result.rule]}, dashed): "
            f"{html.escape(result.explanation)}{also} {html.escape(result.stopped)} "
            f"({len(result.losses)} steps recorded.) The rules are rules of thumb, rough on a "
            "noisy curve (small mini-batches): read the curve too.")

    def _use(self, rate: float) -> None:
        self.rateChosen.emit(float(f"{rate:.3g}"))
        self.accept()

    def done(self, code: int) -> None:
        self._poll.stop()
        self._executor.shutdown(wait=False, cancel_futures=True)
        super().done(code)


if __name__ == "__main__":
    from backprop_lab.gui.model.config import Config

    app = pg.mkQApp()
    dialog = LrFinderDialog(Config(dataset="moons").build_session())
    dialog.rateChosen.connect(lambda rate: print("chosen", rate))
    dialog.exec()
