"""A full-batch step reuses the forward pass of the end-of-epoch evaluation, never a stale one.

Whatever happens between two steps (weights edited in place or by assignment, a forward pass
over other inputs, an evaluation, a reset, a loss switch), a session that reuses the cached
pass must move its weights bit for bit like one that always recomputes it.
"""
import numpy as np
import pytest

from backprop_lab.engine import Network, TrainingSession, datasets


def make_pair(**kw):
    data = datasets.load("moons", n_samples=60, seed=3)
    sessions = []
    for _ in range(2):
        net = Network([2, 5, 4, 1], hidden="tanh", output="sigmoid", seed=1)
        sessions.append(TrainingSession(net, data, optimizer="adam", learning_rate=0.05, **kw))
    fresh = sessions[1]
    fresh._forward_is_cached = lambda X: False          # always recompute
    return sessions


def edit_in_place(s):
    s.network.layers[0].W[0, 0] += 0.25                  # no weights_edited(): silent edit


def assign(s):
    s.network.layers[1].W = s.network.layers[1].W * 0.5


def set_weight(s):
    s.set_weight(2, 1, 0, -0.3)


def grid_forward(s):
    s.network.forward(np.random.default_rng(0).normal(size=(42, 2)))    # same m as train


def same_size_forward_then_restore(s):
    """A pass over the training inputs with other weights, then the weights put back."""
    net = s.network
    saved = net.theta.copy()
    net.theta *= 1.5
    net.propagate(s.X_train)
    net.theta[...] = saved


def evaluate_both(s):
    s.evaluate("test")
    s.evaluate("train")


def reset(s):
    s.reset(seed=5)


def partial_phases(s):
    """The step inspector opened, two phases looked at, then abandoned."""
    phases = s.phases()
    next(phases)
    next(phases)


def whole_step_in_phases(s):
    for _ in s.phases():
        pass


def switch_loss(s):
    s.loss = "mse"


INTERVENTIONS = [None, edit_in_place, assign, set_weight, grid_forward,
                 same_size_forward_then_restore, evaluate_both, reset, switch_loss,
                 partial_phases, whole_step_in_phases]


@pytest.mark.parametrize("intervene", INTERVENTIONS,
                         ids=lambda f: "nothing" if f is None else f.__name__)
def test_reused_forward_pass_is_never_stale(intervene):
    cached, fresh = make_pair()
    assert cached.n_train == 42
    for k in range(4):
        if intervene is not None and k == 2:
            intervene(cached)
            intervene(fresh)
        assert cached.step() and fresh.step()
        np.testing.assert_array_equal(cached.network.theta, fresh.network.theta)
    np.testing.assert_array_equal(cached.history.table(), fresh.history.table())


def test_full_batch_step_skips_one_forward_pass():
    cached, fresh = make_pair()
    counts = []
    for s in (cached, fresh):
        s.step()
        before = s.network.forward_serial
        s.step()
        counts.append(s.network.forward_serial - before)
    # fresh: the step's own pass + the evaluation on the test and on the training set.
    assert counts == [2, 3]


def test_mini_batches_compute_their_own_forward_pass():
    cached, fresh = make_pair(batch_size=10)
    for _ in range(9):
        assert cached.step() and fresh.step()
        np.testing.assert_array_equal(cached.network.theta, fresh.network.theta)
