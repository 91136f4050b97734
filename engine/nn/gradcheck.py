"""Gradient check: backpropagation against central differences, in float64.

For every parameter θⱼ the numerical derivative is ``(L(θⱼ + h) − L(θⱼ − h)) / 2h``.
Per parameter array (``"layer0.W"``, ``"layer0.b"``, …) the verdict is the relative error

    ‖g_backprop − g_numeric‖ / max(‖g_backprop‖ + ‖g_numeric‖, floor)

The floor (1e-3) makes arrays whose gradient is near zero compare absolutely: central
differences cannot resolve a gradient below ~1e-10 (rounding of L divided by 2h), and a
relative error of two such numbers would be noise, not a verdict.

Kinks.  ReLU and leaky ReLU have a corner at z = 0, the L1 penalty one at w = 0.  When nudging
θⱼ by +h (or −h) moves some sample's pre-activation z across 0 — it was within h of the kink,
which happens in trained ReLU networks and with hand-set weights that put z exactly on it —
L(θⱼ ± h) straddles two slopes and the central difference is neither: finite differences do
not apply there, although backprop is right.  The check watches which units fire (z > 0) on
which sample at θⱼ, θⱼ + h and θⱼ − h.  For a sample that crosses on one side only, it takes
the difference on the other side, where the slope backprop uses holds, with the step h/100:
(Lᵢ(θⱼ) − Lᵢ(θⱼ − h/100)) / (h/100) or its mirror.  A parameter for which that is impossible
(a sample crossing on both sides, or an L1-penalized weight within h of 0) is set aside.  An
array with such parameters has the status ``"kink"``: it agrees wherever finite differences
apply.  A wrong derivative still fails: it disagrees on the smooth side too.
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

    ``analytic[name]`` and ``numeric[name]`` are the backprop and finite-difference
    gradients; ``one_sided[name]`` (boolean, same shape) marks the parameters whose nudge
    crossed a kink on some sample, differenced on one side there, and ``kinks[name]`` those
    set aside (no side applies; their numeric entry is NaN).  The relative error of an array
    leaves the set-aside entries out.
    """

    def __init__(self, errors, analytic, numeric, tolerance, kinks=None, one_sided=None):
        super().__init__(errors)
        self.analytic = analytic        # name -> backprop gradient array
        self.numeric = numeric          # name -> finite-difference gradient array
        self.tolerance = tolerance
        blank = {name: np.zeros(a.shape, bool) for name, a in analytic.items()}
        self.kinks = kinks or blank
        self.one_sided = one_sided or dict(blank)

    def status(self, name: str) -> str:
        """"pass", "kink" (agrees; some parameters crossed a kink when nudged and were
        differenced on one side or set aside) or "fail"."""
        if self[name] >= self.tolerance:
            return FAIL
        return KINK if self.kinks[name].any() or self.one_sided[name].any() else PASS

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
        aside = sum(int(self.kinks[name].sum()) for name in kinks)
        sided = sum(int(self.one_sided[name].sum()) for name in kinks)
        parts = []
        if sided:
            parts.append(f"{sided} parameter(s) moved some unit's z across 0, ReLU's kink, "
                         "when nudged by ±h, so for those samples the difference was taken on "
                         "the side where backprop's slope holds")
        if aside:
            parts.append(f"{aside} sit at a kink on both sides and were left out: finite "
                         "differences do not apply there")
        return (f"Backprop agrees with finite differences wherever they apply ({_names(kinks)} "
                f"at a kink): " + "; ".join(parts) + ".")

    def __repr__(self) -> str:
        def entry(name):
            count = int(self.kinks[name].sum() + self.one_sided[name].sum())
            note = f" ({count} at a kink)" if self.status(name) == KINK else ""
            return f"'{name}': {self[name]:.1e}{note}"
        return ("<GradientCheck " + ("passed" if self.passed else "FAILED") + " {"
                + ", ".join(entry(name) for name in self) + "}>")


