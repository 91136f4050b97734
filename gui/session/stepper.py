"""Single-stepping backprop: one phase of one training step per press.

:class:`PhaseStepper` walks ``session.phases()``: forward through every layer, the loss,
backward from the last layer to the first, then the update of every layer.  The phases of the
current step are kept (``done``) so the views can keep showing finished phases until the
update.  When the last update is shown the step is completed at once, so the epoch counter
and history move exactly as "Step epoch" would have moved them.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from backprop_lab.engine import Phase

from .controller import SessionController


class PhaseStepper(QObject):
    phaseChanged = Signal(object)     # the Phase now shown, or None when no step is under way

    def __init__(self, controller: SessionController, parent=None):
        super().__init__(parent)
        self.controller = controller
        self._phases = None
        self.done: list[Phase] = []           # phases of the current step shown so far
        controller.rebuilt.connect(self.cancel)

    @property
    def current(self) -> Phase | None:
        return self.done[-1] if self.done else None

    @property
    def active(self) -> bool:
        return self._phases is not None

    @property
    def phases_per_step(self) -> int:
        return 3 * len(self.controller.session.network.layers) + 1

    def step_phase(self) -> Phase | None:
        """Show the next phase (starting a new step if none is under way)."""
        session = self.controller.session
        try:
            if self._phases is None:
                self._phases = session.phases()
                self.done = []
            phase = next(self._phases)
        except ValueError as exc:       # a network that cannot train (a step unit)
            self._phases, self.done = None, []
            self.controller.error.emit(str(exc))
            self.phaseChanged.emit(None)
            return None
        except StopIteration:           # the gradient was not finite: the session stopped
            self._phases = None
            self.phaseChanged.emit(None)
            return None
        self.done.append(phase)
        if phase.name == "update" and phase.layer == len(session.network.layers) - 1:
            self._finish()
        self.phaseChanged.emit(phase)
        return phase

    def _finish(self) -> None:
        """Run the generator to its end: the step's bookkeeping (epoch, history)."""
        phases, self._phases = self._phases, None     # a divergence may cancel() meanwhile
        if phases is not None:
            for _ in phases:
                pass

    def cancel(self) -> None:
        """Leave the step: if weights were already being updated, complete the update (so no
        layer is left half-stepped); before that, nothing has changed and the step is dropped."""
        if self._phases is None:
            if self.done:
                self.done = []
                self.phaseChanged.emit(None)
            return
        if any(p.name == "update" for p in self.done):
            self._finish()
        else:
            self._phases.close()
            self._phases = None
        self.done = []
        self.phaseChanged.emit(None)

    def describe(self) -> str:
        """'Backward · layer 2 (6 of 7)' for the toolbar."""
        phase = self.current
        if phase is None:
            return ""
        return f"{phase.title} ({len(self.done)} of {self.phases_per_step})"
