"""The network evaluated over a grid of the input plane, for heatmaps.

``plane_outputs(network, data, resolution)`` runs ONE batched forward pass over
``resolution × resolution`` points covering ``data.domain`` and returns every layer's output
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
    def resolution(self) -> int:
        return self.xs.size

    def image(self, values: np.ndarray) -> np.ndarray:
        """A column of per-point values (resolution²,) → (resolution, resolution) image."""
        return values.reshape(self.resolution, self.resolution)


def plane_grid(data: Dataset, resolution: int) -> PlaneGrid:
    """Points covering the dataset's domain, and the features the network sees there."""
    if not data.is_planar:
        raise ValueError(f"{data.name!r} is not a 2-D dataset: there is no plane to draw")
    (x0, x1), (y0, y1) = data.domain
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
