"""Drawing data by hand: adding and removing points, and training on the edited data."""
import numpy as np
import pytest

from backprop_lab.engine import Network, TrainingSession, datasets
from backprop_lab.engine.data.edits import add_point, blank_canvas, remove_nearest


def test_add_point_goes_to_the_training_set_with_its_class():
    data = blank_canvas()
    edited = add_point(data, (1.5, -2.0), 1)
    assert len(edited.y_train) == 3 and edited.y_train[-1] == 1
    np.testing.assert_array_equal(edited.points_train[-1], [1.5, -2.0])
    assert edited.task == "binary" and edited.name == "drawn"
    assert len(data.y_train) == 2                    # the original is untouched


def test_a_third_class_makes_the_data_multiclass():
    edited = add_point(blank_canvas(), (0.0, 3.0), 2)
    assert edited.task == "multiclass" and edited.n_classes == 3 and edited.n_outputs == 3


@pytest.mark.parametrize("point,label,message", [
    ((np.nan, 0.0), 0, "two finite coordinates"),
    ((1.0,), 0, "two finite coordinates"),
    ((0.0, 0.0), 8, "from 0 to 7"),
    ((0.0, 0.0), -1, "from 0 to 7"),
    ((0.0, 0.0), 1.5, "from 0 to 7"),
])
def test_bad_points_are_refused(point, label, message):
    with pytest.raises(ValueError, match=message):
        add_point(blank_canvas(), point, label)


def test_only_2d_classification_can_be_drawn_on():
    with pytest.raises(ValueError, match="regression"):
        add_point(datasets.load("paraboloid"), (0, 0), 0)


def test_remove_nearest_takes_the_closest_point_from_train_or_test():
    data = datasets.load("moons", n_samples=40, seed=0)
    target = data.points_test[3] + 0.001
    edited, index = remove_nearest(data, target)
    assert index == len(data.y_train) + 3
    assert len(edited.y_test) == len(data.y_test) - 1
    assert len(edited.y_train) == len(data.y_train)
    edited, index = remove_nearest(data, data.points_train[5])
    assert index == 5 and len(edited.y_train) == len(data.y_train) - 1


def test_the_last_training_point_stays():
    one = remove_nearest(blank_canvas(), (-3, 0))[0]
    with pytest.raises(ValueError, match="at least one training point"):
        remove_nearest(one, (3, 0))


def test_session_trains_on_with_the_same_weights_after_a_point_is_added():
    data = datasets.load("xor_clouds", n_samples=60, seed=2)
    net = Network([2, 6, 1], hidden="tanh", output="sigmoid", seed=0)
    session = TrainingSession(net, data, loss="bce", optimizer="adam", learning_rate=0.05,
                              batch_size=8)
    session.run(10)
    theta = net.theta.copy()
    session.replace_data(add_point(data, (4.0, 4.0), 1))
    np.testing.assert_array_equal(net.theta, theta)
    assert session.n_train == len(data.y_train) + 1
    assert session.history["epoch"][-1] == 10          # the epoch's row measured again
    session.run(5)
    assert session.epoch == 15


def test_drawn_data_is_learned():
    data = blank_canvas()
    rng = np.random.default_rng(0)
    for _ in range(20):
        data = add_point(data, rng.normal([-3, 0], 0.7), 0)
        data = add_point(data, rng.normal([3, 0], 0.7), 1)
    net = Network([2, 4, 1], hidden="tanh", output="sigmoid", seed=0)
    session = TrainingSession(net, data, loss="bce", optimizer="adam", learning_rate=0.05)
    session.run(200)
    assert session.evaluate()["accuracy"] == 1.0


def test_replace_data_that_does_not_fit_is_refused_and_nothing_changes():
    data = datasets.load("moons", n_samples=40)
    net = Network([2, 4, 1], hidden="tanh", output="sigmoid", seed=0)
    session = TrainingSession(net, data, loss="bce")
    with pytest.raises(ValueError, match="output"):
        session.replace_data(add_point(data, (0, 0), 2))
    assert session.data is data and session.n_train == len(data.y_train)
