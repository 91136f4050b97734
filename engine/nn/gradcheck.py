"""Gradient check: backpropagation against central differences, in float64.

For every parameter θⱼ the numerical derivative is ``(L(θⱼ + h) − L(θⱼ − h)) / 2h``.
Per parameter array (``"layer0.W"``, ``"layer0.b"``, …) the verdict is the relative error

    ‖g_backprop − g_numeric‖ / max(‖g_backprop‖ + ‖g_numeric‖, floor)

The floor (1e-3) makes arrays whose gradient is near zero compare absolutely: central
differences cannot resolve a gradient below ~1e-10 (rounding of L divided by 2h), and a
relative error of two such numbers would be noise, not a verdict.
"""
from __future__ import annotations

import numpy as np

from .losses import get_loss
from .network import Network

#: Relative error below which backprop and finite differences are said to agree.
TOLERANCE = 1e-6
STEP = 1e-5
FLOOR = 1e-3


class GradientCheck(dict):
    """``{"layer0.W": relative_error, ...}`` plus the arrays compared and the verdict."""

    def __init__(self, errors, analytic, numeric, tolerance):
        super().__init__(errors)
        self.analytic = analytic        # name -> backprop gradient array
        self.numeric = numeric          # name -> central-difference gradient array
        self.tolerance = tolerance

    @property
    def passed(self) -> bool:
        return all(err < self.tolerance for err in self.values())

    @property
    def worst(self) -> tuple[str, float]:
        name = max(self, key=self.get)
        return name, self[name]


def check_gradients(net: Network, X, y, loss: str = "mse", l1: float = 0.0, l2: float = 0.0,
                    step: float = STEP, tolerance: float = TOLERANCE) -> GradientCheck:
    """Compare ``net.gradients`` with central differences on a float64 copy of ``net``.

    ``net`` itself is left untouched.  Returns the relative error per parameter array.
    """
    loss = get_loss(loss)
    probe = net.copy(dtype="float64")
    X = probe.as_input(X)
    Y = probe.targets(y, loss)
    backprop = probe.gradients(X, Y, loss, l1=l1, l2=l2)

    def total_loss() -> float:
        probe.propagate(X)
        out = probe.layers[-1]
        return loss.value(out.Z, out.A, Y) + probe.penalty(l1, l2)

    theta = probe.theta
    numeric_flat = np.empty_like(theta)
    for j in range(theta.size):
        original = theta[j]
        theta[j] = original + step
        plus = total_loss()
        theta[j] = original - step
        minus = total_loss()
        theta[j] = original
        numeric_flat[j] = (plus - minus) / (2.0 * step)

    errors, analytic, numeric = {}, {}, {}
    for i, (layer, (w, b)) in enumerate(zip(probe.layers, probe.slices)):
        for key, sl, shape in (("W", w, layer.W.shape), ("b", b, layer.b.shape)):
            name = f"layer{i}.{key}"
            a = backprop[i][key]
            n = numeric_flat[sl].reshape(shape)
            analytic[name], numeric[name] = a, n
            denom = max(np.linalg.norm(a) + np.linalg.norm(n), FLOOR)
            errors[name] = float(np.linalg.norm(a - n) / denom)
    return GradientCheck(errors, analytic, numeric, tolerance)
