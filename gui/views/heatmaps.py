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


#: Activations with a fixed output range [−1, 1]: drawn on that range, so an almost constant
#: unit looks almost flat (not stretched to full contrast).
SYMMETRIC_RANGE = ("tanh", "step_sign")


def unit_images(layer_outputs: list[np.ndarray], activations: list[str], lut: np.ndarray,
                step: int, per_unit: bool = False) -> list[list[np.ndarray]]:
    """Per layer, per unit: an RGB thumbnail from every ``step``-th grid row and column, on
    the activation's own scale (see :func:`scaled_units`), or each unit stretched to its own
    peak when ``per_unit`` (more contrast, less truth)."""
    images = []
    for A, act in zip(layer_outputs, activations):
        rgb = diverging_image(scaled_units(A[::step, ::step], act, per_unit), lut)  # (h, w, n, 3)
        images.append([rgb[:, :, u] for u in range(rgb.shape[2])])
    return images


def scaled_units(values: np.ndarray, activation: str, per_unit: bool = True) -> np.ndarray:
    """(h, w, n) outputs → t in [−1, 1] for the diverging scale.  Fixed scales by activation:
    sigmoid and softmax [0, 1] (0.5 neutral), tanh [−1, 1]; unbounded ones (ReLU, identity)
    on the layer's largest |value|.  ``per_unit``: every unit on its own largest |value|."""
    values = np.nan_to_num(values, nan=0.0, posinf=0.0, neginf=0.0)
    if activation in UNIT_INTERVAL:
        return np.clip(2.0 * values - 1.0, -1.0, 1.0)
    if activation in SYMMETRIC_RANGE and not per_unit:
        return np.clip(values, -1.0, 1.0)
    peak = np.abs(values).max(axis=(0, 1))
    if not per_unit:
        peak = np.full_like(peak, peak.max() if peak.size else 1.0)
    return values / np.where(peak > 0, peak, 1.0)


def input_images(inputs: np.ndarray, resolution: int, lut: np.ndarray,
                 step: int) -> list[np.ndarray]:
    """Thumbnails of each input feature over the plane; inputs is (r², n_inputs)."""
    grid = inputs.reshape(resolution, resolution, -1)[::step, ::step]
    rgb = diverging_image(scaled_units(grid, "identity"), lut)
    return [rgb[:, :, k] for k in range(rgb.shape[2])]
