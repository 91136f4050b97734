"""The loss plot redraws row by row while training plays (all three rows at once cost a
frame up to 20 ms): each row still follows the history within a few frames, a row drawn
alone leaves the others as they were, and a row that comes into view shows the latest."""
import time

from PySide6.QtCore import Qt

from backprop_lab.engine import Network, TrainingSession, datasets
from backprop_lab.gui.model.config import Config
from backprop_lab.gui.views.loss_plot import ROW_MIN_HEIGHT, LossPlot


def trained(epochs: int) -> TrainingSession:
    session = TrainingSession(Network([2, 4, 4, 1], seed=1), datasets.load("moons", seed=1),
                              loss="bce", optimizer="sgd", learning_rate=0.1)
    session.run(epochs)
    return session


def plot_with_room_for(qtbot, rows: int) -> LossPlot:
    """A shown loss plot whose canvas has room for ``rows`` rows (and a half)."""
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.show()
    plot.resize(400, plot.caption_bar.height() + int((rows + 0.5) * ROW_MIN_HEIGHT))
    qtbot.waitUntil(lambda: plot.rows_with_room() == rows)
    return plot


def points(curve) -> int:
    x, _y = curve.getData()
    return 0 if x is None else int(x[-1])


def test_a_row_drawn_alone_leaves_the_others_as_they_were(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    session = trained(10)
    plot.set_history(session.history)
    session.run(10)
    plot.set_history(session.history, ("loss",))
    assert points(plot.train_curve) == 20 and points(plot.train_score) == 10
    assert points(plot.grad_curves[0]) == 10
    plot.set_history(session.history, ("score", "grads"))
    assert points(plot.train_score) == 20 and points(plot.grad_curves[-1]) == 20


def test_a_row_coming_into_view_shows_the_latest_epochs(qtbot):
    plot = plot_with_room_for(qtbot, 1)
    session = trained(10)
    plot.set_history(session.history)
    session.run(15)
    plot.set_history(session.history, plot.shown_rows())       # as while playing: the loss
    assert points(plot.train_score) == 10
    plot.resize(400, plot.caption_bar.height() + 4 * ROW_MIN_HEIGHT)          # all three
    qtbot.waitUntil(lambda: plot.rows_with_room() == 3)
    assert points(plot.train_score) == 25 and points(plot.grad_curves[0]) == 25


def test_while_playing_every_shown_row_follows_within_three_frames(make_window):
    w = make_window(Config(dataset="moons", n_samples=60, hidden=[4], activations=["tanh"],
                           optimizer="sgd", learning_rate=0.1, batch_size=None), (1600, 1000))
    plot, renderer = w.loss_plot, w.renderer
    assert plot.shown_rows() == ("loss", "score", "grads")
    w.controller.session.run(30)
    net = w.controller.session.network
    now = time.perf_counter() + 10.0                      # every slow view overdue
    drawn = []
    for _frame in range(5):                    # (the diagnosis may take the first frame)
        renderer._render_slow_view(now, net, None)
        drawn.append((points(plot.train_curve), points(plot.train_score),
                      points(plot.grad_curves[0]) if plot.grad_curves else 0))
    first = next(k for k, frame in enumerate(drawn) if frame[0] == 30)
    assert drawn[first][1:] != (30, 30)                    # one row a frame…
    assert drawn[first + 2] == (30, 30, 30)                # …all of them in three frames


def test_which_rows_a_short_canvas_keeps():
    from backprop_lab.gui.views.loss_rows import choose_rows
    # Normally ‖dW‖ goes first, then accuracy; ‖dW‖ asked for without a row is waiting.
    assert choose_rows(3, True) == (True, True, False)
    assert choose_rows(2, True) == (True, False, False)          # the tick it starts with
    assert choose_rows(2, True, grads_asked=True) == (True, False, True)
    assert choose_rows(1, True, grads_asked=True) == (False, False, True)
    assert choose_rows(2, False) == (True, False, False)
    assert choose_rows(1, False, grads_asked=True) == (False, False, False)
    # A lesson about gradients keeps ‖dW‖ before accuracy.
    assert choose_rows(3, True, grads_first=True) == (True, True, False)
    assert choose_rows(2, True, grads_first=True) == (False, True, False)
    assert choose_rows(1, True, grads_first=True) == (False, False, True)
    assert choose_rows(2, False, grads_first=True) == (True, False, False)


def test_a_ticked_gradient_row_without_room_is_said_not_dropped(qtbot):
    plot = plot_with_room_for(qtbot, 2)
    assert plot.shown_rows() == ("loss", "score")
    assert plot.grads_box.isChecked() and not plot.grads_waiting.isVisible()    # as it starts
    qtbot.mouseClick(plot.grads_box, Qt.MouseButton.LeftButton)     # unticked by a click…
    qtbot.mouseClick(plot.grads_box, Qt.MouseButton.LeftButton)     # …and asked for again
    assert plot.grads_box.isChecked() and plot.grads_waiting.isVisible()
    qtbot.mouseClick(plot.grads_box, Qt.MouseButton.LeftButton)
    assert not plot.grads_waiting.isVisible()
    plot.put_gradient_norms_first(True)                  # lesson 19: ‖dW‖ before accuracy
    assert plot.shown_rows() == ("loss", "grads") and not plot.grads_waiting.isVisible()
    plot.set_row_limit(1)                                # the stage asks for one row
    assert plot.shown_rows() == ("loss",) and plot.grads_waiting.isVisible()
    assert plot.grads_box.isChecked()                    # the student's tick stays
    plot.show_gradient_norms(False)                      # unticked: nothing is waiting
    assert not plot.grads_waiting.isVisible()
    plot.set_row_limit(3)
    assert plot.shown_rows() == ("loss", "score")


def test_set_history_says_when_an_axis_stepped(qtbot):
    """The window gives a frame whose loss-plot update steps an axis to the plot alone
    (that repaint lays the axes out anew): set_history says when it happened."""
    from backprop_lab.engine.training.evaluation import history_columns
    from backprop_lab.engine.training.history import History
    plot = LossPlot()
    qtbot.addWidget(plot)
    history = History(history_columns("accuracy", 2, validation=False))

    def epochs(first, last):
        for epoch in range(first, last + 1):
            history.append(epoch, [0.5, 0.6, 0.7, 0.6, 0.2, 0.1])   # steady values

    epochs(1, 5)
    assert plot.set_history(history) is True                 # the first ranges
    epochs(6, 9)
    assert plot.set_history(history, ("loss",)) is False      # still 0…10 epochs
    epochs(10, 12)
    assert plot.set_history(history, ("score",)) is True      # 0…20 epochs
    assert plot.set_history(history, ("grads",)) is False
    history.append(13, [0.5, 0.6, 0.7, 0.6, 0.2, 1e-6])        # a new decade of ‖dW‖
    assert plot.set_history(history, ("grads",)) is True


def test_only_the_last_row_lays_out_epoch_ticks(qtbot):
    """The rows share the epoch axis: the rows above draw its line alone, so a step of the
    axis regenerates one axis picture, not three; the row that becomes last gets the ticks."""
    plot = plot_with_room_for(qtbot, 3)
    plot.set_history(trained(30).history)

    def ticked(row) -> bool:              # explicit empty ticks: pyqtgraph lays none out
        return row.getAxis("bottom")._tickLevels != [[]]
    assert [ticked(row) for row in (plot.loss, plot.score, plot.grads)] == [False, False, True]
    plot.show_gradient_norms(False)
    assert [ticked(row) for row in (plot.loss, plot.score)] == [False, True]
    assert plot.score.getAxis("bottom").style["showValues"]


def test_the_rows_value_axes_are_equally_wide_so_their_epochs_line_up(qtbot, qapp):
    """‖dW‖'s labels ("0.0001", "10⁻⁶") are wider than the loss's ("0.8"): each axis sized to
    its own labels put epoch 0 of the ‖dW‖ row further right than the rows above it.  The
    axes share the widest labels drawn so far, and start afresh after a new tick font."""
    from backprop_lab.gui.style import colors
    from backprop_lab.gui.style.appearance import style_plot
    plot = plot_with_room_for(qtbot, 3)
    plot.set_history(trained(200).history)
    rows = (plot.loss, plot.score, plot.grads)
    plot.loss.setYRange(0, 1, padding=0)             # labels "0", "0.5", "1"
    plot.grads.setYRange(-7, 0, padding=0)           # labels down to "0.0001" and "10⁻⁶"

    def lefts() -> set[int]:
        return {round(row.getViewBox().sceneBoundingRect().left()) for row in rows}

    def widths() -> list[float]:
        return [row.getAxis("left").width() for row in rows]
    qtbot.waitUntil(lambda: len(lefts()) == 1 and widths()[0] > 45)
    wide = widths()[0]
    plot.grads.setYRange(-1, 0, padding=0)           # narrow labels again: no narrowing
    qapp.processEvents()
    assert widths() == [wide] * 3
    for row in rows:                                 # the stage's large type
        style_plot(row, plot.canvas, colors.LIGHT, 2.0)
    plot.grads.setYRange(-7, 0, padding=0)
    qtbot.waitUntil(lambda: len(lefts()) == 1 and widths()[0] > wide)


def test_the_epoch_labels_never_meet_on_a_narrow_plot_in_large_type(qtbot):
    """The stage's loss plot at 1024×768 is ~120–300 pixels wide: pyqtgraph's ticks every 50
    epochs printed "50100150".  Steps stay 1, 2 or 5 × 10ᵏ, labels a space apart, and no
    coarser than that: a 240-pixel axis over 200 epochs keeps its labels every 50."""
    import numpy as np
    from PySide6.QtGui import QFontMetricsF

    from backprop_lab.gui.style import colors
    from backprop_lab.gui.style.appearance import style_plot
    plot = LossPlot()
    qtbot.addWidget(plot)
    style_plot(plot.grads, plot.canvas, colors.LIGHT, 2.0)
    axis = plot.grads.getAxis("bottom")
    metrics = QFontMetricsF(axis.style["tickFont"])
    for low, high, pixels in ((-4, 204, 130), (-4, 204, 240), (0, 3000, 150), (0, 50_000, 300),
                              (0, 12_345.6, 300), (0, 10, 400)):
        major = axis.tickSpacing(low, high, pixels)[0][0]
        assert major / 10 ** np.floor(np.log10(major)) in (1, 2, 5), (low, high, major)
        ticks = np.arange(np.ceil(low / major) * major, high + 1e-9, major)
        labels = axis.tickStrings(list(ticks), 1.0, major)
        if len(ticks) > 1:
            assert major * pixels / (high - low) >= max(map(metrics.horizontalAdvance, labels)) \
                + metrics.horizontalAdvance(" "), (low, high, pixels, major)
    # pyqtgraph's own step there is 50 ("50100150" on a narrower axis): kept where its
    # labels fit, in whatever font this machine has.
    room = 50 * 240 / 208 - metrics.horizontalAdvance(" ")
    fits = max(map(metrics.horizontalAdvance, ("0", "50", "100", "150", "200"))) <= room
    assert (axis.tickSpacing(-4, 204, 240)[0][0] == 50) == fits


def test_a_row_shown_after_a_restyle_gets_its_value_axis_back(qtbot, qapp):
    """pyqtgraph gives an axis hidden with its row no width; shown again after a new theme
    or type size, the row takes the shared width (it had kept none: no labels, its plot
    starting at the left edge)."""
    from backprop_lab.gui.style import colors
    from backprop_lab.gui.style.appearance import style_plot
    plot = plot_with_room_for(qtbot, 1)
    plot.set_history(trained(50).history)
    qapp.processEvents()
    for row in (plot.loss, plot.score, plot.grads):
        style_plot(row, plot.canvas, colors.DARK, 1.0)
    qapp.processEvents()
    plot.resize(400, plot.caption_bar.height() + int(2.5 * ROW_MIN_HEIGHT))
    qtbot.waitUntil(lambda: plot.score.isVisible())
    qtbot.waitUntil(lambda: plot.score.getAxis("left").width() == plot.loss.getAxis("left").width()
                    > 20)



def test_the_value_axes_rest_when_nothing_changes(qtbot, qapp, monkeypatch):
    """pyqtgraph reports label widths in fractions of a pixel: widening every row to the
    whole pixels below made the rows lay their ticks out anew at every repaint, for ever."""
    import pyqtgraph as pg

    from backprop_lab.gui.style import colors
    from backprop_lab.gui.style.appearance import style_plot
    layouts = []
    original = pg.AxisItem.generateDrawSpecs
    monkeypatch.setattr(pg.AxisItem, "generateDrawSpecs", lambda self, painter: (
        layouts.append(self.orientation), original(self, painter))[1])
    plot = plot_with_room_for(qtbot, 3)
    for row in (plot.loss, plot.score, plot.grads):       # as the window styles them
        style_plot(row, plot.canvas, colors.LIGHT, 1.0)
    plot.set_history(trained(50).history)
    for low, high in ((0.9, 0.96), (0.0, 30.0)):
        plot.loss.setYRange(low, high, padding=0)         # the same labels on two rows
        plot.score.setYRange(low, high, padding=0)
        qtbot.wait(300)
        layouts.clear()
        qtbot.wait(500)
        assert layouts.count("left") <= 2, (low, high)
