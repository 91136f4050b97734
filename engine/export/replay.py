"""Exact replay (being moved onto templates)."""
from __future__ import annotations

from .exact_scripts import numpy_script, pytorch_script


def replay_script(session, framework: str) -> str:
    return (numpy_script if framework == "numpy" else pytorch_script)(session)
