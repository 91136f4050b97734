"""How the network graph's edges look: the values they show (weights, or what the edge mode
chose), the scale at which they saturate, and each edge's color step and width.

A base class of :class:`~.network_view.NetworkView`, whose fields it uses (``network``,
``edge_values``, ``theme``, ``line_scale``…)."""
from __future__ import annotations

import numpy as np
from PySide6.QtGui import QColor

from ..style import colors
from .network_layout import COMPACT_UNITS
from .network_painter import MAX_DRAWN_EDGES


class EdgeStyles:
    """Edge values, scales, colors and widths (see the module docstring)."""

    EDGE_SCALE = 1.0        # |w| at which an edge's color saturates
    MAX_EDGE_WIDTH = 7.0

    #: Edges are drawn in this many color steps and quarter-pixel widths, one batch per
    #: (color, width): a few dozen drawLines calls instead of one per edge.
    COLOR_STEPS = 21

    def _fits(self, values) -> bool:
        """True when per-layer ``values`` have the shapes of the network's weights."""
        layers = self.network.layers if self.network is not None else []
        return len(values) == len(layers) and all(
            np.shape(v) == layer.W.shape for v, layer in zip(values, layers))

    def edge_values_of(self, layer: int) -> np.ndarray:
        """What the edges of ``layer`` show: its weights, or the values set by a mode."""
        if self.edge_values is not None and self._fits(self.edge_values):
            return self.edge_values[layer]
        return self.network.layers[layer].W

    def edge_scale(self, layer: int) -> float:
        """|value| at which an edge reaches full color and width.  Weights: 1, or twice the
        median |w| once training has grown them (so big nets do not all saturate); gradients
        and updates: each layer's largest."""
        if self.edge_values is None or not self._fits(self.edge_values):
            # Asked twice a paint (the styles, the legend) and at every frame while training
            # plays: the median is kept for the weights it was taken of.
            theta = self.network.theta
            key = (id(theta), theta.tobytes())
            if self._weights_scale is None or self._weights_scale[0] != key:
                weights = np.abs(theta[np.isfinite(theta)])
                typical = 2.0 * _median(weights) if weights.size else 0.0
                self._weights_scale = (key, max(self.EDGE_SCALE, typical))
            return self._weights_scale[1]
        finite = np.abs(self.edge_values[layer][np.isfinite(self.edge_values[layer])])
        return float(finite.max()) if finite.size and finite.max() > 0 else 1.0

    def edge_styles(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """:meth:`edge_style` of every layer (the weights' scale computed once)."""
        layers = self.network.layers if self.network is not None else []
        scale = self.edge_scale(0) if self.edge_values is None and layers else None
        return [self.edge_style(k, scale) for k in range(len(layers))]

    def edge_style(self, layer: int, scale: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(color step index, width in quarter pixels), each (n_in, n_out), for a layer's edges."""
        values = self.edge_values_of(layer)
        if not np.isfinite(values).all():
            values = np.nan_to_num(values, nan=0.0, posinf=1e9, neginf=-1e9)
        relative = values / (self.edge_scale(layer) if scale is None else scale)
        t = np.clip(relative, -1.0, 1.0)
        color = np.round((t + 1.0) * 0.5 * (self.COLOR_STEPS - 1)).astype(int)
        # Between wide layers many edges share the room: thinner lines keep them apart.
        thin = min(1.0, COMPACT_UNITS / 2 / max(values.shape))
        width = np.minimum(0.6 + 2.4 * thin * np.abs(relative),
                           max(self.MAX_EDGE_WIDTH * thin, 1.0)) * self.line_scale
        return color, np.round(width * 4).astype(int)

    def edge_color(self, layer: int, i: int, j: int) -> QColor:
        """The color the edge is painted in: blue for positive, orange for negative values,
        neutral grey near 0."""
        color, _ = self.edge_style(layer)
        return self.palette_colors()[color[i, j]]

    def edge_width(self, layer: int, i: int, j: int) -> float:
        return self.edge_style(layer)[1][i, j] / 4.0

    def palette_colors(self) -> list[QColor]:
        """The edges' color steps, from the most negative to the most positive value."""
        if self._palette is None or self._palette[0] is not self.theme:
            lut = colors.diverging_lut(self.theme, self.COLOR_STEPS)
            self._palette = (self.theme, [QColor(int(r), int(g), int(b)) for r, g, b in lut])
        return self._palette[1]

    def legend_text(self) -> str:
        """What the line under the graph says the edges show."""
        scale = ("scaled per layer" if self.edge_values is not None
                 else f"full at |w| ≥ {self.edge_scale(0):.2g}")
        legend = f"edges: {self.edge_mode_label} · blue +, orange − · width ∝ |value|, {scale}"
        if any(s is not None for s in self.edge_subsets):
            legend += f" · wide layers: the {MAX_DRAWN_EDGES} strongest edges"
        if self.thumbnail_note:
            legend += f" · {self.thumbnail_note}"
        return legend


def _median(values: np.ndarray) -> float:
    """The median of finite ``values`` (n ≥ 1), by one partial sort.  ``np.median`` would
    also check for NaNs through ``np.ma``, whose import costs 20 ms at start-up."""
    n = values.size
    middle = np.partition(values, [(n - 1) // 2, n // 2])
    return 0.5 * (float(middle[(n - 1) // 2]) + float(middle[n // 2]))
