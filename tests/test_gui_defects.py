"""Defects a class tripped over, each fixed once in the right place (one test per defect).

1 stale edge values after an architecture change · 2 the loss axis after a theme change ·
3 the keyboard · 4 work thrown away without asking · 5 pins on unrelated data · 6 panels that
describe another session · 7 legends over the curves, stale hover labels · 8 the epoch axis
at epoch 0 · 9 points outside the heatmap · 10 a shifting toolbar, silent unit limits ·
11 step-inspector fonts after presenting · 12 GIF frames (test_gui_export) · 13 SVG in a
second renderer."""
import io
import shutil

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QApplication

from backprop_lab.engine import Network, TrainingSession, datasets, save_session
from backprop_lab.gui.model.config import Config
from backprop_lab.gui.style import colors

pytestmark = pytest.mark.gui


@pytest.fixture
def window(make_window):
    return make_window(Config(dataset="moons", hidden=[4, 3], activations=["tanh", "tanh"],
                              optimizer="adam", learning_rate=0.03, batch_size=10))


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier):
    """A key as the user presses it: to whichever widget has the keyboard focus."""
    target = QApplication.focusWidget()
    assert target is not None
    qtbot.keyClick(target, key, modifier)


# ---------------------------------------------------------------------- 1
@pytest.mark.parametrize("mode", ["gradient", "update", "contribution"])
def test_edges_never_draw_values_of_another_architecture(window, qtbot, mode):
    window.controller.session.run(3)
    window.view_state.trace(0)
    window.view_state.set_edge_mode(mode)
    window.render_now()
    old = window.network_view.edge_values
    assert old is not None and len(old) == 3
    window.architecture_panel.change_layers(+1)        # four layers now
    window.network_view.repaint()                        # a paint before the next frame
    assert window.network_view.edge_values is None
    window.render_now()
    window.network_view.repaint()
    assert len(window.network_view.edge_values) == 4
    # values of the wrong shapes handed to the view are refused, never indexed
    window.network_view.set_edge_values(old)
    assert window.network_view.edge_values is None
    window.network_view.repaint()
    assert "Internal error" not in window.statusBar().currentMessage()


def test_lessons_switched_in_gradient_mode_draw_cleanly(window, qtbot):
    window.view_state.set_edge_mode("gradient")
    for k in (4, 5, 7, 8):                          # lessons 5→6 and 8→9 change architecture
        window.lessons.goto(k)
        window.network_view.repaint()
        window.render_now()
        window.network_view.repaint()
    assert "Internal error" not in window.statusBar().currentMessage()


# ---------------------------------------------------------------------- 2
@pytest.mark.parametrize("theme", ["dark", "projector"])
def test_a_theme_change_keeps_plain_axis_numbers_and_readable_legends(window, theme):
    window.controller.session.run(40)
    window.render_now()
    window.presentation.set_theme(theme)
    window.render_now()
    plot = window.loss_plot
    for item in (plot.loss, plot.grads, plot.score):
        axis = item.getAxis("left")
        assert axis.autoSIPrefixScale == 1.0 and axis.labelUnitPrefix == ""
        if item is not plot.grads:                      # (‖dW‖ is on a log axis)
            strings = axis.tickStrings([0.65, 0.7], axis.autoSIPrefixScale * axis.scale, 0.05)
            assert strings in (["0.65", "0.7"], ["0.65", "0.70"])
    text = colors.THEMES[theme].text
    hex_color = "#%02x%02x%02x" % text
    for legend in (plot.loss.legend, plot.grads.legend):
        for _sample, label in legend.items:
            assert hex_color in label.item.toHtml().lower()


# ---------------------------------------------------------------------- 3
def test_space_plays_after_clicking_the_gradient_check_button(window, qtbot):
    qtbot.mouseClick(window.gradient_check_button, Qt.MouseButton.LeftButton)
    dialogs = [w for w in QApplication.topLevelWidgets() if w.isVisible() and w is not window]
    assert dialogs
    for dialog in dialogs:
        dialog.close()
    window.activateWindow()
    window.network_view.setFocus()
    assert QApplication.focusWidget() is not window.gradient_check_button
    press(qtbot, Qt.Key.Key_Space)
    assert window.loop.running
    press(qtbot, Qt.Key.Key_Space)
    assert not window.loop.running
    assert not [w for w in QApplication.topLevelWidgets() if w.isVisible() and w is not window]


