"""The graph's thumbnails as table indices: all layers in one pass give what each layer's
own scale gives (sigmoid and softmax on [0, 1], tanh on [−1, 1], unbounded ones on the
layer's — or the unit's — largest |value|), with NaN and ±∞ drawn neutral."""
import numpy as np
import pytest

from backprop_lab.gui.views import heatmaps

SHAPE = (27, 27)
ACTIVATIONS = ["relu", "tanh", "sigmoid", "identity", "leaky_relu", "softmax", "tanh"]


def one_layer(A, activation, per_unit):
    """A layer's indices computed on their own, from the definition."""
    t = heatmaps.scaled_units(A.reshape(*SHAPE, A.shape[1]), activation, per_unit)
    return heatmaps.lut_indices(t, -1.0, 1.0, 256).transpose(2, 0, 1)[:, ::-1]


@pytest.mark.parametrize("per_unit", [False, True])
def test_all_layers_at_once_equal_each_layer_on_its_own(per_unit):
    rng = np.random.default_rng(0)
    layers = [rng.normal(0, 2, (729, k)) for k in (8, 8, 8, 8, 8, 3, 1)]
    layers[2] = 1 / (1 + np.exp(-layers[2]))
    layers[0][5, 2] = np.nan
    layers[3][7, 1] = np.inf
    layers[4][:, 3] = 0.0                       # a dead unit: no peak to divide by
    together = heatmaps.layer_indices(layers, SHAPE, ACTIVATIONS, per_unit)
    assert [t.shape for t in together] == [(A.shape[1], *SHAPE) for A in layers]
    for A, activation, indices in zip(layers, ACTIVATIONS, together):
        np.testing.assert_array_equal(indices, one_layer(A, activation, per_unit))
        assert indices.flags.c_contiguous and indices.dtype == np.uint8
    neutral = heatmaps.lut_indices(np.zeros(1), -1.0, 1.0, 256)[0]
    assert together[0][2, SHAPE[0] - 1, 5] == neutral          # NaN at row 0, column 5
    assert together[3][1, SHAPE[0] - 1, 7] == neutral          # +∞
    assert (together[4][3] == neutral).all()
