"""What the window shows besides the live session, and the one way to stop what is running.

:class:`ViewState` holds the window's state that is not the session's: the past epoch shown
from the timeline (and its network), the traced training sample and what the edges show.
:meth:`ViewState.interrupt` is the single rule "before the user changes something, stop
whatever is running": pause playing, leave the phase step (completing an update already
started, so no layer is left half-stepped) and come back from a past epoch to the live one.
Every action that changes the session calls it first.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from backprop_lab.engine.training.inspection import EDGE_MODES

from ..session.controller import SessionController
from ..session.stepper import PhaseStepper
from ..session.training_loop import TrainingLoop


class ViewState(QObject):
    changed = Signal()                 # something the views draw changed: redraw
    previewChanged = Signal(object)    # the past epoch shown, or None for the live one
    traceChanged = Signal(object)      # the traced training sample, or None
    edgeModeChanged = Signal(str)

    def __init__(self, controller: SessionController, loop: TrainingLoop,
                 stepper: PhaseStepper, parent=None):
        super().__init__(parent)
        self.controller, self.loop, self.stepper = controller, loop, stepper
        self.preview_epoch: int | None = None
        self.preview_network = None        # a copy of the network with that epoch's weights
        self.traced_sample: int | None = None
        self.edge_mode = "weight"
        controller.rebuilt.connect(self._forget_session)

    # ------------------------------------------------------------------ the one rule
    def interrupt(self) -> None:
        """Stop whatever runs before the user's change (see the module docstring)."""
        self.loop.pause()
        self.stepper.cancel()
        self.go_live()

    # ------------------------------------------------------------------ the past
    @property
    def looking_back(self) -> bool:
        return self.preview_epoch is not None

    def show_epoch(self, epoch: int | None) -> None:
        """Show the weights of a past epoch kept by the timeline (None: the live ones)."""
        if epoch is None:
            self.go_live()
            return
        # Pause first: while the training process plays, the epochs the timeline offers are
        # the process's, and the session holds them only once it has been handed back.
        self.loop.pause()
        session = self.controller.session
        if epoch not in session.timeline:
            # Training on since the choice may have thinned it out: the nearest kept before.
            earlier = session.timeline.epochs()
            earlier = earlier[earlier <= epoch]
            epoch = int(earlier[-1]) if len(earlier) else None
        if epoch is None or epoch == session.epoch:
            self.go_live()
            return
        self.stepper.cancel()
        if self.preview_network is None or self.preview_network.sizes != session.network.sizes:
            self.preview_network = session.network.copy()
        self.preview_network.theta[...] = session.timeline.theta_at(epoch)
        self.preview_epoch = int(epoch)
        self.previewChanged.emit(self.preview_epoch)
        self.changed.emit()

    def go_live(self) -> None:
        """Back to the latest epoch (nothing happens when already there)."""
        if self.preview_epoch is None:
            return
        self.preview_epoch, self.preview_network = None, None
        self.previewChanged.emit(None)
        self.changed.emit()

    def shown_network(self):
        """The network the views draw: the live one, or a past epoch's."""
        return self.preview_network or self.controller.session.network

    def shown_epoch(self) -> int:
        return self.controller.session.epoch if self.preview_epoch is None else self.preview_epoch

    # ------------------------------------------------------------------ what is looked at
    def trace(self, sample: int | None) -> None:
        """Follow training sample ``sample`` (None or < 0: the whole batch)."""
        sample = None if sample is None or sample < 0 else int(sample)
        if sample is not None and not sample < self.controller.session.n_train:
            sample = None
        self.traced_sample = sample
        self.traceChanged.emit(sample)
        self.changed.emit()

    def set_edge_mode(self, mode: str) -> None:
        if mode not in EDGE_MODES:
            raise ValueError(f"unknown edge mode {mode!r}")
        if mode != self.edge_mode:
            self.edge_mode = mode
            self.edgeModeChanged.emit(mode)
            self.changed.emit()

    def _forget_session(self) -> None:
        """A new session: what was shown of the old one no longer applies."""
        was_back = self.preview_epoch is not None
        self.preview_epoch, self.preview_network = None, None
        self.traced_sample = None
        if was_back:
            self.previewChanged.emit(None)
        self.traceChanged.emit(None)
        self.changed.emit()
