"""The :class:`Dataset`: points and labels split into train, test and (optionally) validation,
the inputs the network sees and the targets it trains on.

Tasks: ``"binary"`` (labels 0/1, one sigmoid output), ``"multiclass"`` (labels 0…k−1, a softmax
output of k units) and ``"regression"`` (real targets).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from . import features as feature_module

BINARY, MULTICLASS, REGRESSION = "binary", "multiclass", "regression"

@dataclass(frozen=True)
class Dataset:
    """Points and labels, split into train, test and an optional validation set.

    ``points_*``: (m, d) raw inputs (d = 2 for the plane datasets); ``y_*``: (m,) class labels
    (int) or regression targets (float), in the data's own units.  ``points_val``/``y_val``
    (default: none, shape (0, d) and (0,)) hold rows kept apart from training and testing:
    what early stopping watches, so that the test set stays unseen.  ``features`` names the
    network's inputs derived from the points (see :mod:`engine.data.features`); datasets that
    are not 2-D use their raw inputs.
    ``input_labels`` optionally names the d raw input columns (e.g. the header of a CSV file,
    or ``p0_0``… for digit pixels): they are the input names of data that is not 2-D.
    ``params["image_shape"]``, when present, is (rows, columns) of inputs that are images.

    ``params["standardize"]``, when present, is ``{"mean": [d floats], "std": [d floats > 0]}``:
    :meth:`inputs` then maps the raw points to ``(points − mean) / std`` before the feature
    transform (2-D data) or as the network's inputs (other data).  ``points_*`` stay in the
    data's own units.  Lists or arrays are accepted (a session file stores JSON lists).

    ``params["target_scale"]``, when present (regression only), is ``{"mean": float, "std":
    float > 0}``: the network trains on :meth:`scaled_targets` ``(y − mean) / std`` and
    :meth:`target_units` maps its outputs back, ``ŷ · std + mean``.  ``y_*`` stay in the data's
    own units.
    """

    name: str
    task: str
    points_train: np.ndarray
    y_train: np.ndarray
    points_test: np.ndarray
    y_test: np.ndarray
    n_classes: int = 0
    features: tuple[str, ...] = feature_module.DEFAULT_FEATURES
    domain: tuple[tuple[float, float], tuple[float, float]] = ((-6.0, 6.0), (-6.0, 6.0))
    params: dict = field(default_factory=dict)
    class_names: tuple[str, ...] = ()
    input_labels: tuple[str, ...] = ()
    points_val: np.ndarray | None = None
    y_val: np.ndarray | None = None

    def __post_init__(self):
        if self.points_val is None or self.y_val is None:
            if (self.points_val is None) != (self.y_val is None):
                raise ValueError("give both points_val and y_val, or neither")
            object.__setattr__(self, "points_val",
                               np.zeros((0, self.points_train.shape[1]), self.points_train.dtype))
            object.__setattr__(self, "y_val", self.y_train[:0].copy())
        if self.points_val.ndim != 2 or self.points_val.shape[1] != self.points_train.shape[1] \
                or len(self.points_val) != len(self.y_val):
            raise ValueError(f"the validation set must have {self.points_train.shape[1]} input "
                             "column(s) and one target per row")
        if self.is_planar:
            object.__setattr__(self, "features", feature_module.check_features(self.features))
        labels = tuple(str(label) for label in self.input_labels)
        if labels and len(labels) != self.points_train.shape[1]:
            raise ValueError(f"{len(labels)} input labels for {self.points_train.shape[1]} "
                             f"input columns")
        object.__setattr__(self, "input_labels", labels)
        self._check_standardize()
        self._check_target_scale()
        for name in ("points_train", "y_train", "points_test", "y_test", "points_val", "y_val"):
            array = getattr(self, name)
            array.setflags(write=False)

    # ------------------------------------------------------------------ shape of the data
    @property
    def is_planar(self) -> bool:
        """True when the raw inputs are points (x₁, x₂): the boundary plot applies."""
        return self.points_train.shape[1] == 2

    @property
    def is_classification(self) -> bool:
        return self.task in (BINARY, MULTICLASS)

    @property
    def input_names(self) -> tuple[str, ...]:
        """The network's input names: the selected features (2-D data), else the input labels
        or, without them, x1…xd."""
        if self.is_planar:
            return self.features
        if self.input_labels:
            return self.input_labels
        return tuple(f"x{i + 1}" for i in range(self.points_train.shape[1]))

    @property
    def input_titles(self) -> tuple[str, ...]:
        """How the window writes the network's inputs (one title per input, like
        :attr:`input_names`).  Data that is not 2-D: its input labels, else x1…xd.  2-D data:
        each feature written with the columns' labels in place of x₁ and x₂ (``"height"``,
        ``"height²"``, ``"sin(height)"``, ``"height·weight"``); without labels (or with the
        labels x1, x2) the features' math labels (x₁, x₁², sin x₁, x₁x₂ …)."""
        if not self.is_planar:
            return self.input_names
        a, b = self.axis_titles
        if (a, b) == _MATH_AXES:
            return tuple(feature_module.label(name) for name in self.features)
        return tuple(_feature_title(name, a, b) for name in self.features)

    @property
    def axis_titles(self) -> tuple[str, str]:
        """(title of x₁, title of x₂) of 2-D data: the input labels, else "x₁", "x₂".
        ValueError for data that is not 2-D."""
        if not self.is_planar:
            raise ValueError(f"{self.name!r} is not a 2-D dataset: it has no x₁, x₂ axes")
        titles = []
        for k, math_title in enumerate(_MATH_AXES):
            label = self.input_labels[k].strip() if self.input_labels else ""
            titles.append(math_title if label in ("", f"x{k + 1}") else label)
        return tuple(titles)

    @property
    def n_inputs(self) -> int:
        return len(self.input_names)

    @property
    def n_outputs(self) -> int:
        """Output units a network needs: k for k > 2 classes, else 1."""
        return self.n_classes if self.task == MULTICLASS else 1

    @property
    def default_loss(self) -> str:
        return {BINARY: "bce", MULTICLASS: "cross_entropy", REGRESSION: "mse"}[self.task]

    @property
    def default_output(self) -> str:
        return {BINARY: "sigmoid", MULTICLASS: "softmax", REGRESSION: "identity"}[self.task]

    # ------------------------------------------------------------------ inputs
    def inputs(self, points: np.ndarray) -> np.ndarray:
        """Raw points (m, d) → network inputs (m, n_inputs): standardized first when
        ``params["standardize"]`` is set, then (2-D data) the selected features."""
        points = np.asarray(points, dtype=np.float64)
        scale = self.standardization
        if scale is not None:
            mean, std = scale
            points = (points - mean) / std
        if self.is_planar:
            return feature_module.transform(points, self.features)
        return np.ascontiguousarray(points, dtype=np.float64)

    @property
    def standardization(self) -> tuple[np.ndarray, np.ndarray] | None:
        """(mean (d,), std (d,)) of ``params["standardize"]``, or None when the raw points
        are the inputs as they are."""
        scale = self.params.get("standardize") if isinstance(self.params, dict) else None
        if scale is None:
            return None
        return (np.asarray(scale["mean"], dtype=np.float64),
                np.asarray(scale["std"], dtype=np.float64))

    def _check_standardize(self) -> None:
        scale = self.params.get("standardize") if isinstance(self.params, dict) else None
        if scale is None:
            return
        d = self.points_train.shape[1]
        problem = f'params["standardize"] must be {{"mean": [...], "std": [...]}} with {d} ' \
                  "finite numbers each (std > 0)"
        if not isinstance(scale, dict) or set(scale) != {"mean", "std"}:
            raise ValueError(problem)
        try:
            mean = np.asarray(scale["mean"], dtype=np.float64)
            std = np.asarray(scale["std"], dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(problem) from None
        if mean.shape != (d,) or std.shape != (d,) or not np.isfinite(mean).all() \
                or not np.isfinite(std).all() or not (std > 0).all():
            raise ValueError(problem)

    @property
    def X_train(self) -> np.ndarray:
        return self.inputs(self.points_train)

    @property
    def X_test(self) -> np.ndarray:
        return self.inputs(self.points_test)

    @property
    def X_val(self) -> np.ndarray:
        return self.inputs(self.points_val)

    @property
    def has_validation(self) -> bool:
        """True when some rows are kept apart as a validation set."""
        return len(self.y_val) > 0

    # ------------------------------------------------------------------ targets
    @property
    def target_scale(self) -> tuple[float, float] | None:
        """(mean, std) of ``params["target_scale"]``, or None when the network trains on the
        targets as they are."""
        scale = self.params.get("target_scale") if isinstance(self.params, dict) else None
        if scale is None:
            return None
        return float(scale["mean"]), float(scale["std"])

    def scaled_targets(self, y: np.ndarray) -> np.ndarray:
        """Targets in the data's units (m,) → what the network trains on: ``(y − mean) / std``
        with a target scale, else ``y`` itself."""
        scale = self.target_scale
        if scale is None:
            return y
        return (np.asarray(y, dtype=np.float64) - scale[0]) / scale[1]

    def target_units(self, values: np.ndarray) -> np.ndarray:
        """The network's regression outputs (any shape) → the data's units: ``ŷ · std + mean``
        with a target scale, else the outputs themselves (as float64)."""
        values = np.asarray(values, dtype=np.float64)
        scale = self.target_scale
        if scale is None:
            return values
        return values * scale[1] + scale[0]

    def _check_target_scale(self) -> None:
        scale = self.params.get("target_scale") if isinstance(self.params, dict) else None
        if scale is None:
            return
        problem = 'params["target_scale"] must be {"mean": number, "std": number > 0} ' \
                  "(finite numbers), for a regression"
        if self.task != REGRESSION or not isinstance(scale, dict) \
                or set(scale) != {"mean", "std"}:
            raise ValueError(problem)
        if not all(is_number(scale[k]) for k in ("mean", "std")) or not scale["std"] > 0:
            raise ValueError(problem)

    def with_features(self, names: Sequence[str]) -> "Dataset":
        if not self.is_planar:
            raise ValueError(f"{self.name!r} is not a 2-D dataset; derived features need x₁, x₂")
        return dataclasses.replace(self, features=feature_module.check_features(names))

    def target_function(self, points: np.ndarray) -> np.ndarray | None:
        """The noiseless function a generated regression dataset samples, or None (also for
        imported or drawn data, whatever its name)."""
        if "source" in self.params or self.params.get("edited"):
            return None
        from .datasets import GENERATORS      # the registry knows each generated set's f(x)
        generator = GENERATORS.get(self.name)
        if generator is None or generator.target is None:
            return None
        return generator.target(np.asarray(points, dtype=np.float64))

    def __repr__(self) -> str:
        val = f" validation={len(self.y_val)}" if self.has_validation else ""
        return (f"<Dataset {self.name} {self.task} train={len(self.y_train)} "
                f"test={len(self.y_test)}{val} features={','.join(self.input_names)}>")


_MATH_AXES = ("x₁", "x₂")
#: How a feature is written with the columns' titles {a} (x₁) and {b} (x₂).
_TITLE_TEMPLATES = {"x1": "{a}", "x2": "{b}", "x1^2": "{A}²", "x2^2": "{B}²",
                    "x1*x2": "{A}·{B}", "sin(x1)": "sin({a})", "sin(x2)": "sin({b})"}
_OPERATORS = frozenset("+-−*/^·×÷=<>²³")


def _operand(title: str) -> str:
    """``title`` ready to be squared or multiplied: in parentheses when it holds an operator
    (``"a-b"`` → ``"(a-b)"``), else as it is (``"height (cm)"``)."""
    if _OPERATORS.intersection(title) and not (title.startswith("(") and title.endswith(")")):
        return f"({title})"
    return title


def _feature_title(name: str, a: str, b: str) -> str:
    template = _TITLE_TEMPLATES.get(name)
    if template is None:        # a feature without a template: substitute in its math label
        label = feature_module.label(name)
        return label.replace("x₁", _operand(a)).replace("x₂", _operand(b))
    return template.format(a=a, b=b, A=_operand(a), B=_operand(b))



def is_number(x) -> bool:
    return isinstance(x, (int, float, np.integer, np.floating)) and np.isfinite(x)


def split_counts(n: int, test_fraction, validation_fraction=0.0) -> tuple[int, int]:
    """(n_test, n_validation) of ``n`` rows: ``round(n · fraction)`` each, the test rows taken
    first.  ValueError for a fraction outside [0, 1) or when no training row is left."""
    check_fractions(test_fraction, validation_fraction)
    n_test = int(round(n * test_fraction))
    n_val = int(round(n * validation_fraction))
    if n - n_test - n_val < 1:
        if not validation_fraction:
            raise ValueError(f"a test fraction of {test_fraction:g} leaves no training samples "
                             f"out of {n}; lower it or add samples")
        raise ValueError(f"test and validation fractions of {test_fraction:g} and "
                         f"{validation_fraction:g} leave no training samples out of {n}; lower "
                         "them or add samples")
    return n_test, n_val


def check_fractions(test_fraction, validation_fraction=0.0) -> None:
    """ValueError unless both fractions lie in [0, 1) and add up to less than 1."""
    for what, fraction in (("test_fraction", test_fraction),
                           ("validation_fraction", validation_fraction)):
        if not is_number(fraction) or not 0 <= fraction < 1:
            raise ValueError(f"{what} must be in [0, 1), not {fraction!r}")
    if test_fraction + validation_fraction >= 1:
        raise ValueError(f"test and validation fractions of {test_fraction:g} and "
                         f"{validation_fraction:g} leave nothing to train on; they must add "
                         "up to less than 1")


def check_int(what, value, lo, hi, hint=None):
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or not lo <= value <= hi:
        raise ValueError(hint or f"{what} must be a whole number from {lo} to {hi}, not {value!r}")
