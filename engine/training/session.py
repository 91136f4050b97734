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
"""
from __future__ import annotations

import math
import time
from typing import Callable, Iterator

import numpy as np

from . import metrics
from ..data.datasets import REGRESSION, Dataset
from ..nn.clipping import clip_by_norm
from ..nn.layers import batch_order
from ..nn.network import Network
from .batches import Batches
from .branching import Branching, _overflow_is_handled
from .diagnostics import Diagnosis, diagnose
from .divergence import Divergence, DivergenceWatch
from .handover import Handover
from .history import History
from .settings import TrainingSettings
from .timeline import Timeline

Listener = Callable[[str, "TrainingSession"], None]

#: A network left to the default dtype trains in float32 when one pass over the training set
#: takes at least this many multiply-adds (m · Σ n_in·n_out): the memory-bound passes of
#: large data run twice as fast, and float32's seven digits lie far below what any view
#: shows.  Step and the step inspector compute the same float32 numbers; the gradient check
#: always works on a float64 copy.
FLOAT32_WORK = 1_000_000


class TrainingSession(TrainingSettings, Branching, Handover):
    """Owns everything training needs; see the module docstring."""

    def __init__(self, network: Network, data: Dataset, loss: str | None = None,
                 optimizer: str = "sgd", learning_rate: float = 0.03,
                 batch_size: int | None = None, l1: float = 0.0, l2: float = 0.0,
                 seed: int = 0, history_capacity: int = 4096, *, clip_norm: float | None = None,
                 schedule=None, optimizer_settings: dict | None = None):
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
        self.history = History(
            ["train_loss", "test_loss", f"train_{self.metric}", f"test_{self.metric}"]
            + [f"grad_norm_{i}" for i in range(len(network.layers))], capacity=history_capacity)
        self._cached_forward = None
        self.timeline = Timeline(network.theta.size, network.dtype)
        self._prepare_data()
        self.watch = DivergenceWatch(network.theta)
        self._restart()

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

    def _prepare_data(self) -> None:
        net, data = self.network, self.data
        self._X = net.as_input(data.X_train)
        # Targets in the order of the output layer's arrays: Â − Y runs along memory.
        self._Y = batch_order(self._loss.targets(data.y_train, net.n_outputs, net.dtype))
        self._X_test = net.as_input(data.X_test) if len(data.y_test) else self._X[:0]
        self._Y_test = (batch_order(self._loss.targets(data.y_test, net.n_outputs, net.dtype))
                        if len(data.y_test) else self._Y[:0])
        with _overflow_is_handled():
            self._baseline = self._loss.baseline(self._Y)

    # ------------------------------------------------------------------ events
    def subscribe(self, listener: Listener) -> None:
        """Call ``listener(event, session)`` on "trained", "diverged", "reset", "resumed"
        and "weights"."""
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

    def _restart(self) -> None:
        self.epoch = self.steps = 0
        self.batches.reseed()
        self.divergence = None
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
        """Training goes on from here: the divergence watch takes it as its reference."""
        self.watch.start(self.epoch, self.steps, loss, self.network.theta, self._baseline)

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
        """One optimizer step on the next mini-batch.  False if training diverged."""
        self.check_trainable()
        with _overflow_is_handled():
            ok = self._step()
        self.notify("trained")
        return ok

    def _step(self) -> bool:
        self.divergence = None
        X, Y, _ = self.next_batch()
        net = self.network
        if not self._forward_is_cached(X):
            net.propagate(X)
        net.backpropagate(Y, self._loss, self._l1, self._l2)
        if not self.gradient_is_finite():
            return False
        if self._clip_norm is not None:
            self.clip_gradient()
        self._optimizer.step(net.theta, net.grad)
        self.end_step()
        return self.divergence is None

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
        """Train up to ``epochs`` epochs (or until ``max_seconds`` pass, or divergence).

        Returns the number of epochs completed.
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
                if deadline is not None and time.perf_counter() >= deadline:
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
        norms = np.sqrt([np.vdot(layer.dW, layer.dW) for layer in self.network.layers])
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

    def _snapshot(self) -> None:
        """Keep this epoch's state on the timeline (the shuffler's state only when it is used)."""
        rng = None if self.batches.full else self.batches.rng.bit_generator.state
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

    def _record(self) -> float:
        """Evaluate and append a history row; returns the training loss (a row is recorded
        only when it is finite)."""
        # Test first, then train: the layers keep the pass over the training set, which the
        # next full-batch step reuses as its forward pass (the weights have not changed).
        # Callers silence overflow (_overflow_is_handled): a second np.errstate inside step()
        # would cost 2 µs, 5% of a small step.
        test = self._evaluate(self._X_test, self._Y_test, self.data.y_test)
        train = self._evaluate(self._X, self._Y, self.data.y_train)
        net = self.network
        self._cached_forward = (self._X, net.forward_serial, net.theta.tobytes())
        if math.isfinite(train[0]):
            self.history.append(self.epoch, [train[0], test[0], train[1], test[1],
                                             *self._last_grad_norms.tolist()])
        return train[0]

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

    def _evaluate(self, X, Y, labels) -> tuple[float, float]:
        if X.shape[0] == 0:
            return float("nan"), float("nan")
        net = self.network
        A = net.propagate(X)
        out = net.layers[-1]
        loss = self._loss.value(out.Z, A, Y, logsumexp=out.logsumexp)
        score = (metrics.r_squared(A, labels) if self.metric == "r2"
                 else metrics.accuracy(A, labels))
        return loss, score

    def evaluate(self, split: str = "train") -> dict[str, float]:
        """``{"loss": …, "accuracy": …}`` (or ``"r2"`` for regression) on "train" or "test".

        The loss is the data loss, without the regularization penalty.  NaN when the split
        has no samples.
        """
        with _overflow_is_handled():
            if split == "train":
                loss, score = self._evaluate(self._X, self._Y, self.data.y_train)
            elif split == "test":
                loss, score = self._evaluate(self._X_test, self._Y_test, self.data.y_test)
            else:
                raise ValueError(f"split must be 'train' or 'test', not {split!r}")
        return {"loss": loss, self.metric: score}

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
