"""Lessons: the start screen, next and previous, and every lesson of the story."""
from __future__ import annotations

from . import Action, Menu


def menu(w) -> Menu:
    player = w.lessons
    return Menu("&Lessons", [
        Action("start_screen", "&Start screen…", player.show_start_screen),
        Action("next_lesson", "&Next lesson", player.next, ("N",)),
        Action("previous_lesson", "&Previous lesson", player.previous, ("P",)),
        Action("exercises", "&Exercises and progress…", w.analyses.exercises.open_summary,
               tip="Every lesson's exercises and which you have met"),
        Action("save_progress", "Save my exercise pro&gress…",
               w.analyses.exercises.save_dialog,
               tip="Your exercise progress as a JSON file to hand in"),
        None,
        *[Action(f"lesson_{k + 1}", f"{k + 1}. {lesson.title}", lambda k=k: player.goto(k))
          for k, lesson in enumerate(player.lessons)],
    ])
