"""Bad arguments raise ValueError with a message that says what to change."""
import numpy as np
import pytest

from backprop_lab.engine import Network, TrainingSession, check_gradients, datasets


@pytest.mark.parametrize("kwargs,message", [
    ({"sizes": [2]}, "at least an input size"),
    ({"sizes": [2, 0, 1]}, "at least one unit"),
    ({"sizes": "abc"}, "sizes must be"),
    ({"sizes": [2, 4, 1], "hidden": "swish"}, "unknown activation"),
    ({"sizes": [2, 4, 1], "hidden": "softmax"}, "hidden layer 1 cannot use 'softmax'"),
    ({"sizes": [2, 4, 1], "activations": ["relu"]}, "give 2 activation"),
    ({"sizes": [2, 4, 1], "init": "magic"}, "unknown initializer"),
    ({"sizes": [2, 4, 1], "dtype": "float16"}, "dtype"),
])
def test_bad_networks(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Network(**kwargs)


def session_with(**kw):
    data = kw.pop("data", None) or datasets.load("moons")
    net = kw.pop("net", None) or Network([2, 4, 1], seed=0)
    return TrainingSession(net, data, **kw)


@pytest.mark.parametrize("kwargs,message", [
    ({"loss": "hinge"}, "unknown loss"),
    ({"optimizer": "lbfgs"}, "unknown optimizer"),
    ({"learning_rate": -0.1}, "positive"),
    ({"learning_rate": 0.0}, "positive"),
    ({"learning_rate": float("nan")}, "positive"),
    ({"batch_size": 0}, "batch size"),
    ({"batch_size": 2.5}, "batch size"),
    ({"l2": -1}, "L2"),
    ({"l1": "lots"}, "L1"),
    ({"loss": "cross_entropy"}, "needs a 'softmax' output"),
    ({"net": Network([2, 4, 1], output="identity"), "loss": "bce"}, "sigmoid"),
    ({"net": Network([3, 4, 1])}, "make the first layer size 2"),
    ({"net": Network([2, 4, 3], output="softmax")}, "needs 1 "),
    ({"data": datasets.load("paraboloid"), "loss": "bce"}, "regression targets need"),
])
def test_bad_sessions(kwargs, message):
    with pytest.raises(ValueError, match=message):
        session_with(**kwargs)


def test_softmax_with_mse_is_refused():
    net = Network([2, 3, 3], output="softmax")
    with pytest.raises(ValueError, match="cross_entropy"):
        net.gradients(np.zeros((2, 2)), [0, 1], loss="mse")


def test_bad_data_for_network_calls():
    net = Network([2, 3, 1], seed=0)
    with pytest.raises(ValueError, match=r"\(m, 2\)"):
        net.forward(np.zeros((4, 3)))
    with pytest.raises(ValueError, match="NaN"):
        net.forward([[0.0, np.nan]])
    with pytest.raises(ValueError, match="targets have shape"):
        net.gradients(np.zeros((4, 2)), np.zeros((4, 2)), loss="bce")
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        net.gradients(np.zeros((2, 2)), [0.0, 3.0], loss="bce")
    with pytest.raises(ValueError, match="NaN"):
        net.gradients(np.zeros((2, 2)), [0.0, np.nan], loss="mse")
    with pytest.raises(ValueError, match="samples"):
        net.gradients(np.zeros((3, 2)), [0.0, 1.0], loss="mse")
    soft = Network([2, 3, 3], output="softmax")
    with pytest.raises(ValueError, match="0…2"):
        soft.gradients(np.zeros((2, 2)), [0, 3], loss="cross_entropy")
    with pytest.raises(ValueError, match="whole numbers"):
        soft.gradients(np.zeros((2, 2)), [0.5, 1], loss="cross_entropy")


def test_bad_run_and_edit_arguments_leave_the_session_unchanged():
    session = session_with()
    before = session.network.theta.copy()
    for bad in (-1, 2.5, "10"):
        with pytest.raises(ValueError, match="epochs"):
            session.run(bad)
    with pytest.raises(ValueError, match="finite"):
        session.set_weight(0, 0, 0, float("inf"))
    with pytest.raises(ValueError, match="number"):
        session.set_bias(0, 0, "x")
    with pytest.raises(ValueError, match="split"):
        session.evaluate("holdout")
    np.testing.assert_array_equal(session.network.theta, before)
    assert session.epoch == 0


def test_gradient_check_rejects_bad_inputs():
    net = Network([2, 3, 1])
    with pytest.raises(ValueError, match="unknown loss"):
        check_gradients(net, np.zeros((2, 2)), [0, 1], loss="l1")
