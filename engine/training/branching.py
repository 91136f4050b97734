"""Where training goes on from, besides where it got to by itself: an epoch of the timeline
(:meth:`resume_from`), a saved training state (:meth:`state_dict` / :meth:`load_state_dict`),
weights typed by hand or new data.  Each starts a new *stretch* for the divergence watch
(see :mod:`.divergence`): its reference loss is the loss training goes on from.

A base class of :class:`~engine.training.session.TrainingSession`, whose fields it uses.
"""
from __future__ import annotations

import math

import numpy as np

from ..data.datasets import REGRESSION, Dataset
from ..nn.dropout import check_rate
from ..nn.losses import get_loss
from ..nn.optimizers import make_optimizer
from .batches import Batches
from .evaluation import history_columns
from .history import History
from .schedules import make_schedule
from .settings import finite, rate, seed as checked_seed
from .stopping import early_stopping_spec, stop_at_spec


def _overflow_is_handled():
    """Overflow while training is detected (see :mod:`.divergence`) and handled by stopping
    and restoring healthy weights, so NumPy's warnings about it are noise."""
    return np.errstate(over="ignore", invalid="ignore", divide="ignore")


class Branching:
    """Resuming, saving and loading state, and edits by hand (see the module docstring)."""

    def resume_from(self, epoch: int) -> None:
        """Branch training from a timeline epoch: its weights, optimizer state, step count and
        shuffler come back, and the history and snapshots after it are forgotten.  Training on
        from there repeats the original run exactly (if no setting changed meanwhile)."""
        self._resume(self.timeline.snapshot(int(epoch)))
        self.notify("resumed")

    def _resume(self, snap) -> None:
        """Go back to a :class:`~.timeline.Snapshot` (the timeline's, or early stopping's
        copy of its best epoch), as :meth:`resume_from` describes."""
        net = self.network
        net.theta[...] = snap.theta
        if snap.optimizer_name == self._optimizer.name:
            state = {k: v for k, v in snap.optimizer_state.items() if k != "t"}
            self._optimizer.load_state_dict({"step": int(snap.optimizer_state["t"]),
                                             "state": state}, net.theta.size, net.dtype)
        else:
            self._optimizer.reset()
        if snap.rng_state is not None:
            self.batches.rng.bit_generator.state = snap.rng_state
        self.divergence = self.stop_report = None
        with _overflow_is_handled():
            self._start_stretch(self._rewind(snap.epoch, snap.steps))
        if snap.epoch not in self.timeline:
            self._snapshot()

    # ------------------------------------------------------------------ state
    def state_dict(self) -> dict:
        """The whole training state, as PyTorch names it (the network's architecture and the
        data are not part of it: they are what a state is loaded into)::

            {"settings": settings(), "network": network.state_dict(),
             "optimizer": optimizer.state_dict(), "batches": batches.state_dict(),
             "epoch": int, "steps": int, "last_good_epoch": int, "history": history.state()}

        ``last_good_epoch`` is the latest healthy epoch (see :mod:`.divergence`).
        """
        return {"settings": self.settings(), "network": self.network.state_dict(),
                "optimizer": self._optimizer.state_dict(), "batches": self.batches.state_dict(),
                "epoch": self.epoch, "steps": self.steps,
                "last_good_epoch": self.watch.healthy_epoch, "history": self.history.state()}

    def load_state_dict(self, state: dict) -> None:
        """Continue from a :meth:`state_dict` of a session with the same architecture and data.

        Everything is checked before anything changes: ValueError says what does not fit.
        Missing settings keep their current values.  The timeline starts again at the loaded
        epoch (snapshots are not part of the state), and so does the divergence watch.
        """
        try:
            settings, counters = dict(state["settings"]), {
                k: state[k] for k in ("epoch", "steps", "last_good_epoch")}
            weights, opt_state = state["network"], state["optimizer"]
            batches_state, history_state = state["batches"], state["history"]
        except (KeyError, TypeError) as exc:
            raise ValueError(f"the training state is incomplete ({exc})") from None
        for name, value in counters.items():
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
                raise ValueError(f"{name} must be a whole number ≥ 0, not {value!r}")
        if counters["last_good_epoch"] > counters["epoch"]:
            raise ValueError("the last good epoch lies after the current one")
        unknown = set(settings) - set(self.settings())
        if unknown:
            raise ValueError(f"unknown training setting(s): {', '.join(sorted(unknown))}")
        current = self.settings()
        settings = {**current, **settings}
        # Try everything on scratch objects first.
        try:
            scratch = self.network.copy()
            scratch.load_state_dict(weights)
            optimizer = make_optimizer(settings["optimizer"], settings["learning_rate"])
            optimizer.load_state_dict(opt_state, scratch.theta.size, scratch.dtype)
            batches = Batches(self.n_train, seed=checked_seed(settings["seed"]))
            batches.load_state_dict(batches_state)
            history = History.from_state(history_state)
            schedule = make_schedule(settings["schedule"])
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"the training state is malformed ({exc})") from None
        if list(history.columns) != list(self.history.columns):
            raise ValueError("the history's columns do not match this network and data")
        loss = get_loss(settings["loss"])
        self._check_loss(loss)
        l1, l2 = rate("L1", settings["l1"]), rate("L2", settings["l2"])
        clip = settings["clip_norm"]
        if clip is not None and not rate("the clipping norm", clip) > 0:
            raise ValueError("the clipping norm must be a positive number (or None: off)")
        base_rate = make_optimizer(settings["optimizer"], settings["learning_rate"]).learning_rate
        dropout = check_rate(settings["dropout"])
        early_stopping = early_stopping_spec(settings["early_stopping"])
        stop_at = stop_at_spec(settings["stop_at"])
        # Then commit.
        self._loss = loss
        self._prepare_data()
        self._optimizer, self.batches, self.history = optimizer, batches, history
        self.l1, self.l2, self.seed, self.clip_norm = l1, l2, batches.seed, clip
        self._schedule, self._base_learning_rate = schedule, base_rate
        self._dropout, self._early_stopping, self._stop_at = dropout, early_stopping, stop_at
        self.network.theta[...] = scratch.theta
        self.epoch, self.steps = int(counters["epoch"]), int(counters["steps"])
        self._apply_schedule()
        latest = history.latest
        self._last_grad_norms = np.array([latest.get(f"grad_norm_{i}", np.nan)
                                          for i in range(len(self.network.layers))], dtype=float)
        self.divergence = self.stop_report = None
        self._cached_forward = None
        self.timeline.clear()
        self._start_stretch(self.evaluate()["loss"])
        self._snapshot()
        self.notify("weights")

    # ------------------------------------------------------------------ edits by hand
    def replace_data(self, data: Dataset) -> None:
        """Train on ``data`` from now on, with the same network, weights and optimizer state
        (e.g. after a point was drawn).  The current epoch is measured again on the new data;
        the epoch in progress starts over.  ValueError if the network does not fit the data."""
        self._check_fit(self.network, data)
        if data.task == REGRESSION and self._loss.name != "mse":
            raise ValueError(f"regression targets need the 'mse' loss, not {self._loss.name!r}")
        old = self.data
        self.data = data
        try:
            self._prepare_data()
        except ValueError:
            self.data = old
            self._prepare_data()
            raise
        batches = Batches(len(data.y_train), self.batch_size, self.seed)
        batches.rng = self.batches.rng              # the shuffler goes on where it was
        self.batches = batches
        columns = history_columns(self.metric, len(self.network.layers), data.has_validation)
        if list(self.history.columns[1:]) != columns:      # a validation set came or went
            self.history = self.history.with_columns(columns)
        self._cached_forward = None
        self.weights_edited()

    def set_weight(self, layer: int, i: int, j: int, value: float) -> None:
        """Set W[i, j] of ``layer`` (0-based) by hand; training continues from it."""
        W = self.network.layers[layer].W
        W[i, j] = finite("weight", value)
        self.weights_edited()

    def set_bias(self, layer: int, j: int, value: float) -> None:
        self.network.layers[layer].b[j] = finite("bias", value)
        self.weights_edited()

    def weights_edited(self) -> None:
        """Tell the session the weights were changed from outside training: the current
        epoch's history row is measured again with them, and (when their loss is finite)
        training starts a new stretch from them (see :mod:`.divergence`)."""
        self.history.truncate(self.epoch - 1)
        with _overflow_is_handled():
            loss = self._record()
        if math.isfinite(loss):
            self._start_stretch(loss)
        self._snapshot()
        self.notify("weights")
