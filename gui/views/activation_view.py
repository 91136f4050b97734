"""Activation panel: a layer's activation g(z) and its slope g′(z), over a histogram of that
layer's current pre-activations Z on the training set.

Saturation shows as Z piled up where g′ ≈ 0 (sigmoid and tanh tails); dead ReLUs as Z
entirely below 0.
"""
from __future__ import annotations

import numpy as np
from ..style.plotting import pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from .loss_plot import TEST_COLOR, TRAIN_COLOR


class ActivationPanel(QWidget):
    BINS = 40

    def __init__(self, parent=None):
        super().__init__(parent)
        self.layer_box = QComboBox()
        self.layer_box.currentIndexChanged.connect(lambda _i: self.refresh_when_shown())
        self.summary = QLabel()
        self.summary.setWordWrap(True)       # never widens the window
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        top = QHBoxLayout()
        top.addWidget(QLabel("Layer"))
        top.addWidget(self.layer_box)
        top.addWidget(self.summary, 1)
        self.plot = pg.PlotWidget()
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.setLabel("bottom", "z (pre-activation)")
        self.plot.addLegend(offset=(10, 10))
        self.histogram = pg.BarGraphItem(x=[0], height=[0], width=1,
                                         brush=pg.mkBrush(150, 150, 150, 110), pen=None)
        self.plot.addItem(self.histogram)
        self.g_curve = self.plot.plot(name="g(z)", pen=pg.mkPen(TRAIN_COLOR, width=2.5))
        self.slope_curve = self.plot.plot(name="g′(z)", pen=pg.mkPen(TEST_COLOR, width=2.5,
                                                                     style=Qt.PenStyle.DashLine))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.plot, 1)
        self.session = None
        self._stale = False

    def set_session(self, session) -> None:
        self.session = session
        current = self.layer_box.currentIndex()
        self.layer_box.blockSignals(True)
        self.layer_box.clear()
        n = len(session.network.layers)
        for i, layer in enumerate(session.network.layers):
            name = "output" if i == n - 1 else f"{i + 1}"
            self.layer_box.addItem(f"{name} ({layer.activation.name})", i)
        self.layer_box.setCurrentIndex(current if 0 <= current < n else 0)
        self.layer_box.blockSignals(False)
        self.refresh_when_shown()

    def select_layer(self, index: int) -> None:
        if 0 <= index < self.layer_box.count():
            self.layer_box.setCurrentIndex(index)

    def refresh_when_shown(self) -> None:
        """:meth:`refresh` now if the panel is shown, else when it is next shown (a forward
        pass over the training set is wasted on a tab nobody looks at, as at start-up)."""
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self) -> None:
        """Redraw from the session's current weights (one forward pass on the training set)."""
        self._stale = False
        if self.session is None or self.layer_box.currentIndex() < 0:
            return
        i = self.layer_box.currentData()
        net = self.session.network
        net.forward_all(self.session.data.X_train)
        layer = net.layers[i]
        Z = np.asarray(layer.Z, dtype=float).ravel()
        Z = Z[np.isfinite(Z)]
        reach = max(4.0, float(np.percentile(np.abs(Z), 99)) * 1.1) if Z.size else 4.0
        z = np.linspace(-reach, reach, 401).reshape(-1, 1)
        act = layer.activation
        if act.elementwise:
            g = act.forward(z)
            slope = act.derivative(z, g)
        else:                                   # softmax: one unit against a zero logit
            pair = np.hstack([z, np.zeros_like(z)])
            g = act.forward(pair)[:, :1]
            slope = g * (1 - g)
        self.g_curve.setData(z[:, 0], g[:, 0])
        self.slope_curve.setData(z[:, 0], slope[:, 0])
        counts, edges = np.histogram(np.clip(Z, -reach, reach), bins=self.BINS,
                                     range=(-reach, reach))
        top = max(1.0, float(np.nanmax(np.abs(g))))
        heights = counts / counts.max() * top if counts.max() else counts
        self.histogram.setOpts(x=(edges[:-1] + edges[1:]) / 2, height=heights,
                               width=(edges[1] - edges[0]) * 0.9)
        flat = float(np.mean(np.abs(act.derivative(Z.reshape(-1, 1), act.forward(
            Z.reshape(-1, 1)))) < 0.05)) if act.elementwise and Z.size else 0.0
        self.plot.setTitle(f"{act.name}:  g(z) = {act.formula}")
        self.summary.setText(
            f"grey bars: Z of this layer over {self.session.n_train} training points. "
            f"<b>{flat:.0%}</b> of them where g′ &lt; 0.05 "
            f"({'saturated/dead' if flat > 0.5 else 'learning'})")
