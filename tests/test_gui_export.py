"""File ▸ Export: views and the window as PNG and SVG, a training run as an animated GIF."""
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from backprop_lab.gui.model.config import Config
from backprop_lab.gui.window.exports import EXPORT_VIEWS, frame_epochs
from backprop_lab.gui.window.main_window import MainWindow

pytestmark = pytest.mark.gui


@pytest.fixture
def window(make_window):
    w = make_window(Config(dataset="moons", hidden=[5], activations=["tanh"], optimizer="adam",
                           learning_rate=0.05, batch_size=None))
    w.controller.session.run(60)
    w.render_now()
    return w


@pytest.mark.parametrize("key", list(EXPORT_VIEWS))
def test_png_export_is_the_view_as_drawn(window, tmp_path, key):
    path = tmp_path / f"{key}.png"
    assert window.exports.export_picture(key, path)
    with Image.open(path) as im:
        image = np.asarray(im.convert("RGB"))
    view = window.exports.view(key)
    dpr = view.devicePixelRatioF()
    assert image.shape[:2] == (round(view.height() * dpr), round(view.width() * dpr))
    assert len(np.unique(image.reshape(-1, 3), axis=0)) > 20      # not a blank picture


def test_png_of_the_output_plot_shows_both_class_colors(window, tmp_path):
    path = tmp_path / "boundary.png"
    window.exports.export_picture("boundary", path)
    with Image.open(path) as im:
        rgb = np.asarray(im.convert("RGB")).astype(int)
    blue = (rgb[..., 2] > rgb[..., 0] + 40).mean()
    orange = (rgb[..., 0] > rgb[..., 2] + 40).mean()
    assert blue > 0.05 and orange > 0.05


def test_svg_of_the_output_plot_draws_points_as_shapes(window, tmp_path):
    path = tmp_path / "boundary.svg"
    assert window.exports.export_picture("boundary", path)
    root = ET.parse(path).getroot()
    images = [el for el in root.iter() if el.tag.split("}")[-1] == "image"]
    assert len(images) <= 2                     # the heatmap, not one bitmap per point
    n_points = len(window.controller.session.data.y_train) + len(window.controller.session.data.y_test)
    shapes = [el for el in root.iter() if el.tag.split("}")[-1] == "path"]
    assert len(shapes) >= n_points


@pytest.mark.parametrize("key", ["network", "loss", "window"])
def test_svg_export_is_a_vector_drawing(window, tmp_path, key):
    path = tmp_path / f"{key}.svg"
    assert window.exports.export_picture(key, path)
    root = ET.parse(path).getroot()
    assert root.tag.endswith("svg")
    shapes = [el for el in root.iter() if el.tag.split("}")[-1] in ("path", "polyline", "line",
                                                                    "rect", "text")]
    assert len(shapes) > 10
    if key == "loss":                           # axes and legends as text, not bitmaps
        texts = [(el.text or "").strip() for el in root.iter() if el.tag.endswith("text")]
        assert "loss" in texts and "train" in texts
        assert any(t.replace(".", "", 1).isdigit() for t in texts)     # tick numbers
    if key == "network":
        texts = " ".join((el.text or "") for el in root.iter() if el.tag.endswith("text"))
        assert "x₁" in texts or "x1" in texts or "X" in texts.upper()


def test_unsupported_suffix_and_unwritable_path_give_a_message(window, tmp_path):
    assert not window.exports.export_picture("window", tmp_path / "picture.bmpx")
    assert "png or .svg" in window.statusBar().currentMessage()
    assert not window.exports.export_picture("window", tmp_path / "missing-dir" / "picture.png")
    assert "Could not export" in window.statusBar().currentMessage()
    assert window.controller.session.epoch == 60          # nothing else changed


def test_training_gif_frames_are_evenly_spaced_and_change_over_time(window, tmp_path):
    session = window.controller.session
    path = tmp_path / "run.gif"
    assert window.exports.export_gif("boundary", path, frames=12)
    with Image.open(path) as gif:
        assert gif.is_animated
        assert gif.n_frames == len(frame_epochs(session.timeline.epochs(), 12)) >= 10
        assert gif.info.get("loop") == 0
        gif.seek(0)
        first = np.asarray(gif.convert("RGB")).astype(int)
        gif.seek(gif.n_frames - 1)
        last = np.asarray(gif.convert("RGB")).astype(int)
    assert np.abs(first - last).mean() > 2          # the boundary moved during training
    # the window is back at the live epoch and training state is untouched
    assert window.view_state.preview_network is None and window.timeline_bar.live
    assert session.epoch == 60


def test_gif_frame_epochs_are_evenly_spaced_over_a_long_run():
    # A 598-epoch run keeps the last 32 epochs densely and older ones at a doubling stride:
    # the frames must not crowd into the last 32 epochs where nothing moves.
    from backprop_lab.engine.training.timeline import Timeline
    from backprop_lab.engine.nn.optimizers import make_optimizer
    timeline = Timeline(3)
    for epoch in range(599):
        timeline.record(epoch, epoch, np.zeros(3), make_optimizer("sgd", 0.1), None)
    epochs = frame_epochs(timeline.epochs(), 40)
    assert epochs[0] == 0 and epochs[-1] == 598
    gaps = np.diff(epochs)
    assert len(epochs) >= 25
    assert gaps.max() <= 3 * 598 / 40              # no long stretch without a frame
    assert (epochs >= 598 - 32).sum() <= 4          # not a third of the frames at the end


def test_the_code_dialog_offers_readable_scripts_first(window, tmp_path, qtbot):
    from backprop_lab.gui.dialogs.export_code_dialog import ExportCodeDialog
    dialog = ExportCodeDialog(window)
    qtbot.addWidget(dialog)
    assert (dialog.framework, dialog.style) == ("pytorch", "readable")
    assert window.exports.export_code("numpy", tmp_path / "textbook.py")
    text = (tmp_path / "textbook.py").read_text()
    assert "import numpy" in text and "readable" in window.statusBar().currentMessage()


def test_gif_needs_training_first(qtbot, tmp_path):
    w = MainWindow(Config(dataset="xor"))
    qtbot.addWidget(w)
    assert not w.exports.export_gif("window", tmp_path / "x.gif")
    assert "Train a few epochs" in w.statusBar().currentMessage()
    assert not (tmp_path / "x.gif").exists()


@pytest.mark.parametrize("kind", ["numpy", "pytorch"])
def test_exported_script_trains_on_like_the_app(window, tmp_path, kind):
    import subprocess
    import sys
    if kind == "pytorch":
        pytest.importorskip("torch")
    path = tmp_path / "run"
    assert window.exports.export_code(kind, path, style="exact")
    script = path.with_suffix(".py")
    assert script.exists() and "Generated by Backprop Lab" in script.read_text()
    out = subprocess.run([sys.executable, "-W", "error", str(script), "--epochs", "5"],
                         capture_output=True, text=True, timeout=120, check=True).stdout
    final = float(next(line for line in out.splitlines()
                       if line.startswith("final train loss:")).split(":")[1])
    session = window.controller.session
    session.run(5)
    assert final == pytest.approx(session.history.latest["train_loss"], rel=1e-9)
