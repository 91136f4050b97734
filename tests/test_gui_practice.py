"""Validation share, dropout, early stopping and stop rules in the window: the panels bind them,
Play stops and says why, the loss plot and the scores view show the validation set, and a
saved session, Undo and the command line keep them."""
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt

from backprop_lab.gui.cli import config_from_args, parse
from backprop_lab.gui.model.config import Config

pytestmark = pytest.mark.gui

PRACTICE = {"dataset": "moons", "n_samples": 200, "hidden": [8], "activations": ["tanh"],
            "optimizer": "sgd", "learning_rate": 0.3, "validation_fraction": 0.2}


def type_into(qtbot, field, text: str) -> None:
    field.setFocus()
    field.lineEdit().selectAll()
    qtbot.keyClicks(field.lineEdit(), text)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def test_the_panels_reach_the_session_and_refuse_what_is_out_of_range(make_window, qtbot):
    window = make_window(Config(**PRACTICE))
    session = window.controller.session
    assert len(session.data.y_val) == 40 and window.data_panel.validation.value() == 20
    fields = window.training_panel.stopping
    fields.dropout.setValue(0.25)
    fields.early.setChecked(True)
    fields.patience.setValue(12)
    fields.restore.setChecked(False)
    fields.stop_epoch.setValue(150)
    fields.stop_loss.setValue(0.05)
    fields.stop_metric.setValue(0.99)
    assert window.controller.session is session            # training settings: no rebuild
    assert session.dropout == 0.25
    assert session.early_stopping == {"patience": 12, "min_delta": 0.0, "restore_best": False}
    assert session.stop_at == {"epoch": 150, "loss": 0.05, "metric": 0.99}
    fields.stop_loss.setValue(0)                             # 0 is off
    assert session.stop_at == {"epoch": 150, "loss": None, "metric": 0.99}
    assert fields.restore.isVisibleTo(window)
    fields.early.setChecked(False)
    assert session.early_stopping is None and not fields.restore.isVisibleTo(window)

    type_into(qtbot, window.data_panel.validation, "95")
    assert "The validation share must be a number from 0 to 0.9, not 0.95" in \
        window.statusBar().currentMessage()
    assert window.controller.config.validation_fraction == 0.2
    window.data_panel.test.setValue(80)                      # 80 % + 20 %: nothing to train on
    assert "add up to 100 %" in window.statusBar().currentMessage()
    assert window.data_panel.test.value() == 30              # the panel shows the config again
    type_into(qtbot, fields.dropout, "0.99")
    assert "The dropout rate must be a number from 0 to 0.95" in \
        window.statusBar().currentMessage()
    assert window.controller.session.dropout == 0.25

    window.data_panel.validation.setValue(10)                # a data change: a new session
    assert len(window.controller.session.data.y_val) == 20
    assert window.controller.session.dropout == 0.25          # the settings come along
    assert window.controller.undo()
    assert len(window.controller.session.data.y_val) == 40
    assert window.data_panel.validation.value() == 20
    assert window.controller.redo() and window.data_panel.validation.value() == 10


def test_play_stops_at_a_stop_rule_and_says_why(make_window, qtbot):
    window = make_window(Config(**{**PRACTICE, "stop_epoch": 25}))
    window.toggle_play()
    qtbot.waitUntil(lambda: not window.loop.running, timeout=30_000)
    assert window.controller.session.epoch == 25
    assert "Stopped at epoch 25" in window.statusBar().currentMessage()
    assert window.transport.play_button.text() == "Play"
    window.toggle_play()                     # the rule has fired: training goes on past it
    qtbot.waitUntil(lambda: window.controller.session.epoch > 30, timeout=30_000)
    window.loop.pause()


def test_early_stopping_in_the_window_restores_the_best_epoch(make_window, qtbot):
    # Batch size 1 at a high rate: the validation loss is noisy, so a patience of 3 fires soon.
    window = make_window(Config(**{**PRACTICE, "batch_size": 1, "learning_rate": 1.0,
                                   "early_stopping": True, "patience": 3}))
    window.toggle_play()
    qtbot.waitUntil(lambda: not window.loop.running, timeout=30_000)
    session = window.controller.session
    stop = session.stop_report
    assert stop is not None and stop.reason == "early_stopping" and stop.restored
    assert session.epoch == stop.best_epoch < stop.epoch
    window.render_now()
    table = session.history.as_dict()
    assert table["epoch"][-1] == stop.best_epoch              # the plot ends at the best epoch
    assert np.nanmin(table["val_loss"]) == pytest.approx(stop.best_loss)
    assert session.evaluate("validation")["loss"] == pytest.approx(stop.best_loss)
    message = window.statusBar().currentMessage()
    assert (f"Stopped at epoch {stop.epoch}: no lower validation loss for 3 epochs; best epoch "
            f"{stop.best_epoch} restored.") in message
    assert window.timeline_bar.epochs[-1] == stop.best_epoch     # the timeline ends there too


