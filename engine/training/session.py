"""TrainingSession: a network, its data, the loss, the optimizer, the epoch count and history.

A *step* is one optimizer update on one mini-batch (the whole training set by default); an
*epoch* is one pass over the shuffled training set.  ``step()``, ``step_epoch()``, ``run(n)``
and ``phases()`` all move the same state, so the window can mix them freely.

Divergence: when a gradient or the loss at the end of an epoch is not finite, the network
goes back to the last weights whose loss was finite (and the optimizer's running state is
cleared), training stops, and ``diverged`` says what happened.
"""
from __future__ import annotations

import math
import time
from typing import Callable, Iterator

import numpy as np

from . import metrics
from ..data.datasets import REGRESSION, Dataset
from .diagnostics import Diagnosis, diagnose
from .history import History
from ..nn.losses import get_loss
from ..nn.network import Network
from ..nn.optimizers import Optimizer, make_optimizer
from .batches import Batches
from .timeline import Timeline

Listener = Callable[[str, "TrainingSession"], None]
# Overflow while training is detected (non-finite gradient or loss) and handled by stopping
# and restoring the last good weights, so NumPy's warnings about it are noise.
def _overflow_is_handled():
    return np.errstate(over="ignore", invalid="ignore")


class TrainingSession:
    """Owns everything training needs; see the module docstring."""

    def __init__(self, network: Network, data: Dataset, loss: str | None = None,
                 optimizer: str = "sgd", learning_rate: float = 0.03,
                 batch_size: int | None = None, l1: float = 0.0, l2: float = 0.0,
                 seed: int = 0, history_capacity: int = 4096):
        self.network = network
        self.data = data
        self._check_fit(network, data)
        self._loss = get_loss(loss or data.default_loss)
        self._check_loss(self._loss)
        self._optimizer: Optimizer = make_optimizer(optimizer, learning_rate)
        self.l1, self.l2 = l1, l2
        self.seed = seed
        #: The mini-batch schedule: shuffle order, cursor and shuffler (see :mod:`.batches`).
        self.batches = Batches(len(data.y_train), batch_size, seed)
        self._listeners: list[Listener] = []
        self.metric = "r2" if data.task == REGRESSION else "accuracy"
        n_layers = len(network.layers)
        self.history = History(
            ["train_loss", "test_loss", f"train_{self.metric}", f"test_{self.metric}"]
            + [f"grad_norm_{i}" for i in range(n_layers)], capacity=history_capacity)
        self._cached_forward = None
        self.timeline = Timeline(network.theta.size, network.dtype)
        self._prepare_data()
        self._last_good = network.theta.copy()
        self._last_good_epoch = 0
        self._restart()

    # ------------------------------------------------------------------ validation
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

    def _check_loss(self, loss) -> None:
        loss.check_output(self.network.output_activation)
        if self.data.task == REGRESSION and loss.name != "mse":
            raise ValueError(f"regression targets need the 'mse' loss, not {loss.name!r}")

    def _prepare_data(self) -> None:
        net, data = self.network, self.data
        self._X = net.as_input(data.X_train)
        self._Y = self._loss.targets(data.y_train, net.n_outputs, net.dtype)
        self._X_test = net.as_input(data.X_test) if len(data.y_test) else self._X[:0]
        self._Y_test = (self._loss.targets(data.y_test, net.n_outputs, net.dtype)
                        if len(data.y_test) else self._Y[:0])

    # ------------------------------------------------------------------ settings
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

    @property
    def optimizer(self) -> Optimizer:
        return self._optimizer

    @optimizer.setter
    def optimizer(self, name: str) -> None:
        """Switch optimizer (keeping the learning rate); its running state starts empty."""
        if name != self._optimizer.name:
            self._optimizer = make_optimizer(name, self._optimizer.learning_rate)

    @property
    def learning_rate(self) -> float:
        return self._optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, value: float) -> None:
        self._optimizer.learning_rate = value

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
        self._l1 = _rate("L1", value)

    @property
    def l2(self) -> float:
        return self._l2

    @l2.setter
    def l2(self, value: float) -> None:
        self._l2 = _rate("L2", value)

    def settings(self) -> dict:
        return {"loss": self.loss, "optimizer": self.optimizer.name,
                "learning_rate": self.learning_rate, "batch_size": self.batch_size,
                "l1": self.l1, "l2": self.l2, "seed": self.seed}

    # ------------------------------------------------------------------ events
    def subscribe(self, listener: Listener) -> None:
        """Call ``listener(event, session)`` on "trained", "diverged", "reset" and "weights"."""
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

    def _restart(self) -> None:
        self.epoch = 0
        self.steps = 0
        self.batches.reseed()
        self.diverged: str | None = None
        self._last_grad_norms = np.full(len(self.network.layers), np.nan)
        self.history.clear()
        self.timeline.clear()
        with _overflow_is_handled():
            self._record()
        self._snapshot()

    def reset(self, seed: int | None = None) -> None:
        """New random weights (from ``seed``, default the network's own), epoch 0, no history."""
        self.network.initialize(seed)
        self._optimizer.reset()
        self._restart()
        self.notify("reset")

    # ------------------------------------------------------------------ training
    def next_batch(self) -> tuple[np.ndarray, np.ndarray, np.ndarray | slice]:
        """(X, Y, sample indices) of the next step, without moving the cursor."""
        idx = self.batches.peek()
        if isinstance(idx, slice):
            return self._X, self._Y, idx
        return self._X[idx], self._Y[idx], idx

    def end_step(self) -> None:
        """After an update: count the step, move to the next batch and, when the epoch is
        complete, evaluate and record it (the history row, the timeline's snapshot)."""
        self.steps += 1
        if self.batches.advance():
            self._end_epoch()

    def gradient_is_finite(self) -> bool:
        """True when every gradient is a finite number; otherwise training stops here as a
        divergence (see :attr:`diverged`)."""
        g = self.network.grad
        if math.isfinite(np.dot(g, g)):
            return True
        self._diverge("The gradient overflowed (it is no longer a finite number).")
        return False

    def step(self) -> bool:
        """One optimizer step on the next mini-batch.  False if training diverged."""
        with _overflow_is_handled():
            ok = self._step()
        self.notify("trained")
        return ok

    def _step(self) -> bool:
        self.diverged = None
        X, Y, _ = self.next_batch()
        net = self.network
        if not self._forward_is_cached(X):
            net.propagate(X)
        net.backpropagate(Y, self._loss, self._l1, self._l2)
        if not self.gradient_is_finite():
            return False
        self._optimizer.step(net.theta, net.grad)
        self.end_step()
        return self.diverged is None

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
        deadline = None if max_seconds is None else time.perf_counter() + max_seconds
        done = 0
        with _overflow_is_handled():
            while done < epochs:
                start = self.epoch
                while self.epoch == start:
                    if not self._step():
                        break
                if self.diverged:
                    break
                done += 1
                if deadline is not None and time.perf_counter() >= deadline:
                    break
        self.notify("trained")
        return done

    def phases(self) -> Iterator:
        """One training step, phase by phase; see :mod:`engine.training.phases`."""
        from .phases import step_phases
        return step_phases(self)

    # ------------------------------------------------------------------ epochs and history
    def _end_epoch(self) -> None:
        self.epoch += 1
        self._last_grad_norms = np.sqrt(
            [np.vdot(layer.dW, layer.dW) for layer in self.network.layers])
        if not self._record():
            self._diverge("The loss became infinite or NaN: the steps overshoot.")
        else:
            np.copyto(self._last_good, self.network.theta)
            self._last_good_epoch = self.epoch
            self._snapshot()

    def _snapshot(self) -> None:
        """Keep this epoch's state on the timeline (the shuffler's state only when it is used)."""
        rng = None if self.batches.full else self.batches.rng.bit_generator.state
        self.timeline.record(self.epoch, self.steps, self.network.theta, self._optimizer, rng)

    def resume_from(self, epoch: int) -> None:
        """Branch training from a timeline epoch: its weights, optimizer state, step count and
        shuffler come back, and the history and snapshots after it are forgotten.  Training on
        from there repeats the original run exactly (if no setting changed meanwhile)."""
        snap = self.timeline.snapshot(int(epoch))
        net = self.network
        table = self.history.table()
        row = table[table[:, 0] == snap.epoch]
        n_layers = len(net.layers)
        self._last_grad_norms = (row[-1, -n_layers:].copy() if len(row)
                                 else np.full(n_layers, np.nan))
        net.theta[...] = snap.theta
        if snap.optimizer_name == self._optimizer.name:
            state = {k: v for k, v in snap.optimizer_state.items() if k != "t"}
            self._optimizer.load_state_dict({"step": int(snap.optimizer_state["t"]),
                                             "state": state}, net.theta.size, net.dtype)
        else:
            self._optimizer.reset()
        if snap.rng_state is not None:
            self.batches.rng.bit_generator.state = snap.rng_state
        self.epoch, self.steps = snap.epoch, snap.steps
        self.batches.restart_epoch()
        self.diverged = None
        self.timeline.truncate(snap.epoch)
        self.history.truncate(snap.epoch - 1)
        with _overflow_is_handled():
            self._record()
        np.copyto(self._last_good, net.theta)
        self._last_good_epoch = self.epoch
        self.notify("resumed")

    def _record(self) -> bool:
        """Evaluate and append a history row; False (and nothing recorded) if not finite."""
        # Test first, then train: the layers keep the pass over the training set, which the
        # next full-batch step reuses as its forward pass (the weights have not changed).
        test = self._evaluate(self._X_test, self._Y_test, self.data.y_test)
        train = self._evaluate(self._X, self._Y, self.data.y_train)
        net = self.network
        self._cached_forward = (self._X, net.forward_serial, net.theta.tobytes())
        if not math.isfinite(train[0]):
            return False
        self.history.append(self.epoch, [train[0], test[0], train[1], test[1],
                                         *self._last_grad_norms.tolist()])
        if self.epoch == 0:
            self._last_good_epoch = 0
        return True

    def _diverge(self, what: str) -> None:
        lr = self.learning_rate
        self.network.theta[...] = self._last_good
        self._optimizer.reset()
        self.history.truncate(self._last_good_epoch)
        self.timeline.truncate(self._last_good_epoch)
        self.epoch = self._last_good_epoch
        self.batches.restart_epoch()
        self.diverged = (f"{what} Training stopped and the weights went back to those of "
                         f"epoch {self.epoch}, the last with a finite loss. Try a lower learning "
                         f"rate than {lr:g}.")
        self.notify("diverged")

    def _evaluate(self, X, Y, labels) -> tuple[float, float]:
        if X.shape[0] == 0:
            return float("nan"), float("nan")
        # Callers silence overflow (_overflow_is_handled): a second np.errstate inside step()
        # would cost 2 µs, 5% of a small step.
        net = self.network
        A = net.propagate(X)
        out = net.layers[-1]
        loss = self._loss.value(out.Z, A, Y)
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
        """‖dW‖ of every layer at the last step of the last epoch."""
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
        return diagnose(self.network, self._X, self._last_grad_norms, self.diverged)

    # ------------------------------------------------------------------ state
    def state_dict(self) -> dict:
        """The whole training state, as PyTorch names it (the network's architecture and the
        data are not part of it: they are what a state is loaded into)::

            {"settings": settings(), "network": network.state_dict(),
             "optimizer": optimizer.state_dict(), "batches": batches.state_dict(),
             "epoch": int, "steps": int, "last_good_epoch": int, "history": history.state()}
        """
        return {"settings": self.settings(), "network": self.network.state_dict(),
                "optimizer": self._optimizer.state_dict(), "batches": self.batches.state_dict(),
                "epoch": self.epoch, "steps": self.steps,
                "last_good_epoch": self._last_good_epoch, "history": self.history.state()}

    def load_state_dict(self, state: dict) -> None:
        """Continue from a :meth:`state_dict` of a session with the same architecture and data.

        Everything is checked before anything changes: ValueError says what does not fit.
        The timeline starts again at the loaded epoch (snapshots are not part of the state).
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
        # Try everything on scratch objects first.
        try:
            scratch = self.network.copy()
            scratch.load_state_dict(weights)
            optimizer = make_optimizer(settings.get("optimizer", self._optimizer.name),
                                       settings.get("learning_rate", self.learning_rate))
            optimizer.load_state_dict(opt_state, scratch.theta.size, scratch.dtype)
            batches = Batches(self.n_train, seed=_seed(settings.get("seed", self.seed)))
            batches.load_state_dict(batches_state)
            history = History.from_state(history_state)
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"the training state is malformed ({exc})") from None
        if list(history.columns) != list(self.history.columns):
            raise ValueError("the history's columns do not match this network and data")
        loss = get_loss(settings.get("loss", self.loss))
        self._check_loss(loss)
        l1, l2 = _rate("L1", settings.get("l1", self.l1)), _rate("L2", settings.get("l2", self.l2))
        # Then commit.
        self._loss = loss
        self._prepare_data()
        self._optimizer, self.batches, self.history = optimizer, batches, history
        self.l1, self.l2, self.seed = l1, l2, batches.seed
        self.network.theta[...] = scratch.theta
        self.epoch, self.steps = int(counters["epoch"]), int(counters["steps"])
        self._last_good_epoch = int(counters["last_good_epoch"])
        latest = history.latest
        n_layers = len(self.network.layers)
        self._last_grad_norms = np.array([latest.get(f"grad_norm_{i}", np.nan)
                                          for i in range(n_layers)], dtype=float)
        self.diverged = None
        self._cached_forward = None
        np.copyto(self._last_good, self.network.theta)
        self.timeline.clear()
        self._snapshot()
        self.notify("weights")

    # ------------------------------------------------------------------ editing
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
        self._cached_forward = None
        self.weights_edited()

    def set_weight(self, layer: int, i: int, j: int, value: float) -> None:
        """Set W[i, j] of ``layer`` (0-based) by hand; training continues from it."""
        W = self.network.layers[layer].W
        W[i, j] = _finite("weight", value)
        self.weights_edited()

    def set_bias(self, layer: int, j: int, value: float) -> None:
        self.network.layers[layer].b[j] = _finite("bias", value)
        self.weights_edited()

    def weights_edited(self) -> None:
        """Tell the session the weights were changed from outside training: the current
        epoch's history row is measured again with them."""
        self.history.truncate(self.epoch - 1)
        with _overflow_is_handled():
            self._record()
        np.copyto(self._last_good, self.network.theta)
        self._last_good_epoch = self.epoch
        self._snapshot()
        self.notify("weights")


def _rate(what: str, value) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be a number ≥ 0, not {value!r}") from None
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{what} must be a number ≥ 0, not {value!r}")
    return value


def _seed(value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) \
            or not 0 <= value < 2**63:
        raise ValueError(f"the seed must be a whole number from 0 to 2⁶³ − 1, not {value!r}")
    return int(value)


def _finite(what: str, value) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"a {what} must be a number, not {value!r}") from None
    if not np.isfinite(value):
        raise ValueError(f"a {what} must be a finite number, not {value!r}")
    return value
