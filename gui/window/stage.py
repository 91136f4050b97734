"""The stage: what presentation mode shows — one to three views large, the others one key away.

The stage borrows the window's views (graph, step inspector, unit inspector, activation,
output, loss) and lays out the ones its :class:`StageLayout` names side by side, each the
screen's full height above the card (a loss plot a third of the width wide reads; one a
sixth of the height tall would not).  The lesson card runs along the bottom (L hides it)
unless the teacher's console shows it.  Number keys 1–8 and the view switcher in the status
bar choose the layout; a lesson may name its own (``"stage"`` in its file).  Leaving
presentation mode puts every view back (:func:`layout.home`).  The diagnosis banner spans the
stage above the views.

Sizes follow the window: :meth:`Stage.fit` gives the lesson card the height its text needs
(up to a third of the screen) and the loss plot at least a quarter of the screen's height.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QSplitter, QToolButton, QVBoxLayout, QWidget

from ..model.stages import (DEFAULT_STAGE, STAGES, VIEW_TITLES, StageLayout, stage_named,
                            stage_with)
from . import layout

#: The lesson card's largest share of the stage's height (its text scrolls beyond).
CARD_SHARE = 0.34
#: The loss plot's smallest share of the screen's height whenever it is on stage.
LOSS_SHARE = 0.25


class Stage(QObject):
    changed = Signal(str)          # the key of the stage now shown

    def __init__(self, window):
        super().__init__(window)
        self.w = window
        self.current: StageLayout = stage_named(DEFAULT_STAGE)
        self.active = False
        self.console_open = False
        self.card_wanted = True            # L: the lesson card on stage or not
        self.page = QWidget()
        self.page.setObjectName("stage")
        box = QVBoxLayout(self.page)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        self.column = QSplitter(Qt.Orientation.Vertical)   # the views over the lesson card
        self.column.setChildrenCollapsible(False)
        # Refitted whenever its height changes (the banner comes and goes above it).
        self.column.installEventFilter(self)
        self._fit_due = False
        box.addWidget(self.column, 1)
        self.area: QWidget | None = None
        # Views not on stage wait here: hidden, but owned by the window (a widget without a
        # parent could outlive the application at exit).
        self.parking = QWidget(window)
        self.parking.hide()
        self.page.hide()
        window.pages.addWidget(self.page, 1)
        self.switcher = self._make_switcher()
        window.statusBar().addPermanentWidget(self.switcher)
        window.lesson_card.lessonShown.connect(self._lesson_shown)

    def views(self) -> dict[str, QWidget]:
        w = self.w
        return {"graph": w.graph_box, "inspector": w.step_inspector, "unit": w.unit_inspector,
                "activation": w.activation_view, "output": w.output_stack, "loss": w.loss_box}

    # ------------------------------------------------------------------ switcher
    def _make_switcher(self) -> QWidget:
        box = QWidget()
        box.setAccessibleName("Stage layouts")
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        # Checked one at a time by show(); not a button group, whose buttons Tab would
        # treat as one stop reached by arrows (→ steps an epoch here).
        self.buttons: dict[int, QToolButton] = {}
        for number, stage in enumerate(STAGES, 1):
            button = QToolButton()
            button.setText(str(number))
            button.setCheckable(True)
            tip = f"{stage.title} ({number})"
            button.setToolTip(tip)
            button.setAccessibleName(f"Stage {number}: {stage.title}")
            button.setAccessibleDescription("Show " + " and ".join(
                VIEW_TITLES[v].lower() for v in stage.views) + f" large (key {number})")
            button.clicked.connect(lambda _c=False, key=stage.key: self.show(key))
            self.buttons[number] = button
            row.addWidget(button)
        card = QToolButton()
        card.setText("L")
        card.setCheckable(True)
        card.setChecked(True)
        card.setToolTip("Lesson card on stage (L)")
        card.setAccessibleName("Lesson card on stage")
        card.setAccessibleDescription("Show or hide the lesson card at the bottom (key L)")
        card.clicked.connect(self.set_card_wanted)
        self.card_button = card
        row.addSpacing(8)
        row.addWidget(card)
        box.hide()
        return box

    def eventFilter(self, watched, event) -> bool:
        if (watched is self.column and event.type() == QEvent.Type.Resize and self.active
                and not self._fit_due):
            self._fit_due = True
            QTimer.singleShot(0, self.fit)
        return False

    # ------------------------------------------------------------------ choosing
    def show(self, key: str) -> None:
        """Show the stage called ``key`` (ValueError for an unknown one)."""
        self.current = stage_named(key)
        number = next(k for k, s in enumerate(STAGES, 1) if s.key == key)
        for k, button in self.buttons.items():
            button.setChecked(k == number)
        if self.active:
            self._arrange()
        self.changed.emit(key)

    def show_number(self, number: int) -> None:
        if 1 <= number <= len(STAGES):
            self.show(STAGES[number - 1].key)

    def show_view(self, name: str) -> None:
        """Bring view ``name`` in sight: its tab in the window, or a stage that shows it."""
        w = self.w
        if not self.active:
            page = self.views()[name]
            if w.tabs.indexOf(page) >= 0:
                w.tabs.setCurrentWidget(page)
            return
        stage = stage_with(name, self.current)
        if stage is not self.current:
            self.show(stage.key)

    def set_card_wanted(self, on: bool) -> None:
        self.card_wanted = bool(on)
        self.card_button.setChecked(self.card_wanted)
        if self.active:
            self._place_card()
            self.fit()

    def toggle_card(self) -> None:
        self.set_card_wanted(not self.card_wanted)

    def _lesson_shown(self, lesson) -> None:
        if lesson.stage:
            self.show(lesson.stage)             # (lays out, card included, when presenting)
        elif self.active:
            self._place_card()
            self.fit()

    # ------------------------------------------------------------------ entering and leaving
    def enter(self) -> None:
        w = self.w
        self.active = True
        if w.stepper.active or w.stepper.done:          # a step being stepped: its numbers
            self.show(stage_with("inspector", self.current).key)
        w.body.hide()
        self.page.layout().insertWidget(0, w.transport)
        # The diagnosis across the whole stage: two lines there, five in a third's width.
        self.page.layout().insertWidget(1, w.banner)
        w.transport.setVisible(not self.console_open)
        self._arrange()
        self.page.show()
        self.switcher.setVisible(not self.console_open)

    def leave(self) -> None:
        w = self.w
        self.active = False
        for view in self.views().values():
            view.setParent(self.parking)
        w.lesson_card.setParent(self.parking)
        layout.home(w)
        self._drop_area()
        self.page.hide()
        self.switcher.hide()
        w.transport.show_phase_text(True)
        w.body.show()

    def set_console_open(self, on: bool) -> None:
        """The teacher's console has the controls and the card: the stage shows views only."""
        self.console_open = on
        if self.active:
            self.w.transport.setVisible(not on)
            self.switcher.setVisible(not on)
            self._place_card()
            self.fit()

    # ------------------------------------------------------------------ layout
    def _arrange(self) -> None:
        """Lay out the current stage's views (the others wait, hidden, in the parking)."""
        views = self.views()
        on = [views[name] for name in self.current.views]
        for name, view in views.items():
            if view not in on:
                self._take(view)
                view.setParent(self.parking)
        area = QSplitter(Qt.Orientation.Horizontal)
        for view in on:
            area.addWidget(self._take(view))
        area.setChildrenCollapsible(False)
        area.setObjectName("stageArea")
        self.w.transport.show_phase_text("inspector" not in self.current.views)
        for view in on:
            view.show()
        self._drop_area()
        self.area = area
        self.column.insertWidget(0, area)
        self._place_card()
        self.fit()

    def _take(self, view: QWidget) -> QWidget:
        """``view`` out of the window's tabs (if there), ready to be placed."""
        tabs = self.w.tabs
        k = tabs.indexOf(view)
        if k >= 0:
            tabs.removeTab(k)
        return view

    def _drop_area(self) -> None:
        if self.area is not None:
            self.area.hide()
            self.area.setParent(self.parking)
            self.area.deleteLater()
            self.area = None

    def _place_card(self) -> None:
        card = self.w.lesson_card
        wanted = (self.card_wanted and not self.console_open and card.lesson is not None
                  and not card.closed)
        if wanted:
            self.column.insertWidget(1, card)
            card.show()
        elif self.column.indexOf(card) >= 0:
            card.hide()
            card.setParent(self.parking)

    @property
    def card_on_stage(self) -> bool:
        return self.active and self.column.indexOf(self.w.lesson_card) >= 0 \
            and self.w.lesson_card.isVisibleTo(self.page)

    def fit(self) -> None:
        """Share the stage's room: the card what its text needs (≤ a third), the views the
        rest by their shares, and the loss plot at least a quarter of the screen's height."""
        self._fit_due = False
        if not self.active or self.area is None:
            return
        w = self.w
        screen_height = w.height()
        self.page.layout().activate()                # the column's height under the bar
        total = max(self.column.height(), 1)
        card = w.lesson_card
        card_height = 0
        if self.card_on_stage:
            card.set_columns(self.page.width() >= 60 * card.fontMetrics().averageCharWidth())
            card_height = min(card.needed_height(max(self.page.width(), 200)),
                              int(CARD_SHARE * screen_height))
        self.column.setSizes([max(total - card_height, 1), card_height])
        width = max(self.page.width(), 1)
        stage = self.current
        self.area.setSizes([round(width * share) for share in stage.shares])
        w.loss_plot.setMinimumHeight(int(LOSS_SHARE * screen_height)
                                     if "loss" in stage.views else 0)
        w.presentation.fit_gradient_norms()
