"""An independent copy of a training session, to try things on without touching the original."""
from __future__ import annotations

from ..training.session import TrainingSession


def copy_session(session: TrainingSession) -> TrainingSession:
    """A new session in the same state: the same architecture and data (shared: training only
    reads it), a copy of the weights, the optimizer's running state, the mini-batch schedule
    (order, cursor, shuffler), the counters and the history, through the public
    ``state_dict()`` / ``load_state_dict()``.  Its timeline starts at the current epoch, and it
    has no listeners.  Stepping the copy takes exactly the steps the original would take."""
    settings = session.settings()
    twin = TrainingSession(session.network.copy(), session.data, loss=settings["loss"],
                           optimizer=settings["optimizer"],
                           learning_rate=settings["learning_rate"],
                           batch_size=settings["batch_size"], l1=settings["l1"],
                           l2=settings["l2"], seed=settings["seed"])
    twin.load_state_dict(session.state_dict())
    return twin
