"""Code export: a session as a standalone NumPy or PyTorch script, of two kinds.

* **readable** (the default): the script a PyTorch user (``nn.Sequential``, a ``DataLoader``,
  float32, a loss module from ``torch.nn``, ``torch.optim``) or a textbook (forward, loss,
  backward, update in NumPy) would write, starting from the session's current weights;
* **exact**: a replay of the app's own arithmetic and mini-batch order, optimizer state,
  clipping, schedule and divergence watch included, that continues training as the app would
  and stops where it would (NumPy: to the last bits or a few units of rounding; PyTorch: to
  rounding).

Neither can train a network with a step unit: ValueError.

Each kind is a template in ``templates/`` (real, runnable modules) filled in from the
session's public state by :func:`~.slots.fill`.

>>> from backprop_lab.engine import Network, TrainingSession, datasets
>>> session = TrainingSession(Network([2, 4, 1], hidden="tanh"), datasets.load("xor"))
>>> script = export_script(session, "pytorch", "readable", name="xor")
>>> "nn.Sequential(" in script.text and script.files == {}
True
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["FRAMEWORKS", "STYLES", "ExportedScript", "export_script", "write_script",
           "numpy_script", "pytorch_script"]

FRAMEWORKS = ("pytorch", "numpy")
STYLES = ("readable", "exact")


@dataclass(frozen=True)
class ExportedScript:
    """A script's text and the files it reads, to be written beside it."""

    name: str                                   # the script's file name without ".py"
    text: str
    files: dict[str, bytes] = field(default_factory=dict)   # {file name: contents}

    def write(self, path) -> list[Path]:
        """Write the script to ``path`` (".py" added if missing) and its files beside it;
        returns every path written."""
        path = Path(path)
        if path.suffix != ".py":
            path = path.with_suffix(".py")
        written = [path]
        path.write_text(self.text, encoding="utf-8")
        for name, data in self.files.items():
            written.append(path.with_name(name))
            written[-1].write_bytes(data)
        return written


def export_script(session, framework: str = "pytorch", style: str = "readable",
                  name: str = "model") -> ExportedScript:
    """The ``framework`` ("pytorch" or "numpy") script of ``style`` ("readable" or "exact")
    that trains on from ``session`` (left untouched).  ``name``: the script's file name without
    ".py"; the files written beside it are named after it.  ValueError when the session holds
    something the script cannot express, or a network that cannot be trained (a step unit)."""
    if framework not in FRAMEWORKS:
        raise ValueError(f"framework must be one of {', '.join(FRAMEWORKS)}, not {framework!r}")
    if style not in STYLES:
        raise ValueError(f"style must be one of {', '.join(STYLES)}, not {style!r}")
    if getattr(session, "dropout", 0.0):
        raise ValueError(f"the exported scripts do not support dropout yet: set dropout to 0 "
                         f"(it is {session.dropout:g}) to export this session")
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", str(name)) or "model"
    session.check_trainable()          # a step unit: ValueError, no script trains it
    if style == "exact":
        from .replay import replay_script
        return ExportedScript(name, replay_script(session, framework))
    from .readable import Readable
    readable = Readable.of(session, name)
    if framework == "pytorch":
        from .readable_torch import torch_script as build
    else:
        from .readable_numpy import numpy_script as build
    text, files = build(readable)
    return ExportedScript(name, text, files)


def write_script(session, path, framework: str = "pytorch", style: str = "readable") -> list[Path]:
    """Export ``session`` to the script ``path`` (and its files beside it); the paths written."""
    path = Path(path)
    return export_script(session, framework, style, name=path.stem).write(path)


def numpy_script(session) -> str:
    """The exact-replay NumPy script of ``session`` (standalone: one file)."""
    return export_script(session, "numpy", "exact").text


def pytorch_script(session) -> str:
    """The exact-replay PyTorch script of ``session`` (standalone: one file)."""
    return export_script(session, "pytorch", "exact").text
