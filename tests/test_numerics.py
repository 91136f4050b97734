"""Numerical stability: saturated sigmoids, huge logits, softmax overflow."""
import warnings

import numpy as np
import pytest

from backprop_lab.engine.nn.activations import ACTIVATIONS, get_activation
from backprop_lab.engine.nn.losses import get_loss


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sigmoid_is_stable_for_huge_inputs(dtype):
    z = np.array([[-1e300 if dtype == np.float64 else -3e38, -1000.0, -40.0, 0.0, 40.0, 1000.0,
                   1e300 if dtype == np.float64 else 3e38]], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = ACTIVATIONS["sigmoid"].forward(z)
    assert np.isfinite(a).all()
    assert a[0, 0] < 1e-30 and a[0, -1] == 1.0 and a[0, 3] == 0.5
    assert np.all(np.diff(a[0]) >= 0)


def test_bce_never_gives_nan_or_inf_for_saturated_outputs():
    bce, sigmoid = get_loss("bce"), get_activation("sigmoid")
    Z = np.array([[-1000.0], [1000.0], [-1e200], [1e200], [0.0]])
    A = sigmoid.forward(Z)
    Y = np.array([[1.0], [0.0], [0.0], [1.0], [1.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        per = bce.per_sample(Z, A, Y)
        dA = bce.dA(A, Y)
    np.testing.assert_allclose(per[:2], [1000.0, 1000.0])
    np.testing.assert_allclose(per[2:4], [0.0, 0.0])
    assert per[4] == pytest.approx(np.log(2))
    assert np.isfinite(dA).all()
    # The fused output gradient Â − Y is exact even when saturated.
    dZ = bce.output_dZ(Z, A, Y, sigmoid)
    np.testing.assert_allclose(dZ[:, 0], [-1.0, 1.0, 0.0, 0.0, -0.5], atol=1e-300)


def test_bce_matches_the_textbook_formula_away_from_saturation():
    rng = np.random.default_rng(0)
    Z = rng.normal(size=(20, 2))
    A = 1 / (1 + np.exp(-Z))
    Y = rng.integers(0, 2, size=(20, 2)).astype(float)
    textbook = -(Y * np.log(A) + (1 - Y) * np.log(1 - A)).sum(axis=1)
    np.testing.assert_allclose(get_loss("bce").per_sample(Z, A, Y), textbook, rtol=1e-12)


def test_softmax_and_cross_entropy_handle_huge_logits():
    softmax, ce = get_activation("softmax"), get_loss("cross_entropy")
    Z = np.array([[1000.0, 0.0, -1000.0], [5.0, 5.0, 5.0]])
    A = softmax.forward(Z)
    np.testing.assert_allclose(A.sum(axis=1), 1.0)
    np.testing.assert_allclose(A[1], 1 / 3)
    Y = ce.targets(np.array([2, 0]), 3)
    per = ce.per_sample(Z, A, Y)
    np.testing.assert_allclose(per, [2000.0, np.log(3)])


def test_mse_convention_is_half_mean_squared_error():
    mse = get_loss("mse")
    A = np.array([[1.0], [3.0]])
    Y = np.array([[0.0], [1.0]])
    assert mse.value(A, A, Y) == pytest.approx((1 + 4) / (2 * 2))


def test_the_step_unit_is_forward_only():
    step = get_activation("step")
    z = np.array([[-2.0, -1e-300, 0.0, 1e-300, 3.0]])
    np.testing.assert_array_equal(step.forward(z), [[0, 0, 0, 1, 1]])
    np.testing.assert_array_equal(step.derivative(z, step.forward(z)), np.zeros_like(z))
    with pytest.raises(ValueError, match="cannot be trained"):
        step.backward(np.ones_like(z), z, step.forward(z))


def test_the_large_initializer_draws_weights_of_spread_5():
    from backprop_lab.engine.nn.initializers import get_initializer
    W = get_initializer("large").weights(100, 100, np.random.default_rng(0))
    assert W.std() == pytest.approx(5.0, rel=0.03) and abs(W.mean()) < 0.1


def test_clipping_by_norm_never_overflows_and_keeps_the_direction():
    from backprop_lab.engine.nn.clipping import clip_by_norm
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for scale in (1e-300, 1.0, 1e200, 1e300):
            g = np.array([3.0, -4.0]) * scale
            norm, factor = clip_by_norm(g, 1.0)
            assert norm == pytest.approx(5.0 * scale)
            if scale > 0.2:
                np.testing.assert_allclose(g, [0.6, -0.8], rtol=1e-6)
            else:
                assert factor == 1.0


def test_each_loss_knows_the_loss_of_the_best_constant_prediction():
    Y = np.array([[1.0], [0.0], [0.0], [0.0]])
    assert get_loss("bce").baseline(Y) == pytest.approx(-(0.25 * np.log(0.25)
                                                          + 0.75 * np.log(0.75)))
    assert get_loss("mse").baseline(np.array([[1.0], [3.0]])) == pytest.approx(0.5)
    onehot = np.eye(3)[[0, 0, 1, 2]]
    p = np.array([0.5, 0.25, 0.25])
    assert get_loss("cross_entropy").baseline(onehot) == pytest.approx(-(p * np.log(p)).sum())
    for name, loss in (("bce", get_loss("bce")), ("mse", get_loss("mse"))):
        constant = np.full_like(Y, Y.mean())               # the best constant prediction …
        Z = np.log(constant / (1 - constant)) if name == "bce" else constant
        assert loss.value(Z, constant, Y) == pytest.approx(loss.baseline(Y))   # … scores it


@pytest.mark.parametrize("spec,factors", [
    (None, [1, 1, 1, 1]),
    ({"name": "step", "step_size": 2, "gamma": 0.5}, [1, 1, 0.5, 0.5]),
    ({"name": "exponential", "gamma": 0.5}, [1, 0.5, 0.25, 0.125]),
    ({"name": "cosine", "epochs": 2}, [1, 0.505, 0.01, 0.01]),
])
def test_schedule_factors(spec, factors):
    from backprop_lab.engine.training.schedules import make_schedule
    schedule = make_schedule(spec)
    np.testing.assert_allclose([schedule.factor(e) for e in range(4)], factors)
    assert make_schedule(schedule.to_dict()) == schedule
