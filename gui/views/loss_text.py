"""The loss plot's words: the caption's summary of an epoch and the hover text at the mouse,
from one recorded row of the history (a dict: ``epoch``, ``train_loss``, ``test_loss``,
``train_<metric>``, …, and ``val_…`` when there is a validation set)."""
from __future__ import annotations

import numpy as np


def summary_html(latest: dict, has_test: bool, metric: str, theme,
                 past: int | None = None) -> str:
    """Train, test and validation loss and score of ``latest`` as rich text in ``theme``'s
    colours; ``metric`` is "accuracy" (shown as a percentage) or "r2"; ``past`` (an epoch
    that is not the latest) puts the epoch in front."""
    if not latest:
        return "—"

    def fmt(v, is_metric=False):
        if not np.isfinite(v):
            return "—"
        return f"{v:.1%}" if is_metric and metric == "accuracy" else f"{v:.4g}"

    name = "R²" if metric == "r2" else "accuracy"
    parts = [f"<span style='color:{theme.positive_text}'><b>train</b> loss "
             f"{fmt(latest['train_loss'])}, {name} {fmt(latest[f'train_{metric}'], True)}</span>"]
    if has_test:
        parts.append(f"<span style='color:{theme.negative_text}'><b>test</b> loss "
                     f"{fmt(latest['test_loss'])}, {name} "
                     f"{fmt(latest[f'test_{metric}'], True)}</span>")
    if "val_loss" in latest:
        parts.append(f"<b>validation</b> loss {fmt(latest['val_loss'])}, {name} "
                     f"{fmt(latest[f'val_{metric}'], True)}")
    if past is not None:
        parts[0] = f"<i>epoch {int(latest['epoch'])}:</i> " + parts[0]
    return "<br>".join(parts)


def hover_lines(row: dict) -> str:
    """The epoch of ``row`` and its train, test and validation losses, a line each (the
    splits without a value left out)."""
    text = f"epoch {int(row['epoch'])}\ntrain loss {row['train_loss']:.4g}"
    if np.isfinite(row["test_loss"]):
        text += f"\ntest loss {row['test_loss']:.4g}"
    if np.isfinite(row.get("val_loss", np.nan)):
        text += f"\nvalidation loss {row['val_loss']:.4g}"
    return text
