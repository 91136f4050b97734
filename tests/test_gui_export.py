"""File ▸ Export: views and the window as PNG and SVG, a training run as an animated GIF."""
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from gui.config import Config
from gui.main_window import EXPORT_VIEWS, MainWindow

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot):
    w = MainWindow(Config(dataset="moons", hidden=[5], activations=["tanh"], optimizer="adam",
                          learning_rate=0.05, batch_size=None))
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    w.controller.session.run(60)
    w.render_now()
    return w


@pytest.mark.parametrize("key", list(EXPORT_VIEWS))
def test_png_export_is_the_view_as_drawn(window, tmp_path, key):
    path = tmp_path / f"{key}.png"
    assert window.export_picture(key, path)
    with Image.open(path) as im:
        image = np.asarray(im.convert("RGB"))
    view = window.export_view(key)
    dpr = view.devicePixelRatioF()
    assert image.shape[:2] == (round(view.height() * dpr), round(view.width() * dpr))
    assert len(np.unique(image.reshape(-1, 3), axis=0)) > 20      # not a blank picture


def test_png_of_the_output_plot_shows_both_class_colors(window, tmp_path):
    path = tmp_path / "boundary.png"
    window.export_picture("boundary", path)
    with Image.open(path) as im:
        rgb = np.asarray(im.convert("RGB")).astype(int)
    blue = (rgb[..., 2] > rgb[..., 0] + 40).mean()
    orange = (rgb[..., 0] > rgb[..., 2] + 40).mean()
    assert blue > 0.05 and orange > 0.05


@pytest.mark.parametrize("key", ["network", "loss", "window"])
def test_svg_export_is_a_vector_drawing(window, tmp_path, key):
    path = tmp_path / f"{key}.svg"
    assert window.export_picture(key, path)
    root = ET.parse(path).getroot()
    assert root.tag.endswith("svg")
    shapes = [el for el in root.iter() if el.tag.split("}")[-1] in ("path", "polyline", "line",
                                                                    "rect", "text")]
    assert len(shapes) > 10
    if key == "network":
        texts = " ".join((el.text or "") for el in root.iter() if el.tag.endswith("text"))
        assert "x₁" in texts or "x1" in texts or "X" in texts.upper()


def test_unsupported_suffix_and_unwritable_path_give_a_message(window, tmp_path):
    assert not window.export_picture("window", tmp_path / "picture.bmpx")
    assert "png or .svg" in window.statusBar().currentMessage()
    assert not window.export_picture("window", tmp_path / "missing-dir" / "picture.png")
    assert "Could not export" in window.statusBar().currentMessage()
    assert window.controller.session.epoch == 60          # nothing else changed


def test_training_gif_has_one_frame_per_snapshot_and_changes_over_time(window, tmp_path):
    session = window.controller.session
    path = tmp_path / "run.gif"
    assert window.export_gif("boundary", path)
    with Image.open(path) as gif:
        assert gif.is_animated
        assert gif.n_frames == len(session.timeline)
        assert gif.info.get("loop") == 0
        gif.seek(0)
        first = np.asarray(gif.convert("RGB")).astype(int)
        gif.seek(gif.n_frames - 1)
        last = np.asarray(gif.convert("RGB")).astype(int)
    assert np.abs(first - last).mean() > 2          # the boundary moved during training
    # the window is back at the live epoch and training state is untouched
    assert window.preview_network is None and window.timeline_bar.live
    assert session.epoch == 60


def test_gif_needs_training_first(qtbot, tmp_path):
    w = MainWindow(Config(dataset="xor"))
    qtbot.addWidget(w)
    assert not w.export_gif("window", tmp_path / "x.gif")
    assert "Train a few epochs" in w.statusBar().currentMessage()
    assert not (tmp_path / "x.gif").exists()
