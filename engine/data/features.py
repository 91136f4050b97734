"""Input features derived from a 2-D point (x₁, x₂), as TensorFlow Playground offers them.

``transform(points, names)`` maps raw points (m, 2) to the network's inputs (m, len(names)).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np


@dataclass(frozen=True)
class Feature:
    name: str                     # the name used in code and files, e.g. "x1*x2"
    label: str                    # how the window writes it, e.g. "x₁x₂"
    compute: Callable[[np.ndarray, np.ndarray], np.ndarray]


FEATURES: dict[str, Feature] = {f.name: f for f in (
    Feature("x1", "x₁", lambda x1, x2: x1),
    Feature("x2", "x₂", lambda x1, x2: x2),
    Feature("x1^2", "x₁²", lambda x1, x2: x1 * x1),
    Feature("x2^2", "x₂²", lambda x1, x2: x2 * x2),
    Feature("x1*x2", "x₁x₂", lambda x1, x2: x1 * x2),
    Feature("sin(x1)", "sin x₁", lambda x1, x2: np.sin(x1)),
    Feature("sin(x2)", "sin x₂", lambda x1, x2: np.sin(x2)),
)}
DEFAULT_FEATURES = ("x1", "x2")


def check_features(names: Sequence[str]) -> tuple[str, ...]:
    names = tuple(names)
    if not names:
        raise ValueError("select at least one input feature")
    unknown = [n for n in names if n not in FEATURES]
    if unknown:
        raise ValueError(f"unknown feature(s) {', '.join(map(repr, unknown))}; "
                         f"choose from {', '.join(FEATURES)}")
    if len(set(names)) != len(names):
        raise ValueError("each feature can be selected only once")
    return names


def transform(points: np.ndarray, names: Sequence[str]) -> np.ndarray:
    """Raw 2-D points (m, 2) → feature matrix (m, len(names)), float64, C-contiguous."""
    names = check_features(names)
    points = np.asarray(points, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"derived features need 2-D points (m, 2), not shape {points.shape}")
    x1, x2 = points[:, 0], points[:, 1]
    out = np.empty((points.shape[0], len(names)))
    for j, name in enumerate(names):
        out[:, j] = FEATURES[name].compute(x1, x2)
    return out


def label(name: str) -> str:
    """How the window writes a feature (or a raw input name, unchanged)."""
    feature = FEATURES.get(name)
    return feature.label if feature else name
