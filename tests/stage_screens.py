"""The teacher's console on two screens, run in its own process (Qt picks its platform and
screens at start): ``python -m tests.stage_screens`` under Xvfb with two screens, or with
Qt's offscreen platform configured with two (tests/test_gui_stage_console.py).

It opens a lesson, opens the console and checks that the console stays on the first screen
(the teacher's) while the window goes full screen on the second (the projector) showing the
stage only; then it drives the lesson from the console's buttons.  Prints one line per
failure, then "two screens ok" if there was none.
"""
from __future__ import annotations

import time


def main() -> None:
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from backprop_lab.gui.model.config import Config
    from backprop_lab.gui.window.main_window import MainWindow

    app = QApplication.instance() or QApplication([])

    def settle(seconds: float = 0.1) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.01)

    def wait_until(condition, seconds: float = 15.0) -> None:
        """Events processed until ``condition()`` holds (a busy machine maps windows late)."""
        end = time.monotonic() + seconds
        while not condition() and time.monotonic() < end:
            app.processEvents()
            time.sleep(0.01)

    failures = []

    def check(ok: bool, what: str) -> None:
        if not ok:
            failures.append(what)

    screens = QGuiApplication.screens()
    check(len(screens) == 2, f"{len(screens)} screens, not 2")
    laptop, projector = screens[0], screens[-1]
    window = MainWindow(Config())
    window.winId()
    window.windowHandle().setScreen(laptop)
    window.setGeometry(laptop.availableGeometry().adjusted(0, 0, -100, -100))
    window.show()
    settle()
    from tests.stage_geometry import open_lesson
    open_lesson(window, "hidden-layer-learns-xor")
    first = window.lessons.index
    window.console.set_open(True)
    console = window.console.view
    wait_until(lambda: console.isVisible() and window.screen() is projector
               and window.geometry() == projector.geometry())
    settle()
    check(console.isVisible(), "the console is not shown")
    check(console.screen() is laptop, f"the console is on {console.screen().name()}")
    check(window.screen() is projector, f"the stage is on {window.screen().name()}")
    check(window.geometry() == projector.geometry(),
          f"the stage covers {window.geometry()}, not {projector.geometry()}")
    check(window.presentation.presenting, "not presenting")
    stage_only = not (window.transport.isVisible() or window.lesson_card.isVisible()
                      or window.stage.switcher.isVisible() or window.menuBar().isVisible())
    check(stage_only, "the projected window shows more than the stage")
    check(window.network_view.isVisible() and window.loss_plot.isVisible(),
          "the stage's views are not shown")
    pixels = QApplication.font().pointSizeF() * window.logicalDpiY() / 72
    check(abs(pixels - projector.geometry().height() / 45) <= 0.5,
          f"stage type {pixels:.1f} px on a {projector.geometry().height()}-line projector")
    check(console.card.title.text() == window.lesson_card.lesson.title,
          "the console shows another lesson")
    following = window.lessons.lessons[window.lessons.index + 1].title
    check("Up next" in console.up_next.text() and following in console.up_next.text(),
          "the console does not say what comes next")
    console.transport.play_button.click()
    settle(0.3)
    check(window.loop.running, "Play in the console did not play")
    console.transport.play_button.click()
    settle()
    check(not window.loop.running, "Pause in the console did not pause")
    console.stages[3].click()
    settle()
    check(window.stage.current.key == "output+loss", "the console's stage buttons do nothing")
    console.card.next.click()
    settle()
    following = window.lessons.lessons[first + 1].title
    check(window.lessons.index == first + 1 and console.card.title.text() == following,
          "Next in the console did not open the next lesson everywhere")
    console.edges.setCurrentIndex(console.edges.findData("gradient"))
    check(window.view_state.edge_mode == "gradient", "the console's edge box does nothing")
    console.close()
    wait_until(lambda: not window.presentation.presenting and window.isVisible()
               and window.screen() is laptop)
    check(not window.presentation.presenting and not console.isVisible(),
          "closing the console did not end presenting")
    check(window.screen() is laptop, f"the window came back on {window.screen().name()}")
    print("\n".join(failures) or "two screens ok", flush=True)
    window.close()
    window.deleteLater()
    settle()


if __name__ == "__main__":
    main()
