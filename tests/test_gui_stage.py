"""The stage: layouts chosen by number keys, the switcher or the lesson; views lent and given
back; "Try next" as buttons, read from a lesson file and applied through the controller."""
import json

import pytest
from PySide6.QtCore import Qt

from backprop_lab.gui.model.config import Config
from backprop_lab.gui.model.lessons import load_lesson
from backprop_lab.gui.model.stages import STAGE_KEYS, STAGES, stage_named, stage_with
from tests.stage_geometry import open_lesson, present_at

pytestmark = pytest.mark.gui

LESSON = {"format": "backprop-lab-lesson", "version": 1, "title": "Rates", "text": "Try them.",
          "look": "The loss.", "try": "A higher rate.",
          "config": {"dataset": "xor", "hidden": [4], "activations": ["tanh"],
                     "learning_rate": 0.03, "optimizer": "sgd", "batch_size": None}}


def write_lesson(tmp_path, name="lesson.json", **extra):
    path = tmp_path / name
    path.write_text(json.dumps({**LESSON, **extra}), encoding="utf-8")
    return path


CONFIG = Config(dataset="xor", hidden=[4], activations=["tanh"])


@pytest.fixture(scope="module")
def shared_window(qapp):
    from backprop_lab.gui.window.main_window import MainWindow
    window = MainWindow(CONFIG)
    window.resize(1280, 720)
    window.show()
    yield window
    window.presentation.set_presenting(False)
    window.close()
    window.deleteLater()


@pytest.fixture
def window(shared_window, qtbot):
    """One window for the module (a window takes seconds on a busy machine), set back to a
    fresh XOR session in the normal view before each test."""
    w = shared_window
    w.presentation.set_presenting(False)
    w.view_state.interrupt()
    w.controller.load(CONFIG, CONFIG.build_session(), checkpoint="the next test")
    w.lessons.index = -1
    w.lesson_card.dismiss()
    w.stage.show("graph+output+loss")
    w.stage.set_card_wanted(True)
    w.resize(1280, 720)
    w.activateWindow()
    w.network_view.setFocus()
    yield w
    w.loop.pause()


# ---------------------------------------------------------------------- choosing a stage
def test_number_keys_and_the_switcher_choose_what_is_on_stage(window, qtbot):
    present_at(window, (1280, 720))
    for number, stage in enumerate(STAGES, 1):
        qtbot.keyClick(window, getattr(Qt.Key, f"Key_{number}"))
        assert window.stage.current is stage
        assert window.stage.buttons[number].isChecked()
        on = [window.stage.views()[name] for name in stage.views]
        assert all(view.isVisible() and view.window() is window for view in on)
        others = set(window.stage.views().values()) - set(on)
        assert not any(view.isVisible() for view in others)
    window.stage.buttons[2].click()
    assert window.stage.current.key == "graph+inspector"
    assert window.stage.switcher.isVisible()


def test_l_hides_and_shows_the_lesson_card_on_stage(window, qtbot):
    open_lesson(window, "hidden-layer-learns-xor")
    present_at(window, (1280, 720))
    assert window.stage.card_on_stage
    qtbot.keyClick(window, Qt.Key.Key_L)
    assert not window.stage.card_on_stage and not window.lesson_card.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_L)
    assert window.stage.card_on_stage


def test_leaving_presentation_gives_every_view_back(window, qtbot):
    open_lesson(window, "hidden-layer-learns-xor")
    tabs = [window.tabs.widget(k) for k in range(window.tabs.count())]
    right = [window.right_splitter.widget(k) for k in range(window.right_splitter.count())]
    present_at(window, (1280, 720))
    for number in (2, 6, 7, 3):
        qtbot.keyClick(window, getattr(Qt.Key, f"Key_{number}"))
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert not window.presentation.presenting and window.menuBar().isVisible()
    assert [window.tabs.widget(k) for k in range(window.tabs.count())] == tabs
    assert [window.right_splitter.widget(k) for k in range(window.right_splitter.count())] == right
    assert window.center_splitter.widget(0) is window.graph_box
    assert window.body.isVisible() and not window.stage.page.isVisible()
    for view in (window.network_view, window.boundary, window.loss_plot, window.lesson_card,
                 window.transport, window.panels):
        assert view.isVisible() and view.window() is window
    assert window.banner.parentWidget() is window.graph_box


