"""Inverted dropout on the hidden layers, during training only.

At each training step every hidden unit's output is kept with probability 1 − p and scaled
so that its expected value does not change::

    Ã = A ⊙ M / (1 − p),   M (m, n) with entries 1 (kept, probability 1 − p) or 0 (dropped)

The next layer computes from Ã, so backward first takes the gradient through the same mask:
``dA = dÃ ⊙ M / (1 − p)``, then ``dZ = dA ⊙ g′(Z)`` with the layer's own A = g(Z).  Evaluation
(``Network.propagate``, the plane grid, the gradient check) never drops anything: it uses A,
whose expectation Ã matches.  One rate p applies to every hidden layer; the output layer is
never dropped.  The masks come from the generator the caller passes (the session's seeded
shuffler), drawn layer by layer in forward order as uniform numbers u: kept where u ≥ p.

The functions here use the network's public steps only (``Dense.forward``,
``Network.output_delta``, ``Network.backward_layer``, ``Dense.dZ_from``), so a step with
dropout runs the same chain rule as one without.
"""
from __future__ import annotations

import math

import numpy as np

#: The highest dropout rate accepted (at 1 every unit would be dropped).
MAX_RATE = 0.95


def check_rate(value) -> float:
    """A dropout rate p with 0 ≤ p ≤ :data:`MAX_RATE`; ValueError otherwise."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer,
                                                                     np.floating)):
        raise ValueError(f"the dropout rate must be a number from 0 to {MAX_RATE}, not {value!r}")
    rate = float(value)
    if not math.isfinite(rate) or not 0.0 <= rate <= MAX_RATE:
        raise ValueError(f"the dropout rate must be a number from 0 to {MAX_RATE}, not {value!r}")
    return rate


def draw_mask(rng: np.random.Generator, shape: tuple[int, int], rate: float) -> np.ndarray:
    """The keep mask M of one layer: (m, n) of 1.0 (kept) and 0.0 (dropped), float64."""
    return (rng.random(shape) >= rate).astype(np.float64)


def apply_mask(A: np.ndarray, mask: np.ndarray, rate: float) -> np.ndarray:
    """Ã = A ⊙ M / (1 − p): a new array in A's dtype (A itself is left as it is)."""
    return A * (mask * (1.0 / (1.0 - rate))).astype(A.dtype)


def forward(network, X: np.ndarray, rate: float,
            rng: np.random.Generator) -> tuple[np.ndarray, list[np.ndarray]]:
    """A training forward pass with dropout on every hidden layer: (Â (m, n_out), the masks
    M of the hidden layers in order).  Each layer keeps A_prev (the dropped input it saw),
    Z and its undropped A for :func:`backward`."""
    network.forward_serial += 1         # the layers no longer hold a plain forward pass
    last = len(network.layers) - 1
    masks = []
    A = X
    for i, layer in enumerate(network.layers):
        A = layer.forward(A)
        if i < last:
            mask = draw_mask(rng, A.shape, rate)
            masks.append(mask)
            A = apply_mask(A, mask, rate)
    return A, masks


def backward(network, Y: np.ndarray, loss, masks: list[np.ndarray], rate: float,
             l1: float = 0.0, l2: float = 0.0) -> None:
    """Fill the network's gradient after :func:`forward`: as ``Network.backpropagate``, with
    each hidden layer's dA passed through its mask before its dZ."""
    dZ = network.output_delta(Y, loss)
    for i in range(len(network.layers) - 1, -1, -1):
        dA_prev = network.backward_layer(i, dZ, l1, l2, need_dA_prev=i > 0)
        if i > 0:
            dZ = network.layers[i - 1].dZ_from(apply_mask(dA_prev, masks[i - 1], rate))


def train_pass(network, X: np.ndarray, Y: np.ndarray, loss, rate: float,
               rng: np.random.Generator, l1: float = 0.0, l2: float = 0.0) -> None:
    """Forward with dropout, then backward: the gradient of one training step."""
    _, masks = forward(network, X, rate, rng)
    backward(network, Y, loss, masks, rate, l1, l2)
