"""View: what the plots show, presentation mode, zoom and themes."""
from __future__ import annotations

from ..model.stages import STAGES
from ..style import colors
from . import Action, Menu


def menu(w) -> Menu:
    stage = w.presentation
    return Menu("&View", [
        Action("show_test", "Show &test points", w.boundary.set_show_test, checkable=True,
               checked=True),
        Action("discretize", "&Discretize output", w.boundary.set_discrete, checkable=True),
        Action("log_loss", "&Log-scale loss", w.loss_plot.set_log, checkable=True),
        Action("metrics", "Confusion matrix and &scores", w.show_metrics, ("Ctrl+M",),
               "The confusion matrix, precision and recall of every class (R² and mean "
               "absolute error for regression) instead of the output plot", checkable=True),
        Action("unit_contrast", "Per-unit &contrast in the graph",
               lambda on: w.renderer.set_per_unit_contrast(on),
               tip="Stretch every unit's thumbnail to its own range (more contrast; a nearly "
                   "constant unit then looks striped). Off: each activation's own scale.",
               checkable=True),
        None,
        Action("presentation", "&Presentation mode", stage.set_presenting, ("F5", "F11"),
               "Full screen, large type, thick lines", checkable=True),
        Menu("&Stage", [
            *[Action(f"stage_{k}", f"Show {layout.title[0].lower()}{layout.title[1:]}",
                     lambda key=layout.key: w.stage.show(key), (str(k),),
                     "What presentation mode shows large")
              for k, layout in enumerate(STAGES, 1)],
            None,
            Action("lesson_card", "&Lesson card on stage", w.stage.toggle_card, ("L",),
                   "Show or hide the lesson card along the bottom of the stage"),
        ]),
        Action("teacher_console", "Teacher's &console", w.console.set_open, ("Ctrl+T",),
               "A second window with the controls and the lesson; the projector shows "
               "the stage only", checkable=True),
        Action("zoom_in", "Zoom graph &in", lambda: stage.zoom_graph(1.2), ("+", "=", "Ctrl++")),
        Action("zoom_out", "Zoom graph &out", lambda: stage.zoom_graph(1 / 1.2), ("-", "Ctrl+-")),
        Menu("&Theme", [
            Action(f"theme_{name}", name.capitalize() + (" (high contrast)"
                                                         if name == "projector" else ""),
                   lambda _on=True, n=name: stage.set_theme(n), checkable=True,
                   checked=name == "light")
            for name in colors.THEMES]),
    ])
