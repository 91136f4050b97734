"""A session handed to another process and taken back trains on exactly as if it had never
left; the number type follows the size of the data; large batches step as phases do."""
import pickle

import numpy as np
import pytest

from backprop_lab.engine import Network, TrainingSession, datasets
from backprop_lab.engine.training.session import FLOAT32_WORK


def make(n=60, batch_size=7, optimizer="adam", **kw):
    data = datasets.load("moons", n_samples=n, seed=3)
    net = Network([2, 6, 5, 1], hidden="tanh", output="sigmoid", seed=1, **kw)
    return TrainingSession(net, data, optimizer=optimizer, learning_rate=0.05,
                           batch_size=batch_size, seed=2)


def same_state(a: TrainingSession, b: TrainingSession) -> None:
    np.testing.assert_array_equal(a.network.theta, b.network.theta)
    np.testing.assert_array_equal(a.history.table(), b.history.table())
    np.testing.assert_array_equal(a.timeline.epochs(), b.timeline.epochs())
    assert (a.epoch, a.steps) == (b.epoch, b.steps)


def test_a_pickled_copy_keeps_its_layers_on_its_parameters():
    session = make()
    session.run(3)
    copy = pickle.loads(pickle.dumps(session))
    layer = copy.network.layers[0]
    layer.W[0, 0] = 42.0                               # a view into the copy's θ
    assert copy.network.theta[0] == 42.0
    assert session.network.theta[0] != 42.0
    np.testing.assert_array_equal(copy.network.theta[1:], session.network.theta[1:])


def test_adopting_a_copy_that_trained_elsewhere_is_exactly_training_here():
    here, there = make(), make()
    here.run(4)
    there.run(4)
    traveller = pickle.loads(pickle.dumps(there))
    traveller.run(6)                                   # mid-epoch too: steps beyond epochs
    traveller.step()
    here.run(6)
    here.step()
    network = there.network
    there.adopt(traveller)
    assert there.network is network                    # views keep the object they hold
    same_state(here, there)
    here.run(5)
    there.run(5)                                       # and it goes on exactly alike
    same_state(here, there)
    snapshot = int(there.timeline.epochs()[-4])
    here.resume_from(snapshot)
    there.resume_from(snapshot)
    here.run(3)
    there.run(3)
    same_state(here, there)


def test_mirror_shows_progress_and_adopt_brings_the_rest():
    session = make()
    copy = pickle.loads(pickle.dumps(session))
    copy.run(5)
    session.mirror(copy.epoch, copy.steps, copy.network.theta, history=copy.history)
    assert session.epoch == 5 and len(session.history) == len(copy.history)
    np.testing.assert_array_equal(session.network.theta, copy.network.theta)
    assert len(session.timeline) == 1                  # the rest waits for adopt()
    session.adopt(copy)
    assert len(session.timeline) == len(copy.timeline)


def test_a_copy_of_another_architecture_is_refused():
    session = make()
    other = TrainingSession(Network([2, 3, 1], seed=1), session.data)
    with pytest.raises(ValueError, match="architecture"):
        session.adopt(other)


def test_large_data_trains_in_float32_unless_a_dtype_was_chosen():
    data = datasets.load("moons", n_samples=5000, test_fraction=0.0, seed=1)
    sizes = [2, 16, 16, 1]
    assert len(data.y_train) * Network(sizes).multiply_adds >= FLOAT32_WORK
    assert TrainingSession(Network(sizes), data).network.theta.dtype == np.float32
    chosen = TrainingSession(Network(sizes, dtype="float64"), data)
    assert chosen.network.theta.dtype == np.float64
    small = datasets.load("moons", n_samples=200, seed=1)
    assert TrainingSession(Network(sizes), small).network.theta.dtype == np.float64


@pytest.mark.parametrize("batch_size", [None, 300])
def test_large_batches_step_exactly_as_their_phases(batch_size):
    """Batches of 256 samples and more keep their arrays column by column: phases and step
    still compute the same numbers."""
    by_step, by_phase = make(n=700, batch_size=batch_size), make(n=700, batch_size=batch_size)
    for _ in range(3):
        by_step.step()
        for _phase in by_phase.phases():
            pass
    np.testing.assert_array_equal(by_step.network.theta, by_phase.network.theta)
    np.testing.assert_array_equal(by_step.history.table(), by_phase.history.table())


def make_with_everything(**kw):
    """Validation share, dropout, early stopping that restores the best epoch, a stop rule,
    clipping and a schedule: everything a session carries from epoch to epoch."""
    data = datasets.load("moons", n_samples=90, seed=3, validation_fraction=0.2)
    net = Network([2, 7, 5, 1], hidden="tanh", output="sigmoid", seed=1)
    return TrainingSession(net, data, optimizer="adam", learning_rate=0.05, batch_size=9,
                           seed=2, dropout=0.25, clip_norm=1.0,
                           schedule={"name": "step", "step_size": 5, "gamma": 0.7},
                           early_stopping={"patience": 4, "restore_best": True}, **kw)


def test_a_copy_with_every_session_feature_stops_and_comes_back_exactly_alike():
    here, there = make_with_everything(), make_with_everything()
    traveller = pickle.loads(pickle.dumps(there))
    assert traveller.dropout == 0.25 and traveller.data.has_validation
    here.run(10_000)
    traveller.run(10_000)
    assert here.stopped and "early stopping" in here.stopped.lower()
    there.adopt(traveller)
    same_state(here, there)
    assert there.stopped == here.stopped
    np.testing.assert_array_equal(there.history.table(), here.history.table())
    here.run(3)
    there.run(3)                                       # and trains on alike past the stop
    same_state(here, there)


def test_a_stop_rule_reached_in_a_copy_is_the_one_reached_here():
    here = make_with_everything(stop_at={"epoch": 7})
    there = make_with_everything(stop_at={"epoch": 7})
    traveller = pickle.loads(pickle.dumps(there))
    assert here.run(100) == traveller.run(100) == 7
    there.adopt(traveller)
    same_state(here, there)
    assert there.stopped == here.stopped is not None
