"""The timeline's snapshots stay within 64 MB, however large the network."""
import numpy as np
import pytest

from backprop_lab.engine.io.limits import MAX_PARAMETERS
from backprop_lab.engine.nn.optimizers import make_optimizer
from backprop_lab.engine.training.timeline import MAX_BYTES, Timeline, fit_in_memory


@pytest.mark.parametrize("n_params", [1_000, 150_000, MAX_PARAMETERS])
def test_snapshots_of_adam_stay_within_the_budget(n_params):
    timeline = Timeline(n_params)
    theta = np.zeros(n_params)
    adam = make_optimizer("adam", 0.01)
    gradient = np.full(n_params, 0.5)
    for epoch in range(120):
        adam.step(theta, gradient)                       # fills m and v
        timeline.record(epoch, epoch, theta, adam, None)
    assert timeline.nbytes <= MAX_BYTES
    epochs = timeline.epochs()
    assert epochs[-1] == 119 and epochs[0] == 0          # the whole run, spread out
    assert len(epochs) <= timeline.recent + timeline.capacity + 1
    snap = timeline.snapshot(119)                        # a kept epoch is exact
    np.testing.assert_array_equal(snap.theta, theta)
    assert set(snap.optimizer_state) == {"m", "v", "t"}
    if n_params == 1_000:
        assert (timeline.recent, timeline.capacity) == (32, 64)     # small nets: as before


def test_fit_in_memory_scales_both_windows_down_together():
    assert fit_in_memory(32, 64, 1_000, 10**9) == (32, 64)
    recent, capacity = fit_in_memory(32, 64, 1_000_000, 40_000_000)
    assert recent + capacity + 1 <= 40 and recent >= 1 and capacity >= 2
    assert fit_in_memory(32, 64, 10**9, 1) == (1, 2)           # never below the minimum
