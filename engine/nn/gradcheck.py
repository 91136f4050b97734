"""Gradient check: backpropagation against central differences, in float64.

For every parameter θⱼ the numerical derivative is ``(L(θⱼ + h) − L(θⱼ − h)) / 2h``.
Per parameter array (``"layer0.W"``, ``"layer0.b"``, …) the verdict is the relative error

    ‖g_backprop − g_numeric‖ / max(‖g_backprop‖ + ‖g_numeric‖, floor)

The floor (1e-3) makes arrays whose gradient is near zero compare absolutely: central
differences cannot resolve a gradient below ~1e-10 (rounding of L divided by 2h), and a
relative error of two such numbers would be noise, not a verdict.

Kinks.  ReLU, leaky ReLU and the step have a corner at z = 0, and the L1 penalty one at
w = 0.  When nudging θⱼ by ±h moves some sample's pre-activation z across 0 (it was within h
of the kink: a trained ReLU network often has such samples, and hand-set weights can put z
exactly on it), L(θⱼ ± h) straddles two different slopes and their average is neither one:
finite differences do not apply to θⱼ there, although backprop is right.  The check watches
for exactly that — which units fire (z > 0) at θⱼ, θⱼ + h and θⱼ − h — and sets such θⱼ
aside.  An array whose only disagreements are at kinks gets the status ``"kink"``, not
``"fail"``; its relative error is then taken over the other entries.  A wrong derivative
still fails, because it disagrees away from the kinks too.
"""
from __future__ import annotations

import numpy as np

from .losses import get_loss
from .network import Network

#: Relative error below which backprop and finite differences are said to agree.
TOLERANCE = 1e-6
STEP = 1e-5
FLOOR = 1e-3
PASS, KINK, FAIL = "pass", "kink", "fail"
class GradientCheck(dict):
    """``{"layer0.W": relative_error, ...}`` plus the arrays compared and the verdicts.

    ``analytic[name]`` and ``numeric[name]`` are the backprop and central-difference
    gradients; ``kinks[name]`` is a boolean array of the same shape, True where nudging the
    parameter crossed a kink.  The relative error of an array leaves its kink entries out.
    """

    def __init__(self, errors, analytic, numeric, tolerance, kinks=None, full_errors=None):
        super().__init__(errors)
        self.analytic = analytic        # name -> backprop gradient array
        self.numeric = numeric          # name -> central-difference gradient array
        self.tolerance = tolerance
        self.kinks = kinks or {name: np.zeros(a.shape, bool) for name, a in analytic.items()}
        #: name -> relative error over every entry, kinks included
        self.full_errors = full_errors or dict(errors)

    def status(self, name: str) -> str:
        """"pass", "kink" (agrees once the entries at a kink are set aside) or "fail"."""
        if self[name] >= self.tolerance:
            return FAIL
        return KINK if self.full_errors[name] >= self.tolerance else PASS

    @property
    def statuses(self) -> dict[str, str]:
        return {name: self.status(name) for name in self}

    @property
    def passed(self) -> bool:
        """True when no array fails (arrays at a kink do not count as failures)."""
        return all(err < self.tolerance for err in self.values())

    @property
    def at_kink(self) -> list[str]:
        return [name for name in self if self.status(name) == KINK]

    @property
    def worst(self) -> tuple[str, float]:
        name = max(self, key=self.get)
        return name, self[name]

    def sentence(self) -> str:
        """The verdict in one plain sentence, for the dialog."""
        failed = [name for name in self if self.status(name) == FAIL]
        if failed:
            return (f"Backprop DISAGREES with finite differences in {_names(failed)}: a "
                    "derivative in the code is wrong.")
        kinks = self.at_kink
        if not kinks:
            return "Backprop agrees with finite differences for every parameter."
        count = sum(int(self.kinks[name].sum()) for name in kinks)
        return (f"Backprop agrees with finite differences wherever they apply; {count} "
                f"parameter(s) of {_names(kinks)} are at a kink, where finite differences do "
                "not apply: nudging one by ±h moves some unit's z across 0, where ReLU's slope "
                "jumps, so (L(θ + h) − L(θ − h)) / 2h mixes two slopes.")

    def __repr__(self) -> str:
        def entry(name):
            note = (f" ({int(self.kinks[name].sum())} at a kink)"
                    if self.status(name) == KINK else "")
            return f"'{name}': {self[name]:.1e}{note}"
        return ("<GradientCheck " + ("passed" if self.passed else "FAILED") + " {"
                + ", ".join(entry(name) for name in self) + "}>")


def _names(names) -> str:
    return ", ".join(f"layer {int(n.split('.')[0][5:]) + 1} {n.split('.')[1]}" for n in names)


def check_gradients(net: Network, X, y, loss: str = "mse", l1: float = 0.0, l2: float = 0.0,
                    step: float = STEP, tolerance: float = TOLERANCE) -> GradientCheck:
    """Compare ``net.gradients`` with central differences on a float64 copy of ``net``.

    ``net`` itself is left untouched.  Returns the relative error per parameter array, with
    the parameters whose nudge crossed a kink set aside (see the module docstring).
    """
    loss = get_loss(loss)
    probe = net.copy(dtype="float64")
    X = probe.as_input(X)
    Y = probe.targets(y, loss)
    backprop = probe.gradients(X, Y, loss, l1=l1, l2=l2)
    piecewise = [layer for layer in probe.layers if layer.activation.piecewise]

    def total_loss() -> tuple[float, list[np.ndarray]]:
        """L(θ) and, for every piecewise layer, which units fire (z > 0) on which sample."""
        probe.propagate(X)
        out = probe.layers[-1]
        value = loss.value(out.Z, out.A, Y) + probe.penalty(l1, l2)
        return value, [layer.Z > 0 for layer in piecewise]

    theta = probe.theta
    _, firing = total_loss()
    weights = np.zeros(theta.size, bool)          # the penalized entries (W, not b)
    for w, _ in probe.slices:
        weights[w] = True
    numeric_flat = np.empty_like(theta)
    kink_flat = np.zeros(theta.size, bool)
    for j in range(theta.size):
        original = theta[j]
        theta[j] = original + step
        plus, firing_plus = total_loss()
        theta[j] = original - step
        minus, firing_minus = total_loss()
        theta[j] = original
        numeric_flat[j] = (plus - minus) / (2.0 * step)
        crossed = any(not (np.array_equal(a, b) and np.array_equal(a, c))
                      for a, b, c in zip(firing, firing_plus, firing_minus))
        kink_flat[j] = crossed or (bool(l1) and weights[j] and abs(original) < step)

    errors, full_errors, analytic, numeric, kinks = {}, {}, {}, {}, {}
    for i, (layer, (w, b)) in enumerate(zip(probe.layers, probe.slices)):
        for key, sl, shape in (("W", w, layer.W.shape), ("b", b, layer.b.shape)):
            name = f"layer{i}.{key}"
            a = backprop[i][key]
            n = numeric_flat[sl].reshape(shape)
            k = kink_flat[sl].reshape(shape)
            analytic[name], numeric[name], kinks[name] = a, n, k
            full_errors[name] = _relative_error(a, n)
            errors[name] = _relative_error(a[~k], n[~k]) if k.any() else full_errors[name]
    return GradientCheck(errors, analytic, numeric, tolerance, kinks, full_errors)


def _relative_error(a: np.ndarray, n: np.ndarray) -> float:
    denom = max(np.linalg.norm(a) + np.linalg.norm(n), FLOOR)
    return float(np.linalg.norm(a - n) / denom)
