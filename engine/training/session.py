"""TrainingSession: a network, its data, the loss, the optimizer, the epoch count and history.

A *step* is one optimizer update on one mini-batch (the whole training set by default); an
*epoch* is one pass over the shuffled training set.  ``step()``, ``step_epoch()``, ``run(n)``
and ``phases()`` all move the same state, so the window can mix them freely.  One step::

    forward → loss → backward (gradient g) → [clip g to clip_norm] → optimizer: θ ← θ + Δθ(g)

at the learning rate of the epoch (``learning_rate`` × the schedule's factor).  Settings live
in :mod:`.settings`; resuming, saving and loading state and edits by hand in :mod:`.branching`.

Divergence (see :mod:`.divergence`): when a gradient or the loss stops being a finite number,
the loss rises far above where the run started, or the weights explode, training stops, the
network goes back to the latest *healthy* weights (the optimizer's running state is cleared)
and ``diverged`` says what happened and which epoch came back (``divergence`` has the details).
Early stopping and stop rules (see :mod:`.stopping`) stop training on purpose: ``stopped``
says why (``stop_report`` has the details).  Evaluation and predictions on new inputs are in
:mod:`.evaluation`, dropout's math in :mod:`engine.nn.dropout`, a notebook's view of a
session in :mod:`.notebook`.
"""
from __future__ import annotations

import math
import time
from typing import Callable, Iterator

import numpy as np

from ..data.datasets import REGRESSION, Dataset
from ..nn import dropout as dropout_math
from ..nn.clipping import clip_by_norm
from ..nn.network import Network
from .batches import Batches
from .branching import Branching, _overflow_is_handled
from .diagnostics import Diagnosis, diagnose
from .divergence import Divergence, DivergenceWatch
from .evaluation import Evaluation, history_columns
from .handover import Handover
from .history import History
from .notebook import NotebookView
from .settings import TrainingSettings
from .stopping import Stop
from .timeline import Timeline

Listener = Callable[[str, "TrainingSession"], None]

#: A network left to the default dtype trains in float32 when one pass over the training set
#: takes at least this many multiply-adds (m · Σ n_in·n_out): the memory-bound passes of
#: large data run twice as fast, and float32's seven digits lie far below what any view
#: shows.  Step and the step inspector compute the same float32 numbers; the gradient check
#: always works on a float64 copy.
FLOAT32_WORK = 1_000_000


