"""Classroom features: presentation mode, themes, colorblind safety, shortcuts, lessons."""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from backprop_lab.gui.style import colors
from backprop_lab.gui.model.config import Config
from backprop_lab.gui.window.main_window import MainWindow

pytestmark = pytest.mark.gui
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def window(qtbot):
    w = MainWindow(Config(dataset="moons", hidden=[4], activations=["tanh"]))
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.presentation.set_presenting(False)
    w.presentation.set_theme("light")


def test_presentation_mode_enlarges_text_thickens_lines_and_hides_panels(window, qtbot):
    normal_size = QApplication.font().pointSizeF()
    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert window.presentation.presenting and window.isFullScreen()
    qtbot.waitUntil(lambda: not window.presentation._fit_pending, timeout=20000)
    # Type for the room: the screen's height in 45 lines (24 pixels at 1080 lines).
    pixels = QApplication.font().pointSizeF() * window.logicalDpiY() / 72
    assert pixels == pytest.approx(round(window.height() / 45), abs=0.01)
    assert QApplication.font().pointSizeF() > normal_size
    assert window.network_view.line_scale >= 2.0
    assert not window.panels.isVisible() and not window.graph_bar.isVisible()
    assert not window.menuBar().isVisible()
    assert window.network_view.isVisible() and window.boundary.isVisible()
    window.render_now()
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert not window.presentation.presenting and not window.isFullScreen()
    assert QApplication.font().pointSizeF() == pytest.approx(normal_size)
    assert window.panels.isVisible()


def test_f11_also_toggles_presentation(window, qtbot):
    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert window.presentation.presenting
    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert not window.presentation.presenting


@pytest.mark.parametrize("name", ["light", "dark", "projector"])
def test_themes_apply_to_the_whole_window(window, name):
    window.presentation.set_theme(name)
    theme = colors.THEMES[name]
    palette = QApplication.palette()
    assert palette.color(QPalette.ColorRole.Window).getRgb()[:3] == theme.panel
    assert palette.color(QPalette.ColorRole.Text).getRgb()[:3] == theme.text
    assert window.network_view.theme is theme and window.boundary.theme is theme
    background = window.boundary.plot.backgroundBrush().color().getRgb()[:3]
    assert background == theme.background
    window.render_now()
    assert window.actions["theme_" + name].isChecked()


def test_projector_theme_text_contrast_is_at_least_7_to_1(window):
    window.presentation.set_theme("projector")
    palette = QApplication.palette()
    text = palette.color(QPalette.ColorRole.WindowText).getRgb()[:3]
    for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base):
        assert colors.contrast_ratio(text, palette.color(role).getRgb()[:3]) >= 7.0
    theme = colors.PROJECTOR
    for text_color in (theme.positive_text, theme.negative_text):
        rgb = tuple(int(text_color[i:i + 2], 16) for i in (1, 3, 5))
        assert colors.contrast_ratio(rgb, theme.background) >= 7.0


# Machado, Oliveira & Fernandes (2009), severity 1.0, applied to linear RGB.
CVD = {
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
}


def simulate(rgb, kind):
    c = np.asarray(rgb, dtype=float) / 255
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    seen = np.clip(CVD[kind] @ linear, 0, 1)
    return np.where(seen <= 0.0031308, seen * 12.92, 1.055 * seen ** (1 / 2.4) - 0.055) * 255


def lab(rgb):
    c = np.asarray(rgb, dtype=float) / 255
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                    [0.0193, 0.1192, 0.9505]]) @ linear / np.array([0.9505, 1.0, 1.089])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


@pytest.mark.parametrize("kind", list(CVD))
def test_diverging_ends_stay_distinct_under_color_blindness(kind):
    a, b = simulate(colors.NEGATIVE, kind), simulate(colors.POSITIVE, kind)
    assert np.linalg.norm(lab(a) - lab(b)) > 40          # ΔE*ab: clearly different colors
    # ...and both stay distinct from the neutral middle of the scale.
    for end in (a, b):
        assert np.linalg.norm(lab(end) - lab(simulate(colors.LIGHT.neutral, kind))) > 30


@pytest.mark.parametrize("kind", list(CVD))
def test_class_colors_stay_distinct_under_color_blindness(kind):
    palette = colors.class_colors(4)
    seen = [lab(simulate(c, kind)) for c in palette]
    for i in range(len(seen)):
        for j in range(i + 1, len(seen)):
            assert np.linalg.norm(seen[i] - seen[j]) > 15, (i, j)


