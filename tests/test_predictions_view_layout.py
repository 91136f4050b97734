"""The predictions view in a narrow column (a 1024- or 1280-pixel window, the stage): the
sample predictions go under the confusion matrix and the scores become a table of a class a
row, so that nothing is cut at the right (the view does not scroll sideways)."""
import numpy as np
from PySide6.QtWidgets import QScrollArea

from backprop_lab.engine import Network, datasets
from backprop_lab.gui.views.confusion_matrix_view import ConfusionMatrix
from backprop_lab.gui.views.predictions_view import PredictionsView, scores_table


def shown(qtbot, width: int) -> PredictionsView:
    view = PredictionsView()
    qtbot.addWidget(view)
    data = datasets.load("digits", seed=0)
    view.set_data(data)
    view.show_network(Network([64, 16, 10], hidden="tanh", output="softmax", seed=0))
    view.resize(width, 700)
    view.show()
    qtbot.waitUntil(lambda: view.width() == width)
    return view


def body_and_viewport(view) -> tuple[int, int]:
    scroll = view.findChild(QScrollArea)
    return scroll.widget().width(), scroll.viewport().width()


def test_a_narrow_column_stacks_the_parts_and_cuts_nothing(qtbot):
    view = shown(qtbot, 280)                   # the digits column of a 1024×768 window
    assert view.narrow
    body, viewport = body_and_viewport(view)
    assert body <= viewport
    matrix, samples = view.matrix.geometry(), view.samples.geometry()
    assert samples.top() > matrix.bottom()                       # under the matrix
    assert samples.right() <= viewport and view.scores.geometry().right() <= viewport
    assert "<th>precision</th>" in view.scores.text()             # a class a row


def test_a_wide_column_puts_them_side_by_side(qtbot):
    view = shown(qtbot, 900)
    assert view.narrow is False
    matrix, samples = view.matrix.geometry(), view.samples.geometry()
    assert samples.left() > matrix.right() and samples.top() < matrix.bottom()
    assert "<td>precision</td>" in view.scores.text()             # a class a column
    view.resize(280, 700)
    qtbot.waitUntil(lambda: view.narrow)
    assert "<th>precision</th>" in view.scores.text()


def test_both_tables_give_every_class_its_precision_and_recall():
    matrix = np.array([[8, 2], [1, 9]])
    for by_row in (False, True):
        text = scores_table(matrix, ["cat", "dog"], by_row=by_row)
        for share in ("89%", "80%", "82%", "90%"):     # precision 8/9, 9/11; recall .8, .9
            assert share in text
        assert "cat" in text and "dog" in text


def test_the_matrix_asks_for_room_for_its_labels_in_large_type(qtbot):
    view = ConfusionMatrix()
    qtbot.addWidget(view)
    view.set_matrix(np.eye(10, dtype=int), [str(k) for k in range(10)])
    small = view.minimumSizeHint()
    font = view.font()
    font.setPointSizeF(font.pointSizeF() * 2)
    view.setFont(font)
    large = view.minimumSizeHint()
    assert large.width() > small.width() and large.height() > small.height()
    assert large.height() >= 10 * view.fontMetrics().height()
