"""A dense layer: ``Z = A_prev · W + b``, ``A = g(Z)``.

Shapes (m samples): ``A_prev (m, n_in) → Z, A (m, n_out)``; ``W (n_in, n_out)``, ``b (n_out,)``.
The layer keeps what backward needs (``A_prev``, ``Z``, ``A``) and names its gradients after
the math: ``dZ = ∂Lᵢ/∂Z`` per sample, ``dW = A_prevᵀ · dZ / m``, ``db = Σᵢ dZ / m``,
``dA_prev = dZ · Wᵀ``.

``W``, ``b``, ``dW`` and ``db`` are views into the network's flat parameter and gradient
vectors (see :class:`engine.nn.network.Network`); assigning ``layer.W = array`` copies into that
view, and ``layer.W[i, j] = value`` edits it in place.  Intermediate arrays live in
preallocated workspaces (one per batch size) so a training step allocates nothing.
"""
from __future__ import annotations

from collections import OrderedDict

import numpy as np

from .activations import Activation


#: Batches of at least this many samples keep their arrays column by column (Fortran
#: order): adding the bias row b to Z (m, n) then runs along m, not along rows of n numbers
#: (4× faster for 5000×16), and so do the other element-wise passes.
COLUMNS_FROM = 256


def batch_order(array: np.ndarray) -> np.ndarray:
    """An (m, k) array in the order the layers keep a batch of m samples in (by column from
    :data:`COLUMNS_FROM` samples on): element-wise work with their arrays then runs along
    contiguous memory."""
    return np.asfortranarray(array) if len(array) >= COLUMNS_FROM else array


class _Workspace:
    """Preallocated arrays of one batch size m."""

    def __init__(self, m: int, n_in: int, n_out: int, dtype):
        self.m = m
        order = "F" if m >= COLUMNS_FROM else "C"
        self.Z = np.empty((m, n_out), dtype, order=order)
        self.A = np.empty((m, n_out), dtype, order=order)
        self.dZ = np.empty((m, n_out), dtype, order=order)
        self.dA_prev = np.empty((m, n_in), dtype, order=order)
        # db = mean over samples, computed as a (1/m)-row times dZ: far faster than dZ.sum(0).
        self.mean_row = np.full(m, 1.0 / m, dtype)
        #: A softmax layer's log Σⱼ e^(Z_j) per row, kept from the forward pass for the loss.
        self.logsumexp = np.empty(m, dtype)
        # Matrix products: np.dot calls BLAS with less overhead than np.matmul (0.5 vs 0.9 µs
        # on tiny arrays), but writes C-ordered arrays only; np.matmul is faster for larger
        # products.  With an inner dimension of 1 (a one-input layer's X·W, a one-unit output
        # layer's dZ·Wᵀ) the product is an outer product: one broadcast multiply, the same
        # single rounding per element, 3–10× faster than either.
        small = order == "C" and m * n_in * n_out <= 65536
        self.dot_forward = _outer if n_in == 1 else np.dot if small else np.matmul
        self.dot_back = _outer if n_out == 1 else np.dot if small else np.matmul


def _outer(a: np.ndarray, b: np.ndarray, out: np.ndarray) -> np.ndarray:
    """a (m, 1) · b (1, n) into ``out`` (m, n): every element one product aᵢ·bⱼ."""
    return np.multiply(a, b[0], out=out)


