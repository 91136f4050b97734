"""Smoke test of an installed wheel (not editable), run by .ci/run from outside the checkout.

usage: python wheel_smoke.py CHECKOUT OUT_DIR
Checks that the installed package, not the checkout, is what runs; that every lesson of the
checkout is listed; that the digits load; and that ``backprop-lab --lesson 1 --screenshot``
renders a picture of the asked size.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

checkout, out = Path(sys.argv[1]).resolve(), Path(sys.argv[2])
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["BACKPROP_LAB_SETTINGS"] = "ephemeral"

import backprop_lab.engine as engine  # noqa: E402
from backprop_lab.gui.model.lessons import list_lessons  # noqa: E402

where = Path(engine.__file__).resolve()
assert checkout not in where.parents, f"the checkout was imported, not the wheel: {where}"
expected = len(list((checkout / "resources" / "lessons").glob("*.json")))
lessons = list_lessons()
assert len(lessons) == expected, f"{len(lessons)} lessons listed, {expected} shipped"
digits = engine.datasets.load("digits")
assert digits.n_inputs == 64 and digits.n_classes == 10, digits

command = shutil.which("backprop-lab")
assert command, "the backprop-lab command was not installed"
png = out / "wheel-lesson-1.png"
result = subprocess.run([command, "--lesson", "1", "--screenshot", str(png), "--size", "1024x768"],
                        capture_output=True, text=True, timeout=300)
assert result.returncode == 0, result.stderr
from PySide6.QtGui import QImage  # noqa: E402

image = QImage(str(png))
assert (image.width(), image.height()) == (1024, 768), (image.width(), image.height())
print(f"wheel ok: {where.parent}, {len(lessons)} lessons, digits {digits.n_inputs}-D, "
      f"screenshot {image.width()}x{image.height()}")
