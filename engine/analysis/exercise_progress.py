"""A student's progress through the lessons' exercises, as a JSON file they can hand in.

File format (UTF-8 JSON, written atomically)::

    {"format": "backprop-lab-exercise-progress", "version": 1, "student": "Ada",
     "lessons": {"<lesson>": {"<exercise id>": {
         "met": true, "when": "2025-05-04T10:31:02+00:00", "attempts": 3,
         "message": "Met: the test loss is 0.171 ≤ 0.18.", "value": 0.171, "answer": null,
         "settings": {"dataset": "circles", "features": ["x1", "x2"], "sizes": [2, 4, 1],
                      "activations": ["tanh", "sigmoid"], "epoch": 212, "loss": "bce",
                      "optimizer": "adam", "learning_rate": 0.03, "batch_size": null,
                      "l1": 0.0, "l2": 0.0, "seed": 0}}}}}

An exercise once met stays met with the time and settings of its first success; until then
the latest attempt is kept.  ``attempts`` counts every check recorded.
"""
from __future__ import annotations

import json
import math
import os
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np

from ..training.session import TrainingSession
from .exercises import ExerciseResult

FORMAT, VERSION = "backprop-lab-exercise-progress", 1
MAX_BYTES = 5_000_000
_FIELDS = {"met": bool, "when": str, "attempts": int, "message": str,
           "value": (float, int, type(None)), "answer": (str, type(None)),
           "settings": (dict, type(None))}


class ExerciseProgress:
    """Which exercises of which lessons a student has met, when, and with what settings."""

    def __init__(self, student: str = ""):
        self.student = student
        self._lessons: dict[str, dict[str, dict]] = {}

    def record(self, lesson: str, result: ExerciseResult,
               session: TrainingSession | None = None, when: datetime | None = None) -> None:
        """Note a check of one exercise of ``lesson`` (with the session's settings)."""
        if not isinstance(lesson, str) or not lesson:
            raise ValueError(f"a lesson is named by a non-empty string, not {lesson!r}")
        records = self._lessons.setdefault(lesson, {})
        previous = records.get(result.exercise_id)
        attempts = (previous["attempts"] if previous else 0) + 1
        if previous and previous["met"]:
            previous["attempts"] = attempts
            return
        when = (when or datetime.now(timezone.utc)).isoformat(timespec="seconds")
        value = result.value if result.value is not None and math.isfinite(result.value) \
            else None
        records[result.exercise_id] = {
            "met": bool(result.met), "when": when, "attempts": attempts,
            "message": result.message, "value": value, "answer": result.answer,
            "settings": None if session is None else setup_of(session)}

    def is_met(self, lesson: str, exercise_id: str) -> bool:
        record = self._lessons.get(lesson, {}).get(exercise_id)
        return bool(record and record["met"])

    def records(self, lesson: str) -> dict[str, dict]:
        """Every recorded exercise of ``lesson``: id → record (copies)."""
        return {k: dict(v) for k, v in self._lessons.get(lesson, {}).items()}

    def summary(self, lessons: Mapping[str, Sequence[str]]) -> dict[str, tuple[int, int]]:
        """Per lesson: (exercises met, exercises in it), for ``lessons``: name → exercise ids."""
        return {name: (sum(self.is_met(name, i) for i in ids), len(ids))
                for name, ids in lessons.items()}

    # ------------------------------------------------------------------ files
    def to_dict(self) -> dict:
        return {"format": FORMAT, "version": VERSION, "student": self.student,
                "lessons": {k: self.records(k) for k in self._lessons}}

    @classmethod
    def from_dict(cls, doc) -> "ExerciseProgress":
        """The progress in a :meth:`to_dict` document; ValueError saying what is malformed."""
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise ValueError("this is not a Backprop Lab exercise progress file")
        if doc.get("version") != VERSION:
            raise ValueError(f"unsupported progress file version {doc.get('version')!r} "
                             f"(this version reads {VERSION})")
        student, lessons = doc.get("student", ""), doc.get("lessons")
        if not isinstance(student, str):
            raise ValueError("student must be a string")
        if not isinstance(lessons, dict):
            raise ValueError("lessons must be an object: lesson → exercise id → record")
        progress = cls(student)
        for lesson, records in lessons.items():
            if not lesson or not isinstance(records, dict):
                raise ValueError(f"lesson {lesson!r} must map exercise ids to records")
            progress._lessons[lesson] = {ident: _check_record(lesson, ident, record)
                                         for ident, record in records.items()}
        return progress

    def save(self, path) -> None:
        """Write the JSON file atomically (a crash leaves the old file or the new one)."""
        path = Path(path)
        text = json.dumps(self.to_dict(), indent=1, ensure_ascii=False, allow_nan=False)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or ".")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path) -> "ExerciseProgress":
        """Read a progress file; ValueError with the reason for a malformed one."""
        path = Path(path)
        try:
            too_large = path.stat().st_size > MAX_BYTES
            data = b"" if too_large else path.read_bytes()
        except OSError as exc:
            raise ValueError(f"{path.name} cannot be read ({exc.strerror or exc})") from None
        if too_large:
            raise ValueError(f"{path.name} is too large for a progress file")
        try:
            doc = json.loads(data.decode("utf-8"), parse_constant=_refuse_constant)
        except (ValueError, RecursionError) as exc:     # bad UTF-8 or JSON, NaN, deep nesting
            raise ValueError(f"{path.name} is not a readable progress file ({exc})") from None
        try:
            return cls.from_dict(doc)
        except ValueError as exc:
            raise ValueError(f"{path.name}: {exc}") from None


def setup_of(session: TrainingSession) -> dict:
    """What a record keeps of the setup: data, features, architecture, epoch and settings."""
    net, data = session.network, session.data
    settings = {key: _plain(value) for key, value in session.settings().items()}
    return {"dataset": data.name, "features": list(data.input_names),
            "sizes": [int(n) for n in net.sizes], "activations": net.activations,
            "epoch": int(session.epoch), **settings}


def _plain(value):
    """A setting as JSON writes it (NumPy numbers become Python ones; nested settings, e.g. a
    schedule's or an optimizer's, stay nested)."""
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return int(value) if isinstance(value, (int, np.integer)) else float(value)


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


def _check_record(lesson: str, ident: str, record) -> dict:
    where = f"lesson {lesson!r}, exercise {ident!r}"
    if not ident or not isinstance(record, dict) or set(record) != set(_FIELDS):
        raise ValueError(f"{where}: a record holds exactly {', '.join(_FIELDS)}")
    for key, kinds in _FIELDS.items():
        value = record[key]
        if not isinstance(value, kinds) or (key != "met" and isinstance(value, bool)):
            raise ValueError(f"{where}: {key} has the wrong type ({type(value).__name__})")
    if isinstance(record["value"], float) and not math.isfinite(record["value"]):
        raise ValueError(f"{where}: value must be a finite number or null")
    if record["attempts"] < 1:
        raise ValueError(f"{where}: attempts must be at least 1")
    try:
        datetime.fromisoformat(record["when"])
    except ValueError:
        raise ValueError(f"{where}: when must be an ISO date and time, "
                         f"not {record['when']!r}") from None
    return dict(record)
