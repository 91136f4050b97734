"""The window, driven like a user would (pytest-qt, offscreen)."""
import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, QSettings, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from backprop_lab.gui.model.config import Config
from backprop_lab.gui.window.main_window import MainWindow

pytestmark = pytest.mark.gui


@pytest.fixture
def window(make_window):
    w = make_window(Config(dataset="xor_clouds", hidden=[4, 3], activations=["tanh", "tanh"],
                           optimizer="adam", learning_rate=0.03, batch_size=10))
    return w


def click_point(qtbot, widget, point: QPointF):
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=point.toPoint())


def test_step_advances_the_epoch_and_the_loss_curve(window, qtbot):
    session = window.controller.session
    assert session.epoch == 0
    qtbot.mouseClick(window.transport.step_button, Qt.MouseButton.LeftButton)
    assert session.epoch == 1
    qtbot.waitUntil(lambda: len(window.loss_plot.train_curve.getData()[0]) == 2, timeout=20000)
    assert window.transport.epoch_label.text() == "Epoch 1"
    qtbot.keyClick(window, Qt.Key.Key_Right)
    assert session.epoch == 2


def test_play_then_pause_stops(window, qtbot):
    session = window.controller.session
    qtbot.mouseClick(window.transport.play_button, Qt.MouseButton.LeftButton)
    assert window.transport.play_button.text() == "Pause"
    qtbot.waitUntil(lambda: session.epoch > 20, timeout=20000)
    qtbot.mouseClick(window.transport.play_button, Qt.MouseButton.LeftButton)
    assert window.transport.play_button.text() == "Play"
    stopped = session.epoch
    qtbot.wait(300)
    assert session.epoch == stopped
    qtbot.waitUntil(lambda: window.transport.epoch_label.text() == f"Epoch {stopped:,}")


def test_space_toggles_play(window, qtbot):
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.loop.running
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert not window.loop.running


def test_speed_limits_epochs_per_second(window, qtbot):
    window.transport.speed.setValue(2)                  # 5 epochs per second
    assert window.loop.speed == 5
    window.loop.play()
    qtbot.wait(1000)
    window.loop.pause()
    assert 2 <= window.controller.session.epoch <= 8


def test_adding_layers_and_units_updates_the_graph(window, qtbot):
    view = window.network_view
    assert view.unit_counts == [2, 4, 3, 1]
    qtbot.mouseClick(window.architecture_panel.add_layer, Qt.MouseButton.LeftButton)
    assert view.unit_counts == [2, 4, 3, 3, 1]
    assert window.controller.session.network.sizes == [2, 4, 3, 3, 1]
    plus = next(b for b in view._buttons if b.kind == "units" and b.layer == 0 and b.delta > 0)
    click_point(qtbot, view, plus.rect.center())
    assert view.unit_counts == [2, 5, 3, 3, 1]
    minus = next(b for b in view._buttons if b.kind == "layers" and b.delta < 0)
    click_point(qtbot, view, minus.rect.center())
    assert view.unit_counts == [2, 5, 3, 1]
    assert "Rebuilt" in window.statusBar().currentMessage()


def test_six_hidden_layers_of_eight_fit(window, qtbot):
    window.controller.apply(hidden=[8] * 6, activations=["relu"] * 6)
    window.render_now()
    view = window.network_view
    assert view.unit_counts == [2] + [8] * 6 + [1]
    sizes = {round(r.width()) for col in view._rects for r in col}
    assert min(sizes) >= 20                      # thumbnails stay legible
    for col in view._rects:                      # nothing overlaps or leaves the widget
        for a, b in zip(col, col[1:]):
            assert a.bottom() < b.top()
        assert col[-1].bottom() <= view.height() and col[0].top() >= 0


