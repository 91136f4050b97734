"""Train / validation / test: the validation share of generated and imported data."""
import numpy as np
import pytest

from backprop_lab.engine import Network, TrainingSession, datasets
from backprop_lab.engine.io.csv_dataset import read_csv
from backprop_lab.engine.io.csv_split import resplit
from backprop_lab.engine.io.session_file import load_session, save_session


def rows(points, y) -> set:
    return {(*p, v) for p, v in zip(points.tolist(), y.tolist())}


def test_a_validation_share_comes_out_of_training_and_leaves_the_test_set_as_it_was():
    plain = datasets.load("moons", n_samples=200, test_fraction=0.3, seed=4)
    split = datasets.load("moons", n_samples=200, test_fraction=0.3, seed=4,
                          validation_fraction=0.2)
    assert (len(split.y_train), len(split.y_val), len(split.y_test)) == (100, 40, 60)
    np.testing.assert_array_equal(split.points_test, plain.points_test)
    every = rows(split.points_train, split.y_train) | rows(split.points_val, split.y_val)
    assert every == rows(plain.points_train, plain.y_train)
    assert not rows(split.points_val, split.y_val) & rows(split.points_train, split.y_train)
    assert split.params["validation_fraction"] == 0.2 and split.has_validation
    assert "validation_fraction" not in plain.params and not plain.has_validation
    assert plain.points_val.shape == (0, 2) and plain.y_val.dtype == plain.y_train.dtype
    assert split.X_val.shape == (40, 2)


@pytest.mark.parametrize("kwargs, words", [
    ({"validation_fraction": 1.0}, "validation_fraction"),
    ({"validation_fraction": -0.1}, "validation_fraction"),
    ({"test_fraction": 0.5, "validation_fraction": 0.5}, "add up to less than 1"),
    ({"n_samples": 4, "test_fraction": 0.4, "validation_fraction": 0.4}, "no training")])
def test_bad_validation_shares_are_refused(kwargs, words):
    with pytest.raises(ValueError, match=words):
        datasets.load("moons", **kwargs)


def test_csv_data_gets_a_validation_share_and_resplit_keeps_it(tmp_path):
    path = tmp_path / "points.csv"
    rng = np.random.default_rng(0)
    table = np.column_stack([rng.normal(size=(50, 2)), rng.integers(0, 2, 50)])
    path.write_text("a,b,label\n" + "\n".join(f"{a:.6f},{b:.6f},{c:.0f}" for a, b, c in table))
    data = read_csv(path, test_fraction=0.2, validation_fraction=0.2, seed=1)
    assert (len(data.y_train), len(data.y_val), len(data.y_test)) == (30, 10, 10)
    every = rows(data.points_train, data.y_train) | rows(data.points_val, data.y_val) \
        | rows(data.points_test, data.y_test)
    again = resplit(data, 0.3, 5)
    assert again.params["validation_fraction"] == 0.2 and len(again.y_val) == 10
    assert len(again.y_test) == 15
    assert rows(again.points_train, again.y_train) | rows(again.points_val, again.y_val) \
        | rows(again.points_test, again.y_test) == every
    pooled = resplit(again, 0.3, 5, validation_fraction=0.0)
    assert not pooled.has_validation and "validation_fraction" not in pooled.params
    np.testing.assert_array_equal(pooled.points_test, again.points_test)
    with pytest.raises(ValueError, match="validation_fraction"):
        read_csv(path, validation_fraction=1.5)


def test_the_history_gets_validation_columns_and_evaluate_a_validation_split():
    data = datasets.load("circles", n_samples=120, validation_fraction=0.25, seed=2)
    session = TrainingSession(Network([2, 6, 1], hidden="tanh"), data, loss="bce",
                              optimizer="adam", learning_rate=0.05)
    session.run(5)
    assert {"val_loss", "val_accuracy"} <= set(session.history.columns)
    scores = session.evaluate("validation")
    assert scores["loss"] == session.history.latest["val_loss"]
    assert scores["accuracy"] == session.history.latest["val_accuracy"]
    assert all(type(v) is float for v in scores.values())
    assert session.X_val.shape == (30, 2)
    plain = TrainingSession(Network([2, 6, 1]), datasets.load("circles"))
    assert "val_loss" not in plain.history.columns
    assert np.isnan(plain.evaluate("validation")["loss"])


def test_new_data_with_a_validation_set_adds_the_columns_and_keeps_the_history():
    session = TrainingSession(Network([2, 6, 1], hidden="tanh"),
                              datasets.load("moons", n_samples=100, seed=1))
    session.run(4)
    before = session.history["train_loss"]
    session.replace_data(datasets.load("moons", n_samples=100, seed=1, validation_fraction=0.2))
    assert "val_loss" in session.history.columns
    np.testing.assert_array_equal(session.history["train_loss"][:-1], before[:-1])
    assert np.isnan(session.history["val_loss"][:-1]).all()
    assert np.isfinite(session.history.latest["val_loss"])
    session.run(2)
    assert np.isfinite(session.history["val_loss"][-2:]).all()


def test_a_validation_set_survives_the_session_file(tmp_path):
    data = datasets.load("spiral", n_samples=90, n_classes=3, validation_fraction=0.2)
    session = TrainingSession(Network([2, 8, 3], output="softmax"), data,
                              loss="cross_entropy", optimizer="adam", learning_rate=0.02)
    session.run(3)
    save_session(session, tmp_path / "val.bplab")
    back = load_session(tmp_path / "val.bplab")
    np.testing.assert_array_equal(back.data.points_val, data.points_val)
    np.testing.assert_array_equal(back.data.y_val, data.y_val)
    np.testing.assert_array_equal(back.history["val_loss"], session.history["val_loss"])
    assert back.evaluate("validation") == session.evaluate("validation")
