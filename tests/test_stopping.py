"""Early stopping with restore-best, and stop rules (epoch, target loss, target accuracy/R²)."""
import json
import zipfile

import numpy as np
import pytest

from backprop_lab.engine import Network, TrainingSession, datasets
from backprop_lab.engine.io.session_file import load_session, save_session


def overfitting(seed: int, **settings) -> TrainingSession:
    """A small noisy set and a big network: the validation loss bottoms out, then rises."""
    data = datasets.load("moons", n_samples=80, noise=0.5, test_fraction=0.25,
                         validation_fraction=0.25, seed=seed)
    net = Network([2, 32, 32, 1], hidden="relu", output="sigmoid", init="he", seed=seed)
    return TrainingSession(net, data, optimizer="adam", learning_rate=0.01, seed=seed,
                           **settings)


def xor(**settings) -> TrainingSession:
    net = Network([2, 4, 1], hidden="tanh", output="sigmoid", init="xavier", seed=1)
    return TrainingSession(net, datasets.load("xor"), loss="bce", optimizer="adam",
                           learning_rate=0.1, **settings)


def test_early_stopping_brings_back_the_epoch_of_the_lowest_validation_loss():
    triggered = 0
    for seed in range(10):
        session = overfitting(seed, early_stopping={"patience": 20, "restore_best": True})
        events = []
        session.subscribe(lambda event, _s: events.append(event))
        done = session.run(300)
        stop = session.stop_report
        if stop is None:
            continue
        triggered += 1
        assert stop.reason == "early_stopping" and stop.watched == "validation"
        assert stop.restored and "came back" in session.stopped and "stopped" in events
        assert done == stop.epoch < 300
        reference = overfitting(seed)             # the same run, without early stopping
        reference.run(stop.epoch)
        epochs, val = reference.history["epoch"], reference.history["val_loss"]
        seen = epochs <= stop.epoch
        best = int(epochs[seen][np.argmin(val[seen])])
        # The best epoch of the identical run without early stopping, and its loss, exactly.
        assert stop.best_epoch == best == session.epoch
        assert stop.best_loss == val[seen].min() == session.history.latest["val_loss"]
        assert session.history["epoch"][-1] == best           # the later epochs forgotten
        again = overfitting(seed)
        again.run(best)
        np.testing.assert_array_equal(session.network.theta, again.network.theta)
        np.testing.assert_array_equal(session.network.theta, session.timeline.theta_at(best))
        assert val[epochs == stop.epoch][0] >= stop.best_loss       # it rose meanwhile
    assert triggered >= 9


def test_without_restore_best_the_last_weights_stay_and_min_delta_counts():
    session = overfitting(3, early_stopping={"patience": 4, "min_delta": 1e9,
                                             "restore_best": False})
    assert session.run(100) == 4                 # nothing beats the start by 1e9
    assert session.epoch == 4 and not session.stop_report.restored
    assert "stay" in session.stopped and "by more than 1e+09" in session.stopped


def test_early_stopping_watches_test_then_training_loss():
    data = datasets.load("moons", n_samples=60, seed=1)
    session = TrainingSession(Network([2, 3, 1]), data, early_stopping={"patience": 1,
                                                                        "min_delta": 10.0})
    session.run(5)
    assert session.stop_report.watched == "test" and "test loss" in session.stopped
    session = xor(early_stopping={"patience": 2, "min_delta": 10.0})
    session.run(5)
    assert session.stop_report.watched == "train"


def test_a_stop_at_epoch_stops_once_and_training_goes_on_after_it():
    session = xor(stop_at={"epoch": 7})
    assert session.run(100) == 7 and session.epoch == 7
    assert session.stop_report.reason == "epoch" and "epoch 7" in session.stopped
    assert session.run(5) == 5 and session.epoch == 12 and session.stopped is None
    assert session.step() and session.stopped is None
    first = xor(stop_at={"epoch": 1})
    assert first.step() and first.stop_report.reason == "epoch"     # step(): False = diverged


