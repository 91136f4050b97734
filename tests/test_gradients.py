"""Backprop against central differences (float64), for every activation × loss × initializer,
on random architectures; and proof that the checker catches a wrong derivative."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from backprop_lab.engine import Network, check_gradients
from backprop_lab.engine.nn.activations import HIDDEN_ACTIVATIONS, ReLU, Sigmoid, Tanh
from backprop_lab.engine.nn.initializers import INITIALIZERS
from backprop_lab.engine.nn.losses import LOSSES

OUTPUTS_FOR_LOSS = {name: loss.allowed_outputs for name, loss in LOSSES.items()}


def make_problem(rng, n_in, n_out, loss, m=7):
    X = rng.normal(size=(m, n_in))
    if loss == "cross_entropy":
        y = rng.integers(0, n_out, size=m)
    elif loss == "bce":
        y = rng.integers(0, 2, size=(m, n_out)).astype(float)
    else:
        y = rng.normal(size=(m, n_out))
    return X, y


def randomize(net, rng, scale=0.8):
    """Random weights and biases (biases too, so every gradient is non-trivial)."""
    for layer in net.layers:
        layer.W = rng.normal(scale=scale, size=layer.W.shape)
        layer.b = rng.normal(scale=0.3, size=layer.b.shape)


@pytest.mark.parametrize("hidden", HIDDEN_ACTIVATIONS)
@pytest.mark.parametrize("loss,output", [(loss, out) for loss, outs in OUTPUTS_FOR_LOSS.items()
                                         for out in outs])
def test_every_activation_and_loss_matches_finite_differences(hidden, loss, output):
    rng = np.random.default_rng(hash((hidden, loss, output)) % 2**32)
    n_out = 3 if output == "softmax" else 2
    net = Network([3, 5, 4, n_out], hidden=hidden, output=output, seed=1)
    randomize(net, rng)
    X, y = make_problem(rng, 3, n_out, loss)
    result = check_gradients(net, X, y, loss=loss)
    assert result.passed, dict(result)
    assert max(result.values()) < 1e-6


@pytest.mark.parametrize("init", INITIALIZERS)
@pytest.mark.parametrize("loss,output", [("bce", "sigmoid"), ("mse", "identity"),
                                         ("cross_entropy", "softmax")])
def test_every_initializer_gives_checkable_gradients(init, loss, output):
    rng = np.random.default_rng(7)
    n_out = 3 if output == "softmax" else 1
    net = Network([2, 6, n_out], hidden="tanh", output=output, init=init, seed=3)
    X, y = make_problem(rng, 2, n_out, loss, m=10)
    result = check_gradients(net, X, y, loss=loss)
    assert result.passed, dict(result)


@pytest.mark.parametrize("l1,l2", [(0.0, 0.1), (0.05, 0.0), (0.02, 0.3)])
def test_regularized_gradients_match(l1, l2):
    rng = np.random.default_rng(11)
    net = Network([2, 4, 3, 1], hidden="leaky_relu", output="sigmoid", seed=0)
    randomize(net, rng)
    X, y = make_problem(rng, 2, 1, "bce")
    assert check_gradients(net, X, y, loss="bce", l1=l1, l2=l2).passed


@settings(max_examples=40, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 6), min_size=2, max_size=5),
    hidden=st.lists(st.sampled_from(HIDDEN_ACTIVATIONS), min_size=4, max_size=4),
    pair=st.sampled_from([("bce", "sigmoid"), ("mse", "identity"), ("mse", "tanh"),
                          ("cross_entropy", "softmax"), ("mse", "sigmoid")]),
    m=st.integers(1, 12),
    seed=st.integers(0, 10_000),
)
def test_random_architectures_match_finite_differences(sizes, hidden, pair, m, seed):
    loss, output = pair
    if output == "softmax":
        sizes[-1] = max(sizes[-1], 2)
    rng = np.random.default_rng(seed)
    acts = hidden[: len(sizes) - 2] + [output]
    net = Network(sizes, activations=acts, seed=seed)
    randomize(net, rng)
    X, y = make_problem(rng, sizes[0], sizes[-1], loss, m=m)
    result = check_gradients(net, X, y, loss=loss)
    assert result.passed, (sizes, acts, dict(result))


class BrokenTanh(Tanh):
    """A test double: tanh with a wrong derivative (forgets the square)."""

    def derivative(self, Z, A, out=None):
        return np.subtract(1.0, A, out=out)


class BrokenSigmoid(Sigmoid):
    """σ′ off by a factor of two."""

    def derivative(self, Z, A, out=None):
        d = super().derivative(Z, A, out=out)
        d *= 2.0
        return d


@pytest.mark.parametrize("broken", [BrokenTanh(), BrokenSigmoid()])
def test_a_wrong_derivative_is_caught(broken):
    rng = np.random.default_rng(0)
    net = Network([2, 4, 1], activations=[broken, "sigmoid"], seed=0)
    randomize(net, rng)
    X, y = make_problem(rng, 2, 1, "bce")
    result = check_gradients(net, X, y, loss="bce")
    assert not result.passed
    assert result["layer0.W"] > 1e-3          # the broken layer's weights are flagged...
    assert result["layer1.W"] < 1e-6          # ...while the output layer still agrees
    assert result.worst[0].startswith("layer0")


def test_check_leaves_the_network_untouched():
    net = Network([2, 3, 1], seed=4)
    before = net.theta.copy()
    X = np.random.default_rng(1).normal(size=(5, 2))
    check_gradients(net, X, np.array([0, 1, 1, 0, 1]), loss="bce")
    np.testing.assert_array_equal(net.theta, before)


def test_float32_network_is_checked_in_float64():
    rng = np.random.default_rng(2)
    net = Network([2, 5, 1], hidden="tanh", output="sigmoid", seed=0, dtype="float32")
    X, y = make_problem(rng, 2, 1, "bce")
    assert check_gradients(net, X, y, loss="bce").passed


def test_relu_zero_init_gradients_agree():
    # All pre-activations sit exactly on ReLU's kink; both sides must still say 0.
    net = Network([2, 3, 1], hidden="relu", output="sigmoid", init="zeros")
    X, y = make_problem(np.random.default_rng(0), 2, 1, "bce")
    assert check_gradients(net, X, y, loss="bce").passed


def test_activation_derivatives_match_numeric_slopes():
    z = np.linspace(-4, 4, 81) + 0.013          # avoid ReLU's kink at exactly 0
    z = z.reshape(-1, 1)
    h = 1e-6
    for act in (ReLU(), Sigmoid(), Tanh()):
        numeric = (act.forward(z + h) - act.forward(z - h)) / (2 * h)
        np.testing.assert_allclose(act.derivative(z, act.forward(z)), numeric, atol=1e-8)
