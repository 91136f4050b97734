"""The loss landscape: the training loss over a 2-D slice of weight space, with the path.

``loss_slice(session, directions)`` evaluates

    L(a, b) = loss(θ₀ + a·d₁ + b·d₂)      on a resolution × resolution grid of (a, b)

through the session's current weights θ₀ (or another centre), with d₁, d₂ from
:mod:`engine.analysis.directions`.  The whole grid is one batched pass
(:func:`engine.analysis.many_weights.losses_many`): 41 × 41 weight vectors of a 2-8-8-1
network over 500 points take about 0.1 s on an idle 2-core machine in float32
(``benchmarks/landscape_slice.py``).

The loss is the data loss on the training set, as the history's ``train_loss``; with
``with_penalty=True`` the regularization penalty is added (the objective the optimizer
minimizes; the two agree when L1 and L2 are 0).  The grid runs in float32 by default (a picture
needs no more than 7 digits); ``dtype="float64"`` gives the network's own precision.

The path is the timeline's snapshots projected onto the slice (see
:meth:`Directions.project`: least squares for the non-orthogonal random directions), with each
snapshot's distance from the slice and its true loss (which the surface under a projected point
only approximates when the point lies off the slice).  Nothing here changes the session.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..training.session import TrainingSession
from .directions import PCA, WEIGHTS, Directions
from .many_weights import losses_many

#: Half-width of the grid, in units of the directions, for random and weight directions;
#: widened to show the whole path with a margin.  (Filter-normalized a = 1 moves each unit's
#: weights by their own norm.)
BASE_SPAN = 1.0
PATH_MARGIN = 1.25


@dataclass(frozen=True)
class LossSlice:
    """A computed slice; grid layout as the plane's heatmaps: ``loss[r, c]`` is L(a[c], b[r])."""

    a: np.ndarray                  # (n,) coordinates along d₁ (columns), symmetric about 0
    b: np.ndarray                  # (n,) coordinates along d₂ (rows)
    loss: np.ndarray               # (n, n) float64; inf/NaN where the loss overflows
    directions: Directions
    center: np.ndarray             # (P,) θ₀, the weights at a = b = 0
    with_penalty: bool             # True: loss includes l1·Σ|W| + (l2/2)·ΣW²
    #: What the axes read at a = b = 0: the two weights' values for weight directions, else 0.
    axis_origin: tuple[float, float]
    path_epochs: np.ndarray        # (T,) the snapshots' epochs
    path: np.ndarray               # (T, 2) their (a, b)
    path_distance: np.ndarray      # (T,) ‖θ_t − (θ₀ + a·d₁ + b·d₂)‖, 0 on the slice
    path_loss: np.ndarray          # (T,) the true loss at each snapshot (same definition)

    @property
    def resolution(self) -> int:
        return self.a.size

    def theta_at(self, a: float, b: float) -> np.ndarray:
        """The weights θ₀ + a·d₁ + b·d₂ at a point of the slice (P,)."""
        return self.directions.thetas(self.center, [a], [b])[0]

    def project(self, thetas: np.ndarray) -> np.ndarray:
        """(a, b) of other weights (T, P) or (P,) on this slice: (T, 2) (e.g. the live θ)."""
        return self.directions.project(self.center, thetas)[0]


def trajectory(session: TrainingSession) -> tuple[np.ndarray, np.ndarray]:
    """The timeline's snapshots: (epochs (T,), thetas (T, P)), oldest first."""
    epochs = session.timeline.epochs()
    P = session.network.theta.size
    thetas = (np.stack([session.timeline.theta_at(int(e)) for e in epochs]) if epochs.size
              else np.empty((0, P)))
    return epochs, thetas


def loss_slice(session: TrainingSession, directions: Directions, resolution: int = 41,
               span: float | tuple[float, float] | None = None, center: np.ndarray | None = None,
               with_penalty: bool = False, dtype: str = "float32") -> LossSlice:
    """The training loss over θ₀ + a·d₁ + b·d₂, a and b on a ``resolution``-point grid.

    ``center``: θ₀ (P,), default the session's current weights.  ``span``: the grid's
    half-widths (one number for both axes, or (a, b)); default: ``BASE_SPAN`` (1.0) for
    random and weight directions, the path's extent for PCA directions, widened in every
    case to hold the projected path with a 25 % margin.  ``resolution`` is odd so that the
    middle point is exactly θ₀.
    """
    if isinstance(resolution, bool) or not isinstance(resolution, (int, np.integer)) \
            or resolution < 3 or resolution % 2 == 0:
        raise ValueError(f"the resolution must be an odd whole number ≥ 3, not {resolution!r}")
    net = session.network
    center = (net.theta.astype(np.float64) if center is None
              else np.asarray(center, dtype=np.float64).copy())
    if center.shape != net.theta.shape or not np.isfinite(center).all():
        raise ValueError(f"the centre must be {net.theta.size} finite numbers")
    epochs, thetas = trajectory(session)
    path, distance = directions.project(center, thetas)
    half = _spans(directions, path, span)
    unit = (np.arange(resolution) - resolution // 2) / (resolution // 2)   # exact 0 in the middle
    a, b = half[0] * unit, half[1] * unit
    grid_b, grid_a = np.meshgrid(b, a, indexing="ij")                       # row r = b[r]
    l1, l2 = (session.l1, session.l2) if with_penalty else (0.0, 0.0)

    def losses(weights: np.ndarray, precision: str) -> np.ndarray:
        return losses_many(net, weights, session.X_train, session.Y_train,
                           session.loss_function, l1, l2, dtype=precision)

    grid = losses(directions.thetas(center, grid_a.ravel(), grid_b.ravel()), dtype)
    path_loss = losses(thetas, "float64") if len(thetas) else np.empty(0)
    origin = ((float(center[directions.indices[0]]), float(center[directions.indices[1]]))
              if directions.kind == WEIGHTS else (0.0, 0.0))
    return LossSlice(a, b, grid.reshape(resolution, resolution), directions, center,
                     bool(with_penalty), origin, epochs, path, distance, path_loss)


def _spans(directions: Directions, path: np.ndarray, span) -> tuple[float, float]:
    if span is not None:
        half = np.broadcast_to(np.asarray(span, dtype=np.float64), (2,))
        if not (np.isfinite(half).all() and (half > 0).all()):
            raise ValueError(f"the span must be positive numbers, not {span!r}")
        return float(half[0]), float(half[1])
    base = 0.0 if directions.kind == PCA else BASE_SPAN
    reach = PATH_MARGIN * np.abs(path).max(axis=0) if len(path) else np.zeros(2)
    half = np.maximum(np.maximum(reach, base), 1e-3)
    return float(half[0]), float(half[1])