def test_the_learning_rate_finder_is_not_stopped_by_the_sessions_rules():
    from backprop_lab.engine.analysis.lr_finder import lr_range_test
    ruled = lr_range_test(overfitting(1, early_stopping={"patience": 1}, stop_at={"epoch": 2}),
                          steps=40)
    free = lr_range_test(overfitting(1), steps=40)
    np.testing.assert_array_equal(ruled.losses, free.losses)
    assert ruled.stopped == free.stopped and len(free.losses) > 10


@pytest.mark.parametrize("rule, column", [({"loss": 0.1}, "train_loss"),
                                          ({"metric": 1.0}, "train_accuracy")])
def test_a_target_stops_training_when_it_is_first_reached(rule, column):
    session = xor(stop_at=rule)
    done = session.run(2000)
    assert session.stop_report.reason == next(iter(rule)) and done == session.epoch < 2000
    values = session.history[column]
    target = next(iter(rule.values()))
    reached = values <= target if column == "train_loss" else values >= target
    assert reached[-1] and not reached[:-1].any()           # the first epoch it was reached
    assert session.run(10) == 10                            # reached already: on it goes


def test_stop_settings_are_checked():
    session = xor()
    for bad in ({"patience": 0}, {"patience": 2.5}, {"min_delta": -1}, {"restore": True},
                {"restore_best": "yes"}, 20):
        with pytest.raises(ValueError):
            session.early_stopping = bad
    for bad in ({"epoch": 0}, {"loss": -1.0}, {"metric": float("nan")}, {"accuracy": 1.0}):
        with pytest.raises(ValueError):
            session.stop_at = bad
    session.stop_at = {"epoch": None}
    assert session.stop_at is None
    session.early_stopping = {"patience": 3}
    assert session.early_stopping == {"patience": 3, "min_delta": 0.0, "restore_best": True}


def test_stop_settings_are_saved_and_older_files_still_open(tmp_path):
    session = overfitting(0, early_stopping={"patience": 9, "min_delta": 0.001,
                                             "restore_best": False},
                          stop_at={"epoch": 50, "metric": 0.99}, dropout=0.1)
    session.run(3)
    save_session(session, tmp_path / "new.bplab")
    back = load_session(tmp_path / "new.bplab")
    assert back.settings() == session.settings()
    with zipfile.ZipFile(tmp_path / "new.bplab") as archive:
        assert json.loads(archive.read("manifest.json"))["version"] == 2

    old = xor()
    old.run(3)
    save_session(old, tmp_path / "plain.bplab")
    with zipfile.ZipFile(tmp_path / "plain.bplab") as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    assert json.loads(parts["manifest.json"])["version"] == 1      # older apps read it
    doc = json.loads(parts["session.json"])
    for key in ("dropout", "early_stopping", "stop_at"):           # as version 1 wrote it
        del doc["training"][key]
    parts["session.json"] = json.dumps(doc).encode()
    with zipfile.ZipFile(tmp_path / "old.bplab", "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    back = load_session(tmp_path / "old.bplab")
    assert back.dropout == 0.0 and back.early_stopping is None and back.stop_at is None
    np.testing.assert_array_equal(back.network.theta, old.network.theta)


def test_a_bad_stop_setting_in_a_file_is_refused(tmp_path):
    session = xor(stop_at={"epoch": 5})
    save_session(session, tmp_path / "a.bplab")
    with zipfile.ZipFile(tmp_path / "a.bplab") as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    doc = json.loads(parts["session.json"])
    doc["training"]["early_stopping"] = {"patience": -3}
    parts["session.json"] = json.dumps(doc).encode()
    with zipfile.ZipFile(tmp_path / "b.bplab", "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    with pytest.raises(ValueError, match="patience"):
        load_session(tmp_path / "b.bplab")
