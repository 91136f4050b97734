"""Learning-rate schedules: the rate of each epoch, η(e) = η₀ · factor(e).

``e`` counts the epochs completed so far (0 during the first epoch), η₀ is the learning rate
the user set.  Every step of an epoch uses the same rate, as PyTorch's schedulers do when
``scheduler.step()`` is called once per epoch:

* ``constant``      factor(e) = 1
* ``step``          factor(e) = γ^⌊e / k⌋              (``StepLR(step_size=k, gamma=γ)``)
* ``exponential``   factor(e) = γ^e                     (``ExponentialLR(gamma=γ)``)
* ``cosine``        factor(e) = f + (1 − f)·½·(1 + cos(π·min(e, T) / T)), f = 0.01: half a
                    cosine wave from 1 down to 1 % over T epochs, then constant
                    (``CosineAnnealingLR(T_max=T, eta_min=0.01·η₀)`` for e ≤ T)

A schedule is described by a small dict, ``{"name": "step", "step_size": 10, "gamma": 0.5}``,
which is what the session's settings and files hold; :func:`make_schedule` checks it.
"""
from __future__ import annotations

import inspect
import math

import numpy as np


class Schedule:
    """factor(e) = 1: the learning rate stays what it was set to."""

    name = "constant"
    formula = "η = η₀"

    def __init__(self) -> None:
        # No settings.  Declared so that make_schedule reads a Python signature: object's
        # own is parsed from its text, 25 ms at the first call (a twentieth of start-up).
        pass

    def factor(self, epoch: int) -> float:
        return 1.0

    def to_dict(self) -> dict:
        return {"name": self.name}

    def describe(self) -> str:
        """One line for a panel or a pinned run's label."""
        return "constant"

    def __eq__(self, other) -> bool:
        return isinstance(other, Schedule) and self.to_dict() == other.to_dict()

    def __repr__(self) -> str:
        return f"<schedule {self.to_dict()}>"


class StepDecay(Schedule):
    """factor(e) = γ^⌊e / k⌋: the rate is multiplied by γ every k epochs."""

    name = "step"
    formula = "η = η₀ · γ^⌊e / k⌋"

    def __init__(self, step_size: int = 10, gamma: float = 0.5):
        self.step_size = _whole("step_size", step_size)
        self.gamma = _fraction("gamma", gamma)

    def factor(self, epoch):
        return self.gamma ** (epoch // self.step_size)

    def to_dict(self):
        return {"name": self.name, "step_size": self.step_size, "gamma": self.gamma}

    def describe(self):
        return f"×{self.gamma:g} every {self.step_size} epochs"


class ExponentialDecay(Schedule):
    """factor(e) = γ^e: the rate is multiplied by γ after every epoch."""

    name = "exponential"
    formula = "η = η₀ · γ^e"

    def __init__(self, gamma: float = 0.95):
        self.gamma = _fraction("gamma", gamma)

    def factor(self, epoch):
        return self.gamma ** epoch

    def to_dict(self):
        return {"name": self.name, "gamma": self.gamma}

    def describe(self):
        return f"×{self.gamma:g} per epoch"


class CosineDecay(Schedule):
    """factor(e) = f + (1 − f)·½·(1 + cos(π·min(e, T) / T)) with f = :attr:`FLOOR`: half a
    cosine wave from 1 down to f over T epochs, then constant."""

    name = "cosine"
    formula = "η = η_min + (η₀ − η_min) · ½(1 + cos(π·e / T))"
    FLOOR = 0.01

    def __init__(self, epochs: int = 100):
        self.epochs = _whole("epochs", epochs)

    def factor(self, epoch):
        e = min(epoch, self.epochs)
        return self.FLOOR + (1.0 - self.FLOOR) * 0.5 * (1.0 + math.cos(math.pi * e / self.epochs))

    def to_dict(self):
        return {"name": self.name, "epochs": self.epochs}

    def describe(self):
        return f"cosine over {self.epochs} epochs"


SCHEDULES: dict[str, type[Schedule]] = {
    cls.name: cls for cls in (Schedule, StepDecay, ExponentialDecay, CosineDecay)
}


def make_schedule(spec) -> Schedule:
    """A schedule from None (constant), a name, a dict like ``{"name": "step", "gamma": 0.5}``
    or a :class:`Schedule`; ValueError says what is wrong with a bad one."""
    if isinstance(spec, Schedule):
        return spec
    if spec is None:
        return Schedule()
    if isinstance(spec, str):
        spec = {"name": spec}
    if not isinstance(spec, dict):
        raise ValueError(f"a learning-rate schedule is a name or a dict like "
                         f"{{'name': 'step', 'step_size': 10, 'gamma': 0.5}}, not {spec!r}")
    settings = dict(spec)
    name = settings.pop("name", None)
    cls = SCHEDULES.get(name) if isinstance(name, str) else None
    if cls is None:
        raise ValueError(f"unknown learning-rate schedule {name!r}; choose one of "
                         f"{', '.join(SCHEDULES)}")
    allowed = [p for p in inspect.signature(cls).parameters]
    unknown = sorted(set(settings) - set(allowed))
    if unknown:
        raise ValueError(f"the {name} schedule takes {', '.join(allowed) or 'no settings'}, "
                         f"not {', '.join(unknown)}")
    return cls(**settings)


def _whole(what: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{what} must be a whole number ≥ 1, not {value!r}")
    return int(value)


def _fraction(what: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not 0.0 < value <= 1.0:
        raise ValueError(f"{what} must be a number in (0, 1], not {value!r}")
    return float(value)
