"""Labels whose text changes while training plays (the predictions view's scores and counts)
keep the size their layout gave them while the text keeps its shape, so that each change no
longer lays the view out anew (7–13 ms a time for a rich-text table); a text of another
shape, a new font or a resize sizes them afresh."""
import numpy as np
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QLabel, QScrollArea, QVBoxLayout, QWidget

from backprop_lab.engine import Network, TrainingSession, datasets
from backprop_lab.gui.views.predictions_view import PredictionsView, scores_table
from backprop_lab.gui.views.steady_label import FIGURE_SPACE, SteadyLabel, padded
from tests.layout_requests import LayoutRequests



def laid_out(qtbot, label) -> tuple[QWidget, LayoutRequests]:
    box = QWidget()
    qtbot.addWidget(box)
    QVBoxLayout(box).addWidget(label)
    box.resize(400, 200)
    box.show()
    qtbot.waitExposed(box)
    QApplication.processEvents()
    requests = LayoutRequests()
    box.installEventFilter(requests)
    return box, requests


def table(values) -> str:
    cells = "".join(f"<td>{padded(f'{v:.0%}', 4)}</td>" for v in values)
    return f"<table cellspacing=4><tr><td>precision</td>{cells}</tr></table>"


def test_a_text_of_the_same_shape_asks_for_no_new_layout(qtbot, qapp):
    label = SteadyLabel(table([0.5, 0.9, 0.25]))
    _box, requests = laid_out(qtbot, label)
    for k in range(3):                                # held from the second one
        label.setText(table([0.51 + k / 100, 0.92, 0.27]))
        qapp.processEvents()
    held_size, requests.count = label.size(), 0
    for k in range(20):
        label.setText(table([0.3 + k / 100, 1.0 if k % 2 else 0.07, 0.5]))   # 100 % and 7 %
        qapp.processEvents()
    assert label.held and requests.count == 0 and label.size() == held_size
    assert "100%" in label.text() or "7%" in label.text()


def test_a_new_shape_a_font_or_a_release_lets_the_layout_size_it(qtbot, qapp):
    label = SteadyLabel("right: 12/40")
    _box, requests = laid_out(qtbot, label)
    label.setText("right: 13/40")
    assert not label.held                             # the layout may not have run yet
    qapp.processEvents()
    label.setText("right: 14/40")
    assert label.held
    label.setText("right: 13 of 40, well done")       # another shape
    assert not label.held
    qapp.processEvents()
    assert requests.count >= 1
    qapp.processEvents()
    label.setText("right: 14 of 40, well done")
    label.setText("right: 16 of 40, well done")
    assert label.held
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * 2)
    label.setFont(font)                               # the stage's large type
    assert not label.held
    label.setText("right: 15 of 40, well done")
    label.release()
    assert not label.held and label.maximumWidth() > 10_000


def test_padded_percentages_keep_their_width_in_rich_text(qtbot):
    """Qt's rich text takes figure spaces for white space and collapses them unless told
    to keep them: "7%" would be narrower than "100%" and a held label would cut text off."""
    def width(text: str) -> int:
        label = QLabel(f"<b>right</b>, {text} and more")
        qtbot.addWidget(label)
        return label.sizeHint().width()
    full = width(padded("100%", 4))
    # (Within a pixel or two: a font without U+2007 borrows another font's figure space.)
    assert abs(width(padded("7%", 4)) - full) <= 2 and abs(width(padded("42%", 4)) - full) <= 2
    assert width(padded("7%", 4)) > width("7%") + 5
    assert padded("100%", 4).count(FIGURE_SPACE) == 0
    assert "—" in scores_table(np.array([[0, 0], [0, 3]]), ["a", "b"])   # no samples: a dash


def test_the_predictions_view_is_not_laid_out_anew_while_its_numbers_change(qtbot, qapp):
    view = PredictionsView()
    qtbot.addWidget(view)
    data = datasets.load("digits", seed=0)
    view.set_data(data)
    net = Network([64, 16, 10], hidden="tanh", output="softmax", seed=0)
    TrainingSession(net, data, loss="cross_entropy", optimizer="adam",
                    learning_rate=0.01).run(15)       # every class predicted, not all right
    view.resize(560, 700)
    view.show()
    qtbot.waitExposed(view)
    body = view.findChild(QScrollArea).widget()
    rng = np.random.default_rng(1)
    for _ in range(3):                                 # the shapes settle, the labels hold
        net.theta[:] += rng.normal(0, 0.003, net.theta.size)
        view.show_network(net)
        qapp.processEvents()
    requests = LayoutRequests()
    body.installEventFilter(requests)
    changed = 0
    for _ in range(10):
        before = view.matrix_title.text()
        net.theta[:] += rng.normal(0, 0.003, net.theta.size)
        view.show_network(net)
        qapp.processEvents()
        changed += view.matrix_title.text() != before
    assert changed > 0                                 # the numbers did change
    assert requests.count <= 1
    assert view.scores.held
    width = view.width()
    view.resize(width - 20, 700)                      # a narrower column, same arrangement
    assert not view.narrow and not view.scores.held and not view.matrix_title.held
    qtbot.waitUntil(lambda: body.width() <= view.findChild(QScrollArea).viewport().width())
    view.show_network(net)                            # sized by the layout, then held
    qapp.processEvents()
    view.show_network(net)
    assert view.scores.held and view.scores.width() <= width - 20


def held_view(qtbot, qapp, width: int, hidden: int = 16, height: int = 900):
    view = PredictionsView()
    qtbot.addWidget(view)
    data = datasets.load("digits", seed=0)
    view.set_data(data)
    net = Network([64, hidden, 10], hidden="tanh", output="softmax", seed=0)
    TrainingSession(net, data, loss="cross_entropy", optimizer="adam",
                    learning_rate=0.01).run(15)
    view.resize(width, height)
    view.show()
    qtbot.waitExposed(view)
    for _ in range(3):
        view.show_network(net)
        qapp.processEvents()
    assert view.scores.held and view.matrix_title.held
    return view, data


def fits(view) -> bool:
    scroll = view.findChild(QScrollArea)
    return scroll.widget().width() <= scroll.viewport().width()


def test_let_go_labels_shrink_even_after_a_layout_pass_while_held(qtbot, qapp):
    """QLabel keeps the size hints it worked out while held; a release must drop them, or
    the view's body stays as wide as before and its right part is cut off at rest."""
    view, _data = held_view(qtbot, qapp, 700)
    view.title.setText(view.title.text() + " ")          # a layout pass while held
    qapp.processEvents()
    view.resize(600, 900)
    assert not view.narrow
    qtbot.waitUntil(lambda: fits(view))


def test_labels_let_go_when_the_scroll_bar_takes_room(qtbot, qapp):
    """A network whose weights strip is taller brings the vertical scroll bar, which
    narrows the room without resizing the view (the texts keep their shape)."""
    view, data = held_view(qtbot, qapp, 620, hidden=64, height=520)
    scroll_bar = view.findChild(QScrollArea).verticalScrollBar()
    assert not scroll_bar.isVisible()
    narrow = Network([64, 16, 10], hidden="tanh", output="softmax", seed=0)
    TrainingSession(narrow, data, loss="cross_entropy", optimizer="adam",
                    learning_rate=0.01).run(15)
    shapes = (view.scores.text().count("%"), len(view.matrix_title.text()))
    view.show_network(narrow)
    assert (view.scores.text().count("%"), len(view.matrix_title.text())) == shapes
    qtbot.waitUntil(scroll_bar.isVisible)
    qtbot.waitUntil(lambda: fits(view))