class Dense:
    """One fully connected layer with its activation."""

    #: How many batch sizes keep a workspace (train, test, mini-batch, last partial batch,
    #: the plotting grid, one spare).
    WORKSPACES = 6

    def __init__(self, n_in: int, n_out: int, activation: Activation):
        self.n_in, self.n_out = n_in, n_out
        self.activation = activation
        self._workspaces: OrderedDict[int, _Workspace] = OrderedDict()
        self._last_workspace: _Workspace | None = None
        self.A_prev = self.Z = self.A = self.dZ = self.logsumexp = None

    def __getstate__(self) -> dict:
        """Pickled without its workspaces and cached pass (scratch memory, rebuilt on use);
        the network that owns the layer binds its parameters again when unpickled."""
        state = dict(self.__dict__)
        state.update(_workspaces=OrderedDict(), _last_workspace=None, A_prev=None, Z=None,
                     A=None, dZ=None, logsumexp=None)
        return state

    def bind(self, W: np.ndarray, b: np.ndarray, dW: np.ndarray, db: np.ndarray) -> None:
        """Attach the views into the network's flat parameter and gradient vectors."""
        self._W, self._b, self.dW, self.db = W, b, dW, db
        self._workspaces.clear()
        self._last_workspace = None

    @property
    def W(self) -> np.ndarray:
        """Weights, shape (n_in, n_out); column j holds the weights into unit j."""
        return self._W

    @W.setter
    def W(self, value) -> None:
        self._assign(self._W, value, "W")

    @property
    def b(self) -> np.ndarray:
        """Biases, shape (n_out,)."""
        return self._b

    @b.setter
    def b(self, value) -> None:
        self._assign(self._b, value, "b")

    @staticmethod
    def _assign(target: np.ndarray, value, what: str) -> None:
        value = np.asarray(value, dtype=float)
        if value.shape != target.shape:
            raise ValueError(f"{what} must have shape {target.shape}, not {value.shape}")
        if not np.isfinite(value).all():
            raise ValueError(f"{what} must be finite numbers")
        target[...] = value

    def workspace(self, m: int) -> _Workspace:
        ws = self._last_workspace
        if ws is not None and ws.m == m:
            return ws                     # already the most recently used: nothing to move
        ws = self._workspaces.get(m)
        if ws is None:
            ws = _Workspace(m, self.n_in, self.n_out, self._W.dtype)
            self._workspaces[m] = ws
            if len(self._workspaces) > self.WORKSPACES:
                self._workspaces.popitem(last=False)
        else:
            self._workspaces.move_to_end(m)
        self._last_workspace = ws
        return ws

    def forward(self, A_prev: np.ndarray) -> np.ndarray:
        """A_prev (m, n_in) → A (m, n_out).  Caches A_prev, Z and A for backward."""
        ws = self.workspace(A_prev.shape[0])
        # (np.dot insists on an output of exactly its result's dtype; np.matmul casts.)
        dot = ws.dot_forward if A_prev.dtype == ws.Z.dtype else np.matmul
        Z = dot(A_prev, self._W, out=ws.Z)
        Z += self._b
        self.A_prev, self.Z = A_prev, Z
        if self.activation.name == "softmax":
            self.A = self.activation.forward(Z, out=ws.A, logsumexp=ws.logsumexp)
            self.logsumexp = ws.logsumexp
        else:
            self.A = self.activation.forward(Z, out=ws.A)
        return self.A

    def dZ_from(self, dA: np.ndarray) -> np.ndarray:
        """dZ = dA ⊙ g′(Z) (or softmax's Jacobian product), into the workspace."""
        self.dZ = self.activation.backward(dA, self.Z, self.A, out=self.workspace(dA.shape[0]).dZ)
        return self.dZ

    def backward(self, dZ: np.ndarray, need_dA_prev: bool = True) -> np.ndarray | None:
        """From dZ (m, n_out): dW = A_prevᵀ·dZ/m, db = Σ dZ/m; returns dA_prev = dZ·Wᵀ."""
        ws = self.workspace(dZ.shape[0])
        self.dZ = dZ
        dot = np.dot if self.A_prev.dtype == dZ.dtype else np.matmul
        dot(self.A_prev.T, dZ, out=self.dW)
        self.dW *= ws.mean_row[0]
        np.dot(ws.mean_row, dZ, out=self.db)
        if not need_dA_prev:
            return None
        return ws.dot_back(dZ, self._W.T, out=ws.dA_prev)

    def add_penalty(self, l1: float, l2: float) -> None:
        """Add the regularization gradient to dW: l1·sign(W) + l2·W (biases are not penalized)."""
        if l2:
            self.dW += l2 * self._W
        if l1:
            self.dW += l1 * np.sign(self._W)

    def __repr__(self) -> str:
        return f"<Dense {self.n_in}→{self.n_out} {self.activation.name}>"
