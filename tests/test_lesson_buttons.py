"""Every lesson names its presentation stage, and every change its card suggests is a "Try
next" button that does what its label says.

The claims behind the buttons (what happens after the change) are checked over seeds in
tests/test_lessons.py with the same settings; here each button is clicked once in a window,
from the lesson as opened, and the settings the session then trains with are read back.
"""
import re

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication, QDialog

from backprop_lab.gui.model.config import Config
from backprop_lab.gui.model.lessons import list_lessons
from backprop_lab.gui.model.stages import STAGE_KEYS

pytestmark = pytest.mark.gui

LESSONS = {int(item.name[:2]): item for item in list_lessons()}
#: Lessons whose try text suggests nothing a button could do, and why.
WITHOUT_BUTTONS = {5: "the change is a bias typed by hand",
                   27: "the suggestion is an export, not a change of the session"}
#: What each button's label promises, written from the label: the settings (Config fields)
#: it names, or "edges" for what the graph's edges show, or the action it takes.
LABELLED = {
    (1, "add a hidden layer"): {"hidden": [4]},
    (2, "OR data"): {"dataset": "or"},
    (2, "XOR data"): {"dataset": "xor"},
    (3, "gradient check"): {"then": "gradient_check"},
    (4, "2 hidden units"): {"hidden": [2], "activations": ["tanh"]},
    (4, "ReLU units"): {"hidden": [4], "activations": ["relu"]},
    (6, "leaky ReLU in layer 3"): {"activations": ["sigmoid", "tanh", "leaky_relu"]},
    (6, "identity in layers 2 and 3"): {"activations": ["sigmoid", "identity", "identity"]},
    (7, "edges show dL/dW"): {"edges": "gradient"},
    (7, "edges show ΔW"): {"edges": "update"},
    (7, "edges show weights"): {"edges": "weight"},
    (8, "step one phase"): {"then": "phase"},
    (9, "check the gradients"): {"then": "gradient_check"},
    (9, "sigmoid layers, check"): {"activations": ["sigmoid", "sigmoid"], "loss": "bce",
                                   "then": "gradient_check"},
    (9, "MSE loss, check"): {"loss": "mse", "activations": ["tanh", "relu"],
                             "then": "gradient_check"},
    (10, "η = 0.00001"): {"learning_rate": 1e-5},
    (11, "η ÷ 10 (0.3)"): {"learning_rate": 0.3},
    (12, "η = 0.1"): {"learning_rate": 0.1},
    (13, "η = 0.1"): {"learning_rate": 0.1},
    (13, "η = 1.0"): {"learning_rate": 1.0},
    (13, "η = 10"): {"learning_rate": 10.0},
    (14, "cosine (40 epochs)"): {"schedule": "cosine", "schedule_epochs": 40},
    (14, "step decay"): {"schedule": "step", "schedule_gamma": 0.3,
                                         "schedule_step": 10},
    (14, "exponential decay"): {"schedule": "exponential", "schedule_gamma": 0.9},
    (15, "batch size 32"): {"batch_size": 32},
    (15, "batch size 1"): {"batch_size": 1},
    (16, "constant init (0.5)"): {"init": "constant"},
    (17, "Xavier init"): {"init": "xavier"},
    (18, "Xavier init"): {"init": "xavier"},
    (19, "ReLU layers"): {"hidden": [8] * 6, "activations": ["relu"] * 6},
    (19, "tanh layers"): {"hidden": [8] * 6, "activations": ["tanh"] * 6},
    (19, "2 sigmoid layers"): {"hidden": [8, 8], "activations": ["sigmoid"] * 2},
    (20, "clip gradients at 1"): {"clip_norm": 1.0},
    (21, "leaky ReLU"): {"activations": ["leaky_relu"] * 2, "learning_rate": 2.0},
    (21, "η = 0.2"): {"activations": ["relu"] * 2, "learning_rate": 0.2},
    (22, "momentum (β = 0.9)"): {"optimizer": "momentum", "beta": 0.9, "nesterov": False},
    (22, "Adam"): {"optimizer": "adam"},
    (22, "Nesterov momentum"): {"optimizer": "momentum", "nesterov": True},
    (22, "RMSprop"): {"optimizer": "rmsprop"},
    (23, "L2 = 0.03"): {"l2": 0.03, "l1": 0.0},
    (23, "L1 = 0.03 instead"): {"l1": 0.03, "l2": 0.0},
    (24, "2 layers of 16 units"): {"hidden": [16, 16]},
    (24, "1 layer of 8 units"): {"hidden": [8]},
    (25, "x₁² and x₂², no hidden layer"): {"features": ("x1^2", "x2^2"), "hidden": []},
    (26, "32 hidden units"): {"hidden": [32]},
    (26, "ReLU units"): {"hidden": [16], "activations": ["relu"]},
    (28, "momentum, η = 0.1"): {"optimizer": "momentum", "learning_rate": 0.1, "beta": 0.9},
    (28, "Adam, η = 0.1"): {"optimizer": "adam", "learning_rate": 0.1},
    (28, "momentum, β = 0.99"): {"optimizer": "momentum", "beta": 0.99},
    (29, "η = 1.3"): {"learning_rate": 1.3},
    (29, "η = 0.3"): {"learning_rate": 0.3},
    (30, "3 hidden units"): {"hidden": [3]},
    (30, "4 hidden units"): {"hidden": [4]},
}
BUTTONS = [(number, k) for number, item in LESSONS.items()
           for k in range(len(item.try_buttons))]


