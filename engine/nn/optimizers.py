"""Optimizers, in order of increasing complexity.  Each works on the network's flat parameter
vector θ and its gradient g (both 1-D, every W and b end to end), so one step is a handful of
NumPy calls however many layers there are.

``delta(g)`` returns the change Δθ of one step (and advances the optimizer's state);
``step(θ, g)`` applies it: θ ← θ + Δθ.  The step inspector uses ``delta`` to show Δ per layer.
Buffers are allocated once and reused: the returned Δθ is overwritten by the next call.
"""
from __future__ import annotations

import math

import numpy as np


class Optimizer:
    name = "optimizer"
    formula = "θ ← θ + Δθ"

    def __init__(self, learning_rate: float = 0.03):
        self.learning_rate = learning_rate
        self._delta: np.ndarray | None = None

    @property
    def learning_rate(self) -> float:
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value: float) -> None:
        value = float(value)
        if not np.isfinite(value) or value <= 0:
            raise ValueError(f"the learning rate must be a positive number, not {value!r}")
        self._learning_rate = value

    def delta(self, g: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def step(self, params: np.ndarray, g: np.ndarray) -> None:
        params += self.delta(g)

    @property
    def last_delta(self) -> np.ndarray | None:
        """Δθ of the last step (None before the first)."""
        return None if self.t == 0 else self._delta

    def reset(self) -> None:
        """Forget the running state (velocities, moments, step count)."""
        for name in self.state_names:
            setattr(self, name, None)
        self.t = 0

    #: Names of the arrays that make up the optimizer's running state.
    state_names: tuple[str, ...] = ()
    t = 0

    def state(self) -> dict[str, np.ndarray]:
        """The running state as plain arrays (for saving a session)."""
        out = {n: getattr(self, n) for n in self.state_names if getattr(self, n) is not None}
        out["t"] = np.array(self.t)
        return out

    def load_state(self, state: dict[str, np.ndarray], size: int, dtype) -> None:
        for n in self.state_names:
            value = state.get(n)
            if value is not None:
                value = np.asarray(value, dtype=dtype)
                if value.shape != (size,):
                    raise ValueError(f"optimizer state {n!r} has shape {value.shape}, "
                                     f"expected ({size},)")
                value = value.copy()
            setattr(self, n, value)
        self.t = int(state.get("t", 0))

    def _buffers(self, g: np.ndarray) -> np.ndarray:
        if self._delta is None or self._delta.shape != g.shape or self._delta.dtype != g.dtype:
            self._delta = np.empty_like(g)
            self._tmp = np.empty_like(g)
        return self._delta

    def __repr__(self) -> str:
        return f"<optimizer {self.name} lr={self.learning_rate:g}>"


class SGD(Optimizer):
    name = "sgd"
    formula = "θ ← θ − η·g"

    def delta(self, g):
        d = self._buffers(g)
        self.t += 1
        return np.multiply(g, -self.learning_rate, out=d)


class Momentum(Optimizer):
    """v ← βv + (1 − β)g;  θ ← θ − η·v   (an exponential average of the gradients)."""

    name = "momentum"
    formula = "v ← β·v + (1−β)·g;  θ ← θ − η·v"
    state_names = ("v",)

    def __init__(self, learning_rate=0.03, beta: float = 0.9):
        super().__init__(learning_rate)
        self.beta = beta
        self.v = None

    def delta(self, g):
        d = self._buffers(g)
        if self.v is None:
            self.v = np.zeros_like(g)
        self.t += 1
        self.v *= self.beta
        np.multiply(g, 1.0 - self.beta, out=self._tmp)
        self.v += self._tmp
        return np.multiply(self.v, -self.learning_rate, out=d)


class RMSprop(Optimizer):
    """s ← ρs + (1 − ρ)g²;  θ ← θ − η·g / (√s + ε)."""

    name = "rmsprop"
    formula = "s ← ρ·s + (1−ρ)·g²;  θ ← θ − η·g / (√s + ε)"
    state_names = ("s",)

    def __init__(self, learning_rate=0.01, rho: float = 0.99, eps: float = 1e-8):
        super().__init__(learning_rate)
        self.rho, self.eps = rho, eps
        self.s = None

    def delta(self, g):
        d = self._buffers(g)
        tmp = self._tmp
        if self.s is None:
            self.s = np.zeros_like(g)
        self.t += 1
        self.s *= self.rho
        np.multiply(g, g, out=tmp)
        tmp *= 1.0 - self.rho
        self.s += tmp
        np.sqrt(self.s, out=tmp)
        tmp += self.eps
        np.divide(g, tmp, out=d)
        d *= -self.learning_rate
        return d


class Adam(Optimizer):
    """m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  θ ← θ − η·m̂ / (√v̂ + ε)

    with the bias corrections m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ), arranged as PyTorch does.
    """

    name = "adam"
    formula = "m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  θ ← θ − η·m̂ / (√v̂ + ε)"
    state_names = ("m", "v")

    def __init__(self, learning_rate=0.001, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8):
        super().__init__(learning_rate)
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.m = self.v = None

    def delta(self, g):
        d = self._buffers(g)
        tmp = self._tmp
        if self.m is None:
            self.m, self.v = np.zeros_like(g), np.zeros_like(g)
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        self.m *= b1
        np.multiply(g, 1.0 - b1, out=tmp)
        self.m += tmp
        self.v *= b2
        np.multiply(g, g, out=tmp)
        tmp *= 1.0 - b2
        self.v += tmp
        # θ −= (η / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
        np.sqrt(self.v, out=tmp)
        # A Python float (math.sqrt, not np.sqrt): a NumPy float64 scalar would make a float32
        # network's update run through a float64 loop with casting (2-7× slower).
        tmp *= 1.0 / math.sqrt(1.0 - b2 ** self.t)
        tmp += self.eps
        np.divide(self.m, tmp, out=d)
        d *= -self.learning_rate / (1.0 - b1 ** self.t)
        return d


OPTIMIZERS: dict[str, type[Optimizer]] = {
    cls.name: cls for cls in (SGD, Momentum, RMSprop, Adam)
}


def make_optimizer(name: str, learning_rate: float) -> Optimizer:
    try:
        cls = OPTIMIZERS[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZERS)}"
        ) from None
    return cls(learning_rate)
