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


def test_csv_option_trains_on_the_file(tmp_path):
    rows = ["a,b,c,label"] + [f"{i % 7},{i % 5},{i % 3},{'yes' if i % 2 else 'no'}"
                              for i in range(60)]
    data = tmp_path / "three.csv"
    data.write_text("\n".join(rows))
    out = tmp_path / "csv.png"
    result = run_main("--csv", str(data), "--epochs", "5", "--screenshot", str(out),
                      "--size", "1280x800")
    assert result.returncode == 0, result.stderr
    assert png_size(out) == (1280, 800)


def test_a_bad_csv_on_the_command_line_names_line_and_column(tmp_path):
    data = tmp_path / "bad.csv"
    data.write_text("x,y,label\n1,2,a\n3,oops,b\n")
    result = run_main("--csv", str(data), "--screenshot", str(tmp_path / "never.png"))
    assert result.returncode == 2
    assert "line 3" in result.stderr and "column 2" in result.stderr and "oops" in result.stderr
    assert not (tmp_path / "never.png").exists()


@pytest.mark.parametrize("rate", ["fast", "-1", "1000"])
def test_pin_needs_a_learning_rate(tmp_path, rate):
    result = run_main("--pin", rate, "--screenshot", str(tmp_path / "never.png"))
    assert result.returncode == 2
    assert "--pin needs a learning rate" in result.stderr
