"""Your data in and out, through the window: drawing points, importing and exporting CSV,
and the digits view (pytest-qt, offscreen)."""
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from backprop_lab.engine.io.csv_dataset import read_csv
from backprop_lab.gui.model.config import CUSTOM, Config
from backprop_lab.gui.window.main_window import MainWindow

pytestmark = pytest.mark.gui
BAD = Path(__file__).parent / "data" / "bad"


@pytest.fixture
def window(make_window):
    w = make_window(Config(dataset="moons", hidden=[4], activations=["tanh"], optimizer="adam",
                           learning_rate=0.05, batch_size=None), size=(1500, 950))
    return w


def click_plane(qtbot, window, x, y, button=Qt.MouseButton.LeftButton,
                modifier=Qt.KeyboardModifier.NoModifier):
    plot = window.boundary.plot
    scene = plot.getViewBox().mapViewToScene(QPointF(x, y))
    pos = plot.mapFromScene(scene)
    qtbot.mouseClick(plot.viewport(), button, modifier, QPoint(pos.x(), pos.y()))


# ---------------------------------------------------------------------- drawing
def test_drawing_adds_points_of_each_class_where_clicked(window, qtbot):
    session = window.controller.session
    n = session.n_train
    theta = session.network.theta.copy()
    qtbot.mouseClick(window.boundary.draw_box, Qt.MouseButton.LeftButton)
    assert window.boundary.drawing
    click_plane(qtbot, window, 2.0, 3.0)
    click_plane(qtbot, window, -2.0, -3.0, Qt.MouseButton.RightButton)
    click_plane(qtbot, window, 1.0, -1.0, modifier=Qt.KeyboardModifier.ShiftModifier)
    session = window.controller.session
    assert session.n_train == n + 3
    np.testing.assert_allclose(session.data.points_train[-3], [2.0, 3.0], atol=0.1)
    np.testing.assert_allclose(session.data.points_train[-2], [-2.0, -3.0], atol=0.1)
    assert session.data.y_train[-3:].tolist() == [0, 1, 1]
    np.testing.assert_array_equal(session.network.theta, theta)     # the network carried on
    assert window.controller.config.dataset == CUSTOM
    assert window.data_panel.dataset.currentText().startswith("Your data")
    assert not window.data_panel.noise.isEnabled()
    # the new points are on the plot
    shown = window.boundary.train_points.getData()
    assert len(shown[0]) == n + 3


def test_number_key_picks_a_new_class_and_the_output_layer_grows(window, qtbot):
    window.boundary.set_drawing(True)
    click_plane(qtbot, window, 0.0, 0.0)                    # focus the plot
    qtbot.keyClick(window.boundary.plot, Qt.Key.Key_2)
    assert window.boundary.draw_class == 2
    click_plane(qtbot, window, 4.0, 4.0)
    session = window.controller.session
    assert session.data.n_classes == 3 and session.data.y_train[-1] == 2
    assert session.network.sizes[-1] == 3 and session.network.output_activation == "softmax"
    assert session.loss == "cross_entropy"
    assert window.boundary.drawing                          # still drawing after the rebuild


def test_ctrl_click_removes_the_nearest_point(window, qtbot):
    session = window.controller.session
    target = session.data.points_train[4].copy()
    n_train, n_test = session.n_train, len(session.data.y_test)
    window.boundary.set_drawing(True)
    click_plane(qtbot, window, *(target + 0.01), modifier=Qt.KeyboardModifier.ControlModifier)
    data = window.controller.session.data
    assert len(data.y_train) + len(data.y_test) == n_train + n_test - 1
    assert not any(np.allclose(p, target) for p in data.points_train)


def test_clicks_trace_samples_when_not_drawing(window, qtbot):
    session = window.controller.session
    n = session.n_train
    click_plane(qtbot, window, *session.data.points_train[3])
    assert window.view_state.traced_sample == 3 and session.n_train == n


def test_new_drawing_trains_to_separate_the_drawn_classes(window, qtbot):
    window.data_editing.new_drawing()
    assert window.boundary.drawing and window.controller.session.n_train == 2
    for x in (-4, -3.5, -3):
        click_plane(qtbot, window, x, 1.0)
        click_plane(qtbot, window, -x, -1.0, Qt.MouseButton.RightButton)
    session = window.controller.session
    assert session.n_train == 8
    session.run(300)
    assert session.evaluate()["accuracy"] == 1.0
    window.render_now()
    out = window.boundary.output[:, :, 0]               # P(class 1) over the plane
    assert out[80, 150] > 0.5 > out[80, 10]             # right side blue, left side orange


