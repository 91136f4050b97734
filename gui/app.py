"""Command line and application start-up: ``python main.py`` / ``backprop-lab``.

``--screenshot out.png`` renders the window offscreen (after ``--epochs`` of training) and
exits, for docs and checks.
"""
from __future__ import annotations

import atexit
import gc
import os
import sys
from pathlib import Path


def parse_args(argv: list[str] | None = None):
    """The command line (see :mod:`.cli`)."""
    from .cli import parse
    return parse(argv)


def settings_store():
    """QSettings for window geometry and the last settings (None when disabled for tests)."""
    from PySide6.QtCore import QSettings

    where = os.environ.get("BACKPROP_LAB_SETTINGS")
    if where == "ephemeral":
        return None
    if where:
        return QSettings(where, QSettings.Format.IniFormat)
    return QSettings("BackpropLab", "Backprop Lab")


def quiet_offscreen_notices() -> None:
    """Drop the offscreen platform's notice that it cannot resize windows to their hints
    (said once per window, harmless for a screenshot); every other message still prints."""
    from PySide6.QtCore import qInstallMessageHandler

    def handler(_mode, _context, message: str) -> None:
        if "propagateSizeHints" not in message:
            print(message, file=sys.stderr)

    qInstallMessageHandler(handler)


def leave_objects_to_the_os() -> None:
    """At exit, freeze every object still alive (:func:`gc.freeze`): Python's shutdown would
    otherwise run its cyclic collector over all of them, the whole app's some 80,000, several
    times (0.3–0.4 s after the window is gone).  What must reach the disk is written before
    (:func:`destroy`); the process's memory goes back to the system as a whole."""
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.screenshot is not None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # One BLAS thread: tiny matrices gain nothing from more, and a second thread would
    # compete with the GUI for the CPU.  (NumPy is imported first so that its BLAS is loaded
    # when the limit is set.)
    import numpy  # noqa: F401
    from threadpoolctl import threadpool_limits
    threadpool_limits(1)

    from PySide6.QtWidgets import QApplication

    from .cli import config_from_args
    from .model.config import Config
    from .window import window_settings
    from .window.main_window import MainWindow, report_exception

    if args.screenshot is not None:
        quiet_offscreen_notices()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    # The training process ends with the window (were the window to crash instead, the
    # process sees its pipe close and ends too).
    from .session.remote_training import RemoteTraining
    app.aboutToQuit.connect(RemoteTraining.stop_shared)
    app.setApplicationName("Backprop Lab")
    app.setOrganizationName("BackpropLab")
    settings = None if args.screenshot is not None else settings_store()
    base = Config()
    if settings is not None and not args.fresh:
        base = window_settings.stored_config(settings) or base
    try:
        config = config_from_args(args, base)
    except ValueError:                  # stored settings that do not fit the options given
        config = config_from_args(args, Config())
    try:
        window = MainWindow(config, settings)
    except ValueError as exc:
        print(f"backprop-lab: {exc}", file=sys.stderr)
        return 2
    previous_hook = sys.excepthook
    sys.excepthook = lambda *exc: report_exception(window, *exc)
    try:
        return run(app, window, args, settings)
    finally:
        destroy(app, window, previous_hook)
        if settings is not None:
            settings.sync()
        leave_objects_to_the_os()


def run(app, window, args, settings) -> int:
    """Open what the command line asks for in ``window``, then show it (or write the
    screenshot); the exit code."""
    if args.session is not None and not window.files.open_path(args.session, ask=False):
        print(f"backprop-lab: {window.statusBar().currentMessage().lstrip('⚠ ')}",
              file=sys.stderr)
        return 2
    if args.lesson is not None and not window.lessons.open_spec(args.lesson):
        print(f"backprop-lab: {window.statusBar().currentMessage().lstrip('⚠ ')}",
              file=sys.stderr)
        return 2
    if args.screenshot is not None:
        window.lessons.finish_preparing()        # the picture shows the prepared lesson
    shares = window.controller.config          # --test-fraction, --validation-fraction, --data-seed
    csv_options = {"standardize": True, "missing": args.missing,
                   "test_fraction": shares.test_fraction,
                   "validation_fraction": shares.validation_fraction, "seed": shares.data_seed}
    if args.target is not None:
        csv_options["target"] = int(args.target) - 1 if args.target.isdigit() else args.target
    if args.ignore is not None:
        csv_options["ignore"] = [int(c) - 1 if c.strip().isdigit() else c.strip()
                                 for c in args.ignore.split(",") if c.strip()]
    if args.csv is not None and not window.data_editing.import_csv(args.csv, **csv_options):
        print(f"backprop-lab: {window.statusBar().currentMessage().lstrip('⚠ ')}",
              file=sys.stderr)
        return 2
    if args.theme:
        window.presentation.set_theme(args.theme)
    final_rate = window.controller.session.learning_rate
    for rate in args.pin:                      # numbers in range (checked by the parser)
        window.controller.apply(learning_rate=rate)
        window.controller.reset()
        window.controller.session.run(args.epochs or 100)
        window.pins.pin_run()
    if args.pin:
        window.controller.apply(learning_rate=final_rate)
        window.controller.reset()
    if args.epochs:
        window.controller.session.run(args.epochs)
    for _ in range(args.phases):
        window.step_phase()
    if args.screenshot is not None:
        return screenshot(app, window, args.screenshot, args.size, args.presentation)
    if args.size != (1600, 1000) or settings is None:
        window.resize(*args.size)
    window.show()
    if args.presentation:
        window.presentation.set_presenting(True)
    starting_fresh = (args.lesson is None and not args.config_changes
                      and args.session is None and args.csv is None)
    if settings is not None:
        window.files.offer_autosave()
    if starting_fresh and window.lessons.wants_start_screen() and window.files.path is None:
        window.lessons.show_start_screen()
    return app.exec()


def destroy(app, window, previous_hook) -> None:
    """Delete the window's C++ objects now, while Python is whole.

    Left to interpreter shutdown, Qt tears the plots' scenes down after Python has begun
    freeing their wrappers, and a pyqtgraph item's Python override called from that teardown
    crashes the process (seen as a segmentation fault on exit in about one run in eight).
    """
    from PySide6.QtCore import QEvent

    sys.excepthook = previous_hook              # the window that reported errors is going
    window.renderer.timer.stop()
    window.hide()
    window.deleteLater()
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    app.processEvents()


#: QImage.save's quality for PNG, 80: zlib's compression level 1 instead of its default 6,
#: half the time (0.05 s at 1600×1000) for a file 5 % larger.
PNG_QUALITY = 80


def screenshot(app, window, path: Path, size: tuple[int, int], presentation: bool) -> int:
    window.resize(*size)
    window.show()
    if presentation:
        # Full screen offscreen would take the virtual screen's size; keep the asked size.
        window.presentation.set_presenting(True)
        window.showNormal()
        window.resize(*size)
    for _ in range(3):
        app.processEvents()
    window.render_now()
    window.access.status_line.refresh()          # it follows training on a 250 ms timer
    app.processEvents()
    image = window.grab()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(path), None, PNG_QUALITY):
        print(f"backprop-lab: could not write {path}", file=sys.stderr)
        return 1
    print(f"wrote {path} ({image.width()}x{image.height()})")
    window.close()
    return 0