def test_edge_color_follows_the_sign_of_its_weight(window, qtbot):
    view = window.network_view
    session = window.controller.session
    for value, positive in ((1.5, True), (-1.5, False)):
        session.set_weight(0, 1, 2, value)
        window.render_now()
        color = view.edge_color(0, 1, 2)
        assert (color.blue() > color.red()) is positive
        # ...and that is what is painted: sample the middle of the edge.
        image = view.grab().toImage()
        a, b = view.edge_segment(0, 1, 2)
        mid = ((a + b) / 2).toPoint()
        ratio = image.devicePixelRatio()
        pixel = image.pixelColor(int(mid.x() * ratio), int(mid.y() * ratio))
        assert (pixel.blue() > pixel.red()) is positive, pixel.name()
    session.set_weight(0, 1, 2, 0.0)
    neutral = view.edge_color(0, 1, 2)
    assert abs(neutral.red() - neutral.blue()) < 10


def test_typing_a_weight_changes_the_engine(window, qtbot):
    view = window.network_view
    a, b = view.edge_segment(1, 2, 0)
    click_point(qtbot, view, a + (b - a) * 0.5)
    editor = view.findChild(type(view.weight_editor.editor), "weightEditor") if view.weight_editor.editor else None
    assert editor is not None and editor.isVisible()
    editor.selectAll()
    qtbot.keyClicks(editor, "-2.75")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert window.controller.session.network.layers[1].W[2, 0] == -2.75
    assert view.weight_editor.editor is None


def test_escape_cancels_the_weight_editor(window, qtbot):
    view = window.network_view
    before = window.controller.session.network.theta.copy()
    editor = view.edit_weight(0, 0, 0)
    qtbot.keyClicks(editor, "9")
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert view.weight_editor.editor is None
    np.testing.assert_array_equal(window.controller.session.network.theta, before)


def test_output_heatmap_equals_the_engines_predictions(window, qtbot):
    session = window.controller.session
    session.run(30)
    window.render_now()
    grid = window.renderer.grid
    expected = session.network.forward(grid.inputs).reshape(grid.resolution, grid.resolution)
    np.testing.assert_allclose(window.boundary.output[:, :, 0], expected, rtol=1e-12)
    assert grid.resolution >= 150
    # The image shown is that probability through the color scale: bottom-left corner first.
    shown = window.boundary.displayed_image()
    lut = window.boundary.lut
    corner = lut[int(round(expected[0, 0] * (len(lut) - 1)))]
    np.testing.assert_array_equal(shown[0, 0], corner)
    # Orientation: grid row 0 is the lowest x₂.
    assert grid.ys[0] < grid.ys[-1] and np.allclose(grid.points[0], [grid.xs[0], grid.ys[0]])


def test_unit_hover_shows_its_equation_with_live_numbers(window):
    view = window.network_view
    layer = window.controller.session.network.layers[0]
    text = view.tooltip_at(view.unit_rect(1, 2).center())
    assert "z = " in text and f"{abs(layer.W[0, 2]):.3g}·x₁" in text
    assert f"{abs(layer.b[2]):.3g}" in text
    a, b = view.edge_segment(0, 0, 1)
    edge_text = view.tooltip_at((a + b) / 2)
    assert f"w = {layer.W[0, 1]:.6g}" in edge_text


def test_clicking_a_unit_inspects_it_and_overlays_its_heatmap(window, qtbot):
    view = window.network_view
    click_point(qtbot, view, view.unit_rect(1, 0).center())
    assert view.selected == (1, 0)
    window.render_now()
    assert "Layer 1, unit 1" in window.unit_inspector.text.text()
    assert "bias" in window.unit_inspector.text.text()
    assert window.boundary.overlay is not None and window.boundary.overlay[0] == "Layer 1, unit 1"
    click_point(qtbot, view, view.unit_rect(1, 0).center())     # again: deselect
    assert view.selected is None and window.boundary.overlay is None


def test_training_settings_apply_without_rebuilding(window, qtbot):
    session = window.controller.session
    session.run(5)
    panel = window.training_panel
    panel.learning_rate.setCurrentText("0.3")
    panel.learning_rate.lineEdit().editingFinished.emit()
    assert window.controller.session is session and session.epoch == 5
    assert session.learning_rate == 0.3
    panel.optimizer.setCurrentIndex(panel.optimizer.findData("sgd"))
    assert session.optimizer.name == "sgd"
    assert "next step" in window.statusBar().currentMessage()


