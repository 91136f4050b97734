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
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"the learning rate must be a positive number, not {value!r}") \
                from None
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
    #: Names of the settings besides the learning rate (β, ε, …).
    hyper_names: tuple[str, ...] = ()
    t = 0

    @property
    def hyperparameters(self) -> dict[str, float]:
        """``{"learning_rate": η, …}`` with the optimizer's other settings."""
        return {"learning_rate": self.learning_rate,
                **{n: _plain(getattr(self, n)) for n in self.hyper_names}}

    def state_dict(self) -> dict:
        """Everything that decides the next steps, as PyTorch's ``Optimizer.state_dict()``:
        ``{"name", "hyperparameters", "step": t, "state": {name: (P,) array}}`` (copies)."""
        return {"name": self.name, "hyperparameters": self.hyperparameters, "step": self.t,
                "state": {n: getattr(self, n).copy() for n in self.state_names
                          if getattr(self, n) is not None}}

    def load_state_dict(self, state: dict, size: int, dtype) -> None:
        """Restore a :meth:`state_dict` for a network of ``size`` parameters; ValueError when it
        belongs to another optimizer or its arrays do not fit (nothing changes then)."""
        if state.get("name", self.name) != self.name:
            raise ValueError(f"the optimizer state is {state.get('name')!r}'s, not {self.name!r}'s")
        hyper = dict(state.get("hyperparameters") or {})
        unknown = set(hyper) - {"learning_rate", *self.hyper_names}
        if unknown:
            raise ValueError(f"unknown {self.name} setting(s): {', '.join(sorted(unknown))}")
        buffers = {}
        for n, value in (state.get("state") or {}).items():
            if n not in self.state_names:
                raise ValueError(f"{self.name} keeps no running state named {n!r}")
            value = np.array(value, dtype=dtype)
            if value.shape != (size,) or not np.isfinite(value).all():
                raise ValueError(f"the optimizer's {n!r} must be {size} finite numbers")
            buffers[n] = value
        step = state.get("step", 0)
        if isinstance(step, bool) or not isinstance(step, (int, np.integer)) or step < 0:
            raise ValueError(f"the optimizer's step count must be a whole number ≥ 0, not {step!r}")
        self.configure(**hyper)
        for n in self.state_names:
            setattr(self, n, buffers.get(n))
        self.t = int(step)

    def configure(self, **settings) -> None:
        """Change settings by name (``learning_rate``, ``beta``, …), each checked."""
        for name, value in settings.items():
            if name == "learning_rate":
                self.learning_rate = value
            elif name in self.hyper_names:
                check = _switch if isinstance(getattr(self, name), bool) else _setting
                setattr(self, name, check(name, value))
            else:
                raise ValueError(f"{self.name} has no setting {name!r}")

    def _buffers(self, g: np.ndarray) -> np.ndarray:
        if self._delta is None or self._delta.shape != g.shape or self._delta.dtype != g.dtype:
            self._delta = np.empty_like(g)
            self._tmp = np.empty_like(g)
        return self._delta

    def __repr__(self) -> str:
        return f"<optimizer {self.name} lr={self.learning_rate:g}>"


class SGD(Optimizer):
    """Plain gradient descent: θ ← θ − η·g."""

    name = "sgd"
    formula = "θ ← θ − η·g"

    def delta(self, g):
        d = self._buffers(g)
        self.t += 1
        return np.multiply(g, -self.learning_rate, out=d)


class Momentum(Optimizer):
    """Classical (heavy-ball) momentum, as PyTorch's ``SGD(momentum=β)`` and the textbooks:

        v ← β·v + g;   θ ← θ − η·v                 (Nesterov: θ ← θ − η·(g + β·v))

    v is a running *sum* of past gradients, each older one weighed β more lightly, so along a
    direction the gradient keeps, the steps grow towards η·g / (1 − β) (10× for β = 0.9).
    v starts at 0 (PyTorch starts it at the first g: the same numbers).
    """

    name = "momentum"
    formula = "v ← β·v + g;  θ ← θ − η·v"
    state_names = ("v",)
    hyper_names = ("beta", "nesterov")

    def __init__(self, learning_rate=0.03, beta: float = 0.9, nesterov: bool = False):
        super().__init__(learning_rate)
        self.beta = _setting("beta", beta)
        self.nesterov = _switch("nesterov", nesterov)
        self.v = None

    def delta(self, g):
        d = self._buffers(g)
        if self.v is None:
            self.v = np.zeros_like(g)
        self.t += 1
        self.v *= self.beta
        self.v += g
        if self.nesterov:
            np.multiply(self.v, self.beta, out=d)
            d += g
            d *= -self.learning_rate
            return d
        return np.multiply(self.v, -self.learning_rate, out=d)


class RMSprop(Optimizer):
    """s ← ρs + (1 − ρ)g²;  θ ← θ − η·g / (√s + ε)."""

    name = "rmsprop"
    formula = "s ← ρ·s + (1−ρ)·g²;  θ ← θ − η·g / (√s + ε)"
    state_names = ("s",)
    hyper_names = ("rho", "eps")

    def __init__(self, learning_rate=0.01, rho: float = 0.99, eps: float = 1e-8):
        super().__init__(learning_rate)
        self.rho, self.eps = _setting("rho", rho), _setting("eps", eps)
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
    hyper_names = ("beta1", "beta2", "eps")

    def __init__(self, learning_rate=0.001, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8):
        super().__init__(learning_rate)
        self.beta1, self.beta2 = _setting("beta1", beta1), _setting("beta2", beta2)
        self.eps = _setting("eps", eps)
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


def _plain(value):
    """A setting as JSON writes it: bools stay bools, numbers become floats."""
    return value if isinstance(value, bool) else float(value)


def _switch(name: str, value) -> bool:
    """An on/off setting (Nesterov): True or False only."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be true or false, not {value!r}")
    return bool(value)


def _setting(name: str, value) -> float:
    """β-like settings lie in [0, 1); ε in (0, 1)."""
    if isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be a number, not {value!r}")
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, not {value!r}") from None
    ok = 0.0 < value < 1.0 if name == "eps" else 0.0 <= value < 1.0
    if not ok:
        raise ValueError(f"{name} must lie in {'(0, 1)' if name == 'eps' else '[0, 1)'}, "
                         f"not {value!r}")
    return value


OPTIMIZERS: dict[str, type[Optimizer]] = {
    cls.name: cls for cls in (SGD, Momentum, RMSprop, Adam)
}


def make_optimizer(name: str, learning_rate: float, **settings) -> Optimizer:
    """A fresh optimizer ``name`` with learning rate η and any of its other settings
    (``beta=0.95``, ``nesterov=True``, …), each checked: ValueError names a bad one."""
    try:
        cls = OPTIMIZERS[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZERS)}"
        ) from None
    optimizer = cls(learning_rate)
    optimizer.configure(**settings)
    return optimizer
