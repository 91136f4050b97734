"""Keyboard-only use and screen readers: every control reachable by Tab with a visible focus
ring, accessible names and descriptions (read through Qt's QAccessible interfaces), a live
status line, a whole lesson with no mouse event, and text contrast ≥ 7:1 on the stage in the
projector theme at every size."""
import re

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAccessible, QColor, QPalette
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QTabBar, QWidget

from backprop_lab.engine.training.history import History
from backprop_lab.gui.model.config import Config
from backprop_lab.gui.model.lessons import list_lessons, load_lesson
from backprop_lab.gui.style import colors
from backprop_lab.gui.window import accessibility
from backprop_lab.gui.window.accessibility import VIEW_NAMES, accessible_text, needs_name
from tests.stage_geometry import open_lesson, present_at
from tests.test_gui_stage import write_lesson

pytestmark = pytest.mark.gui
CONFIG = Config(dataset="xor", hidden=[4], activations=["tanh"])


@pytest.fixture(scope="module")
def shared_window(qapp):
    from backprop_lab.gui.window.main_window import MainWindow
    window = MainWindow(CONFIG)
    window.resize(1280, 720)
    window.show()
    yield window
    window.presentation.set_presenting(False)
    window.presentation.set_theme("light")
    window.close()
    window.deleteLater()


@pytest.fixture
def window(shared_window, qtbot):
    w = shared_window
    w.presentation.set_presenting(False)
    w.presentation.set_theme("light")
    w.view_state.interrupt()
    w.controller.load(CONFIG, CONFIG.build_session(), checkpoint="the next test")
    w.lessons.lessons = list_lessons()
    w.lessons.index = -1
    w.lesson_card.dismiss()
    w.stage.show("graph+output+loss")
    w.resize(1280, 720)
    w.activateWindow()
    w.network_view.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is w.network_view, timeout=20000)
    yield w
    w.loop.pause()


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(QApplication.focusWidget(), key, modifier)


def tabbable(window) -> list[QWidget]:
    """Widgets of ``window`` that are shown, enabled and take the focus by Tab."""
    ring = window.access.ring(window)
    return [w for w in window.findChildren(QWidget)
            if w.isVisible() and w.isEnabled() and w is not ring and w.window() is window
            and w.focusPolicy().value & Qt.FocusPolicy.TabFocus.value
            and w.focusProxy() is None]


def tab_around(window, qtbot, limit=400) -> list[QWidget]:
    """Press Tab from the graph until the focus comes back to it; the widgets visited."""
    seen = []
    for _ in range(limit):
        press(qtbot, Qt.Key.Key_Tab)
        widget = QApplication.focusWidget()
        if widget is window.network_view:
            return seen
        seen.append(widget)
    last = [type(w).__name__ for w in seen[-5:]]
    raise AssertionError(f"Tab never came back to the graph; last: {last}")


class MouseCounter(QObject):
    KINDS = (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease,
             QEvent.Type.MouseButtonDblClick, QEvent.Type.MouseMove, QEvent.Type.Wheel)

    def __init__(self):
        super().__init__()
        self.count = 0

    def eventFilter(self, watched, event) -> bool:
        if event.type() in self.KINDS:
            self.count += 1
        return False


# ---------------------------------------------------------------------- Tab and the ring
@pytest.mark.parametrize("presenting", [False, True], ids=["window", "stage"])
def test_every_control_is_reached_by_tab(window, qtbot, presenting):
    open_lesson(window, "hidden-layer-learns-xor")
    if presenting:
        present_at(window, (1280, 720))
    window.network_view.setFocus()
    expected = tabbable(window)
    assert len(expected) > (12 if presenting else 40)
    seen = tab_around(window, qtbot)
    missed = [f"{type(w).__name__} {accessible_text(w)!r}" for w in expected
              if w not in seen and w is not window.network_view]
    assert missed == []


def test_space_on_a_tabbed_to_switcher_button_chooses_its_stage(window, qtbot):
    present_at(window, (1280, 720))
    button = window.stage.buttons[5]
    button.setFocus(Qt.FocusReason.TabFocusReason)
    press(qtbot, Qt.Key.Key_Space)
    assert window.stage.current.key == "graph+loss"
    assert button.isChecked() and not window.stage.buttons[4].isChecked()
    assert not window.loop.running                  # Space pressed the button, not Play


