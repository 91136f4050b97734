"""Two directions d₁, d₂ in weight space that span a loss-landscape slice θ + a·d₁ + b·d₂.

Three kinds, each a function returning :class:`Directions` (vectors laid out as
:attr:`Network.theta`, shape (P,)):

* :func:`random_directions` — filter-normalized random directions (Li et al., "Visualizing the
  Loss Landscape of Neural Nets", 2018).  A dense unit's "filter" is its incoming weights,
  column j of W (n_in, n_out).  Each direction draws a Gaussian vector and rescales every
  unit's part of it to the norm of that unit's weights: ``d[:, j] ← d[:, j] · ‖W[:, j]‖ /
  ‖d[:, j]‖``.  Biases are not moved (their entries of d are 0, as in the paper's code)
  unless ``biases=True``, which treats (W[:, j], b[j]) together as the unit's filter.  A unit
  whose weights are all 0 gets a zero direction.  The two directions are independent draws,
  so they are not orthogonal.
* :func:`pca_directions` — the first two principal components of a trajectory θ₁…θ_T (PCA of
  the snapshots, centred on their mean), unit vectors and orthogonal: the plane that shows
  most of the path's variance.
* :func:`weight_directions` — two chosen weights W[i, j] of two layers: d₁, d₂ are unit
  vectors along them, so the slice is exactly the loss as a function of those two weights
  with every other parameter held.

Projecting a θ onto the slice through a centre θ₀ (:meth:`Directions.project`) finds the
(a, b) with θ₀ + a·d₁ + b·d₂ closest to θ in the Euclidean norm: a plain dot product for
orthonormal directions, least squares otherwise (random directions).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..nn.network import Network
from ..training.phases import sub, sup

RANDOM, PCA, WEIGHTS = "random", "pca", "weights"


@dataclass(frozen=True)
class Directions:
    """d₁, d₂ (P,) and what they are."""

    kind: str                              # "random", "pca" or "weights"
    d1: np.ndarray                         # (P,)
    d2: np.ndarray                         # (P,)
    orthonormal: bool                      # True: projection is a dot product
    labels: tuple[str, str]                # axis titles, e.g. ("PC1 (92 %)", "PC2 (6 %)")
    description: str                       # one plain sentence
    #: PCA: the fraction of the trajectory's variance along d₁ and d₂; else None.
    explained: tuple[float, float] | None = None
    #: Weights: the two θ indices; else None.
    indices: tuple[int, int] | None = None

    @property
    def matrix(self) -> np.ndarray:
        """D = [d₁ d₂], shape (P, 2)."""
        return np.column_stack([self.d1, self.d2])

    def thetas(self, center: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """θ₀ + aₖ·d₁ + bₖ·d₂ for paired coordinates a, b (K,): (K, P)."""
        a = np.asarray(a, dtype=np.float64).reshape(-1, 1)
        b = np.asarray(b, dtype=np.float64).reshape(-1, 1)
        return np.asarray(center, dtype=np.float64)[None, :] + a * self.d1 + b * self.d2

    def project(self, center: np.ndarray, thetas: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Coordinates (T, 2) of each θ (T, P) on the slice through ``center`` (P,), and each
        θ's distance from the slice (T,) (0 when θ lies on it).  Least squares
        ``min ‖D·c − (θ − θ₀)‖`` for directions that are not orthonormal."""
        offsets = np.atleast_2d(np.asarray(thetas, dtype=np.float64)) - center
        D = self.matrix
        if self.orthonormal:
            coords = offsets @ D
        else:
            coords = np.linalg.lstsq(D, offsets.T, rcond=None)[0].T
        distance = np.linalg.norm(offsets - coords @ D.T, axis=1)
        return coords, distance


def random_directions(network: Network, seed: int = 0, biases: bool = False) -> Directions:
    """Two filter-normalized Gaussian directions for ``network``'s current weights (see the
    module docstring); reproducible from ``seed``."""
    rng = np.random.default_rng(seed)
    theta = network.theta.astype(np.float64)
    d1, d2 = (_filter_normalized(network, theta, rng, biases) for _ in range(2))
    moved = "weights and biases" if biases else "weights (biases held)"
    return Directions(RANDOM, d1, d2, False, ("d₁", "d₂"),
                      f"Two random directions (seed {seed}) scaled unit by unit to the norm of "
                      f"each unit's incoming {moved}.")