def test_drawing_is_off_for_regression(window):
    window.controller.apply(dataset="paraboloid")
    assert not window.boundary.draw_box.isEnabled()
    window.boundary.set_drawing(True)
    assert not window.boundary.drawing


# ---------------------------------------------------------------------- CSV
def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_import_a_2d_csv_with_string_labels(window, tmp_path):
    rng = np.random.default_rng(0)
    rows = ["x,y,kind"] + [f"{x:.3f},{y:.3f},{'cat' if x * y > 0 else 'dog'}"
                           for x, y in rng.uniform(-3, 3, (80, 2))]
    path = write(tmp_path, "pets.csv", "\n".join(rows))
    assert window.data_editing.import_csv(path, test_fraction=0.25)
    session = window.controller.session
    assert session.data.name == "pets" and session.data.class_names == ("cat", "dog")
    assert session.n_train == 60 and len(session.data.y_test) == 20
    assert window.output_stack.currentWidget() is window.boundary
    assert window.data_panel.dataset.currentText() == "Your data: pets"
    assert session.network.sizes[0] == 2 and session.network.sizes[-1] == 1


def test_import_a_4d_csv_shows_the_predictions_view(window, tmp_path):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(90, 4))
    y = (X[:, 0] + X[:, 2] > 0).astype(int) + (X[:, 1] > 1)
    rows = ["a,b,c,d,label"] + [",".join(f"{v:.4f}" for v in x) + f",{c}" for x, c in zip(X, y)]
    assert window.data_editing.import_csv(write(tmp_path, "four.csv", "\n".join(rows)))
    session = window.controller.session
    assert session.network.sizes[0] == 4 and session.data.n_classes == 3
    window.render_now()
    assert window.output_stack.currentWidget() is window.predictions
    assert window.predictions.matrix.isVisibleTo(window.predictions)
    matrix = window.predictions.matrix.matrix
    assert matrix.shape == (3, 3) and matrix.sum() == len(session.data.y_test)
    assert not any(box.isEnabled() for box in window.data_panel.feature_boxes.values())
    session.run(100)
    window.render_now()
    assert np.trace(window.predictions.matrix.matrix) > 0.7 * matrix.sum()


@pytest.mark.parametrize("bad", sorted(BAD.glob("csv-*.csv"))[:6], ids=lambda p: p.name)
def test_a_bad_csv_is_refused_with_a_message_and_nothing_changes(window, bad):
    session = window.controller.session
    theta = session.network.theta.copy()
    config = window.controller.config
    assert not window.data_editing.import_csv(bad)
    message = window.statusBar().currentMessage()
    assert bad.name in message and "Cannot import" in message
    assert window.controller.session is session and window.controller.config == config
    np.testing.assert_array_equal(session.network.theta, theta)


def test_export_csv_round_trips(window, tmp_path):
    path = tmp_path / "moons.csv"
    assert window.exports.export_csv(path)
    data = window.controller.session.data
    back = read_csv(path, test_fraction=0.0)
    every = np.vstack([data.points_train, data.points_test])
    labels = np.concatenate([data.y_train, data.y_test])
    # train rows then test rows, exactly (floats written with repr)
    np.testing.assert_array_equal(np.sort(back.points_train, axis=0), np.sort(every, axis=0))
    assert sorted(zip(map(tuple, back.points_train), back.y_train.tolist())) == \
        sorted(zip(map(tuple, every), labels.tolist()))


def test_custom_data_survives_save_and_open(window, tmp_path, qtbot):
    window.boundary.set_drawing(True)
    click_plane(qtbot, window, 1.0, 1.0, Qt.MouseButton.RightButton)
    path = tmp_path / "drawn.bplab"
    assert window.files.save_to(path)
    other = MainWindow(Config(dataset="xor"))
    qtbot.addWidget(other)
    assert other.files.open_path(path, ask=False)
    assert other.controller.config.dataset == CUSTOM
    np.testing.assert_array_equal(other.controller.session.data.points_train,
                                  window.controller.session.data.points_train)
    # changing the test split re-splits the drawn data instead of losing it
    other.controller.apply(test_fraction=0.5)
    data = other.controller.session.data
    assert len(data.y_train) + len(data.y_test) == len(window.controller.session.data.y_train) \
        + len(window.controller.session.data.y_test)


