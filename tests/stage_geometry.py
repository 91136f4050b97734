"""Geometry checks of presentation mode, shared by the in-process tests and the high-DPI
subprocess (tests/test_gui_stage_geometry.py).

``present_at(window, size)`` shows the window presenting at ``size`` (as a screenshot does:
not full screen, that size); ``stage_problems(window)`` lists what would let a classroom down:
a window larger than asked or with a minimum above 1024 × 700, an on-stage view smaller than
its minimum, a label or button whose text does not fit (elided or clipped), a lesson card that
must scroll, a matrix of a 4-sample batch not shown whole, a loss plot under a quarter of the
screen's height, or type smaller than the height's 45th.
"""
from __future__ import annotations

from PySide6.QtWidgets import (QAbstractButton, QApplication, QLabel, QScrollArea, QStatusBar,
                               QWidget)

MAX_MINIMUM = (1024, 700)


def settle(app, rounds: int = 4) -> None:
    for _ in range(rounds):
        app.processEvents()


def present_at(window, size: tuple[int, int]) -> None:
    app = QApplication.instance()
    window.presentation.set_presenting(True)
    window.showNormal()
    window.resize(*size)
    settle(app)
    window.presentation.fit_now()
    window.render_now()
    settle(app)


def _in_scroll_area(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def text_problems(root: QWidget) -> list[str]:
    """Labels and buttons under ``root`` whose text does not fit their size."""
    problems = []
    for label in root.findChildren(QLabel):
        if not label.isVisible() or not label.text() or isinstance(label.parentWidget(),
                                                                   QStatusBar):
            continue
        rect = label.contentsRect()
        if label.wordWrap():
            need = label.heightForWidth(rect.width())
            if need > rect.height() + 2 and not _in_scroll_area(label):
                problems.append(f"label {label.text()[:40]!r} needs {need} px height, has "
                                f"{rect.height()}")
        elif label.sizeHint().width() > label.width() + 1:
            problems.append(f"label {label.text()[:40]!r} needs {label.sizeHint().width()} px, "
                            f"has {label.width()}")
    for button in root.findChildren(QAbstractButton):
        if button.isVisible() and button.text() and button.sizeHint().width() > button.width() + 1:
            problems.append(f"button {button.text()!r} needs {button.sizeHint().width()} px, "
                            f"has {button.width()}")
    return problems


def stage_problems(window, size: tuple[int, int]) -> list[str]:
    from backprop_lab.gui.views.step_inspector import VISIBLE_ROWS

    problems = []
    width, height = size
    if (window.width(), window.height()) != size:
        problems.append(f"window is {window.width()}×{window.height()}, not {width}×{height}")
    minimum = window.minimumSizeHint().expandedTo(window.minimumSize())
    if minimum.width() > MAX_MINIMUM[0] or minimum.height() > MAX_MINIMUM[1]:
        problems.append(f"window minimum {minimum.width()}×{minimum.height()}")
    stage = window.stage
    views = stage.views()
    on_stage = [views[name] for name in stage.current.views]
    if stage.card_on_stage:
        on_stage.append(window.lesson_card)
        bar = window.lesson_card.scroll.verticalScrollBar()
        if bar.maximum() > 0:
            problems.append(f"the lesson card scrolls ({bar.maximum()} px)")
    for view in on_stage:
        need = view.minimumSizeHint().expandedTo(view.minimumSize())
        if not view.isVisibleTo(window):
            problems.append(f"{type(view).__name__} is on stage but hidden")
        elif view.width() < need.width() or view.height() < need.height():
            problems.append(f"{type(view).__name__} is {view.width()}×{view.height()}, needs "
                            f"{need.width()}×{need.height()}")
    problems += text_problems(stage.page)
    problems += text_problems(window.statusBar())
    if "loss" in stage.current.views:
        plot = window.loss_plot
        if plot.height() < height / 4:
            problems.append(f"loss plot {plot.height()} px tall on a {height} px screen")
        curves = plot.loss.getViewBox().sceneBoundingRect().height()
        if curves < height / 10:
            problems.append(f"loss curves {curves:.0f} px tall on a {height} px screen")
    if "inspector" in stage.current.views:
        for view in window.step_inspector.views:
            table = view.table
            if (view.isVisible() and table.rowCount() <= VISIBLE_ROWS
                    and table.verticalScrollBar().maximum() > 0):
                problems.append(f"matrix {view.caption.text()[:30]!r} not shown whole")
    pixels = QApplication.font().pointSizeF() * window.logicalDpiY() / 72
    if pixels < height / 45 - 0.5:
        problems.append(f"type {pixels:.1f} px on a {height} px screen")
    return problems


def main() -> None:
    """The high-DPI subprocess: three lessons at one screen's logical size (argv[1])."""
    import sys

    from backprop_lab.gui.model.config import Config
    from backprop_lab.gui.window.main_window import MainWindow

    QApplication.instance() or QApplication([])
    width, height = (int(v) for v in sys.argv[1].split("x"))
    window = MainWindow(Config())
    window.show()
    failures = []
    for case in CASES:
        open_case(window, case)
        present_at(window, (width, height))
        failures += [f"{case}: {p}" for p in stage_problems(window, (width, height))]
    ratio = window.devicePixelRatioF()
    grab = window.grab()
    print(f"device pixel ratio {ratio}, picture {grab.width()}×{grab.height()}")
    print("\n".join(failures) or "stage ok")


def open_lesson(window, name: str) -> None:
    """Open the shipped lesson whose file name contains ``name`` (lessons are renumbered as
    the story grows; their names stay)."""
    from backprop_lab.gui.model.lessons import list_lessons
    found = [k for k, lesson in enumerate(list_lessons()) if name in str(lesson.path)]
    assert found, f"no shipped lesson named like {name!r}"
    window.lessons.goto(found[0])


#: The three lessons checked at every size: a backward phase, spirals, digits.
CASES = ("one-step-backward", "spirals", "digits")


def open_case(window, case: str) -> None:
    """Open one of :data:`CASES` on ``window`` (digits: the lesson if one ships, else the
    digits data with a hidden layer)."""
    from backprop_lab.gui.model.lessons import list_lessons

    window.view_state.interrupt()
    if case == "one-step-backward":
        open_lesson(window, "one-step-phase-by-phase")
        while not (window.stepper.current is not None
                   and window.stepper.current.name == "backward"
                   and window.stepper.current.layer == 0):
            window.step_phase()
    elif case == "spirals":
        open_lesson(window, "spirals-need-capacity")
        window.controller.session.run(30)
    else:
        digits = [k for k, lesson in enumerate(list_lessons())
                  if lesson.config.dataset == "digits"]
        if digits:
            window.lessons.goto(digits[0])
        else:
            window.controller.apply(dataset="digits", hidden=[16], activations=["tanh"],
                                    loss="cross_entropy")
        window.controller.session.run(3)


if __name__ == "__main__":
    main()
