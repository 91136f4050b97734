"""Long curves thinned to the plot's width keep their shape: every run of samples in a pixel
column drawn as its high and low, gaps kept, the newest samples as they are."""
import numpy as np

from backprop_lab.engine import Network, TrainingSession, datasets
from backprop_lab.gui.views.curve_points import peak_points
from backprop_lab.gui.views.loss_plot import LossPlot


def shown_plot(qtbot, width: int) -> LossPlot:
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.resize(width, 500)
    plot.show()
    qtbot.waitExposed(plot)
    return plot


def long_run(epochs: int) -> TrainingSession:
    """Mini-batches of 8 on moons: a noisy loss curve of ``epochs`` + 1 rows."""
    session = TrainingSession(Network([2, 4, 1], seed=1), datasets.load("moons", seed=1),
                              loss="bce", optimizer="sgd", learning_rate=0.5, batch_size=8)
    session.run(epochs)
    return session


def test_each_run_becomes_its_high_and_low_at_its_first_x():
    x = np.arange(10.0)
    y = np.array([3, 1, 2, 9, 8, 7, 0, 5, 4, 6.0])
    px, py = peak_points(x, y, 3)                     # runs of 3: [3 1 2] [9 8 7] [0 5 4] + [6]
    np.testing.assert_array_equal(px, [0, 0, 3, 3, 6, 6, 9])
    np.testing.assert_array_equal(py, [3, 1, 9, 7, 5, 0, 6])


def test_short_curves_are_kept_and_gaps_stay_gaps():
    x, y = np.arange(7.0), np.arange(7.0)
    assert peak_points(x, y, 4)[1] is y                   # fewer than two samples a column
    y = np.array([1, np.nan, 2, 3, 4, 5, 6, 7.0])
    _px, py = peak_points(np.arange(8.0), y, 4)
    assert np.isnan(py[:2]).all() and np.isfinite(py[2:]).all()


def test_the_loss_plot_draws_the_envelope_of_a_long_run_and_thins_anew_when_resized(qtbot):
    plot = shown_plot(qtbot, 500)
    session = long_run(3000)
    plot.set_history(session.history)
    table = session.history.table()
    x, y = plot.train_curve.getData()
    assert len(x) <= 2 * plot.canvas.width() + 10 < len(table)
    column = session.history.columns.index("train_loss")
    assert y.max() == table[:, column].max() and y.min() == table[:, column].min()
    assert x[-1] == table[-1, 0]
    narrow = len(x)
    plot.resize(1500, 500)
    qtbot.waitUntil(lambda: len(plot.train_curve.getData()[0]) > 2 * narrow)


def test_a_zoomed_loss_plot_shows_every_epoch_in_view_until_the_axis_steps(qtbot):
    plot = shown_plot(qtbot, 600)
    session = long_run(2500)
    plot.set_history(session.history)
    assert np.diff(plot.train_curve.getData()[0]).max() > 1        # the whole run, thinned
    plot.loss.getViewBox().setXRange(1200, 1300, padding=0)          # the mouse wheel's zoom
    x, _y = plot.train_curve.getData()
    inside = x[(x >= 1200) & (x <= 1300)]
    np.testing.assert_array_equal(inside, np.arange(1200, 1301))     # every epoch, none made up
    session.run(600)                                    # past 3,000: the epoch axis steps
    plot.set_history(session.history)
    x, _y = plot.train_curve.getData()
    assert x[0] == 0 and x[-1] == 3100 and len(x) < 2.2 * plot.pixel_columns()


def test_pinned_runs_are_thinned_anew_with_the_live_curves_when_resized(qtbot):
    plot = shown_plot(qtbot, 500)
    session = long_run(2500)
    plot.set_history(session.history)
    table = session.history.table()
    plot.set_pins([(1, "run 1", table[:, 0], table[:, 1], (90, 90, 90))])
    narrow = len(plot.pin_curves[0].getData()[0])
    plot.resize(1500, 500)
    qtbot.waitUntil(lambda: len(plot.pin_curves[0].getData()[0]) > 2 * narrow)
