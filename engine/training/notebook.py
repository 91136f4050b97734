"""A session in a notebook: a readable ``repr``, its history as arrays, and a picture.

* ``repr(session)``: the data, the architecture, the optimizer, the epoch and the latest
  losses in one line;
* :meth:`NotebookView.history_dict`: the history as ``{column: array}`` (``to_pandas()`` on
  ``session.history`` gives a DataFrame when pandas is installed);
* Jupyter shows a session as the picture of :mod:`.picture` (loss curve, and the boundary or
  the predictions) through ``_repr_png_``; :meth:`NotebookView.picture` returns it as a
  Pillow image (``session.picture().save("run.png")``).

A base class of :class:`~engine.training.session.TrainingSession`, whose fields it uses.
"""
from __future__ import annotations

import math

import numpy as np


class NotebookView:
    """What a notebook shows of a session (see the module docstring)."""

    def history_dict(self) -> dict[str, np.ndarray]:
        """``{"epoch": …, "train_loss": …, "test_loss": …, …}``: every history column as a
        NumPy array of one value per recorded epoch (copies)."""
        return self.history.as_dict()

    def picture(self):
        """The session's picture (a ``PIL.Image.Image``, see :mod:`.picture`)."""
        from .picture import session_image
        return session_image(self)

    def _repr_png_(self) -> bytes:
        from .picture import session_png
        return session_png(self)

    def __repr__(self) -> str:
        data, net = self.data, self.network
        split = f"{len(data.y_train)} train / {len(data.y_test)} test"
        if data.has_validation:
            split += f" / {len(data.y_val)} validation"
        arch = "-".join(map(str, net.sizes))
        extras = "".join(f", {text}" for text in (
            f"dropout {self.dropout:g}" if self.dropout else "",
            "early stopping" if self.early_stopping else "") if text)
        latest = self.history.latest
        scores = ", ".join(f"{name.replace('_', ' ')} {latest[name]:.4g}"
                           for name in ("train_loss", "test_loss", "val_loss",
                                        f"test_{self.metric}")
                           if name in latest and math.isfinite(latest[name]))
        state = f"; {scores}" if scores else ""
        if self.diverged:
            state += "; diverged"
        elif self.stopped:
            state += "; stopped"
        return (f"<TrainingSession {data.name} ({data.task}, {split}) · {arch} "
                f"{'/'.join(net.activations)} · {self.loss}, {self.optimizer.name} "
                f"η={self.learning_rate:g}{extras} · epoch {self.epoch}{state}>")
