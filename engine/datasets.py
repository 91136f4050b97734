"""Toy datasets on the plane, generated reproducibly from a seed, and handwritten digits.

``load(name, n_samples=, noise=, test_fraction=, seed=, n_classes=, features=)`` returns a
:class:`Dataset`: raw points (m, 2) with labels, split into train and test, plus the input
features the network sees (``X_train``, ``X_test``).

``"digits"`` is not generated: it is the 8×8 handwritten digits (1797 images, 64 pixels
scaled to [0, 1], 10 classes) read from ``resources/datasets/digits.csv.gz``; its
``params["image_shape"]`` is ``(8, 8)`` (row-major pixels).  Data read from a CSV file comes
from :mod:`engine.dataset_csv`.

Tasks: ``"binary"`` (labels 0/1, one sigmoid output), ``"multiclass"`` (labels 0…k−1, a softmax
output of k units) and ``"regression"`` (real targets).
"""
from __future__ import annotations

import dataclasses
import gzip
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from . import features as feature_module

BINARY, MULTICLASS, REGRESSION = "binary", "multiclass", "regression"


@dataclass(frozen=True)
class Dataset:
    """Points and labels, split into train and test.

    ``points_*``: (m, d) raw inputs (d = 2 for the plane datasets); ``y_*``: (m,) class labels
    (int) or regression targets (float).  ``features`` names the network's inputs derived from
    the points (see :mod:`engine.features`); datasets that are not 2-D use their raw inputs.
    ``input_labels`` optionally names the d raw input columns (e.g. the header of a CSV file,
    or ``p0_0``… for digit pixels): they are the input names of data that is not 2-D.
    ``params["image_shape"]``, when present, is (rows, columns) of inputs that are images.

    ``params["standardize"]``, when present, is ``{"mean": [d floats], "std": [d floats > 0]}``:
    :meth:`inputs` then maps the raw points to ``(points − mean) / std`` before the feature
    transform (2-D data) or as the network's inputs (other data).  ``points_*`` stay in the
    data's own units.  Lists or arrays are accepted (a session file stores JSON lists).
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

    def __post_init__(self):
        if self.is_planar:
            object.__setattr__(self, "features", feature_module.check_features(self.features))
        labels = tuple(str(label) for label in self.input_labels)
        if labels and len(labels) != self.points_train.shape[1]:
            raise ValueError(f"{len(labels)} input labels for {self.points_train.shape[1]} "
                             f"input columns")
        object.__setattr__(self, "input_labels", labels)
        self._check_standardize()
        for name in ("points_train", "y_train", "points_test", "y_test"):
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

    def with_features(self, names: Sequence[str]) -> "Dataset":
        if not self.is_planar:
            raise ValueError(f"{self.name!r} is not a 2-D dataset; derived features need x₁, x₂")
        return dataclasses.replace(self, features=feature_module.check_features(names))

    def target_function(self, points: np.ndarray) -> np.ndarray | None:
        """The noiseless function a generated regression dataset samples, or None (also for
        imported or drawn data, whatever its name)."""
        if "source" in self.params or self.params.get("edited"):
            return None
        generator = GENERATORS.get(self.name)
        if generator is None or generator.target is None:
            return None
        return generator.target(np.asarray(points, dtype=np.float64))

    def __repr__(self) -> str:
        return (f"<Dataset {self.name} {self.task} train={len(self.y_train)} "
                f"test={len(self.y_test)} features={','.join(self.input_names)}>")


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


# ---------------------------------------------------------------------- generators
@dataclass(frozen=True)
class Generator:
    """Makes (points (n, d), labels (n,)) from (n, noise, n_classes, rng); d = 2 except for
    digits, whose extra fields name its pixels and classes."""

    make: Callable
    task: str
    domain: tuple
    n_samples: int = 300
    noise: float = 0.0
    test_fraction: float = 0.3
    classes: tuple[int, int] = (2, 2)        # allowed n_classes (min, max)
    target: Callable | None = None           # regression: the noiseless f(points)
    description: str = ""
    max_samples: int = 100_000               # n_samples allowed: 1 … max_samples
    class_names: tuple[str, ...] = ()
    input_labels: tuple[str, ...] = ()
    image_shape: tuple[int, int] | None = None   # (rows, columns) when samples are images


def _corners(truth):
    def make(n, noise, n_classes, rng):
        corners = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
        index = np.arange(n) % 4
        points = corners[index] + rng.normal(0.0, noise, size=(n, 2))
        return points, np.array(truth)[index]
    return make


def _xor_clouds(n, noise, n_classes, rng):
    points = rng.uniform(-5, 5, size=(n, 2))
    points += np.where(points > 0, 0.3, -0.3)          # a little gap along both axes
    labels = (points[:, 0] * points[:, 1] > 0).astype(np.int64)
    return points + rng.normal(0.0, noise, size=(n, 2)), labels


def _circles(n, noise, n_classes, rng):
    labels = np.arange(n) % 2                          # 1: inner disk, 0: ring
    radius = np.where(labels == 1, rng.uniform(0, 2.0, n), rng.uniform(3.5, 5.0, n))
    angle = rng.uniform(0, 2 * np.pi, n)
    points = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    return points + rng.normal(0.0, noise, size=(n, 2)), labels


def _moons(n, noise, n_classes, rng):
    labels = np.arange(n) % 2
    t = rng.uniform(0, np.pi, n)
    upper = np.column_stack([np.cos(t), np.sin(t)])
    lower = np.column_stack([1.0 - np.cos(t), 0.5 - np.sin(t)])
    points = np.where(labels[:, None] == 0, upper, lower)
    points = (points - [0.5, 0.25]) * 3.0
    return points + rng.normal(0.0, noise, size=(n, 2)), labels


def _gaussians(n, noise, n_classes, rng):
    labels = np.arange(n) % n_classes
    if n_classes == 2:
        centres = np.array([[2.0, 2.0], [-2.0, -2.0]])
    else:
        angles = 2 * np.pi * np.arange(n_classes) / n_classes
        centres = 3.0 * np.column_stack([np.cos(angles), np.sin(angles)])
    return centres[labels] + rng.normal(0.0, 0.5 + noise, size=(n, 2)), labels


def _spiral(n, noise, n_classes, rng):
    labels = np.arange(n) % n_classes
    s = rng.uniform(0.0, 1.0, n)                       # position along the arm
    radius = 5.0 * s
    angle = 1.75 * 2 * np.pi * s + 2 * np.pi * labels / n_classes
    points = np.column_stack([radius * np.sin(angle), radius * np.cos(angle)])
    return points + rng.normal(0.0, noise, size=(n, 2)), labels


def _regression(f):
    def make(n, noise, n_classes, rng):
        points = rng.uniform(-1.0, 1.0, size=(n, 2))
        return points, f(points) + rng.normal(0.0, noise, size=n)
    return make


def _paraboloid(points):
    return points[:, 0] ** 2 + points[:, 1] ** 2


def _plane(points):
    return points[:, 0] + points[:, 1]


# ---------------------------------------------------------------------- handwritten digits
#: The 8×8 digits: scikit-learn's copy of the UCI test set (see resources/datasets/README.md).
DIGITS_PATH = Path(__file__).resolve().parent.parent / "resources" / "datasets" / "digits.csv.gz"
DIGITS_COUNT, DIGITS_SHAPE = 1797, (8, 8)
_digits_cache: tuple[np.ndarray, np.ndarray] | None = None


def digits_data() -> tuple[np.ndarray, np.ndarray]:
    """All 1797 digits: pixels (1797, 64) as integers 0…16 (float64) and labels (1797,) int64,
    in the file's order.  Read once, then cached; the arrays are read-only."""
    global _digits_cache
    if _digits_cache is None:
        if not DIGITS_PATH.is_file():
            raise ValueError(f"the handwritten digits file is missing: {DIGITS_PATH} "
                             "(it ships with Backprop Lab in resources/datasets/)")
        try:
            with gzip.open(DIGITS_PATH, "rt", encoding="ascii") as f:
                table = np.loadtxt(f, delimiter=",", dtype=np.float64, ndmin=2)
        except (OSError, EOFError, ValueError, UnicodeDecodeError) as exc:
            raise ValueError(f"the handwritten digits file {DIGITS_PATH} is damaged: {exc}") \
                from exc
        n_pixels = DIGITS_SHAPE[0] * DIGITS_SHAPE[1]
        if table.shape != (DIGITS_COUNT, n_pixels + 1):
            raise ValueError(f"the handwritten digits file {DIGITS_PATH} has shape "
                             f"{table.shape}, expected ({DIGITS_COUNT}, {n_pixels + 1})")
        pixels = np.ascontiguousarray(table[:, :n_pixels])
        labels = table[:, n_pixels].astype(np.int64)
        pixels.setflags(write=False)
        labels.setflags(write=False)
        _digits_cache = pixels, labels
    return _digits_cache


