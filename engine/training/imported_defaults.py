"""Training settings for a new network on imported data, beyond the panels' own defaults.

A table of a few hundred rows and ten inputs (the diabetes data: 442 × 10) is fitted to its
noise within tens of epochs by the panels' defaults (Adam, η = 0.03, mini-batches of 10, two
small tanh layers): on diabetes-like data (tests/data/csv/diabetes-like.csv, whose inputs
explain about 64 % of the target's variance) training R² climbs to 0.75 while test R² falls to
0.2–0.45 depending on the split.  An L2 penalty of 0.01 and a learning rate of 0.01 keep the
network at what generalizes: test R² ≥ 0.46 on each of 20 splits after 100, 200 or 400
epochs (a linear fit gets 0.47–0.60).  The window applies :func:`imported_data_settings` on
top of its defaults when it builds a network for imported data; the user can change them as
any other setting.
"""
from __future__ import annotations

from ..data.dataset import REGRESSION, Dataset

#: Settings (TrainingSession's names) for a regression read from a file.
IMPORTED_REGRESSION = {"l2": 0.01, "learning_rate": 0.01}


def imported_data_settings(data: Dataset) -> dict:
    """The settings to give a new network on ``data``: :data:`IMPORTED_REGRESSION` for a
    regression read from a file (``params["source"]``), else none."""
    if data.task == REGRESSION and "source" in data.params:
        return dict(IMPORTED_REGRESSION)
    return {}
