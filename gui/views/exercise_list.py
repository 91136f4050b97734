"""A lesson's exercises, each with a visible ✓ when met.

Targets ("test loss ≤ 0.35 with at most 4 hidden units") show ○ until the window finds them
met, then ✓ with the sentence saying so.  Predictions ("will W²₁₁ go up or down in this
update?") show their choices as buttons, enabled while the phase stepper is at the phase
that asks; once the update has been taken the answer is marked ✓ (right) or ✗ (not quite).

The list shows what it is told (:meth:`ExerciseList.show_exercises`, :meth:`set_state`,
:meth:`set_asking`); the student's answers and the progress button are signals.
"""
from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QButtonGroup, QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton,
                               QVBoxLayout, QWidget)

#: state → (mark, colour): open, met, or a prediction that was not right.
MARKS = {"open": ("○", "#6e737a"), "met": ("✓", "#00823c"), "wrong": ("✗", "#c81e1e")}


class _Row:
    """The widgets of one exercise."""

    def __init__(self, spec: dict, grid: QGridLayout, row: int, answer_signal) -> None:
        self.spec = spec
        self.mark = QLabel()
        self.mark.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        font = self.mark.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.mark.setFont(font)
        self.prompt = QLabel(html.escape(spec["prompt"]))
        self.prompt.setWordWrap(True)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.RichText)
        text = QVBoxLayout()
        text.setSpacing(0)
        text.addWidget(self.prompt)
        text.addWidget(self.note)
        self.choices: dict[str, QPushButton] = {}
        if spec["kind"] == "predict":
            group = QButtonGroup(grid.parentWidget())
            buttons = QHBoxLayout()
            buttons.setSpacing(4)
            for choice in spec["choices"]:
                button = QPushButton(choice)
                button.setCheckable(True)
                button.setEnabled(False)
                button.clicked.connect(lambda _on=False, c=choice:
                                       answer_signal.emit(spec["id"], c))
                group.addButton(button)
                buttons.addWidget(button)
                self.choices[choice] = button
            buttons.addStretch(1)
            text.addLayout(buttons)
            self.group = group
        grid.addWidget(self.mark, row, 0)
        grid.addLayout(text, row, 1)
        self.state = "open"

    def set_state(self, state: str, message: str) -> None:
        self.state = state
        mark, color = MARKS[state]
        self.mark.setText(f"<span style='color:{color}'>{mark}</span>")
        self.mark.setToolTip({"open": "not met yet", "met": "met",
                              "wrong": "not right this time: try the next step"}[state])
        self.note.setText(f"<span style='color:{color if state != 'open' else '#6e737a'}'>"
                          f"{html.escape(message)}</span>" if message else "")

    def set_asking(self, asking: bool) -> None:
        for button in self.choices.values():
            button.setEnabled(asking)
        if asking:                             # a fresh question: no answer chosen yet
            self.group.setExclusive(False)
            for button in self.choices.values():
                button.setChecked(False)
            self.group.setExclusive(True)

    @property
    def answer(self) -> str | None:
        return next((c for c, b in self.choices.items() if b.isChecked()), None)


class ExerciseList(QFrame):
    answerChosen = Signal(str, str)      # exercise id, the chosen answer
    summaryRequested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("exerciseList")
        self.header = QLabel()
        font = self.header.font()
        font.setBold(True)
        self.header.setFont(font)
        self.summary_button = QPushButton("Progress…")
        self.summary_button.setToolTip("Every lesson's exercises and what you have met; save "
                                       "your progress as a file to hand in")
        self.summary_button.clicked.connect(self.summaryRequested)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.header, 1)
        top.addWidget(self.summary_button)
        self.body = QWidget()
        self.grid = QGridLayout(self.body)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setColumnStretch(1, 1)
        self.grid.setVerticalSpacing(4)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.body)
        self.rows: dict[str, _Row] = {}
        self.hide()

    def show_exercises(self, specs: list[dict], states: dict[str, tuple[str, str]]) -> None:
        """A lesson's exercise specs (validated); ``states``: id → (state, message) of those
        already recorded.  Hidden when there are none."""
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() or None
            if widget is not None:
                widget.deleteLater()
            elif item.layout() is not None:
                _delete_layout(item.layout())
        self.rows = {}
        for k, spec in enumerate(specs):
            row = _Row(spec, self.grid, k, self.answerChosen)
            state, message = states.get(spec["id"], ("open", spec.get("hint", "")))
            row.set_state(state, message)
            self.rows[spec["id"]] = row
        self._count()
        self.setVisible(bool(specs))

    def set_state(self, exercise_id: str, state: str, message: str) -> None:
        self.rows[exercise_id].set_state(state, message)
        self._count()

    def state(self, exercise_id: str) -> str:
        return self.rows[exercise_id].state

    def set_asking(self, exercise_id: str, asking: bool) -> None:
        """Enable (a fresh question) or disable a prediction's choices."""
        self.rows[exercise_id].set_asking(asking)

    def answer(self, exercise_id: str) -> str | None:
        return self.rows[exercise_id].answer

    def choose(self, exercise_id: str, answer: str) -> None:
        """Press a choice's button (as the student would)."""
        self.rows[exercise_id].choices[answer].click()

    def _count(self) -> None:
        met = sum(row.state == "met" for row in self.rows.values())
        self.header.setText(f"Exercises: {met} of {len(self.rows)} met")


def _delete_layout(layout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        if item.widget() is not None:
            item.widget().deleteLater()
        elif item.layout() is not None:
            _delete_layout(item.layout())
    layout.deleteLater()