def number_text(value: float) -> str:
    """A setting's number as a card writes it: 0.00001, 0.3, 10."""
    return np.format_float_positional(value, trim="-")


# ---------------------------------------------------------------------- the files
def test_every_lesson_names_a_stage_and_every_suggested_change_has_a_button():
    assert sorted(LESSONS) == list(range(1, 31))
    for number, item in LESSONS.items():
        # A lesson that names none would keep whatever stage the previous one left.
        assert item.stage in STAGE_KEYS, number
        if number in WITHOUT_BUTTONS:
            assert item.try_buttons == [], number
        else:
            assert 1 <= len(item.try_buttons) <= 4, number
        for suggestion in item.try_buttons:
            assert len(suggestion.label) <= 28, suggestion.label
            assert (number, suggestion.label) in LABELLED, (number, suggestion.label)
    assert len(LABELLED) == len(BUTTONS)


def test_the_card_names_every_number_a_button_sets():
    """Text and buttons agree: a rate, penalty or clipping norm a button sets is in the text."""
    for number, item in LESSONS.items():
        words = f"{item.look} {item.try_next}"
        for suggestion in item.try_buttons:
            for name in ("learning_rate", "l1", "l2", "clip_norm", "beta", "schedule_gamma"):
                value = suggestion.settings.get(name)
                if value:
                    assert number_text(value) in words, (number, suggestion.label, name)


def test_the_card_shows_every_word():
    """The card's text is rich text: a bare "<" (as in "z < 0") would start a tag and hide
    the rest of the paragraph; it is written &lt;."""
    for number, item in LESSONS.items():
        for text in (item.text, item.look, item.try_next):
            assert not re.search(r"<(?![/a-zA-Z])", text), number


def test_the_stages_show_what_the_lessons_ask_to_watch():
    stage = {number: item.stage for number, item in LESSONS.items()}
    assert stage[7] == stage[8] == "graph+inspector"        # phase by phase, worked example
    assert stage[6] == "graph+activation"
    assert stage[19] == stage[20] == "graph+loss"           # ‖dW‖ per layer under the loss
    assert all("loss" in stage[n] for n in (13, 14, 15, 22))    # pinned curves compared


@pytest.mark.parametrize("number,k", BUTTONS)
def test_every_button_is_a_valid_change_of_its_lessons_settings(number, k):
    item = LESSONS[number]
    suggestion = item.try_buttons[k]
    changed = item.config.changed(**suggestion.settings)
    assert isinstance(changed, Config)
    if suggestion.settings:
        assert changed.changed_fields(item.config), suggestion.label      # it changes something


