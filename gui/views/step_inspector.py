"""Step inspector: the phase being shown, its formula, its meaning and its numbers.

Operands and results appear as small labelled matrices with their shapes, values rounded to
three significant digits and cells tinted by sign (blue +, orange −).  Per-sample matrices
highlight the traced sample's row.  The matrices wrap into rows (a :class:`FlowLayout`), so
none is cut off at the right edge; each shows up to :data:`VISIBLE_ROWS` rows (a 4-sample
batch whole) and scrolls beyond.  Type and cells follow the application's font, so they grow
with presentation mode's type.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QFrame, QGridLayout, QHBoxLayout,
                               QHeaderView, QLabel, QScrollArea, QSizePolicy, QSpinBox,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from backprop_lab.engine import Phase
from backprop_lab.engine.training.phases import sup

from ..style import colors
from .flow_layout import FlowLayout

#: Rows shown per matrix; larger batches scroll within this window of rows.
MAX_ROWS = 64
#: Rows visible at once (the table scrolls for more): a 4-sample batch shows whole.
VISIBLE_ROWS = 8
#: The widest a matrix's table gets, as a share of the inspector's width (more scrolls).
MAX_TABLE_SHARE = 0.9
#: Values with one row per sample of the batch.
PER_SAMPLE = {"A_prev", "Z", "A", "Y_hat", "Y", "errors", "dA", "dZ", "dA_prev"}


def value_names(phase: Phase, n_layers: int) -> list[tuple[str, str]]:
    """(key in phase.values, display name) in reading order for a phase."""
    if phase.name == "loss":
        names = [("Y_hat", "Â"), ("Y", "Y"), ("errors", "Lᵢ"), ("dA", "dÂ (per sample)")]
        if float(np.asarray(phase.values.get("penalty", 0.0))):
            names += [("data_loss", "data loss"), ("penalty", "penalty"), ("loss", "L")]
        return names
    l = phase.layer + 1
    prev = "X" if l == 1 else f"A{sup(l - 1)}"
    out = l == n_layers
    if phase.name == "forward":
        names = [("A_prev", prev), ("W", f"W{sup(l)}"), ("b", f"b{sup(l)}"),
                 ("Z", f"Z{sup(l)}"), ("A", "Â" if out else f"A{sup(l)}")]
        return names + ([("mask", f"dropout mask{sup(l)}")] if "mask" in phase.values else [])
    if phase.name == "backward":
        return [("dA", ("dÂ" if out else f"dA{sup(l)}") + " (per sample)"),
                ("dZ", f"dZ{sup(l)} (per sample)"), ("A_prev", prev),
                ("dW", f"dW{sup(l)} (÷ m: mean)"), ("db", f"db{sup(l)} (÷ m)"),
                ("dA_prev", f"d{prev} (per sample)")]
    # the update: the optimizer's state the formula uses, so the step can be checked by hand
    state = [(key, title) for key, title in (
        ("v", f"v{sup(l)}"), ("s", f"s{sup(l)}"), ("m_hat", f"m̂{sup(l)}"),
        ("v_hat", f"v̂{sup(l)}"), ("clip_factor", "clip factor"), ("learning_rate", "η"))
        if key in phase.values]
    return state + [("W_before", f"W{sup(l)} before"), ("step", f"ΔW{sup(l)}"),
                    ("W_after", f"W{sup(l)} after"), ("b_before", f"b{sup(l)} before"),
                    ("b_step", f"Δb{sup(l)}"), ("b_after", f"b{sup(l)} after")]


def fmt(v: float) -> str:
    if not np.isfinite(v):
        return str(v)
    if v == 0:
        return "0"
    if 1e-3 <= abs(v) < 1e4:
        return f"{v:.3g}"
    return f"{v:.2e}"


class MatrixView(QWidget):
    """A caption ("Z¹  4 × 3") over a small table of rounded, sign-tinted values."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.caption = QLabel()
        self.caption.setTextFormat(Qt.TextFormat.RichText)
        self.table = QTableWidget()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        # Interactive, not ResizeToContents: the latter re-measures on every setItem (seconds for
        # a 64 × 16 matrix); the columns are sized once after filling.
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.table.setFocusPolicy(Qt.FocusPolicy.TabFocus)      # keys scroll a long matrix
        self.table.setTabKeyNavigation(False)                 # Tab moves on, arrows move in
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.caption)
        layout.addWidget(self.table)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.matrix: np.ndarray | None = None
        self.max_width = 520

    def set_matrix(self, name: str, values: np.ndarray, row_labels=None,
                   highlight: int | None = None, theme=colors.LIGHT) -> None:
        matrix = np.atleast_2d(values) if values.ndim < 2 else values
        self.matrix = matrix
        rows, cols = matrix.shape
        muted = "#%02x%02x%02x" % theme.muted        # the theme's, readable on a projector
        self.caption.setText(f"<b>{name}</b> &nbsp;<span style='color:{muted}'>{rows} × {cols}"
                             "</span>")
        self.table.setAccessibleName(f"{name}, {rows} by {cols}")
        self.table.setAccessibleDescription(f"The matrix {name}: {rows} rows, {cols} columns")
        shown = min(rows, MAX_ROWS)
        self.table.setRowCount(shown)
        self.table.setColumnCount(cols)
        self.table.setHorizontalHeaderLabels([str(j + 1) for j in range(cols)])
        labels = row_labels if row_labels is not None else [str(i + 1) for i in range(rows)]
        self.table.setVerticalHeaderLabels([str(r) for r in labels[:shown]])
        scale = float(np.nanmax(np.abs(matrix[np.isfinite(matrix)]))) if np.isfinite(matrix).any() else 1.0
        bold = QFont(self.table.font())
        bold.setBold(True)
        for i in range(shown):
            for j in range(cols):
                v = float(matrix[i, j])
                item = QTableWidgetItem(fmt(v))
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                tint = colors.diverging_color(v, scale or 1.0, theme)
                tint.setAlpha(110)
                item.setBackground(tint)
                item.setToolTip(f"{name}[{i + 1}, {j + 1}] = {v:.8g}")
                if i == highlight:
                    item.setFont(bold)
                    item.setBackground(QColor(theme.highlight[0], theme.highlight[1],
                                              theme.highlight[2], 90))
                self.table.setItem(i, j, item)
        if rows > shown:
            self.caption.setText(self.caption.text() + f" <span style='color:{muted}'>(first "
                                                       f"{shown} rows)</span>")
        self._fit(shown, cols)
        if highlight is not None and highlight < shown:
            self.table.scrollToItem(self.table.item(highlight, 0))

    def changeEvent(self, event) -> None:
        # A hidden inspector learns of a new application font late: measure again then.
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and self.matrix is not None:
            self._fit(self.table.rowCount(), self.table.columnCount())

    def _fit(self, rows: int, cols: int) -> None:
        """Size the table to its cells at the current font: every column and up to
        VISIBLE_ROWS rows whole, scroll bars only for what is beyond."""
        table = self.table
        row_height = table.fontMetrics().height() + 4
        table.verticalHeader().setDefaultSectionSize(row_height)
        table.verticalHeader().setMinimumSectionSize(row_height)
        table.horizontalHeader().setFixedHeight(row_height)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        for i in range(rows):            # rows made at another size keep it otherwise
            table.setRowHeight(i, row_height)
        table.resizeColumnsToContents()
        frame = 2 * table.frameWidth()
        table.verticalHeader().setFixedWidth(
            table.fontMetrics().horizontalAdvance(str(max(rows, 1)) + "00"))
        width = table.verticalHeader().width() + sum(table.columnWidth(j)
                                                     for j in range(cols)) + frame
        visible = min(rows, VISIBLE_ROWS)
        height = row_height * (visible + 1) + frame
        bar = table.style().pixelMetric(table.style().PixelMetric.PM_ScrollBarExtent)
        if rows > visible:
            width += bar
        if width > self.max_width:
            width, height = self.max_width, height + bar
        table.setFixedSize(width, height)
        self.adjustSize()


