"""Lessons in the window: open one (from the menu, the start screen, N / P or the command
line), show its card, and go to the next or previous one.  Opening a lesson replaces the
session; Ctrl+Z brings the previous one back."""
from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from ..model.lessons import Lesson, find_lesson, list_lessons, load_lesson, same_lesson_file


class LessonPlayer(QObject):
    lessonOpened = Signal(object)        # the Lesson, once its session and card are shown

    def __init__(self, window):
        super().__init__(window)
        self.w = window
        self.lessons: list[Lesson] = list_lessons()
        self.index = -1

    def open(self, lesson: Lesson, index: int = -1) -> bool:
        """Load a lesson's data, network, settings and weights, and show its card."""
        w = self.w
        w.view_state.interrupt()
        try:
            session = lesson.build_session(train=False)
        except ValueError as exc:
            w.show_error(f"Cannot open the lesson: {exc}")
            return False
        self.index = index
        w.controller.load(lesson.config, session, checkpoint=f"the lesson {lesson.title!r}")
        w.lesson_card.show_lesson(lesson, index, len(self.lessons))
        if lesson.epochs:
            # The lesson starts after some training: done in Play's slices, the window answers.
            w.loop.play_until(lesson.epochs)
            w.say(f"Lesson: {lesson.title} — training its first {lesson.epochs} epochs…")
        else:
            w.say(f"Lesson: {lesson.title} (Ctrl+Z goes back to what you had)")
        self.lessonOpened.emit(lesson)
        w.make_room_for_lesson_card()          # the card as filled (its exercises too)
        if not w.isVisible():      # a lesson named on the command line: again once laid out
            QTimer.singleShot(0, w, w.make_room_for_lesson_card)
        return True

    def finish_preparing(self) -> None:
        """Train a just-opened lesson's remaining epochs now (screenshots, tests)."""
        loop, session = self.w.loop, self.w.controller.session
        if loop.target is not None:
            target = loop.target
            loop.pause()
            session.run(max(target - session.epoch, 0))

    def open_spec(self, spec) -> bool:
        """Open the lesson ``spec`` names (a number, a shipped file's name or a path)."""
        try:
            lesson = load_lesson(find_lesson(spec))
        except ValueError as exc:
            self.w.show_error(str(exc))
            return False
        index = next((k for k, known in enumerate(self.lessons)
                      if same_lesson_file(known.path, lesson.path)), -1)
        return self.open(lesson, index)

    def goto(self, index: int) -> None:
        if not self.lessons:
            self.w.show_error("No lessons were found: the installation lacks its lesson files.")
            return
        if not 0 <= index < len(self.lessons):
            self.w.say("No more lessons that way.", 3000)
            return
        self.open(self.lessons[index], index)

    def next(self) -> None:
        self.goto(self.index + 1)

    def previous(self) -> None:
        self.goto(self.index - 1)

    def restart(self) -> None:
        self.goto(self.index)

    # ------------------------------------------------------------------ start screen
    def wants_start_screen(self) -> bool:
        settings = self.w.settings
        return settings is not None and settings.value("start_screen", True) not in (False,
                                                                                     "false")

    def show_start_screen(self) -> None:
        from ..dialogs.start_screen import StartScreen
        settings = self.w.settings
        show = settings is None or self.wants_start_screen()
        screen = StartScreen(self.lessons, show, self.w)
        accepted = screen.exec()
        if settings is not None:
            settings.setValue("start_screen", screen.startup.isChecked())
        if accepted and screen.chosen is not None:
            self.goto(screen.chosen)
