"""The timeline: bounded weight snapshots and exact branching with resume_from."""
import numpy as np
import pytest

from backprop_lab.engine import Network, TrainingSession, datasets
from backprop_lab.engine.training.timeline import Timeline


def make_session(optimizer="adam", batch_size=10, **kw):
    data = datasets.load("moons", n_samples=120, seed=1)
    net = Network([2, 6, 1], hidden="tanh", output="sigmoid", init="xavier", seed=3)
    return TrainingSession(net, data, loss="bce", optimizer=optimizer, learning_rate=0.05,
                           batch_size=batch_size, seed=5, **kw)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "rmsprop", "adam"])
@pytest.mark.parametrize("batch_size", [None, 16])
def test_resume_repeats_the_original_run_exactly(optimizer, batch_size):
    s = make_session(optimizer, batch_size)
    s.run(30)
    theta_30 = s.network.theta.copy()
    loss_30 = s.history.latest["train_loss"]
    s.resume_from(12)
    assert s.epoch == 12
    assert s.history["epoch"][-1] == 12
    assert s.timeline.epochs()[-1] == 12
    s.run(18)
    assert s.epoch == 30
    np.testing.assert_array_equal(s.network.theta, theta_30)
    assert s.history.latest["train_loss"] == loss_30


def test_resume_restores_the_weights_of_that_epoch():
    s = make_session()
    s.run(5)
    theta_5 = s.network.theta.copy()
    s.run(5)
    assert not np.array_equal(s.network.theta, theta_5)
    np.testing.assert_array_equal(s.timeline.theta_at(5), theta_5)
    s.resume_from(5)
    np.testing.assert_array_equal(s.network.theta, theta_5)
    # The history row of epoch 5 is measured again with those weights and the counters match.
    assert s.steps == 5 * s.steps_per_epoch
    assert s.history.latest["epoch"] == 5


def test_branching_with_another_learning_rate_differs_from_the_original():
    s = make_session()
    s.run(20)
    original = s.network.theta.copy()
    s.resume_from(10)
    s.learning_rate = 0.5
    s.run(10)
    assert not np.allclose(s.network.theta, original)


def test_unknown_epoch_is_refused_and_nothing_changes():
    s = make_session()
    s.run(3)
    before = s.network.theta.copy()
    with pytest.raises(KeyError, match="no snapshot of epoch 99"):
        s.resume_from(99)
    np.testing.assert_array_equal(s.network.theta, before)
    assert s.epoch == 3


def test_long_runs_keep_bounded_snapshots_spread_over_the_run():
    s = make_session("sgd", None)
    s.run(3000)
    epochs = s.timeline.epochs()
    t = s.timeline
    assert len(epochs) <= t.recent + t.capacity
    assert epochs[0] == 0 and epochs[-1] == 3000
    # the last `recent` epochs are all there
    np.testing.assert_array_equal(epochs[-t.recent:], np.arange(3000 - t.recent + 1, 3001))
    # the older ones are evenly strided over the whole run
    older = epochs[:-t.recent]
    assert len(older) >= t.capacity // 2
    assert np.all(older % t.stride == 0)
    assert t.nbytes <= 3 * (t.recent + t.capacity + 1) * s.network.theta.nbytes


def test_nearest_snapshot():
    t = Timeline(3, recent=2, capacity=2)

    class Opt:
        name, state_names, t = "sgd", (), 0

    for e in range(9):
        t.record(e, e, np.full(3, float(e)), Opt(), None)
    epochs = t.epochs().tolist()
    assert epochs[-2:] == [7, 8] and len(epochs) <= 4
    assert t.nearest(8) == 8
    assert t.nearest(100) == 8
    assert t.nearest(6) == max(e for e in epochs if e <= 6)
    assert t.theta_at(7)[0] == 7.0


def test_divergence_and_edits_keep_the_timeline_consistent():
    s = make_session("sgd", None)
    s.run(4)
    s.set_weight(0, 0, 0, 1.25)
    assert s.timeline.theta_at(4)[0] == 1.25          # the edit replaced epoch 4's snapshot
    data = datasets.load("paraboloid", n_samples=100)
    net = Network([2, 8, 1], hidden="relu", output="identity", init="he", seed=0)
    s = TrainingSession(net, data, loss="mse", optimizer="sgd", learning_rate=0.01)
    s.run(5)
    s.learning_rate = 50.0
    s.run(200)
    assert s.diverged
    good = s.epoch
    assert s.timeline.epochs()[-1] == good >= 5
    np.testing.assert_array_equal(s.timeline.theta_at(good), s.network.theta)
    s.learning_rate = 0.01
    s.run(2)
    assert s.timeline.epochs()[-3:].tolist() == [good, good + 1, good + 2]


def test_reset_clears_the_timeline():
    s = make_session()
    s.run(6)
    s.reset()
    assert s.timeline.epochs().tolist() == [0]
