"""Pinned runs and the timeline, driven through the window (pytest-qt, offscreen)."""
import numpy as np
import pytest
from PySide6.QtCore import Qt

from backprop_lab.engine.data.plane import plane_outputs
from backprop_lab.gui.model.config import Config
from backprop_lab.gui.window.main_window import MainWindow

pytestmark = pytest.mark.gui


@pytest.fixture
def window(make_window):
    w = make_window(Config(dataset="circles", hidden=[4], activations=["tanh"],
                           optimizer="sgd", learning_rate=0.01, batch_size=None))
    return w


def train(window, epochs):
    window.controller.session.run(epochs)
    window.render_now()


def test_pinning_three_learning_rates_labels_each_by_its_rate(window, qtbot):
    for rate in (0.01, 0.1, 1.0):
        window.controller.apply(learning_rate=rate)
        window.reset()
        train(window, 30)
        qtbot.mouseClick(window.loss_plot.pin_button, Qt.MouseButton.LeftButton)
    window.controller.apply(learning_rate=0.3)
    assert window.loss_plot.pin_labels() == ["#1 lr 0.01", "#2 lr 0.1", "#3 lr 1"]
    # each ghost trace holds its own run's curve: a higher rate fell further in 30 epochs
    finals = [curve.getData()[1][-1] for curve in window.loss_plot.pin_curves]
    assert finals[0] > finals[1] > finals[2]
    assert window.loss_plot.pins_button.text() == "Pinned (3)"


def test_label_names_every_differing_setting_and_follows_the_live_settings(window):
    train(window, 5)
    window.pins.pin_run()
    assert window.loss_plot.pin_labels() == ["#1 same settings"]
    window.controller.apply(optimizer="adam", hidden=[6, 2], activations=["relu", "relu"])
    assert window.loss_plot.pin_labels() == ["#1 sgd, layers 4, tanh"]


def test_a_pin_that_differs_only_in_dropout_or_validation_says_so(window):
    """Such pins read "same settings" beside a live run that differed."""
    train(window, 5)
    window.pins.pin_run()
    window.controller.apply(dropout=0.2, validation_fraction=0.2, clip_norm=1.0)
    assert window.loss_plot.pin_labels() == ["#1 val 0%, dropout 0, clip off"]
    window.controller.apply(dropout=0.0, validation_fraction=0.0, clip_norm=0.0,
                            early_stopping=True)
    assert window.loss_plot.pin_labels() == ["#1 no early stopping"]


def test_a_pin_names_only_the_settings_that_matter_to_its_curve(window):
    """Adam's β₁ means nothing to an SGD run, a patience nothing without early stopping."""
    train(window, 5)
    window.pins.pin_run()                                  # sgd, constant rate, no stopping
    window.controller.apply(optimizer="adam", beta1=0.8, beta=0.5, rho=0.9, patience=5,
                            schedule_step=3)
    assert window.loss_plot.pin_labels() == ["#1 sgd, β₁ 0.9"]
    window.controller.apply(optimizer="sgd", beta1=0.9)
    assert window.loss_plot.pin_labels() == ["#1 same settings"]
    window.controller.apply(schedule="step")
    assert window.loss_plot.pin_labels() == ["#1 schedule constant, schedule step 10"]


def test_unpin_and_clear(window, qtbot):
    for _ in range(3):
        train(window, 3)
        window.pins.pin_run()
    assert len(window.loss_plot.pin_curves) == 3
    menu = window.loss_plot.pins_menu
    unpin_second = [a for a in menu.actions() if a.text().startswith("Unpin #2")][0]
    unpin_second.trigger()
    assert [label.split()[0] for label in window.loss_plot.pin_labels()] == ["#1", "#3"]
    clear = [a for a in window.loss_plot.pins_menu.actions() if a.text().startswith("Clear")][0]
    clear.trigger()
    assert window.loss_plot.pin_curves == []
    assert not window.loss_plot.pins_button.isEnabled()


def test_nothing_to_pin_before_training(window):
    window.pins.pin_run()
    assert window.pins.board.runs == []
    assert "Train first" in window.statusBar().currentMessage()


def test_pins_are_saved_with_the_session(window, tmp_path, qtbot):
    train(window, 10)
    window.pins.pin_run()
    path = tmp_path / "pins.bplab"
    assert window.files.save_to(path)
    other = MainWindow(Config(dataset="moons"))
    qtbot.addWidget(other)
    assert other.files.open_path(path, ask=False)
    assert other.loss_plot.pin_labels() == window.loss_plot.pin_labels()
    np.testing.assert_array_equal(other.pins.board.runs[0].train_loss, window.pins.board.runs[0].train_loss)


