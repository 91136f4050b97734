"""A regression's targets standardized for training and reported in the data's own units."""
from pathlib import Path

import numpy as np
import pytest

from backprop_lab.engine import Network, TrainingSession, datasets
from backprop_lab.engine.io.csv_dataset import read_csv
from backprop_lab.engine.io.session_file import load_session, save_session
from backprop_lab.engine.training.imported_defaults import imported_data_settings
from backprop_lab.engine.training.metrics import mean_absolute_error, r_squared
from backprop_lab.gui.model.config import CUSTOM, Config

DIABETES = Path(__file__).parent / "data" / "csv" / "diabetes-like.csv"


def imported_session(data) -> TrainingSession:
    """A session on imported data as the window builds it: the panels' defaults (a fresh
    Config) for custom data, plus the engine's settings for imported data."""
    base = Config()
    config = Config(**{**base.__dict__, "dataset": CUSTOM, "custom_task": data.task,
                       "n_classes": max(data.n_classes, 2), "features": base.features,
                       "test_fraction": data.params["test_fraction"], "loss": ""}).normalized()
    config = config.changed(**imported_data_settings(data))
    return config.build_session(data)


def test_read_csv_standardizes_a_regression_target_over_every_row():
    data = read_csv(DIABETES, standardize=True)
    y = np.concatenate([data.y_train, data.y_test])
    assert data.task == "regression" and 25 <= y.min() and y.max() <= 346
    scale = data.params["target_scale"]
    assert scale["mean"] == pytest.approx(y.mean()) and scale["std"] == pytest.approx(y.std())
    assert "target_scale" not in read_csv(DIABETES).params            # only when asked
    np.testing.assert_allclose(data.scaled_targets(data.y_train) * scale["std"] + scale["mean"],
                               data.y_train)
    np.testing.assert_allclose(data.target_units(data.scaled_targets(data.y_test)), data.y_test)


def test_a_classification_keeps_its_labels(tmp_path):
    path = tmp_path / "iris.csv"
    path.write_text("a,b,species\n1,2,x\n2,1,y\n3,3,x\n0,1,y\n", encoding="utf-8")
    data = read_csv(path, standardize=True)
    assert "target_scale" not in data.params and data.target_scale is None
    with pytest.raises(ValueError, match="regression"):
        datasets.Dataset(**{**data.__dict__, "params": {"target_scale": {"mean": 0, "std": 1}}})


def test_the_network_trains_on_standardized_targets_and_reports_in_the_files_units():
    data = read_csv(DIABETES, standardize=True, seed=3)
    session = imported_session(data)
    mean, std = data.target_scale
    np.testing.assert_allclose(session.Y_train[:, 0], (data.y_train - mean) / std)
    session.run(30)
    predicted = session.predict(data.points_test)
    assert predicted.shape == data.y_test.shape and 25 < predicted.mean() < 346
    scores = session.evaluate("test")
    assert scores["r2"] == pytest.approx(r_squared(predicted[:, None], data.y_test), abs=1e-9)
    assert scores["mae"] == pytest.approx(mean_absolute_error(predicted[:, None], data.y_test))
    assert scores["mae"] > 10                 # in the file's units, not standardized ones
    # The loss is the one the network minimizes: ½·mean squared error of standardized targets.
    assert scores["loss"] == pytest.approx(0.5 * np.mean(((predicted - data.y_test) / std) ** 2))
    assert session.history.latest["test_r2"] == pytest.approx(scores["r2"])


def test_diabetes_like_data_reaches_r2_of_0_4_with_the_defaults_for_imported_data():
    """The issue's bar: R² ≥ 0.4 on the test rows in at least 9 of 10 splits (without the
    target scaling every prediction stays near 0 and R² below 0)."""
    reached = []
    for seed in range(10):
        session = imported_session(read_csv(DIABETES, standardize=True, seed=seed))
        session.run(100)
        reached.append(session.evaluate("test")["r2"])
    assert sum(r >= 0.4 for r in reached) >= 9, reached
    unscaled = imported_session(read_csv(DIABETES, standardize=False, seed=0))
    unscaled.run(50)
    assert unscaled.evaluate("test")["r2"] < 0.1


def test_generated_regression_is_not_rescaled():
    data = datasets.load("paraboloid")
    assert data.target_scale is None
    np.testing.assert_array_equal(data.scaled_targets(data.y_train), data.y_train)


def test_the_target_scale_survives_the_session_file(tmp_path):
    data = read_csv(DIABETES, standardize=True, seed=1)
    session = imported_session(data)
    session.run(3)
    save_session(session, tmp_path / "run.bplab")
    back = load_session(tmp_path / "run.bplab")
    assert back.data.target_scale == data.target_scale
    np.testing.assert_array_equal(back.predict(data.points_test),
                                  session.predict(data.points_test))
    assert back.evaluate("test") == session.evaluate("test")


@pytest.mark.parametrize("scale", [{"mean": 1.0, "std": 0.0}, {"mean": 1.0},
                                   {"mean": float("nan"), "std": 1.0}, [1, 2]])
def test_a_bad_target_scale_is_refused(scale):
    data = datasets.load("plane")
    with pytest.raises(ValueError, match="target_scale"):
        datasets.Dataset(**{**data.__dict__, "params": {"target_scale": scale}})


def test_the_settings_for_imported_data_apply_to_regressions_from_files_only():
    assert imported_data_settings(read_csv(DIABETES)) == {"l2": 0.01, "learning_rate": 0.01}
    assert imported_data_settings(datasets.load("paraboloid")) == {}
    assert imported_data_settings(datasets.load("moons")) == {}


def test_predict_checks_its_input():
    session = TrainingSession(Network([2, 4, 1], output="identity"), datasets.load("plane"))
    assert session.predict([0.5, 0.25]).shape == (1,)
    for bad in ([[1.0, 2.0, 3.0]], [[np.nan, 1.0]], "text"):
        with pytest.raises(ValueError):
            session.predict(bad)
    with pytest.raises(ValueError, match="probabilities"):
        session.predict_proba([[0.0, 0.0]])
