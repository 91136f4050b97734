"""Per-epoch training history with bounded memory.

Rows are recorded at epochs that are multiples of a stride.  When the table is full, every
other row is dropped and the stride doubles, so a million-epoch run keeps at most
``capacity`` rows spread evenly over the whole run.  The newest row is always kept apart
(``latest``), so the current values are exact whatever the stride.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

#: The largest capacity a saved history may ask for (rows × columns floats are allocated).
MAX_CAPACITY = 65_536


class History:
    """A table of floats, one column per name in ``columns`` (the first being ``"epoch"``)."""

    def __init__(self, columns: Sequence[str], capacity: int = 4096):
        if capacity < 2:
            raise ValueError("history capacity must be at least 2")
        self.columns = ("epoch", *columns)
        self.capacity = capacity
        self._index = {name: i for i, name in enumerate(self.columns)}
        self.clear()

    def clear(self) -> None:
        self._rows = np.full((self.capacity, len(self.columns)), np.nan)
        self._count = 0
        self.stride = 1
        self._latest: np.ndarray | None = None

    def append(self, epoch: int, values: Sequence[float]) -> None:
        """Record ``values`` (one per column after "epoch") for ``epoch``."""
        row = np.array((epoch, *values), dtype=float)
        if row.shape != (len(self.columns),):
            raise ValueError(f"expected {len(self.columns) - 1} values, got {row.size - 1}")
        self._latest = row
        if epoch % self.stride:
            return
        if self._count == self.capacity:
            self._thin()
            if epoch % self.stride:
                return
        if self._count and epoch <= self._rows[self._count - 1, 0]:
            return                        # already recorded (e.g. after a restore)
        self._rows[self._count] = row
        self._count += 1

    def _thin(self) -> None:
        self.stride *= 2
        kept = self._rows[: self._count]
        kept = kept[kept[:, 0] % self.stride == 0]
        self._rows[: len(kept)] = kept
        self._rows[len(kept):] = np.nan
        self._count = len(kept)

    def truncate(self, epoch: int) -> None:
        """Forget every row after ``epoch`` (when training restarts from an earlier point)."""
        keep = int(np.searchsorted(self._rows[: self._count, 0], epoch, side="right"))
        self._rows[keep: self._count] = np.nan
        self._count = keep
        if self._latest is not None and self._latest[0] > epoch:
            self._latest = self._rows[keep - 1].copy() if keep else None

    # ------------------------------------------------------------------ reading
    def __len__(self) -> int:
        return self._count + (self._latest_is_extra())

    def _latest_is_extra(self) -> bool:
        return self._latest is not None and (
            self._count == 0 or self._latest[0] > self._rows[self._count - 1, 0])

    def table(self) -> np.ndarray:
        """All rows (recorded ones, then the latest): shape (len(self), n_columns), a copy."""
        rows = self._rows[: self._count]
        if self._latest_is_extra():
            rows = np.vstack([rows, self._latest])
        return rows.copy()

    def __contains__(self, column: str) -> bool:
        return column in self._index

    def __getitem__(self, column: str) -> np.ndarray:
        """One column over all rows, e.g. ``history["train_loss"]``."""
        try:
            i = self._index[column]
        except KeyError:
            raise KeyError(f"no column {column!r}; columns are {', '.join(self.columns)}") from None
        rows = self._rows[: self._count, i]
        if self._latest_is_extra():
            rows = np.append(rows, self._latest[i])
        return rows.copy()

    @property
    def latest(self) -> dict[str, float]:
        """The newest row as a dict (empty before the first append)."""
        if self._latest is None:
            return {}
        return dict(zip(self.columns, self._latest.tolist()))

    def row_at(self, epoch: int) -> dict[str, float]:
        """The row of the latest recorded epoch ≤ ``epoch`` as a dict (empty when there is
        none): what training showed at a past epoch, as far as the thinned record knows."""
        if self._latest is not None and self._latest[0] <= epoch:
            return self.latest
        k = int(np.searchsorted(self._rows[: self._count, 0], epoch, side="right"))
        return dict(zip(self.columns, self._rows[k - 1].tolist())) if k else {}

    def as_dict(self) -> dict[str, np.ndarray]:
        """Every column over all rows: ``{"epoch": …, "train_loss": …, …}`` (copies, each
        of shape (len(self),); the epochs as int64, the rest float64)."""
        table = self.table()
        columns = {name: table[:, i].copy() for i, name in enumerate(self.columns)}
        columns["epoch"] = columns["epoch"].astype(np.int64)
        return columns

    def to_pandas(self):
        """The table as a ``pandas.DataFrame`` indexed by epoch (pandas is optional: an
        ImportError says to install it when it is missing)."""
        try:
            import pandas
        except ImportError:
            raise ImportError("to_pandas() needs pandas, which Backprop Lab does not require: "
                              "pip install pandas (or use as_dict())") from None
        columns = self.as_dict()
        epochs = columns.pop("epoch")
        return pandas.DataFrame(columns, index=pandas.Index(epochs, name="epoch"))

    def with_columns(self, columns: Sequence[str]) -> "History":
        """A copy with ``columns`` (after "epoch"): the columns both share keep their values,
        new ones are NaN (e.g. when a validation set is added)."""
        other = History(columns, capacity=self.capacity)
        def move(row: np.ndarray) -> np.ndarray:
            out = np.full(len(other.columns), np.nan)
            for i, name in enumerate(other.columns):
                if name in self._index:
                    out[i] = row[self._index[name]]
            return out
        for k in range(self._count):
            other._rows[k] = move(self._rows[k])
        other._count, other.stride = self._count, self.stride
        other._latest = None if self._latest is None else move(self._latest)
        return other

    def state(self) -> dict:
        """Everything needed to rebuild this history (for saving a session)."""
        return {"columns": list(self.columns[1:]), "capacity": self.capacity,
                "stride": self.stride, "rows": self._rows[: self._count].copy(),
                "latest": None if self._latest is None else self._latest.copy()}

    @classmethod
    def from_state(cls, state: dict) -> "History":
        """The history a :meth:`state` describes; ValueError when it is malformed or exceeds
        :data:`MAX_CAPACITY` (checked before anything is allocated)."""
        capacity, stride = state["capacity"], state["stride"]
        for what, value, hi in (("capacity", capacity, MAX_CAPACITY), ("stride", stride, 2**53)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) \
                    or not (2 if what == "capacity" else 1) <= value <= hi:
                raise ValueError(f"the history's {what} must be a whole number up to {hi:,}")
        if stride & (stride - 1):
            raise ValueError("the history's stride must be a power of two")
        columns = list(state["columns"])
        rows = np.asarray(state["rows"], dtype=float)
        if rows.ndim != 2 or rows.shape[1] != len(columns) + 1 or len(rows) > capacity:
            raise ValueError("the history table has the wrong shape")
        latest = state.get("latest")
        if latest is not None:
            latest = np.asarray(latest, dtype=float)
            if latest.shape != (len(columns) + 1,):
                raise ValueError("the history's newest row has the wrong length")
        if np.isinf(rows).any() or (latest is not None and np.isinf(latest).any()):
            raise ValueError("the history holds infinite values")
        history = cls(columns, capacity=int(capacity))
        history._rows[: len(rows)] = rows
        history._count = len(rows)
        history.stride = int(stride)
        history._latest = None if latest is None else latest.copy()
        return history
