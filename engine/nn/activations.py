"""Activation functions g(Z), each a small object with ``forward`` and ``backward``.

Shapes: ``Z`` and ``A = g(Z)`` are ``(m, n)`` (m samples, n units).  ``backward(dA, Z, A)``
returns ``dZ = dA ⊙ g′(Z)`` for element-wise activations; softmax, which couples the units
of a row, applies its Jacobian instead.  The UI and the file format refer to activations by
``name``; look them up in :data:`ACTIVATIONS`.
"""
from __future__ import annotations

import numpy as np


def row_max(M: np.ndarray) -> np.ndarray:
    """The maximum of each row of M (m, k), shape (m,).

    ``M.max(axis=1)`` runs one short inner loop per row and is slow for few columns (73 µs
    for 1797×10 in float64, 126 µs in float32); k−1 ``np.maximum`` calls over whole columns
    take 12–15 µs.  Same values (max is exact).
    """
    k = M.shape[1]
    if k == 1:
        return M[:, 0].copy()
    if k > 32:
        return M.max(axis=1)
    out = np.maximum(M[:, 0], M[:, 1])
    for j in range(2, k):
        np.maximum(out, M[:, j], out=out)
    return out


def row_sum(M: np.ndarray) -> np.ndarray:
    """The sum of each row of M (m, k), shape (m,), as one BLAS matrix-vector product:
    ``M.sum(axis=1)`` is 6× slower for few columns (38 µs vs 6 µs for 1797×10)."""
    key = (M.shape[1], M.dtype)
    ones = _ONES.get(key)
    if ones is None:
        ones = _ONES[key] = np.ones(M.shape[1], M.dtype)
    return M @ ones


#: (k, dtype) → a vector of k ones (read only), for row_sum.
_ONES: dict = {}


