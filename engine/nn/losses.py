"""Loss functions, each a small object.  Conventions (m samples, k outputs):

* ``mse``            L = 1/(2m) · Σᵢ Σₖ (Âᵢₖ − Yᵢₖ)²
* ``bce``            L = −1/m · Σᵢ Σₖ [Y log Â + (1 − Y) log(1 − Â)], Â = σ(Z), computed from the
                     logits Z as max(z, 0) − z·y + log(1 + e^(−|z|)) so it never takes log(0)
* ``cross_entropy``  L = −1/m · Σᵢ Σₖ Yᵢₖ log softmax(Zᵢ)ₖ, computed as logsumexp(Zᵢ) − Σₖ Yᵢₖ Zᵢₖ

All gradients here are *per sample* (``dA = ∂Lᵢ/∂Â``, no 1/m); the layers divide by m when
they form dW and db, which is the convention the step inspector shows
(``dZ = Â − Y``, ``dW = Aᵀ_prev · dZ / m``).
"""
from __future__ import annotations

import numpy as np

from .activations import row_max, row_sum


class Loss:
    name = "loss"
    formula = "L"
    #: Output activations this loss makes sense with.
    allowed_outputs: tuple[str, ...] = ()
    #: The output activation whose Jacobian cancels against this loss: dZ = Â − Y.
    fused_output: str | None = None

    def targets(self, y, n_out: int, dtype=np.float64) -> np.ndarray:
        """Targets as an (m, n_out) float matrix; accepts (m,) or (m, n_out) arrays."""
        y = np.asarray(y)
        if y.ndim == 1:
            y = y.reshape(-1, 1)
        if y.ndim != 2 or y.shape[1] != n_out:
            raise ValueError(
                f"{self.name}: targets have shape {np.shape(y)} but the network has {n_out} "
                f"output unit(s); give an (m,) or (m, {n_out}) array"
            )
        y = y.astype(dtype)
        if not np.isfinite(y).all():
            raise ValueError(f"{self.name}: the targets contain NaN or infinite values")
        return y

    def per_sample(self, Z: np.ndarray, A: np.ndarray, Y: np.ndarray) -> np.ndarray:
        """(m,) loss of each sample, Lᵢ (the loss is their mean)."""
        raise NotImplementedError

    def value(self, Z: np.ndarray, A: np.ndarray, Y: np.ndarray,
              logsumexp: np.ndarray | None = None) -> float:
        """The mean of :meth:`per_sample` (``logsumexp``: a softmax layer's row normalizers
        from its forward pass, which the cross-entropy would otherwise compute again)."""
        errors = (self.per_sample(Z, A, Y) if logsumexp is None
                  else self.per_sample(Z, A, Y, logsumexp=logsumexp))
        # = errors.mean() (the same pairwise sum, then one division), without mean()'s
        # Python-level overhead (2.5 µs, a tenth of a whole XOR step).
        return float(errors.sum()) / errors.size if errors.size else float("nan")

    def dA(self, A: np.ndarray, Y: np.ndarray) -> np.ndarray:
        """∂Lᵢ/∂Â per sample, shape (m, k)."""
        raise NotImplementedError

    def baseline(self, Y: np.ndarray) -> float:
        """The loss of the best constant prediction (the same Â for every sample) on the
        targets Y (m, k): what a network that ignores its inputs can score."""
        raise NotImplementedError

    def output_dZ(self, Z, A, Y, activation, out=None) -> np.ndarray:
        """∂Lᵢ/∂Z of the output layer per sample, shape (m, k)."""
        if activation.name == self.fused_output:
            return np.subtract(A, Y, out=out)
        return activation.backward(self.dA(A, Y), Z, A, out=out)

    def check_output(self, activation_name: str) -> None:
        """Refuse output activation + loss pairs that make no sense."""
        if activation_name not in self.allowed_outputs:
            raise ValueError(self._pair_message(activation_name))

    def _pair_message(self, activation_name: str) -> str:
        return (f"loss {self.name!r} does not fit a {activation_name!r} output layer; "
                f"use one of: {', '.join(self.allowed_outputs)}")

    def __repr__(self) -> str:
        return f"<loss {self.name}>"


class MeanSquaredError(Loss):
    name = "mse"
    formula = "L = 1/(2m) · Σ (Â − Y)²"
    allowed_outputs = ("identity", "sigmoid", "tanh", "relu", "leaky_relu", "step")
    fused_output = "identity"

    def per_sample(self, Z, A, Y):
        d = A - Y
        return 0.5 * np.einsum("ij,ij->i", d, d)

    def dA(self, A, Y):
        return A - Y

    def baseline(self, Y):
        # Â = the mean target: ½ · Σₖ var(Yₖ)
        return 0.5 * float(np.sum(np.var(Y, axis=0))) if len(Y) else float("nan")

    def _pair_message(self, activation_name):
        if activation_name == "softmax":
            return "a softmax output needs the 'cross_entropy' loss, not 'mse'"
        return super()._pair_message(activation_name)


