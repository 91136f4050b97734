"""What the window remembers between launches (QSettings): the last settings, its geometry,
the splitters and the theme.  A damaged entry is reset with a notice, never an error at
start-up."""
from __future__ import annotations

import json

from PySide6.QtCore import QByteArray, QSettings

from backprop_lab.engine.io.bounded_json import parse_json

from ..model.config import Config
from ..style import colors

#: Why the stored settings were not used (shown once in the status bar), or "".
notice = ""


def stored_config(settings: QSettings) -> Config | None:
    """The settings of the last launch; None (and a :data:`notice`) when they are damaged."""
    global notice
    raw = settings.value("config")
    if not raw:
        return None
    try:
        return Config.from_dict(parse_json(str(raw), "the saved settings", max_bytes=1 << 20))
    except (ValueError, TypeError):
        settings.remove("config")
        notice = ("The settings saved by the last launch were damaged, so the defaults are "
                  "back.")
        return None


def restore(window) -> None:
    settings = window.settings
    geometry = settings.value("geometry")
    if isinstance(geometry, QByteArray):
        window.restoreGeometry(geometry)
    state = settings.value("splitter")
    if isinstance(state, QByteArray):
        window.splitter.restoreState(state)
    theme = settings.value("theme")
    if theme in colors.THEMES and theme != "light":
        window.presentation.set_theme(theme)


def save(window) -> None:
    settings = window.settings
    if settings is None:
        return
    settings.setValue("config", json.dumps(window.controller.config.to_dict()))
    settings.setValue("geometry", window.saveGeometry())
    settings.setValue("splitter", window.splitter.saveState())
    settings.setValue("theme", window.presentation.theme.name)
    settings.sync()
