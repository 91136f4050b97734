"""The loss landscape against direct computation: batched losses equal the network's own, the
slice's centre is the current loss, a two-weight slice is the loss with those weights typed in,
directions are what they claim (filter-normalized, orthonormal PCA), and the path projects."""
import numpy as np
import pytest

from backprop_lab.engine import Network, TrainingSession, datasets
from backprop_lab.engine.analysis import many_weights
from backprop_lab.engine.analysis.directions import (pca_directions, random_directions,
                                                      weight_directions, weight_index)
from backprop_lab.engine.analysis.landscape import loss_slice, trajectory
from backprop_lab.engine.analysis.many_weights import forward_many, losses_many


def make_session(epochs=12, l1=0.0, l2=0.0, hidden=(5, 4), activation="tanh"):
    data = datasets.load("moons", n_samples=80, seed=2)
    net = Network([2, *hidden, 1], hidden=activation, output="sigmoid", init="xavier", seed=4)
    session = TrainingSession(net, data, loss="bce", optimizer="adam", learning_rate=0.05,
                              batch_size=20, l1=l1, l2=l2, seed=1)
    session.run(epochs)
    return session


ARCHITECTURES = [  # (sizes, activations, loss, dataset)
    ([2, 3, 1], ["relu", "sigmoid"], "bce", "xor_clouds"),
    ([2, 4, 3, 3], ["tanh", "leaky_relu", "softmax"], "cross_entropy", "spiral"),
    ([2, 5, 1], ["sigmoid", "identity"], "mse", "paraboloid"),
]


