"""The teacher's console: a second window with the controls, the lesson, its "Try next"
buttons and what comes next, while the projected window shows the stage only.

With two screens the console stays on the screen the window was on (the teacher's laptop)
and the window goes full screen on the other one (the projector); with one screen the
console opens on request beside the full-screen stage.  Qt's screens API places them
(:meth:`QGuiApplication.screens`); every key of the window works in the console too.
Closing the console (or Esc in it) ends presentation mode.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (QComboBox, QGridLayout, QHBoxLayout, QLabel, QPushButton,
                               QVBoxLayout, QWidget)

from backprop_lab.engine.training.inspection import EDGE_MODES

from ..model.stages import STAGES
from ..panels.transport_bar import TransportBar
from ..style.appearance import base_point_size
from ..views.lesson_card import LessonCard
from . import try_next
from .accessibility import StatusLine

#: The console's type, relative to the app's own (the stage's type is for the room).
CONSOLE_FONT = 1.15


def projector_for(teacher_screen, screens) -> object:
    """The screen to project on: another one than the teacher's (the largest), else it."""
    others = [s for s in screens if s is not teacher_screen]
    if not others:
        return teacher_screen
    return max(others, key=lambda s: s.geometry().width() * s.geometry().height())


class Console(QObject):
    """Opens and closes the teacher's console for ``window`` (``window.console``)."""

    def __init__(self, window):
        super().__init__(window)
        self.w = window
        self.view: TeacherConsole | None = None
        self.open = False
        self._presenting_before = False      # F5 may have been on before the console opened

    def set_open(self, on: bool) -> None:
        w = self.w
        on = bool(on)
        if "teacher_console" in w.actions:
            w.actions["teacher_console"].setChecked(on)
        if on == self.open:
            return
        self.open = on
        if on:
            self._presenting_before = w.presentation.presenting
            teacher = w.screen() or QGuiApplication.primaryScreen()
            projector = projector_for(teacher, QGuiApplication.screens())
            if self.view is None:
                self.view = TeacherConsole(w, self)
                w.access.watch(self.view)
            self.view.place_on(teacher)
            w.stage.set_console_open(True)
            w.presentation.set_presenting(True, screen=projector)
            self.view.show()
            self.view.raise_()
            self.view.activateWindow()
            self.view.refresh()
        else:
            if self.view is not None:
                self.view.hide()
            w.stage.set_console_open(False)
            w.presentation.set_presenting(self._presenting_before)

    def toggle(self) -> None:
        self.set_open(not self.open)

    def end(self) -> None:
        """Close the console and leave presentation mode, however it began (End presentation,
        Esc, F5); closing the console alone leaves presentation mode as it found it."""
        self._presenting_before = False
        self.set_open(False)