def test_bad_learning_rate_is_refused_and_the_session_kept(window, qtbot):
    session = window.controller.session
    panel = window.training_panel
    panel.learning_rate.setCurrentText("-1")
    panel.learning_rate.lineEdit().editingFinished.emit()
    assert session.learning_rate == 0.03
    assert window.controller.session is session


def test_changing_data_rebuilds_and_says_so(window, qtbot):
    panel = window.data_panel
    panel.dataset.setCurrentIndex(panel.dataset.findData("paraboloid"))
    session = window.controller.session
    assert session.data.name == "paraboloid" and session.data.task == "regression"
    assert "Rebuilt the data" in window.statusBar().currentMessage()
    window.render_now()
    assert window.boundary.target_plot.isVisible()
    assert window.loss_plot.score.getAxis("left").labelText == "R²"


def test_features_change_the_input_units(window, qtbot):
    window.data_panel.feature_boxes["x1^2"].setChecked(True)
    assert window.network_view.unit_counts[0] == 3
    assert window.controller.session.network.n_inputs == 3
    for box in window.data_panel.feature_boxes.values():
        box.setChecked(False)
    assert window.controller.session.network.n_inputs >= 1      # the last one stays


def test_an_error_in_a_slot_is_shown_and_the_app_keeps_running(window, qtbot):
    from backprop_lab.gui.window.main_window import report_exception
    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        report_exception(window, type(exc), exc, exc.__traceback__)
    assert "boom" in window.statusBar().currentMessage()
    qtbot.mouseClick(window.transport.step_button, Qt.MouseButton.LeftButton)
    assert window.controller.session.epoch == 1


def test_divergence_pauses_and_explains(qtbot):
    w = MainWindow(Config(dataset="paraboloid", hidden=[8], activations=["relu"],
                          optimizer="sgd", learning_rate=10.0, batch_size=None))
    qtbot.addWidget(w)
    w.loop.play()
    qtbot.waitUntil(lambda: not w.loop.running, timeout=20000)
    assert w.controller.session.diverged
    assert "learning rate" in w.statusBar().currentMessage()
    assert np.isfinite(w.controller.session.network.theta).all()


