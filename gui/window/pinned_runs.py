"""Pinned runs in the window: keep a loss curve as a labeled ghost trace, and draw only the pins
that fit the current data and loss (the others stay pinned, listed as hidden)."""
from __future__ import annotations

from PySide6.QtCore import QObject

from ..model.pins import MAX_PINS, PinBoard


class PinnedRuns(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.w = window
        self.board = PinBoard()
        window.controller.configChanged.connect(self.show)
        window.controller.rebuilt.connect(self.show)

    def current(self) -> dict:
        """The live run's settings as pins compare them (a Config dict plus the data's name)."""
        c = self.w.controller
        return {**c.config.to_dict(), "data": c.session.data.name, "loss": c.session.loss}

    def pin_run(self) -> None:
        """Keep the current loss curve as a labeled ghost trace."""
        self.w.controller.settle()
        session = self.w.controller.session
        if session.epoch == 0:
            self.w.say("Train first: there is no loss curve to pin yet.", 5000)
            return
        dropped = self.board.runs[0].number if len(self.board.runs) >= MAX_PINS else None
        run = self.board.pin(self.current(), session.history)
        self.show()
        self.w.say(f"Pinned run #{run.number} ({session.epoch} epochs)"
                   + (f"; unpinned #{dropped} (at most {MAX_PINS} pins)" if dropped else "")
                   + ". Change a setting, press Reset and train again to compare.", 8000)

    def unpin(self, number: int) -> None:
        self.board.unpin(number)
        self.show()

    def clear(self) -> None:
        self.board.clear()
        self.show()

    def load(self, entries) -> None:
        self.board.load(entries)
        self.show()

    def to_list(self) -> list[dict]:
        return self.board.to_list()

    def show(self) -> None:
        current = self.current()
        shown, hidden = self.board.split(current)
        self.w.loss_plot.set_pins(
            [(run.number, run.label(current), run.epochs, run.train_loss, run.color)
             for run in shown],
            hidden=[(run.number, f"{run.label(current)} ({run.where()})") for run in hidden])