def test_every_training_action_has_its_shortcut(window, qtbot):
    session = window.controller.session
    qtbot.keyClick(window, Qt.Key.Key_PageDown)
    assert session.epoch == 1
    qtbot.keyClick(window, Qt.Key.Key_Right)
    assert session.epoch == 2
    qtbot.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert window.stepper.current.name == "forward"
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.loop.running
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.keyClick(window, Qt.Key.Key_R)
    assert window.controller.session.epoch == 0
    zoom = window.network_view.zoom
    qtbot.keyClick(window, Qt.Key.Key_Plus)
    assert window.network_view.zoom > zoom
    qtbot.keyClick(window, Qt.Key.Key_Minus)
    qtbot.keyClick(window, Qt.Key.Key_Minus)
    assert window.network_view.zoom < zoom


def test_zoom_changes_the_unit_size(window, qtbot):
    before = window.network_view.unit_rect(1, 0).width()
    window.presentation.zoom_graph(0.6)
    assert window.network_view.unit_rect(1, 0).width() < before


def test_f1_lists_all_shortcuts(window, qtbot):
    qtbot.keyClick(window, Qt.Key.Key_F1)
    overlay = window.overlay
    assert overlay.isVisible()
    text = overlay.label.text()
    for key in ("Space", "Right", "PgDown", "Shift+Right", "R", "F5", "F11", "Esc", "F1", "?",
                "N", "P", "Ctrl+G", "1", "8", "L", "Ctrl+T", "Tab"):
        assert f"<b>{key}" in text or f" or {key}" in text, key
    # Centered over the whole window (not stuck to its left edge), and following it.
    assert overlay.geometry() == window.rect()
    assert "<table align='center'>" in text
    assert overlay.label.alignment() & Qt.AlignmentFlag.AlignHCenter
    window.resize(1100, 700)
    assert overlay.geometry() == window.rect()
    qtbot.keyClick(overlay, Qt.Key.Key_A)
    assert not overlay.isVisible()


def test_lessons_open_from_the_menu_and_advance_with_the_keyboard(window, qtbot):
    assert len(window.lessons.lessons) >= 15
    window.lessons.goto(2)
    card = window.lesson_card
    assert card.isVisible() and card.title.text().startswith("Hand-set weights")
    session = window.controller.session
    assert session.network.sizes == [2, 2, 1]
    assert session.evaluate()["accuracy"] == 1.0
    assert session.history.latest["train_accuracy"] == 1.0
    qtbot.keyClick(window, Qt.Key.Key_N)
    assert window.lessons.index == 3 and card.title.text().startswith("A hidden layer")
    qtbot.keyClick(window, Qt.Key.Key_P)
    qtbot.keyClick(window, Qt.Key.Key_P)
    assert window.lessons.index == 1
    qtbot.mouseClick(card.next, Qt.MouseButton.LeftButton)
    assert window.lessons.index == 2


def test_a_bad_lesson_file_is_refused_and_the_session_kept(window, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "backprop-lab-lesson", "version": 1}', encoding="utf-8")
    session = window.controller.session
    assert not window.lessons.open_spec(bad)
    assert window.controller.session is session
    assert "title" in window.statusBar().currentMessage()


def test_start_screen_lists_the_lessons(window, qtbot):
    from backprop_lab.gui.dialogs.start_screen import StartScreen
    screen = StartScreen(window.lessons.lessons)
    qtbot.addWidget(screen)
    assert screen.list.count() == len(window.lessons.lessons)
    screen.list.setCurrentRow(4)
    screen._open()
    assert screen.chosen == 4


@pytest.mark.parametrize("theme,size", [("projector", "1920x1080"), ("dark", "1280x720")])
def test_lesson_in_presentation_mode_renders_from_the_command_line(tmp_path, theme, size):
    out = tmp_path / "pres.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "BACKPROP_LAB_SETTINGS": "ephemeral"}
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--lesson",
         str(ROOT / "resources/lessons/04-hidden-layer-learns-xor.json"), "--presentation",
         "--theme", theme, "--screenshot", str(out), "--size", size],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    from tests.test_cli import png_size
    assert png_size(out) == tuple(int(v) for v in size.split("x"))
