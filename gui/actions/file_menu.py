"""File: sessions, your own data, and everything that can be exported."""
from __future__ import annotations

from PySide6.QtGui import QKeySequence

from . import Action, Menu


def menu(w) -> Menu:
    files, data, exports = w.files, w.data_editing, w.exports
    views = [("window", "Whole window"), ("network", "Network graph"),
             ("boundary", "Output plot"), ("loss", "Loss plot")]
    return Menu("&File", [
        Action("open", "&Open session…", files.open_dialog, ("Ctrl+O",)),
        Menu("Open &recent", key="recent"),
        Action("save", "&Save session", files.save, ("Ctrl+S",)),
        Action("save_as", "Save session &as…", files.save_as, ("Ctrl+Shift+S",)),
        None,
        Action("import_csv", "&Import data from CSV…", data.import_csv_dialog, ("Ctrl+I",),
               "Train on your own data: a CSV file with inputs and a target column"),
        Action("export_csv", "Export data as &CSV…", exports.export_csv_dialog),
        Action("draw", "&Draw your own data", data.new_drawing),
        None,
        Menu("&Export", [
            *[Action(f"export_{key}", f"{title} as PNG or SVG…",
                     lambda k=key: exports.export_view_dialog(k),
                     ("Ctrl+E",) if key == "window" else ())
              for key, title in views],
            Menu("Training as animated &GIF", [
                Action(f"gif_{key}", f"{title}…", lambda k=key: exports.export_gif_dialog(k))
                for key, title in views if key != "loss"]),
            None,
            Action("export_code", "&Code: a NumPy or PyTorch script…", exports.export_code_dialog,
                   tip="A standalone Python script that rebuilds and trains this network"),
        ]),
        None,
        Action("quit", "&Quit", w.close, (QKeySequence(QKeySequence.StandardKey.Quit).toString(),)),
    ])
