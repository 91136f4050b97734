"""The public state API, named as PyTorch names it: state_dict() / load_state_dict() on the
network, the optimizer, the mini-batches and the session.  A state carried into a fresh
session continues the run exactly (the same arithmetic in the same order)."""
import numpy as np
import pytest

from backprop_lab.engine import Network, TrainingSession, datasets
from backprop_lab.engine.nn.optimizers import make_optimizer
from backprop_lab.engine.training.batches import Batches


def session(optimizer="adam", batch_size=16, seed=3):
    data = datasets.load("moons", n_samples=90, seed=1)
    net = Network([2, 5, 3, 1], hidden="tanh", output="sigmoid", init="xavier", seed=seed)
    return TrainingSession(net, data, loss="bce", optimizer=optimizer, learning_rate=0.05,
                           batch_size=batch_size, l2=1e-3, seed=seed)


def test_network_state_dict_names_every_parameter_and_round_trips():
    net = Network([2, 4, 1], seed=0)
    state = net.state_dict()
    assert list(state) == ["layer0.W", "layer0.b", "layer1.W", "layer1.b"]
    assert state["layer0.W"].shape == (2, 4) and state["layer1.b"].shape == (1,)
    state["layer0.W"][0, 0] = 99.0                    # copies: the network is untouched
    assert net.layers[0].W[0, 0] != 99.0
    other = Network([2, 4, 1], seed=7)
    other.load_state_dict(state)
    assert other.layers[0].W[0, 0] == 99.0
    np.testing.assert_array_equal(other.layers[1].W, net.layers[1].W)


@pytest.mark.parametrize("change, message", [
    (lambda s: s.pop("layer1.b"), "missing: layer1.b"),
    (lambda s: s.update({"layer2.W": np.zeros(1)}), "unknown: layer2.W"),
    (lambda s: s.update({"layer0.W": np.zeros((4, 2))}), "shape"),
    (lambda s: s.update({"layer0.b": np.full(4, np.inf)}), "finite"),
])
def test_a_state_that_does_not_fit_is_refused_and_changes_nothing(change, message):
    net = Network([2, 4, 1], seed=0)
    before = net.theta.copy()
    state = Network([2, 4, 1], seed=5).state_dict()
    change(state)
    with pytest.raises(ValueError, match=message):
        net.load_state_dict(state)
    np.testing.assert_array_equal(net.theta, before)


@pytest.mark.parametrize("name", ["sgd", "momentum", "rmsprop", "adam"])
def test_optimizer_state_dict_round_trips_and_continues_identically(name):
    rng = np.random.default_rng(0)
    grads = rng.normal(size=(6, 10))
    a = make_optimizer(name, 0.1)
    for g in grads[:3]:
        a.delta(g)
    b = make_optimizer(name, 0.5)
    b.load_state_dict(a.state_dict(), 10, np.float64)
    assert b.hyperparameters == a.hyperparameters and b.t == a.t == 3
    for g in grads[3:]:
        np.testing.assert_array_equal(a.delta(g), b.delta(g))


def test_optimizer_state_of_another_optimizer_is_refused():
    adam = make_optimizer("adam", 0.1)
    adam.delta(np.ones(3))
    with pytest.raises(ValueError, match="adam"):
        make_optimizer("sgd", 0.1).load_state_dict(adam.state_dict(), 3, np.float64)
    with pytest.raises(ValueError, match="3 finite numbers"):
        make_optimizer("adam", 0.1).load_state_dict(
            {**adam.state_dict(), "name": "adam", "state": {"m": np.ones(4)}}, 3, np.float64)


def test_batches_state_dict_replays_the_same_order():
    a = Batches(23, batch_size=5, seed=4)
    for _ in range(7):
        a.peek()
        a.advance()
    b = Batches(23, batch_size=5, seed=99)
    b.load_state_dict(a.state_dict())
    for _ in range(12):
        np.testing.assert_array_equal(a.peek(), b.peek())
        assert a.advance() == b.advance()


def test_batches_refuse_a_state_that_is_not_theirs():
    a = Batches(10, batch_size=3, seed=0)
    a.peek()
    state = a.state_dict()
    with pytest.raises(ValueError, match="permutation"):
        Batches(11, batch_size=3).load_state_dict(state)
    with pytest.raises(ValueError, match="cursor"):
        Batches(10, batch_size=3).load_state_dict({**state, "cursor": 4})
    with pytest.raises(ValueError, match="shuffler"):
        Batches(10, batch_size=3).load_state_dict({**state, "rng": {"bit_generator": "nope"}})


@pytest.mark.parametrize("optimizer, batch_size", [("sgd", None), ("momentum", 16),
                                                    ("adam", 7), ("rmsprop", 32)])
def test_a_session_state_carried_to_a_fresh_session_continues_exactly(optimizer, batch_size):
    original = session(optimizer, batch_size)
    original.run(6)
    for _ in range(2):                              # mid-epoch: the cursor and order matter
        original.step()
    state = original.state_dict()
    copy = session("sgd", None, seed=11)            # different settings and weights
    copy.load_state_dict(state)
    assert copy.settings() == original.settings()
    assert (copy.epoch, copy.steps) == (original.epoch, original.steps)
    np.testing.assert_array_equal(copy.history.table(), original.history.table())
    original.run(4)
    copy.run(4)
    np.testing.assert_array_equal(copy.network.theta, original.network.theta)
    np.testing.assert_array_equal(copy.history.table(), original.history.table())


def test_a_session_state_that_does_not_fit_changes_nothing():
    target = session()
    target.run(2)
    before = (target.network.theta.copy(), target.settings(), target.epoch)
    donor = TrainingSession(Network([2, 3, 1], seed=0), datasets.load("moons", n_samples=90, seed=1))
    with pytest.raises(ValueError, match="do not fit"):
        target.load_state_dict(donor.state_dict())
    bad = target.state_dict()
    bad["epoch"] = -1
    with pytest.raises(ValueError, match="epoch"):
        target.load_state_dict(bad)
    np.testing.assert_array_equal(target.network.theta, before[0])
    assert (target.settings(), target.epoch) == before[1:]
