"""Stopping training on purpose: early stopping and stop rules, judged after every epoch.

**Early stopping** (``early_stopping={"patience": 20, "min_delta": 0.0, "restore_best":
True}``; None: off) watches a loss: the validation loss, or the test loss when there is no
validation set, or the training loss when there is neither.  When it has not fallen more than
``min_delta`` below its best for ``patience`` epochs in a row, training stops; with
``restore_best`` the epoch with the lowest watched loss comes back as
:meth:`~.branching.Branching.resume_from` brings an epoch back (weights, optimizer state,
shuffler; the history after it is forgotten), so training on from there repeats the run.

**Stop rules** (``stop_at={"epoch": 500, "loss": 0.01, "metric": 0.95}``, each optional;
None: none) stop training when the epoch count reaches ``epoch``, the training loss falls to
``loss`` or below, or the training accuracy (R² for a regression) rises to ``metric`` or
above.  A target stops training when it is reached, not again while it stays reached, so
training can go on past it.

Either way ``session.run`` returns, ``session.stopped`` says why in a sentence and
``session.stop_report`` holds a :class:`Stop`.  The next step clears both.  Each *stretch* of
training (see :mod:`.divergence`: a reset, a resumed epoch, loaded or edited weights) starts
the watch again from the epoch training goes on from.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .timeline import Snapshot

EARLY_STOPPING_DEFAULTS = {"patience": 10, "min_delta": 0.0, "restore_best": True}
STOP_AT_KEYS = ("epoch", "loss", "metric")
MAX_PATIENCE = 1_000_000


def early_stopping_spec(value) -> dict | None:
    """The early-stopping setting, checked and completed with the defaults
    (:data:`EARLY_STOPPING_DEFAULTS`); None stays None (off).  ValueError otherwise."""
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) - set(EARLY_STOPPING_DEFAULTS):
        raise ValueError('early stopping must be None (off) or a dict of "patience" (epochs), '
                         '"min_delta" and "restore_best"')
    spec = {**EARLY_STOPPING_DEFAULTS, **value}
    patience = spec["patience"]
    if isinstance(patience, bool) or not isinstance(patience, (int, np.integer)) \
            or not 1 <= patience <= MAX_PATIENCE:
        raise ValueError(f"the patience of early stopping must be a whole number of epochs "
                         f"from 1 to {MAX_PATIENCE:,}, not {patience!r}")
    delta = spec["min_delta"]
    if isinstance(delta, bool) or not isinstance(delta, (int, float, np.integer, np.floating)) \
            or not math.isfinite(delta) or delta < 0:
        raise ValueError(f"the min_delta of early stopping must be a number ≥ 0, not {delta!r}")
    if not isinstance(spec["restore_best"], (bool, np.bool_)):
        raise ValueError(f"restore_best must be True or False, not {spec['restore_best']!r}")
    return {"patience": int(patience), "min_delta": float(delta),
            "restore_best": bool(spec["restore_best"])}


def stop_at_spec(value) -> dict | None:
    """The stop rules, checked: ``{"epoch": int ≥ 1 | None, "loss": number ≥ 0 | None,
    "metric": number | None}`` (missing keys are None); None when there are none."""
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) - set(STOP_AT_KEYS):
        raise ValueError('the stop rules must be None or a dict of "epoch", "loss" and '
                         '"metric" (each None or a target)')
    spec = {key: value.get(key) for key in STOP_AT_KEYS}
    epoch = spec["epoch"]
    if epoch is not None and (isinstance(epoch, bool) or not isinstance(epoch, (int, np.integer))
                              or not 1 <= epoch <= 2**53):
        raise ValueError(f"the epoch to stop at must be a whole number ≥ 1, not {epoch!r}")
    for key, low in (("loss", 0.0), ("metric", -math.inf)):
        target = spec[key]
        if target is None:
            continue
        if isinstance(target, bool) or not isinstance(target, (int, float, np.integer,
                                                               np.floating)) \
                or not math.isfinite(target) or target < low:
            need = "a number ≥ 0" if key == "loss" else "a finite number"
            raise ValueError(f"the target {key} to stop at must be {need}, not {target!r}")
        spec[key] = float(target)
    if epoch is not None:
        spec["epoch"] = int(epoch)
    return None if all(v is None for v in spec.values()) else spec


@dataclass(frozen=True)
class Stop:
    """Why training stopped on purpose at ``epoch``."""

    reason: str                       # "early_stopping", "epoch", "loss" or "metric"
    epoch: int                        # the epoch at which the rule fired
    message: str                      # one sentence for the window
    watched: str | None = None        # early stopping: "validation", "test" or "train" loss
    best_epoch: int | None = None     # early stopping: the epoch of the lowest watched loss
    best_loss: float | None = None
    restored: bool = False            # True when the best epoch's state came back


def capture(session) -> Snapshot:
    """The session's training state now, as a timeline snapshot holds it (copies)."""
    opt = session.optimizer
    state = {name: getattr(opt, name).copy() for name in opt.state_names
             if getattr(opt, name) is not None}
    state["t"] = np.array(opt.t)
    return Snapshot(session.epoch, session.steps, session.network.theta.copy(), opt.name, state,
                    dict(session.batches.rng.bit_generator.state))