class Activation:
    """Base class: an element-wise activation ``A = g(Z)`` with derivative ``g′(Z)``."""

    name = "activation"
    #: Formula for humans, with ``z`` as the argument (used by the step inspector).
    formula = "g(z)"
    #: True when g works on each element alone (everything but softmax).
    elementwise = True
    #: True when g has a kink at z = 0 (g′ jumps there): finite differences across it fail.
    piecewise = False
    #: False for activations whose gradient is useless for training (the step function).
    trainable = True

    def forward(self, Z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        raise NotImplementedError

    def derivative(self, Z: np.ndarray, A: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """g′(Z) element-wise, given the cached output ``A = g(Z)``."""
        raise NotImplementedError

    def backward(self, dA: np.ndarray, Z: np.ndarray, A: np.ndarray,
                 out: np.ndarray | None = None) -> np.ndarray:
        """dZ = dA ⊙ g′(Z)."""
        d = self.derivative(Z, A, out=out)
        return np.multiply(d, dA, out=d)

    def __repr__(self) -> str:
        return f"<activation {self.name}>"


class Identity(Activation):
    name = "identity"
    formula = "z"

    def forward(self, Z, out=None):
        if out is None:
            return Z.copy()
        np.copyto(out, Z)
        return out

    def derivative(self, Z, A, out=None):
        if out is None:
            return np.ones_like(Z)
        out.fill(1.0)
        return out

    def backward(self, dA, Z, A, out=None):
        if out is None:
            return dA.copy()
        np.copyto(out, dA)
        return out


class ReLU(Activation):
    name = "relu"
    formula = "max(0, z)"
    piecewise = True

    def forward(self, Z, out=None):
        return np.maximum(Z, 0.0, out=out)

    def derivative(self, Z, A, out=None):
        # g′(0) is taken as 0, as PyTorch does.
        if out is None:
            return (Z > 0).astype(Z.dtype)
        return np.greater(Z, 0.0, out=out, casting="unsafe")

    def backward(self, dA, Z, A, out=None):
        # dA where Z > 0, else 0; one ufunc call, no temporary mask.
        return np.multiply(dA, Z > 0, out=out)


class LeakyReLU(Activation):
    name = "leaky_relu"
    piecewise = True

    def __init__(self, slope: float = 0.01):
        self.slope = float(slope)
        self.formula = f"max({self.slope:g}·z, z)"

    def forward(self, Z, out=None):
        out = np.multiply(Z, self.slope, out=out)
        return np.maximum(Z, out, out=out)

    def derivative(self, Z, A, out=None):
        d = np.where(Z > 0, 1.0, self.slope).astype(Z.dtype, copy=False)
        if out is None:
            return d
        np.copyto(out, d)
        return out


class Sigmoid(Activation):
    name = "sigmoid"
    formula = "1 / (1 + e^(−z))"

    def forward(self, Z, out=None):
        # Clipping z from below keeps exp(−z) finite (so no overflow warnings) for any z, even
        # −1e300: σ(−clip) is a tiny positive number below any tolerance anyone uses.  Above,
        # e^(−z) underflows quietly to 0 and σ = 1 exactly, so no upper clip is needed (and
        # np.maximum costs a quarter of np.clip's 2.4 µs).
        limit = _EXP_LIMIT[Z.dtype.itemsize]
        out = np.maximum(Z, -limit, out=out)
        np.negative(out, out=out)
        np.exp(out, out=out)
        out += 1.0
        return np.reciprocal(out, out=out)

    def derivative(self, Z, A, out=None):
        # σ′(z) = σ(z)·(1 − σ(z))
        out = np.subtract(1.0, A, out=out)
        return np.multiply(out, A, out=out)


class Tanh(Activation):
    name = "tanh"
    formula = "tanh(z)"

    def forward(self, Z, out=None):
        return np.tanh(Z, out=out)

    def derivative(self, Z, A, out=None):
        # tanh′(z) = 1 − tanh(z)²
        out = np.multiply(A, A, out=out)
        return np.subtract(1.0, out, out=out)


class Softmax(Activation):
    """Row-wise softmax: A[i, k] = exp(Z[i, k]) / Σ_j exp(Z[i, j]).  Output layers only."""

    name = "softmax"
    formula = "e^(z_k) / Σⱼ e^(z_j)"
    elementwise = False

    def forward(self, Z, out=None, logsumexp=None):
        """A = softmax(Z); with ``logsumexp`` (m,), also log Σⱼ e^(Z_j) of each row into it
        (the cross-entropy loss needs exactly these numbers: no second pass of exp)."""
        zmax = row_max(Z)
        out = np.subtract(Z, zmax[:, None], out=out)
        np.exp(out, out=out)
        total = row_sum(out)
        out /= total[:, None]
        if logsumexp is not None:
            np.log(total, out=logsumexp)
            logsumexp += zmax
        return out

    def derivative(self, Z, A, out=None):
        """The diagonal of the Jacobian, ∂A_k/∂Z_k = A_k(1 − A_k) (for plots only)."""
        out = np.subtract(1.0, A, out=out)
        return np.multiply(out, A, out=out)

    def backward(self, dA, Z, A, out=None):
        # dZ_k = A_k · (dA_k − Σ_j dA_j A_j): the Jacobian-vector product of softmax.
        s = np.einsum("ij,ij->i", dA, A)[:, None]
        out = np.subtract(dA, s, out=out)
        return np.multiply(out, A, out=out)


class Step(Activation):
    """The perceptron's threshold unit: 1 where z > 0, else 0.  Forward only: its derivative
    is 0 everywhere except at z = 0, where it does not exist, so no gradient flows through it
    and backpropagation cannot train it."""

    name = "step"
    formula = "1 if z > 0 else 0"
    piecewise = True
    trainable = False
    #: Why a network with a step unit cannot be trained (the message training refuses with).
    REFUSAL = ("a step unit cannot be trained by backpropagation: its slope is 0 everywhere "
               "(and undefined at z = 0), so no gradient flows through it. Set its weights by "
               "hand, or use sigmoid, its smooth cousin, to train")

    def forward(self, Z, out=None):
        return np.greater(Z, 0.0, out=out, casting="unsafe") if out is not None \
            else (Z > 0).astype(Z.dtype)

    def derivative(self, Z, A, out=None):
        """0 everywhere (for plots: g′ of the Activation tab)."""
        if out is None:
            return np.zeros_like(Z)
        out.fill(0.0)
        return out

    def backward(self, dA, Z, A, out=None):
        raise ValueError(self.REFUSAL)


# exp() overflows just above 709 in float64 and 88 in float32.
_EXP_LIMIT = {8: 700.0, 4: 80.0, 2: 11.0}

ACTIVATIONS: dict[str, Activation] = {
    a.name: a for a in (Identity(), ReLU(), LeakyReLU(), Sigmoid(), Tanh(), Softmax(), Step())
}
#: Activations a hidden layer may use and training can train (softmax couples units and
#: belongs at the output).
HIDDEN_ACTIVATIONS = ("relu", "leaky_relu", "tanh", "sigmoid", "identity")
OUTPUT_ACTIVATIONS = ("sigmoid", "softmax", "identity", "tanh", "relu", "leaky_relu")
#: Activations that compute a forward pass only (hand-set weights, no training): any layer
#: may use them.
FORWARD_ONLY_ACTIVATIONS = ("step",)


def get_activation(name_or_object) -> Activation:
    """Look an activation up by name (or pass an :class:`Activation` through)."""
    if isinstance(name_or_object, Activation):
        return name_or_object
    try:
        return ACTIVATIONS[name_or_object]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown activation {name_or_object!r}; choose one of {', '.join(ACTIVATIONS)}"
        ) from None