# ---------------------------------------------------------------------- names
@pytest.mark.parametrize("presenting", [False, True], ids=["window", "stage"])
def test_every_control_and_view_has_an_accessible_name_and_description(window, presenting):
    open_lesson(window, "one-step-phase-by-phase")
    window.step_phase()
    if presenting:
        present_at(window, (1280, 720))
    unnamed = []
    # Every control, and whatever else Tab lands on; a control's own parts (a spin box's
    # text field, a table's headers) are read through the control.
    for widget in tabbable(window) + [w for w in window.findChildren(QWidget)
                                      if needs_name(w) and w.isVisible()]:
        interface = QAccessible.queryAccessibleInterface(widget)
        # A tab bar is read tab by tab: each tab has the name and the description.
        parts = ([interface.child(k) for k in range(widget.count())]
                 if isinstance(widget, QTabBar) else [interface])
        for part in parts:
            for role in (QAccessible.Text.Name, QAccessible.Text.Description):
                if not part.text(role).strip():
                    unnamed.append(f"{type(widget).__name__} {part.text(QAccessible.Text.Name)!r}"
                                   f" ({role.name}): {widget.toolTip()!r}")
    assert unnamed == []
    for attribute, (name, _text) in VIEW_NAMES.items():
        view = getattr(window, attribute)
        assert accessible_text(view) == name
        assert accessible_text(view, QAccessible.Text.Description)


def test_try_buttons_made_later_are_named_and_tab_only(window, tmp_path):
    path = write_lesson(tmp_path, try_buttons=[{"label": "rate 0.3",
                                                "set": {"learning_rate": 0.3}}])
    window.lessons.open_spec(path)
    button = window.lesson_card.try_buttons[0]
    assert accessible_text(button) == "Try rate 0.3"
    assert "learning rate 0.3" in accessible_text(button, QAccessible.Text.Description)
    assert button.focusPolicy() == Qt.FocusPolicy.TabFocus


# ---------------------------------------------------------------------- the status line
def test_the_status_line_says_where_training_stands_and_is_announced(window, monkeypatch):
    said = []
    monkeypatch.setattr(accessibility, "announce", lambda widget, text: said.append(text))
    window.controller.session.run(120)
    window.render_now()
    line = window.access.status_line
    line.refresh()
    assert re.fullmatch(r"epoch 120, loss \d\.?\d*(e-\d+)?, accuracy \d{1,3} %, "
                        r"(no dead units|\d+ dead units?)", line.text()), line.text()
    assert accessible_text(line) == line.text()                  # what a screen reader reads
    assert "Training status" in accessible_text(line, QAccessible.Text.Description)
    assert said[-1] == line.text()
    line.refresh()                                               # nothing new: not said again
    assert said.count(line.text()) == 1


def test_the_status_line_of_a_past_epoch_gives_that_epochs_numbers(window):
    session = window.controller.session
    session.run(120)
    latest = f"{session.history.latest['train_loss']:.2g}"
    # A kept epoch whose loss reads differently from the latest (training lowers the loss).
    past = next(int(e) for e in session.timeline.epochs()
                if f"{session.history.row_at(e)['train_loss']:.2g}" != latest)
    window.view_state.show_epoch(past)
    window.access.status_line.refresh()
    text = window.access.status_line.text()
    row = session.history.row_at(past)
    assert row["epoch"] == past                                 # 120 epochs: every row kept
    assert text.startswith(f"showing epoch {past} of 120, loss {row['train_loss']:.2g},")


def test_the_status_line_says_when_the_record_is_of_an_earlier_epoch(window):
    session = window.controller.session
    # A history of 16 rows, thinned out within 60 epochs (the window keeps 4,096).
    session.history = History(session.history.columns[1:], capacity=16)
    session.run(60)
    rows = {int(e): session.history.row_at(e) for e in session.timeline.epochs()}
    between = next(e for e, row in rows.items() if row and row["epoch"] != e)
    window.view_state.show_epoch(between)
    window.access.status_line.refresh()
    recorded = int(session.history.row_at(between)["epoch"])
    assert f"(at epoch {recorded:,})" in window.access.status_line.text()


def test_the_status_line_counts_dead_units(window):
    open_lesson(window, "dead-relus")
    window.network_view.set_diagnosis({(1, 0), (1, 3), (2, 5)}, {})
    window.access.status_line.refresh()
    assert window.access.status_line.text().endswith(", 3 dead units")


def test_announcements_reach_qt_accessibility(window):
    # The real event is built and sent (no screen reader listens in the tests).
    accessibility.announce(window.access.status_line, "epoch 3, loss 0.5")


