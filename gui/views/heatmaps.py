"""Turning grid outputs into colors: unit thumbnails and the output heatmap.

Inputs are the arrays of :func:`backprop_lab.engine.data.plane.plane_outputs` (each (r, r, n_units), row 0 at the
bottom of the plane); outputs are uint8 RGB images in the same orientation, or — for the
graph's thumbnails, which the window redraws every frame — uint8 *indices* into a lookup table
(:func:`unit_indices`), which the view turns into pixels with one table look-up.
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
    return lut.take(lut_indices(values, lo, hi, len(lut)), axis=0)


def lut_indices(values: np.ndarray, lo: float, hi: float, n: int = 256) -> np.ndarray:
    """Values on [lo, hi] → indices 0…n−1 into an n-entry table: round((v − lo)/(hi − lo)·(n − 1))
    clipped to the table, NaN and −∞ → 0, +∞ → n − 1.  uint8 for n ≤ 256 (any shape)."""
    with np.errstate(invalid="ignore", over="ignore"):
        t = np.subtract(values, lo, dtype=float)
        t /= hi - lo if hi > lo else 1.0
    # fmax/fmin ignore NaN (NaN → 0) where clip would keep it: two passes instead of five.
    np.fmax(t, 0.0, out=t)
    np.fmin(t, 1.0, out=t)
    t *= n - 1
    np.rint(t, out=t)
    return t.astype(np.uint8 if n <= 256 else np.intp)


def unit_indices(A: np.ndarray, shape: tuple[int, int], activation: str,
                 per_unit: bool = False, n: int = 256) -> np.ndarray:
    """One layer's outputs A (h·w, n_units) over a grid of ``shape`` (h, w), row 0 at the
    bottom → (n_units, h, w) uint8 indices into an n-entry diverging table, on the
    activation's scale or each unit on its own (``per_unit``; see :func:`scaled_units`), row 0
    at the *top* (as images are stored)."""
    return layer_indices([A], shape, [activation], per_unit, n)[0]


def layer_indices(layers: list[np.ndarray], shape: tuple[int, int], activations: list[str],
                  per_unit: bool = False, n: int = 256) -> list[np.ndarray]:
    """:func:`unit_indices` of several layers (each (h·w, n_units) with its activation) in
    one pass over all their units side by side: the graph's thumbnails are made every frame,
    and one set of NumPy calls costs a seventh of one set per layer.  Each unit's
    t = s·v / d + o takes the scale of :func:`scaled_units` (s = 2, d = 1, o = −1 on [0, 1];
    d = the largest |v| of the layer — or of the unit — for unbounded activations)."""
    widths = [A.shape[1] for A in layers]
    values = np.concatenate(layers, axis=1)
    if not np.isfinite(values).all():           # (checking is 6× cheaper than replacing)
        np.nan_to_num(values, copy=False, nan=0.0, posinf=0.0, neginf=0.0)
    peaks = np.abs(values).max(axis=0) if len(values) else np.zeros(values.shape[1])
    n_units = values.shape[1]
    factor, divisor, shift = np.ones(n_units), np.ones(n_units), np.zeros(n_units)
    start = 0
    for width, activation in zip(widths, activations):
        units = slice(start, start + width)
        start += width
        if activation in UNIT_INTERVAL:
            factor[units], shift[units] = 2.0, -1.0
        elif activation not in SYMMETRIC_RANGE or per_unit:
            peak = peaks[units] if per_unit else peaks[units].max(initial=0.0)
            divisor[units] = np.where(peak > 0, peak, 1.0)
    t = values * factor
    t /= divisor
    t += shift
    idx = lut_indices(t, -1.0, 1.0, n).reshape(*shape, -1)          # clipped to [−1, 1]
    idx = np.ascontiguousarray(idx.transpose(2, 0, 1)[:, ::-1])
    return np.split(idx, np.cumsum(widths)[:-1])


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


def weight_indices(W: np.ndarray, shape: tuple[int, int], n: int = 256) -> np.ndarray:
    """First-layer weights W (n_inputs, n_units) of image data → (n_units, rows, cols) uint8
    diverging-table indices, row 0 at the top, each unit on its own scale (its largest |w|
    is full color): the pattern each unit responds to."""
    W = np.nan_to_num(W, nan=0.0, posinf=0.0, neginf=0.0)
    peak = np.abs(W).max(axis=0)
    t = W / np.where(peak > 0, peak, 1.0)
    return np.ascontiguousarray(lut_indices(t, -1.0, 1.0, n).T.reshape(W.shape[1], *shape))
