"""Weight initializers: ``init.weights(n_in, n_out, rng) -> W`` of shape (n_in, n_out).

Biases start at 0 (see ``Network.initialize`` for the one exception).  Every random
initializer draws from the ``numpy.random.Generator`` it is given, so a network is
reproducible from its seed.
"""
from __future__ import annotations

import numpy as np


class Initializer:
    name = "init"
    description = ""
    random = True            # False for the symmetric ones (zeros, constant)

    def weights(self, n_in: int, n_out: int, rng: np.random.Generator) -> np.ndarray:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<init {self.name}>"


class Zeros(Initializer):
    name = "zeros"
    random = False
    description = ("W = 0: with tanh or ReLU the hidden units output 0 and no gradient reaches "
                   "them at all; with sigmoid they move but stay identical")

    def weights(self, n_in, n_out, rng):
        return np.zeros((n_in, n_out))


class Constant(Initializer):
    name = "constant"
    random = False

    def __init__(self, value: float = 0.5):
        self.value = float(value)
        self.description = (f"W = {self.value:g}: symmetric: every hidden unit gets the same "
                            "gradient, so the units move but stay identical")

    def weights(self, n_in, n_out, rng):
        return np.full((n_in, n_out), self.value)


class Small(Initializer):
    name = "small"
    description = "W ~ N(0, 1) · 0.01"

    def weights(self, n_in, n_out, rng):
        return rng.standard_normal((n_in, n_out)) * 0.01


class Large(Initializer):
    name = "large"
    description = "W ~ N(0, 1) · 5: far too large; sigmoid and tanh units start saturated"

    def weights(self, n_in, n_out, rng):
        return rng.standard_normal((n_in, n_out)) * 5.0


class Uniform(Initializer):
    name = "uniform"
    description = "W ~ U(−0.5, 0.5), as TensorFlow Playground does"

    def weights(self, n_in, n_out, rng):
        return rng.uniform(-0.5, 0.5, size=(n_in, n_out))


class Xavier(Initializer):
    name = "xavier"
    description = "Glorot: W ~ U(±√(6 / (n_in + n_out))), for tanh and sigmoid"

    def weights(self, n_in, n_out, rng):
        limit = np.sqrt(6.0 / (n_in + n_out))
        return rng.uniform(-limit, limit, size=(n_in, n_out))


class He(Initializer):
    name = "he"
    description = "He: W ~ N(0, 2 / n_in), for ReLU"

    def weights(self, n_in, n_out, rng):
        return rng.standard_normal((n_in, n_out)) * np.sqrt(2.0 / n_in)


INITIALIZERS: dict[str, Initializer] = {
    i.name: i for i in (Zeros(), Constant(), Small(), Uniform(), Xavier(), He(), Large())
}


def get_initializer(name_or_object) -> Initializer:
    if isinstance(name_or_object, Initializer):
        return name_or_object
    try:
        return INITIALIZERS[name_or_object]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown initializer {name_or_object!r}; choose one of {', '.join(INITIALIZERS)}"
        ) from None
