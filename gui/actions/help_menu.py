"""Help: the keyboard shortcuts and what the app is."""
from __future__ import annotations

from . import Action, Menu


def menu(w) -> Menu:
    return Menu("&Help", [
        Action("shortcuts", "&Keyboard shortcuts", w.show_shortcuts, ("F1", "?")),
        Action("about", "&About Backprop Lab", w.about),
    ])