# ---------------------------------------------------------------------- digits
def test_digits_view_shows_weight_images_confusion_matrix_and_samples(qtbot):
    w = MainWindow(Config(dataset="digits", n_samples=1797, noise=0.0, n_classes=10,
                          hidden=[16], activations=["relu"],
                          optimizer="adam", learning_rate=0.01, batch_size=32))
    qtbot.addWidget(w)
    w.resize(1600, 1000)
    w.show()
    qtbot.waitExposed(w)
    w.controller.session.run(10)
    w.render_now()
    session = w.controller.session
    assert session.network.sizes == [64, 16, 10]
    assert w.output_stack.currentWidget() is w.predictions
    view = w.predictions
    assert len(view.weights.items) == 16
    assert view.weights.items[0][0].shape == (8, 8, 3)
    assert view.matrix.matrix.shape == (10, 10)
    assert view.matrix.names == tuple("0123456789")
    accuracy = np.trace(view.matrix.matrix) / view.matrix.matrix.sum()
    assert accuracy > 0.85
    assert len(view.samples.items) == 24
    # captions say the predicted digit, with ✗ and the truth when wrong
    assert all(c[1][0] in "0123456789" for c in view.samples.items)
    # first-layer units show their weights as thumbnails in the graph
    assert len(w.network_view.thumbnails[1]) == 16
    view.split.setCurrentIndex(1)                   # training set
    assert view.matrix.matrix.sum() == session.n_train


def test_a_one_input_csv_gets_the_predictions_view(window, tmp_path):
    rows = ["t,label"] + [f"{i / 10},{int(i > 25)}" for i in range(50)]
    assert window.data_editing.import_csv(write(tmp_path, "one.csv", "\n".join(rows)))
    window.render_now()
    session = window.controller.session
    assert session.network.sizes[0] == 1
    assert window.output_stack.currentWidget() is window.predictions
    assert window.predictions.matrix.matrix.sum() == len(session.data.y_test)
    window.controller.apply(dataset="circles")            # and back to 2-D data
    window.render_now()
    assert window.output_stack.currentWidget() is window.boundary
    assert window.boundary.output is not None


def test_adding_a_new_class_says_the_weights_start_again(window, qtbot):
    window.controller.session.run(20)
    window.boundary.set_drawing(True)
    assert window.data_editing.add_point(0.0, 0.0, 2)
    message = window.statusBar().currentMessage()
    assert "3 classes now" in message and "new weights" in message
    assert window.controller.session.epoch == 0


def test_digits_weights_title_follows_the_architecture(make_window):
    w = make_window(Config(dataset="digits", n_samples=300, noise=0.0, n_classes=10, hidden=[],
                           activations=[], optimizer="adam"))
    assert "no hidden layer" in w.predictions.weights_title.text()
    w.architecture_panel.change_layers(+1)
    w.render_now()
    assert w.controller.session.network.sizes[1:-1] != []
    assert "hidden unit" in w.predictions.weights_title.text()
    assert len(w.predictions.weights.items) == w.controller.session.network.sizes[1]


def test_import_dialog_checks_the_file_live(qtbot, tmp_path):
    from PySide6.QtWidgets import QDialogButtonBox

    from backprop_lab.gui.dialogs.csv_import_dialog import CsvImportDialog
    rows = ["id,height,weight,note,size"] + [
        f"{i + 1},{150 + i},{50 + i % 7},{i % 3},{'S' if i < 20 else 'L'}" for i in range(40)]
    path = write(tmp_path, "people.csv", "\n".join(rows))
    dialog = CsvImportDialog(path)
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    # the id column is flagged and ignored by default, with the reason in the table
    assert dialog.columns.item(0, 0).text() == "id" and dialog.roles()[0] == "ignore"
    assert dialog.columns.item(0, 4).text()
    assert ok.isEnabled() and dialog.dataset.n_inputs == 3
    assert "2 classes" in dialog.verdict.text() and "standardized" in dialog.verdict.text()
    dialog.role_boxes[3].setCurrentIndex(dialog.role_boxes[3].findData("target"))   # "note"
    assert dialog.target_index() == 3
    assert dialog.dataset.input_labels[-2:] == ("size=L", "size=S")  # text "size": one-hot
    dialog.role_boxes[4].setCurrentIndex(dialog.role_boxes[4].findData("target"))   # back
    dialog.task.setCurrentIndex(dialog.task.findData("regression"))  # but text is no number
    assert dialog.dataset is None and not ok.isEnabled()
    dialog.task.setCurrentIndex(dialog.task.findData(None))
    assert dialog.dataset is not None and ok.isEnabled()
    dialog.role_boxes[0].setCurrentIndex(dialog.role_boxes[0].findData("input"))    # leakage
    assert dialog.dataset.n_inputs == 4


