"""The loss plot's axis ranges: stepped, so a redraw per epoch does not lay ticks out anew."""
import numpy as np

from backprop_lab.gui.views.axis_ranges import (SteppedRanges, history_spans, nice_ceiling,
                                                value_range)


def test_nice_ceilings_step_through_1_15_2_3_4_5_6_8():
    assert [nice_ceiling(x) for x in (0.7, 1.2, 2.5, 7.9, 81, 1001)] == \
        [0.8, 1.5, 3.0, 8.0, 100.0, 1500.0]


def test_the_epoch_axis_steps_four_times_a_decade():
    columns = ("epoch", "train_loss")
    ends = []
    for last in range(10, 10_001, 7):
        x, _y, _norms = history_spans(np.array([[0.0, 0.7], [last, 0.3]]), columns, [], False)
        assert x[1] >= last and last / x[1] > 0.5 or x == (0.0, 10.0)
        ends.append(x[1])
    assert sorted(set(ends)) == [10, 20, 30, 50, 100, 200, 300, 500, 1000, 2000, 3000, 5000,
                                 10_000]


def test_linear_range_from_zero_to_a_nice_ceiling_and_nothing_for_no_values():
    assert value_range(np.array([0.2, 0.69, np.nan]), log=False) == (0.0, 0.8)
    assert value_range(np.array([-0.5, 2.2]), log=False) == (-0.5, 3.0)
    assert value_range(np.array([np.nan]), log=False) is None


def test_log_ranges_span_whole_decades_and_at_least_two():
    assert value_range(np.array([0.003, 0.4]), log=True) == (-3.0, 0.0)
    assert value_range(np.array([0.2, 0.5]), log=True) == (-1.0, 1.0)
    assert value_range(np.array([0.0, -1.0]), log=True) is None


def test_history_spans_before_the_first_step_give_the_norms_a_range_of_their_own():
    columns = ("epoch", "train_loss", "grad_norm_1")
    table = np.array([[0.0, 0.7, np.nan]])
    x, y, norms = history_spans(table, columns, [], log=False)
    assert x == (0.0, 10.0) and y == (0.0, 0.8) and norms == (-3.0, 0.0)
    x, _y, norms = history_spans(table[:, :2], columns[:2], [], log=False)
    assert norms is None                            # no norms recorded: nothing to fit


def test_pinned_runs_widen_the_epoch_and_loss_ranges():
    columns = ("epoch", "train_loss")
    table = np.array([[0.0, 0.7], [20.0, 0.3]])
    pin = (1, np.arange(0.0, 130.0), np.linspace(2.5, 0.1, 130))
    x, y, _ = history_spans(table, columns, [pin], log=False)
    assert x == (0.0, 200.0) and y == (0.0, 3.0)


class _Plot:
    """Records the ranges set on it, as a pyqtgraph PlotItem would show them."""

    def __init__(self):
        self.set: list[tuple[float, float]] = []

    def setYRange(self, low, high, padding):
        self.set.append((low, high))


def test_a_slack_keeps_a_range_that_still_holds_the_values():
    """‖dW‖ of mini-batches jumps a decade up and down: the axis keeps up to two spare
    decades rather than stepping back and forth (each step lays its ticks out anew)."""
    ranges, plot = SteppedRanges(), _Plot()
    assert ranges.apply(plot, "y", (-7.0, 0.0), slack=2.0)
    assert not ranges.apply(plot, "y", (-6.0, -1.0), slack=2.0)     # inside, 2 decades spare
    assert not ranges.apply(plot, "y", (-7.0, 0.0), slack=2.0)
    assert ranges.apply(plot, "y", (-8.0, 0.0), slack=2.0)          # beyond: a step
    assert ranges.apply(plot, "y", (-5.0, -2.0), slack=2.0)         # 5 decades spare: a step
    assert not ranges.apply(plot, "y", (-5.0, -2.0), slack=2.0)
    assert plot.set == [(-7.0, 0.0), (-8.0, 0.0), (-5.0, -2.0)]
    plain = SteppedRanges()
    assert plain.apply(plot, "y", (-7.0, 0.0)) and plain.apply(plot, "y", (-6.0, -1.0))
