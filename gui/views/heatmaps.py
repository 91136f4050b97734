"""Turning grid outputs into colors: unit thumbnails and the output heatmap.

Inputs are the arrays of :func:`backprop_lab.engine.data.plane.plane_outputs` (each (r, r, n_units), row 0 at the
bottom of the plane); outputs are uint8 RGB images in the same orientation.
"""
from __future__ import annotations

import numpy as np


#: Activations whose output lies in [0, 1]: 0.5 is drawn neutral.
UNIT_INTERVAL = ("sigmoid", "softmax")


def scaled(values: np.ndarray, activation: str) -> np.ndarray:
    """Values (h, w) → t in [−1, 1] for the diverging scale (NaN → 0)."""
    return scaled_units(values[:, :, None], activation)[:, :, 0]


def diverging_image(t: np.ndarray, lut: np.ndarray) -> np.ndarray:
    """t in [−1, 1], shape (h, w) → (h, w, 3) uint8 through the diverging lookup table."""
    return lut_image(t, -1.0, 1.0, lut)


def lut_image(values: np.ndarray, lo: float, hi: float, lut: np.ndarray) -> np.ndarray:
    """Values on [lo, hi], shape (h, w) → (h, w, 3) uint8 through ``lut`` (clipped; NaN → lo)."""
    with np.errstate(invalid="ignore", over="ignore"):
        t = (values - lo) / (hi - lo if hi > lo else 1.0)
    t = np.clip(np.nan_to_num(t, nan=0.0, posinf=1.0, neginf=0.0), 0.0, 1.0)
    return lut[np.round(t * (len(lut) - 1)).astype(np.intp)]


def unit_images(layer_outputs: list[np.ndarray], activations: list[str], lut: np.ndarray,
                step: int) -> list[list[np.ndarray]]:
    """Per layer, per unit: an RGB thumbnail from every ``step``-th grid row and column."""
    images = []
    for A, act in zip(layer_outputs, activations):
        rgb = diverging_image(scaled_units(A[::step, ::step], act), lut)     # (h, w, n, 3)
        images.append([rgb[:, :, u] for u in range(rgb.shape[2])])
    return images


def scaled_units(values: np.ndarray, activation: str) -> np.ndarray:
    """Like :func:`scaled` for (h, w, n) arrays, each unit (last axis) on its own scale."""
    values = np.nan_to_num(values, nan=0.0, posinf=0.0, neginf=0.0)
    if activation in UNIT_INTERVAL:
        return np.clip(2.0 * values - 1.0, -1.0, 1.0)
    peak = np.abs(values).max(axis=(0, 1))
    return values / np.where(peak > 0, peak, 1.0)


def input_images(inputs: np.ndarray, resolution: int, lut: np.ndarray,
                 step: int) -> list[np.ndarray]:
    """Thumbnails of each input feature over the plane; inputs is (r², n_inputs)."""
    grid = inputs.reshape(resolution, resolution, -1)[::step, ::step]
    rgb = diverging_image(scaled_units(grid, "identity"), lut)
    return [rgb[:, :, k] for k in range(rgb.shape[2])]