class StepInspector(QWidget):
    sampleChosen = Signal(int)        # a training-sample index to trace, −1 for the whole batch

    def __init__(self, parent=None):
        super().__init__(parent)
        self.theme = colors.LIGHT
        self.title = QLabel()
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.formula = QLabel()
        self.formula.setWordWrap(True)
        self.formula.setObjectName("formula")
        formula_font = QFont("DejaVu Sans Mono")
        formula_font.setStyleHint(QFont.StyleHint.Monospace)
        formula_font.setPointSizeF(self.font().pointSizeF() * 1.25)
        self.formula.setFont(formula_font)
        self.formula.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.meaning = QLabel()
        self.meaning.setWordWrap(True)
        self.sample = QSpinBox()
        self.sample.setRange(0, 0)
        self.sample.setSpecialValueText("whole batch")       # 0 = whole batch, k = sample k
        self.sample.setToolTip("Trace one training sample through the step (or click a point "
                               "on the output plot)")
        self.sample.valueChanged.connect(lambda v: self.sampleChosen.emit(v - 1))
        self.sample.setAccessibleName("Trace sample")
        self.sample.setAccessibleDescription(self.sample.toolTip())
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(QLabel("Trace sample"))
        head.addWidget(self.sample)

        self.matrices_box = QWidget()
        self.matrices_layout = FlowLayout(self.matrices_box, spacing=8)
        # The formula beside its meaning when there is room (the matrices get the height),
        # the meaning under it otherwise; formula, meaning and matrices scroll together, so
        # a short panel (a 720-line projector) scrolls instead of drawing them over each other.
        self.texts = QGridLayout()
        self.texts.setHorizontalSpacing(16)
        self.side_by_side: bool | None = None
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(self.texts)
        column.addWidget(self.matrices_box)
        column.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(page)
        self.scroll.setMinimumHeight(40)
        self.scroll.setAccessibleName("The phase's formula and matrices")
        self.scroll.setAccessibleDescription("The phase's formula, its meaning, its operands "
                                             "and results; scrolls when they do not all fit")
        self.views: list[MatrixView] = []
        self._shown: tuple[Phase | None, int, int | None] = (None, 1, None)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(head)
        layout.addWidget(self.scroll, 1)
        self.phase: Phase | None = None
        self.show_phase(None, 1, None)

    def set_scale(self, scale: float) -> None:
        # The application font (already scaled): this widget's own may not have followed yet.
        base = QApplication.font().pointSizeF()
        font = self.title.font()
        font.setPointSizeF(base * 1.3)
        self.title.setFont(font)
        formula = self.formula.font()
        formula.setPointSizeF(base * 1.25)
        self.formula.setFont(formula)
        self.show_phase(*self._shown)            # cells measured at the new size

    #: The meaning's narrowest column beside the formula, in average characters.
    MEANING_CHARACTERS = 36

    def _place_texts(self) -> None:
        # The texts sit in the scroll area, beside its scroll bar and inside the margins.
        m = self.layout().contentsMargins()
        inner = (self.width() - m.left() - m.right()
                 - self.scroll.verticalScrollBar().sizeHint().width())
        # A wrapped label's size hint is narrower than its longest line: measure the lines.
        lines = self.formula.text().split("\n")
        formula = max((self.formula.fontMetrics().horizontalAdvance(line) for line in lines),
                      default=0) + 2 * self.formula.margin() + 4
        room = inner - formula - 24
        side = room >= self.MEANING_CHARACTERS * self.meaning.fontMetrics().averageCharWidth()
        # Beside its meaning the formula keeps its lines whole; under it, it wraps if it must.
        self.texts.setColumnMinimumWidth(0, formula if side else 0)
        if side == self.side_by_side:
            return
        self.side_by_side = side
        self.texts.removeWidget(self.formula)
        self.texts.removeWidget(self.meaning)
        self.texts.addWidget(self.formula, 0, 0, Qt.AlignmentFlag.AlignTop)
        if side:
            self.texts.addWidget(self.meaning, 0, 1, Qt.AlignmentFlag.AlignTop)
            self.texts.setColumnStretch(1, 1)
        else:
            self.texts.addWidget(self.meaning, 1, 0)
            self.texts.setColumnStretch(1, 0)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._place_texts()
        width = max(self.scroll.viewport().width(), 200)
        for view in self.views:
            if view.max_width != int(width * MAX_TABLE_SHARE):
                view.max_width = int(width * MAX_TABLE_SHARE)
                if view.matrix is not None:
                    view._fit(view.table.rowCount(), view.table.columnCount())

    def set_sample_count(self, n: int) -> None:
        self.sample.setMaximum(n)

    def set_sample(self, index: int) -> None:
        """Show ``index`` in the spin box without echoing it back."""
        self.sample.blockSignals(True)
        self.sample.setValue(index + 1)          # shown counting from 1, like the matrix rows
        self.sample.blockSignals(False)

    def show_phase(self, phase: Phase | None, n_layers: int, sample: int | None) -> None:
        """Display ``phase`` (None: the idle hint); highlight the traced training sample."""
        self.phase = phase
        self._shown = (phase, n_layers, sample)
        if phase is None:
            self.title.setText("Step inspector")
            self.formula.setText("")
            self.meaning.setText("Press <b>Step phase</b> (Shift+→) to run one training step "
                                 "phase by phase: forward through each layer, the loss, backward "
                                 "from the last layer to the first, then the update.")
            self._set_matrices([])
            return
        title = phase.title
        if phase.name == "loss":
            title += f": L = {float(phase.values['loss']):.6g}"
        self.title.setText(title)
        self.formula.setText(phase.formula)
        self._place_texts()
        rows = self._batch_rows(phase)
        highlight, note = None, ""
        if sample is not None and sample >= 0:
            hits = np.flatnonzero(rows == sample)
            highlight = int(hits[0]) if hits.size else None
            if highlight is None and rows.size:
                note = (f" <i>(Sample {sample + 1} is not in this mini-batch: the graph shows "
                        "batch means.)</i>")
            elif highlight is not None and highlight >= MAX_ROWS:
                note = (f" <i>(Sample {sample + 1} is row {highlight + 1}, beyond the first "
                        f"{MAX_ROWS} rows shown.)</i>")
        self.meaning.setText(phase.description + note)
        entries = []
        for key, name in value_names(phase, n_layers):
            value = phase.values[key]
            per_sample = key in PER_SAMPLE
            if key == "errors":
                value = value.reshape(-1, 1)
            entries.append((name, value, rows + 1 if per_sample else None,
                            highlight if per_sample else None))
        self._set_matrices(entries)

    @staticmethod
    def _batch_rows(phase: Phase) -> np.ndarray:
        """Training-sample index of each row of the phase's per-sample matrices."""
        if isinstance(phase.samples, slice):
            sizes = [v.shape[0] for k, v in phase.values.items() if k in PER_SAMPLE]
            return np.arange(sizes[0] if sizes else 0)
        return np.asarray(phase.samples)

    def _set_matrices(self, entries) -> None:
        while len(self.views) < len(entries):
            view = MatrixView()
            view.max_width = int(max(self.scroll.viewport().width(), 200) * MAX_TABLE_SHARE)
            self.matrices_layout.addWidget(view)
            self.views.append(view)
        for view, entry in zip(self.views, entries):
            name, value, row_labels, highlight = entry
            view.set_matrix(name, np.asarray(value, dtype=float), row_labels, highlight, self.theme)
            view.show()
        for view in self.views[len(entries):]:
            view.hide()
        self.matrices_layout.invalidate()
