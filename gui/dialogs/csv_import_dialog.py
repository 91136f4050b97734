"""File ▸ Import CSV: the file's columns in a table — each one's detected type and role (input,
target or ignore) — with the task, the test share, the missing-value policy, and the verdict
checked live as you choose.

The engine reads the file (:func:`~backprop_lab.engine.io.csv_dataset.inspect_csv` for the
table, :func:`~backprop_lab.engine.io.csv_dataset.read_csv` for the data).  Columns that look
like identifiers (unique row numbers, an ``id`` header), dates and free text start as
"ignore", with the reason in the table: an ``id`` column would let the network memorize
rows.  What the user's file says is shown as plain text, never as markup.
"""
from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout,
                               QHeaderView, QLabel, QSpinBox, QTableWidget, QTableWidgetItem,
                               QVBoxLayout)

from backprop_lab.engine.io.csv_columns import IGNORE, INPUT, TARGET
from backprop_lab.engine.io.csv_dataset import inspect_csv, read_csv

TASKS = {"Automatic": None, "Classification": "classification", "Regression": "regression"}
MISSING = {"Drop the rows with a missing value": "drop",
           "Fill with the column's mean (or most frequent class)": "fill",
           "Refuse the file": "refuse"}
ROLES = {INPUT: "input", TARGET: "target", IGNORE: "ignore"}


