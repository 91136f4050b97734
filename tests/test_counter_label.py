"""The epoch counters change their text every frame without asking the window for a new layout
(a whole-window layout pass per frame was a measurable share of a frame while playing)."""
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QWidget

from backprop_lab.gui.views.counter_label import CounterLabel
from tests.layout_requests import LayoutRequests


def counted(qtbot, label: QLabel) -> tuple[QWidget, LayoutRequests]:
    box = QWidget()
    qtbot.addWidget(box)
    QHBoxLayout(box).addWidget(label)
    box.show()
    qtbot.waitExposed(box)
    QApplication.processEvents()                  # the first layout is done
    requests = LayoutRequests()
    box.installEventFilter(requests)
    return box, requests


def test_same_number_of_digits_no_new_layout(qtbot, qapp):
    label = CounterLabel("Epoch 100")
    _box, requests = counted(qtbot, label)
    size = label.size()
    for epoch in range(101, 160):
        label.setText(f"Epoch {epoch}")
        qapp.processEvents()
    assert requests.count == 0 and label.size() == size
    assert label.text() == "Epoch 159"


def test_a_plain_label_would_ask_for_one(qtbot, qapp):
    # The measurement above can see a request: a QLabel asks for a layout at every change.
    label = QLabel("Epoch 100")
    _box, requests = counted(qtbot, label)
    for epoch in range(101, 110):
        label.setText(f"Epoch {epoch}")
        qapp.processEvents()
    assert requests.count > 0


def test_it_grows_for_another_digit_and_a_larger_font(qtbot, qapp):
    label = CounterLabel("Epoch 999")
    _box, _requests = counted(qtbot, label)
    narrow = label.width()
    label.setText("Epoch 1000")
    assert label.width() > narrow
    assert label.width() >= label.fontMetrics().horizontalAdvance("Epoch 8888")
    height = label.height()
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * 2)
    label.setFont(font)                           # presentation mode scales the type
    assert label.height() > height
    assert label.width() >= label.fontMetrics().horizontalAdvance("Epoch 1000")
