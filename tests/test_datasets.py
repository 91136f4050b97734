"""Datasets: reproducible, split as asked, with the features and labels the engine expects."""
import numpy as np
import pytest

from engine import datasets
from engine.features import FEATURES, transform


@pytest.mark.parametrize("name", datasets.NAMES)
def test_every_dataset_loads_reproducibly(name):
    a = datasets.load(name, seed=5)
    b = datasets.load(name, seed=5)
    np.testing.assert_array_equal(a.points_train, b.points_train)
    np.testing.assert_array_equal(a.y_train, b.y_train)
    assert a.is_planar or name == "digits"
    if a.is_planar:
        assert a.X_train.shape == (len(a.y_train), 2)
        (x0, x1), (y0, y1) = a.domain
        pts = np.vstack([a.points_train, a.points_test])
        assert x0 < np.median(pts[:, 0]) < x1 and y0 < np.median(pts[:, 1]) < y1
    else:                                   # digits: 64 raw inputs, named
        assert a.X_train.shape == (len(a.y_train), a.points_train.shape[1]) == \
            (len(a.y_train), len(a.input_names))
    if a.is_classification:
        assert set(np.unique(a.y_train)) <= set(range(a.n_classes))
        assert a.y_train.dtype.kind == "i"
    else:
        assert a.task == "regression" and a.y_train.dtype.kind == "f"


def test_xor_is_the_truth_table():
    data = datasets.load("xor")
    assert len(data.y_train) == 4 and len(data.y_test) == 0
    table = {tuple(p): y for p, y in zip(data.points_train.tolist(), data.y_train.tolist())}
    assert table == {(0.0, 0.0): 0, (0.0, 1.0): 1, (1.0, 0.0): 1, (1.0, 1.0): 0}


def test_options_change_the_data():
    data = datasets.load("moons", n_samples=100, noise=0.0, test_fraction=0.25, seed=1)
    assert len(data.y_train) == 75 and len(data.y_test) == 25
    assert datasets.load("moons", seed=2).points_train.tolist() != \
        datasets.load("moons", seed=1).points_train.tolist()
    spiral = datasets.load("spiral", n_classes=4)
    assert spiral.task == "multiclass" and spiral.n_classes == 4 and spiral.n_outputs == 4


def test_regression_targets_follow_the_function():
    data = datasets.load("paraboloid", noise=0.0)
    np.testing.assert_allclose(data.y_train, (data.points_train ** 2).sum(axis=1))
    np.testing.assert_allclose(data.target_function(data.points_test), data.y_test)


def test_derived_features():
    data = datasets.load("circles").with_features(list(FEATURES))
    X = data.X_train
    p = data.points_train
    assert X.shape == (len(p), 7)
    np.testing.assert_allclose(X[:, 2], p[:, 0] ** 2)
    np.testing.assert_allclose(X[:, 4], p[:, 0] * p[:, 1])
    np.testing.assert_allclose(X[:, 6], np.sin(p[:, 1]))
    np.testing.assert_allclose(transform(p, ["x2"])[:, 0], p[:, 1])


@pytest.mark.parametrize("kwargs,message", [
    ({"name": "mnist"}, "unknown dataset"),
    ({"name": "moons", "n_samples": 0}, "n_samples"),
    ({"name": "moons", "n_samples": 2.5}, "n_samples"),
    ({"name": "moons", "noise": -1}, "noise"),
    ({"name": "moons", "noise": float("nan")}, "noise"),
    ({"name": "moons", "test_fraction": 1.0}, "test_fraction"),
    ({"name": "xor", "test_fraction": 0.9}, "no training samples"),
    ({"name": "moons", "n_classes": 3}, "exactly 2 classes"),
    ({"name": "spiral", "n_classes": 1}, "n_classes"),
    ({"name": "moons", "features": ["x3"]}, "unknown feature"),
    ({"name": "moons", "features": []}, "at least one"),
])
def test_bad_options_are_refused_with_a_clear_message(kwargs, message):
    with pytest.raises(ValueError, match=message):
        datasets.load(**kwargs)
