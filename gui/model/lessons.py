"""Lessons: one-click presets with a short explanation card, stored as JSON files in
``resources/lessons/``.

A lesson file holds::

    {"format": "backprop-lab-lesson", "version": 1,
     "title": "...", "text": "what happens here (simple HTML allowed)",
     "look": "what to look at", "try": "what to try next",
     "config": {... gui.config.Config fields ...},
     "weights": [{"W": [[...]], "b": [...]}, ...],      (optional: hand-set weights)
     "epochs": 0}                                       (optional: epochs trained on load)

Loading validates everything and raises ValueError with the reason; nothing is executed.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from .config import Config

#: The lessons that ship with the app (package data: they travel with an installed wheel).
LESSON_DIR: Traversable = files("backprop_lab.resources").joinpath("lessons")
FORMAT, VERSION = "backprop-lab-lesson", 1


@dataclass
class Lesson:
    title: str
    text: str
    look: str
    try_next: str
    config: Config
    weights: list[dict] | None = None
    epochs: int = 0
    path: Path | Traversable | None = None
    extra: dict = field(default_factory=dict)

    def build_session(self, train: bool = True):
        """The lesson's training session, with its hand-set weights, and (``train``) its
        epochs trained.  The window trains them in time-boxed slices instead (train=False)."""
        session = self.config.build_session()
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
    epochs = raw.get("epochs", 0)
    if not isinstance(epochs, int) or not 0 <= epochs <= 100_000:
        raise ValueError(f"{path.name}: 'epochs' must be a whole number from 0 to 100000")
    weights = raw.get("weights")
    if weights is not None:
        weights = _check_weights(path.name, weights, config)
    return Lesson(title=raw["title"].strip(), text=raw["text"].strip(),
                  look=str(raw.get("look", "")).strip(), try_next=str(raw.get("try", "")).strip(),
                  config=config, weights=weights, epochs=epochs, path=path)


def _check_weights(name: str, weights, config: Config) -> list[dict]:
    network = config.build_network(config.load_data())
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
