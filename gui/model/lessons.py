"""Lessons: one-click presets with a short explanation card, stored as JSON files in
``resources/lessons/``.

A lesson file holds::

    {"format": "backprop-lab-lesson", "version": 1,
     "title": "...", "text": "what happens here (simple HTML allowed)",
     "look": "what to look at", "try": "what to try next",
     "config": {... gui.config.Config fields ...},
     "weights": [{"W": [[...]], "b": [...]}, ...],      (optional: hand-set weights)
     "data": {"task": "regression", "points": [[1, -1]], "labels": [2],
              "test_points": [], "test_labels": [], "name": "..."},
                                                        (optional: the lesson's own data;
                                                         then "config" says "dataset": "custom")
     "epochs": 0,                                       (optional: epochs trained on load)
     "exercises": [...],                                (optional: targets and predictions the
                                                         window checks; see
                                                         engine.analysis.exercises)
     "view": "landscape",                               (optional: the view the lesson opens,
                                                         one of LESSON_VIEWS)
     "stage": "graph+inspector",                        (optional: presentation's views,
                                                         one of gui.model.stages.STAGE_KEYS)
     "try_buttons": [                                   (optional: "Try next" as one click)
         {"label": "learning rate 0.1", "set": {"learning_rate": 0.1}, "then": "reset"}]}

A try button's ``set`` holds Config fields (checked by :meth:`Config.changed` on load and
applied through the controller on a click); ``edges`` names what the graph's edges show
(an EDGE_MODES key); ``then`` is an action or a list of actions run afterwards, in order
(:data:`TRY_ACTIONS`).

``W`` is (n_in, n_out) as the engine keeps it: row i holds the weights *from* input i, column j
those *into* unit j.

Loading validates everything and raises ValueError with the reason; nothing is executed.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

import numpy as np

from backprop_lab.engine.analysis.exercises import validate_exercises
from backprop_lab.engine.data.dataset import BINARY, MULTICLASS, REGRESSION, Dataset
from backprop_lab.engine.training.inspection import EDGE_MODES

from .config import CUSTOM, Config
from .stages import STAGE_KEYS

#: The lessons that ship with the app (package data: they travel with an installed wheel).
LESSON_DIR: Traversable = files("backprop_lab.resources").joinpath("lessons")
FORMAT, VERSION = "backprop-lab-lesson", 1
#: The views a lesson may open with ("view" key): the loss landscape or the hidden space
#: tab, or the loss plot's per-layer ‖dW‖ row (ticked, and kept before accuracy's).
LESSON_VIEWS = ("landscape", "hidden_space", "gradient_norms")
#: What a try button may do after its settings: new weights, train, one phase, check.
TRY_ACTIONS = ("reset", "play", "phase", "gradient_check")


@dataclass(frozen=True)
class Suggestion:
    """One "Try next" change as a button: settings, then what the edges show, then actions."""
    label: str
    settings: dict = field(default_factory=dict)     # Config field -> value
    edges: str = ""                                  # an EDGE_MODES key, or "" to keep
    then: tuple[str, ...] = ()                       # TRY_ACTIONS, in order


@dataclass
class Lesson:
    title: str
    text: str
    look: str
    try_next: str
    config: Config
    weights: list[dict] | None = None
    epochs: int = 0
    data: Dataset | None = None
    path: Path | Traversable | None = None
    extra: dict = field(default_factory=dict)
    exercises: list[dict] = field(default_factory=list)   # validated exercise specs
    view: str = ""                                         # one of LESSON_VIEWS, or ""
    stage: str | None = None                  # the presentation stage it opens on
    try_buttons: list[Suggestion] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The lesson's file name without ``.json`` (how exercise progress names it)."""
        return self.path.name[:-5] if self.path is not None and self.path.name.endswith(
            ".json") else self.title

    def build_session(self, train: bool = True):
        """The lesson's training session (on its own data when it carries some), with its
        hand-set weights, and (``train``) its epochs trained.  The window trains them in
        time-boxed slices instead (train=False)."""
        session = self.config.build_session(self.data)
        if self.weights is not None:
            session.network.set_weights(self.weights)
            session.weights_edited()
        if train and self.epochs:
            session.run(self.epochs)
        return session


