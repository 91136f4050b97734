"""One network's forward pass and loss for many weight vectors at once.

A loss landscape evaluates the same architecture at K parameter vectors θ₁…θ_K (each laid out
as :attr:`Network.theta`: W¹, b¹, W², b², … end to end).  Instead of K forward passes, each
layer runs once over all of them as a batched matrix product::

    Z[k] = A_prev[k] · W[k] + b[k]        A_prev (K, m, n_in), W (K, n_in, n_out) → Z (K, m, n_out)

and the activation and the loss apply to the K·m rows together, through the engine's own
activation and loss objects (so the numbers are the network's, not a second implementation).
The first layer's input X (m, n₀) is shared by every θ and broadcast, not copied.

Memory stays bounded: :func:`losses_many` works through the K vectors in chunks whose
activations hold about :data:`CHUNK_ELEMENTS` numbers (half a megabyte in float32).  Nothing
here touches the network object passed in: only its architecture (``layers``, ``slices``) is
read.
"""
from __future__ import annotations

import numpy as np

from ..nn.losses import get_loss
from ..nn.network import DTYPES, Network

#: Activation entries (K·m·width) per chunk: 2¹⁷ float32 numbers are 512 kB, small enough to
#: stay in cache between a layer's product and its activation (measured fastest on 2-8-8-1).
CHUNK_ELEMENTS = 2 ** 17


def forward_many(network: Network, thetas: np.ndarray, X: np.ndarray, layer: int | None = None,
                 dtype: str | None = None) -> np.ndarray:
    """The output of layer ``layer`` (0-based; default the last) for every θ at once.

    ``thetas`` (K, P) with P = ``network.theta.size``; ``X`` (m, n_inputs) the network's
    inputs.  Returns A (K, m, n_layer) in ``dtype`` (default the network's).  Holds all K·m
    rows at once: chunk K yourself for large K (as :func:`losses_many` does).
    """
    thetas = _check_thetas(network, thetas)
    last = len(network.layers) - 1 if layer is None else layer
    if not 0 <= last < len(network.layers):
        raise ValueError(f"layer must be 0…{len(network.layers) - 1}, not {layer!r}")
    real = _dtype(network, dtype)
    Z = None
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        A = np.ascontiguousarray(X, dtype=real)
        thetas = thetas.astype(real, copy=False)
        for i in range(last + 1):
            Z = _pre_activation(network, i, thetas, A)
            A = _activate(network, i, Z)
    return A


def losses_many(network: Network, thetas: np.ndarray, X: np.ndarray, Y: np.ndarray, loss,
                l1: float = 0.0, l2: float = 0.0, dtype: str | None = None) -> np.ndarray:
    """The loss on (X, Y) for every θ: (K,) float64.

    ``loss`` is a loss name or object of :mod:`engine.nn.losses` (its ``per_sample`` averaged
    over the m samples: the data loss the history calls ``train_loss``).  With ``l1`` or ``l2``
    the regularization penalty ``l1·Σ|W| + (l2/2)·ΣW²`` of each θ (weights only, in float64) is
    added: the objective the optimizer minimizes.  Entries are inf or NaN where the loss
    overflows.  ``dtype`` ("float32" or "float64", default the network's) is the precision of
    the forward pass.
    """
    thetas = _check_thetas(network, thetas)
    loss = get_loss(loss)
    real = _dtype(network, dtype)
    X = np.ascontiguousarray(X, dtype=real)
    Y = np.asarray(Y, dtype=real)
    m = X.shape[0]
    if Y.shape != (m, network.n_outputs):
        raise ValueError(f"Y must have shape ({m}, {network.n_outputs}), not {Y.shape}")
    K = thetas.shape[0]
    out = np.empty(K, dtype=np.float64)
    widest = max(layer.n_out for layer in network.layers)
    chunk = max(1, CHUNK_ELEMENTS // max(1, m * widest))
    last = network.layers[-1]
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for start in range(0, K, chunk):
            part = thetas[start:start + chunk].astype(real, copy=False)
            k = part.shape[0]
            A = X
            for i in range(len(network.layers)):
                Z = _pre_activation(network, i, part, A)
                A = _activate(network, i, Z)
            rows = (k * m, last.n_out)
            Y_rows = np.broadcast_to(Y, (k, m, last.n_out)).reshape(rows)
            per_sample = loss.per_sample(Z.reshape(rows), A.reshape(rows), Y_rows)
            out[start:start + k] = per_sample.reshape(k, m).mean(axis=1, dtype=np.float64)
        if l1 or l2:
            out += penalties(network, thetas, l1, l2)
    return out


def penalties(network: Network, thetas: np.ndarray, l1: float, l2: float) -> np.ndarray:
    """``l1·Σ|W| + (l2/2)·ΣW²`` of every θ (K, P), over the weights only: (K,) float64."""
    thetas = _check_thetas(network, thetas).astype(np.float64, copy=False)
    total = np.zeros(thetas.shape[0])
    for w, _ in network.slices:
        W = thetas[:, w]
        if l1:
            total += l1 * np.abs(W).sum(axis=1)
        if l2:
            total += 0.5 * l2 * np.einsum("kp,kp->k", W, W)
    return total


def _pre_activation(network: Network, i: int, thetas: np.ndarray, A_prev: np.ndarray):
    """Z (K, m, n_out) = A_prev · W[k] + b[k]; A_prev is (m, n_in) for the first layer."""
    layer = network.layers[i]
    w, b = network.slices[i]
    K = thetas.shape[0]
    W = thetas[:, w].reshape(K, layer.n_in, layer.n_out)
    Z = np.matmul(A_prev, W)           # (m, n_in) broadcasts over K; (K, m, n_in) pairs up
    Z += thetas[:, b][:, None, :]
    return Z


def _activate(network: Network, i: int, Z: np.ndarray) -> np.ndarray:
    """A = g(Z) for Z (K, m, n): the layer's activation over the K·m rows (row-wise, so
    softmax normalizes each sample of each θ on its own)."""
    K, m, n = Z.shape
    A = network.layers[i].activation.forward(Z.reshape(K * m, n))
    return A.reshape(K, m, n)


def _check_thetas(network: Network, thetas) -> np.ndarray:
    thetas = np.asarray(thetas)
    if thetas.ndim == 1:
        thetas = thetas[None, :]
    P = network.theta.size
    if thetas.ndim != 2 or thetas.shape[1] != P or thetas.dtype.kind != "f":
        raise ValueError(f"weight vectors must be floats of shape (K, {P}), "
                         f"not {thetas.dtype} {thetas.shape}")
    return thetas


def _dtype(network: Network, name: str | None):
    if name is None:
        return network.dtype
    if name not in DTYPES:
        raise ValueError(f"dtype must be one of {', '.join(DTYPES)}, not {name!r}")
    return DTYPES[name]
