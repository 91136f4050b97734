"""Handing a session to another process to train, and taking the trained state back.

A :class:`~engine.training.session.TrainingSession` pickles whole — network, data, settings,
optimizer, mini-batch schedule, history, timeline, divergence watch — except its listeners
(they belong to the process that subscribed them) and the cached forward pass (scratch).
The copy trains elsewhere; meanwhile :meth:`Handover.mirror` shows its progress in the
original (epoch, weights, history: what views draw and read), and :meth:`Handover.adopt`
then makes the original continue exactly where the copy got to, as if it had trained itself:
the same numbers, epoch for epoch.

A base class of :class:`~engine.training.session.TrainingSession`, whose fields it uses.
"""
from __future__ import annotations

#: What stays the original's when it adopts a copy's state: its identity for the objects
#: that hold on to it (the network, whose weights are copied in instead), its data and what
#: is derived from the data alone, and its listeners.
_KEPT = frozenset({"network", "data", "_listeners", "_labels", "_X", "_Y", "_X_test", "_Y_test",
                   "_X_val", "_Y_val"})


class Handover:
    """Pickling support, :meth:`mirror` and :meth:`adopt` (see the module docstring)."""

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_listeners"] = []
        state["_cached_forward"] = None
        return state

    def mirror(self, epoch: int, steps: int, theta, grad=None, history=None) -> None:
        """Show the progress of a copy that trains elsewhere: its epoch and step counts,
        weights θ (and gradient g) and, when given, its history.  Only what is shown follows
        the copy; the optimizer, timeline and the rest wait for :meth:`adopt`."""
        net = self.network
        net.theta[...] = theta
        if grad is not None:
            net.grad[...] = grad
        net.forward_serial += 1
        self._cached_forward = None
        self.epoch, self.steps = int(epoch), int(steps)
        if history is not None:
            self.history = history

    def adopt(self, trained) -> None:
        """Continue from the state of ``trained``, a copy of this session (same architecture
        and data) that trained on elsewhere: its weights and gradient are copied into this
        session's network, everything else training changed is taken over.  ValueError when
        ``trained`` has another architecture.  Nothing is announced (see ``notify``)."""
        net = self.network
        if trained.network.sizes != net.sizes or trained.network.activations != net.activations:
            raise ValueError("the trained copy has another architecture than this session")
        for name, value in vars(trained).items():
            if name not in _KEPT:
                self.__dict__[name] = value
        net.theta[...] = trained.network.theta
        net.grad[...] = trained.network.grad
        net.forward_serial += 1              # the layers' cached pass is of older weights
        self._cached_forward = None
