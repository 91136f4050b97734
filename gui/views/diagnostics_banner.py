"""A banner above the graph that names why training is in trouble, and offers a way out."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton


class DiagnosticsBanner(QFrame):
    lowerRateRequested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("diagnosticsBanner")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.lower_rate = QPushButton("Lower the learning rate ×0.1")
        self.lower_rate.setToolTip("Divide the learning rate by 10 and keep training from the "
                                   "restored weights")
        self.lower_rate.clicked.connect(self.lowerRateRequested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.lower_rate)
        self.messages: list[str] = []
        self._severe: bool | None = None       # the look last set (restyling costs a frame)
        self.hide()

    def show_messages(self, messages: list[str], diverged: bool = False) -> None:
        """Show the findings (most urgent first); hide when there are none."""
        if messages == self.messages and self.isVisible() == bool(messages):
            return
        self.messages = list(messages)
        if not messages:
            self.hide()
            return
        severe = diverged
        if severe != self._severe:
            self._severe = severe
            # Dark text on a pale background in every theme (contrast ≥ 7:1).
            self.setStyleSheet(
                "#diagnosticsBanner { background: %s; border: 1px solid %s; "
                "border-radius: 4px; }"
                "#diagnosticsBanner QLabel { color: #1e1a10; }"
                % (("#fde2e1", "#c0392b") if severe else ("#fff4d6", "#d49a00")))
        shown = messages[:3]
        more = len(messages) - len(shown)
        self.text.setText("⚠ " + "\n⚠ ".join(shown) + (f"\n(+{more} more)" if more else ""))
        self.lower_rate.setVisible(diverged)
        self.show()
