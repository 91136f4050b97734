"""Colors of the app: the diverging weight scale, class colors and heatmap lookup tables.

The diverging pair is orange (negative, class 0) and blue (positive, class 1), as in
TensorFlow Playground; both ends stay apart under deuteranopia and protanopia.  Class colors
for more than two classes are Okabe & Ito's colorblind-safe set.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtGui import QColor

NEGATIVE = (230, 97, 1)        # orange  #e66101
POSITIVE = (33, 102, 172)      # blue    #2166ac
OKABE_ITO = [(230, 159, 0), (86, 180, 233), (0, 158, 115), (240, 228, 66),
             (0, 114, 178), (213, 94, 0), (204, 121, 167), (90, 90, 90)]


@dataclass(frozen=True)
class Theme:
    name: str
    background: tuple[int, int, int]
    panel: tuple[int, int, int]
    text: tuple[int, int, int]
    muted: tuple[int, int, int]
    neutral: tuple[int, int, int]      # the middle of the diverging scale (weight ≈ 0)
    highlight: tuple[int, int, int]    # selection and active-layer marks
    positive_text: str = "#17528f"     # text colored as "positive / train" (readable on bg)
    negative_text: str = "#8f3900"     # text colored as "negative / test"
    good_text: str = "#00823c"         # a met target, a right answer
    bad_text: str = "#c81e1e"          # a wrong answer

    def qcolor(self, role: str, alpha: int = 255) -> QColor:
        r, g, b = getattr(self, role)
        return QColor(r, g, b, alpha)


LIGHT = Theme("light", background=(255, 255, 255), panel=(246, 247, 249), text=(28, 30, 33),
              muted=(110, 115, 122), neutral=(232, 232, 232), highlight=(120, 60, 200))
DARK = Theme("dark", background=(27, 29, 33), panel=(38, 41, 46), text=(232, 234, 237),
             muted=(160, 165, 172), neutral=(72, 75, 80), highlight=(196, 160, 255),
             positive_text="#8cc4ff", negative_text="#ffb070", good_text="#7fd89b",
             bad_text="#ff9b9b")
#: For projectors in lit rooms: pure black on white, strong marks.
PROJECTOR = Theme("projector", background=(255, 255, 255), panel=(255, 255, 255),
                  text=(0, 0, 0), muted=(35, 35, 35), neutral=(215, 215, 215),
                  highlight=(110, 0, 190), positive_text="#0b3d78",
                  negative_text="#7a2e00", good_text="#005c26", bad_text="#9a0f0f")
THEMES = {t.name: t for t in (LIGHT, DARK, PROJECTOR)}


def contrast_ratio(a, b) -> float:
    """WCAG contrast ratio of two sRGB colors (1 … 21)."""
    def luminance(rgb):
        c = np.array(rgb, dtype=float) / 255.0
        c = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
        return float(c @ [0.2126, 0.7152, 0.0722])
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def class_colors(n_classes: int) -> np.ndarray:
    """(n_classes, 3) uint8 colors: orange/blue for two classes, Okabe-Ito beyond."""
    if n_classes <= 2:
        return np.array([NEGATIVE, POSITIVE], dtype=np.uint8)
    return np.array([OKABE_ITO[k % len(OKABE_ITO)] for k in range(n_classes)], dtype=np.uint8)


def diverging_lut(theme: Theme = LIGHT, n: int = 256) -> np.ndarray:
    """(n, 3) uint8 lookup table: orange → neutral → blue."""
    t = np.linspace(-1.0, 1.0, n)[:, None]
    neutral = np.array(theme.neutral, dtype=float)
    neg, pos = np.array(NEGATIVE, dtype=float), np.array(POSITIVE, dtype=float)
    colors = np.where(t < 0, neutral + (neg - neutral) * -t, neutral + (pos - neutral) * t)
    return np.clip(np.round(colors), 0, 255).astype(np.uint8)


def diverging_color(value: float, scale: float, theme: Theme = LIGHT, alpha: int = 255) -> QColor:
    """The diverging color of ``value`` on [−scale, scale] (saturating beyond)."""
    t = 0.0 if scale <= 0 or not np.isfinite(value) else float(np.clip(value / scale, -1, 1))
    neutral = np.array(theme.neutral, dtype=float)
    end = np.array(POSITIVE if t >= 0 else NEGATIVE, dtype=float)
    r, g, b = np.round(neutral + (end - neutral) * abs(t)).astype(int)
    return QColor(int(r), int(g), int(b), alpha)


def class_mix_image(probabilities: np.ndarray, n_classes: int, theme: Theme = LIGHT,
                    discrete: bool = False) -> np.ndarray:
    """Softmax outputs (h, w, k) → RGB image (h, w, 3) uint8: classes' colors mixed by
    probability, washed towards the background where the network is unsure."""
    probs = np.nan_to_num(probabilities, nan=0.0)
    if discrete:
        probs = np.eye(n_classes)[probs.argmax(axis=2)]
    colors = class_colors(n_classes).astype(float)
    mixed = probs @ colors
    confidence = probs.max(axis=2, keepdims=True)
    # 1/k (unsure) → mostly background; 1 (certain) → full class color.
    weight = np.clip((confidence - 1.0 / n_classes) / (1.0 - 1.0 / n_classes), 0.0, 1.0)
    weight = 0.25 + 0.6 * weight
    background = np.array(theme.background, dtype=float)
    image = background + (mixed - background) * weight
    return np.clip(image, 0, 255).astype(np.uint8)


def faded(rgb: np.ndarray, amount: float, theme: Theme = LIGHT) -> np.ndarray:
    """uint8 colors (..., 3) moved towards the theme's background by ``amount`` (0…1)."""
    bg = np.array(theme.background, dtype=float)
    out = rgb.astype(float) * (1 - amount) + bg * amount
    return np.round(out).astype(np.uint8)
