"""The hidden space: where a layer sends the input plane (a warped grid) and the data.

``hidden_space(session, layer)`` draws ``lines`` grid lines of the input plane in each
direction (``points_per_line`` points each, across the data's domain), turns them and the data
points into the network's inputs (features, standardization) and runs them forward up to
``layer``.  A layer of n units gives n coordinates per point; a :class:`Frame` maps them to 2-D:

* n = 2: the two units as they are (u, v) = (A₁, A₂);
* n = 1: a line, (u, v) = (A₁, 0);
* n > 2: two chosen units (``units=(i, j)``), or by default the first two principal
  components of the layer's activations over the training data: (u, v) = (A − μ)·V, with μ the
  mean activation and V (n, 2) the top two right singular vectors, signed so that each
  column's largest entry is positive.

Pass ``frame=`` an earlier result's frame to keep the same 2-D view while scrubbing the
timeline (a fresh PCA at every epoch would turn and flip the picture).

The animation from the input space to the layer's space interpolates point by point in 2-D:
``at(t) = (1 − t)·(x₁, x₂) + t·(u, v)``, t ∈ [0, 1]; at t = 0 it is the input grid exactly,
at t = 1 the layer's image.  (Both ends are 2-D first; the two spaces have their own scales,
so a view fits its range to each frame.)  The weights are the session's current θ, a given θ,
or a timeline epoch's; the session and its network are never changed.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..training.phases import sub
from ..training.session import TrainingSession
from .many_weights import forward_many

#: The output's pre-activation z where the output is 0.5 (the 2-class boundary, as
#: :func:`engine.training.metrics.accuracy` thresholds one output unit at 0.5).
_HALF_AT = {"sigmoid": 0.0, "identity": 0.5, "relu": 0.5, "leaky_relu": 0.5,
            "tanh": float(np.arctanh(0.5))}


@dataclass(frozen=True)
class Frame:
    """The linear map from a layer's n units to the 2-D view: ``(A − mean) · axes``."""

    mean: np.ndarray               # (n,)
    axes: np.ndarray               # (n, 2)
    labels: tuple[str, str]        # axis titles, e.g. ("a₁", "a₂") or ("PC1 (71 %)", "PC2 (20 %)")

    def apply(self, A: np.ndarray) -> np.ndarray:
        """A (..., n) → (..., 2)."""
        return (A - self.mean) @ self.axes


@dataclass(frozen=True)
class HiddenSpace:
    """A layer's image of the input plane.  ``input_lines``/``lines`` (2, lines, points, 2):
    index 0 holds the lines of constant x₂ (running along x₁), index 1 those of constant x₁."""

    layer: int                     # 0-based
    frame: Frame
    input_lines: np.ndarray        # (2, lines, points, 2) in the input plane (x₁, x₂)
    lines: np.ndarray              # (2, lines, points, 2) in the frame's (u, v)
    input_points: np.ndarray       # (m, 2) training then test points, raw (x₁, x₂)
    points: np.ndarray             # (m, 2) their (u, v)
    labels: np.ndarray             # (m,) their labels or targets
    is_test: np.ndarray            # (m,) bool
    #: (w_u, w_v, c): the line w_u·u + w_v·v + c = 0 where the output is 0.5, when the next
    #: layer is a single output unit and the frame shows the whole layer (n ≤ 2); else None.
    output_line: tuple[float, float, float] | None

    def at(self, t: float) -> tuple[np.ndarray, np.ndarray]:
        """(lines, points) of the animation at t ∈ [0, 1] (see the module docstring)."""
        t = float(t)
        if not 0.0 <= t <= 1.0:
            raise ValueError(f"t must lie in [0, 1], not {t!r}")
        return ((1.0 - t) * self.input_lines + t * self.lines,
                (1.0 - t) * self.input_points + t * self.points)