def test_settings_persist_across_launches(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    first = MainWindow(Config(), settings)
    qtbot.addWidget(first)
    first.controller.apply(dataset="moons", hidden=[5], activations=["relu"], learning_rate=0.1)
    first.resize(700, 500)
    first.close()
    second = MainWindow(None, QSettings(str(tmp_path / "settings.ini"),
                                        QSettings.Format.IniFormat))
    qtbot.addWidget(second)
    c = second.controller.config
    assert (c.dataset, c.hidden, c.activations, c.learning_rate) == ("moons", [5], ["relu"], 0.1)
    assert (second.width(), second.height()) == (700, 500)


def test_damaged_settings_fall_back_to_defaults(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    settings.setValue("config", '{"dataset": "nope", "hidden": ["x"], "learning_rate": -5}')
    w = MainWindow(None, settings)
    qtbot.addWidget(w)
    assert w.controller.config.dataset == Config().dataset
    assert w.controller.session.learning_rate > 0


def test_loss_plot_hover_log_scale_and_current_values(window, qtbot):
    session = window.controller.session
    session.run(40)
    window.render_now()
    plot = window.loss_plot
    text = plot.hover_text(20.2)
    row = dict(zip(session.history.columns, session.history.table()[20]))
    assert text.startswith("epoch 20") and f"{row['train_loss']:.4g}" in text
    assert f"{session.history.latest['train_loss']:.4g}" in plot.values.text()
    # The values may be cut short: hovering them shows them whole.
    QApplication.sendEvent(plot.values, QHelpEvent(QEvent.Type.ToolTip, QPoint(5, 5),
                                                   plot.values.mapToGlobal(QPoint(5, 5))))
    assert QToolTip.isVisible() and QToolTip.text() == plot.values.text()
    QToolTip.hideText()
    qtbot.mouseClick(plot.log_box, Qt.MouseButton.LeftButton)
    assert plot.loss.getAxis("left").logMode
    assert window.actions["log_loss"].isChecked()


def test_discretize_and_test_point_toggles(window, qtbot):
    window.controller.session.run(20)
    window.render_now()
    boundary = window.boundary
    smooth_colors = len(np.unique(boundary.displayed_image().reshape(-1, 3), axis=0))
    qtbot.mouseClick(boundary.discrete_box, Qt.MouseButton.LeftButton)
    hard_colors = np.unique(boundary.displayed_image().reshape(-1, 3), axis=0)
    assert smooth_colors > 10 and len(hard_colors) <= 2
    assert boundary.test_points.isVisible()
    qtbot.mouseClick(boundary.test_box, Qt.MouseButton.LeftButton)
    assert not boundary.test_points.isVisible() and not window.actions["show_test"].isChecked()


def test_multiclass_output_is_colored_by_class(qtbot):
    w = MainWindow(Config(dataset="spiral", n_classes=3, hidden=[8], activations=["relu"]))
    qtbot.addWidget(w)
    session = w.controller.session
    assert session.network.sizes[-1] == 3 and session.loss == "cross_entropy"
    session.run(100)
    w.render_now()
    assert w.boundary.output.shape[2] == 3
    np.testing.assert_allclose(w.boundary.output.sum(axis=2), 1.0)
    assert w.boundary.displayed_image().shape[2] == 3


def test_output_plot_layout_settles_at_every_width():
    """Aspect-locked plots whose axes resize with their labels can oscillate forever; the
    event loop must settle at any window width (run in a subprocess so a hang fails)."""
    import subprocess
    import sys
    import textwrap
    script = textwrap.dedent("""
        import os
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from PySide6.QtWidgets import QApplication
        app = QApplication([])
        from backprop_lab.gui.model.config import Config
        from backprop_lab.gui.window.main_window import MainWindow
        for dataset in ("paraboloid", "moons"):
            w = MainWindow(Config(dataset=dataset))
            w.show()
            for width in range(900, 2000, 61):
                w.resize(width, 700 + width % 300)
                for _ in range(5):
                    app.processEvents()
            w.close()
        print("settled")
    """)
    root = __import__("pathlib").Path(__file__).resolve().parent.parent
    result = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True,
                            text=True, timeout=60)
    assert "settled" in result.stdout, result.stderr[-2000:]


def test_save_and_open_from_the_window(window, tmp_path):
    session = window.controller.session
    session.run(12)
    path = tmp_path / "run.bplab"
    assert window.files.save_to(path)
    assert not window.files.unsaved and "run.bplab" in window.windowTitle()
    window.controller.session.run(5)
    assert window.files.unsaved
    assert window.files.open_path(path, ask=False)
    assert window.controller.session.epoch == 12 and not window.files.unsaved
    bad = tmp_path / "bad.bplab"
    bad.write_bytes(b"nope")
    current = window.controller.session
    assert not window.files.open_path(bad, ask=False)
    assert window.controller.session is current
    assert "not a Backprop Lab session" in window.statusBar().currentMessage()


def test_wide_layers_are_drawn_as_compact_columns_with_their_strongest_edges(make_window):
    from backprop_lab.gui.views.network_painter import MAX_DRAWN_EDGES
    w = make_window(Config(dataset="digits", hidden=[64, 32], activations=["relu", "relu"],
                           loss="cross_entropy", batch_size=32))
    w.controller.session.run(2)
    w.render_now()
    view = w.network_view
    view.repaint()
    assert view.unit_counts == [64, 64, 32, 10]
    wide = view.unit_rect(1, 0)
    assert wide.height() < wide.width()                          # a thin bar, not a thumbnail
    assert view.unit_rect(3, 0).height() > 3 * wide.height()     # the output keeps its size
    subset = view.edge_subsets[1]                                # 64 × 32 = 2048 edges
    assert subset is not None and len(subset) == MAX_DRAWN_EDGES
    W = w.controller.session.network.layers[1].W
    strongest = np.sort(np.abs(W).ravel())[-MAX_DRAWN_EDGES:]
    np.testing.assert_allclose(np.sort(np.abs(W).ravel()[subset]), strongest)
    i, j = divmod(int(subset[-1]), 32)
    a, b = view.edge_segment(1, i, j)
    assert view.edge_at((a + b) / 2) == (1, i, j)


def test_the_loss_plot_keeps_only_the_rows_it_has_room_for(qtbot):
    from backprop_lab.gui.views.loss_plot import ROW_MIN_HEIGHT, LossPlot
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.show()
    plot.resize(400, plot.caption_bar.height() + int(1.5 * ROW_MIN_HEIGHT))    # one row
    qtbot.waitUntil(lambda: plot.rows_with_room() == 1)
    assert plot.loss.isVisible() and not plot.score.isVisible() and not plot.grads.isVisible()
    plot.resize(400, plot.caption_bar.height() + 4 * ROW_MIN_HEIGHT)          # all three
    qtbot.waitUntil(lambda: plot.rows_with_room() == 3)
    assert plot.score.isVisible() and plot.grads.isVisible()
    assert plot.grads.getAxis("bottom").labelText == "epoch"
    plot.show_gradient_norms(False)                                           # asked away
    assert not plot.grads.isVisible() and plot.score.getAxis("bottom").labelText == "epoch"


def test_the_epoch_axis_writes_thousands_short(qtbot):
    from backprop_lab.gui.views.loss_plot import LossPlot
    plot = LossPlot()
    qtbot.addWidget(plot)
    axis = plot.loss.getAxis("bottom")
    assert axis.tickStrings([0, 500, 1000], 1.0, 500) == ["0", "500", "1000"]
    assert axis.tickStrings([0, 5000, 10000, 15000], 1.0, 5000) == ["0", "5k", "10k", "15k"]
    assert axis.tickStrings([1_500_000], 1.0, 500_000) == ["1.5M"]
    assert axis.tickStrings([2000, 4000, 6000], 1.0, 2000) == ["2k", "4k", "6k"]
    assert axis.tickStrings([1000, 1500, 2000], 1.0, 500) == ["1000", "1500", "2000"]
    assert axis.tickStrings([10_000, 10_500], 1.0, 500) == ["10k", "10.5k"]
    close = axis.tickStrings([1_000_000, 1_000_050], 1.0, 50)     # zoomed in: never "1M" twice
    assert len(set(close)) == 2 and "1M" not in close


def test_the_loss_plot_gives_up_a_row_when_its_caption_wraps(qtbot):
    from backprop_lab.gui.views.loss_plot import ROW_MIN_HEIGHT, LossPlot
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.show()
    plot.resize(420, plot.caption_bar.height() + 3 * ROW_MIN_HEIGHT + 20)
    qtbot.waitUntil(lambda: plot.rows_with_room() == 3 and plot.grads.isVisible())
    height = plot.height()
    # A longer caption (the test and validation lines) wraps: the canvas shrinks, the widget not.
    plot.values.setText("<br>".join(["train loss 0.123456, accuracy 99.5%"] * 4))
    plot.caption_bar.relayout()
    qtbot.waitUntil(lambda: plot.canvas.height() < 3 * ROW_MIN_HEIGHT)
    assert plot.height() == height
    qtbot.waitUntil(lambda: not plot.grads.isVisible())


def test_a_short_loss_axis_spaces_its_labels_to_fit(qtbot):
    from PySide6.QtGui import QFontMetricsF

    from backprop_lab.gui.views.loss_plot import LossPlot
    plot = LossPlot()
    qtbot.addWidget(plot)
    axis = plot.loss.getAxis("left")
    line = QFontMetricsF(axis.style.get("tickFont") or axis.font()).height()
    for size in (35, 60, 300):
        major = axis.tickSpacing(0.0, 0.8, size)[0][0]
        assert major * size / 0.8 >= 1.2 * line          # labels at least a line apart
    assert axis.tickSpacing(0.0, 0.8, 35)[0][0] > axis.tickSpacing(0.0, 0.8, 300)[0][0]
    assert axis.tickSpacing(0.0, 0.8, 300)[0][0] <= 0.2   # a tall axis keeps its ticks


@pytest.mark.parametrize("scale", [1.0, 1.6])
def test_the_output_plot_has_room_above_for_its_top_tick_label(qtbot, qapp, scale):
    from PySide6.QtGui import QFontMetricsF

    from backprop_lab.gui.style import colors
    from backprop_lab.gui.views.boundary_view import BoundaryView
    normal = qapp.font()
    font = qapp.font()
    font.setPointSizeF(font.pointSizeF() * scale)         # presentation mode's type
    qapp.setFont(font)
    try:
        view = BoundaryView()
        qtbot.addWidget(view)
        view.set_theme(colors.LIGHT, scale)
        top = view.plot.getPlotItem().layout.getContentsMargins()[1]
        assert top >= QFontMetricsF(font).height() / 2    # a label centred on the top tick fits
    finally:
        qapp.setFont(normal)


@pytest.mark.parametrize("size", [(1920, 1080), (1024, 768)])
def test_an_opened_lesson_shows_its_whole_card_where_the_column_has_room(make_window, qtbot,
                                                                         size):
    """At 1920×1080 lesson 7's card was 200 pixels tall, its try buttons under scrolled
    text, while the output plot had room to spare; a small window keeps its plots."""
    from backprop_lab.gui.window.layout import PLOTS_HEIGHT
    from tests.stage_geometry import open_lesson
    w = make_window(Config(), size)
    card = w.lesson_card
    open_lesson(w, "07-one-step")
    column = sum(w.right_splitter.sizes())
    if size[1] >= 1000:
        qtbot.waitUntil(lambda: card.scroll.verticalScrollBar().maximum() == 0)
        assert card.try_buttons and all(b.isVisible() for b in card.try_buttons)
    else:
        qtbot.wait(50)
    assert column - card.height() >= PLOTS_HEIGHT


def test_a_long_status_message_ends_in_an_ellipsis_and_is_whole_in_its_tooltip(make_window):
    """Qt cut a message off at the status line mid-word ("…what you h") on the stage."""
    w = make_window(Config(), (1024, 768))
    bar = w.statusBar()
    line = w.access.status_line
    long = "Lesson: " + "a very long lesson title that goes on " * 6 + "(Ctrl+Z goes back)"
    bar.showMessage(long)
    shown = bar.shown_message()
    assert shown.endswith("…") and long.startswith(shown[:-1])
    room = bar.message_rect()
    assert room.right() < line.x() and bar.fontMetrics().horizontalAdvance(shown) <= room.width()
    assert bar.tooltip_text() == long
    bar.showMessage("Saved.")
    assert bar.shown_message() == "Saved." and bar.tooltip_text() == ""
    # right to left: the permanent widgets stand on the left, the message on their right
    bar.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    bar.showMessage(long)
    room = bar.message_rect()
    assert room.left() > line.geometry().right() and room.width() > bar.width() // 3
    assert bar.shown_message().endswith("…") and bar.tooltip_text() == long


def test_a_lesson_card_grows_into_the_output_plot_before_the_loss_rows(make_window, qtbot):
    """Lesson 19 asks to watch the ‖dW‖ row: its card took the room from both plots alike,
    and at 1600×900 the loss plot lost that row."""
    from backprop_lab.gui.window.layout import OUTPUT_HEIGHT
    from tests.stage_geometry import open_lesson
    w = make_window(Config(), (1600, 900))
    open_lesson(w, "19-vanishing-gradients")
    qtbot.wait(50)
    assert w.output_stack.height() >= OUTPUT_HEIGHT - 10
    assert w.loss_plot.shown_rows() == ("loss", "score", "grads")
