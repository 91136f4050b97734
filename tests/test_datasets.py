"""Datasets: reproducible, split as asked, with the features and labels the engine expects."""
import numpy as np
import pytest

from backprop_lab.engine import datasets
from backprop_lab.engine.data.features import FEATURES, transform


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


def planar(**kw):
    points = np.array([[150.0, 50.0], [200.0, 100.0], [175.0, 60.0]])
    return datasets.Dataset(name="p", task="regression", points_train=points,
                            y_train=np.zeros(3), points_test=np.zeros((0, 2)),
                            y_test=np.zeros(0), **kw)


def test_input_titles_of_generated_data_are_the_math_labels():
    data = datasets.load("circles").with_features(list(FEATURES))
    assert data.axis_titles == ("x₁", "x₂")
    assert data.input_titles == ("x₁", "x₂", "x₁²", "x₂²", "x₁x₂", "sin x₁", "sin x₂")
    assert datasets.load("moons").input_titles == ("x₁", "x₂")
    digits = datasets.load("digits", n_samples=20)
    assert digits.input_titles == digits.input_names and digits.input_titles[0] == "p0_0"


def test_input_titles_put_the_column_names_in_the_features():
    data = planar(input_labels=("height (cm)", "weight kg"),
                  features=("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"))
    assert data.axis_titles == ("height (cm)", "weight kg")
    assert data.input_titles == ("height (cm)", "weight kg", "height (cm)²", "weight kg²",
                                 "height (cm)·weight kg", "sin(height (cm))", "sin(weight kg)")
    assert data.input_names == data.features                       # the names stay
    odd = planar(input_labels=("a-b", "x2"), features=("x1^2", "x1*x2", "sin(x1)", "x2"))
    assert odd.axis_titles == ("a-b", "x₂")
    assert odd.input_titles == ("(a-b)²", "(a-b)·x₂", "sin(a-b)", "x₂")
    unnamed = datasets.Dataset(name="n", task="regression", points_train=np.zeros((2, 3)),
                               y_train=np.zeros(2), points_test=np.zeros((0, 3)),
                               y_test=np.zeros(0))
    assert unnamed.input_titles == ("x1", "x2", "x3")
    with pytest.raises(ValueError, match="not a 2-D dataset"):
        unnamed.axis_titles


def test_standardized_inputs_are_computed_from_the_params():
    scale = {"mean": [175.0, 75.0], "std": [25.0, 25.0]}
    data = planar(params={"standardize": scale}, features=("x1", "x2", "x1*x2"))
    z = (data.points_train - [175.0, 75.0]) / 25.0
    np.testing.assert_allclose(data.X_train, np.column_stack([z, z[:, 0] * z[:, 1]]))
    np.testing.assert_array_equal(planar().X_train, planar().points_train)
    assert data.X_test.shape == (0, 3)