class BinaryCrossEntropy(Loss):
    name = "bce"
    formula = "L = −1/m · Σ [Y·log Â + (1 − Y)·log(1 − Â)]"
    allowed_outputs = ("sigmoid",)
    fused_output = "sigmoid"

    def targets(self, y, n_out, dtype=np.float64):
        Y = super().targets(y, n_out, dtype)
        if Y.size and (Y.min() < 0 or Y.max() > 1):
            raise ValueError("bce: targets must lie in [0, 1] (class labels 0 and 1)")
        return Y

    def per_sample(self, Z, A, Y):
        # −[y log σ(z) + (1−y) log(1−σ(z))] = max(z, 0) − z·y + log(1 + e^(−|z|))
        if Z.size <= 256:
            # softplus(z) − z·y in 3 ufunc calls; np.logaddexp is a scalar loop, so large
            # arrays take the vectorized 8-call form below.
            terms = np.logaddexp(0.0, Z)
            terms -= Z * Y
        else:
            terms = np.maximum(Z, 0.0) - Z * Y + np.log1p(np.exp(-np.abs(Z)))
        return terms[:, 0] if terms.shape[1] == 1 else row_sum(terms)

    def dA(self, A, Y):
        eps = np.finfo(A.dtype).eps
        Ac = np.clip(A, eps, 1.0 - eps)
        return (Ac - Y) / (Ac * (1.0 - Ac))

    def baseline(self, Y):
        # Â = the fraction p of ones: Σₖ −[p log p + (1 − p) log(1 − p)]
        if not len(Y):
            return float("nan")
        p = np.mean(Y, axis=0)
        return float(sum(-x * np.log(x) for q in p for x in (q, 1.0 - q) if x > 0))

    def _pair_message(self, activation_name):
        if activation_name == "softmax":
            return "a softmax output needs the 'cross_entropy' loss, not 'bce'"
        return f"loss 'bce' needs a 'sigmoid' output layer (probabilities), not {activation_name!r}"


class SoftmaxCrossEntropy(Loss):
    name = "cross_entropy"
    formula = "L = −1/m · Σ Y·log Â"
    allowed_outputs = ("softmax",)
    fused_output = "softmax"

    def targets(self, y, n_out, dtype=np.float64):
        y = np.asarray(y)
        if y.ndim == 1 or (y.ndim == 2 and y.shape[1] == 1 and n_out > 1):
            labels = y.reshape(-1)
            if labels.size and (not np.all(np.isfinite(labels.astype(float)))
                                or np.any(labels != np.round(labels))):
                raise ValueError("cross_entropy: class labels must be whole numbers 0, 1, …")
            labels = labels.astype(np.int64)
            if labels.size and (labels.min() < 0 or labels.max() >= n_out):
                raise ValueError(
                    f"cross_entropy: class labels must lie in 0…{n_out - 1} for {n_out} output "
                    f"units; found {labels.min()}…{labels.max()}"
                )
            Y = np.zeros((labels.size, n_out), dtype=dtype)
            Y[np.arange(labels.size), labels] = 1.0
            return Y
        return super().targets(y, n_out, dtype)

    def per_sample(self, Z, A, Y, logsumexp=None):
        if logsumexp is None:
            zmax = row_max(Z)
            logsumexp = np.log(row_sum(np.exp(Z - zmax[:, None])))
            logsumexp += zmax
        return logsumexp * row_sum(Y) - np.einsum("ij,ij->i", Y, Z)

    def dA(self, A, Y):
        return -Y / np.maximum(A, np.finfo(A.dtype).tiny)

    def baseline(self, Y):
        # Â = the class frequencies p: −Σ_c p_c log p_c
        if not len(Y):
            return float("nan")
        p = np.mean(Y, axis=0)
        return float(-sum(q * np.log(q) for q in p if q > 0))

    def _pair_message(self, activation_name):
        return (f"loss 'cross_entropy' needs a 'softmax' output layer, not {activation_name!r} "
                "(for one sigmoid output use 'bce')")


LOSSES: dict[str, Loss] = {
    l.name: l for l in (MeanSquaredError(), BinaryCrossEntropy(), SoftmaxCrossEntropy())
}


def get_loss(name_or_object) -> Loss:
    if isinstance(name_or_object, Loss):
        return name_or_object
    try:
        return LOSSES[name_or_object]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown loss {name_or_object!r}; choose one of {', '.join(LOSSES)}"
        ) from None
