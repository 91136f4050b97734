"""The teacher's console: a second window with the controls, the lesson, its try buttons and
what comes next, while the projected window shows the stage only — on two screens (Qt's
offscreen platform configured with two, and a real X server, Xvfb, with two) and on one
screen on request."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from backprop_lab.gui.model.config import Config
from backprop_lab.gui.model.lessons import list_lessons, load_lesson
from tests.test_gui_stage import write_lesson

pytestmark = pytest.mark.gui
ROOT = Path(__file__).resolve().parent.parent
TWO_SCREENS = ('{"screens": ['
               '{"name": "laptop", "x": 0, "y": 0, "width": 1280, "height": 720},'
               '{"name": "projector", "x": 1280, "y": 0, "width": 1920, "height": 1080}]}')


def run_two_screens(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tests.stage_screens"], cwd=ROOT,
                          env={**os.environ, "BACKPROP_LAB_SETTINGS": "ephemeral", **env},
                          capture_output=True, text=True, timeout=240)


def test_the_console_on_two_offscreen_screens(tmp_path):
    config = tmp_path / "screens.json"
    config.write_text(TWO_SCREENS)
    result = run_two_screens({"QT_QPA_PLATFORM": f"offscreen:configfile={config}"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("two screens ok"), result.stdout


@pytest.fixture
def xvfb_display():
    """A display number of a fresh Xvfb with a 1280×720 and a 1920×1080 screen."""
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed (apt-get install xvfb): the X11 two-screen "
                    "test needs it; the offscreen two-screen test ran instead")
    server = subprocess.Popen(["Xvfb", "-displayfd", "1", "-nolisten", "tcp",
                               "-screen", "0", "1280x720x24", "-screen", "1", "1920x1080x24"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        number = server.stdout.readline().strip()
        if not number.isdigit():
            pytest.skip("Xvfb did not start")
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=30)
        server.stdout.close()


def test_the_console_on_two_x11_screens(xvfb_display):
    probe = subprocess.run([sys.executable, "-c", "from PySide6.QtWidgets import QApplication;"
                            "QApplication([])"], env={**os.environ, "DISPLAY": xvfb_display,
                                                      "QT_QPA_PLATFORM": "xcb"},
                           capture_output=True, text=True, timeout=60)
    if probe.returncode != 0:
        pytest.skip("Qt's xcb platform does not load here (its X libraries are missing: see "
                    f".ci/run): {probe.stderr.strip().splitlines()[-1:]}")
    result = run_two_screens({"QT_QPA_PLATFORM": "xcb", "DISPLAY": xvfb_display})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("two screens ok"), result.stdout


@pytest.fixture
def window(make_window):
    w = make_window(Config(dataset="xor", hidden=[4], activations=["tanh"]), size=(1200, 700))
    yield w
    w.console.set_open(False)
    w.presentation.set_presenting(False)


def test_the_console_on_one_screen_on_request(window, qtbot, tmp_path):
    window.lessons.lessons = [load_lesson(write_lesson(tmp_path, try_buttons=[
        {"label": "rate 0.3", "set": {"learning_rate": 0.3}}])), *list_lessons()[1:3]]
    window.lessons.goto(0)
    qtbot.keyClick(window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    console = window.console.view
    assert window.console.open and console.isVisible() and window.presentation.presenting
    assert window.actions["teacher_console"].isChecked()
    assert not (window.transport.isVisible() or window.lesson_card.isVisible()
                or window.stage.switcher.isVisible())          # the stage only
    assert console.card.title.text() == "Rates" and "Up next" in console.up_next.text()
    # The console's type is for a desk, the stage's for the room.
    assert console.font().pointSizeF() < QApplication.font().pointSizeF()
    console.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is console, timeout=20000)
    qtbot.keyClick(console, Qt.Key.Key_Space)                 # the window's keys work here
    assert window.loop.running and console.transport.play_button.text() == "Pause"
    qtbot.mouseClick(console.transport.play_button, Qt.MouseButton.LeftButton)
    assert not window.loop.running
    qtbot.mouseClick(console.card.try_buttons[0], Qt.MouseButton.LeftButton)
    assert window.controller.session.learning_rate == 0.3
    qtbot.mouseClick(console.stages[2], Qt.MouseButton.LeftButton)
    assert window.stage.current.key == "graph+inspector"
    qtbot.mouseClick(console.card.next, Qt.MouseButton.LeftButton)
    assert window.lessons.index == 1
    assert console.card.title.text() == window.lessons.lessons[1].title
    qtbot.keyClick(console, Qt.Key.Key_Escape)                # Esc in the console ends it
    assert not window.console.open and not console.isVisible()
    assert not window.presentation.presenting and window.transport.isVisible()
    assert window.lesson_card.isVisible()


def test_the_console_opened_while_playing_shows_pause_and_follows_speed(window, qtbot):
    window.loop.play()
    window.console.set_open(True)
    console = window.console.view
    assert console.transport.play_button.text() == "Pause"        # what the window is doing
    window.transport.speed.setValue(2)                            # set on the main window
    assert console.transport.speed.value() == 2
    console.transport.speed.setValue(5)                           # set on the console
    assert window.transport.speed.value() == 5
    qtbot.mouseClick(console.transport.play_button, Qt.MouseButton.LeftButton)
    assert not window.loop.running and console.transport.play_button.text() == "Play"


def test_closing_the_console_keeps_presentation_mode_that_was_on_before(window):
    window.presentation.set_presenting(True)                       # F5 first
    window.console.set_open(True)
    window.console.set_open(False)
    assert window.presentation.presenting
    window.console.set_open(True)
    window.console.view.end_button.click()                        # "End presentation" ends it
    assert not window.console.open and not window.presentation.presenting
    window.presentation.set_presenting(True)
    window.console.set_open(True)
    window.presentation.set_presenting(False)                     # F5 in the console: the same
    assert not window.console.open and not window.presentation.presenting
    window.console.set_open(True)                                 # the console alone
    window.console.set_open(False)
    assert not window.presentation.presenting