def _digits(n, noise, n_classes, rng):
    pixels, labels = digits_data()
    index = (np.arange(len(labels)) if n >= len(labels)
             else np.sort(rng.choice(len(labels), size=n, replace=False)))
    # always draw the noise, so the subset and split do not depend on its size (as above)
    points = pixels[index] / 16.0 + rng.normal(0.0, noise, size=(len(index), pixels.shape[1]))
    return points, labels[index]


_UNIT = ((-0.5, 1.5), (-0.5, 1.5))
_PLANE = ((-6.0, 6.0), (-6.0, 6.0))
_SQUARE = ((-1.2, 1.2), (-1.2, 1.2))

GENERATORS: dict[str, Generator] = {
    "xor": Generator(_corners([0, 1, 1, 0]), BINARY, _UNIT, n_samples=4, test_fraction=0.0,
                     description="the four corners of the unit square; 1 where x₁ ≠ x₂"),
    "and": Generator(_corners([0, 0, 0, 1]), BINARY, _UNIT, n_samples=4, test_fraction=0.0,
                     description="the four corners; 1 only at (1, 1)"),
    "or": Generator(_corners([0, 1, 1, 1]), BINARY, _UNIT, n_samples=4, test_fraction=0.0,
                    description="the four corners; 0 only at (0, 0)"),
    "xor_clouds": Generator(_xor_clouds, BINARY, _PLANE, noise=0.3,
                            description="noisy XOR: class 1 in the 1st and 3rd quadrants"),
    "circles": Generator(_circles, BINARY, _PLANE, noise=0.3,
                         description="a disk inside a ring"),
    "moons": Generator(_moons, BINARY, _PLANE, noise=0.3,
                       description="two interleaving half moons"),
    "gaussians": Generator(_gaussians, BINARY, _PLANE, noise=0.5, classes=(2, 8),
                           description="one Gaussian blob per class"),
    "spiral": Generator(_spiral, BINARY, _PLANE, noise=0.2, classes=(2, 8),
                        description="interleaved spiral arms, one per class"),
    "paraboloid": Generator(_regression(_paraboloid), REGRESSION, _SQUARE, noise=0.0,
                            target=_paraboloid, description="f(x₁, x₂) = x₁² + x₂²"),
    "plane": Generator(_regression(_plane), REGRESSION, _SQUARE, noise=0.0,
                       target=_plane, description="f(x₁, x₂) = x₁ + x₂"),
    "digits": Generator(_digits, MULTICLASS, ((0.0, 1.0), (0.0, 1.0)), n_samples=DIGITS_COUNT,
                        noise=0.0, classes=(10, 10), max_samples=DIGITS_COUNT,
                        class_names=tuple(str(k) for k in range(10)),
                        input_labels=tuple(f"p{r}_{c}" for r in range(DIGITS_SHAPE[0])
                                           for c in range(DIGITS_SHAPE[1])),
                        image_shape=DIGITS_SHAPE,
                        description="handwritten digits 0–9: 8×8 images of 64 pixels in [0, 1] "
                                    "(UCI optical digits, 1797 images)"),
}
NAMES = tuple(GENERATORS)