class StopWatch:
    """The running part of early stopping and the stop rules for one session."""

    def __init__(self):
        self.best: Snapshot | None = None
        self.best_loss = math.inf
        self.reference = math.inf        # the last loss that beat the best by min_delta
        self.waited = 0
        self.met = {"loss": False, "metric": False}

    @staticmethod
    def watched(session) -> str:
        """The split early stopping watches: "validation", else "test", else "train"."""
        data = session.data
        return "validation" if data.has_validation else "test" if len(data.y_test) else "train"

    def start(self, session) -> None:
        """A new stretch begins at the session's current epoch (its history row measured)."""
        latest = session.history.latest
        self.waited = 0
        self.best = None
        self.best_loss = self.reference = math.inf
        if session.early_stopping is not None and latest:
            self.best_loss = self.reference = _loss(latest, self.watched(session))
            self.best = capture(session)
        self.met = self._met(session, latest)

    def _met(self, session, latest: dict) -> dict[str, bool]:
        rules = session.stop_at or {}
        loss, score = latest.get("train_loss", math.nan), latest.get(f"train_{session.metric}",
                                                                      math.nan)
        return {"loss": rules.get("loss") is not None and loss <= rules["loss"],
                "metric": rules.get("metric") is not None and score >= rules["metric"]}

    def after_epoch(self, session) -> tuple[Stop | None, Snapshot | None]:
        """Judge the epoch just ended: (the stop, the snapshot to restore or None), or
        (None, None) to train on."""
        latest, epoch = session.history.latest, session.epoch
        stop = self._early(session, latest, epoch)
        if stop is not None:
            return stop, self.best if stop.restored else None
        met, self.met = self.met, self._met(session, latest)
        rules = session.stop_at or {}
        if rules.get("epoch") == epoch:
            return Stop("epoch", epoch, f"Stopped at epoch {epoch}, as the stop rule says."), None
        what = "accuracy" if session.metric == "accuracy" else "R²"
        for key, words, value in (
                ("loss", "training loss fell to", latest.get("train_loss")),
                ("metric", f"training {what} rose to", latest.get(f"train_{session.metric}"))):
            if self.met[key] and not met[key]:
                side = "below" if key == "loss" else "above"
                return Stop(key, epoch, f"Stopped at epoch {epoch}: the {words} {value:.4g}, at "
                                        f"or {side} the target {rules[key]:g}."), None
        return None, None

    def _early(self, session, latest: dict, epoch: int) -> Stop | None:
        spec = session.early_stopping
        if spec is None or not latest:
            return None
        watched = self.watched(session)
        loss = _loss(latest, watched)
        if loss < self.best_loss:
            self.best_loss = loss
            self.best = capture(session)
        if loss < self.reference - spec["min_delta"]:
            self.reference, self.waited = loss, 0
            return None
        self.waited += 1
        if self.waited < spec["patience"]:
            return None
        best_epoch = epoch if self.best is None else self.best.epoch
        restore = spec["restore_best"] and self.best is not None
        change = f"by more than {spec['min_delta']:g} " if spec["min_delta"] else ""
        message = (f"Early stopping at epoch {epoch}: the {watched} loss has not fallen "
                   f"{change}for {spec['patience']} epoch{'s' * (spec['patience'] != 1)}; its "
                   f"lowest, {self.best_loss:.4g}, was at epoch {best_epoch}. ")
        if restore:
            message += f"The weights of epoch {best_epoch} came back (restore best)."
        else:
            message += f"The weights of epoch {epoch} stay (restore best is off)."
        return Stop("early_stopping", epoch, message, watched, best_epoch, self.best_loss,
                    restore)


def _loss(row: dict, split: str) -> float:
    value = row.get(f"{'val' if split == 'validation' else split}_loss", math.nan)
    return value if math.isfinite(value) else math.inf
