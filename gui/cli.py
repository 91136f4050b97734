"""The command line (Qt-free): every setting of the panels is an option, declared from the
same :data:`~backprop_lab.gui.model.settings.SETTINGS` and checked by the same validator;
then the app's own options (files, lessons, screenshots).

``parse(argv)`` returns the parsed options with ``config_changes``: the settings given, by
name, already checked.  A bad option exits with status 2 and one line on stderr.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from .model.settings import SETTINGS

#: Options whose name is not the setting's (the panels' words are shorter).
OPTION_NAMES = {"n_samples": "samples", "n_classes": "classes", "hidden": "layers",
                "activations": "activation"}
MISSING_POLICIES = ("refuse", "drop", "fill")


def option(setting_name: str) -> str:
    return "--" + OPTION_NAMES.get(setting_name, setting_name).replace("_", "-")


def _convert(name: str, text: str):
    """Text from the command line → the value the setting checks."""
    kind = SETTINGS[name].kind
    if kind == "units":
        text = text.strip()
        return [] if text in ("", "0", "none") else [part.strip() for part in text.split(",")]
    if kind == "features":
        return tuple(part.strip() for part in text.split(",") if part.strip())
    if kind == "choices":
        return [text]                                 # one activation for every hidden layer
    if kind == "batch":
        return None if text.strip().lower() in ("full", "none", "0") else text
    return text


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="backprop-lab",
        description="Backprop Lab: watch a neural network train, one weight and one gradient "
                    "at a time.")
    parser.add_argument("session", nargs="?", type=Path, help="a saved session (.bplab) to open")
    settings = parser.add_argument_group("settings (as in the panels)")
    for name, setting in SETTINGS.items():
        if name == "dataset":
            choices = [c for c in setting.choices() if c != "custom"]
            settings.add_argument("--dataset", dest="setting_dataset", choices=choices,
                                  help="dataset to start with")
            continue
        limits = (f" ({setting.limits_text()})" if setting.kind in ("int", "float", "batch")
                  else "")
        helps = {"hidden": "hidden layer sizes, e.g. 8,8 (0 for none)",
                 "activations": "activation of every hidden layer",
                 "features": "input features, e.g. x1,x2,x1*x2",
                 "batch_size": "samples per step, or 'full'"}
        if setting.kind == "bool":
            limits = " (on or off)"
        choices = setting.choices() if setting.kind in ("choice", "choices") else None
        settings.add_argument(option(name), dest=f"setting_{name}",
                              metavar="ON|OFF" if setting.kind == "bool"
                              else OPTION_NAMES.get(name, name).upper(),
                              choices=choices,
                              help=(helps.get(name) or setting.tip or setting.label) + limits
                              + (f"; one of {', '.join(choices)}" if choices else ""))
    data = parser.add_argument_group("your own data")
    data.add_argument("--csv", type=Path, metavar="FILE",
                      help="train on the data of this CSV file (inputs are standardized)")
    data.add_argument("--target", metavar="COLUMN",
                      help="the target column of the CSV file: its name or number (default: "
                           "the last)")
    data.add_argument("--ignore", metavar="COLUMNS",
                      help="CSV columns to leave out, by name or number, comma-separated "
                           "(default: identifier, date and text columns)")
    data.add_argument("--missing", choices=MISSING_POLICIES, default="refuse",
                      help="rows with a missing value: refuse the file, drop the rows, or "
                           "fill with the column's mean (default: refuse)")
    app = parser.add_argument_group("the app")
    app.add_argument("--lesson", metavar="LESSON",
                     help="open a lesson: its number (e.g. 5), the name of a shipped lesson "
                          "file, or the path of a lesson file")
    app.add_argument("--epochs", type=int, default=0,
                     help="train this many epochs before showing the window")
    app.add_argument("--phases", type=int, default=0,
                     help="then step this many phases of the next training step")
    app.add_argument("--pin", action="append", default=[], metavar="RATE",
                     help="with --epochs: train once per learning rate RATE and pin each run "
                          "before the final one (repeatable; for screenshots)")
    app.add_argument("--presentation", action="store_true",
                     help="start in presentation mode (full screen, large type)")
    app.add_argument("--theme", choices=("light", "dark", "projector"))
    app.add_argument("--screenshot", type=Path, help="render the window offscreen to this PNG "
                                                     "and exit")
    app.add_argument("--size", default="1600x1000", help="window size WIDTHxHEIGHT")
    app.add_argument("--fresh", action="store_true",
                     help="ignore the settings saved by the last launch")
    return parser


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    """The options, with ``config_changes`` checked against the settings' declarations."""
    from .model.config import Config

    parser = build_parser()
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
    changes = {}
    for name in SETTINGS:
        text = getattr(args, f"setting_{name}", None)
        if text is None:
            continue
        try:
            value = SETTINGS[name].check(_convert(name, text))
        except ValueError as exc:
            parser.error(f"{option(name)}: {exc}")
        changes[name] = value
    args.config_changes = changes
    try:
        config_from_args(args, Config())
    except ValueError as exc:
        parser.error(str(exc))
    return args


def config_from_args(args, base):
    """``base`` (the stored or default config) with the command line's settings on top; a new
    dataset brings its own defaults for the data settings not given.  ValueError when the
    settings do not fit together (e.g. --classes 5 for a two-class dataset)."""
    from backprop_lab.engine.data.datasets import GENERATORS

    changes = dict(args.config_changes)
    dataset = changes.get("dataset")
    if dataset is not None:
        g = GENERATORS[dataset]
        defaults = {"n_samples": g.n_samples, "noise": g.noise, "test_fraction": g.test_fraction,
                    "n_classes": g.classes[0]}
        changes = {**defaults, **changes}
    activation = changes.pop("activations", None)
    if activation is not None or "hidden" in changes:
        one = (activation or base.activations[:1] or ["tanh"])[0]
        changes["activations"] = [one] * len(changes.get("hidden", base.hidden))
    return base.changed(**changes)
