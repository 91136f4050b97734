"""A lesson's exercises in the window: checked live, with the student's progress kept.

* **Targets** are checked against the live session a quarter of a second after it changes
  (training, an edited weight, a new setting), and at once when training pauses.  A target
  with an epoch limit makes Play stop at that epoch, so that the check sees the network as
  the limit leaves it.
* **Predictions** ask when the phase stepper reaches their phase (the choices become
  buttons); the answer is judged against the step's own update phases once the step is
  complete (:func:`engine.analysis.exercises.judge_prediction`), so the verdict is about the
  update the student has just watched.
* Both are checked only while the session trains on the lesson's data (any features,
  architecture or settings): a target met on other data would not be the lesson's.
* **Progress** (:class:`ExerciseProgress`) is recorded for every success and every answered
  prediction, kept in the window's settings between launches, and can be saved as a JSON
  file to hand in ("Save my progress…", also in the summary).
"""
from __future__ import annotations

import json

from backprop_lab.engine.analysis.exercise_progress import ExerciseProgress
from backprop_lab.engine.analysis.exercises import PREDICT, TARGET, check_target, judge_prediction
from PySide6.QtCore import QObject, QTimer

from ..dialogs.exercise_summary_dialog import ExerciseSummaryDialog, save_progress_dialog

SETTINGS_KEY = "exercises/progress"
CHECK_DELAY_MS = 250


class ExerciseChecker(QObject):
    def __init__(self, window, view):
        super().__init__(window)
        self.w, self.view = window, view
        self.lesson = None
        self.progress = self._stored_progress()
        self.summary: ExerciseSummaryDialog | None = None
        self._asking: set[str] = set()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(CHECK_DELAY_MS)
        self._timer.timeout.connect(self.check_targets)
        c = window.controller
        for signal in (c.trained, c.weightsEdited, c.rebuilt, c.configChanged):
            signal.connect(self.request)
        window.loop.runningChanged.connect(self._on_running)
        window.stepper.phaseChanged.connect(self._on_phase)
        view.answerChosen.connect(self._on_answer)
        view.summaryRequested.connect(self.open_summary)

    # ------------------------------------------------------------------ the lesson
    def show_lesson(self, lesson) -> None:
        """A lesson was opened: list its exercises, those met before with their ✓."""
        self.lesson = lesson
        self._asking.clear()
        records = self.progress.records(lesson.name)
        states = {ident: ("met", f"Met before: {record['message']}")
                  for ident, record in records.items() if record["met"]}
        self.view.show_exercises(lesson.exercises, states)
        self.request()

    def _specs(self, kind: str) -> list[dict]:
        return [] if self.lesson is None else [e for e in self.lesson.exercises
                                               if e["kind"] == kind]

    def on_lesson_data(self) -> bool:
        """True while the session trains on the lesson's data set (by its name)."""
        lesson = self.lesson
        name = lesson.data.name if lesson.data is not None else lesson.config.dataset
        return self.w.controller.session.data.name == name

    # ------------------------------------------------------------------ targets
    def request(self, *_args) -> None:
        if self._specs(TARGET) and not self._timer.isActive():
            self._timer.start()

    def check_targets(self) -> None:
        """Check every target not met yet against the live session, now."""
        self._timer.stop()
        session = self.w.controller.session
        elsewhere = self.lesson is not None and not self.on_lesson_data()
        for spec in self._specs(TARGET):
            if self.view.state(spec["id"]) == "met":
                continue
            if elsewhere:
                self.view.set_state(spec["id"], "open", "Not checked on this data: Restart "
                                    "the lesson to work on this exercise.")
                continue
            result = check_target(session, spec)
            if result.met:
                self._record(result)
                self.w.say(f"✓ Exercise met: {spec['prompt']}", 8000)
            self.view.set_state(spec["id"], "met" if result.met else "open", result.message)

    def _on_running(self, running: bool) -> None:
        if not running:
            self.check_targets()
            return
        epoch, loop = self.w.controller.session.epoch, self.w.loop
        if self.lesson is None or not self.on_lesson_data():
            return
        limits = [spec["constraints"]["max_epochs"] for spec in self._specs(TARGET)
                  if "max_epochs" in spec["constraints"] and self.view.state(spec["id"]) != "met"
                  and spec["constraints"]["max_epochs"] > epoch]
        if limits and loop.target is None:
            loop.play_until(min(limits))
            self.w.say(f"Training stops at epoch {min(limits)}: the exercise's limit. Press "
                       "Play again to train on.", 8000)

    # ------------------------------------------------------------------ predictions
    def _on_phase(self, phase) -> None:
        stepper = self.w.stepper
        if phase is None:                       # the step was left: no question stays open
            for ident in self._asking:
                self.view.set_asking(ident, False)
            self._asking.clear()
            return
        updated = any(p.name == "update" for p in stepper.done)
        asks = self.lesson is not None and self.on_lesson_data()
        for spec in self._specs(PREDICT) if asks else []:
            ident = spec["id"]
            if not updated and phase.name == spec["at_phase"] and ident not in self._asking \
                    and self.view.state(ident) != "met":
                self._asking.add(ident)
                self.view.set_asking(ident, True)
                self.view.set_state(ident, "open", "Your prediction? The next update answers "
                                    "it (step on with Shift+→).")
            elif updated and ident in self._asking:
                self.view.set_asking(ident, False)       # the answer is locked
        last = len(self.w.controller.session.network.layers) - 1
        if phase.name == "update" and phase.layer == last:
            self._judge(stepper.done)

    def _on_answer(self, ident: str, answer: str) -> None:
        if ident in self._asking:
            self.view.set_state(ident, "open", f"You said {answer}: step on to the update "
                                "(Shift+→) to see.")

    def _judge(self, phases) -> None:
        session = self.w.controller.session
        for spec in self._specs(PREDICT):
            ident = spec["id"]
            if ident not in self._asking:
                continue
            self._asking.discard(ident)
            answer = self.view.answer(ident)
            if answer is None:
                self.view.set_state(ident, "open", spec.get("hint", "") or
                                    "No answer this time: the next step asks again.")
                continue
            result = judge_prediction(spec, answer, phases, session.network,
                                      session.loss_function)
            self._record(result)
            self.view.set_state(ident, "met" if result.met else "wrong", result.message)

    # ------------------------------------------------------------------ progress
    def _record(self, result) -> None:
        self.progress.record(self.lesson.name, result, self.w.controller.session)
        settings = self.w.settings
        if settings is not None:
            settings.setValue(SETTINGS_KEY, json.dumps(self.progress.to_dict(),
                                                       ensure_ascii=False))

    def _stored_progress(self) -> ExerciseProgress:
        settings = self.w.settings
        text = settings.value(SETTINGS_KEY, "") if settings is not None else ""
        if not text:
            return ExerciseProgress()
        try:
            return ExerciseProgress.from_dict(json.loads(text))
        except (TypeError, ValueError):        # a damaged entry: start afresh
            return ExerciseProgress()

    def open_summary(self) -> ExerciseSummaryDialog:
        self.summary = ExerciseSummaryDialog(self.w.lessons.lessons, self.progress, self.w)
        self.summary.setModal(False)
        self.summary.show()
        return self.summary

    def save_dialog(self) -> None:
        """File ▸ "Save my progress…": the progress as a JSON file to hand in."""
        try:
            path = save_progress_dialog(self.progress, self.w)
        except OSError as exc:
            self.w.show_error(f"The progress file could not be written: {exc.strerror or exc}")
            return
        if path is not None:
            self.w.say(f"Saved your exercise progress to {path}.", 8000)