def _names(names) -> str:
    return ", ".join(f"layer {int(n.split('.')[0][5:]) + 1} {n.split('.')[1]}" for n in names)


def check_gradients(net: Network, X, y, loss: str = "mse", l1: float = 0.0, l2: float = 0.0,
                    step: float = STEP, tolerance: float = TOLERANCE) -> GradientCheck:
    """Compare ``net.gradients`` with finite differences on a float64 copy of ``net``.

    ``net`` itself is left untouched.  Returns the relative error per parameter array
    (central differences; one-sided where a nudge crosses a kink, see the module docstring).
    """
    loss = get_loss(loss)
    probe = net.copy(dtype="float64")
    X = probe.as_input(X)
    Y = probe.targets(y, loss)
    backprop = probe.gradients(X, Y, loss, l1=l1, l2=l2)
    piecewise = [layer for layer in probe.layers if layer.activation.piecewise]
    m = X.shape[0]

    def evaluate() -> tuple[np.ndarray, float, np.ndarray]:
        """(Lᵢ per sample, the penalty, which samples' firing pattern differs from θ's)."""
        probe.propagate(X)
        out = probe.layers[-1]
        moved = np.zeros(m, bool)
        for layer, fired in zip(piecewise, firing):
            moved |= ((layer.Z > 0) != fired).any(axis=1)
        return loss.per_sample(out.Z, out.A, Y), probe.penalty(l1, l2), moved

    theta = probe.theta
    probe.propagate(X)
    firing = [layer.Z > 0 for layer in piecewise]
    base, _, _ = evaluate()
    penalized = np.zeros(theta.size, bool)             # the weights (biases are not)
    for w, _ in probe.slices:
        penalized[w] = True
    small = step / 100.0
    numeric_flat = np.empty_like(theta)
    aside_flat = np.zeros(theta.size, bool)
    sided_flat = np.zeros(theta.size, bool)
    for j in range(theta.size):
        original = theta[j]
        if l1 and penalized[j] and 0.0 < abs(original) < step:
            aside_flat[j], numeric_flat[j] = True, np.nan      # |w| has its corner inside
            continue
        theta[j] = original + step
        plus, penalty_plus, crossed_plus = evaluate()
        theta[j] = original - step
        minus, penalty_minus, crossed_minus = evaluate()
        slopes = (plus - minus) / (2.0 * step)
        if crossed_plus.any() or crossed_minus.any():
            if (crossed_plus & crossed_minus).any():
                aside_flat[j], numeric_flat[j] = True, np.nan
                theta[j] = original
                continue
            sided_flat[j] = True
            for crossed, sign in ((crossed_plus, -1.0), (crossed_minus, 1.0)):
                if crossed.any():                      # difference on the other side
                    theta[j] = original + sign * small
                    near, _, _ = evaluate()
                    slopes[crossed] = sign * (near[crossed] - base[crossed]) / small
        theta[j] = original
        numeric_flat[j] = slopes.sum() / m + (penalty_plus - penalty_minus) / (2.0 * step)

    errors, analytic, numeric, kinks, one_sided = {}, {}, {}, {}, {}
    for i, (layer, (w, b)) in enumerate(zip(probe.layers, probe.slices)):
        for key, sl, shape in (("W", w, layer.W.shape), ("b", b, layer.b.shape)):
            name = f"layer{i}.{key}"
            a = backprop[i][key]
            n = numeric_flat[sl].reshape(shape)
            k = aside_flat[sl].reshape(shape)
            analytic[name], numeric[name], kinks[name] = a, n, k
            one_sided[name] = sided_flat[sl].reshape(shape)
            errors[name] = _relative_error(a[~k], n[~k])
    return GradientCheck(errors, analytic, numeric, tolerance, kinks, one_sided)


def _relative_error(a: np.ndarray, n: np.ndarray) -> float:
    denom = max(np.linalg.norm(a) + np.linalg.norm(n), FLOOR)
    return float(np.linalg.norm(a - n) / denom)
