"""Plot axis ranges that grow in steps, not with every epoch.

Ranges that followed every epoch made each redraw of the loss plot lay its axes' ticks out
anew, most of that plot's cost while training plays."""
from __future__ import annotations

import numpy as np


#: Ceilings of a value axis: tight, as a value's scale matters.
VALUE_STEPS = (1, 1.5, 2, 3, 4, 5, 6, 8)
#: Ceilings of the epoch axis: four a decade, the curves filling half the width or more.
#: Each step lays out the ticks of the three linked rows and redraws every curve (~20 ms
#: while training plays), so that fewer steps mean fewer slow frames.
EPOCH_STEPS = (1, 2, 3, 5)


def nice_ceiling(x: float, steps: tuple[float, ...] = VALUE_STEPS) -> float:
    """The smallest of ``steps`` × 10ᵏ that is ≥ x (x > 0)."""
    decade = 10.0 ** np.floor(np.log10(x))
    for step in (*steps, 10):
        if step * decade >= x:
            return float(step * decade)
    return float(10 * decade)


def value_range(values: np.ndarray, log: bool) -> tuple[float, float] | None:
    """A y range holding every finite value: 0 to a nice ceiling, or whole decades (in
    log10 units, as a log axis counts, at least two) for ``log``; None when there is nothing
    to show."""
    values = values[np.isfinite(values)]
    if log:
        values = values[values > 0]
        if not values.size:
            return None
        lo, hi = np.floor(np.log10(values.min())), np.ceil(np.log10(values.max()))
        return float(lo), float(max(hi, lo + 2))     # one decade would label 2…9 too
    if not values.size:
        return None
    top = float(values.max())
    return min(0.0, float(values.min())), nice_ceiling(top) if top > 0 else 1.0


Span = tuple[float, float]


def history_spans(table: np.ndarray, columns: tuple[str, ...], pins: list[tuple],
                  log: bool) -> tuple[Span, Span | None, Span | None]:
    """The loss plot's ranges for a history ``table`` (epochs × ``columns``, epoch first)
    and pinned runs ``(number, epochs, losses)``: epochs 0 to the next nice ceiling (at least
    0…10), losses (train, test, validation, pins) likewise or in whole decades on a ``log``
    axis, gradient norms in decades; None for an axis with nothing to show."""
    col = {name: i for i, name in enumerate(columns)}
    epochs = [table[:, 0]] + [pin[1] for pin in pins]
    losses = [table[:, col[c]] for c in ("train_loss", "test_loss", "val_loss") if c in col]
    losses += [pin[2] for pin in pins]
    last = max((float(np.nanmax(e)) for e in epochs if len(e)), default=0.0)
    x = (0.0, 10.0 if last < 10 else nice_ceiling(last, EPOCH_STEPS))
    y = value_range(np.concatenate(losses) if losses else np.zeros(0), log)
    grads = [table[:, i] for name, i in col.items() if name.startswith("grad_norm_")]
    # Before the first step there are no norms: a range of its own (pyqtgraph's default, one
    # decade, printed its minor labels over each other).
    norms = value_range(np.concatenate(grads), True) if grads else None
    return x, y, norms if norms is not None or not grads else (-3.0, 0.0)


class SteppedRanges:
    """Sets a plot axis's range only when it differs from the one set last."""

    def __init__(self):
        self._set: dict[tuple[int, str], Span] = {}

    def apply(self, plot, axis: str, span: Span | None, slack: float = 0.0) -> bool:
        """Set ``span`` on ``plot``'s ``axis`` ("x" or "y") unless it holds it already, or
        holds a span around it at most ``slack`` longer (an axis of noisy values then does
        not step back and forth across a boundary); True when it was set (the axis then lays
        its ticks out anew at the next repaint)."""
        key = (id(plot), axis)
        held = self._set.get(key)
        if span is None or held == span:
            return False
        if (held is not None and held[0] <= span[0] and span[1] <= held[1]
                and (held[1] - held[0]) - (span[1] - span[0]) <= slack):
            return False
        self._set[key] = span
        if axis == "x":
            plot.setXRange(*span, padding=0.02)
        else:
            plot.setYRange(*span, padding=0.04)
        return True