# ---------------------------------------------------------------------- a lesson by keys
def test_a_whole_lesson_by_keyboard_with_no_mouse_event(window, qtbot, tmp_path):
    window.lessons.lessons = [load_lesson(write_lesson(tmp_path, try_buttons=[
        {"label": "rate 0.3", "set": {"learning_rate": 0.3}}])), *list_lessons()[1:3]]
    mice = MouseCounter()
    QApplication.instance().installEventFilter(mice)
    try:
        press(qtbot, Qt.Key.Key_N)                              # open the first lesson
        assert window.lessons.index == 0 and window.lesson_card.isVisible()
        press(qtbot, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
        press(qtbot, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
        assert window.stepper.current.name == "forward"
        press(qtbot, Qt.Key.Key_Right)                          # step an epoch
        assert window.controller.session.epoch >= 1
        press(qtbot, Qt.Key.Key_Space)                          # play
        qtbot.waitUntil(lambda: window.controller.session.epoch >= 5, timeout=20000)
        press(qtbot, Qt.Key.Key_Space)                          # pause
        assert not window.loop.running
        press(qtbot, Qt.Key.Key_F5)                             # on stage
        press(qtbot, Qt.Key.Key_3)
        assert window.stage.current.key == "output+loss"
        try_button = window.lesson_card.try_buttons[0]
        for _ in range(200):                                    # Tab to the try button
            if QApplication.focusWidget() is try_button:
                break
            press(qtbot, Qt.Key.Key_Tab)
        press(qtbot, Qt.Key.Key_Space)                          # Space presses it
        assert window.controller.session.learning_rate == 0.3
        for _ in range(200):                                    # Tab to Next, press it
            if QApplication.focusWidget() is window.lesson_card.next:
                break
            press(qtbot, Qt.Key.Key_Tab)
        press(qtbot, Qt.Key.Key_Space)
        assert window.lessons.index == 1
        assert not window.loop.running                          # Space pressed, not played
        window.network_view.setFocus()                          # (Tab came from there)
        press(qtbot, Qt.Key.Key_N)                              # next by its key
        assert window.lessons.index == 2
        press(qtbot, Qt.Key.Key_Escape)
        assert not window.presentation.presenting
    finally:
        QApplication.instance().removeEventFilter(mice)
    assert mice.count == 0


# ---------------------------------------------------------------------- contrast
def _text_colors(widget: QWidget) -> list[QColor]:
    found = [widget.palette().color(widget.foregroundRole())]
    text = widget.text() if isinstance(widget, (QLabel, QAbstractButton)) else ""
    found += [QColor(c) for c in re.findall(r"color:\s*(#[0-9a-fA-F]{6})", text)]
    return found


def _rgb(color: QColor) -> tuple[int, int, int]:
    return color.red(), color.green(), color.blue()


@pytest.mark.parametrize("size", [(1024, 768), (1280, 720), (1280, 800), (1920, 1080)],
                         ids=lambda s: f"{s[0]}x{s[1]}")
def test_stage_text_contrast_is_at_least_7_to_1_in_the_projector_theme(window, size):
    """Every enabled text on stage (labels, buttons, rich-text colors, plot axes and legends,
    the graph's painted text) against its background.  Disabled controls are exempt, as in
    WCAG: they read as disabled by being fainter."""
    open_lesson(window, "one-step-phase-by-phase")
    window.presentation.set_theme("projector")
    present_at(window, size)
    theme = colors.PROJECTOR
    low = []
    page = window.stage.page
    for widget in [page, *page.findChildren(QWidget)]:
        if not (widget.isVisible() and widget.isEnabled()
                and isinstance(widget, (QLabel, QAbstractButton)) and widget.text()):
            continue
        background = widget.palette().color(QPalette.ColorRole.Window)
        if isinstance(widget, QAbstractButton):
            background = widget.palette().color(QPalette.ColorRole.Button)
        for color in _text_colors(widget):
            ratio = colors.contrast_ratio(_rgb(color), _rgb(background))
            if ratio < 7:
                low.append(f"{widget.text()[:30]!r}: {ratio:.1f}")
    for item, plot in window.presentation.plots():
        background = plot.backgroundBrush().color()
        for name in ("left", "bottom"):
            pen = item.getAxis(name).textPen().color()
            assert colors.contrast_ratio(_rgb(pen), _rgb(background)) >= 7
    for role in ("text", "muted", "highlight"):                  # the graph's painted text
        assert colors.contrast_ratio(getattr(theme, role), theme.background) >= 7, role
    assert low == []
