"""Single-stepping backprop in the window: phases, inspector, tracing, edge modes, checks."""
import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from backprop_lab.engine import Network, TrainingSession, datasets
from backprop_lab.engine.nn.activations import Tanh
from backprop_lab.gui.model.config import Config
from backprop_lab.gui.window.main_window import MainWindow

pytestmark = pytest.mark.gui


def make_window(qtbot, **kw):
    config = dict(dataset="moons", n_samples=40, hidden=[4, 3], activations=["tanh", "tanh"],
                  optimizer="sgd", learning_rate=0.1, batch_size=None)
    config.update(kw)
    w = MainWindow(Config(**config))
    qtbot.addWidget(w)
    w.resize(1600, 1000)
    w.show()
    qtbot.waitExposed(w)
    w.render_now()
    return w


@pytest.fixture
def window(qtbot):
    return make_window(qtbot)


def test_a_whole_step_phase_by_phase_equals_step_epoch(window, qtbot):
    twin = Config(**window.controller.config.__dict__).build_session()
    session = window.controller.session
    n_layers = len(session.network.layers)
    expected = (["forward"] * n_layers + ["loss"] + ["backward"] * n_layers + ["update"] * n_layers)
    seen = []
    for k in range(len(expected)):
        qtbot.mouseClick(window.transport.phase_button, Qt.MouseButton.LeftButton)
        phase = window.stepper.current
        seen.append(phase.name)
        view, inspector = window.network_view, window.step_inspector
        assert view.phase_mark == (phase.name, phase.layer)
        assert inspector.formula.text() == phase.formula
        assert inspector.title.text().startswith(phase.title)
        if phase.name == "forward":
            assert view.active_columns() == (phase.layer, phase.layer + 1)
            z_view = next(v for v in inspector.views if v.caption.text().startswith("<b>Z"))
            np.testing.assert_array_equal(z_view.matrix, phase.values["Z"])
            shown = float(z_view.table.item(0, 0).text())
            assert shown == pytest.approx(phase.values["Z"][0, 0], rel=5e-3)
        if phase.name == "backward":
            layer = phase.layer
            grads = twin.network.gradients(twin.data.X_train, twin.data.y_train, loss="bce")
            dw_view = next(v for v in inspector.views if v.caption.text().startswith("<b>dW"))
            np.testing.assert_allclose(dw_view.matrix, grads[layer]["W"], rtol=1e-12)
            assert "m" in phase.formula.splitlines()[1]
        if k < len(expected) - 1:
            assert session.epoch == 0
    assert seen == expected
    twin.step_epoch()
    assert session.epoch == 1
    np.testing.assert_array_equal(session.network.theta, twin.network.theta)
    assert window.transport.phase_text.text().startswith("<b>Update · layer 3")


def test_shift_right_steps_a_phase_and_play_finishes_the_step(window, qtbot):
    qtbot.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert window.stepper.current.name == "forward"
    for _ in range(7):                                   # into the update phases
        window.step_phase()
    assert window.stepper.current.name == "update"
    window.toggle_play()                                 # leaving mid-update completes it
    assert window.stepper.current is None
    window.loop.pause()
    assert np.isfinite(window.controller.session.network.theta).all()
    assert window.controller.session.steps >= 1


def test_clicking_a_data_point_traces_that_sample(window, qtbot):
    session = window.controller.session
    target = 7
    point = session.data.points_train[target]
    vb = window.boundary.plot.getViewBox()
    scene = vb.mapViewToScene(__import__("PySide6.QtCore", fromlist=["QPointF"]).QPointF(*point))
    widget_pos = window.boundary.plot.mapFromScene(scene)
    viewport = window.boundary.plot.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=QPoint(widget_pos.x(), widget_pos.y()))
    assert window.view_state.traced_sample == target
    assert window.step_inspector.sample.value() == target + 1      # counted from 1
    window.step_phase()
    phase = window.stepper.current
    note = window.network_view.annotations[(1, 0)]
    assert note == f"a {phase.values['A'][target, 0]:+.3g}"
    a_view = next(v for v in window.step_inspector.views if v.caption.text().startswith("<b>A¹"))
    assert a_view.table.item(target, 0).font().bold()


def test_whole_batch_annotations_are_means(window):
    window.step_phase()
    phase = window.stepper.current
    assert window.network_view.annotations[(1, 2)] == f"ā {phase.values['A'][:, 2].mean():+.3g}"


def test_edge_modes_follow_the_gradient_and_the_update(window, qtbot):
    session = window.controller.session
    window.step_epoch()
    box = window.edge_mode_box
    box.setCurrentIndex(box.findData("gradient"))
    window.render_now()
    view = window.network_view
    dW = session.network.layers[0].dW
    for i in range(dW.shape[0]):
        for j in range(dW.shape[1]):
            if abs(dW[i, j]) > 0.05 * np.abs(dW).max():
                color = view.edge_color(0, i, j)
                assert (color.blue() > color.red()) == (dW[i, j] > 0)
    assert "gradient" in view.edge_mode_label
    box.setCurrentIndex(box.findData("update"))
    window.render_now()
    update = session.last_update()[1]["W"]
    i, j = np.unravel_index(np.argmax(np.abs(update)), update.shape)
    color = view.edge_color(1, i, j)
    assert (color.blue() > color.red()) == (update[i, j] > 0)
    np.testing.assert_allclose(update, -0.1 * session.network.layers[1].dW, rtol=1e-12)


def test_gradient_check_passes_on_a_fresh_network(window, qtbot):
    dialog = window.open_gradient_check()
    qtbot.addWidget(dialog)
    assert dialog.result.passed
    assert set(dialog.verdicts()) == {"✓ pass"}
    assert dialog.table.rowCount() == 6