@pytest.mark.parametrize("sizes, activations, loss, name", ARCHITECTURES)
def test_batched_forward_and_loss_equal_the_networks_own(sizes, activations, loss, name,
                                                         monkeypatch):
    monkeypatch.setattr(many_weights, "CHUNK_ELEMENTS", 100)    # many chunks
    kwargs = {"n_classes": 3} if name == "spiral" else {}
    data = datasets.load(name, n_samples=60, seed=0, **kwargs)
    net = Network(sizes, activations=activations, init="xavier", seed=1)
    rng = np.random.default_rng(0)
    thetas = rng.normal(size=(7, net.theta.size))
    X, y = data.X_train, data.y_train
    got_A = forward_many(net, thetas, X, layer=1)
    got_loss = losses_many(net, thetas, X, net.targets(y, loss), loss, l1=0.01, l2=0.1)
    for k, theta in enumerate(thetas):
        oracle = net.copy()
        oracle.theta[...] = theta
        np.testing.assert_allclose(got_A[k], oracle.forward_all(X)[1], rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(got_loss[k], oracle.loss(X, y, loss, l1=0.01, l2=0.1),
                                   rtol=1e-12)


@pytest.mark.parametrize("kind", ["random", "pca", "weights"])
def test_the_middle_of_the_slice_is_the_current_loss(kind):
    s = make_session()
    directions = {"random": lambda: random_directions(s.network, seed=3),
                  "pca": lambda: pca_directions(trajectory(s)[1]),
                  "weights": lambda: weight_directions(s.network, (0, 1, 2), (1, 3, 0))}[kind]()
    current = s.evaluate("train")["loss"]
    exact = loss_slice(s, directions, resolution=11, dtype="float64")
    assert exact.a[5] == exact.b[5] == 0.0
    assert exact.loss[5, 5] == pytest.approx(current, rel=1e-12)
    quick = loss_slice(s, directions, resolution=11)                     # float32
    assert quick.loss[5, 5] == pytest.approx(current, rel=1e-5)
    np.testing.assert_allclose(quick.loss, exact.loss, rtol=1e-4)


def test_a_two_weight_slice_is_the_loss_with_those_weights_set_by_hand():
    s = make_session(l1=1e-3, l2=1e-2)
    first, second = (0, 1, 2), (2, 1, 0)
    sl = loss_slice(s, weight_directions(s.network, first, second), resolution=7,
                    span=(0.8, 1.5), with_penalty=True, dtype="float64")
    w1, w2 = s.network.layers[0].W[1, 2], s.network.layers[2].W[1, 0]
    assert sl.axis_origin == (w1, w2)
    X, y = s.data.X_train, s.data.y_train
    for r, c in [(0, 0), (2, 5), (6, 3), (4, 6)]:
        by_hand = s.network.copy()
        by_hand.layers[0].W[1, 2] = w1 + sl.a[c]
        by_hand.layers[2].W[1, 0] = w2 + sl.b[r]
        assert sl.loss[r, c] == pytest.approx(by_hand.loss(X, y, "bce", l1=1e-3, l2=1e-2),
                                              rel=1e-12)
    without = loss_slice(s, weight_directions(s.network, first, second), resolution=7,
                         span=(0.8, 1.5), dtype="float64")
    assert without.loss[3, 3] == pytest.approx(s.evaluate("train")["loss"], rel=1e-12)
    assert (sl.loss - without.loss).min() > 0           # the penalty is added everywhere


def test_pca_directions_are_orthonormal_and_recover_a_planar_path():
    rng = np.random.default_rng(5)
    P = 40
    base, u, v = rng.normal(size=(3, P))
    coefficients = rng.normal(size=(9, 2)) * [3.0, 1.0]
    thetas = base + coefficients @ np.vstack([u, v])
    d = pca_directions(thetas)
    D = d.matrix
    np.testing.assert_allclose(D.T @ D, np.eye(2), atol=1e-12)
    assert d.explained[0] >= d.explained[1] > 0
    assert sum(d.explained) == pytest.approx(1.0)     # the path lies in a plane
    coords, distance = d.project(thetas[-1], thetas)
    np.testing.assert_allclose(distance, 0.0, atol=1e-10)
    np.testing.assert_allclose(thetas[-1] + coords @ D.T, thetas, atol=1e-10)
    assert (coords[0] < 0).all()               # signed: from the start towards +a, +b
    backwards = pca_directions(thetas[::-1])
    assert (backwards.project(thetas[0], thetas[::-1])[0][0] < 0).all()


def test_pca_of_a_real_trajectory_and_its_path_on_the_slice():
    s = make_session(epochs=20)
    epochs, thetas = trajectory(s)
    sl = loss_slice(s, pca_directions(thetas), resolution=9, dtype="float64")
    np.testing.assert_array_equal(sl.path_epochs, epochs)
    np.testing.assert_allclose(sl.path[-1], 0.0, atol=1e-12)      # the last snapshot is θ now
    assert (np.abs(sl.path) <= [sl.a[-1], sl.b[-1]]).all()         # the default span holds it
    for k in (0, len(epochs) // 2):
        net = s.network.copy()
        net.theta[...] = thetas[k]
        assert sl.path_loss[k] == pytest.approx(net.loss(s.data.X_train, s.data.y_train, "bce"),
                                                rel=1e-12)


@pytest.mark.parametrize("biases", [False, True])
def test_filter_normalized_directions_match_each_units_norm(biases):
    s = make_session(epochs=3)
    net = s.network
    d = random_directions(net, seed=7, biases=biases)
    for vector in (d.d1, d.d2):
        for layer, (w, b) in zip(net.layers, net.slices):
            W = layer.W
            D = vector[w].reshape(W.shape)
            if biases:
                W, D = np.vstack([W, layer.b]), np.vstack([D, vector[b]])
            else:
                np.testing.assert_array_equal(vector[b], 0.0)
            np.testing.assert_allclose(np.linalg.norm(D, axis=0), np.linalg.norm(W, axis=0),
                                       rtol=1e-12)
    assert not d.orthonormal
    again = random_directions(net, seed=7, biases=biases)
    np.testing.assert_array_equal(again.d1, d.d1)


def test_projection_onto_non_orthogonal_directions_uses_least_squares():
    s = make_session(epochs=2)
    d = random_directions(s.network, seed=1)
    assert abs(d.d1 @ d.d2) > 1e-3 * np.linalg.norm(d.d1) * np.linalg.norm(d.d2)
    center = s.network.theta.copy()
    targets = d.thetas(center, [0.3, -1.2], [-0.7, 0.25])
    coords, distance = d.project(center, targets)
    np.testing.assert_allclose(coords, [[0.3, -0.7], [-1.2, 0.25]], atol=1e-12)
    np.testing.assert_allclose(distance, 0.0, atol=1e-12)
    sl = loss_slice(s, d, resolution=5)
    np.testing.assert_allclose(sl.project(targets), coords, atol=1e-12)
    np.testing.assert_allclose(sl.theta_at(0.3, -0.7), targets[0], atol=0)


def test_the_slice_never_changes_the_session():
    s = make_session()
    theta, serial = s.network.theta.copy(), s.network.forward_serial
    grad = s.network.grad.copy()
    loss_slice(s, random_directions(s.network), resolution=9)
    loss_slice(s, pca_directions(trajectory(s)[1]), resolution=9, with_penalty=True)
    np.testing.assert_array_equal(s.network.theta, theta)
    np.testing.assert_array_equal(s.network.grad, grad)
    assert s.network.forward_serial == serial          # not even a forward pass on its network


def test_bad_requests_are_refused():
    s = make_session(epochs=1)
    net = s.network
    d = random_directions(net)
    for resolution in (40, 1, 2.0, True):
        with pytest.raises(ValueError, match="odd"):
            loss_slice(s, d, resolution=resolution)
    with pytest.raises(ValueError, match="span"):
        loss_slice(s, d, span=(1.0, -1.0))
    with pytest.raises(ValueError, match="centre"):
        loss_slice(s, d, center=np.zeros(3))
    with pytest.raises(ValueError, match="different"):
        weight_directions(net, (0, 0, 0), (0, 0, 0))
    with pytest.raises(ValueError, match="W\\[0…1, 0…4\\]"):
        weight_index(net, 0, 2, 0)
    with pytest.raises(ValueError, match="layer"):
        weight_index(net, 3, 0, 0)
    with pytest.raises(ValueError, match="3 snapshots"):
        pca_directions(trajectory(s)[1])
    line = np.outer(np.arange(5.0), np.ones(net.theta.size))
    with pytest.raises(ValueError, match="straight line"):
        pca_directions(line)
    with pytest.raises(ValueError, match="shape"):
        losses_many(net, np.zeros((2, 5)), s.X_train, s.Y_train, "bce")
