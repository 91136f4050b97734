"""Command line and application start-up: ``python main.py`` / ``backprop-lab``.

``--screenshot out.png`` renders the window offscreen (after ``--epochs`` of training) and
exits, for docs and checks.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    from backprop_lab.engine import datasets
    from backprop_lab.engine.nn.optimizers import OPTIMIZERS
    from backprop_lab.engine.nn.activations import HIDDEN_ACTIVATIONS

    parser = argparse.ArgumentParser(
        prog="backprop-lab",
        description="Backprop Lab: watch a neural network train, one weight and one gradient "
                    "at a time.")
    parser.add_argument("session", nargs="?", type=Path,
                        help="a saved session (.bplab) to open")
    parser.add_argument("--dataset", choices=datasets.NAMES, help="dataset to start with")
    parser.add_argument("--csv", type=Path, metavar="FILE",
                        help="train on the data of this CSV file (the last column is the target; "
                             "inputs are standardized)")
    parser.add_argument("--pin", action="append", default=[], metavar="RATE",
                        help="with --epochs: train once per learning rate RATE and pin each "
                             "run before the final one (repeatable; for screenshots)")
    parser.add_argument("--layers", help="hidden layer sizes, e.g. 8,8 (0 or '' for none)")
    parser.add_argument("--activation", choices=HIDDEN_ACTIVATIONS,
                        help="activation of every hidden layer")
    parser.add_argument("--optimizer", choices=tuple(OPTIMIZERS))
    parser.add_argument("--learning-rate", type=float)
    parser.add_argument("--seed", type=int, help="seed of the initial weights")
    parser.add_argument("--epochs", type=int, default=0,
                        help="train this many epochs before showing the window")
    parser.add_argument("--lesson", metavar="LESSON",
                        help="open a lesson: its number (e.g. 5), the name of a shipped lesson "
                             "file, or the path of a lesson file")
    parser.add_argument("--presentation", action="store_true",
                        help="start in presentation mode (full screen, large type)")
    parser.add_argument("--theme", choices=("light", "dark", "projector"))
    parser.add_argument("--phases", type=int, default=0,
                        help="then step this many phases of the next training step")
    parser.add_argument("--screenshot", type=Path,
                        help="render the window offscreen to this PNG and exit")
    parser.add_argument("--size", default="1600x1000", help="window size WIDTHxHEIGHT")
    parser.add_argument("--fresh", action="store_true",
                        help="ignore the settings saved by the last launch")
    args = parser.parse_args(argv)
    try:
        w, h = (int(v) for v in args.size.lower().split("x"))
        if not (200 <= w <= 10000 and 200 <= h <= 10000):
            raise ValueError
        args.size = (w, h)
    except ValueError:
        parser.error(f"--size must look like 1600x1000 (200 to 10000 pixels), not {args.size!r}")
    if args.epochs < 0:
        parser.error("--epochs must be ≥ 0")
    if args.phases < 0:
        parser.error("--phases must be ≥ 0")
    if args.learning_rate is not None and not args.learning_rate > 0:
        parser.error("--learning-rate must be a positive number")
    if args.layers is not None:
        try:
            text = args.layers.strip()
            args.layers = [] if text in ("", "0", "none") else [int(v) for v in text.split(",")]
            if any(not 1 <= u <= 16 for u in args.layers) or len(args.layers) > 8:
                raise ValueError
        except ValueError:
            parser.error("--layers takes up to 8 comma-separated unit counts from 1 to 16, "
                         f"e.g. 8,8 (not {args.layers!r})")
    return args


def config_from_args(args, base):
    """The stored (or default) config with the command line's choices on top."""
    from backprop_lab.engine.data.datasets import GENERATORS

    changes = {}
    if args.dataset:
        g = GENERATORS[args.dataset]
        changes.update(dataset=args.dataset, n_samples=g.n_samples, noise=g.noise,
                       test_fraction=g.test_fraction, n_classes=g.classes[0])
    if args.layers is not None:
        act = args.activation or (base.activations[0] if base.activations else "tanh")
        changes.update(hidden=args.layers, activations=[act] * len(args.layers))
    elif args.activation:
        changes.update(activations=[args.activation] * len(base.hidden))
    for name in ("optimizer", "learning_rate", "seed"):
        if getattr(args, name) is not None:
            changes[name] = getattr(args, name)
    return type(base)(**{**base.__dict__, **changes}).normalized()


def settings_store():
    """QSettings for window geometry and the last settings (None when disabled for tests)."""
    from PySide6.QtCore import QSettings

    where = os.environ.get("BACKPROP_LAB_SETTINGS")
    if where == "ephemeral":
        return None
    if where:
        return QSettings(where, QSettings.Format.IniFormat)
    return QSettings("BackpropLab", "Backprop Lab")


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

    from .model.config import Config
    from .window import window_settings
    from .window.main_window import MainWindow, report_exception

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Backprop Lab")
    app.setOrganizationName("BackpropLab")
    settings = None if args.screenshot is not None else settings_store()
    base = Config()
    if settings is not None and not args.fresh:
        base = window_settings.stored_config(settings) or base
    config = config_from_args(args, base)
    try:
        window = MainWindow(config, settings)
    except ValueError as exc:
        print(f"backprop-lab: {exc}", file=sys.stderr)
        return 2
    sys.excepthook = lambda *exc: report_exception(window, *exc)
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
    if args.csv is not None and not window.data_editing.import_csv(args.csv, standardize=True):
        print(f"backprop-lab: {window.statusBar().currentMessage().lstrip('⚠ ')}",
              file=sys.stderr)
        return 2
    if args.theme:
        window.presentation.set_theme(args.theme)
    final_rate = window.controller.session.learning_rate
    for rate in args.pin:
        try:
            rate = float(rate)
        except ValueError:
            rate = float("nan")
        if not 1e-8 <= rate <= 100:
            print("backprop-lab: --pin needs a learning rate from 1e-8 to 100", file=sys.stderr)
            return 2
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
    starting_fresh = (args.lesson is None and args.dataset is None and args.layers is None
                      and args.session is None and args.csv is None)
    if settings is not None:
        window.files.offer_autosave()
    if starting_fresh and window.lessons.wants_start_screen() and window.files.path is None:
        window.lessons.show_start_screen()
    return app.exec()


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
    app.processEvents()
    image = window.grab()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(path)):
        print(f"backprop-lab: could not write {path}", file=sys.stderr)
        return 1
    print(f"wrote {path} ({image.width()}x{image.height()})")
    window.close()
    return 0
