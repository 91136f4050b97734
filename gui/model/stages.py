"""Stages: what presentation mode shows large, one to three views at a time (Qt-free).

A :class:`StageLayout` names its views, side by side, and their shares of the width.  The
teacher picks one with the number keys (the order of :data:`STAGES`) or the view switcher;
a lesson file may name the stage it opens on (``"stage": "graph+inspector"``).  The views:

* ``graph``       the network graph
* ``inspector``   the step inspector (one training step, phase by phase)
* ``unit``        the unit inspector (a clicked unit's weights and activity)
* ``activation``  a layer's activation and its pre-activations
* ``output``      the output plot (or, for data that is not 2-D, the predictions)
* ``loss``        the loss and accuracy plots with the timeline
"""
from __future__ import annotations

from dataclasses import dataclass

VIEWS = ("graph", "inspector", "unit", "activation", "output", "loss")


@dataclass(frozen=True)
class StageLayout:
    key: str                       # the name a lesson file uses
    title: str                     # shown on the view switcher
    views: tuple[str, ...]         # left to right
    shares: tuple[float, ...]      # each view's share of the width


STAGES = (
    StageLayout("graph+output", "Graph and output", ("graph", "output"), (0.5, 0.5)),
    StageLayout("graph+inspector", "Graph and step inspector", ("graph", "inspector"),
                (0.36, 0.64)),
    StageLayout("output+loss", "Output and loss", ("output", "loss"), (0.5, 0.5)),
    StageLayout("graph+output+loss", "Graph, output and loss", ("graph", "output", "loss"),
                (0.36, 0.32, 0.32)),
    StageLayout("graph+loss", "Graph and loss", ("graph", "loss"), (0.5, 0.5)),
    StageLayout("graph+unit", "Graph and unit inspector", ("graph", "unit"), (0.58, 0.42)),
    StageLayout("graph+activation", "Graph and activation", ("graph", "activation"),
                (0.5, 0.5)),
    StageLayout("loss", "Loss alone", ("loss",), (1.0,)),
)
STAGE_KEYS = tuple(stage.key for stage in STAGES)
DEFAULT_STAGE = "graph+output+loss"
VIEW_TITLES = {"graph": "Network graph", "inspector": "Step inspector",
               "unit": "Unit inspector", "activation": "Activation", "output": "Output plot",
               "loss": "Loss plot"}


def stage_named(key: str) -> StageLayout:
    """The stage called ``key``; ValueError naming the choices otherwise."""
    for stage in STAGES:
        if stage.key == key:
            return stage
    raise ValueError(f"there is no stage {key!r}; choose one of {', '.join(STAGE_KEYS)}")


def stage_with(view: str, current: StageLayout) -> StageLayout:
    """``current`` if it shows ``view``, else the first stage that shows it beside the graph
    (or alone): Shift+→ brings the step inspector on stage without the teacher asking."""
    if view in current.views:
        return current
    for stage in STAGES:
        if view in stage.views and ("graph" in stage.views or len(stage.views) == 1):
            return stage
    return next(stage for stage in STAGES if view in stage.views)
