"""Every lesson's exercises and the student's progress, with "Save my progress…".

The progress file (:class:`~backprop_lab.engine.analysis.exercise_progress.ExerciseProgress`)
is JSON a student can hand in: for each exercise met, when, in how many attempts and with
which settings.
"""
from __future__ import annotations

from pathlib import Path

from backprop_lab.engine.analysis.exercise_progress import ExerciseProgress
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFileDialog, QHBoxLayout, QLabel,
                               QLineEdit, QPushButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout)

MET, OPEN = QColor(0, 130, 60), QColor(110, 115, 122)


def save_progress_dialog(progress: ExerciseProgress, parent=None) -> Path | None:
    """Ask where, then write the progress file; the path written, or None (cancelled).
    OSError propagates (the caller says what went wrong)."""
    path, _ = QFileDialog.getSaveFileName(parent, "Save my exercise progress",
                                          "backprop-lab-progress.json",
                                          "Exercise progress (*.json)")
    if not path:
        return None
    path = Path(path)
    progress.save(path)
    return path


class ExerciseSummaryDialog(QDialog):
    def __init__(self, lessons, progress: ExerciseProgress, parent=None):
        """``lessons``: the shipped :class:`~backprop_lab.gui.model.lessons.Lesson` list."""
        super().__init__(parent)
        self.setWindowTitle("Exercises and progress")
        self.progress = progress
        self.student = QLineEdit(progress.student)
        self.student.setPlaceholderText("so that your teacher knows whose file it is")
        self.student.textChanged.connect(lambda text: setattr(self.progress, "student", text))
        name = QHBoxLayout()
        name.addWidget(QLabel("Your name"))
        name.addWidget(self.student, 1)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["Exercise", "", "Details"])
        self.tree.setRootIsDecorated(True)
        met_total = total = 0
        for number, lesson in enumerate(lessons, start=1):
            if not lesson.exercises:
                continue
            records = progress.records(lesson.name)
            met = sum(bool(records.get(e["id"], {}).get("met")) for e in lesson.exercises)
            met_total, total = met_total + met, total + len(lesson.exercises)
            count = f"{met} of {len(lesson.exercises)}"
            top = QTreeWidgetItem([f"{number}. {lesson.title}", count, ""])
            for spec in lesson.exercises:
                record = records.get(spec["id"])
                done = bool(record and record["met"])
                details = ("" if record is None else
                           f"{record['message']} ({record['attempts']} attempt"
                           f"{'s' if record['attempts'] != 1 else ''}, {record['when']})")
                child = QTreeWidgetItem([spec["prompt"], "✓" if done else "○", details])
                child.setForeground(1, MET if done else OPEN)
                child.setToolTip(0, spec["prompt"])
                child.setToolTip(2, details)
                top.addChild(child)
            self.tree.addTopLevelItem(top)
            top.setExpanded(True)
        self.tree.resizeColumnToContents(1)
        self.tree.setColumnWidth(0, 360)
        self.total = QLabel(f"<b>{met_total} of {total}</b> exercises met.")
        self.total.setTextFormat(Qt.TextFormat.RichText)
        self.save_button = QPushButton("Save my progress…")
        self.save_button.clicked.connect(self.save)
        self.saved = QLabel()
        self.saved.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addLayout(name)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.total)
        layout.addWidget(self.saved)
        layout.addWidget(buttons)
        self.resize(820, 520)

    def save(self) -> None:
        try:
            path = save_progress_dialog(self.progress, self)
        except OSError as exc:
            self.saved.setText(f"⚠ The file could not be written: {exc.strerror or exc}")
            return
        if path is not None:
            self.saved.setText(f"Saved to {path}: hand this file in.")