def test_stepping_a_phase_brings_the_step_inspector_on_stage(window, qtbot):
    present_at(window, (1280, 720))
    qtbot.keyClick(window, Qt.Key.Key_3)                       # output and loss
    qtbot.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert "inspector" in window.stage.current.views
    assert window.step_inspector.isVisible()
    assert window.step_inspector.title.text() == window.stepper.current.title


def test_a_lesson_opens_on_the_stage_it_names(window, tmp_path):
    path = write_lesson(tmp_path, stage="output+loss")
    present_at(window, (1280, 720))
    assert window.lessons.open_spec(path)
    assert window.stage.current.key == "output+loss"
    assert window.output_stack.isVisible() and window.loss_plot.isVisible()
    assert not window.network_view.isVisible()


def test_stage_names_are_checked():
    assert stage_named("graph+inspector").views == ("graph", "inspector")
    with pytest.raises(ValueError, match="no stage 'graph\\+everything'"):
        stage_named("graph+everything")
    assert stage_with("inspector", stage_named("output+loss")).key == "graph+inspector"
    assert stage_with("loss", stage_named("output+loss")).key == "output+loss"
    assert len(set(STAGE_KEYS)) == len(STAGES) <= 9          # one number key each
    for stage in STAGES:
        assert sum(stage.shares) == pytest.approx(1.0) and len(stage.shares) == len(stage.views)


# ---------------------------------------------------------------------- lesson files
def test_a_lesson_file_names_its_stage_and_try_buttons(tmp_path):
    path = write_lesson(tmp_path, stage="graph+loss", try_buttons=[
        {"label": "learning rate ×10", "set": {"learning_rate": 0.3}, "then": ["reset", "play"]},
        {"label": "gradient edges", "edges": "gradient"}])
    lesson = load_lesson(path)
    assert lesson.stage == "graph+loss"
    first, second = lesson.try_buttons
    assert (first.label, first.settings, first.then) == ("learning rate ×10",
                                                         {"learning_rate": 0.3}, ("reset", "play"))
    assert (second.edges, second.settings, second.then) == ("gradient", {}, ())
    assert load_lesson(write_lesson(tmp_path, "plain.json")).try_buttons == []


@pytest.mark.parametrize("extra,reason", [
    ({"stage": "everything"}, "'stage' must be one of"),
    ({"try_buttons": {"label": "x"}}, "must be a list"),
    ({"try_buttons": [{"set": {"learning_rate": 0.3}}]}, "needs a 'label'"),
    ({"try_buttons": [{"label": "x" * 41, "then": "play"}]}, "needs a 'label'"),
    ({"try_buttons": [{"label": "rate", "set": {"learning_rate": -1}}]}, "try button 1"),
    ({"try_buttons": [{"label": "rate", "set": {"speed": 3}}]}, "no setting 'speed'"),
    ({"try_buttons": [{"label": "rate", "set": [1]}]}, "'set' must be an object"),
    ({"try_buttons": [{"label": "edges", "edges": "colors"}]}, "'edges' must be one of"),
    ({"try_buttons": [{"label": "go", "then": "dance"}]}, "'then' takes"),
    ({"try_buttons": [{"label": "nothing"}]}, "changes nothing"),
])
def test_a_bad_stage_or_try_button_is_refused_with_its_reason(tmp_path, extra, reason):
    with pytest.raises(ValueError, match=reason):
        load_lesson(write_lesson(tmp_path, **extra))


