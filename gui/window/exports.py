"""File ▸ Export: views as PNG/SVG, the run as an animated GIF, the data as CSV, the network as
a NumPy or PyTorch script."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QFont, QPainter
from PySide6.QtWidgets import QFileDialog, QInputDialog

from backprop_lab.engine.export import write_script
from backprop_lab.engine.io.csv_write import write_csv

from ..dialogs.export_code_dialog import FRAMEWORK_TITLES, STYLE_TITLES, ExportCodeDialog
from .picture_export import GIF_FILTER, IMAGE_FILTER, export_widget, write_gif

CSV_FILTER = "CSV files (*.csv *.txt *.tsv);;All files (*)"
EXPORT_VIEWS = {"window": "Whole window", "network": "Network graph", "boundary": "Output plot",
                "loss": "Loss plot"}
GIF_FRAMES = 40               # default frames of an animated GIF (10 to 200)


def frame_epochs(kept: np.ndarray, frames: int) -> np.ndarray:
    """Epochs for ``frames`` GIF frames evenly spaced over the run: for each of ``frames``
    evenly spaced epochs from the first to the last kept one, the nearest kept epoch (the
    timeline keeps recent epochs densely and older ones sparsely); repeats dropped, the
    first and last epochs always in."""
    kept = np.asarray(kept, dtype=np.int64)
    if kept.size <= 2 or frames >= kept.size and kept[-1] - kept[0] < frames:
        return kept
    wanted = np.linspace(kept[0], kept[-1], max(frames, 2))
    index = np.clip(np.searchsorted(kept, wanted), 1, kept.size - 1)
    left, right = kept[index - 1], kept[index]
    nearest = np.where(wanted - left <= right - wanted, left, right)
    return np.unique(nearest)


class Exports(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.w = window

    def _ask_path(self, title: str, name: str, filters: str) -> str:
        start = self.w.files.folder() / name
        path, _ = QFileDialog.getSaveFileName(self.w, title, str(start), filters)
        return path

    # ------------------------------------------------------------------ pictures
    def view(self, key: str):
        """The widget File ▸ Export pictures for ``key`` (see EXPORT_VIEWS)."""
        w = self.w
        output = (w.boundary.plots_box if w.output_stack.currentWidget() is w.boundary
                  else w.predictions)
        return {"window": w, "network": w.network_view, "boundary": output,
                "loss": w.loss_plot}[key]

    def export_view_dialog(self, key: str) -> None:
        path = self._ask_path(f"Export {EXPORT_VIEWS[key].lower()}", f"{key}.png", IMAGE_FILTER)
        if path:
            self.export_picture(key, path)

    def export_picture(self, key: str, path) -> bool:
        """Save a view (or the window) as PNG or SVG; False (and a message) if it failed."""
        self.w.renderer.render()
        try:
            written = export_widget(self.view(key), path)
        except (OSError, ValueError) as exc:
            self.w.show_error(f"Could not export: {exc}")
            return False
        self.w.say(f"Exported {EXPORT_VIEWS[key].lower()} to {written}")
        return True

    # ------------------------------------------------------------------ GIF
    def export_gif_dialog(self, key: str) -> None:
        kept = len(self.w.controller.session.timeline)
        frames, ok = QInputDialog.getInt(
            self.w, "Export training as GIF", f"Frames, evenly spaced over the run "
            f"({kept} epochs are kept):", min(GIF_FRAMES, max(kept, 2)), 2, 200)
        if not ok:
            return
        path = self._ask_path("Export training as GIF", "training.gif", GIF_FILTER)
        if path:
            self.export_gif(key, path, frames)

    def export_gif(self, key: str, path, frames: int = GIF_FRAMES) -> bool:
        """An animated GIF of the run so far: ``frames`` frames evenly spaced in epochs (see
        :func:`frame_epochs`), each stamped with its epoch.  The live state comes back after."""
        w = self.w
        w.controller.settle()
        session = w.controller.session
        epochs = frame_epochs(session.timeline.epochs(), frames)
        if len(epochs) < 2:
            w.show_error("Train a few epochs first: a GIF needs at least two epochs.")
            return False
        w.view_state.interrupt()
        view = self.view(key)
        images = []
        try:
            for epoch in epochs:
                w.view_state.show_epoch(int(epoch))
                w.renderer.render()
                images.append(self._stamped(view.grab().toImage(), int(epoch)))
        finally:
            w.view_state.go_live()
        try:
            written = write_gif(images, path)
        except (OSError, ValueError) as exc:
            w.show_error(f"Could not export the GIF: {exc}")
            return False
        w.say(f"Exported a {len(images)}-frame GIF to {written}")
        return True

    def _stamped(self, image, epoch: int):
        painter = QPainter(image)
        try:
            font = QFont(self.w.font())
            font.setPointSizeF(font.pointSizeF() * 1.4 * self.w.presentation.scale)
            font.setBold(True)
            painter.setFont(font)
            painter.setPen(self.w.presentation.theme.qcolor("text"))
            painter.drawText(image.rect().adjusted(12, 8, -12, -8),
                             int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop),
                             f"epoch {epoch}")
        finally:
            painter.end()
        return image

    # ------------------------------------------------------------------ data and code
    def export_csv_dialog(self) -> None:
        path = self._ask_path("Export data as CSV", f"{self.w.controller.session.data.name}.csv",
                              CSV_FILTER)
        if path:
            self.export_csv(path)

    def export_csv(self, path) -> bool:
        path = Path(path)
        if not path.suffix:
            path = path.with_suffix(".csv")
        try:
            write_csv(self.w.controller.session.data, path)
        except (OSError, ValueError) as exc:
            self.w.show_error(f"Could not export the data: {exc}")
            return False
        self.w.say(f"Exported the data to {path}")
        return True

    def export_code_dialog(self) -> None:
        dialog = ExportCodeDialog(self.w)
        if not dialog.exec():
            return
        kind, style = dialog.framework, dialog.style
        path = self._ask_path(f"Export a {FRAMEWORK_TITLES[kind]} script",
                              f"{self.w.controller.session.data.name}_{kind}.py",
                              "Python scripts (*.py)")
        if path:
            self.export_code(kind, path, style)

    def export_code(self, kind: str, path, style: str = "readable") -> bool:
        """Write a standalone script (``kind`` "numpy" or "pytorch", ``style`` "readable" or
        "exact") that rebuilds the current network from its weights and data and trains it;
        its data or weights go in a file beside it when they are large."""
        self.w.stepper.cancel()
        self.w.controller.settle()
        try:
            written = write_script(self.w.controller.session, path, kind, style)
        except (OSError, ValueError) as exc:
            self.w.show_error(f"Could not export the script: {exc}")
            return False
        script = written[0]
        beside = f" (with {', '.join(p.name for p in written[1:])} beside it)" if written[1:] else ""
        self.w.say(f"Exported a {STYLE_TITLES[style][0].lower()} {FRAMEWORK_TITLES[kind]} script "
                   f"to {script}{beside}; run it with: python {script.name}", 10000)
        return True
