"""Divergence: noticing that training has blown up, and which weights to go back to.

A session watches each *stretch* of training from its start (a reset, a resume, an opened
file, new data, or weights typed by hand).  At the start it fixes a reference loss

    ℓ_ref = max(loss at the start, loss of the best constant prediction)

(the second term keeps ℓ_ref meaningful when a stretch starts from an already good fit), and
the size of the largest weight, w_ref = max(max |θ| at the start, 1).  Then, after each epoch:

* the epoch is **healthy** when its training loss is finite and at most :data:`HEALTHY` × ℓ_ref
  (and its weights are finite); the watch keeps a copy of the latest healthy weights;
* training has **diverged** when a gradient or the loss is no longer a finite number
  (``"overflow"``), when the loss exceeds :data:`RISE` × ℓ_ref (``"loss"``: finite, but the
  steps overshoot so far that the network does worse than guessing), or when the largest
  weight exceeds :data:`GROWTH` × w_ref (``"weights"``: the weights explode while a bounded
  loss hides it).

On divergence the session goes back to the latest healthy weights, not to the last finite
ones: a run that overflows at epoch 6 was already far off at epoch 5 (weights ~10²⁹ in the
"learning rate too high" lesson), and a lower learning rate cannot recover from there.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

#: An epoch is healthy while its loss is at most this many times the reference loss.
HEALTHY = 1.0
#: Training has diverged when the loss rises above this many times the reference loss…
RISE = 4.0
#: …or the largest weight grows this many times beyond its size at the start.
GROWTH = 1000.0

@dataclass(frozen=True)
class Divergence:
    """What happened, for the banner: ``kind`` is "overflow", "loss" or "weights"."""

    kind: str
    epoch: int                  # the epoch in progress when it was noticed
    cause: str                  # one sentence: what was seen
    restored_epoch: int         # the epoch whose weights came back
    restored_loss: float        # their training loss (NaN if it was not finite)
    reference_loss: float
    healthy: bool               # False: no healthy epoch existed, the stretch's start came back
    learning_rate: float

    @property
    def message(self) -> str:
        """The whole story in three sentences."""
        if self.healthy:
            back = (f"Training stopped and the weights of epoch {self.restored_epoch} came back: "
                    f"the last healthy ones (loss {self.restored_loss:.3g}, at most {HEALTHY:g}× "
                    f"the reference {self.reference_loss:.3g}); later ones had already grown "
                    f"too far to recover from.")
        else:
            back = (f"Training stopped and the weights of epoch {self.restored_epoch} came back, "
                    "those this stretch of training started from: no epoch since had a "
                    "healthy loss.")
        return f"{self.cause} {back} Try a lower learning rate than {self.learning_rate:g}."


class DivergenceWatch:
    """The reference of the current stretch and a copy of its latest healthy weights."""

    def __init__(self, theta: np.ndarray):
        self.healthy_theta = theta.copy()
        self.healthy_epoch = self.healthy_steps = 0
        self.healthy_loss = math.nan
        self.found_healthy = False
        self.reference_loss = math.nan
        self.reference_weight = 1.0

    def start(self, epoch: int, steps: int, loss: float, theta: np.ndarray,
              baseline: float) -> None:
        """A new stretch starts at ``epoch`` with ``theta`` and its training ``loss``."""
        finite_loss = math.isfinite(loss)
        self.reference_loss = max(loss if finite_loss else -math.inf,
                                  baseline if math.isfinite(baseline) else -math.inf)
        if not math.isfinite(self.reference_loss):
            self.reference_loss = math.nan
        largest = float(np.abs(theta).max()) if theta.size else 0.0
        self.reference_weight = max(largest, 1.0) if math.isfinite(largest) else 1.0
        np.copyto(self.healthy_theta, theta)
        self.healthy_epoch, self.healthy_steps = epoch, steps
        self.healthy_loss = loss if finite_loss else math.nan
        self.found_healthy = finite_loss and self.is_healthy(loss)

    def is_healthy(self, loss: float) -> bool:
        if not math.isfinite(loss):
            return False
        ref = self.reference_loss
        return not ref > 0 or loss <= HEALTHY * ref      # no usable reference: finite is enough

    def after_epoch(self, epoch: int, steps: int, loss: float,
                    theta: np.ndarray) -> tuple[str, str] | None:
        """Judge a finished epoch: None when training may go on (its weights are kept when
        healthy), else (kind, a sentence saying what was seen)."""
        largest = float(np.abs(theta).max()) if theta.size else 0.0
        ref = self.reference_loss
        if not math.isfinite(loss) or not math.isfinite(largest):
            return "overflow", (f"The loss became infinite or NaN at epoch {epoch}: the steps "
                                "overshoot.")
        if ref > 0 and loss > RISE * ref:
            return "loss", (f"The loss rose to {loss:.3g} at epoch {epoch}, more than {RISE:g}× "
                            f"the reference {ref:.3g}: the steps overshoot and the network does "
                            "worse than guessing.")
        if largest > GROWTH * self.reference_weight:
            return "weights", (f"The weights exploded by epoch {epoch}: the largest is "
                               f"{largest:.3g}, over {GROWTH:g}× its size when this stretch of "
                               f"training started ({self.reference_weight:.3g}).")
        if self.is_healthy(loss):
            np.copyto(self.healthy_theta, theta)
            self.healthy_epoch, self.healthy_steps, self.healthy_loss = epoch, steps, loss
            self.found_healthy = True
        return None

    def report(self, kind: str, cause: str, epoch: int, learning_rate: float) -> Divergence:
        """The :class:`Divergence` to show, naming the weights :attr:`healthy_theta` holds."""
        return Divergence(kind=kind, epoch=epoch, cause=cause, restored_epoch=self.healthy_epoch,
                          restored_loss=self.healthy_loss, reference_loss=self.reference_loss,
                          healthy=self.found_healthy, learning_rate=learning_rate)