def test_enter_commits_a_typed_rate_and_gives_the_keys_back(window, qtbot):
    window.controller.session.run(5)
    field = window.training_panel.learning_rate.lineEdit()
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
    field.selectAll()
    qtbot.keyClicks(field, "0.1")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.network_view, timeout=20000)
    assert window.controller.session.learning_rate == 0.1
    press(qtbot, Qt.Key.Key_R)
    assert window.controller.session.epoch == 0                 # R reset the weights
    assert field.text() == "0.1"                                # and typed nothing
    press(qtbot, Qt.Key.Key_Space)
    assert window.loop.running
    window.loop.pause()


def test_clicking_the_graph_takes_the_keys_back(window, qtbot):
    window.training_panel.l2.setFocus()
    qtbot.mouseClick(window.network_view, Qt.MouseButton.LeftButton,
                     pos=window.network_view.rect().bottomLeft() + QPointF(5, -5).toPoint())
    assert QApplication.focusWidget() is window.network_view
    press(qtbot, Qt.Key.Key_Right)
    assert window.controller.session.epoch == 1


def test_esc_closes_the_overlay_before_leaving_presentation(window, qtbot):
    window.presentation.set_presenting(True)
    window.show_shortcuts()
    assert window.overlay.isVisible()
    qtbot.keyClick(window.overlay, Qt.Key.Key_Escape)
    assert not window.overlay.isVisible() and window.presentation.presenting
    window.network_view.setFocus()
    press(qtbot, Qt.Key.Key_Escape)
    assert not window.presentation.presenting


# ---------------------------------------------------------------------- 4
def test_opening_a_lesson_can_be_undone(window, qtbot):
    session = window.controller.session
    session.run(29)
    theta = session.network.theta.copy()
    window.lessons.goto(3)
    assert window.controller.session is not session
    assert "Ctrl+Z" in window.statusBar().currentMessage()
    window.actions["undo"].trigger()
    assert window.controller.session is session and session.epoch == 29
    np.testing.assert_array_equal(session.network.theta, theta)
    assert window.controller.config.dataset == "moons"
    assert window.data_panel.dataset.currentData() == "moons"
    window.actions["redo"].trigger()
    assert window.lessons.lessons[3].title in window.lesson_card.title.text()


def test_reset_and_rebuilds_can_be_undone_and_say_so(window, qtbot):
    session = window.controller.session
    session.run(12)
    window.network_view.setFocus()
    press(qtbot, Qt.Key.Key_R)
    assert window.controller.session.epoch == 0
    assert "Ctrl+Z" in window.statusBar().currentMessage()
    press(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.controller.session is session and session.epoch == 12
    window.controller.apply(hidden=[4, 3, 2], activations=["tanh"] * 3)
    message = window.statusBar().currentMessage()
    assert "Rebuilt the network" in message and "hidden" in message and "epoch 12" in message
    window.undo()
    assert window.controller.session is session


def test_changing_the_loss_keeps_the_training_when_the_output_fits(window):
    session = window.controller.session
    session.run(10)
    assert window.controller.apply(loss="mse")
    assert window.controller.session is session and session.epoch == 10
    assert session.loss == "mse"


# ---------------------------------------------------------------------- 5
def test_pins_show_only_on_their_own_data_and_loss(window):
    c = window.controller
    c.session.run(20)
    window.pins.pin_run()
    assert len(window.loss_plot.pin_curves) == 1
    c.apply(dataset="spiral", n_samples=300, noise=0.2, test_fraction=0.3, n_classes=3)
    assert window.loss_plot.pin_curves == []
    assert len(window.loss_plot.hidden_pins) == 1 and "moons" in window.loss_plot.hidden_pins[0][1]
    assert "hidden" in window.loss_plot.pins_button.text()
    window.undo()
    assert len(window.loss_plot.pin_curves) == 1


# ---------------------------------------------------------------------- 6
def test_a_session_saved_by_the_engine_opens_with_panels_that_describe_it(window, tmp_path):
    data = datasets.load("xor")
    net = Network([2, 5, 1], hidden="relu", output="sigmoid", init="he", seed=3)
    session = TrainingSession(net, data, loss="bce", optimizer="sgd", learning_rate=0.5)
    session.run(7)
    path = tmp_path / "engine.bplab"
    save_session(session, path)                     # no window settings inside
    assert window.files.open_path(path, ask=False)
    c = window.controller.config
    assert (c.dataset, c.hidden, c.activations, c.optimizer) == ("xor", [5], ["relu"], "sgd")
    assert c.learning_rate == 0.5 and c.init == "he"
    assert window.data_panel.dataset.currentData() == "xor"
    spins = [s for s in window.architecture_panel.unit_spins if s.isVisibleTo(window)]
    assert [s.value() for s in spins] == [5]
    assert window.architecture_panel.activation_boxes[0].currentData() == "relu"
    assert window.training_panel.optimizer.currentData() == "sgd"
    assert window.training_panel.learning_rate.currentText() == "0.5"
    # an edit now applies to the session the panels describe
    window.controller.apply(learning_rate=0.25)
    assert window.controller.session.learning_rate == 0.25
    assert window.controller.session.network.sizes == [2, 5, 1]


# ---------------------------------------------------------------------- 7
def test_legends_stand_beside_the_plots_and_hover_labels_clear(window, qtbot):
    plot = window.loss_plot
    window.controller.session.run(30)
    window.render_now()
    for item in (plot.loss, plot.grads):
        legend = item.legend.sceneBoundingRect()
        view = item.getViewBox().sceneBoundingRect()
        assert not legend.intersects(view)
        assert len(item.legend.items) == len(item.listDataItems()) or item is plot.loss
    assert len(plot.grads.legend.items) == 3          # every layer listed
    plot.hover.setText("epoch 3")
    plot.hover.show()
    window.lessons.goto(0)
    assert not plot.hover.isVisible()


# ---------------------------------------------------------------------- 8
def test_the_epoch_axis_starts_at_zero_before_training(window):
    window.render_now()
    (x0, x1), _ = window.loss_plot.loss.viewRange()
    assert -0.5 <= x0 <= 0.0 and x1 >= 5


# ---------------------------------------------------------------------- 9
def test_the_output_heatmap_covers_every_point(make_window):
    w = make_window(Config(dataset="xor_clouds", noise=3.0, n_samples=400))
    data = w.controller.session.data
    every = np.vstack([data.points_train, data.points_test])
    grid = w.renderer.grid
    assert grid.xs.min() <= every[:, 0].min() and grid.xs.max() >= every[:, 0].max()
    assert grid.ys.min() <= every[:, 1].min() and grid.ys.max() >= every[:, 1].max()


# ---------------------------------------------------------------------- 10
def test_play_and_pause_keep_the_toolbar_still(window):
    t = window.transport
    x_step = t.step_button.geometry().x()
    width = t.play_button.width()
    t.set_running(True)
    QApplication.processEvents()
    assert t.play_button.width() == width and t.step_button.geometry().x() == x_step
    t.set_running(False)


def test_typing_too_many_units_says_the_limit(window, qtbot):
    spin = window.architecture_panel.unit_spins[0]
    spin.setFocus()
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin.lineEdit(), "320")
    qtbot.keyClick(spin.lineEdit(), Qt.Key.Key_Return)
    assert "1 to 128 units" in window.statusBar().currentMessage()
    assert window.controller.config.hidden[0] == 4 and spin.value() == 4