# ---------------------------------------------------------------------- clicked in a window
@pytest.fixture(scope="module")
def shared_window(qapp):
    from backprop_lab.gui.window.main_window import MainWindow
    # Not shown: painting every view after every click would take most of the time, and
    # the card's buttons, its signals and the controller work the same way unseen.
    window = MainWindow(Config(dataset="xor", hidden=[4], activations=["tanh"]))
    window.resize(1280, 720)
    yield window
    window.loop.pause()
    window.close()
    window.deleteLater()


def close_dialogs(window) -> int:
    """Close the window's open dialogs (the gradient check opens one); how many were open."""
    dialogs = [d for d in window.findChildren(QDialog) if d.isVisible()]
    for dialog in dialogs:
        dialog.close()
    return len(dialogs)


@pytest.fixture
def window(shared_window):
    w = shared_window
    w.view_state.interrupt()
    w.view_state.set_edge_mode("weight")
    close_dialogs(w)
    yield w
    w.loop.pause()
    close_dialogs(w)


def open_lesson(window, number: int):
    window.lessons.goto(number - 1)
    QApplication.processEvents()                  # the window shows the lesson, as it would
    assert window.lesson_card.lesson.title == LESSONS[number].title
    return window.lesson_card.try_buttons


@pytest.mark.parametrize("number,k", BUTTONS)
def test_every_button_clicked_changes_the_session_as_labelled(window, number, k):
    item = LESSONS[number]
    suggestion = item.try_buttons[k]
    button = open_lesson(window, number)[k]
    assert button.text() == f"Try: {suggestion.label}" and button.isVisibleTo(window)
    session = window.controller.session
    if "reset" in suggestion.then and number not in (5, 8):
        session.run(2)                                   # so that a reset can be seen
    button.click()
    playing = window.loop.running
    window.loop.pause()                   # (no training in the rest of the test)
    config = window.controller.config
    promised = dict(LABELLED[number, suggestion.label])
    action = promised.pop("then", None)
    edges = promised.pop("edges", None)
    for name, value in promised.items():
        assert getattr(config, name) == value, (suggestion.label, name)
    # … and nothing else changed: the lesson's settings with exactly the button's changes.
    assert config == item.config.changed(**suggestion.settings)
    now = window.controller.session
    assert now.learning_rate == config.learning_rate and now.optimizer.name == config.optimizer
    assert now.network.sizes[1:-1] == config.hidden
    if edges:
        assert window.view_state.edge_mode == edges
    if action == "gradient_check":
        assert close_dialogs(window) == 1
    if action == "phase":
        assert window.stepper.current is not None
    if "reset" in suggestion.then:
        assert now.epoch == 0
    assert playing == ("play" in suggestion.then)


def test_edge_and_phase_buttons_keep_the_step_under_way(window):
    """Lesson 7 asks to switch the edges during the backward phases, lesson 8 to step on:
    neither click may throw the step being stepped away."""
    gradient = open_lesson(window, 7)[0]
    for _ in range(4):                                       # forward, forward, loss, backward
        window.step_phase()
    assert window.stepper.current.name == "backward"
    gradient.click()
    assert window.stepper.current.name == "backward" and len(window.stepper.done) == 4
    assert window.view_state.edge_mode == "gradient"
    step = open_lesson(window, 8)[0]
    names = []
    for _ in range(3):
        step.click()
        names.append(window.stepper.current.name)
    assert names == ["forward", "forward", "loss"]


def test_the_learning_rate_button_continues_a_run_the_banner_stopped(window):
    """Lesson 11: η ÷ 10 goes on from the weights the banner brought back, not from new ones."""
    button = open_lesson(window, 11)[0]
    session = window.controller.session
    session.run(100)
    assert session.diverged
    epoch = session.epoch
    button.click()
    assert window.controller.session is session and session.learning_rate == 0.3
    assert window.loop.running and session.epoch == epoch
