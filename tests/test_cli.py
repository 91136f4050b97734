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
    (["--layers", "8,x"], "--layers: The hidden layers must be a whole number"),
    (["--layers", "999"], "--layers: A layer has 1 to 128 units, not 999"),
    (["--dataset", "mnist"], "invalid choice"),
    (["--epochs", "-3"], "--epochs must be"),
    (["--learning-rate", "-1"], "--learning-rate: The learning rate must be a number from 1e-08"),
    (["--learning-rate", "1e-9"], "1e-08 to 100"),
    (["--noise", "20"], "--noise: The noise must be a number from 0 to 10"),
    (["--batch-size", "0.5"], "--batch-size"),
    (["--loss", "hinge"], "invalid choice"),
    (["--dataset", "moons", "--classes", "5"], "'moons' has 2 classes"),
])
def test_bad_options_are_refused_on_stderr(args, message, capsys):
    from backprop_lab.gui.app import parse_args
    with pytest.raises(SystemExit) as exit_:
        parse_args(args)
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


def test_a_bad_option_ends_the_program_with_a_message_and_no_traceback():
    result = run_main("--layers", "999", timeout=60)
    assert result.returncode == 2
    assert "--layers: A layer has 1 to 128 units, not 999" in result.stderr
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


def test_every_panel_setting_is_an_option():
    from backprop_lab.gui.cli import build_parser, option
    from backprop_lab.gui.model.settings import SETTINGS
    text = build_parser().format_help()
    for name in SETTINGS:
        assert option(name) in text, name


def test_settings_on_the_command_line_reach_the_session():
    from backprop_lab.gui.cli import config_from_args, parse
    from backprop_lab.gui.model.config import Config
    args = parse(["--dataset", "spiral", "--classes", "3", "--layers", "8,6", "--activation",
                  "relu", "--loss", "cross_entropy", "--init", "he", "--batch-size", "16",
                  "--noise", "0.1", "--samples", "240", "--test-fraction", "0.25", "--l2",
                  "0.001", "--optimizer", "momentum", "--learning-rate", "0.05"])
    config = config_from_args(args, Config())
    session = config.build_session()
    assert session.network.sizes == [2, 8, 6, 3] and session.network.activations[:2] == ["relu"] * 2
    assert (session.loss, session.batch_size, session.l2) == ("cross_entropy", 16, 0.001)
    assert (session.optimizer.name, session.learning_rate) == ("momentum", 0.05)
    assert len(session.data.y_train) + len(session.data.y_test) == 240
    assert len(session.data.y_test) == 60 and session.data.params["noise"] == 0.1


def test_csv_target_and_ignore_options(tmp_path):
    rows = ["label,id,a,b"] + [f"{'yes' if i % 2 else 'no'},{i},{i % 7},{(i * 3) % 5}"
                               for i in range(60)]
    data = tmp_path / "first.csv"
    data.write_text("\n".join(rows))
    out = tmp_path / "first.png"
    result = run_main("--csv", str(data), "--target", "label", "--ignore", "id", "--epochs", "3",
                      "--screenshot", str(out), "--size", "1280x800")
    assert result.returncode == 0, result.stderr
    assert png_size(out) == (1280, 800)


def test_a_bad_csv_on_the_command_line_names_line_and_column(tmp_path):
    data = tmp_path / "bad.csv"
    data.write_text("x,y,label\n1,2,a\n3,oops,b\n")
    result = run_main("--csv", str(data), "--screenshot", str(tmp_path / "never.png"))
    assert result.returncode == 2
    assert "line 3" in result.stderr and "column 2" in result.stderr and "oops" in result.stderr
    assert not (tmp_path / "never.png").exists()


@pytest.mark.parametrize("rate", ["fast", "-1", "1000", "nan"])
def test_pin_needs_a_learning_rate(rate, capsys):
    from backprop_lab.gui.app import parse_args
    with pytest.raises(SystemExit) as exit_:
        parse_args(["--pin", rate, "--screenshot", "never.png"])
    assert exit_.value.code == 2
    assert "--pin needs a learning rate" in capsys.readouterr().err
    assert parse_args(["--pin", "0.1", "--pin", "1"]).pin == [0.1, 1.0]
