"""File ▸ Import CSV: a preview of the file, the target column and task, checked as you choose.

The engine's :func:`backprop_lab.engine.io.csv_dataset.read_csv` does the reading; this dialog shows its
verdict live (a summary of the data, or the reason the file is refused with its line and
column), and returns the :class:`backprop_lab.engine.Dataset` when accepted.
"""
from __future__ import annotations

import csv
from pathlib import Path

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout,
                               QLabel, QPlainTextEdit, QSpinBox, QVBoxLayout)

from backprop_lab.engine.io.csv_dataset import read_csv

PREVIEW_LINES = 12
TASKS = {"Automatic": None, "Classification": "classification", "Regression": "regression"}


def _first_lines(path: Path, n: int) -> list[str]:
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as f:
            return [line.rstrip("\n") for _, line in zip(range(n), f)]
    except OSError as exc:
        return [f"(cannot read the file: {exc})"]


def _column_titles(lines: list[str]) -> list[str]:
    """The first row's cells, split as the file's delimiter suggests (for the target list)."""
    sample = "\n".join(lines)
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = [r for r in csv.reader(lines, dialect) if r and not r[0].startswith("#")]
    return [cell.strip() for cell in rows[0]] if rows else []


class CsvImportDialog(QDialog):
    def __init__(self, path, test_fraction: float = 0.3, seed: int = 0, parent=None):
        super().__init__(parent)
        self.path = Path(path)
        self.seed = seed
        self.dataset = None
        self.setWindowTitle(f"Import {self.path.name}")
        lines = _first_lines(self.path, PREVIEW_LINES)

        self.preview = QPlainTextEdit("\n".join(lines))
        self.preview.setReadOnly(True)
        self.preview.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.preview.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.preview.setMaximumHeight(self.preview.fontMetrics().lineSpacing() * 14)
        self.target = QComboBox()
        self.target.addItem("Last column", None)
        for k, title in enumerate(_column_titles(lines)):
            self.target.addItem(f"{k + 1}: {title}", k)
        self.task = QComboBox()
        for title, task in TASKS.items():
            self.task.addItem(title, task)
        self.task.setToolTip("Automatic: text labels or a few whole numbers are classes, "
                             "other numbers a regression target")
        self.test = QSpinBox()
        self.test.setRange(0, 90)
        self.test.setSuffix(" %")
        self.test.setValue(round(test_fraction * 100))
        self.standardize = QCheckBox("Standardize the inputs (mean 0, standard deviation 1)")
        self.standardize.setChecked(True)
        self.standardize.setToolTip(
            "The network sees (x − mean) / std of each column; plots and exports keep your "
            "units. Without it, columns in the hundreds (cm, kg, $) saturate tanh and sigmoid "
            "units and training stalls.")
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("Target column", self.target)
        form.addRow("Task", self.task)
        form.addRow("Test set", self.test)
        form.addRow("", self.standardize)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"First lines of <b>{self.path.name}</b>:"))
        layout.addWidget(self.preview)
        layout.addLayout(form)
        layout.addWidget(self.verdict)
        layout.addWidget(self.buttons)
        for box in (self.target, self.task):
            box.currentIndexChanged.connect(self.check)
        self.test.valueChanged.connect(self.check)
        self.standardize.toggled.connect(self.check)
        self.resize(640, 460)
        self.check()

    def check(self) -> None:
        """Read the file with the chosen options and show the result or the reason."""
        try:
            data = read_csv(self.path, target=self.target.currentData(),
                            task=self.task.currentData(), test_fraction=self.test.value() / 100,
                            seed=self.seed, standardize=self.standardize.isChecked())
        except ValueError as exc:
            self.dataset = None
            self.verdict.setText(f"<span style='color:#b00020'>⚠ Cannot import: {exc}</span>")
        else:
            self.dataset = data
            self.verdict.setText(describe(data))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(
            self.dataset is not None)


def describe(data) -> str:
    """One line about imported data: sizes, inputs, and its classes or target range."""
    n = len(data.y_train) + len(data.y_test)
    titles = data.input_titles
    inputs = ", ".join(titles[:6]) + ("…" if data.n_inputs > 6 else "")
    header = "with a header row" if data.params.get("header") else "no header row"
    scaled = "; inputs standardized" if data.params.get("standardize") else ""
    if data.task == "regression":
        what = "a regression target"
    else:
        names = data.class_names or tuple(str(k) for k in range(data.n_classes))
        what = f"{data.n_classes} classes ({', '.join(names[:8])}{'…' if len(names) > 8 else ''})"
    view = "the boundary plot" if data.is_planar else "the confusion matrix and predictions"
    return (f"✓ {n} rows ({header}): {len(data.y_train)} to train, {len(data.y_test)} to "
            f"test; {data.n_inputs} input(s) ({inputs}){scaled}; {what}. Shown on {view}.")