def test_import_dialog_sets_the_validation_share_and_the_session_keeps_it(window, tmp_path):
    """The dialog showed no validation field: the panel's share was applied after the import,
    so the counts it showed were wrong, and 0 % could not be chosen there."""
    from backprop_lab.gui.dialogs.csv_import_dialog import CsvImportDialog
    rows = ["a,b,label"] + [f"{i % 13},{i % 7},{i % 2}" for i in range(100)]
    path = write(tmp_path, "rows.csv", "\n".join(rows))
    window.controller.apply(validation_fraction=0.2)
    dialog = CsvImportDialog(path, 0.3, 0, window, validation_fraction=0.2)
    assert dialog.validation.value() == 20
    assert len(dialog.dataset.y_val) == 20 and "20 to validate" in dialog.verdict.text()
    dialog.validation.setValue(70)                      # with 30 % testing: no rows to train
    assert dialog.dataset is None and "Cannot import" in dialog.verdict.text()
    dialog.validation.setValue(0)                       # none, although the panel says 20 %
    assert not dialog.dataset.has_validation
    assert window.data_editing.use_data(dialog.dataset, split_chosen=True)    # as on Import
    session = window.controller.session
    assert not session.data.has_validation and window.controller.config.validation_fraction == 0
    assert len(session.data.y_train) + len(session.data.y_test) == 100


def test_import_dialog_reports_missing_values_and_decimal_commas(qtbot):
    from backprop_lab.gui.dialogs.csv_import_dialog import CsvImportDialog
    data = Path(__file__).resolve().parent / "data" / "csv"
    dialog = CsvImportDialog(data / "missing-values.csv")
    qtbot.addWidget(dialog)
    assert dialog.options()["missing"] == "drop" and dialog.dataset is not None
    assert "missing" in dialog.verdict.text().lower()
    dialog = CsvImportDialog(data / "semicolon-decimal-comma.csv")
    qtbot.addWidget(dialog)
    assert dialog.dataset is not None and "comma" in dialog.about.text().lower()


def test_standardized_import_learns_data_in_real_units(window, tmp_path):
    rng = np.random.default_rng(3)
    height = rng.uniform(150, 200, 120)
    weight = rng.uniform(45, 110, 120)
    label = (weight - 0.9 * (height - 100) > 0).astype(int)
    rows = ["height (cm),weight (kg),heavy"] + [f"{h:.1f},{w:.1f},{c}"
                                                for h, w, c in zip(height, weight, label)]
    path = write(tmp_path, "hw.csv", "\n".join(rows))
    assert window.data_editing.import_csv(path, standardize=True)
    session = window.controller.session
    session.run(150)
    assert session.evaluate()["accuracy"] > 0.9
    # the plot keeps the file's units and names
    (x0, x1), _ = session.data.domain
    assert x0 < 150 < 200 < x1
    assert window.boundary.plot.getAxis("bottom").labelText == "height (cm)"


def test_scores_view_for_2d_data_shows_the_confusion_matrix_and_per_class_scores(window):
    from backprop_lab.engine.training.metrics import (confusion_matrix, precision_recall,
                                                      predicted_classes)
    window.controller.session.run(20)
    window.actions["metrics"].trigger()
    window.render_now()
    assert window.output_stack.currentWidget() is window.predictions
    data = window.controller.session.data
    A = window.controller.session.network.forward(data.X_test)
    matrix = confusion_matrix(data.y_test, predicted_classes(A), 2)
    np.testing.assert_array_equal(window.predictions.matrix.matrix, matrix)
    precision, _recall = precision_recall(matrix)
    assert f"{precision[0]:.0%}" in window.predictions.scores.text()
    window.actions["metrics"].trigger()                        # back to the output plot
    assert window.output_stack.currentWidget() is window.boundary


def test_new_data_with_fewer_inputs_never_meets_the_old_network_in_the_scores_view(window):
    window.controller.apply(dataset="digits", hidden=[8])
    window.render_now()                                  # digits: the scores view, 64 inputs
    window.controller.apply(dataset="xor", hidden=[4])   # 2 inputs, network not drawn yet
    window.presentation.set_presenting(True)             # a restyle redraws the scores view
    window.presentation.set_presenting(False)
    window.actions["metrics"].trigger()
    window.render_now()
    data = window.controller.session.data
    assert window.predictions.matrix.matrix.sum() == len(data.y_test)     # xor's test split


def test_precision_and_recall_follow_their_definitions():
    from backprop_lab.engine.training.metrics import precision_recall
    matrix = np.array([[5, 1, 0], [2, 3, 0], [0, 0, 0]])
    precision, recall = precision_recall(matrix)
    np.testing.assert_allclose(precision[:2], [5 / 7, 3 / 4])
    np.testing.assert_allclose(recall[:2], [5 / 6, 3 / 5])
    assert np.isnan(precision[2]) and np.isnan(recall[2])
