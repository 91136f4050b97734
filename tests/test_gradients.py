"""Backprop against central differences (float64), for every activation × loss × initializer,
on random architectures; and proof that the checker catches a wrong derivative."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from backprop_lab.engine import Network, TrainingSession, check_gradients, datasets
from backprop_lab.engine.nn.activations import (FORWARD_ONLY_ACTIVATIONS, HIDDEN_ACTIVATIONS,
                                                ReLU, Sigmoid, Tanh)
from backprop_lab.engine.nn.initializers import INITIALIZERS
from backprop_lab.engine.nn.losses import LOSSES

#: Trainable outputs each loss takes (a step output has no gradient to check).
OUTPUTS_FOR_LOSS = {name: tuple(o for o in loss.allowed_outputs
                                if o not in FORWARD_ONLY_ACTIVATIONS)
                    for name, loss in LOSSES.items()}


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


# ---------------------------------------------------------------------------- kinks
def test_the_readme_example_passes_after_training():
    """README's ten lines: 1000 epochs of Adam on XOR leave a ReLU unit with z within h of its
    kink on a sample; that bias is set aside as "at a kink", and the check passes."""
    results = []
    for seed in range(10):
        net = Network([2, 4, 1], hidden="relu", output="sigmoid", init="he", seed=seed)
        session = TrainingSession(net, datasets.load("xor"), loss="bce", optimizer="adam",
                                  learning_rate=0.1)
        session.run(1000)
        result = check_gradients(net, session.data.X_train, session.data.y_train, loss="bce")
        results.append(result)
        assert result.passed, (seed, repr(result))
    # The case the kink handling is for does occur: some nudge crossed a ReLU's kink.
    assert any(r.at_kink for r in results)


def test_hand_set_weights_exactly_on_the_kink_are_not_a_failure():
    """Lesson 3's XOR weights put z exactly at 0 on grid points: every parameter those
    samples touch crosses the kink when nudged; the rest agree, so nothing fails."""
    net = Network([2, 2, 1], hidden="relu", output="sigmoid", init="zeros")
    net.layers[0].W = [[1.0, 1.0], [1.0, 1.0]]
    net.layers[0].b = [0.0, -1.0]
    net.layers[1].W = [[10.0], [-20.0]]
    net.layers[1].b = [-5.0]
    data = datasets.load("xor")
    result = check_gradients(net, data.X_train, data.y_train, loss="bce")
    assert result.passed and max(result.values()) < 1e-6
    assert result.status("layer0.W") == "kink" and result.one_sided["layer0.b"].all()
    assert not any(k.any() for k in result.kinks.values())      # one side always applied
    assert result.status("layer1.b") == "pass"          # the output bias moves no hidden z
    assert "at a kink" in result.sentence() and "ReLU's kink" in result.sentence()
    assert "at a kink" in repr(result)


def test_a_kink_is_found_only_when_the_nudge_crosses_it():
    """One ReLU unit whose z on the single sample is 0.3·h: nudging its bias by ±h crosses 0
    (a kink); the same unit with z = 3·h is smooth on [−h, h] and compared as usual."""
    h = 1e-5
    for z, crossed in ((0.3 * h, True), (3 * h, False)):
        net = Network([1, 1, 1], hidden="relu", output="identity", init="zeros")
        net.layers[0].W = [[1.0]]
        net.layers[0].b = [z]
        net.layers[1].W = [[2.0]]
        result = check_gradients(net, [[0.0]], [1.0], loss="mse", step=h)
        assert bool(result.one_sided["layer0.b"][0]) is crossed
        assert result.status("layer0.b") == ("kink" if crossed else "pass")
        assert result.passed and result["layer0.b"] < result.tolerance


def test_l1_at_a_weight_of_zero_is_a_kink_too():
    rng = np.random.default_rng(3)
    net = Network([2, 3, 1], hidden="tanh", output="sigmoid", seed=0)
    randomize(net, rng)
    net.layers[0].W[0, 1] = 2e-6                      # |w| < h: |w| has its corner inside
    X, y = make_problem(rng, 2, 1, "bce")
    result = check_gradients(net, X, y, loss="bce", l1=0.5)
    assert result.passed and result.kinks["layer0.W"][0, 1]
    assert result.kinks["layer0.W"].sum() == 1 and np.isnan(result.numeric["layer0.W"][0, 1])
    assert "left out" in result.sentence()


def test_a_wrong_derivative_still_fails_next_to_kinks():
    """A broken tanh in a network that also has ReLU units at their kinks: the ReLU layer is
    set aside where it must be, the broken layer still fails."""
    rng = np.random.default_rng(0)
    net = Network([2, 4, 3, 1], activations=[BrokenTanh(), "relu", "sigmoid"], seed=0)
    randomize(net, rng)
    X, y = make_problem(rng, 2, 1, "bce")
    net.propagate(net.as_input(X))
    net.layers[1].b[0] -= net.layers[1].Z[0, 0]       # unit 1 of layer 2 exactly at its kink
    result = check_gradients(net, X, y, loss="bce")
    assert not result.passed and result.status("layer0.W") == "fail"
    assert "DISAGREES" in result.sentence()


def test_a_network_with_a_step_unit_cannot_be_checked():
    net = Network([2, 1], output="step")
    with pytest.raises(ValueError, match="step unit cannot be trained"):
        check_gradients(net, [[0.0, 1.0]], [1.0], loss="mse")


@pytest.mark.parametrize("sizes", [[2, 1], [2, 4, 1], [3, 1, 5, 2], [2] + [8] * 6 + [1]])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_weight_gradient_norms_are_each_layers_dW_norm(sizes, dtype):
    """‖dW‖ per layer from one pass over the flat gradient: the biases left out, no layer's
    sum running into the next's."""
    rng = np.random.default_rng(len(sizes))
    net = Network(sizes, dtype=dtype, seed=3)
    net.grad[:] = rng.normal(size=net.grad.size) * rng.uniform(0.1, 10.0, size=net.grad.size)
    expected = [np.linalg.norm(layer.dW.astype(np.float64)) for layer in net.layers]
    assert net.weight_gradient_norms() == pytest.approx(expected, rel=1e-5)
