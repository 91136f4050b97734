"""The renderer's grid pass: the network evaluated over the plane, once per frame.

The output plot needs the network's output at every point of the ``r × r`` grid; the graph's
thumbnails need every unit, but only on every ``step``-th row and column.  So one pass runs
the grid through a private copy of the network in chunks of :data:`CHUNK` points (the layers'
arrays of a chunk stay in the processor's cache, where one 25,600-point pass would stream
every layer through memory: 3× slower) and keeps the output layer only, plus the layer of a
selected unit when one is shown; a second, small pass over the thumbnail points gives every
layer.  The numbers are the engine's own forward pass (:meth:`Network.propagate`), row by row
the same as ``network.forward(grid.inputs)``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from backprop_lab.engine.data.plane import PlaneGrid

#: Grid points per chunk of the pass: the layers' arrays of a chunk fit a core's cache.
CHUNK = 5120


@dataclass
class PlaneFrame:
    output: np.ndarray                  # (r, r, n_outputs) the network's output
    kept: np.ndarray | None             # (r, r, n_units) of the layer asked for, else None
    #: Per layer, (h·w, n_units) on the thumbnail points; None when not asked for.
    thumbnails: list[np.ndarray] | None


class PlanePass:
    """Evaluates networks over one :class:`PlaneGrid` (see the module docstring)."""

    def __init__(self, grid: PlaneGrid, step: int,
                 coarse: Callable[[int], PlaneGrid] | None = None):
        self.grid = grid
        #: Makes a grid of fewer points over the same domain (for frames drawn while
        #: training plays), given its resolution; each is made once.
        self._make_coarse = coarse
        self._coarse: dict[int, PlaneGrid] = {grid.resolution: grid}
        r = grid.resolution
        picks = np.arange(0, r, step)
        #: (h, w) of the thumbnails: every ``step``-th grid row and column.
        self.thumbnail_shape = (picks.size, picks.size)
        rows = (picks[:, None] * r + picks[None, :]).ravel()
        self._inputs = {}
        self._thumbnail_inputs = np.ascontiguousarray(grid.inputs[rows], dtype=np.float64)
        self._net = None
        self._shape = None

    def input_thumbnails(self) -> np.ndarray:
        """The inputs on the thumbnail points, (h·w, n_inputs)."""
        return self._thumbnail_inputs

    def _private_copy(self, network, dtype: str):
        """A network of the same architecture holding ``network``'s weights in ``dtype`` (the
        pass never disturbs what the session's network keeps for its next step)."""
        shape = (tuple(network.sizes), tuple(network.activations), dtype)
        if self._net is None or shape != self._shape:
            self._net, self._shape = network.copy(dtype), shape
        else:
            np.copyto(self._net.theta, network.theta, casting="same_kind")
        return self._net

    def _grid_inputs(self, grid: PlaneGrid, dtype: str) -> np.ndarray:
        key = (id(grid), dtype)
        if key not in self._inputs:
            self._inputs[key] = np.ascontiguousarray(grid.inputs, dtype=dtype)
        return self._inputs[key]

    def coarse(self, resolution: int) -> PlaneGrid:
        """The grid of ``resolution`` points a side over the same domain (the fine grid when
        no maker of coarse grids was given)."""
        if resolution not in self._coarse:
            if self._make_coarse is None:
                return self.grid
            self._coarse[resolution] = self._make_coarse(resolution)
        return self._coarse[resolution]

    def run(self, network, keep_layer: int | None = None, dtype: str | None = None,
            resolution: int | None = None, thumbnails: bool = True) -> PlaneFrame:
        """The output over the grid (or the coarse grid of ``resolution`` points a side),
        the activations of layer ``keep_layer`` (0-based) over it, and (if ``thumbnails``)
        every layer on the thumbnail points, computed in ``dtype`` (default: the network's).
        NaN everywhere when a weight is not a finite number."""
        grid = self.grid if resolution is None else self.coarse(resolution)
        r = grid.resolution
        dtype = dtype or network.dtype_name
        inputs = self._grid_inputs(grid, dtype)
        m = inputs.shape[0]
        if not np.isfinite(network.theta).all():
            nan = [np.full((m, layer.n_out), np.nan) for layer in network.layers]
            kept = None if keep_layer is None else nan[keep_layer].reshape(r, r, -1)
            picks = self._thumbnail_inputs.shape[0]
            return PlaneFrame(nan[-1].reshape(r, r, -1), kept,
                              [np.full((picks, layer.n_out), np.nan)
                               for layer in network.layers] if thumbnails else None)
        net = self._private_copy(network, dtype)
        output = np.empty((m, net.n_outputs))
        kept = None if keep_layer is None else np.empty((m, net.layers[keep_layer].n_out))
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for start in range(0, m, CHUNK):
                stop = min(start + CHUNK, m)
                output[start:stop] = net.propagate(inputs[start:stop])
                if kept is not None:
                    kept[start:stop] = net.layers[keep_layer].A
            if thumbnails:
                net.propagate(self._thumbnail_inputs.astype(dtype, copy=False))
        return PlaneFrame(output.reshape(r, r, -1),
                          None if kept is None else kept.reshape(r, r, -1),
                          [layer.A.copy() for layer in net.layers] if thumbnails else None)
