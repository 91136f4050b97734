"""Pinned runs: loss curves kept as ghost traces to compare settings on one plot.

A :class:`PinnedRun` keeps the settings it was trained with (a :class:`~gui.config.Config`
dict) and its train-loss curve.  Its label names only the settings that differ from the
current run's, e.g. "lr 0.01" or "adam, layers 4-2", so three pinned learning rates read as
"lr 0.01", "lr 0.1" and "lr 1" beside the live curve.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .config import OPTIMIZER_FIELDS

#: Ghost-trace colors: colorblind-safe, apart from the train (blue) and test (orange) curves.
PIN_COLORS = [(0, 158, 115), (204, 121, 167), (86, 180, 233), (213, 94, 0), (90, 90, 90),
              (240, 228, 66), (0, 114, 178), (230, 159, 0)]
MAX_PINS = len(PIN_COLORS)
MAX_LABEL = 48

#: Config fields in the order a label lists them, with short names and formatters.
_FIELDS = [
    ("learning_rate", "lr", lambda v: f"{v:g}"),
    ("optimizer", "", str),
    ("batch_size", "batch", lambda v: "full" if v is None else str(v)),
    ("hidden", "layers", lambda v: "-".join(map(str, v)) if v else "none"),
    ("activations", "", lambda v: "/".join(dict.fromkeys(v)) or "—"),
    ("loss", "loss", lambda v: str(v).replace("_", "-")),
    ("init", "init", str),
    ("l2", "L2", lambda v: f"{v:g}"),
    ("l1", "L1", lambda v: f"{v:g}"),
    ("seed", "seed", str),
    ("data", "", str),
    ("features", "inputs", lambda v: ",".join(v)),
    ("noise", "noise", lambda v: f"{v:g}"),
    ("n_samples", "n", str),
    ("n_classes", "classes", str),
    ("test_fraction", "test", lambda v: f"{v:.0%}"),
    ("validation_fraction", "val", lambda v: f"{v:.0%}"),
    ("data_seed", "data seed", str),
    ("dropout", "dropout", lambda v: f"{v:g}"),
    ("clip_norm", "clip", lambda v: f"{v:g}" if v else "off"),
    ("schedule", "schedule", str),
    ("early_stopping", "", lambda v: "early stopping" if v else "no early stopping"),
    ("stop_epoch", "stop at epoch", lambda v: str(v) if v else "off"),
    ("beta", "β", lambda v: f"{v:g}"),
    ("nesterov", "", lambda v: "Nesterov" if v else "no Nesterov"),
    ("beta1", "β₁", lambda v: f"{v:g}"),
    ("beta2", "β₂", lambda v: f"{v:g}"),
    ("rho", "ρ", lambda v: f"{v:g}"),
    ("eps", "ε", lambda v: f"{v:g}"),
]
#: Settings a label never names: the format's version, and the data's name ("data" above).
_UNLABELLED = {"version", "dataset"}
#: Settings that matter to a curve only in some runs (named only when they do, in the pinned
#: run or the live one): an optimizer's own constants, a schedule's, early stopping's.
_MATTERS_WHEN = {
    **{name: (lambda s, n=name: n in OPTIMIZER_FIELDS.get(s.get("optimizer"), ()))
       for fields in OPTIMIZER_FIELDS.values() for name in fields},
    "schedule_step": lambda s: s.get("schedule") == "step",
    "schedule_gamma": lambda s: s.get("schedule") in ("step", "exponential"),
    "schedule_epochs": lambda s: s.get("schedule") == "cosine",
    "patience": lambda s: bool(s.get("early_stopping")),
    "restore_best": lambda s: bool(s.get("early_stopping")),
}


def _differs(name: str, mine, now, pinned: dict, current: dict) -> bool:
    """True when setting ``name`` is ``mine`` in the pinned run, ``now`` in the live one,
    and the difference matters to either curve."""
    if mine is None or _normal(mine) == _normal(now):
        return False
    when = _MATTERS_WHEN.get(name)
    return when is None or when(pinned) or when(current)


@dataclass
class PinnedRun:
    settings: dict            # Config.to_dict() at the time of pinning
    epochs: np.ndarray        # (n,)
    train_loss: np.ndarray    # (n,)
    color: tuple[int, int, int]
    number: int               # 1, 2, … in pinning order

    def label(self, current: dict) -> str:
        """The settings where this run differs from ``current`` (a Config dict)."""
        parts = []
        for name, short, fmt in _FIELDS:
            mine, now = self.settings.get(name), current.get(name)
            if _differs(name, mine, now, self.settings, current):
                text = fmt(tuple(mine) if isinstance(mine, list) else mine)
                parts.append(f"{short} {text}".strip())
        # Any other setting that differs (a schedule's step, the patience…) by its name:
        # "same settings" only when they are.
        named = {name for name, _, _ in _FIELDS} | _UNLABELLED
        for name in sorted(set(self.settings) - named):
            mine = self.settings[name]
            if _differs(name, mine, current.get(name), self.settings, current):
                words = name.replace("_", " ")
                parts.append(words if mine is True else f"no {words}" if mine is False
                             else f"{words} {mine:g}" if isinstance(mine, float)
                             else f"{words} {mine}")
        text = ", ".join(parts) if parts else "same settings"
        if len(text) > MAX_LABEL:
            text = text[: MAX_LABEL - 1] + "…"
        return f"#{self.number} {text}"

    def fits(self, current: dict) -> bool:
        """True when this run's curve can share a plot with the current run's: the same data
        (by name) and the same loss — a cross-entropy curve over a squared error, or a curve
        of other data, would compare nothing."""
        return (self.settings.get("data") == current.get("data")
                and self.settings.get("loss") == current.get("loss"))

    def where(self) -> str:
        """What the run was trained on, for the list of hidden pins: "moons, bce"."""
        return f"{self.settings.get('data', '?')}, {self.settings.get('loss', '?')}"

    def to_dict(self) -> dict:
        return {"settings": self.settings, "epochs": self.epochs.tolist(),
                "train_loss": [float(v) if np.isfinite(v) else None for v in self.train_loss],
                "number": self.number}

    @classmethod
    def from_dict(cls, d: dict, color) -> "PinnedRun":
        """Rebuild from ``to_dict`` (ValueError/TypeError/KeyError for a damaged entry)."""
        epochs = np.asarray(d["epochs"], dtype=float)
        loss = np.asarray([np.nan if v is None else v for v in d["train_loss"]], dtype=float)
        if epochs.ndim != 1 or epochs.shape != loss.shape or not isinstance(d["settings"], dict):
            raise ValueError("a pinned run's curve is damaged")
        return cls(dict(d["settings"]), epochs, loss, tuple(color), int(d["number"]))


def _normal(value):
    if isinstance(value, (list, tuple)):
        return tuple(value)
    if isinstance(value, float) and value.is_integer():
        return value
    return value


class PinBoard:
    """The pinned runs of a window, in pinning order (at most :data:`MAX_PINS`)."""

    def __init__(self):
        self.runs: list[PinnedRun] = []
        self._count = 0

    def pin(self, settings: dict, history) -> PinnedRun:
        """Keep ``history``'s train-loss curve; the oldest pin goes when the board is full."""
        if len(self.runs) >= MAX_PINS:
            self.runs.pop(0)
        used = {run.color for run in self.runs}
        color = next(c for c in PIN_COLORS if c not in used)
        self._count += 1
        run = PinnedRun(dict(settings), history["epoch"], history["train_loss"], color,
                        self._count)
        self.runs.append(run)
        return run

    def split(self, current: dict) -> tuple[list[PinnedRun], list[PinnedRun]]:
        """(runs that fit the current run and are drawn, runs kept but hidden)."""
        shown = [run for run in self.runs if run.fits(current)]
        return shown, [run for run in self.runs if not run.fits(current)]

    def unpin(self, number: int) -> None:
        self.runs = [run for run in self.runs if run.number != number]

    def clear(self) -> None:
        self.runs = []

    def to_list(self) -> list[dict]:
        return [run.to_dict() for run in self.runs]

    def load(self, entries) -> None:
        """Replace the pins with saved ones, skipping damaged entries."""
        self.runs = []
        for entry in entries if isinstance(entries, list) else []:
            try:
                run = PinnedRun.from_dict(entry, PIN_COLORS[len(self.runs) % MAX_PINS])
            except (KeyError, TypeError, ValueError):
                continue
            self.runs.append(run)
            if len(self.runs) == MAX_PINS:
                break
        self._count = max((run.number for run in self.runs), default=0)
