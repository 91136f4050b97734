"""The training settings of a :class:`~engine.training.session.TrainingSession`, each checked
where it is set: loss, optimizer and its settings (β, ε, …), learning rate and its schedule,
batch size, L1/L2 penalties, gradient clipping, dropout, early stopping and stop rules.  Every
setting applies from the next step.

``settings()`` returns them as one JSON-able dict (what session files store and
``load_state_dict`` reads back)::

    {"loss", "optimizer", "learning_rate", "batch_size", "l1", "l2", "seed",
     "clip_norm" (None: off), "schedule" ({"name": "constant"} or e.g.
     {"name": "step", "step_size": 10, "gamma": 0.5}), "dropout" (a rate p, 0: off),
     "early_stopping" (None or {"patience", "min_delta", "restore_best"}),
     "stop_at" (None or {"epoch", "loss", "metric"})}

The optimizer's own settings (momentum's β and Nesterov switch, Adam's β₁, β₂, ε, RMSprop's
ρ, ε) travel with its state: ``optimizer.state_dict()["hyperparameters"]``.
"""
from __future__ import annotations

import math

import numpy as np

from ..data.datasets import REGRESSION
from ..nn.dropout import check_rate
from ..nn.losses import get_loss
from ..nn.optimizers import Optimizer, make_optimizer
from .schedules import Schedule, make_schedule
from .stopping import StopWatch, early_stopping_spec, stop_at_spec