def test_timeline_scrubs_back_and_the_views_show_that_epoch(window, qtbot):
    session = window.controller.session
    train(window, 40)
    bar = window.timeline_bar
    assert bar.live and bar.epochs[-1] == 40
    live_output = window.boundary.output.copy()
    bar.show_epoch(10)
    assert bar.shown_epoch == 10 and not bar.live
    window.render_now()
    past = window.view_state.preview_network
    np.testing.assert_array_equal(past.theta, session.timeline.theta_at(10))
    # the output plot and the graph draw epoch 10's network, not the live one
    expected = plane_outputs(past, window.renderer.grid)[-1]
    np.testing.assert_allclose(window.boundary.output, expected)
    assert not np.allclose(window.boundary.output, live_output)
    assert window.network_view.network is past
    assert window.loss_plot.marker.isVisible() and window.loss_plot.marker.value() == 10
    assert session.epoch == 40                     # looking back changes nothing
    assert bar.label.text() == "epoch 10" and bar.resume_button.isEnabled()


def test_resume_from_here_branches_training(window, qtbot):
    session = window.controller.session
    train(window, 30)
    theta_30 = session.network.theta.copy()
    window.timeline_bar.show_epoch(12)
    assert window.timeline_bar.resume_button.isEnabled()
    qtbot.mouseClick(window.timeline_bar.resume_button, Qt.MouseButton.LeftButton)
    assert session.epoch == 12
    assert window.timeline_bar.live and window.view_state.preview_network is None
    assert window.network_view.network is session.network
    np.testing.assert_array_equal(session.network.theta, session.timeline.theta_at(12))
    qtbot.waitUntil(lambda: window.loss_plot.train_curve.getData()[0][-1] == 12, timeout=20000)
    for _ in range(18):
        qtbot.keyClick(window, Qt.Key.Key_Right)
    np.testing.assert_array_equal(session.network.theta, theta_30)   # the same run again


def test_step_while_looking_back_returns_to_the_latest_epoch(window, qtbot):
    session = window.controller.session
    train(window, 20)
    window.timeline_bar.show_epoch(5)
    qtbot.keyClick(window, Qt.Key.Key_Right)
    assert session.epoch == 21
    assert window.timeline_bar.live and window.view_state.preview_network is None
    assert window.network_view.network is session.network


def test_timeline_stays_bounded_over_a_long_run(window):
    train(window, 5000)
    bar = window.timeline_bar
    t = window.controller.session.timeline
    assert bar.slider.maximum() + 1 == len(t) <= t.recent + t.capacity
    assert bar.epochs[0] == 0 and bar.epochs[-1] == 5000


def test_reset_while_looking_back_returns_to_the_live_run(window):
    train(window, 30)
    window.timeline_bar.show_epoch(10)
    window.reset()
    window.render_now()
    assert window.view_state.preview_network is None and window.timeline_bar.live
    assert window.transport.epoch_label.text() == "Epoch 0"
    assert window.timeline_bar.epochs.tolist() == [0]
    assert window.network_view.network is window.controller.session.network


def test_weights_cannot_be_typed_into_the_past(window):
    session = window.controller.session
    train(window, 20)
    live = session.network.layers[0].W[0, 0]
    window.timeline_bar.show_epoch(5)
    window._weight_typed(0, 0, 0, 5.0)
    assert session.network.layers[0].W[0, 0] == live
    assert "looking at epoch 5" in window.statusBar().currentMessage()


def test_a_ninth_pin_unpins_the_oldest_and_says_so(window):
    for _ in range(9):
        train(window, 2)
        window.pins.pin_run()
    assert [run.number for run in window.pins.board.runs] == list(range(2, 10))
    assert "unpinned #1" in window.statusBar().currentMessage()


def test_values_over_the_loss_plot_follow_the_timeline(window):
    session = window.controller.session
    train(window, 30)
    loss_10 = session.history["train_loss"][session.history["epoch"] == 10][0]
    window.timeline_bar.show_epoch(10)
    window.render_now()
    text = window.loss_plot.values.text()
    assert "epoch 10:" in text and f"{loss_10:.4g}" in text
    window.presentation.set_theme("dark")                       # a new look keeps the past epoch in view
    assert window.timeline_bar.shown_epoch == 10 and window.view_state.preview_epoch == 10
    window.timeline_bar.go_live()
    window.render_now()
    assert "epoch 10:" not in window.loss_plot.values.text()
    window.presentation.set_theme("light")
