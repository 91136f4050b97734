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