class TrainingSettings:
    """The settings part of a training session (a base class of ``TrainingSession``, which
    provides ``network``, ``data``, ``batches``, ``epoch`` and ``_prepare_data``)."""

    def _init_settings(self, loss, optimizer: str, learning_rate: float, l1: float, l2: float,
                       clip_norm, schedule, optimizer_settings: dict | None) -> None:
        self._loss = get_loss(loss or self.data.default_loss)
        self._check_loss(self._loss)
        self._optimizer: Optimizer = make_optimizer(optimizer, learning_rate,
                                                    **(optimizer_settings or {}))
        self._base_learning_rate = self._optimizer.learning_rate
        self.l1, self.l2 = l1, l2
        self.clip_norm = clip_norm
        self._schedule = make_schedule(schedule)
        self._dropout = 0.0
        self._early_stopping = self._stop_at = None
        #: Early stopping's best epoch and the stop rules' targets met (see :mod:`.stopping`).
        self.stop_watch = StopWatch()

    def _check_loss(self, loss) -> None:
        loss.check_output(self.network.output_activation)
        if self.data.task == REGRESSION and loss.name != "mse":
            raise ValueError(f"regression targets need the 'mse' loss, not {loss.name!r}")

    # ------------------------------------------------------------------ loss
    @property
    def loss(self) -> str:
        return self._loss.name

    @loss.setter
    def loss(self, name: str) -> None:
        loss = get_loss(name)
        self._check_loss(loss)
        self._loss = loss
        self._prepare_data()

    @property
    def loss_function(self):
        return self._loss

    # ------------------------------------------------------------------ optimizer
    @property
    def optimizer(self) -> Optimizer:
        return self._optimizer

    @optimizer.setter
    def optimizer(self, name: str) -> None:
        """Switch optimizer (keeping the learning rate); its running state starts empty and
        its other settings take their defaults."""
        if name != self._optimizer.name:
            self.set_optimizer(name)

    def set_optimizer(self, name: str, **settings) -> None:
        """Use optimizer ``name`` with ``settings`` (``beta=0.95, nesterov=True``; Adam's
        ``beta1``, ``beta2``, ``eps``; RMSprop's ``rho``, ``eps``) from the next step, with
        an empty running state.  ValueError (and no change) for an unknown or bad setting."""
        optimizer = make_optimizer(name, self._base_learning_rate, **settings)
        self._optimizer = optimizer
        self._apply_schedule()

    def configure_optimizer(self, **settings) -> None:
        """Change settings of the current optimizer (``beta``, ``nesterov``, ``beta1``,
        ``beta2``, ``eps``, ``rho``), keeping its running state; ValueError names a bad one
        (and nothing changes)."""
        trial = make_optimizer(self._optimizer.name, self._optimizer.learning_rate,
                               **{**self.optimizer_settings, **settings})
        self._optimizer.configure(**{k: trial.hyperparameters[k] for k in settings})

    @property
    def optimizer_settings(self) -> dict:
        """The current optimizer's settings besides the learning rate (``{"beta": 0.9, …}``)."""
        return {k: v for k, v in self._optimizer.hyperparameters.items() if k != "learning_rate"}

    # ------------------------------------------------------------------ learning rate
    @property
    def learning_rate(self) -> float:
        """The learning rate η₀ as set; with a schedule, :attr:`current_learning_rate` is the
        one this epoch uses."""
        return self._base_learning_rate

    @learning_rate.setter
    def learning_rate(self, value: float) -> None:
        self._optimizer.learning_rate = value            # checks it
        self._base_learning_rate = self._optimizer.learning_rate
        self._apply_schedule()

    @property
    def current_learning_rate(self) -> float:
        """η of the steps of the current epoch: η₀ · schedule factor(epoch)."""
        return self._optimizer.learning_rate

    @property
    def schedule(self) -> Schedule:
        """The learning-rate schedule (see :mod:`engine.training.schedules`)."""
        return self._schedule

    @schedule.setter
    def schedule(self, spec) -> None:
        self._schedule = make_schedule(spec)
        self._apply_schedule()

    def _apply_schedule(self) -> None:
        """Set the optimizer's rate to η₀ · factor(epoch) (called whenever either changes)."""
        rate = self._base_learning_rate * self._schedule.factor(self.epoch)
        self._optimizer.learning_rate = rate if rate > 0 else math.ulp(0.0)

    # ------------------------------------------------------------------ the rest
    @property
    def batch_size(self) -> int | None:
        """Samples per step; None (or ≥ the training set) means the whole set."""
        return self.batches.batch_size

    @batch_size.setter
    def batch_size(self, value: int | None) -> None:
        self.batches.batch_size = value         # a new batch size starts a fresh epoch order

    @property
    def l1(self) -> float:
        return self._l1

    @l1.setter
    def l1(self, value: float) -> None:
        self._l1 = rate("L1", value)

    @property
    def l2(self) -> float:
        return self._l2

    @l2.setter
    def l2(self, value: float) -> None:
        self._l2 = rate("L2", value)

    @property
    def clip_norm(self) -> float | None:
        """Gradient clipping: before each update the whole gradient is scaled down to this
        norm when it is longer (see :mod:`engine.nn.clipping`); None: off."""
        return self._clip_norm

    @clip_norm.setter
    def clip_norm(self, value: float | None) -> None:
        if value is not None:
            value = rate("the clipping norm", value)
            if value == 0:
                raise ValueError("the clipping norm must be a positive number (or None: off)")
        self._clip_norm = value
        #: (‖g‖ before clipping, the factor applied) at the last step.
        self._clip = (math.nan, 1.0)

    @property
    def dropout(self) -> float:
        """The dropout rate p of every hidden layer during training (0: off); see
        :mod:`engine.nn.dropout`.  Evaluation never drops units."""
        return self._dropout

    @dropout.setter
    def dropout(self, value: float) -> None:
        self._dropout = check_rate(value)

    @property
    def early_stopping(self) -> dict | None:
        """``{"patience", "min_delta", "restore_best"}`` or None (off); see :mod:`.stopping`.
        Setting it starts the watch from the current epoch."""
        return None if self._early_stopping is None else dict(self._early_stopping)

    @early_stopping.setter
    def early_stopping(self, value: dict | None) -> None:
        self._early_stopping = early_stopping_spec(value)
        self.stop_watch.start(self)

    @property
    def stop_at(self) -> dict | None:
        """The stop rules ``{"epoch", "loss", "metric"}`` (each None or a target) or None;
        see :mod:`.stopping`."""
        return None if self._stop_at is None else dict(self._stop_at)

    @stop_at.setter
    def stop_at(self, value: dict | None) -> None:
        self._stop_at = stop_at_spec(value)
        self.stop_watch.start(self)

    def settings(self) -> dict:
        return {"loss": self.loss, "optimizer": self.optimizer.name,
                "learning_rate": self.learning_rate, "batch_size": self.batch_size,
                "l1": self.l1, "l2": self.l2, "seed": self.seed,
                "clip_norm": self.clip_norm, "schedule": self._schedule.to_dict(),
                "dropout": self.dropout, "early_stopping": self.early_stopping,
                "stop_at": self.stop_at}


def rate(what: str, value) -> float:
    """A number ≥ 0 (a penalty weight, a clipping norm); ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError(f"{what} must be a number ≥ 0, not {value!r}")
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be a number ≥ 0, not {value!r}") from None
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{what} must be a number ≥ 0, not {value!r}")
    return value


def seed(value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) \
            or not 0 <= value < 2**63:
        raise ValueError(f"the seed must be a whole number from 0 to 2⁶³ − 1, not {value!r}")
    return int(value)


def finite(what: str, value) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"a {what} must be a number, not {value!r}") from None
    if not np.isfinite(value):
        raise ValueError(f"a {what} must be a finite number, not {value!r}")
    return value
