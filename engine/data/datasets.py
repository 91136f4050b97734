"""Toy datasets on the plane, generated reproducibly from a seed, and handwritten digits.

``load(name, n_samples=, noise=, test_fraction=, seed=, n_classes=, features=,
validation_fraction=)`` returns a :class:`Dataset`: raw points (m, 2) with labels, split into
train, test and (with ``validation_fraction`` > 0) validation, plus the input features the
network sees (``X_train``, ``X_test``, ``X_val``).

``"digits"`` is not generated: it is the 8×8 handwritten digits (1797 images, 64 pixels
scaled to [0, 1], 10 classes) read by :mod:`engine.data.digits`; its
``params["image_shape"]`` is ``(8, 8)`` (row-major pixels).  Data read from a CSV file comes
from :mod:`engine.io.csv_dataset`.

Tasks: ``"binary"`` (labels 0/1, one sigmoid output), ``"multiclass"`` (labels 0…k−1, a softmax
output of k units) and ``"regression"`` (real targets).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from . import features as feature_module
from .dataset import BINARY, MULTICLASS, REGRESSION, Dataset, check_int, is_number, split_counts
from .digits import DIGITS_COUNT, DIGITS_SHAPE, digits_data, make_digits

__all__ = ["BINARY", "MULTICLASS", "REGRESSION", "Dataset", "GENERATORS", "NAMES", "Generator",
           "describe", "digits_data", "load"]


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
    "digits": Generator(make_digits, MULTICLASS, ((0.0, 1.0), (0.0, 1.0)), n_samples=DIGITS_COUNT,
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
         features: Sequence[str] = feature_module.DEFAULT_FEATURES,
         validation_fraction: float = 0.0) -> Dataset:
    """Generate dataset ``name`` (see :data:`NAMES`); unset options take its defaults.

    The shuffled samples go ``round(n · test_fraction)`` to the test set, then
    ``round(n · validation_fraction)`` to the validation set, the rest to training (so a
    validation share leaves the test set as it was without one)."""
    generator = GENERATORS.get(name)
    if generator is None:
        raise ValueError(f"unknown dataset {name!r}; choose one of {', '.join(NAMES)}")
    n_samples = generator.n_samples if n_samples is None else n_samples
    noise = generator.noise if noise is None else noise
    test_fraction = generator.test_fraction if test_fraction is None else test_fraction
    lo, hi = generator.classes
    n_classes = lo if n_classes is None else n_classes
    check_int("n_samples", n_samples, 1, generator.max_samples,
               hint=(f"{name!r} has {generator.max_samples} samples: n_samples must be a whole "
                     f"number from 1 to {generator.max_samples}, not {n_samples!r}")
               if generator.max_samples < 100_000 else None)
    check_int("seed", seed, 0, 2**63 - 1)
    check_int("n_classes", n_classes, lo, hi,
               hint=f"{name!r} has exactly {lo} classes" if lo == hi else None)
    if not is_number(noise) or noise < 0:
        raise ValueError(f"noise must be a number ≥ 0, not {noise!r}")
    n_test, n_val = split_counts(n_samples, test_fraction, validation_fraction)

    rng = np.random.default_rng(seed)
    points, labels = generator.make(n_samples, float(noise), n_classes, rng)
    order = rng.permutation(n_samples)
    test, val, train = order[:n_test], order[n_test:n_test + n_val], order[n_test + n_val:]
    if generator.task != REGRESSION:
        labels = labels.astype(np.int64)
    task = MULTICLASS if generator.task == BINARY and n_classes > 2 else generator.task
    params = {"n_samples": int(n_samples), "noise": float(noise),
              "test_fraction": float(test_fraction), "seed": int(seed),
              "n_classes": int(n_classes)}
    if validation_fraction:
        params["validation_fraction"] = float(validation_fraction)
    if generator.image_shape is not None:
        params["image_shape"] = tuple(generator.image_shape)
    return Dataset(
        name=name, task=task,
        points_train=np.ascontiguousarray(points[train]), y_train=labels[train],
        points_test=np.ascontiguousarray(points[test]), y_test=labels[test],
        n_classes=0 if task == REGRESSION else n_classes,
        features=tuple(features), domain=generator.domain, params=params,
        class_names=generator.class_names, input_labels=generator.input_labels,
        points_val=np.ascontiguousarray(points[val]), y_val=labels[val],
    )


def describe(name: str) -> str:
    return GENERATORS[name].description

