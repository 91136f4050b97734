"""Presentation mode fits every projector: each on-stage view at least its minimum size, no
label or button cut short, the window no larger than the screen and its minimum at most
1024 × 700 — every lesson at 1280 × 720 (as opened, and at its first phase), and three lessons
(a backward phase of "one step, phase by phase", spirals, digits) at 1024 × 768, 1280 × 720,
1280 × 800, 1920 × 1080 and 3840 × 2160 at scale 2.  One window serves every case."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QPushButton, QWidget

from backprop_lab.gui.model.config import Config
from backprop_lab.gui.model.lessons import list_lessons
from tests.stage_geometry import (CASES, open_case, open_lesson, present_at, stage_problems,
                                   text_problems)

pytestmark = pytest.mark.gui
ROOT = Path(__file__).resolve().parent.parent
SIZES = [(1024, 768), (1280, 720), (1280, 800), (1920, 1080)]


@pytest.fixture(scope="module")
def stage_window(qapp):
    from backprop_lab.gui.window.main_window import MainWindow
    window = MainWindow(Config())
    window.show()
    yield window
    window.presentation.set_presenting(False)
    window.presentation.set_theme("light")
    window.close()
    window.deleteLater()


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_three_lessons_fit_every_projector(stage_window, case, size):
    open_case(stage_window, case)
    present_at(stage_window, size)
    assert stage_problems(stage_window, size) == []


@pytest.mark.parametrize("index", range(len(list_lessons())))
def test_every_lesson_fits_1280_by_720_as_opened_and_at_its_first_phase(stage_window, index):
    stage_window.view_state.interrupt()
    stage_window.lessons.goto(index)
    present_at(stage_window, (1280, 720))
    assert stage_problems(stage_window, (1280, 720)) == []
    stage_window.step_phase()
    present_at(stage_window, (1280, 720))
    assert "inspector" in stage_window.stage.current.views
    assert stage_problems(stage_window, (1280, 720)) == []


@pytest.mark.parametrize("size", [(1024, 768), (1280, 720)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_diagnosis_banner_takes_its_room_from_the_views_not_the_card(stage_window, size):
    stage_window.view_state.interrupt()
    open_lesson(stage_window, "learning-rate-too-high")
    present_at(stage_window, size)
    stage_window.controller.session.run(30)                  # diverges: a banner appears
    stage_window.render_now()
    QApplication.processEvents()
    QApplication.processEvents()
    assert stage_window.banner.isVisible() and stage_window.banner.lower_rate.isVisible()
    assert stage_problems(stage_window, size) == []


def test_type_is_24_pixels_at_1080_lines_and_proportional_at_720(stage_window):
    open_case(stage_window, "spirals")
    for (width, height), pixels in (((1920, 1080), 24), ((1280, 720), 16)):
        present_at(stage_window, (width, height))
        assert QApplication.font().pixelSize() == -1          # sized in points, as Qt's own
        shown = QApplication.font().pointSizeF() * stage_window.logicalDpiY() / 72
        assert shown == pytest.approx(pixels, abs=0.01)
        formula = stage_window.step_inspector.formula
        assert formula.fontInfo().pixelSize() >= pixels          # formulas not smaller


def test_the_window_minimum_stays_small_in_every_mode_and_phase(stage_window, qapp):
    window = stage_window
    window.presentation.set_presenting(False)
    open_lesson(window, "one-step-phase-by-phase")
    window.resize(1024, 700)
    for _ in range(window.stepper.phases_per_step + 1):
        window.step_phase()
        qapp.processEvents()
        minimum = window.minimumSizeHint().expandedTo(window.minimumSize())
        assert minimum.width() <= 1024 and minimum.height() <= 700, window.stepper.describe()
    assert (window.width(), window.height()) == (1024, 700)


def test_the_checks_catch_cut_text(qtbot):
    # The geometry tests would pass on anything if the checker saw nothing: a label and a
    # button narrower than their text must be reported.
    box = QWidget()
    qtbot.addWidget(box)
    row = QHBoxLayout(box)
    label, button = QLabel("a label far too long for twenty pixels"), QPushButton("Resume here")
    for widget in (label, button):
        widget.setMinimumWidth(1)
        widget.setMaximumWidth(20)
        row.addWidget(widget)
    box.show()
    qtbot.waitExposed(box)
    problems = text_problems(box)
    assert any("label" in p for p in problems) and any("button" in p for p in problems)


def test_a_4k_screen_at_scale_2_fits_too(tmp_path):
    """3840 × 2160 pixels at device pixel ratio 2 (Qt's offscreen platform with two logical
    DPI): the stage is laid out at 1920 × 1080 and drawn at twice the pixels."""
    config = tmp_path / "uhd.json"
    config.write_text('{"screens": [{"name": "uhd", "x": 0, "y": 0, "width": 3840, '
                      '"height": 2160, "logicalDpi": 192, "logicalBaseDpi": 96}]}')
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}",
           "BACKPROP_LAB_SETTINGS": "ephemeral"}
    result = subprocess.run([sys.executable, "-m", "tests.stage_geometry", "1920x1080"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    assert "device pixel ratio 2.0, picture 3840×2160" in result.stdout
    assert result.stdout.strip().endswith("stage ok"), result.stdout
