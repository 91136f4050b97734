"""A picture of a session, drawn with Pillow (no Qt): what a notebook shows for a session.

``session_image(session)`` is a :data:`SIZE` RGB image of two panels:

* left, the **loss curve**: training, test and validation loss per epoch from the history
  (a log scale when every loss is positive);
* right, for 2-D data the **output over the plane** (the decision boundary: each class's color
  mixed by its probability; a regression's value on a viridis scale in the data's units) from
  one forward pass over :func:`~engine.data.plane.plane_grid`, with the training points (white
  rims) and the test points (dark rims); for other data the **predictions**: predicted against
  target for a regression, the confusion matrix for a classification (test set, or the
  training set when there is none).

Colors follow the window: class 0 orange, class 1 blue, Okabe & Ito's set beyond two classes.
"""
from __future__ import annotations

import io
import math

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from . import metrics
from ..data.dataset import REGRESSION
from ..data.plane import plane_grid, plane_outputs

SIZE = (720, 320)
GRID = 120                          # points per side of the plane grid
BACKGROUND, TEXT, AXIS = (255, 255, 255), (28, 30, 33), (150, 150, 150)
NEGATIVE, POSITIVE, GREEN = (230, 97, 1), (33, 102, 172), (0, 158, 115)
OKABE_ITO = [(230, 159, 0), (86, 180, 233), (0, 158, 115), (240, 228, 66),
             (0, 114, 178), (213, 94, 0), (204, 121, 167), (90, 90, 90)]
_VIRIDIS = np.array([(68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98),
                     (253, 231, 37)], dtype=float)


def session_png(session) -> bytes:
    """:func:`session_image` as PNG bytes."""
    buffer = io.BytesIO()
    session_image(session).save(buffer, format="PNG")
    return buffer.getvalue()


