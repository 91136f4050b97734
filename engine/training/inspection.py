"""Numbers the window shows beside the graph, computed here so the window holds no math.

* :func:`edge_values` — what each edge of layer l stands for, shape (n_in, n_out) like W:
  the weight, its gradient dL/dW, the last update ΔW, or the contribution w·a of the traced
  sample (the input a that flows along the edge times its weight).
* :func:`phase_unit_values` — the value beside each unit during a step: its activation a
  (forward phases) or its error δ = dZ (backward phases), for one traced sample or averaged
  over the batch.
* :func:`unit_activity` — one unit's pre-activation z and output a over the training set.
"""
from __future__ import annotations

import numpy as np

from .phases import Phase

#: What the edges of the graph can show, with the words the window uses for them.
EDGE_MODES = {"weight": "weight w", "gradient": "gradient dL/dW", "update": "last update ΔW",
              "contribution": "w·a (traced sample)"}


def edge_values(session, mode: str, sample: int | None = None) -> list[np.ndarray] | None:
    """Per layer, an (n_in, n_out) array for ``mode`` (see :data:`EDGE_MODES`); None for
    "weight" (the weights themselves).  ``sample`` is a training-set row for "contribution"
    (None: all zeros, as nothing is traced).  Arrays are copies."""
    net = session.network
    if mode == "weight":
        return None
    if mode == "gradient":
        return [layer.dW.copy() for layer in net.layers]
    if mode == "update":
        update = session.last_update()
        return ([np.zeros_like(layer.W) for layer in net.layers] if update is None
                else [u["W"] for u in update])
    if mode == "contribution":
        if sample is None:
            return [np.zeros_like(layer.W) for layer in net.layers]
        x = session.X_train[sample: sample + 1]
        activations = [x] + net.forward_all(x)
        return [layer.W * a[0][:, None] for layer, a in zip(net.layers, activations)]
    raise ValueError(f"unknown edge mode {mode!r}; choose one of {', '.join(EDGE_MODES)}")


def traced_row(phase: Phase, sample: int | None) -> int | None:
    """Row of training sample ``sample`` in the phase's batch (None: not traced, or not in
    this mini-batch)."""
    if sample is None:
        return None
    if isinstance(phase.samples, slice):
        return sample
    hits = np.flatnonzero(np.asarray(phase.samples) == sample)
    return int(hits[0]) if hits.size else None


def phase_unit_values(phase: Phase, sample: int | None) -> dict[tuple[int, int], tuple[str, float]]:
    """``{(column, unit): (symbol, value)}`` for a forward or backward phase: column l ≥ 1 is
    layer l (a = its activation, δ = its dZ), column 0 the inputs x (first forward phase).
    The traced sample's value, or the batch mean (symbols ā, δ̄, x̄) when it is not in the
    batch or nothing is traced.  Empty for the loss and update phases."""
    if phase.name not in ("forward", "backward") or phase.layer is None:
        return {}
    row = traced_row(phase, sample)
    mean = row is None
    values = phase.values["A" if phase.name == "forward" else "dZ"]
    vector = values.mean(axis=0) if mean else values[row]
    symbol = ("ā" if mean else "a") if phase.name == "forward" else ("δ̄" if mean else "δ")
    notes = {(phase.layer + 1, u): (symbol, float(v)) for u, v in enumerate(vector)}
    if phase.name == "forward" and phase.layer == 0:
        inputs = phase.values["A_prev"]
        first = inputs.mean(axis=0) if mean else inputs[row]
        notes.update({(0, u): ("x̄" if mean else "x", float(v)) for u, v in enumerate(first)})
    return notes


def unit_activity(session, layer: int, unit: int) -> tuple[np.ndarray, np.ndarray]:
    """(z, a) of ``unit`` of ``layer`` (0-based) over the training inputs: two (m,) arrays
    (copies; one forward pass)."""
    net = session.network
    net.forward_all(session.X_train)
    dense = net.layers[layer]
    return dense.Z[:, unit].copy(), dense.A[:, unit].copy()
