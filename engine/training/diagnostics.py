"""Why training breaks, named: dead units, identical units, vanishing or exploding gradients.

``diagnose(network, X, grad_norms)`` looks at the network after a forward pass over the
training inputs X and at the per-layer gradient norms ‖dW‖ of the last step.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..nn.network import Network

#: A layer whose ‖dW‖ is below this fraction of the output layer's has vanishing gradients.
VANISHING_RATIO = 1e-3
#: Gradients this large (or this many times the output layer's) are exploding.
EXPLODING_NORM = 1e3
EXPLODING_RATIO = 1e3
#: Units whose weights agree to this tolerance are identical.
IDENTICAL_TOLERANCE = 1e-10


@dataclass
class Diagnosis:
    """Findings; layer indices count from 0 (layer 0 = the first hidden layer)."""

    dead_units: dict[int, list[int]] = field(default_factory=dict)
    identical_units: dict[int, list[list[int]]] = field(default_factory=dict)
    vanishing_layer: int | None = None
    exploding_layer: int | None = None
    non_finite: str | None = None

    @property
    def healthy(self) -> bool:
        return not self.messages()

    def messages(self) -> list[str]:
        """One plain sentence per finding, for banners and tooltips."""
        out = []
        if self.non_finite:
            out.append(self.non_finite)
        if self.dead_units:
            where = "; ".join(f"layer {layer + 1} unit{'s' if len(units) > 1 else ''} "
                              + ", ".join(str(u + 1) for u in units)
                              for layer, units in self.dead_units.items())
            out.append(f"Dead ReLU units ({where}) output 0 for every training point, so they "
                       "get no gradient and never recover. Try leaky ReLU, He initialization "
                       "or a lower learning rate.")
        if self.identical_units:
            where = "; ".join(f"layer {layer + 1} units " + ", ".join(str(u + 1) for u in group)
                              for layer, groups in self.identical_units.items()
                              for group in groups)
            out.append(f"Identical units ({where}): symmetric weights get the same gradient and "
                       "stay identical forever. Use a random initializer.")
        if self.vanishing_layer is not None:
            out.append(f"Vanishing gradients: layer {self.vanishing_layer + 1}'s gradient is less "
                       f"than {VANISHING_RATIO:g} of the output layer's, so it barely learns. "
                       "Try ReLU, fewer layers or Xavier/He initialization.")
        if self.exploding_layer is not None:
            out.append(f"Exploding gradients in layer {self.exploding_layer + 1}: steps this big "
                       "overshoot. Lower the learning rate.")
        return out


def dead_units(network: Network) -> dict[int, list[int]]:
    """ReLU hidden units whose output is 0 on every sample of the last forward pass."""
    found = {}
    for i, layer in enumerate(network.layers[:-1]):
        if layer.activation.name != "relu" or layer.A is None:
            continue
        dead = np.flatnonzero(layer.A.max(axis=0) <= 0.0)
        if dead.size:
            found[i] = dead.tolist()
    return found


def identical_units(network: Network) -> dict[int, list[list[int]]]:
    """Groups of hidden units with the same incoming weights, bias and outgoing weights."""
    found = {}
    for i, layer in enumerate(network.layers[:-1]):
        if layer.n_out < 2:
            continue
        # One row per unit: its incoming column of W, its bias, its outgoing row of W_next.
        signature = np.hstack([layer.W.T, layer.b[:, None], network.layers[i + 1].W])
        scale = max(float(np.abs(signature).max()), 1.0)
        groups, assigned = [], set()
        for u in range(layer.n_out):
            if u in assigned:
                continue
            same = np.flatnonzero(np.abs(signature - signature[u]).max(axis=1)
                                  <= IDENTICAL_TOLERANCE * scale)
            if same.size > 1:
                groups.append(same.tolist())
                assigned.update(same.tolist())
        if groups:
            found[i] = groups
    return found


def gradient_trouble(grad_norms) -> tuple[int | None, int | None]:
    """(vanishing layer, exploding layer) from the per-layer ‖dW‖ of the last step."""
    norms = np.asarray(grad_norms, dtype=float)
    if norms.size == 0 or not np.isfinite(norms).all():
        return None, None
    out = norms[-1]
    vanishing = exploding = None
    if norms.size > 1 and out > 1e-8:
        small = np.flatnonzero(norms[:-1] < VANISHING_RATIO * out)
        if small.size:
            vanishing = int(small[0])
    big = np.flatnonzero((norms > EXPLODING_NORM) | (norms > EXPLODING_RATIO * max(out, 1e-12)))
    if big.size and norms.max() > 1.0:
        exploding = int(big[0])
    return vanishing, exploding


def diagnose(network: Network, X: np.ndarray, grad_norms, non_finite: str | None = None,
             Y: np.ndarray | None = None, loss=None) -> Diagnosis:
    """All findings for ``network`` on training inputs X (validated, network dtype)."""
    network.propagate(X)
    vanishing, exploding = gradient_trouble(grad_norms)
    return Diagnosis(dead_units=dead_units(network), identical_units=identical_units(network),
                     vanishing_layer=vanishing, exploding_layer=exploding, non_finite=non_finite)