def session_image(session) -> Image.Image:
    """The two panels described in the module docstring, :data:`SIZE` pixels."""
    width, height = SIZE
    image = Image.new("RGB", SIZE, BACKGROUND)
    draw = ImageDraw.Draw(image)
    font = _font()
    draw_loss_curve(draw, session, (0, 0, width // 2, height), font)
    box = (width // 2, 0, width, height)
    with np.errstate(all="ignore"):
        if session.data.is_planar:
            draw_plane(image, draw, session, box, font)
        elif session.data.task == REGRESSION:
            draw_regression(draw, session, box, font)
        else:
            draw_confusion(draw, session, box, font)
    return image


def _font():
    try:
        return ImageFont.load_default(size=12)
    except TypeError:                   # Pillow < 10.1: a bitmap font of one size
        return ImageFont.load_default()


def _plot_area(box) -> tuple[int, int, int, int]:
    x0, y0, x1, y1 = box
    return x0 + 56, y0 + 30, x1 - 14, y1 - 34


# ---------------------------------------------------------------------- the loss curve
def draw_loss_curve(draw: ImageDraw.ImageDraw, session, box, font) -> None:
    history = session.history
    left, top, right, bottom = _plot_area(box)
    draw.rectangle((left, top, right, bottom), outline=AXIS)
    curves = [(name, color, label) for name, color, label in (
        ("train_loss", POSITIVE, "train"), ("test_loss", NEGATIVE, "test"),
        ("val_loss", GREEN, "validation")) if name in history]
    epochs = history["epoch"]
    values = [history[name] for name, _, _ in curves]
    finite = np.concatenate([v[np.isfinite(v)] for v in values]) if values else np.zeros(0)
    log = bool(finite.size and (finite > 0).all())
    title = f"Loss, epoch {session.epoch}{' (log)' if log else ''}"
    draw.text((box[0] + 10, box[1] + 8), title, fill=TEXT, font=font)
    x = box[0] + 140
    for name, color, label in curves:
        draw.line((x, box[1] + 15, x + 14, box[1] + 15), fill=color, width=2)
        draw.text((x + 18, box[1] + 8), label, fill=TEXT, font=font)
        x += 30 + 7 * len(label)
    if epochs.size == 0 or finite.size == 0:
        return
    lo, hi = (np.log10(finite.min()), np.log10(finite.max())) if log else (finite.min(),
                                                                          finite.max())
    if not hi > lo:
        lo, hi = lo - 0.5, hi + 0.5
    e0, e1 = float(epochs[0]), float(max(epochs[-1], epochs[0] + 1))

    def xy(e, v):
        t = (np.log10(v) if log else v)
        return (left + (e - e0) / (e1 - e0) * (right - left),
                bottom - (t - lo) / (hi - lo) * (bottom - top))

    for (name, color, label), v in zip(curves, values):
        ok = np.isfinite(v) & ((v > 0) if log else True)
        points = [xy(e, y) for e, y in zip(epochs[ok], v[ok])]
        if len(points) > 1:
            draw.line(points, fill=color, width=2)
        elif points:
            x, y = points[0]
            draw.ellipse((x - 2, y - 2, x + 2, y + 2), fill=color)
    top_label, bottom_label = (10 ** hi, 10 ** lo) if log else (hi, lo)
    draw.text((box[0] + 4, top - 6), f"{top_label:.3g}", fill=TEXT, font=font)
    draw.text((box[0] + 4, bottom - 8), f"{bottom_label:.3g}", fill=TEXT, font=font)
    draw.text((left, bottom + 6), f"{e0:g}", fill=TEXT, font=font)
    end = f"{e1:g}"
    draw.text((right - 7 * len(end), bottom + 6), end, fill=TEXT, font=font)
    draw.text(((left + right) / 2 - 16, bottom + 6), "epoch", fill=AXIS, font=font)


# ---------------------------------------------------------------------- 2-D data
def class_colors(n: int) -> np.ndarray:
    """(n, 3) float colors of n classes (orange and blue for two)."""
    colors = [NEGATIVE, POSITIVE] if n <= 2 else [OKABE_ITO[k % 8] for k in range(n)]
    return np.array(colors, dtype=float)


def viridis(t: np.ndarray) -> np.ndarray:
    """Colors (…, 3) of values t in [0, 1] on viridis (five anchors, linear between)."""
    t = np.clip(np.nan_to_num(t, nan=0.0), 0.0, 1.0) * (len(_VIRIDIS) - 1)
    k = np.minimum(t.astype(int), len(_VIRIDIS) - 2)
    f = (t - k)[..., None]
    return _VIRIDIS[k] * (1 - f) + _VIRIDIS[k + 1] * f


def plane_colors(session, outputs: np.ndarray, levels=None) -> np.ndarray:
    """(r, r, 3) colors of the output layer's values (r, r, k) over the grid."""
    data = session.data
    if data.task == REGRESSION:
        lo, hi = levels
        return viridis((data.target_units(outputs[:, :, 0]) - lo) / (hi - lo))
    if outputs.shape[2] == 1:
        p = outputs[:, :, :1]
        outputs = np.concatenate([1 - p, p], axis=2)
    probabilities = np.nan_to_num(np.clip(outputs, 0, 1), nan=0.5)
    mixed = probabilities @ class_colors(outputs.shape[2])
    return 0.55 * mixed + 0.45 * 255.0          # lightened, so the points stand out


def draw_plane(image: Image.Image, draw: ImageDraw.ImageDraw, session, box, font) -> None:
    data = session.data
    x0, y0, x1, y1 = box
    side = min(x1 - x0 - 40, y1 - y0 - 56)
    left, top = x0 + 20, y0 + 30
    grid = plane_grid(data, GRID)
    outputs = plane_outputs(session.network, grid)[-1]
    y_all = np.concatenate([data.y_train, data.y_test, data.y_val]).astype(float)
    levels = (float(y_all.min()), float(y_all.max()))
    if not levels[1] > levels[0]:
        levels = (levels[0] - 1.0, levels[0] + 1.0)
    rgb = plane_colors(session, outputs, levels)[::-1]          # row 0 at the top
    heat = Image.fromarray(np.clip(np.round(rgb), 0, 255).astype(np.uint8), "RGB")
    image.paste(heat.resize((side, side), Image.Resampling.BILINEAR), (left, top))
    draw.rectangle((left, top, left + side, top + side), outline=AXIS)
    (gx0, gx1), (gy0, gy1) = grid.domain
    what = "output" if data.task == REGRESSION else "decision boundary"
    draw.text((x0 + 10, y0 + 8), f"{data.name}: {what}", fill=TEXT, font=font)

    def color(label):
        if data.task == REGRESSION:
            return tuple(int(c) for c in viridis((label - levels[0]) / (levels[1] - levels[0])))
        return tuple(int(c) for c in class_colors(max(data.n_classes, 2))[int(label)])

    for points, labels, rim in ((data.points_train, data.y_train, (255, 255, 255)),
                                (data.points_test, data.y_test, (30, 30, 30))):
        for (px, py), label in zip(points[:2000], labels[:2000]):
            x = left + (px - gx0) / (gx1 - gx0) * side
            y = top + side - (py - gy0) / (gy1 - gy0) * side
            draw.ellipse((x - 3, y - 3, x + 3, y + 3), fill=color(label), outline=rim)
    across, up = (title.replace("x₁", "x1").replace("x₂", "x2") for title in data.axis_titles)
    draw.text((left, top + side + 6), f"across: {across}, up: {up}; rims: white train, dark "
                                      "test", fill=TEXT, font=font)


# ---------------------------------------------------------------------- other data
def _shown_split(session) -> tuple[str, np.ndarray, np.ndarray]:
    data = session.data
    if len(data.y_test):
        return "test", data.points_test, data.y_test
    return "train", data.points_train, data.y_train


def draw_regression(draw: ImageDraw.ImageDraw, session, box, font) -> None:
    which, points, y = _shown_split(session)
    predicted = session.predict(points)
    left, top, right, bottom = _plot_area(box)
    draw.rectangle((left, top, right, bottom), outline=AXIS)
    draw.text((box[0] + 10, box[1] + 8), f"Predicted against target ({which})", fill=TEXT,
              font=font)
    both = np.concatenate([y, predicted])
    both = both[np.isfinite(both)]
    lo, hi = (float(both.min()), float(both.max())) if both.size else (0.0, 1.0)
    if not hi > lo:
        lo, hi = lo - 1.0, hi + 1.0

    def xy(target, guess):
        return (left + (target - lo) / (hi - lo) * (right - left),
                bottom - (guess - lo) / (hi - lo) * (bottom - top))

    draw.line((xy(lo, lo), xy(hi, hi)), fill=AXIS, width=1)
    for target, guess in zip(y[:2000], predicted[:2000]):
        if math.isfinite(guess):
            x, yy = xy(target, guess)
            draw.ellipse((x - 2.5, yy - 2.5, x + 2.5, yy + 2.5), fill=POSITIVE)
    draw.text((box[0] + 4, top - 6), f"{hi:.3g}", fill=TEXT, font=font)
    draw.text((box[0] + 4, bottom - 8), f"{lo:.3g}", fill=TEXT, font=font)
    r2 = session.evaluate(which)["r2"]
    draw.text((left, bottom + 6), f"across: target, up: predicted; R² {r2:.3f}", fill=TEXT,
              font=font)


def draw_confusion(draw: ImageDraw.ImageDraw, session, box, font) -> None:
    data = session.data
    which, points, y = _shown_split(session)
    k = max(data.n_classes, 2)
    matrix = metrics.confusion_matrix(y, session.predict(points), k)
    x0, y0, x1, y1 = box
    side = min(x1 - x0 - 60, y1 - y0 - 60)
    left, top = x0 + 40, y0 + 30
    cell = side / k
    right = int(np.trace(matrix))
    draw.text((x0 + 10, y0 + 8), f"Confusion matrix ({which}): {right}/{len(y)} right",
              fill=TEXT, font=font)
    rows = matrix.sum(axis=1, keepdims=True)
    share = np.divide(matrix, np.maximum(rows, 1))
    for i in range(k):
        for j in range(k):
            shade = 255 - share[i, j] * (255 - np.array(POSITIVE if i == j else NEGATIVE))
            box_ij = (left + j * cell, top + i * cell, left + (j + 1) * cell, top + (i + 1) * cell)
            draw.rectangle(box_ij, fill=tuple(int(c) for c in shade), outline=AXIS)
            if cell >= 18:
                draw.text((box_ij[0] + 3, box_ij[1] + 3), str(int(matrix[i, j])),
                          fill=TEXT if share[i, j] < 0.6 else BACKGROUND, font=font)
    draw.text((left, top + side + 6), "rows: true class, columns: predicted", fill=TEXT,
              font=font)