class TeacherConsole(QWidget):
    def __init__(self, window, console: Console):
        # A window of its own, owned by the main window (so it goes with it, before Qt does).
        super().__init__(window, Qt.WindowType.Window)
        self.w, self.console = window, console
        self.setObjectName("teacherConsole")
        self.setWindowTitle("Backprop Lab — teacher's console")
        self.setAccessibleName("Teacher's console")
        self.setAccessibleDescription("Controls and lesson for the teacher; the projector "
                                      "shows the stage")
        self.transport = TransportBar()
        self.card = LessonCard(closable=False)
        self.up_next = QLabel()
        self.up_next.setWordWrap(True)
        self.up_next.setAccessibleName("Up next")
        self.status_line = StatusLine(window)
        self.edges = QComboBox()
        for key, label in EDGE_MODES.items():
            self.edges.addItem(label, key)
        self.edges.setToolTip("What the edges of the graph show")
        self.edges.setAccessibleName("Edges show")
        self.screen_box = QComboBox()
        self.screen_box.setToolTip("The screen the stage is projected on")
        self.screen_box.setAccessibleName("Project on")
        self.stages: dict[int, QPushButton] = {}
        stage_grid = QGridLayout()
        for number, stage in enumerate(STAGES, 1):
            button = QPushButton(f"{number}  {stage.title}")
            button.setCheckable(True)
            button.setToolTip(f"Project the {stage.title.lower()} (key {number})")
            button.clicked.connect(lambda _c=False, n=number: window.stage.show_number(n))
            self.stages[number] = button
            stage_grid.addWidget(button, (number - 1) // 4, (number - 1) % 4)
        self.end_button = QPushButton("End presentation")
        self.end_button.setToolTip("Close the console and leave presentation mode (Esc)")
        self.end_button.clicked.connect(console.end)
        options = QHBoxLayout()
        options.addWidget(QLabel("Edges show"))
        options.addWidget(self.edges)
        options.addSpacing(16)
        options.addWidget(QLabel("Project on"))
        options.addWidget(self.screen_box, 1)
        options.addWidget(self.end_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.transport)
        layout.addWidget(self.status_line)
        layout.addWidget(QLabel("<b>On stage</b>"))
        layout.addLayout(stage_grid)
        layout.addWidget(self.card, 1)
        layout.addWidget(self.up_next)
        layout.addLayout(options)
        self.addActions(list(window.actions.values()))      # the window's keys work here
        self._connect()
        self.timer = QTimer(self)
        self.timer.setInterval(100)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        window.presentation.listeners.append(self.set_look)
        self.set_look(window.presentation.theme, window.presentation.scale)

    def _connect(self) -> None:
        w, t, card = self.w, self.transport, self.card
        t.playToggled.connect(w.toggle_play)
        t.stepRequested.connect(w.step_epoch)
        t.phaseRequested.connect(w.step_phase)
        t.resetRequested.connect(w.reset)
        # The two speed sliders and Play buttons move together, starting from where the
        # window's are (the console may open while training plays).
        t.speed.setValue(w.transport.speed.value())
        t.speed.valueChanged.connect(w.transport.speed.setValue)
        w.transport.speed.valueChanged.connect(t.speed.setValue)
        t.set_running(w.loop.running)
        w.loop.runningChanged.connect(t.set_running)
        card.nextRequested.connect(w.lessons.next)
        card.previousRequested.connect(w.lessons.previous)
        card.restartRequested.connect(w.lessons.restart)
        card.suggestionChosen.connect(lambda s: try_next.apply(w, s))
        w.lesson_card.lessonShown.connect(lambda _lesson: self.show_lesson())
        w.stage.changed.connect(self._stage_changed)
        self.edges.currentIndexChanged.connect(
            lambda i: w.view_state.set_edge_mode(self.edges.itemData(i)))
        w.view_state.edgeModeChanged.connect(
            lambda mode: self.edges.setCurrentIndex(self.edges.findData(mode)))
        self.screen_box.activated.connect(self._project_on)
        self.show_lesson()
        self._stage_changed(w.stage.current.key)

    # ------------------------------------------------------------------ what it shows
    def refresh(self) -> None:
        w = self.w
        self.transport.set_epoch(w.view_state.shown_epoch())
        self.transport.set_phase(w.stepper.describe())

    def show_lesson(self) -> None:
        player = self.w.lessons
        lesson = self.w.lesson_card.lesson
        if lesson is None:
            self.card.hide()
            self.up_next.setText("No lesson is open: the Lessons menu (or N) opens the first.")
            return
        self.card.show_lesson(lesson, player.index, len(player.lessons))
        following = player.index + 1
        if 0 <= player.index and following < len(player.lessons):
            nxt = player.lessons[following]
            self.up_next.setText(f"<b>Up next</b> (N): {following + 1}. {nxt.title}"
                                 + (f" — {nxt.look}" if nxt.look else ""))
        else:
            self.up_next.setText("<b>Up next:</b> this is the last lesson.")
        self.up_next.setAccessibleDescription(self.up_next.text())

    def _stage_changed(self, key: str) -> None:
        number = next(k for k, s in enumerate(STAGES, 1) if s.key == key)
        for k, button in self.stages.items():
            button.setChecked(k == number)

    def set_look(self, theme, scale: float) -> None:
        """The console keeps desk-sized type whatever the stage's scale."""
        font = QFont(self.font())
        font.setPointSizeF(base_point_size() * CONSOLE_FONT)
        self.setFont(font)
        self.transport.set_scale(1.0, font.pointSizeF())
        self.card.set_scale(font.pointSizeF())

    # ------------------------------------------------------------------ screens
    def place_on(self, screen) -> None:
        """Open on ``screen``: most of its free area, not full screen."""
        self._list_screens()
        area = screen.availableGeometry()
        self.winId()
        if self.windowHandle().screen() is not screen:
            self.windowHandle().setScreen(screen)
        width, height = min(900, area.width()), min(max(600, area.height() * 9 // 10),
                                                    area.height())
        self.setGeometry(area.x() + (area.width() - width) // 2,
                         area.y() + (area.height() - height) // 2, width, height)

    def _list_screens(self) -> None:
        self.screen_box.clear()
        for screen in QGuiApplication.screens():
            size = screen.geometry()
            self.screen_box.addItem(f"{screen.name()} ({size.width()}×{size.height()})")

    def _project_on(self, index: int) -> None:
        screens = QGuiApplication.screens()
        if 0 <= index < len(screens):
            self.w.presentation.full_screen(screens[index])

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.console.end()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event) -> None:
        super().closeEvent(event)
        if self.console.open:
            self.console.set_open(False)