class CsvImportDialog(QDialog):
    def __init__(self, path, test_fraction: float = 0.3, seed: int = 0, parent=None,
                 validation_fraction: float = 0.0):
        super().__init__(parent)
        self.path = Path(path)
        self.seed = seed
        self.dataset = None
        self.setWindowTitle(f"Import {self.path.name}")
        self.columns = QTableWidget(0, 5)
        self.columns.setHorizontalHeaderLabels(["Column", "Type", "Missing", "Role", "Note"])
        self.columns.verticalHeader().hide()
        self.columns.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.columns.setAccessibleName("Columns of the file")
        self.role_boxes: list[QComboBox] = []
        self.task = QComboBox()
        for title, task in TASKS.items():
            self.task.addItem(title, task)
        self.task.setToolTip("Automatic: text labels or a few whole numbers are classes, "
                             "other numbers a regression target")
        self.missing = QComboBox()
        for title, policy in MISSING.items():
            self.missing.addItem(title, policy)
        self.test = QSpinBox()
        self.test.setRange(0, 90)
        self.test.setSuffix(" %")
        self.test.setValue(round(test_fraction * 100))
        self.validation = QSpinBox()
        self.validation.setRange(0, 90)                   # as the data panel
        self.validation.setSuffix(" %")
        self.validation.setValue(round(validation_fraction * 100))
        self.validation.setToolTip("Rows kept apart from training and testing: early stopping "
                                   "watches their loss")
        self.standardize = QCheckBox("Standardize the inputs (mean 0, standard deviation 1)")
        self.standardize.setChecked(True)
        self.standardize.setToolTip(
            "The network sees (x − mean) / std of each column; plots and exports keep your "
            "units. Without it, columns in the hundreds (cm, kg, $) saturate tanh and sigmoid "
            "units and training stalls.")
        self.about = QLabel()
        self.about.setTextFormat(Qt.TextFormat.PlainText)
        self.about.setWordWrap(True)
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.verdict.setTextFormat(Qt.TextFormat.RichText)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("Task", self.task)
        form.addRow("Missing values", self.missing)
        form.addRow("Test set", self.test)
        form.addRow("Validation set", self.validation)
        form.addRow("", self.standardize)
        layout = QVBoxLayout(self)
        layout.addWidget(self.about)
        layout.addWidget(self.columns, 1)
        layout.addLayout(form)
        layout.addWidget(self.verdict)
        layout.addWidget(self.buttons)
        for box in (self.task, self.missing):
            box.currentIndexChanged.connect(self.check)
        self.test.valueChanged.connect(self.check)
        self.validation.valueChanged.connect(self.check)
        self.standardize.toggled.connect(self.check)
        self.resize(760, 560)
        self._fill_table()
        self.check()

    # ------------------------------------------------------------------ the columns
    def _fill_table(self, target=None) -> None:
        try:
            report = inspect_csv(self.path, target)
        except ValueError as exc:
            self.about.setText(f"Cannot read {self.path.name}: {exc}")
            self.columns.setRowCount(0)
            return
        self.report = report
        header = "a header row" if report.header else "no header row"
        self.about.setText(f"{self.path.name}: {report.rows} rows, {len(report.columns)} "
                           f"columns, {header}, separated by {report.delimiter}, "
                           f"{report.encoding}" + "".join(f"\n• {n}" for n in report.notes))
        self.columns.setRowCount(len(report.columns))
        self.role_boxes = []
        for row, column in enumerate(report.columns):
            cells = [column.name, column.type, str(column.missing) if column.missing else "",
                     None, column.note or (f"looks like an identifier: {column.id_like}"
                                           if column.id_like else "")]
            for k, text in enumerate(cells):
                if text is not None:
                    item = QTableWidgetItem(text)       # plain text: names are not markup
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                    item.setToolTip(text)
                    self.columns.setItem(row, k, item)
            box = QComboBox()
            for role, title in ROLES.items():
                box.addItem(title, role)
            box.setCurrentIndex(box.findData(column.role))
            box.setAccessibleName(f"Role of column {column.name}")
            box.currentIndexChanged.connect(lambda _i, r=row: self._role_changed(r))
            self.columns.setCellWidget(row, 3, box)
            self.role_boxes.append(box)
        self.columns.resizeColumnsToContents()

    def _role_changed(self, row: int) -> None:
        if self.role_boxes[row].currentData() == TARGET:
            self._fill_table(target=row)        # the new target's column becomes its role
        elif self.target_index() is None:       # the target was given up: the last column
            self._fill_table()
        self.check()

    def roles(self) -> dict[int, str]:
        return {row: box.currentData() for row, box in enumerate(self.role_boxes)}

    def target_index(self) -> int | None:
        return next((row for row, role in self.roles().items() if role == TARGET), None)

    # ------------------------------------------------------------------ the verdict
    def options(self) -> dict:
        """The read_csv options the dialog's choices stand for."""
        return dict(target=self.target_index(), task=self.task.currentData(),
                    test_fraction=self.test.value() / 100, seed=self.seed,
                    validation_fraction=self.validation.value() / 100,
                    standardize=self.standardize.isChecked(),
                    ignore=[row for row, role in self.roles().items() if role == IGNORE],
                    missing=self.missing.currentData())

    def check(self) -> None:
        """Read the file with the chosen options and show the result or the reason."""
        try:
            data = read_csv(self.path, **self.options())
        except ValueError as exc:
            self.dataset = None
            self.verdict.setText("<span style='color:#b00020'>⚠ Cannot import: "
                                 f"{html.escape(str(exc))}</span>")
        else:
            self.dataset = data
            notes = data.params.get("import_notes") or []
            self.verdict.setText(html.escape(describe(data)) + "".join(
                f"<br>• {html.escape(note)}" for note in notes))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(
            self.dataset is not None)


def describe(data) -> str:
    """One line about imported data: sizes, inputs, and its classes or target range."""
    n = len(data.y_train) + len(data.y_test) + (len(data.y_val) if data.has_validation else 0)
    val = f", {len(data.y_val)} to validate" if data.has_validation else ""
    titles = data.input_titles
    inputs = ", ".join(titles[:6]) + ("…" if data.n_inputs > 6 else "")
    scaled = "; inputs standardized" if data.params.get("standardize") else ""
    if data.task == "regression":
        what = "a regression target"
        view = ("the output plot" if data.is_planar
                else "the predicted-against-target plot (R² and mean absolute error)")
    else:
        names = data.class_names or tuple(str(k) for k in range(data.n_classes))
        what = f"{data.n_classes} classes ({', '.join(names[:8])}{'…' if len(names) > 8 else ''})"
        view = ("the boundary plot" if data.is_planar
                else "the confusion matrix and predictions")
    return (f"✓ {n} rows: {len(data.y_train)} to train, {len(data.y_test)} to test{val}; "
            f"{data.n_inputs} input(s) ({inputs}){scaled}; {what}. Shown on {view}.")
