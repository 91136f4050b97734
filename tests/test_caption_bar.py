"""A caption with controls beside it, or above them when the two do not fit on one line —
and no flipping back and forth while its numbers change many times a second."""
import pytest
from PySide6.QtWidgets import QLabel, QPushButton

from backprop_lab.gui.views.caption_bar import CaptionBar


@pytest.fixture
def bar(qtbot):
    caption = QLabel("train loss 0.1234, accuracy 91.5%")
    bar = CaptionBar(caption, [QPushButton("Pin run"), QPushButton("Log scale")])
    qtbot.addWidget(bar)
    bar.show()
    return bar


def set_width(bar, qtbot, width: int) -> None:
    bar.resize(width, bar.height())
    qtbot.waitUntil(lambda: bar.width() == width)


def test_caption_and_controls_share_a_line_when_they_fit(bar, qtbot):
    set_width(bar, qtbot, bar.needed_width() + 2)
    assert bar.stacked is False
    set_width(bar, qtbot, bar.needed_width() - 2)
    assert bar.stacked is True
    set_width(bar, qtbot, bar.needed_width() + 2)          # a wider window: room again
    assert bar.stacked is False


def test_numbers_gaining_and_losing_a_digit_do_not_flip_the_lines(bar, qtbot):
    """The loss plot's values while training plays: "0.1234" becomes "0.12345", then "0.123"
    and so on; each flip between one line and two re-lays out the plot under the bar."""
    set_width(bar, qtbot, bar.needed_width() + 2)
    assert bar.stacked is False
    flips = 0
    for text in ["0.12345", "0.123", "0.12345", "0.1234", "0.12346", "0.123"] * 3:
        before = bar.stacked
        bar.caption.setText(f"train loss {text}, accuracy 91.5%")
        bar.relayout()
        flips += bar.stacked != before
    assert flips == 1 and bar.stacked is True
    bar.caption.setText("train loss 0.1")                   # far shorter: one line again
    bar.relayout()
    assert bar.stacked is False
