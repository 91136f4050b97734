"""The learning-rate range test (Smith 2015; fastai's ``lr_find``), on a copy of the session.

From the session's current state, a copy takes up to ``steps`` mini-batch steps with a
learning rate growing exponentially from ``lr_min`` to ``lr_max``::

    ηᵢ = lr_min · (lr_max / lr_min)^(i / (steps − 1)),   i = 0 … steps − 1

and records the loss of each mini-batch just before its step (the data loss, without the
regularization penalty).  The curve is smoothed by an exponential moving average with bias
correction, ``sᵢ = (β·s_{i−1} + (1 − β)·Lᵢ)`` divided by ``1 − β^(i+1)``, and the test stops
early once the smoothed loss exceeds ``divergence`` times its lowest value so far, or the loss
or gradient stops being a finite number (that step is not recorded).

The suggested rate follows one of two rules (``rule=``), both read off the smoothed curve:

* ``"steepest"``: where the loss falls fastest against log η (the most negative slope
  ∂s/∂log₁₀η, among the points up to the curve's minimum, skipping the first tenth, which the
  smoothing has barely started on).  When the loss never falls there is no steepest descent,
  and the other rule is used instead; ``rule`` on the result says which.
* ``"minimum/10"``: a tenth of the rate at the smoothed curve's minimum (at least ``lr_min``).

The copy is made with :func:`engine.analysis.session_copy.copy_session`: the live session's
weights, optimizer state, mini-batches, counters and history are never touched.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..training.session import TrainingSession
from .session_copy import copy_session

STEEPEST, MINIMUM = "steepest", "minimum/10"
RULES = {STEEPEST: "where the smoothed loss fell fastest (its steepest descent against log η)",
         MINIMUM: "a tenth of the rate at the smoothed loss's minimum"}


@dataclass(frozen=True)
class RangeTest:
    """The range test's curve and its suggestion."""

    learning_rates: np.ndarray     # (n,) the rate of each recorded step, increasing
    losses: np.ndarray             # (n,) each step's mini-batch loss before its update
    smoothed: np.ndarray           # (n,) the bias-corrected moving average of the losses
    suggestion: float              # a rate in [lr_min, lr_max]
    rule: str                      # "steepest" or "minimum/10": the rule actually used
    explanation: str               # the rule in words, with why it was used
    stopped: str                   # why the test ended, in one sentence


def lr_range_test(session: TrainingSession, lr_min: float = 1e-5, lr_max: float = 10.0,
                  steps: int = 100, smoothing: float = 0.9, divergence: float = 4.0,
                  rule: str = STEEPEST) -> RangeTest:
    """Run the range test on a copy of ``session`` (see the module docstring).

    ``smoothing`` is β of the moving average, in [0, 1) (0: no smoothing; fastai uses 0.98,
    whose lag of ~50 steps is half of a 100-step test, hence 0.9 here).  ValueError for
    rates that are not 0 < lr_min < lr_max, fewer than 5 steps, β outside [0, 1), a
    divergence factor ≤ 1 or an unknown rule.
    """
    lr_min, lr_max = _positive("lr_min", lr_min), _positive("lr_max", lr_max)
    if not lr_min < lr_max:
        raise ValueError(f"lr_min must be below lr_max, not {lr_min:g} ≥ {lr_max:g}")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 5:
        raise ValueError(f"steps must be a whole number ≥ 5, not {steps!r}")
    if not 0.0 <= float(smoothing) < 1.0:
        raise ValueError(f"smoothing must lie in [0, 1), not {smoothing!r}")
    if not float(divergence) > 1.0:
        raise ValueError(f"divergence must be a factor above 1, not {divergence!r}")
    if rule not in RULES:
        raise ValueError(f"rule must be one of {', '.join(RULES)}, not {rule!r}")

    twin = copy_session(session)
    twin.early_stopping = twin.stop_at = None       # the range test runs to its own end
    rates = lr_min * (lr_max / lr_min) ** (np.arange(steps) / (steps - 1))
    losses, smoothed = [], []
    average, best = 0.0, math.inf
    stopped = f"The rate reached lr_max = {lr_max:g}."
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for i, rate in enumerate(rates):
            twin.learning_rate = float(rate)
            X, Y, _ = twin.next_batch()
            net = twin.network
            output = net.propagate(X)
            loss = twin.loss_function.value(net.layers[-1].Z, output, Y)
            if not math.isfinite(loss):
                stopped = f"The loss stopped being a finite number at η = {rate:.3g}."
                break
            average = smoothing * average + (1.0 - smoothing) * loss
            value = average / (1.0 - smoothing ** (len(losses) + 1))
            losses.append(loss)
            smoothed.append(value)
            best = min(best, value)
            if value > divergence * best:
                stopped = (f"The smoothed loss passed {float(divergence):g}× its lowest value "
                           f"at η = {rate:.3g}.")
                break
            if not twin.step():
                stopped = f"The gradient or the loss overflowed at η = {rate:.3g}."
                break
    n = len(losses)
    if n == 0:
        raise ValueError(f"the loss is not finite even at η = {lr_min:g}: nothing to measure")
    rates, smoothed = rates[:n], np.asarray(smoothed)
    suggestion, used, why = suggest_learning_rate(rates, smoothed, rule, lr_min)
    return RangeTest(rates, np.asarray(losses), smoothed, suggestion, used, why, stopped)


def suggest_learning_rate(rates: np.ndarray, smoothed: np.ndarray, rule: str = STEEPEST,
                          lr_min: float | None = None) -> tuple[float, str, str]:
    """(suggested rate, rule used, the rule in words) from a smoothed range-test curve:
    ``rates`` (n,) increasing, ``smoothed`` (n,) losses.  See the module docstring; "steepest"
    falls back to "minimum/10" when the loss never falls.  A tenth of the minimum's rate is
    raised to ``lr_min`` (default ``rates[0]``) if it lies below."""
    rates, smoothed = np.asarray(rates, dtype=float), np.asarray(smoothed, dtype=float)
    if rates.ndim != 1 or rates.shape != smoothed.shape or rates.size == 0:
        raise ValueError("give the same number (≥ 1) of rates and smoothed losses")
    if rule not in RULES:
        raise ValueError(f"rule must be one of {', '.join(RULES)}, not {rule!r}")
    lowest = int(np.argmin(smoothed))
    if rule == STEEPEST and lowest >= 2:
        slope = np.gradient(smoothed, np.log10(rates))
        first = min(len(rates) // 10, lowest - 1)
        k = first + int(np.argmin(slope[first:lowest + 1]))
        if slope[k] < 0:
            return float(rates[k]), STEEPEST, f"The rate {RULES[STEEPEST]}."
    reason = (" (the loss did not fall, so there is no steepest descent)"
              if rule == STEEPEST else "")
    floor = rates[0] if lr_min is None else lr_min
    return (float(max(rates[lowest] / 10.0, floor)), MINIMUM,
            f"{RULES[MINIMUM][0].upper()}{RULES[MINIMUM][1:]}{reason}.")


def _positive(what: str, value) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be a positive number, not {value!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{what} must be a positive number, not {value!r}")
    return value
