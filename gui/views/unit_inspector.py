"""Unit inspector: the selected unit's incoming weights, bias, equation and statistics."""
from __future__ import annotations

import html

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from backprop_lab.engine.data.features import label as feature_label
from backprop_lab.engine.training.inspection import unit_activity
from backprop_lab.engine.training.phases import sub

from ..style import colors


class UnitInspector(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.text = QLabel()
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setWordWrap(True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.text)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self.clear()

    def clear(self) -> None:
        self.text.setText("<i>Click a unit in the graph to inspect its weights, bias and "
                          "activity; click an edge to type a weight.</i>")

    def show_unit(self, session, column: int, unit: int) -> None:
        """Describe unit ``unit`` of layer ``column`` (1-based; 0 = an input feature)."""
        net, data = session.network, session.data
        names = [feature_label(n) for n in data.input_names]
        if column == 0:
            values = data.X_train[:, unit]
            self.text.setText(f"<b>Input {html.escape(names[unit])}</b><br>"
                              + _stats("value", values))
            return
        layer = net.layers[column - 1]
        inputs = names if column == 1 else [f"a{sub(i + 1)}" for i in range(layer.n_in)]
        where = "Output" if column == len(net.layers) else f"Layer {column}"
        rows = "".join(
            f"<tr><td>{html.escape(name)}</td><td align='right' style='color:{_sign_color(w)}'>"
            f"{w:+.4f}</td></tr>" for name, w in zip(inputs, layer.W[:, unit]))
        b = layer.b[unit]
        z, activity = unit_activity(session, column - 1, unit)
        extra = ""
        if layer.activation.name in ("relu", "leaky_relu"):
            active = float(np.mean(activity > 0))
            extra = f"<br>active (a &gt; 0) on {active:.0%} of the training points"
            if active == 0 and layer.activation.name == "relu":
                extra += " — <b>dead</b>: it gets no gradient"
        self.text.setText(
            f"<b>{where}, unit {unit + 1}</b> ({layer.activation.name})<br>"
            f"z = Σ w·input + b, &nbsp; a = {layer.activation.name}(z)"
            f"<table cellspacing='6'><tr><th align='left'>input</th><th>weight w</th></tr>"
            f"{rows}<tr><td><b>bias b</b></td><td align='right' style='color:{_sign_color(b)}'>"
            f"{b:+.4f}</td></tr></table>"
            + _stats("z", z) + _stats("a", activity) + extra)


def _stats(name: str, values: np.ndarray) -> str:
    return (f"{name} over the training set: mean {values.mean():.3g}, "
            f"min {values.min():.3g}, max {values.max():.3g}<br>")


def _sign_color(w: float, theme=colors.LIGHT) -> str:
    return theme.positive_text if w >= 0 else theme.negative_text