def test_the_validation_curve_and_split_are_shown_only_with_a_validation_share(make_window):
    window = make_window(Config(**PRACTICE))
    window.controller.session.run(5)
    window.render_now()
    plot = window.loss_plot
    assert plot.legend_labels() == ["train", "test", "validation"]
    assert len(plot.val_curve.getData()[0]) == 6             # epochs 0…5
    assert "validation" in plot.values.text()
    window.show_metrics(True)
    window.render_now()
    view = window.predictions
    splits = [view.split.itemData(i) for i in range(view.split.count())]
    assert splits == ["test", "validation", "train"]
    view.split.setCurrentIndex(1)
    assert "(validation)" in view.matrix_title.text() and "/40 right" in view.matrix_title.text()
    window.data_panel.validation.setValue(0)
    window.render_now()
    assert plot.legend_labels() == ["train", "test"]
    assert len(plot.val_curve.getData()[0] or []) == 0
    assert [view.split.itemData(i) for i in range(view.split.count())] == ["test", "train"]


def test_a_saved_session_opens_with_its_practice_settings(make_window, tmp_path):
    settings = {"dropout": 0.3, "early_stopping": True, "patience": 7, "restore_best": False,
                "stop_epoch": 90, "stop_loss": 0.02, "stop_metric": 0.97}
    window = make_window(Config(**PRACTICE, **settings))
    window.controller.session.run(3)
    path = tmp_path / "practice.bplab"
    assert window.files.save_to(path)
    other = make_window(Config())
    assert other.files.open_path(path, ask=False)
    config = other.controller.config
    assert {name: getattr(config, name) for name in settings} == settings
    assert config.validation_fraction == pytest.approx(0.2)
    assert len(other.controller.session.data.y_val) == 40
    assert other.training_panel.stopping.patience.value() == 7
    assert other.data_panel.validation.value() == 20


def test_the_command_line_takes_the_practice_settings():
    args = parse(["--validation-fraction", "0.15", "--dropout", "0.2", "--early-stopping", "on",
                  "--patience", "30", "--restore-best", "off", "--stop-epoch", "500",
                  "--stop-loss", "0.01", "--stop-metric", "0.95"])
    config = config_from_args(args, Config())
    assert (config.validation_fraction, config.dropout, config.early_stopping, config.patience,
            config.restore_best) == (0.15, 0.2, True, 30, False)
    assert config.stop_at_spec() == {"epoch": 500, "loss": 0.01, "metric": 0.95}
    session = config.build_session()
    assert session.early_stopping == {"patience": 30, "min_delta": 0.0, "restore_best": False}
    assert session.dropout == 0.2 and session.data.has_validation


@pytest.mark.parametrize("argv, words", [
    (["--validation-fraction", "0.95"], "--validation-fraction: The validation share must be"),
    (["--test-fraction", "0.5", "--validation-fraction", "0.5"], "add up to 100 %"),
    (["--early-stopping", "maybe"], "Early stopping must be on or off"),
    (["--patience", "0"], "The patience must be a whole number from 1"),
])
def test_the_command_line_refuses_bad_practice_settings(argv, words, capsys):
    with pytest.raises(SystemExit) as exit_:
        parse(argv)
    assert exit_.value.code == 2 and words in capsys.readouterr().err


def test_phase_stepping_with_dropout_shows_the_mask_and_the_plots_do_not_drop(make_window):
    window = make_window(Config(**{**PRACTICE, "dropout": 0.5}))
    session = window.controller.session
    boundary = session.network.forward(session.X_train).copy()
    window.step_phase()                     # the forward phase of the hidden layer
    phase = window.stepper.current
    assert phase.name == "forward" and phase.layer == 0
    mask = phase.values["mask"]
    assert set(np.unique(mask)) <= {0.0, 1.0} and 0 < mask.mean() < 1
    captions = [view.caption.text() for view in window.step_inspector.views
                if view.isVisibleTo(window)]
    assert any("dropout mask" in caption for caption in captions)
    # Evaluation (what the plots draw) never drops units: the same outputs every time.
    assert np.array_equal(session.network.forward(session.X_train), boundary)


def test_an_imported_file_gets_the_validation_share_of_the_data_panel(make_window):
    window = make_window(Config(**PRACTICE))
    path = Path(__file__).parent / "data" / "csv" / "diabetes-like.csv"
    assert window.data_editing.import_csv(path)
    data = window.controller.session.data
    assert (len(data.y_test), len(data.y_val), len(data.y_train)) == (120, 80, 200)
    assert window.data_panel.validation.value() == 20
    assert "120 test, 80 validation samples" in window.statusBar().currentMessage()
    window.data_panel.validation.setValue(10)           # a new split of the same rows
    data = window.controller.session.data
    assert (len(data.y_test), len(data.y_val), len(data.y_train)) == (120, 40, 240)