class TrainingSession(TrainingSettings, Branching, Evaluation, NotebookView, Handover):
    """Owns everything training needs; see the module docstring."""

    def __init__(self, network: Network, data: Dataset, loss: str | None = None,
                 optimizer: str = "sgd", learning_rate: float = 0.03,
                 batch_size: int | None = None, l1: float = 0.0, l2: float = 0.0,
                 seed: int = 0, history_capacity: int = 4096, *, clip_norm: float | None = None,
                 schedule=None, optimizer_settings: dict | None = None, dropout: float = 0.0,
                 early_stopping: dict | None = None, stop_at: dict | None = None):
        self.network = network
        self.data = data
        self._check_fit(network, data)
        if not network.dtype_chosen and len(data.y_train) * network.multiply_adds >= FLOAT32_WORK:
            network.set_dtype("float32")
        self.epoch = 0
        self._init_settings(loss, optimizer, learning_rate, l1, l2, clip_norm, schedule,
                            optimizer_settings)
        self.seed = seed
        #: The mini-batch schedule: shuffle order, cursor and shuffler (see :mod:`.batches`).
        self.batches = Batches(len(data.y_train), batch_size, seed)
        self._listeners: list[Listener] = []
        self.metric = "r2" if data.task == REGRESSION else "accuracy"
        self.history = History(history_columns(self.metric, len(network.layers),
                                               data.has_validation), capacity=history_capacity)
        self._cached_forward = None
        self.timeline = Timeline(network.theta.size, network.dtype)
        self._prepare_data()
        self.watch = DivergenceWatch(network.theta)
        self.stop_report: Stop | None = None
        self._restart()
        self.dropout, self.early_stopping, self.stop_at = dropout, early_stopping, stop_at

    @staticmethod
    def _check_fit(network: Network, data: Dataset) -> None:
        if network.n_inputs != data.n_inputs:
            raise ValueError(
                f"the network has {network.n_inputs} input(s) but the data gives "
                f"{data.n_inputs} ({', '.join(data.input_names)}); "
                f"make the first layer size {data.n_inputs}")
        if network.n_outputs != data.n_outputs and not (
                data.task == "binary" and network.n_outputs == 2
                and network.output_activation == "softmax"):
            raise ValueError(
                f"the network has {network.n_outputs} output(s) but {data.name!r} needs "
                f"{data.n_outputs} ({data.task})")

    # ------------------------------------------------------------------ events
    def subscribe(self, listener: Listener) -> None:
        """Call ``listener(event, session)`` on "trained", "diverged", "stopped", "reset",
        "resumed" and "weights"."""
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def notify(self, event: str) -> None:
        """Tell every listener that ``event`` happened."""
        for listener in list(self._listeners):
            listener(event, self)

    # ------------------------------------------------------------------ state
    @property
    def X_train(self) -> np.ndarray:
        """The network's training inputs (m, n_inputs), in its dtype (features applied)."""
        return self._X

    @property
    def Y_train(self) -> np.ndarray:
        """The training targets as the loss takes them: (m, n_outputs), one-hot for softmax."""
        return self._Y

    @property
    def X_test(self) -> np.ndarray:
        return self._X_test

    @property
    def Y_test(self) -> np.ndarray:
        return self._Y_test

    @property
    def X_val(self) -> np.ndarray:
        """The validation inputs (m_val, n_inputs); no rows without a validation set."""
        return self._X_val

    @property
    def Y_val(self) -> np.ndarray:
        return self._Y_val

    @property
    def n_train(self) -> int:
        return self._X.shape[0]

    @property
    def steps_per_epoch(self) -> int:
        return self.batches.steps_per_epoch

    @property
    def diverged(self) -> str | None:
        """What went wrong and which weights came back (None while training is healthy)."""
        return None if self.divergence is None else self.divergence.message

    @diverged.setter
    def diverged(self, value: None) -> None:
        if value is not None:
            raise ValueError("only None clears a divergence; training sets it")
        self.divergence: Divergence | None = None

    @property
    def stopped(self) -> str | None:
        """Why training stopped on purpose (early stopping, a stop rule), or None."""
        return None if self.stop_report is None else self.stop_report.message

    def _restart(self) -> None:
        self.epoch = self.steps = 0
        self.batches.reseed()
        self.divergence = self.stop_report = None
        self._last_grad_norms = np.full(len(self.network.layers), np.nan)
        self.history.clear()
        self.timeline.clear()
        self._apply_schedule()
        with _overflow_is_handled():
            self._start_stretch(self._record())
        self._snapshot()

    def reset(self, seed: int | None = None) -> None:
        """New random weights (from ``seed``, default the network's own), epoch 0, no history."""
        self.network.initialize(seed)
        self._optimizer.reset()
        self._restart()
        self.notify("reset")

    def _start_stretch(self, loss: float) -> None:
        """Training goes on from here: the divergence watch takes it as its reference, and
        early stopping and the stop rules start watching from it."""
        self.watch.start(self.epoch, self.steps, loss, self.network.theta, self._baseline)
        self.stop_watch.start(self)

    # ------------------------------------------------------------------ training
    def check_trainable(self) -> None:
        """ValueError when the network cannot be trained (a step unit has no gradient)."""
        for layer in self.network.layers:
            if not layer.activation.trainable:
                raise ValueError(f"This network cannot be trained: {layer.activation.REFUSAL}.")

    def next_batch(self) -> tuple[np.ndarray, np.ndarray, np.ndarray | slice]:
        """(X, Y, sample indices) of the next step, without moving the cursor."""
        idx = self.batches.peek()
        if isinstance(idx, slice):
            return self._X, self._Y, idx
        return self._X[idx], self._Y[idx], idx

    def gradient_is_finite(self) -> bool:
        """True when every gradient is a finite number; otherwise training stops here as a
        divergence (see :attr:`diverged`)."""
        g = self.network.grad
        if math.isfinite(np.dot(g, g)) or np.isfinite(g).all():
            return True
        self._diverge("overflow", "The gradient overflowed at epoch "
                                  f"{self.epoch + 1}: it is no longer a finite number.")
        return False

    def clip_gradient(self) -> tuple[float, float]:
        """Clip the gradient to :attr:`clip_norm` (if set) before the update; returns
        :attr:`last_clip`."""
        if self._clip_norm is not None:
            self._clip = clip_by_norm(self.network.grad, self._clip_norm)
        return self._clip

    @property
    def last_clip(self) -> tuple[float, float]:
        """(‖g‖ before clipping, the factor g was multiplied by) at the last step: the factor
        is 1.0 when g was short enough or clipping is off (‖g‖ is then NaN)."""
        return self._clip

    def end_step(self) -> None:
        """After an update: count the step, move to the next batch and, when the epoch is
        complete, evaluate and judge it (history row, timeline snapshot, divergence)."""
        self.steps += 1
        if self.batches.advance():
            self._end_epoch()

    def step(self) -> bool:
        """One optimizer step on the next mini-batch.  False if training diverged; when the
        step ends an epoch at which early stopping or a stop rule fires, :attr:`stopped`
        says so."""
        self.check_trainable()
        with _overflow_is_handled():
            self._step()
        self.notify("trained")
        return self.divergence is None

    def _step(self) -> bool:
        self.divergence = self.stop_report = None
        X, Y, _ = self.next_batch()
        net = self.network
        if self._dropout:
            dropout_math.train_pass(net, X, Y, self._loss, self._dropout, self.batches.rng,
                                    self._l1, self._l2)
        else:
            if not self._forward_is_cached(X):
                net.propagate(X)
            net.backpropagate(Y, self._loss, self._l1, self._l2)
        if not self.gradient_is_finite():
            return False
        if self._clip_norm is not None:
            self.clip_gradient()
        self._optimizer.step(net.theta, net.grad)
        self.end_step()
        return self.divergence is None and self.stop_report is None

    def _forward_is_cached(self, X) -> bool:
        """True when the layers still hold the forward pass over ``X`` with today's weights:
        the one the end-of-epoch evaluation just ran over the training set (full batch)."""
        cached = self._cached_forward
        net = self.network
        return (cached is not None and cached[0] is X and cached[1] == net.forward_serial
                and net.layers[0].A_prev is X and cached[2] == net.theta.tobytes())

    def step_epoch(self) -> bool:
        """Finish the current epoch (one whole epoch from its start).  False if it diverged."""
        return self.run(1) == 1

    def run(self, epochs: int, max_seconds: float | None = None) -> int:
        """Train up to ``epochs`` epochs (or until ``max_seconds`` pass, divergence, early
        stopping or a stop rule: :attr:`diverged`, :attr:`stopped`).

        Returns the number of epochs completed (a stopped epoch counts; a diverged one not).
        """
        if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 0:
            raise ValueError(f"epochs must be a whole number ≥ 0, not {epochs!r}")
        self.check_trainable()
        deadline = None if max_seconds is None else time.perf_counter() + max_seconds
        done = 0
        with _overflow_is_handled():
            while done < epochs:
                start = self.epoch
                while self.epoch == start:
                    if not self._step():
                        break
                if self.divergence is not None:
                    break
                done += 1
                if self.stop_report is not None or (
                        deadline is not None and time.perf_counter() >= deadline):
                    break
        self.notify("trained")
        return done

    def phases(self) -> Iterator:
        """One training step, phase by phase; see :mod:`engine.training.phases`."""
        from .phases import step_phases
        self.check_trainable()
        return step_phases(self)

    # ------------------------------------------------------------------ epochs and history
    def _end_epoch(self) -> None:
        self.epoch += 1
        norms = self.network.weight_gradient_norms()
        factor = self._clip[1]
        self._last_grad_norms = norms if factor == 1.0 else norms / factor
        loss = self._record()
        verdict = self.watch.after_epoch(self.epoch, self.steps, loss, self.network.theta)
        if verdict is not None:
            self._diverge(*verdict)
            return
        if self._schedule.name != "constant":
            self._apply_schedule()
        self._snapshot()
        if self._early_stopping is not None or self._stop_at is not None:
            self._judge_stop()

    def _judge_stop(self) -> None:
        """Early stopping and the stop rules after an epoch (see :mod:`.stopping`)."""
        stop, best = self.stop_watch.after_epoch(self)
        if stop is None:
            return
        if best is not None:
            self._resume(best)
        self.stop_report = stop
        self.notify("stopped")

    def _snapshot(self) -> None:
        """Keep this epoch's state on the timeline (the shuffler's state only when it is used:
        mini-batches or dropout)."""
        rng = (None if self.batches.full and not self._dropout
               else self.batches.rng.bit_generator.state)
        self.timeline.record(self.epoch, self.steps, self.network.theta, self._optimizer, rng)

    def _rewind(self, epoch: int, steps: int) -> float:
        """History and timeline back to ``epoch`` (whose weights the network now holds), the
        epoch in progress forgotten, and that epoch measured again: returns its loss."""
        table = self.history.table()
        row = table[table[:, 0] == epoch]
        n_layers = len(self.network.layers)
        self._last_grad_norms = (row[-1, -n_layers:].copy() if len(row)
                                 else np.full(n_layers, np.nan))
        self.epoch, self.steps = epoch, steps
        self.batches.restart_epoch()
        self.timeline.truncate(epoch)
        self.history.truncate(epoch - 1)
        self._cached_forward = None
        self._apply_schedule()
        return self._record()

    def _diverge(self, kind: str, cause: str) -> None:
        """Stop: the latest healthy weights come back (see :mod:`.divergence`)."""
        watch = self.watch
        report = watch.report(kind, cause, self.epoch, self.current_learning_rate)
        self.network.theta[...] = watch.healthy_theta
        self._optimizer.reset()
        with _overflow_is_handled():
            self._rewind(watch.healthy_epoch, watch.healthy_steps)
        self._snapshot()
        self.divergence = report
        self.notify("diverged")

    @property
    def grad_norms(self) -> np.ndarray:
        """‖dW‖ of every layer at the last step of the last epoch (before clipping)."""
        return self._last_grad_norms.copy()

    def last_update(self) -> list[dict[str, np.ndarray]] | None:
        """ΔW and Δb of every layer at the last step (copies), or None before any step."""
        delta = self._optimizer.last_delta
        if delta is None:
            return None
        return [{"W": delta[w].reshape(layer.W.shape).copy(), "b": delta[b].copy()}
                for layer, (w, b) in zip(self.network.layers, self.network.slices)]

    def diagnose(self) -> Diagnosis:
        """Dead units, identical units, vanishing/exploding gradients and divergence, now."""
        with _overflow_is_handled():
            return diagnose(self.network, self._X, self._last_grad_norms, self.diverged,
                            Y=self._Y, loss=self._loss)
