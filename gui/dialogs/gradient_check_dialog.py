"""Gradient check dialog: backprop against central differences for the current network."""
from __future__ import annotations

import html

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QHeaderView, QLabel,
                               QTableWidget, QTableWidgetItem, QVBoxLayout)

from backprop_lab.engine import check_gradients
from backprop_lab.engine.nn.gradcheck import GradientCheck

#: Samples the check uses (central differences cost two forward passes per parameter).
MAX_SAMPLES = 100
PASS_COLOR, FAIL_COLOR, KINK_COLOR = QColor(0, 130, 60), QColor(200, 30, 30), QColor(150, 95, 0)
VERDICTS = {"pass": ("✓ pass", PASS_COLOR), "kink": ("◇ at a kink", KINK_COLOR),
            "fail": ("✗ FAIL", FAIL_COLOR)}


def run_check(session, max_samples: int = MAX_SAMPLES) -> tuple[GradientCheck, int]:
    """check_gradients on the session's network, loss, penalties and first training samples.
    ValueError for a network that cannot be checked (one with a step unit)."""
    n = min(session.n_train, max_samples)
    data = session.data
    result = check_gradients(session.network, data.X_train[:n], data.y_train[:n],
                             loss=session.loss, l1=session.l1, l2=session.l2)
    return result, n


class GradientCheckDialog(QDialog):
    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Gradient check")
        self.result, n = run_check(session)
        verdict = QLabel()
        verdict.setWordWrap(True)
        verdict.setTextFormat(Qt.TextFormat.RichText)
        ok = self.result.passed
        verdict.setText(
            f"<b style='color:{(PASS_COLOR if ok else FAIL_COLOR).name()}'>"
            f"{html.escape(self.result.sentence())}</b><br>Each gradient was also computed "
            f"numerically as (L(θ + h) − L(θ − h)) / 2h in float64 on {n} training sample(s); a "
            f"relative error below {self.result.tolerance:g} passes. Where a nudge of ±h moves "
            f"a ReLU across its kink (z = 0), the two sides have different slopes: there the "
            f"difference is taken on the side backprop's slope holds, and a parameter with no "
            f"such side is set aside (◇).")
        self.table = QTableWidget(len(self.result), 5)
        self.table.setHorizontalHeaderLabels(
            ["parameters", "‖backprop‖", "‖numerical‖", "relative error", ""])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        for row, (name, error) in enumerate(self.result.items()):
            layer, kind = name.split(".")
            index = int(layer.removeprefix("layer"))
            shape = "×".join(map(str, self.result.analytic[name].shape))
            label, color = VERDICTS[self.result.status(name)]
            numeric = self.result.numeric[name]
            cells = [f"layer {index + 1} · {kind} ({shape})",
                     f"{np.linalg.norm(self.result.analytic[name]):.4g}",
                     f"{np.linalg.norm(numeric[np.isfinite(numeric)]):.4g}",
                     f"{error:.2e}", label]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == 4:
                    item.setForeground(color)
                    set_aside = int(self.result.kinks[name].sum())
                    item.setToolTip(f"{set_aside} parameter(s) set aside at a kink; "
                                    f"{int(self.result.one_sided[name].sum())} differenced on "
                                    "one side" if label != "✓ pass" else "")
                self.table.setItem(row, col, item)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(verdict)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(620, 140 + 32 * len(self.result))

    def verdicts(self) -> list[str]:
        """The pass/fail column, for tests."""
        return [self.table.item(r, 4).text() for r in range(self.table.rowCount())]
