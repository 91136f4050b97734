"""The 8×8 handwritten digits: scikit-learn's copy of the UCI optical-digits test set (1797
images, 64 pixels from 0 to 16, 10 classes), shipped as package data
(``resources/datasets/digits.csv.gz``; its README gives the source and licence)."""
from __future__ import annotations

import gzip
from importlib.resources import files

import numpy as np

DIGITS_FILE = files("backprop_lab.resources").joinpath("datasets", "digits.csv.gz")
DIGITS_COUNT, DIGITS_SHAPE = 1797, (8, 8)
_digits_cache: tuple[np.ndarray, np.ndarray] | None = None


def digits_data() -> tuple[np.ndarray, np.ndarray]:
    """All 1797 digits: pixels (1797, 64) as integers 0…16 (float64) and labels (1797,) int64,
    in the file's order.  Read once, then cached; the arrays are read-only."""
    global _digits_cache
    if _digits_cache is None:
        if not DIGITS_FILE.is_file():
            raise ValueError(f"the handwritten digits file is missing: {DIGITS_FILE} "
                             "(it ships with Backprop Lab in resources/datasets/)")
        try:
            with DIGITS_FILE.open("rb") as raw, gzip.open(raw, "rt", encoding="ascii") as f:
                table = np.loadtxt(f, delimiter=",", dtype=np.float64, ndmin=2)
        except (OSError, EOFError, ValueError, UnicodeDecodeError) as exc:
            raise ValueError(f"the handwritten digits file {DIGITS_FILE} is damaged: {exc}") \
                from exc
        n_pixels = DIGITS_SHAPE[0] * DIGITS_SHAPE[1]
        if table.shape != (DIGITS_COUNT, n_pixels + 1):
            raise ValueError(f"the handwritten digits file {DIGITS_FILE} has shape "
                             f"{table.shape}, expected ({DIGITS_COUNT}, {n_pixels + 1})")
        pixels = np.ascontiguousarray(table[:, :n_pixels])
        labels = table[:, n_pixels].astype(np.int64)
        pixels.setflags(write=False)
        labels.setflags(write=False)
        _digits_cache = pixels, labels
    return _digits_cache


def make_digits(n, noise, n_classes, rng):
    pixels, labels = digits_data()
    index = (np.arange(len(labels)) if n >= len(labels)
             else np.sort(rng.choice(len(labels), size=n, replace=False)))
    # always draw the noise, so the subset and split do not depend on its size (as above)
    points = pixels[index] / 16.0 + rng.normal(0.0, noise, size=(len(index), pixels.shape[1]))
    return points, labels[index]
