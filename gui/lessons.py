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
from dataclasses import dataclass, field
from pathlib import Path

from .config import Config

LESSON_DIR = Path(__file__).resolve().parent.parent / "resources" / "lessons"
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
    path: Path | None = None
    extra: dict = field(default_factory=dict)

    def build_session(self):
        """The lesson's training session, with its hand-set weights and epochs applied."""
        session = self.config.build_session()
        if self.weights is not None:
            session.network.set_weights(self.weights)
            session.weights_edited()
        if self.epochs:
            session.run(self.epochs)
        return session


def load_lesson(path) -> Lesson:
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


def list_lessons(folder: Path = LESSON_DIR) -> list[Lesson]:
    """Every valid lesson in ``folder``, in file-name order (numbered files keep the story)."""
    lessons = []
    for path in sorted(folder.glob("*.json")):
        try:
            lessons.append(load_lesson(path))
        except ValueError:
            continue
    return lessons