def load_lesson(path: str | os.PathLike | Traversable) -> Lesson:
    """Read and validate one lesson file (a path, or a file inside the package's resources)."""
    if isinstance(path, (str, os.PathLike)):
        path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValueError(f"cannot read the lesson {path}: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path.name} is not a lesson file (not valid JSON: {exc})") from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise ValueError(f"{path.name} is not a Backprop Lab lesson (format must be {FORMAT!r})")
    if not isinstance(raw.get("version"), int) or raw["version"] > VERSION:
        raise ValueError(f"{path.name} needs a newer Backprop Lab (lesson version "
                         f"{raw.get('version')!r}, this one reads up to {VERSION})")
    for key in ("title", "text"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise ValueError(f"{path.name}: the lesson needs a {key!r} text")
    config_dict = raw.get("config")
    if not isinstance(config_dict, dict):
        raise ValueError(f"{path.name}: 'config' must be an object of settings")
    config = Config.from_dict(config_dict)
    data = None
    if "data" in raw:
        data = _read_data(path.name, raw["data"], config)
        config = Config(**{**config.__dict__, "dataset": CUSTOM, "custom_task": data.task,
                           "n_classes": max(data.n_classes, 2)}).normalized()
    elif config.is_custom:
        raise ValueError(f"{path.name}: the config says 'custom' data but the lesson has no "
                         "'data'")
    epochs = raw.get("epochs", 0)
    if not isinstance(epochs, int) or not 0 <= epochs <= 100_000:
        raise ValueError(f"{path.name}: 'epochs' must be a whole number from 0 to 100000")
    weights = raw.get("weights")
    if weights is not None:
        weights = _check_weights(path.name, weights, config, data)
    try:
        exercises = validate_exercises(raw.get("exercises", []))
    except ValueError as exc:
        raise ValueError(f"{path.name}: {exc}") from None
    view = raw.get("view", "")
    if view not in ("", *LESSON_VIEWS):
        raise ValueError(f"{path.name}: 'view' must be one of {', '.join(LESSON_VIEWS)}, "
                         f"not {view!r}")
    stage = raw.get("stage")
    if stage is not None and stage not in STAGE_KEYS:
        raise ValueError(f"{path.name}: 'stage' must be one of {', '.join(STAGE_KEYS)}")
    buttons = _read_try_buttons(path.name, raw.get("try_buttons", []), config)
    return Lesson(title=raw["title"].strip(), text=raw["text"].strip(),
                  look=str(raw.get("look", "")).strip(), try_next=str(raw.get("try", "")).strip(),
                  config=config, weights=weights, epochs=epochs, path=path, data=data,
                  exercises=exercises, view=view, stage=stage, try_buttons=buttons)


def _read_try_buttons(name: str, entries, config: Config) -> list[Suggestion]:
    """The lesson's try buttons, each checked: its label, its settings (against the lesson's
    config, by Config.changed), its edge mode and its actions."""
    if not isinstance(entries, list) or len(entries) > 6:
        raise ValueError(f"{name}: 'try_buttons' must be a list of up to 6 buttons")
    out = []
    for k, entry in enumerate(entries, 1):
        where = f"{name}: try button {k}"
        if not isinstance(entry, dict) or not isinstance(entry.get("label"), str) \
                or not entry["label"].strip() or len(entry["label"]) > 40:
            raise ValueError(f"{where} needs a 'label' of 1 to 40 characters")
        settings, edges, then = entry.get("set", {}), entry.get("edges", ""), entry.get("then", [])
        if not isinstance(settings, dict):
            raise ValueError(f"{where}: 'set' must be an object of settings")
        try:
            config.changed(**settings)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{where}: {exc}") from None
        if edges and edges not in EDGE_MODES:
            raise ValueError(f"{where}: 'edges' must be one of {', '.join(EDGE_MODES)}")
        then = [then] if isinstance(then, str) else then
        if not isinstance(then, list) or any(a not in TRY_ACTIONS for a in then):
            raise ValueError(f"{where}: 'then' takes {', '.join(TRY_ACTIONS)}")
        if not (settings or edges or then):
            raise ValueError(f"{where} changes nothing: give 'set', 'edges' or 'then'")
        out.append(Suggestion(entry["label"].strip(), dict(settings), edges, tuple(then)))
    return out


def _read_data(name: str, raw, config: Config) -> Dataset:
    """The lesson's own data set: ``points`` (m, d) and ``labels`` (m,), optionally
    ``test_points`` and ``test_labels``, of ``task`` binary, multiclass or regression."""
    if not isinstance(raw, dict):
        raise ValueError(f"{name}: 'data' must be an object with 'task', 'points' and 'labels'")
    task = raw.get("task")
    if task not in (BINARY, MULTICLASS, REGRESSION):
        raise ValueError(f"{name}: the data's 'task' must be binary, multiclass or regression, "
                         f"not {task!r}")
    arrays = []
    for points_key, labels_key in (("points", "labels"), ("test_points", "test_labels")):
        points, labels = raw.get(points_key, []), raw.get(labels_key, [])
        try:
            points = np.array(points, dtype=np.float64)
            labels = np.array(labels, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"{name}: the data's {points_key!r} and {labels_key!r} must be "
                             "numbers") from None
        if points.size == 0 and labels.size == 0:
            points = points.reshape(0, arrays[0][0].shape[1] if arrays else 0)
        if points.ndim != 2 or labels.ndim != 1 or len(points) != len(labels) \
                or (arrays and points.shape[1] != arrays[0][0].shape[1]):
            raise ValueError(f"{name}: the data's {points_key!r} must be a list of equally long "
                             f"rows of numbers, one per label in {labels_key!r}")
        if not (np.isfinite(points).all() and np.isfinite(labels).all()):
            raise ValueError(f"{name}: the data's {points_key!r} and {labels_key!r} must be "
                             "finite numbers")
        if task != REGRESSION:
            if np.any(labels != np.round(labels)) or np.any(labels < 0):
                raise ValueError(f"{name}: class labels must be whole numbers 0, 1, …")
            labels = labels.astype(np.int64)
        arrays.append((points, labels))
    (points, labels), (test_points, test_labels) = arrays
    if len(labels) == 0 or points.shape[1] == 0:
        raise ValueError(f"{name}: the data needs at least one training point")
    n_classes = 0
    if task != REGRESSION:
        n_classes = int(max(np.max(labels), np.max(test_labels, initial=0))) + 1
        n_classes = max(n_classes, 2)
        if (task == BINARY) != (n_classes == 2):
            raise ValueError(f"{name}: a {task} task needs "
                             f"{'labels 0 and 1' if task == BINARY else 'more than 2 classes'}")
    everything = np.vstack([points, test_points])
    low, high = everything.min(axis=0), everything.max(axis=0)
    margin = np.maximum(0.25 * (high - low), 1.0)
    domain = tuple((float(lo), float(hi)) for lo, hi in zip(low - margin, high + margin))
    try:
        return Dataset(name=str(raw.get("name", "the lesson's data")), task=task,
                       points_train=points, y_train=labels, points_test=test_points,
                       y_test=test_labels, n_classes=n_classes,
                       features=config.features if points.shape[1] == 2 else ("x1", "x2"),
                       domain=domain[:2] if len(domain) >= 2 else domain * 2,
                       params={"source": "lesson"})
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from None


def _check_weights(name: str, weights, config: Config, data: Dataset | None = None) -> list[dict]:
    network = config.build_network(data if data is not None else config.load_data())
    if not isinstance(weights, list) or len(weights) != len(network.layers):
        raise ValueError(f"{name}: 'weights' needs one entry per layer "
                         f"({len(network.layers)})")
    out = []
    for i, (entry, layer) in enumerate(zip(weights, network.layers)):
        try:
            W = [[float(v) for v in row] for row in entry["W"]]
            b = [float(v) for v in entry["b"]]
        except (KeyError, TypeError, ValueError):
            raise ValueError(f"{name}: layer {i + 1}'s weights need numbers 'W' and 'b'") from None
        if (len(W), len(W[0]) if W else 0) != layer.W.shape or len(b) != layer.b.size:
            raise ValueError(f"{name}: layer {i + 1} needs W of shape {layer.W.shape} and "
                             f"{layer.b.size} biases")
        out.append({"W": W, "b": b})
    return out


def lesson_files(folder: Path | Traversable = LESSON_DIR) -> list[Path | Traversable]:
    """The ``*.json`` files of ``folder``, in file-name order (numbered files keep the story)."""
    return sorted((f for f in folder.iterdir() if f.name.endswith(".json") and f.is_file()),
                  key=lambda f: f.name)


def list_lessons(folder: Path | Traversable = LESSON_DIR) -> list[Lesson]:
    """Every valid lesson in ``folder``, in file-name order."""
    lessons = []
    for path in lesson_files(folder):
        try:
            lessons.append(load_lesson(path))
        except ValueError:
            continue
    return lessons


def find_lesson(spec: str | os.PathLike) -> Path | Traversable:
    """The lesson file that ``spec`` names: a number (``5``), a file name with or without
    ``.json`` (``05-one-step-phase-by-phase``) among the shipped lessons, or a path.
    ValueError with the choices when nothing matches."""
    text = os.fspath(spec)
    shipped = lesson_files()
    if text.isdigit():
        matches = [f for f in shipped if f.name.split("-", 1)[0].isdigit()
                   and int(f.name.split("-", 1)[0]) == int(text)]
    else:
        stem = text[:-5] if text.endswith(".json") else text
        matches = [f for f in shipped if f.name[:-5] == stem]
    if matches:
        return matches[0]
    path = Path(text)
    if path.is_file():
        return path
    numbers = ", ".join(f.name.split("-", 1)[0].lstrip("0") for f in shipped)
    raise ValueError(f"no lesson {text!r}: give a lesson number ({numbers}), the name of a "
                     "shipped lesson file or the path of a lesson file")


def same_lesson_file(a, b) -> bool:
    """True when two lesson locations (paths or package files) are the same file."""
    if a is None or b is None:
        return False
    if isinstance(a, Path) and isinstance(b, Path):
        return a.resolve() == b.resolve()
    return str(a) == str(b)