def load(name: str, n_samples: int | None = None, noise: float | None = None,
         test_fraction: float | None = None, seed: int = 0, n_classes: int | None = None,
         features: Sequence[str] = feature_module.DEFAULT_FEATURES) -> Dataset:
    """Generate dataset ``name`` (see :data:`NAMES`); unset options take its defaults."""
    generator = GENERATORS.get(name)
    if generator is None:
        raise ValueError(f"unknown dataset {name!r}; choose one of {', '.join(NAMES)}")
    n_samples = generator.n_samples if n_samples is None else n_samples
    noise = generator.noise if noise is None else noise
    test_fraction = generator.test_fraction if test_fraction is None else test_fraction
    lo, hi = generator.classes
    n_classes = lo if n_classes is None else n_classes
    _check_int("n_samples", n_samples, 1, generator.max_samples,
               hint=(f"{name!r} has {generator.max_samples} samples: n_samples must be a whole "
                     f"number from 1 to {generator.max_samples}, not {n_samples!r}")
               if generator.max_samples < 100_000 else None)
    _check_int("seed", seed, 0, 2**63 - 1)
    _check_int("n_classes", n_classes, lo, hi,
               hint=f"{name!r} has exactly {lo} classes" if lo == hi else None)
    if not _is_number(noise) or noise < 0:
        raise ValueError(f"noise must be a number ≥ 0, not {noise!r}")
    if not _is_number(test_fraction) or not 0 <= test_fraction < 1:
        raise ValueError(f"test_fraction must be in [0, 1), not {test_fraction!r}")
    n_test = int(round(n_samples * test_fraction))
    if n_samples - n_test < 1:
        raise ValueError(f"a test fraction of {test_fraction:g} leaves no training samples "
                         f"out of {n_samples}; lower it or add samples")

    rng = np.random.default_rng(seed)
    points, labels = generator.make(n_samples, float(noise), n_classes, rng)
    order = rng.permutation(n_samples)
    test, train = order[:n_test], order[n_test:]
    if generator.task != REGRESSION:
        labels = labels.astype(np.int64)
    task = MULTICLASS if generator.task == BINARY and n_classes > 2 else generator.task
    params = {"n_samples": int(n_samples), "noise": float(noise),
              "test_fraction": float(test_fraction), "seed": int(seed),
              "n_classes": int(n_classes)}
    if generator.image_shape is not None:
        params["image_shape"] = tuple(generator.image_shape)
    return Dataset(
        name=name, task=task,
        points_train=np.ascontiguousarray(points[train]), y_train=labels[train],
        points_test=np.ascontiguousarray(points[test]), y_test=labels[test],
        n_classes=0 if task == REGRESSION else n_classes,
        features=tuple(features), domain=generator.domain, params=params,
        class_names=generator.class_names, input_labels=generator.input_labels,
    )


def describe(name: str) -> str:
    return GENERATORS[name].description


def _is_number(x) -> bool:
    return isinstance(x, (int, float, np.integer, np.floating)) and np.isfinite(x)


def _check_int(what, value, lo, hi, hint=None):
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or not lo <= value <= hi:
        raise ValueError(hint or f"{what} must be a whole number from {lo} to {hi}, not {value!r}")