class BrokenTanh(Tanh):
    """A test double whose derivative forgets the square: 1 − tanh instead of 1 − tanh²."""

    def derivative(self, Z, A, out=None):
        return np.subtract(1.0, A, out=out)


def test_gradient_check_fails_with_a_broken_derivative(window, qtbot):
    data = datasets.load("moons", n_samples=40)
    net = Network([2, 4, 1], activations=[BrokenTanh(), "sigmoid"], seed=0)
    window.controller._install(TrainingSession(net, data))
    dialog = window.open_gradient_check()
    qtbot.addWidget(dialog)
    assert not dialog.result.passed
    verdicts = dialog.verdicts()
    assert verdicts[0] == "✗ FAIL" and verdicts[2] == "✓ pass"      # layer 1 W fails, output W passes
    assert "DISAGREES" in window.statusBar().currentMessage()


def test_divergence_shows_a_banner_that_offers_a_lower_rate(qtbot):
    w = make_window(qtbot, dataset="paraboloid", hidden=[8], activations=["relu"],
                    learning_rate=10.0)
    w.loop.play()
    qtbot.waitUntil(lambda: not w.loop.running, timeout=20000)
    assert w.banner.isVisible() and "learning rate" in w.banner.text.text()
    assert w.banner.lower_rate.isVisible()
    qtbot.mouseClick(w.banner.lower_rate, Qt.MouseButton.LeftButton)
    assert w.controller.session.learning_rate == pytest.approx(1.0)
    assert not w.banner.isVisible()


def test_dead_units_are_greyed_with_a_reason(window):
    session = window.controller.session
    window.controller.apply(activations=["relu", "tanh"])
    session = window.controller.session
    session.set_bias(0, 1, -1000.0)
    window.render_now()
    view = window.network_view
    assert (1, 1) in view.dead_units
    assert "DEAD" in view.tooltip_at(view.unit_rect(1, 1).center())
    assert "Dead ReLU" in window.banner.text.text()


def test_identical_units_and_vanishing_gradients_are_named(qtbot):
    w = make_window(qtbot, hidden=[3], activations=["tanh"], init="zeros")
    w.controller.session.run(5)
    w.render_now()
    assert set(w.network_view.identical_units) == {(1, 0), (1, 1), (1, 2)}
    assert "identical" in w.banner.text.text()
    deep = make_window(qtbot, hidden=[8] * 6, activations=["sigmoid"] * 6, init="xavier")
    deep.controller.session.run(3)
    deep.render_now()
    assert "Vanishing gradients: layer 1" in deep.banner.text.text()


def test_gradient_norm_plot_has_a_curve_per_layer(window):
    window.controller.session.run(10)
    window.render_now()
    curves = window.loss_plot.grad_curves
    assert len(curves) == 3
    x, y = curves[0].xData, curves[0].yData          # the data, not just what is in view
    assert len(x) == 11
    np.testing.assert_allclose(y[1:], window.controller.session.history["grad_norm_0"][1:])


def test_activation_panel_draws_g_its_slope_and_a_histogram_of_z(window, qtbot):
    window.tabs.setCurrentWidget(window.activation_view)
    panel = window.activation_view
    panel.select_layer(0)
    panel.refresh()
    z, g = panel.g_curve.getData()
    np.testing.assert_allclose(g, np.tanh(z), rtol=1e-12)
    _, slope = panel.slope_curve.getData()
    np.testing.assert_allclose(slope, 1 - np.tanh(z) ** 2, rtol=1e-9)
    heights = panel.histogram.opts["height"]
    assert np.sum(heights) > 0
    assert "tanh" in panel.plot.plotItem.titleLabel.text


def test_a_hidden_activation_panel_is_drawn_when_its_tab_is_shown(qtbot):
    window = make_window(qtbot, activations=["tanh", "relu"])
    panel = window.activation_view
    assert not panel.isVisible() and panel.g_curve.getData()[0] is None   # not drawn at start
    window.tabs.setCurrentWidget(panel)
    z, g = panel.g_curve.getData()
    assert z is not None and len(z) == 401
    window.tabs.setCurrentIndex(0)
    panel.select_layer(1)                        # (as the stepper does) while hidden
    window.tabs.setCurrentWidget(panel)
    assert "relu" in panel.plot.plotItem.titleLabel.text


def test_stepping_into_divergence_stops_cleanly(qtbot):
    w = make_window(qtbot, dataset="plane", noise=0.0, hidden=[4], activations=["identity"],
                    learning_rate=3.0)
    for _ in range(200):
        w.step_phase()
        if w.controller.session.diverged:
            break
    assert w.controller.session.diverged
    assert np.isfinite(w.controller.session.network.theta).all()


def test_more_classes_rebuild_without_errors(qtbot):
    w = make_window(qtbot, dataset="spiral", n_classes=2)
    w.data_panel.classes.setValue(4)
    w.render_now()
    assert w.controller.session.network.sizes[-1] == 4
    assert w.boundary.output.shape[2] == 4


def test_typed_learning_rates_are_read_as_written(window):
    panel = window.training_panel
    for text, expected in (("1e-3", 0.001), ("0.25", 0.25)):
        panel.learning_rate.setCurrentText(text)
        panel.learning_rate.lineEdit().editingFinished.emit()
        assert window.controller.session.learning_rate == pytest.approx(expected)
    for bad in ("0", "abc", "-1", "200"):
        panel.learning_rate.setCurrentText(bad)
        panel.learning_rate.lineEdit().editingFinished.emit()
        assert window.controller.session.learning_rate == pytest.approx(0.25)
        assert "learning rate" in window.statusBar().currentMessage()
