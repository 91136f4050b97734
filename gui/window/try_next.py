"""A lesson's "Try next" button, clicked: its settings through the controller (which checks
them, as for any typed value), what the edges show, then its actions in order."""
from __future__ import annotations

from ..model.lessons import Suggestion
from ..views.lesson_card import describe


def apply(window, suggestion: Suggestion) -> bool:
    """Try ``suggestion`` on ``window``'s session; False (and the reason said) if refused."""
    window.view_state.interrupt()
    if suggestion.settings and not window.controller.apply(**suggestion.settings):
        return False
    if suggestion.edges:
        window.view_state.set_edge_mode(suggestion.edges)
    actions = {"reset": window.reset, "play": lambda: _play(window),
               "phase": window.step_phase, "gradient_check": window.open_gradient_check}
    for action in suggestion.then:
        actions[action]()
    window.say(f"Trying {suggestion.label} ({describe(suggestion)}).", 8000)
    return True


def _play(window) -> None:
    if not window.loop.running:
        window.toggle_play()
