"""Mini-batches: which training samples the next step uses.

An epoch visits every training sample once.  With ``batch_size`` None (or ≥ the set) each
step takes the whole set; otherwise each epoch draws a fresh permutation from a seeded
generator and steps through it ``batch_size`` samples at a time (the last batch may be
smaller).  The state that decides the future — the generator, the epoch's order and the
cursor — is what :meth:`Batches.state_dict` returns, so a run can be saved, branched or
replayed exactly.
"""
from __future__ import annotations

import numpy as np


class Batches:
    """The mini-batch schedule of ``n`` training samples; see the module docstring."""

    def __init__(self, n: int, batch_size: int | None = None, seed: int = 0):
        if n < 1:
            raise ValueError("there must be at least one training sample")
        self.n = int(n)
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.batch_size = batch_size

    # ------------------------------------------------------------------ settings
    @property
    def batch_size(self) -> int | None:
        """Samples per step; None (or ≥ n) means the whole set."""
        return self._batch_size

    @batch_size.setter
    def batch_size(self, value: int | None) -> None:
        if value is not None:
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"batch size must be a whole number ≥ 1 or None, not {value!r}")
            value = int(value)
        self._batch_size = value
        self.restart_epoch()            # a new batch size starts a fresh epoch order

    @property
    def size(self) -> int:
        """Samples in a full step: the batch size, at most n."""
        return self.n if self._batch_size is None else min(self._batch_size, self.n)

    @property
    def full(self) -> bool:
        """True when every step takes the whole training set (no shuffling happens)."""
        return self.size >= self.n

    @property
    def steps_per_epoch(self) -> int:
        return -(-self.n // self.size)

    # ------------------------------------------------------------------ stepping
    def restart_epoch(self) -> None:
        """Forget the epoch in progress: the next step starts a new epoch's order."""
        self.cursor = 0             # index of the next mini-batch within the epoch
        self.order: np.ndarray | None = None

    def reseed(self) -> None:
        """Back to the generator's first draw (a reset run shuffles as the first did)."""
        self.rng = np.random.default_rng(self.seed)
        self.restart_epoch()

    def peek(self) -> np.ndarray | slice:
        """The sample indices of the next step (``slice(None)`` for the whole set), without
        moving on.  Draws the epoch's order when a new shuffled epoch begins."""
        if self.full:
            return slice(None)
        if self.order is None:
            self.order = self.rng.permutation(self.n)
        size = self.size
        return self.order[self.cursor * size: (self.cursor + 1) * size]

    def advance(self) -> bool:
        """Move past the step just taken; True when that step ended the epoch."""
        self.cursor += 1
        if self.cursor >= self.steps_per_epoch:
            self.restart_epoch()
            return True
        return False

    # ------------------------------------------------------------------ state
    def state_dict(self) -> dict:
        """``{"batch_size", "cursor", "order" (array or None), "rng" (the generator's state)}``."""
        return {"batch_size": self._batch_size, "cursor": self.cursor,
                "order": None if self.order is None else self.order.copy(),
                "rng": self.rng.bit_generator.state}

    def load_state_dict(self, state: dict) -> None:
        """Restore a :meth:`state_dict`; ValueError when it does not fit these n samples."""
        self.batch_size = state["batch_size"]
        cursor = state["cursor"]
        if isinstance(cursor, bool) or not isinstance(cursor, (int, np.integer)) \
                or not 0 <= cursor < self.steps_per_epoch:
            raise ValueError(f"the mini-batch cursor {cursor!r} is out of range "
                             f"(0…{self.steps_per_epoch - 1})")
        order = state.get("order")
        if order is not None:
            order = np.asarray(order)
            if order.dtype.kind not in "iu" or order.shape != (self.n,) or not np.array_equal(
                    np.sort(order), np.arange(self.n)):
                raise ValueError("the saved mini-batch order is not a permutation of the samples")
            order = order.astype(np.int64)
        rng = np.random.default_rng()
        try:
            rng.bit_generator.state = state["rng"]
        except (TypeError, ValueError, KeyError, OverflowError) as exc:
            raise ValueError(f"the mini-batch shuffler's state is not valid ({exc})") from None
        self.rng = rng
        self.cursor, self.order = int(cursor), order
