"""Plots keep their axes and texts as pictures of their pixels while training repaints them;
a picture must never show an old range or an old word."""
import pytest
from PySide6.QtWidgets import QApplication, QGraphicsItem, QGraphicsTextItem

from backprop_lab.gui.model.config import Config

CACHED = QGraphicsItem.CacheMode.DeviceCoordinateCache


@pytest.fixture
def window(make_window):
    return make_window(Config(dataset="moons", n_samples=60, hidden=[4], activations=["tanh"],
                              optimizer="sgd", learning_rate=0.1, batch_size=None), (1280, 800))


def picture(view, item):
    QApplication.processEvents()
    return view.grab(view.mapFromScene(item.sceneBoundingRect()).boundingRect()).toImage()


def uncached(view, item):
    """The same item drawn anew, without its kept picture (then kept again)."""
    items = [item] + [c for c in item.childItems() if isinstance(c, QGraphicsTextItem)]
    for each in items:
        each.setCacheMode(QGraphicsItem.CacheMode.NoCache)
    image = picture(view, item)
    for each in items:
        each.setCacheMode(CACHED)
    return image


def test_the_loss_axis_shows_its_new_range_after_training(window):
    plot = window.loss_plot
    canvas = plot.canvas
    last = next(row for row in (plot.grads, plot.score, plot.loss) if row.isVisible())
    axis = last.getAxis("bottom")                  # the row that carries the epoch ticks
    assert axis.cacheMode() == CACHED
    before = picture(canvas, axis)
    window.controller.session.run(400)
    window.render_now()
    after = picture(canvas, axis)
    assert after != before                                  # 0…10 became 0…400 or so
    assert after == uncached(canvas, axis)


def test_the_output_plots_texts_follow_a_new_theme(window):
    plot = window.boundary.plot
    texts = [i for i in plot.scene().items() if isinstance(i, QGraphicsTextItem)
             and i.isVisible()]
    assert texts and all(t.cacheMode() == CACHED for t in texts)
    axis = plot.getAxis("left")
    before = picture(plot, axis)
    window.presentation.set_theme("dark")
    after = picture(plot, axis)
    assert after != before
    assert after == uncached(plot, axis)