def hidden_space(session: TrainingSession, layer: int, units: tuple[int, int] | None = None,
                 theta: np.ndarray | None = None, epoch: int | None = None, lines: int = 15,
                 points_per_line: int = 100, frame: Frame | None = None) -> HiddenSpace:
    """The image of the input plane's grid and of the data under layers 0…``layer``.

    ``layer`` is 0-based (any layer; the output layer too).  Weights: ``theta`` (P,), else
    the timeline's snapshot of ``epoch``, else the session's current ones.  ``units`` picks two
    units of a wider layer (default: principal components); ``frame`` reuses a 2-D view.
    ValueError for data that is not 2-D, a layer or unit the network lacks, an epoch the
    timeline does not keep, or fewer than 2 lines or points per line.
    """
    net, data = session.network, session.data
    if not data.is_planar:
        raise ValueError(f"{data.name!r} is not a 2-D dataset: there is no input plane to warp")
    if isinstance(layer, bool) or not isinstance(layer, (int, np.integer)) \
            or not 0 <= layer < len(net.layers):
        raise ValueError(f"layer must be 0…{len(net.layers) - 1}, not {layer!r}")
    for what, count in (("lines", lines), ("points per line", points_per_line)):
        if isinstance(count, bool) or not isinstance(count, (int, np.integer)) or count < 2:
            raise ValueError(f"{what} must be a whole number ≥ 2, not {count!r}")
    weights = _weights(session, theta, epoch)
    input_lines = _grid_lines(data.domain, lines, points_per_line)
    input_points = np.vstack([data.points_train, data.points_test]).astype(np.float64)
    is_test = np.arange(len(input_points)) >= len(data.points_train)
    everything = np.vstack([input_lines.reshape(-1, 2), input_points])
    A = forward_many(net, weights, data.inputs(everything), layer, dtype="float64")[0]
    if frame is None:
        n_train = len(data.points_train)
        frame = _frame(A[len(A) - len(input_points):][:n_train], units)
    elif frame.mean.shape != (A.shape[1],):
        raise ValueError(f"the frame maps {frame.mean.size} units, but layer {layer} has "
                         f"{A.shape[1]}")
    view = frame.apply(A)
    n_line_points = input_lines.size // 2
    return HiddenSpace(int(layer), frame, input_lines, view[:n_line_points].reshape(
        input_lines.shape), input_points, view[n_line_points:],
        np.concatenate([data.y_train, data.y_test]), is_test,
        _output_line(net, weights, layer, frame))


def _weights(session: TrainingSession, theta, epoch) -> np.ndarray:
    net = session.network
    if theta is not None:
        theta = np.asarray(theta, dtype=np.float64)
        if theta.shape != net.theta.shape or not np.isfinite(theta).all():
            raise ValueError(f"θ must be {net.theta.size} finite numbers")
        return theta
    if epoch is not None:
        try:
            return session.timeline.theta_at(int(epoch)).astype(np.float64)
        except KeyError as exc:
            raise ValueError(str(exc.args[0])) from None
    return net.theta.astype(np.float64)


def _grid_lines(domain, lines: int, points_per_line: int) -> np.ndarray:
    (x0, x1), (y0, y1) = domain
    along_x, across_y = np.linspace(x0, x1, points_per_line), np.linspace(y0, y1, lines)
    along_y, across_x = np.linspace(y0, y1, points_per_line), np.linspace(x0, x1, lines)
    out = np.empty((2, lines, points_per_line, 2))
    out[0, :, :, 0], out[0, :, :, 1] = along_x[None, :], across_y[:, None]
    out[1, :, :, 0], out[1, :, :, 1] = across_x[:, None], along_y[None, :]
    return out


def _frame(A_data: np.ndarray, units) -> Frame:
    """The 2-D view of a layer from its activations over the training data (m, n)."""
    n = A_data.shape[1]
    if units is not None:
        i, j = _units(units, n)
        axes = np.zeros((n, 2))
        axes[i, 0] = axes[j, 1] = 1.0
        return Frame(np.zeros(n), axes, (f"a{sub(i + 1)}", f"a{sub(j + 1)}"))
    if n <= 2:
        return Frame(np.zeros(n), np.eye(n, 2), ("a₁", "a₂" if n == 2 else ""))
    mean = A_data.mean(axis=0)
    _, s, Vt = np.linalg.svd(A_data - mean, full_matrices=False)
    axes = Vt[:2].T.copy()
    axes *= np.where(axes[np.abs(axes).argmax(axis=0), [0, 1]] < 0, -1.0, 1.0)
    total = float((s ** 2).sum())
    share = (s[:2] ** 2 / total) if total > 0 else np.zeros(2)
    return Frame(mean, axes, (f"PC1 ({share[0]:.0%})", f"PC2 ({share[1]:.0%})"))


def _units(units, n: int) -> tuple[int, int]:
    try:
        i, j = (int(u) for u in units)
    except (TypeError, ValueError):
        raise ValueError(f"units must be two unit numbers (i, j), not {units!r}") from None
    if not (0 <= i < n and 0 <= j < n) or i == j:
        raise ValueError(f"choose two different units of 0…{n - 1}, not {units!r}")
    return i, j


def _output_line(net, theta: np.ndarray, layer: int, frame: Frame):
    """Where the next (single, output) unit gives 0.5, as a line in the frame's 2-D view:
    z = A·w + b and A = mean + (u, v)·pinv(axes) on the frame's plane."""
    if layer != len(net.layers) - 2 or frame.mean.size > 2:
        return None
    out = net.layers[-1]
    half = _HALF_AT.get(out.activation.name)
    if out.n_out != 1 or half is None:
        return None
    w_slice, b_slice = net.slices[-1]
    w, b = theta[w_slice], float(theta[b_slice][0])         # w (n,): one output column
    coefficients = np.linalg.pinv(frame.axes) @ w            # (2,)
    return (float(coefficients[0]), float(coefficients[1]),
            float(frame.mean @ w + b - half))
