"""The network evaluated over a grid of the input plane, for heatmaps.

``plane_outputs(network, grid)`` runs ONE batched forward pass over the
``resolution × resolution`` points of ``plane_grid(data, resolution)`` and returns every layer's output
there, so the window can draw the output heatmap and every unit's thumbnail from it.

Grid layout: row r, column c is the point (xs[c], ys[r]); row 0 is the lowest x₂ (the
bottom of the plot).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .datasets import Dataset
from ..nn.network import Network


@dataclass
class PlaneGrid:
    xs: np.ndarray                 # (resolution,) x₁ of the columns
    ys: np.ndarray                 # (resolution,) x₂ of the rows
    points: np.ndarray             # (resolution², 2) raw points, row-major over (ys, xs)
    inputs: np.ndarray             # (resolution², n_inputs) the network's input features

    @property
    def domain(self) -> tuple[tuple[float, float], tuple[float, float]]:
        """((x₁ min, x₁ max), (x₂ min, x₂ max)) the grid spans."""
        return (float(self.xs[0]), float(self.xs[-1])), (float(self.ys[0]), float(self.ys[-1]))

    @property
    def resolution(self) -> int:
        return self.xs.size

    def image(self, values: np.ndarray) -> np.ndarray:
        """A column of per-point values (resolution²,) → (resolution, resolution) image."""
        return values.reshape(self.resolution, self.resolution)


def plane_domain(data: Dataset, margin: float = 0.05) -> tuple[tuple[float, float],
                                                                   tuple[float, float]]:
    """``data.domain`` grown to cover every point (train, test and validation): noisy points
    beyond the dataset's usual range get ``margin`` × the span of room around them."""
    (x0, x1), (y0, y1) = data.domain
    every = np.vstack([data.points_train, data.points_test, data.points_val])
    every = every[np.isfinite(every).all(axis=1)]
    if every.size:
        lo, hi = every.min(axis=0), every.max(axis=0)
        span = np.maximum(hi - lo, 1e-9)
        if lo[0] < x0 or hi[0] > x1:
            x0, x1 = min(x0, lo[0] - margin * span[0]), max(x1, hi[0] + margin * span[0])
        if lo[1] < y0 or hi[1] > y1:
            y0, y1 = min(y0, lo[1] - margin * span[1]), max(y1, hi[1] + margin * span[1])
    return (float(x0), float(x1)), (float(y0), float(y1))


def plane_grid(data: Dataset, resolution: int) -> PlaneGrid:
    """Points covering the dataset's domain and every point of the data (see
    :func:`plane_domain`), and the features the network sees there."""
    if not data.is_planar:
        raise ValueError(f"{data.name!r} is not a 2-D dataset: there is no plane to draw")
    (x0, x1), (y0, y1) = plane_domain(data)
    xs = np.linspace(x0, x1, resolution)
    ys = np.linspace(y0, y1, resolution)
    gx, gy = np.meshgrid(xs, ys)               # gx[r, c] = xs[c], gy[r, c] = ys[r]
    points = np.column_stack([gx.ravel(), gy.ravel()])
    return PlaneGrid(xs, ys, points, data.inputs(points))


def plane_outputs(network: Network, grid: PlaneGrid) -> list[np.ndarray]:
    """Every layer's output on the grid: ``[A¹, …, Â]``, each (resolution, resolution, n_units)."""
    r = grid.resolution
    with np.errstate(over="ignore", invalid="ignore"):
        outputs = network.forward_all(grid.inputs) if np.isfinite(network.theta).all() else [
            np.full((grid.points.shape[0], layer.n_out), np.nan) for layer in network.layers]
    return [A.reshape(r, r, A.shape[1]) for A in outputs]
