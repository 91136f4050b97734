"""Gradient clipping by norm, as PyTorch's ``torch.nn.utils.clip_grad_norm_``.

With every gradient in one flat vector g (all W and b end to end) and a limit c:

    ‖g‖ = √(Σ gⱼ²);   g ← g · min(1, c / (‖g‖ + 10⁻⁶))

so a step never moves θ by more than η·c (plain SGD) however steep the loss is, while the
direction of the step is kept.  Exploding gradients are the case it is made for.
"""
from __future__ import annotations

import math

import numpy as np

#: Added to the norm before dividing, as PyTorch does (a zero gradient stays zero).
EPS = 1e-6


def clip_by_norm(g: np.ndarray, max_norm: float) -> tuple[float, float]:
    """Scale g (P,) in place so that ‖g‖ ≤ ``max_norm``; returns (‖g‖ before, the factor
    applied, 1.0 when g was short enough).  ‖g‖ is computed without overflow."""
    scale = float(np.abs(g).max()) if g.size else 0.0
    if scale == 0.0 or not math.isfinite(scale):
        return scale, 1.0
    norm = scale * math.sqrt(float(np.dot(g / scale, g / scale))) if scale > 1e150 \
        else math.sqrt(float(np.dot(g, g)))
    factor = min(1.0, max_norm / (norm + EPS))
    if factor < 1.0:
        g *= factor
    return norm, factor
