"""The learning-rate range test runs on a copy: the live session's whole state is identical
afterwards; the curve and its suggestion follow the stated rules."""
import numpy as np
import pytest

from backprop_lab.engine import Network, TrainingSession, datasets
from backprop_lab.engine.analysis.lr_finder import (MINIMUM, STEEPEST, lr_range_test,
                                                     suggest_learning_rate)
from backprop_lab.engine.analysis.session_copy import copy_session


def make_session(optimizer="adam", batch_size=16, seed=0, epochs=3):
    data = datasets.load("moons", n_samples=100, noise=0.1, seed=seed)
    net = Network([2, 6, 1], hidden="tanh", output="sigmoid", init="xavier", seed=seed)
    session = TrainingSession(net, data, loss="bce", optimizer=optimizer, learning_rate=0.02,
                              batch_size=batch_size, l2=1e-4, seed=seed)
    session.run(epochs)
    return session


def flatten(state, prefix=""):
    """{path: value} of a nested state (dicts, lists, arrays, numbers) for exact comparison."""
    if isinstance(state, dict):
        return {k: v for key in state for k, v in flatten(state[key], f"{prefix}/{key}").items()}
    if isinstance(state, (list, tuple)):
        return {k: v for i, item in enumerate(state) for k, v in
                flatten(item, f"{prefix}/{i}").items()}
    if isinstance(state, np.ndarray):
        return {prefix: (state.dtype.str, state.shape, state.tobytes())}
    return {prefix: state}


@pytest.mark.parametrize("optimizer, batch_size", [("adam", 16), ("momentum", None)])
def test_the_range_test_leaves_the_live_session_exactly_as_it_was(optimizer, batch_size):
    s = make_session(optimizer, batch_size)
    s.batches.peek()                         # mid-way state: an epoch order is drawn
    before = flatten(s.state_dict())
    epochs, version = s.timeline.epochs(), s.timeline.version
    serial = s.network.forward_serial
    events = []
    s.subscribe(lambda event, session: events.append(event))
    result = lr_range_test(s, lr_min=1e-4, lr_max=50.0, steps=60)
    assert len(result.losses) > 5
    assert flatten(s.state_dict()) == before
    np.testing.assert_array_equal(s.timeline.epochs(), epochs)
    assert s.timeline.version == version and s.network.forward_serial == serial
    assert events == []


def test_the_copy_steps_exactly_as_the_original():
    s = make_session("adam", 16)
    twin = copy_session(s)
    assert twin.network is not s.network
    twin.run(3)
    s.run(3)
    np.testing.assert_array_equal(twin.network.theta, s.network.theta)
    assert flatten(twin.state_dict()) == flatten(s.state_dict())


@pytest.mark.parametrize("rule", [STEEPEST, MINIMUM])
def test_the_curve_grows_exponentially_and_the_suggestion_lies_inside(rule):
    s = make_session()
    r = lr_range_test(s, lr_min=1e-4, lr_max=10.0, steps=50, rule=rule)
    n = len(r.learning_rates)
    assert 5 <= n <= 50 and r.losses.shape == r.smoothed.shape == (n,)
    np.testing.assert_allclose(r.learning_rates, np.geomspace(1e-4, 10.0, 50)[:n], rtol=1e-12)
    assert 1e-4 <= r.suggestion <= 10.0
    assert r.suggestion in r.learning_rates or r.rule == MINIMUM
    # The first loss is the first mini-batch's loss at the session's current weights.
    X, Y, _ = s.next_batch()
    net = s.network.copy()
    assert r.losses[0] == pytest.approx(net.loss(X, Y, "bce"), rel=1e-12)
    if r.rule == STEEPEST:
        slope = np.gradient(r.smoothed, np.log10(r.learning_rates))
        k = int(np.flatnonzero(r.learning_rates == r.suggestion)[0])
        assert slope[k] < 0 and k <= int(np.argmin(r.smoothed))
    else:
        assert r.suggestion == pytest.approx(
            max(r.learning_rates[np.argmin(r.smoothed)] / 10, 1e-4))


def test_the_test_stops_when_the_loss_diverges():
    stopped_early = 0
    for seed in range(10):
        r = lr_range_test(make_session("sgd", None, seed=seed, epochs=0), lr_min=1e-3,
                          lr_max=1e6, steps=100)
        if len(r.losses) < 100:
            stopped_early += 1
            assert "passed 4×" in r.stopped or "finite" in r.stopped or "overflowed" in r.stopped
    assert stopped_early >= 9


def test_the_smoothed_curve_is_the_bias_corrected_moving_average():
    r = lr_range_test(make_session(), steps=20, smoothing=0.7)
    average = 0.0
    for i, loss in enumerate(r.losses):
        average = 0.7 * average + 0.3 * loss
        assert r.smoothed[i] == pytest.approx(average / (1 - 0.7 ** (i + 1)), rel=1e-12)
    unsmoothed = lr_range_test(make_session(), steps=20, smoothing=0.0)
    np.testing.assert_array_equal(unsmoothed.smoothed, unsmoothed.losses)


def test_suggestion_rules_on_known_curves():
    rates = np.geomspace(1e-5, 1.0, 51)
    x = np.log10(rates)
    # A sigmoid-shaped fall, steepest at 10⁻³, then a rise after 10⁻¹.
    curve = 1.0 - 0.8 / (1 + np.exp(-3 * (x + 3))) + np.where(x > -1, (x + 1) ** 2, 0.0)
    rate, rule, words = suggest_learning_rate(rates, curve, STEEPEST)
    assert rule == STEEPEST and rate == pytest.approx(1e-3) and "fastest" in words
    rate, rule, _ = suggest_learning_rate(rates, curve, MINIMUM)
    assert rule == MINIMUM and rate == pytest.approx(rates[np.argmin(curve)] / 10)
    rising = x + 10.0
    rate, rule, words = suggest_learning_rate(rates, rising, STEEPEST)
    assert rule == MINIMUM and "did not fall" in words and rate == rates[0]
    with pytest.raises(ValueError, match="rule"):
        suggest_learning_rate(rates, curve, "best")


@pytest.mark.parametrize("kwargs, message", [
    ({"lr_min": 1.0, "lr_max": 0.1}, "below"),
    ({"lr_min": 0.0}, "positive"),
    ({"lr_max": float("inf")}, "positive"),
    ({"lr_min": "fast"}, "positive"),
    ({"steps": 4}, "steps"),
    ({"steps": 10.0}, "steps"),
    ({"smoothing": 1.0}, "smoothing"),
    ({"divergence": 1.0}, "divergence"),
    ({"rule": "steep"}, "rule"),
])
def test_bad_settings_are_refused(kwargs, message):
    s = make_session(epochs=0)
    with pytest.raises(ValueError, match=message):
        lr_range_test(s, **kwargs)
