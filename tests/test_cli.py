"""The command line: a screenshot run in a subprocess, and bad options refused cleanly."""
import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_main(*args, timeout=180):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "BACKPROP_LAB_SETTINGS": "ephemeral"}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    return struct.unpack(">II", header[16:24])


def test_screenshot_renders_the_trained_window(tmp_path):
    out = tmp_path / "shot.png"
    result = run_main("--dataset", "spiral", "--layers", "8,8", "--epochs", "50",
                      "--screenshot", str(out), "--size", "1280x800")
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 20_000               # a real picture, not an empty canvas
    assert png_size(out) == (1280, 800)


@pytest.mark.parametrize("args,message", [
    (["--size", "huge"], "--size must look like"),
    (["--layers", "8,x"], "--layers takes"),
    (["--layers", "99"], "--layers takes"),
    (["--dataset", "mnist"], "invalid choice"),
    (["--epochs", "-3"], "--epochs must be"),
    (["--learning-rate", "-1"], "--learning-rate must be"),
])
def test_bad_options_are_refused_on_stderr(args, message):
    result = run_main(*args, timeout=60)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
