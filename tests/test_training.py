"""Training really works — and really fails where it should."""
import numpy as np
import pytest

from backprop_lab.engine import Network, TrainingSession, datasets


def xor_session(seed, **kw):
    net = Network([2, 4, 1], hidden="relu", output="sigmoid", init="he", seed=seed)
    return TrainingSession(net, datasets.load("xor"), loss="bce", optimizer="adam",
                           learning_rate=0.1, seed=seed, **kw)


def test_xor_is_solved_by_2_4_1_in_most_seeds():
    solved = 0
    for seed in range(20):
        session = xor_session(seed)
        session.run(500)
        solved += session.evaluate()["accuracy"] == 1.0
    assert solved >= 14, f"only {solved}/20 seeds solved XOR"


def test_xor_loss_falls():
    session = xor_session(0)
    before = session.evaluate()["loss"]
    session.run(300)
    assert session.evaluate()["loss"] < 0.1 * before


def test_no_hidden_layer_never_exceeds_75_percent_on_xor():
    for seed in range(5):
        for optimizer, lr in (("sgd", 0.5), ("adam", 0.1)):
            net = Network([2, 1], output="sigmoid", init="uniform", seed=seed)
            session = TrainingSession(net, datasets.load("xor"), optimizer=optimizer,
                                      learning_rate=lr, seed=seed)
            best = 0.0
            for _ in range(40):
                session.run(25)
                best = max(best, session.evaluate()["accuracy"])
            assert best <= 0.75


def test_logistic_regression_learns_and_and_or():
    for name in ("and", "or"):
        net = Network([2, 1], output="sigmoid", init="zeros")
        session = TrainingSession(net, datasets.load(name), optimizer="sgd", learning_rate=1.0)
        session.run(500)
        assert session.evaluate()["accuracy"] == 1.0, name


def test_zero_init_keeps_hidden_units_identical():
    net = Network([2, 4, 1], hidden="tanh", output="sigmoid", init="zeros")
    session = TrainingSession(net, datasets.load("xor_clouds", seed=1), optimizer="sgd",
                              learning_rate=0.5)
    session.run(200)
    W, b = net.layers[0].W, net.layers[0].b
    np.testing.assert_array_equal(W, W[:, :1].repeat(4, axis=1))
    np.testing.assert_array_equal(b, np.full(4, b[0]))
    diagnosis = session.diagnose()
    assert diagnosis.identical_units == {0: [[0, 1, 2, 3]]}
    assert any("identical" in m for m in diagnosis.messages())


def test_constant_init_also_stays_symmetric_but_random_init_does_not():
    for init, symmetric in (("constant", True), ("xavier", False)):
        net = Network([2, 3, 1], hidden="tanh", output="sigmoid", init=init, seed=0)
        session = TrainingSession(net, datasets.load("moons"), learning_rate=0.3)
        session.run(50)
        assert bool(session.diagnose().identical_units) is symmetric, init


def test_huge_learning_rate_stops_with_weights_intact():
    net = Network([2, 8, 1], hidden="relu", output="identity", init="he", seed=0)
    session = TrainingSession(net, datasets.load("paraboloid", n_samples=100), loss="mse",
                              optimizer="sgd", learning_rate=50.0)
    done = session.run(100)
    assert done < 100
    assert session.diverged and "learning rate" in session.diverged
    assert np.isfinite(net.theta).all()
    assert np.isfinite(session.evaluate()["loss"])
    assert session.epoch == done                       # the epoch of the restored weights
    assert np.isfinite(session.history["train_loss"]).all()
    assert session.diagnose().non_finite == session.diverged


def test_after_divergence_a_lower_rate_trains_on():
    net = Network([2, 8, 1], hidden="relu", output="identity", seed=0)
    session = TrainingSession(net, datasets.load("paraboloid", n_samples=100),
                              optimizer="sgd", learning_rate=50.0)
    session.run(100)
    assert session.diverged
    session.learning_rate = 0.05
    before = session.evaluate()["loss"]
    assert session.run(200) == 200
    assert session.diverged is None
    assert session.evaluate()["loss"] < before


def test_spiral_three_classes_reaches_95_percent():
    data = datasets.load("spiral", n_classes=3, n_samples=300, noise=0.1, seed=0)
    net = Network([2, 16, 16, 3], hidden="relu", output="softmax", init="he", seed=0)
    session = TrainingSession(net, data, optimizer="adam", learning_rate=0.02)
    session.run(1500)
    assert session.evaluate()["accuracy"] >= 0.95


def test_regression_fits_the_paraboloid():
    data = datasets.load("paraboloid", n_samples=200)
    net = Network([2, 8, 8, 1], hidden="tanh", output="identity", init="xavier", seed=0)
    session = TrainingSession(net, data, optimizer="adam", learning_rate=0.02)
    session.run(800)
    assert session.evaluate()["r2"] > 0.98
    assert session.evaluate("test")["r2"] > 0.95


def test_derived_features_let_one_neuron_solve_circles():
    data = datasets.load("circles", noise=0.1).with_features(["x1^2", "x2^2"])
    net = Network([2, 1], output="sigmoid", seed=0)
    session = TrainingSession(net, data, optimizer="adam", learning_rate=0.1)
    session.run(300)
    assert session.evaluate()["accuracy"] >= 0.97


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "rmsprop", "adam"])
def test_every_optimizer_and_mini_batches_learn_moons(optimizer):
    data = datasets.load("moons", noise=0.1)
    net = Network([2, 8, 8, 1], hidden="tanh", output="sigmoid", init="xavier", seed=1)
    lr = {"sgd": 0.3, "momentum": 0.3, "rmsprop": 0.01, "adam": 0.01}[optimizer]
    session = TrainingSession(net, data, optimizer=optimizer, learning_rate=lr, batch_size=16)
    session.run(150)
    assert session.evaluate()["accuracy"] > 0.95
    assert session.steps == 150 * session.steps_per_epoch


def test_l2_shrinks_weights():
    data = datasets.load("gaussians", noise=1.0)
    norms = []
    for l2 in (0.0, 0.3):
        net = Network([2, 8, 1], hidden="relu", output="sigmoid", seed=0)
        session = TrainingSession(net, data, optimizer="adam", learning_rate=0.05, l2=l2)
        session.run(300)
        norms.append(np.linalg.norm(net.theta))
    assert norms[1] < 0.7 * norms[0]


def test_float32_mode_trains_like_float64():
    losses = []
    for dtype in ("float64", "float32"):
        net = Network([2, 8, 1], hidden="tanh", output="sigmoid", seed=0, dtype=dtype)
        session = TrainingSession(net, datasets.load("moons"), optimizer="adam",
                                  learning_rate=0.05)
        session.run(100)
        assert net.theta.dtype == np.dtype(dtype)
        losses.append(session.evaluate()["loss"])
    assert losses[1] == pytest.approx(losses[0], rel=1e-3)
