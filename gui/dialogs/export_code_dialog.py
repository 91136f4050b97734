"""File ▸ Export ▸ Code: which script to write — NumPy or PyTorch, readable or exact replay."""
from __future__ import annotations

from PySide6.QtWidgets import (QButtonGroup, QDialog, QDialogButtonBox, QGroupBox, QLabel,
                               QRadioButton, QVBoxLayout)

FRAMEWORK_TITLES = {"pytorch": "PyTorch", "numpy": "NumPy"}
STYLE_TITLES = {
    "readable": ("Readable", "The script you would write yourself: the same network, weights "
                             "and data, trained with the framework's usual building blocks."),
    "exact": ("Exact replay", "Repeats the app's own arithmetic and mini-batch order, optimizer "
                              "state included: training on gives the app's numbers."),
}


class ExportCodeDialog(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Export code")
        layout = QVBoxLayout(self)
        self.frameworks = self._choices(layout, "Framework",
                                        [(k, t, "") for k, t in FRAMEWORK_TITLES.items()])
        self.styles = self._choices(layout, "Kind",
                                    [(k, t, tip) for k, (t, tip) in STYLE_TITLES.items()])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Choose file…")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _choices(self, layout, title: str, entries) -> QButtonGroup:
        box = QGroupBox(title)
        inner = QVBoxLayout(box)
        group = QButtonGroup(self)
        for k, (key, text, tip) in enumerate(entries):
            button = QRadioButton(text)
            button.setProperty("key", key)
            button.setChecked(k == 0)
            group.addButton(button)
            inner.addWidget(button)
            if tip:
                note = QLabel(tip)
                note.setWordWrap(True)
                note.setIndent(24)
                inner.addWidget(note)
                button.setToolTip(tip)
        layout.addWidget(box)
        return group

    @property
    def framework(self) -> str:
        return self.frameworks.checkedButton().property("key")

    @property
    def style(self) -> str:
        return self.styles.checkedButton().property("key")
