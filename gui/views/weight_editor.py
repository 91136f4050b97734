"""The inline editor that opens on a clicked edge: type a weight, Enter applies, Esc cancels."""
from __future__ import annotations

from PySide6.QtCore import QObject, QPointF, Signal
from PySide6.QtGui import QDoubleValidator
from PySide6.QtWidgets import QLineEdit, QWidget


class WeightEditor(QObject):
    typed = Signal(int, int, int, float)      # layer, i, j, the new weight

    def __init__(self, view: QWidget):
        super().__init__(view)
        self.view = view
        self.editor: QLineEdit | None = None
        self.target: tuple[int, int, int] | None = None

    def open(self, layer: int, i: int, j: int, value: float, pos: QPointF,
             scale: float = 1.0) -> QLineEdit:
        """An editor over ``pos`` holding ``value``, for W[i, j] of ``layer``."""
        self.close()
        editor = QLineEdit(self.view)
        editor.setObjectName("weightEditor")
        validator = QDoubleValidator(-1e6, 1e6, 8, editor)
        validator.setNotation(QDoubleValidator.Notation.StandardNotation)
        editor.setValidator(validator)
        editor.setText(f"{value:.6g}")
        editor.selectAll()
        editor.setFixedWidth(int(110 * scale))
        editor.move(int(pos.x()) - editor.width() // 2, int(pos.y()) - editor.height() // 2)
        editor.setToolTip(f"New weight {i + 1}→{j + 1} of layer {layer + 1}; Enter applies, "
                          "Esc cancels")
        editor.setAccessibleName(f"Weight {i + 1} to {j + 1} of layer {layer + 1}")
        editor.returnPressed.connect(self._commit)
        editor.editingFinished.connect(self._close_unless_focused)
        self.editor, self.target = editor, (layer, i, j)
        editor.show()
        editor.setFocus()
        return editor

    def _commit(self) -> None:
        if self.editor is None or self.target is None:
            return
        try:
            value = float(self.editor.text().strip().replace(",", "."))
        except ValueError:
            return
        target = self.target
        self.close()
        self.view.setFocus()                 # the keys go back to training
        self.typed.emit(*target, value)

    def _close_unless_focused(self) -> None:
        if self.editor is not None and not self.editor.hasFocus():
            self.close()

    def close(self) -> bool:
        """Close the editor without applying; True if one was open."""
        if self.editor is None:
            return False
        editor, self.editor, self.target = self.editor, None, None
        editor.hide()
        editor.deleteLater()
        return True
