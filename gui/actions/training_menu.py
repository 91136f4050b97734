"""Training: every training action, each with its key (the classroom drives the app by keys)."""
from __future__ import annotations

from . import Action, Menu


def menu(w) -> Menu:
    c = w.controller
    return Menu("&Training", [
        Action("play", "&Play / Pause", w.toggle_play, ("Space",)),
        Action("step", "&Step epoch", w.step_epoch, ("Right", "PgDown")),
        Action("phase", "Step &phase", w.step_phase, ("Shift+Right",),
               "One phase of one training step: forward, loss, backward, update"),
        Action("gradient_check", "&Gradient check…", w.open_gradient_check, ("Ctrl+G",)),
        Action("lr_finder", "Find a &learning rate…", w.analyses.open_lr_finder, ("Ctrl+L",),
               "A learning-rate range test on a copy of the network: the loss against η, "
               "with a suggested rate to use in one click"),
        Action("reset", "&Reset weights", w.reset, ("R",), "New random weights, epoch 0 "
               "(Ctrl+Z brings the run back)"),
        Action("regenerate", "Re&generate data", lambda: w.change(c.rebuild)),
        None,
        Action("undo", "&Undo", w.undo, ("Ctrl+Z",),
               "Bring back the session as it was before the last reset, rebuild or opening"),
        Action("redo", "Re&do", w.redo, ("Ctrl+Shift+Z", "Ctrl+Y")),
        None,
        Action("pin", "P&in run", w.pins.pin_run, ("Ctrl+P",),
               "Keep the loss curve as a ghost trace to compare with the next runs"),
        Action("clear_pins", "&Clear pinned runs", w.pins.clear),
        Action("resume", "Resume from the &timeline's epoch", w.resume_from_timeline),
    ])
