"""Your own data in the window: draw points, import a CSV file, and pick a point to trace."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog

from backprop_lab.engine.data.edits import (add_point, blank_canvas, nearest_training_point,
                                            remove_nearest)
from backprop_lab.engine.io.csv_dataset import read_csv

from ..dialogs.csv_import_dialog import CsvImportDialog
from .exports import CSV_FILTER

#: A click traces a training point when it lands within this share of the plot's width.
CLICK_RADIUS = 0.05


class DataEditing(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.w = window

    # ------------------------------------------------------------------ drawing
    def add_point(self, x: float, y: float, label: int) -> bool:
        """Add a training point of class ``label`` at (x, y) (the Add points mode)."""
        return self._edit(
            lambda data: add_point(data, (x, y), label),
            lambda data: f"Added a class-{label} point at ({x:.2f}, {y:.2f}): "
                         f"{len(data.y_train)} training points.")

    def remove_point(self, x: float, y: float) -> bool:
        """Remove the point nearest to (x, y) (Ctrl-click in the Add points mode)."""
        return self._edit(
            lambda data: remove_nearest(data, (x, y))[0],
            lambda data: f"Removed the nearest point: {len(data.y_train)} training and "
                         f"{len(data.y_test)} test points left.")

    def _edit(self, edit, describe) -> bool:
        """Apply ``edit`` (Dataset → Dataset) to the live data; refusals go to the status bar."""
        w = self.w
        w.view_state.interrupt()
        try:
            data = edit(w.controller.session.data)
        except ValueError as exc:
            w.show_error(str(exc))
            return False
        network = w.controller.session.network
        if not w.controller.edit_data(data):
            return False
        text = describe(data)
        if w.controller.session.network is not network:
            text += (f" {data.n_classes} classes now: the output layer grew, so the network "
                     "starts again from new weights (Ctrl+Z brings the old one back).")
        w.say(text, 8000)
        return True

    def new_drawing(self) -> None:
        """A blank canvas (one point per class) in the Add points mode."""
        if self.use_data(blank_canvas(features=self.w.controller.config.features)):
            self.w.boundary.set_drawing(True)
            self.w.say("Draw your data: click adds class 0, right-click adds class 1, "
                       "Ctrl-click removes; then press Play.", 10000)

    # ------------------------------------------------------------------ CSV
    def import_csv_dialog(self) -> None:
        w = self.w
        path, _ = QFileDialog.getOpenFileName(w, "Import data from CSV", str(w.files.folder()),
                                              CSV_FILTER)
        if not path:
            return
        config = w.controller.config
        dialog = CsvImportDialog(path, config.test_fraction, config.data_seed, w,
                                 validation_fraction=config.validation_fraction)
        if dialog.exec() and dialog.dataset is not None:
            self.use_data(dialog.dataset, split_chosen=True)

    def import_csv(self, path, **options) -> bool:
        """Train on the data of a CSV file (options as ``read_csv``; inputs standardized unless
        ``standardize=False``); a bad file is refused with a message naming the line and
        column, and nothing changes."""
        options.setdefault("standardize", True)
        try:
            data = read_csv(path, **options)
        except ValueError as exc:
            self.w.show_error(f"Cannot import {Path(path).name}: {exc}")
            return False
        return self.use_data(data)

    def use_data(self, data, split_chosen: bool = False) -> bool:
        """Train on ``data`` (``split_chosen``: as the import dialog split it, see
        :meth:`SessionController.use_data`)."""
        self.w.view_state.interrupt()
        self.w.boundary.set_drawing(False)
        return self.w.controller.use_data(data, split_chosen)

    # ------------------------------------------------------------------ tracing
    def plane_clicked(self, x: float, y: float, _button=None, _modifiers=None) -> None:
        """A click on the output plot: trace the training point under it, or nothing."""
        w = self.w
        data = w.controller.session.data
        (x0, x1), _ = data.domain
        nearest = nearest_training_point(data, (x, y), CLICK_RADIUS * (x1 - x0))
        if nearest is None:
            w.view_state.trace(None)
            w.say("Tracing the whole batch.", 4000)
            return
        w.view_state.trace(nearest)
        point, label = data.points_train[nearest], data.y_train[nearest]
        w.say(f"Tracing training sample {nearest + 1} ({point[0]:.2f}, {point[1]:.2f}), "
              f"target {label:g}.")