# ---------------------------------------------------------------------- try buttons
def test_a_try_button_applies_its_change_through_the_controller(window, qtbot, tmp_path):
    path = write_lesson(tmp_path, try_buttons=[
        {"label": "rate 0.3, play", "set": {"learning_rate": 0.3}, "then": ["reset", "play"]},
        {"label": "gradient edges", "edges": "gradient"},
        {"label": "two layers", "set": {"hidden": [4, 4], "activations": ["tanh", "tanh"]}}])
    assert window.lessons.open_spec(path)
    window.controller.session.run(5)
    buttons = window.lesson_card.try_buttons
    assert [b.text() for b in buttons] == ["Try: rate 0.3, play", "Try: gradient edges",
                                           "Try: two layers"]
    assert "learning rate 0.3" in buttons[0].toolTip()
    qtbot.mouseClick(buttons[0], Qt.MouseButton.LeftButton)
    session = window.controller.session
    assert session.learning_rate == 0.3 and window.controller.config.learning_rate == 0.3
    assert window.loop.running                                   # reset, then play
    qtbot.mouseClick(buttons[1], Qt.MouseButton.LeftButton)
    assert not window.loop.running                               # a change stops training
    assert window.view_state.edge_mode == "gradient"
    assert window.edge_mode_box.currentData() == "gradient"
    qtbot.mouseClick(buttons[2], Qt.MouseButton.LeftButton)
    assert window.controller.session.network.sizes == [2, 4, 4, 1]
    assert "Trying two layers" in window.statusBar().currentMessage()


def test_a_refused_try_button_leaves_the_session_and_says_why(window):
    # The controller checks a try button's settings as it checks typed ones.
    from backprop_lab.gui.model.lessons import Suggestion
    from backprop_lab.gui.window import try_next
    window.controller.session.run(3)
    session = window.controller.session
    assert not try_next.apply(window, Suggestion("no rate", {"learning_rate": -1.0}, "", ("play",)))
    assert window.controller.session is session and session.epoch == 3
    assert not window.loop.running
    assert window.statusBar().currentMessage().startswith("⚠")


def test_a_lesson_opened_on_stage_brings_its_card(window, tmp_path):
    present_at(window, (1280, 720))
    assert not window.stage.card_on_stage                     # no lesson yet
    assert window.lessons.open_spec(write_lesson(tmp_path))   # names no stage
    assert window.stage.card_on_stage and window.lesson_card.isVisible()
    assert window.stage.current.key == "graph+output+loss"    # the stage stays


def test_the_stage_keeps_the_students_gradient_tick(window, qtbot):
    """A small stage has room for two plots: it leaves ‖dW‖ out but no longer unticks it
    (and leaving the stage no longer ticks a ‖dW‖ the student had unticked)."""
    plot = window.loss_plot
    present_at(window, (1024, 768))
    qtbot.waitUntil(lambda: plot.row_limit == 2)
    assert plot.grads_box.isChecked() and "grads" not in plot.shown_rows()
    plot.grads_box.setChecked(False)
    window.presentation.set_presenting(False)
    qtbot.waitUntil(lambda: plot.row_limit == 3)
    assert not plot.grads_box.isChecked()
    plot.grads_box.setChecked(True)


def test_the_vanishing_gradients_lesson_puts_the_gradient_row_first(window, qtbot):
    plot = window.loss_plot
    plot.grads_box.setChecked(False)
    open_lesson(window, "19-vanishing-gradients.json")
    assert plot.gradient_norms_first and plot.grads_box.isChecked()
    present_at(window, (1280, 720))
    qtbot.waitUntil(lambda: "grads" in plot.shown_rows())
    assert plot.shown_rows() == ("loss", "grads")
    open_lesson(window, "18-large-initial-weights.json")
    assert not plot.gradient_norms_first
    open_lesson(window, "19-vanishing-gradients.json")
    window.lesson_card.dismiss()                         # the card's ×: the lesson is over
    assert not plot.gradient_norms_first


def test_a_session_file_opened_over_a_lesson_ends_its_card_on_stage_too(window, tmp_path):
    """Opening a file hid the lesson's card, but the stage (and leaving it) showed it again
    beside a session that was no longer the lesson's."""
    path = tmp_path / "mine.bplab"
    assert window.files.save_to(path)
    open_lesson(window, "19-vanishing-gradients.json")
    assert window.files.open_path(path, ask=False)
    assert not window.lesson_card.isVisible()
    assert not window.loss_plot.gradient_norms_first
    present_at(window, (1280, 720))
    assert not window.lesson_card.isVisible()
    window.presentation.set_presenting(False)
    assert not window.lesson_card.isVisible()
