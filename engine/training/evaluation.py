"""Measuring a session's network on its data, and predicting for new inputs.

The network trains on :meth:`~engine.data.dataset.Dataset.scaled_targets`: a regression's
targets standardized with the data's ``params["target_scale"]`` (when it has one), else the
targets as they are.  What the session reports is in the data's own units:

* the **loss** is the one the network minimizes (the data loss, without the penalty) — for a
  scaled regression the MSE of the standardized targets, i.e. the file's ½·mean(ŷ − y)²
  divided by std²;
* **R²** is scale-free: the same in either units; **MAE** and :meth:`Evaluation.predict`'s
  values are in the data's units (ŷ · std + mean).

A base class of :class:`~engine.training.session.TrainingSession`, whose fields it uses.
"""
from __future__ import annotations

import math

import numpy as np

from . import metrics
from ..data.dataset import REGRESSION
from ..nn.layers import batch_order

SPLITS = ("train", "test", "validation")


def history_columns(metric: str, n_layers: int, validation: bool) -> list[str]:
    """The history's columns (after "epoch") of a session: the losses and ``metric`` of each
    split (validation only when there is a validation set), then ‖dW‖ of each layer."""
    columns = ["train_loss", "test_loss", f"train_{metric}", f"test_{metric}"]
    if validation:
        columns += ["val_loss", f"val_{metric}"]
    return columns + [f"grad_norm_{i}" for i in range(n_layers)]


def _quiet():
    return np.errstate(over="ignore", invalid="ignore", divide="ignore")


class Evaluation:
    """Evaluation, history rows and predictions (see the module docstring)."""

    def _prepare_data(self) -> None:
        """The network's inputs and the loss's targets of every split, in its dtype."""
        net, data = self.network, self.data
        self._X = net.as_input(data.X_train)
        self._labels = {"train": data.scaled_targets(data.y_train),
                        "test": data.scaled_targets(data.y_test),
                        "validation": data.scaled_targets(data.y_val)}
        # Targets in the order of the output layer's arrays: Â − Y runs along memory.
        self._Y = batch_order(self._loss.targets(self._labels["train"], net.n_outputs, net.dtype))
        self._X_test, self._Y_test = self._split_arrays(data.X_test, self._labels["test"])
        self._X_val, self._Y_val = self._split_arrays(data.X_val, self._labels["validation"])
        with _quiet():
            self._baseline = self._loss.baseline(self._Y)

    def _split_arrays(self, X, labels) -> tuple[np.ndarray, np.ndarray]:
        if not len(labels):
            return self._X[:0], self._Y[:0]
        net = self.network
        return net.as_input(X), batch_order(self._loss.targets(labels, net.n_outputs, net.dtype))

    def _arrays(self, split: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(X, Y, labels in training units) of "train", "test" or "validation"."""
        if split == "train":
            return self._X, self._Y, self._labels["train"]
        if split == "test":
            return self._X_test, self._Y_test, self._labels["test"]
        if split == "validation":
            return self._X_val, self._Y_val, self._labels["validation"]
        raise ValueError(f"split must be one of {', '.join(SPLITS)}, not {split!r}")

    def _evaluate(self, X, Y, labels) -> tuple[float, float]:
        """(data loss, accuracy or R²) of the network on one split; NaNs for no samples."""
        if X.shape[0] == 0:
            return math.nan, math.nan
        net = self.network
        A = net.propagate(X)
        out = net.layers[-1]
        loss = float(self._loss.value(out.Z, A, Y, logsumexp=out.logsumexp))
        score = (metrics.r_squared(A, labels) if self.metric == "r2"
                 else metrics.accuracy(A, labels))
        return loss, float(score)

    def _record(self) -> float:
        """Evaluate and append a history row; returns the training loss (a row is recorded
        only when it is finite)."""
        # Test (and validation) first, then train: the layers keep the pass over the training
        # set, which the next full-batch step reuses as its forward pass (the weights have not
        # changed).  Callers silence overflow (_overflow_is_handled): a second np.errstate
        # inside step() would cost 2 µs, 5% of a small step.
        test = self._evaluate(*self._arrays("test"))
        val = self._evaluate(*self._arrays("validation")) if self.data.has_validation else ()
        train = self._evaluate(self._X, self._Y, self._labels["train"])
        net = self.network
        self._cached_forward = (self._X, net.forward_serial, net.theta.tobytes())
        if math.isfinite(train[0]):
            self.history.append(self.epoch, [train[0], test[0], train[1], test[1], *val,
                                             *self._last_grad_norms.tolist()])
        return train[0]

    def evaluate(self, split: str = "train") -> dict[str, float]:
        """``{"loss": …, "accuracy": …}`` on "train", "test" or "validation" (plain floats);
        a regression gives ``{"loss", "r2", "mae"}`` with the mean absolute error in the data's
        units.  The loss is the data loss, without the regularization penalty.  NaN when the
        split has no samples."""
        X, Y, labels = self._arrays(split)
        with _quiet():
            loss, score = self._evaluate(X, Y, labels)
            result = {"loss": loss, self.metric: score}
            if self.data.task == REGRESSION:
                result["mae"] = (math.nan if not len(labels) else metrics.mean_absolute_error(
                    self.data.target_units(self.network.layers[-1].A), self._raw_targets(split)))
        return result

    def _raw_targets(self, split: str) -> np.ndarray:
        data = self.data
        return {"train": data.y_train, "test": data.y_test, "validation": data.y_val}[split]

    # ------------------------------------------------------------------ new inputs
    def outputs(self, points) -> np.ndarray:
        """The network's outputs (m, n_outputs) for raw inputs ``points`` (m, d) in the data's
        own units (or one row (d,)): they go through the data's standardization and features
        first.  ValueError for the wrong shape or values that are not finite."""
        data = self.data
        d = data.points_train.shape[1]
        try:
            points = np.asarray(points, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"give the inputs as numbers, shape (m, {d})") from None
        if points.ndim == 1 and points.shape[0] == d:
            points = points[None, :]
        if points.ndim != 2 or points.shape[1] != d:
            names = ", ".join(data.input_labels or [f"x{i + 1}" for i in range(d)])
            raise ValueError(f"give raw inputs of shape (m, {d}) ({names}), not shape "
                             f"{points.shape}")
        if not np.isfinite(points).all():
            raise ValueError("the inputs contain NaN or infinite values")
        X = self.network.as_input(data.inputs(points))
        with _quiet():
            return self.network.propagate(X).copy()

    def predict(self, points) -> np.ndarray:
        """Predictions for raw inputs ``points`` (m, d) (see :meth:`outputs`): class labels
        0…k−1 (int64; ``data.class_names`` names them) for a classification, values in the
        data's units (float64) for a regression.  Shape (m,)."""
        A = self.outputs(points)
        if self.data.task == REGRESSION:
            return self.data.target_units(A[:, 0])
        return metrics.predicted_classes(A)

    def predict_proba(self, points) -> np.ndarray:
        """Class probabilities (m, k) for raw inputs ``points`` (m, d); one sigmoid output p
        gives the columns (1 − p, p).  ValueError for a regression, or an output layer whose
        values are not probabilities."""
        if self.data.task == REGRESSION:
            raise ValueError("a regression predicts values, not probabilities: use predict()")
        output = self.network.output_activation
        if output not in ("sigmoid", "softmax"):
            raise ValueError(f"the output layer ({output}) does not give probabilities: use "
                             "predict(), or a sigmoid or softmax output")
        A = self.outputs(points).astype(np.float64)
        return np.column_stack([1.0 - A[:, 0], A[:, 0]]) if A.shape[1] == 1 else A