def _filter_normalized(network: Network, theta: np.ndarray, rng, biases: bool) -> np.ndarray:
    d = np.zeros_like(theta)
    for layer, (w, b) in zip(network.layers, network.slices):
        shape = (layer.n_in, layer.n_out)
        W = theta[w].reshape(shape)
        D = rng.standard_normal(shape)
        if biases:
            filters = np.vstack([W, theta[b][None, :]])          # (n_in + 1, n_out)
            drawn = np.vstack([D, rng.standard_normal((1, layer.n_out))])
        else:
            filters, drawn = W, D
        drawn *= np.linalg.norm(filters, axis=0) / np.linalg.norm(drawn, axis=0)
        d[w] = drawn[:layer.n_in].ravel()
        if biases:
            d[b] = drawn[layer.n_in]
    return d


def pca_directions(thetas: np.ndarray) -> Directions:
    """The first two principal components of the trajectory ``thetas`` (T, P).

    Signs are fixed so that the first snapshot lies at negative coordinates seen from the
    last (the path runs towards +a, +b).  ValueError when fewer than 3 snapshots are given
    or the path does not span two dimensions (it is a point or a straight line).
    """
    thetas = np.asarray(thetas, dtype=np.float64)
    if thetas.ndim != 2 or thetas.shape[0] < 3:
        raise ValueError("the principal directions need at least 3 snapshots of the weights; "
                         "train for a few more epochs")
    centered = thetas - thetas.mean(axis=0)
    _, s, Vt = np.linalg.svd(centered, full_matrices=False)
    if s.size < 2 or s[1] <= 1e-12 * max(s[0], np.finfo(float).tiny):
        raise ValueError("the weights' path so far is a point or a straight line, so it has no "
                         "second principal direction; train for a few more epochs")
    variance = s ** 2
    share = variance[:2] / variance.sum()
    d = Vt[:2].copy()
    start = (thetas[0] - thetas[-1]) @ d.T
    d[start > 0] *= -1
    return Directions(PCA, d[0], d[1], True,
                      (f"PC1 ({share[0]:.0%})", f"PC2 ({share[1]:.0%})"),
                      f"The two directions along which the weights moved most during training "
                      f"({share.sum():.0%} of the path's variance).",
                      explained=(float(share[0]), float(share[1])))


def weight_directions(network: Network, first: tuple[int, int, int],
                      second: tuple[int, int, int]) -> Directions:
    """Unit vectors along two weights, each given as (layer, i, j) (0-based: W[i, j] of
    layer ``layer``, from unit i of the layer below to unit j).  ValueError for a weight
    the network does not have, or the same weight twice."""
    indices = tuple(weight_index(network, *w) for w in (first, second))
    if indices[0] == indices[1]:
        raise ValueError("choose two different weights")
    P = network.theta.size
    d1, d2 = np.zeros(P), np.zeros(P)
    d1[indices[0]] = d2[indices[1]] = 1.0
    labels = tuple(weight_name(*w) for w in (first, second))
    return Directions(WEIGHTS, d1, d2, True, labels,
                      f"The loss as {labels[0]} and {labels[1]} change, every other "
                      "parameter held.", indices=indices)


def weight_index(network: Network, layer: int, i: int, j: int) -> int:
    """Position of W[i, j] of ``layer`` (0-based) in θ; ValueError if there is none."""
    values = (layer, i, j)
    if any(isinstance(v, bool) or not isinstance(v, (int, np.integer)) for v in values):
        raise ValueError(f"a weight is (layer, i, j) in whole numbers, not {values!r}")
    if not 0 <= layer < len(network.layers):
        raise ValueError(f"layer must be 0…{len(network.layers) - 1}, not {layer}")
    n_in, n_out = network.layers[layer].n_in, network.layers[layer].n_out
    if not (0 <= i < n_in and 0 <= j < n_out):
        raise ValueError(f"layer {layer} has weights W[0…{n_in - 1}, 0…{n_out - 1}], "
                         f"not W[{i}, {j}]")
    return network.slices[layer][0].start + i * n_out + j


def weight_name(layer: int, i: int, j: int) -> str:
    """How the step inspector writes a weight, with 1-based numbers: (1, 0, 1) → "W²₁₂"."""
    return f"W{sup(layer + 1)}{sub(i + 1)}{sub(j + 1)}"
