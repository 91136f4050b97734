"""The confusion matrix as drawn: cells shaded by their share of the row (blue on the
diagonal, orange off it), a grid between them, a count in every non-empty cell."""
import numpy as np
from PySide6.QtGui import QColor, QImage

from backprop_lab.gui.style import colors
from backprop_lab.gui.views.confusion_matrix_view import ConfusionMatrix


def drawn(qtbot, matrix) -> tuple[ConfusionMatrix, QImage]:
    view = ConfusionMatrix()
    qtbot.addWidget(view)
    view.resize(360, 320)
    view.set_matrix(np.array(matrix), [f"class {k}" for k in range(len(matrix))])
    image = QImage(view.size(), QImage.Format.Format_RGB32)
    image.fill(QColor(255, 255, 255))
    view.render(image)
    return view, image


def rgb(image, point) -> tuple[int, int, int]:
    color = image.pixelColor(point.toPoint())
    return color.red(), color.green(), color.blue()


def over(base, alpha: int, background) -> tuple[int, int, int]:
    return tuple(round(c * alpha / 255 + b * (1 - alpha / 255)) for c, b in zip(base, background))


def test_cells_are_shaded_by_their_share_of_the_row(qtbot):
    view, image = drawn(qtbot, [[10, 0, 0], [0, 5, 5], [0, 0, 0]])
    r = view.cell_rect(0, 0)
    corner = r.topLeft() + (r.bottomRight() - r.topLeft()) * 0.1     # beside the count
    empty = rgb(image, view.cell_rect(0, 1).topLeft() + (corner - r.topLeft()))
    assert empty == rgb(image, view.cell_rect(2, 2).topLeft() + (corner - r.topLeft()))
    for (i, j), expected in {(0, 0): over(colors.POSITIVE, 230, empty),
                             (1, 1): over(colors.POSITIVE, 115, empty),
                             (1, 2): over(colors.NEGATIVE, 115, empty)}.items():
        cell = view.cell_rect(i, j)
        point = cell.topLeft() + (corner - r.topLeft())
        assert all(abs(a - b) <= 2 for a, b in zip(rgb(image, point), expected)), (i, j)


def test_a_grid_between_the_cells_and_a_count_in_each_non_empty_one(qtbot):
    view, image = drawn(qtbot, [[10, 0], [3, 7]])
    neutral = colors.LIGHT.neutral
    for i, j in [(0, 0), (0, 1), (1, 0), (1, 1)]:
        cell = view.cell_rect(i, j)
        left = cell.topLeft() + (cell.bottomLeft() - cell.topLeft()) * 0.5
        assert any(rgb(image, left + dx) == neutral
                   for dx in (type(left)(-1, 0), type(left)(0, 0), type(left)(1, 0)))
        # Text (dark or white digits) somewhere in the middle of a non-empty cell only.
        middle = [rgb(image, cell.center() + type(left)(dx, dy))
                  for dx in range(-6, 7) for dy in range(-5, 6)]
        background = rgb(image, cell.topLeft() + (cell.bottomRight() - cell.topLeft()) * 0.1)
        has_text = any(abs(sum(c) - sum(background)) > 90 for c in middle)
        assert has_text == bool(np.array([[10, 0], [3, 7]])[i, j]), (i, j)