def test_a_learning_rate_out_of_range_is_refused_not_replaced(window):
    assert not window.controller.apply(learning_rate="1e-9")
    assert window.controller.session.learning_rate == 0.03
    assert "learning rate" in window.statusBar().currentMessage().lower()
    assert "1e-08" in window.statusBar().currentMessage()


# ---------------------------------------------------------------------- 11
def test_step_inspector_fonts_come_back_after_presenting(window):
    before = window.step_inspector.formula.font().pointSizeF()
    window.presentation.set_presenting(True)
    assert window.step_inspector.formula.font().pointSizeF() > before
    window.presentation.set_presenting(False)
    assert window.step_inspector.formula.font().pointSizeF() == pytest.approx(before)


# ---------------------------------------------------------------------- 13
def test_svg_exports_render_alike_in_a_second_renderer(window, tmp_path):
    resvg = pytest.importorskip("resvg_py", reason="resvg-py is a test extra")
    from PIL import Image
    window.controller.session.run(60)
    window.render_now()
    for key in ("loss", "network"):
        assert window.exports.export_picture(key, tmp_path / f"{key}.svg")
        assert window.exports.export_picture(key, tmp_path / f"{key}.png")
        png = np.asarray(Image.open(tmp_path / f"{key}.png").convert("RGB")).astype(int)
        family = "DejaVu Sans" if shutil.which("fc-list") else None
        raster = resvg.svg_to_bytes(svg_path=str(tmp_path / f"{key}.svg"), background="#ffffff",
                                    **({"sans_serif_family": family} if family else {}))
        svg = Image.open(io.BytesIO(raster)).convert("RGB").resize(png.shape[1::-1])
        svg = np.asarray(svg).astype(int)
        assert np.abs(png - svg).mean() < 12, key
        # the curves are lines, not slabs: as much "train blue" ink as on screen, give or take
        blue = np.array([33, 102, 172])
        ink_png = (np.abs(png - blue).sum(axis=2) < 60).mean()
        ink_svg = (np.abs(svg - blue).sum(axis=2) < 60).mean()
        assert ink_svg < 3 * ink_png + 0.002, key
