"""Weight snapshots over a training run, with bounded memory: what the timeline scrubs through.

A snapshot holds everything needed to branch training from an epoch exactly as it went the
first time: θ, the optimizer's running state (velocities, moments, step count), the step
count and the random generator that shuffles mini-batches.

Which epochs are kept: every one of the last ``recent`` epochs, and of the older ones those
that are multiples of a stride; when more than ``capacity`` older snapshots pile up, the stride
doubles and every other one goes (as :class:`engine.training.history.History` thins its rows).  A
million-epoch run therefore keeps at most ``recent + capacity`` snapshots, evenly spread over
the whole run, and densely over its last epochs.  Storage is one preallocated array per kind
of state, shape (recent + capacity + 1, P) for P parameters, so recording copies rows and
allocates nothing.

Memory stays within ``max_bytes`` (:data:`MAX_BYTES`, 64 MB): a slot costs up to three
P-vectors (θ and the two moment vectors of Adam, the optimizer with the most state), so a large
network keeps fewer snapshots — ``recent`` and ``capacity`` shrink in proportion, down to 1
recent and 2 older ones (four slots, whatever the size).  At the session file's limit of 500,000
parameters in float64 that is 5 slots and 60 MB.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: The memory the snapshot arrays may take (θ and the optimizer's state vectors).
MAX_BYTES = 64 * 2**20
#: P-vectors per slot in the worst case: θ and Adam's m and v.
VECTORS_PER_SLOT = 3


def fit_in_memory(recent: int, capacity: int, slot_bytes: int,
                  max_bytes: int) -> tuple[int, int]:
    """(recent, capacity) scaled down together so that recent + capacity + 1 slots of
    ``slot_bytes`` fit in ``max_bytes`` (at least 1 and 2)."""
    slots = recent + capacity + 1
    fit = max_bytes // max(slot_bytes, 1)
    if fit >= slots:
        return recent, capacity
    fraction = max(fit - 1, 0) / (recent + capacity)
    recent = max(1, int(recent * fraction))
    return recent, max(2, fit - 1 - recent)


@dataclass(frozen=True)
class Snapshot:
    """One epoch's training state (arrays are copies)."""

    epoch: int
    steps: int
    theta: np.ndarray                       # (P,)
    optimizer_name: str
    optimizer_state: dict[str, np.ndarray]  # name → (P,) array, plus "t" (a 0-d array)
    rng_state: dict | None                  # the mini-batch shuffler's state, None: unused


class Timeline:
    """Snapshots of one session's run; see the module docstring."""

    def __init__(self, n_params: int, dtype=np.float64, recent: int = 32, capacity: int = 64,
                 max_bytes: int = MAX_BYTES):
        if recent < 1 or capacity < 2:
            raise ValueError("a timeline keeps at least 1 recent and 2 older snapshots")
        recent, capacity = fit_in_memory(recent, capacity,
                                         VECTORS_PER_SLOT * n_params * np.dtype(dtype).itemsize,
                                         max_bytes)
        self.recent, self.capacity = recent, capacity
        self._slots = recent + capacity + 1
        self._theta = np.empty((self._slots, n_params), dtype=dtype)
        self._state: dict[str, np.ndarray] = {}      # optimizer state name → (slots, P)
        self.version = 0            # changes whenever the kept epochs change
        self.clear()

    def clear(self) -> None:
        self._where: dict[int, int] = {}             # epoch → slot
        self._meta: dict[int, tuple] = {}            # slot → (steps, optimizer, t, names, rng)
        self._free = list(range(self._slots - 1, -1, -1))
        self._n_older = 0           # snapshots that have left the recent window
        self.stride = 1
        self.version += 1

    # ------------------------------------------------------------------ recording
    def record(self, epoch: int, steps: int, theta: np.ndarray, optimizer,
               rng_state: dict | None) -> None:
        """Keep the state at the end of ``epoch`` (replacing a snapshot of the same epoch)."""
        slot = self._where.get(epoch)
        if slot is None:
            self._thin(epoch)
            slot = self._free.pop()
            self._where[epoch] = slot
            self.version += 1       # the set of kept epochs changed (what a slider shows)
        np.copyto(self._theta[slot], theta)
        names = []
        for name in optimizer.state_names:
            value = getattr(optimizer, name)
            if value is None:
                continue
            pool = self._state.get(name)
            if pool is None:
                pool = self._state[name] = np.empty_like(self._theta)
            np.copyto(pool[slot], value)
            names.append(name)
        self._meta[slot] = (steps, optimizer.name, optimizer.t, tuple(names), rng_state)

    def _thin(self, epoch: int) -> None:
        """Make room for ``epoch``: the snapshot leaving the recent window stays only on the
        stride; too many older ones double the stride."""
        leaving = epoch - self.recent
        if leaving in self._where:
            if leaving % self.stride:
                self._drop(leaving)
            else:
                self._n_older += 1
        while self._n_older > self.capacity or not self._free:
            self.stride *= 2
            for e in [e for e in self._where if e <= leaving and e % self.stride]:
                self._drop(e)
            self._n_older = sum(1 for e in self._where if e <= leaving)

    def _drop(self, epoch: int) -> None:
        self.version += 1
        slot = self._where.pop(epoch)
        self._meta.pop(slot, None)
        self._free.append(slot)

    def truncate(self, epoch: int) -> None:
        """Forget the snapshots after ``epoch`` (training went back to it)."""
        for e in [e for e in self._where if e > epoch]:
            self._drop(e)
        self._n_older = sum(1 for e in self._where if e <= epoch - self.recent)

    # ------------------------------------------------------------------ reading
    def epochs(self) -> np.ndarray:
        """The epochs with a snapshot, ascending."""
        return np.array(sorted(self._where), dtype=np.int64)

    def __len__(self) -> int:
        return len(self._where)

    def __contains__(self, epoch: int) -> bool:
        return epoch in self._where

    def nearest(self, epoch: int) -> int | None:
        """The latest snapshot epoch ≤ ``epoch`` (the earliest if none is), or None if empty."""
        epochs = self.epochs()
        if epochs.size == 0:
            return None
        k = int(np.searchsorted(epochs, epoch, side="right")) - 1
        return int(epochs[max(k, 0)])

    def theta_at(self, epoch: int) -> np.ndarray:
        """θ at a snapshot epoch (a copy); KeyError if there is none."""
        return self._theta[self._slot(epoch)].copy()

    def snapshot(self, epoch: int) -> Snapshot:
        slot = self._slot(epoch)
        steps, name, t, names, rng = self._meta[slot]
        state = {n: self._state[n][slot].copy() for n in names}
        state["t"] = np.array(t)
        return Snapshot(epoch, steps, self._theta[slot].copy(), name, state,
                        None if rng is None else dict(rng))

    def _slot(self, epoch: int) -> int:
        try:
            return self._where[epoch]
        except KeyError:
            raise KeyError(f"no snapshot of epoch {epoch}; the timeline keeps "
                           f"{', '.join(map(str, self.epochs()[-5:]))}…") from None

    @property
    def nbytes(self) -> int:
        """Memory held by the snapshot arrays."""
        return self._theta.nbytes + sum(a.nbytes for a in self._state.values())
