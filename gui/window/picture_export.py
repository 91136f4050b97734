"""Pictures of the app for slides: any view or the window as PNG or SVG, and a training run
as an animated GIF (Pillow).

PNG is the widget as drawn on screen (``QWidget.grab``); SVG re-renders the widget through a
vector paint device (``QSvgGenerator``), so lines and text stay sharp at any size, with the
plots' strokes moved into page coordinates so that any SVG renderer draws them as Qt does
(:mod:`.svg_strokes`).
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Iterable

import numpy as np
from ..style.plotting import pg
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QGraphicsItem, QWidget

from .svg_strokes import flatten_scaled_strokes

if TYPE_CHECKING:                 # Pillow and QtSvg load when a picture is written (start-up)
    from PIL import Image

IMAGE_FILTER = "PNG image (*.png);;SVG drawing (*.svg)"
GIF_FILTER = "Animated GIF (*.gif)"


def export_widget(widget: QWidget, path) -> Path:
    """Write ``widget`` to ``path`` as PNG or SVG (by its suffix; none → .png).

    Raises ``ValueError`` for another suffix and ``OSError`` when the file cannot be written.
    """
    path = Path(path)
    if not path.suffix:
        path = path.with_suffix(".png")
    suffix = path.suffix.lower()
    if suffix == ".png":
        if not widget.grab().save(str(path), "PNG"):
            raise OSError(f"could not write {path}")
    elif suffix == ".svg":
        _write_svg(widget, path)
    else:
        raise ValueError(f"export as .png or .svg, not {path.suffix!r}")
    return path


def _write_svg(widget: QWidget, path: Path) -> None:
    size = widget.size()
    from PySide6.QtSvg import QSvgGenerator
    generator = QSvgGenerator()
    generator.setFileName(str(path))
    generator.setSize(size)
    generator.setViewBox(QRect(0, 0, size.width(), size.height()))
    generator.setTitle("Backprop Lab")
    generator.setDescription(f"{widget.objectName() or type(widget).__name__} from Backprop Lab")
    painter = QPainter()
    if not painter.begin(generator):
        raise OSError(f"could not write {path}")
    # pyqtgraph items draw scatter symbols from a cached pixel atlas unless told they are
    # being exported; then they draw real vector shapes.  Items kept as pictures of their
    # pixels on screen (axes, texts, points: see style/appearance.py) are drawn as shapes too.
    scene_items = [item for view in [widget, *widget.findChildren(pg.GraphicsView)]
                   if isinstance(view, pg.GraphicsView) for item in view.scene().items()]
    items = [item for item in scene_items if hasattr(item, "setExportMode")]
    cached = [(item, item.cacheMode()) for item in scene_items
              if item.cacheMode() != QGraphicsItem.CacheMode.NoCache]
    for item in items:
        item.setExportMode(True, {"antialias": True, "painter": painter})
    for item, _mode in cached:
        item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
    try:
        widget.render(painter, QPoint(0, 0))
    finally:
        for item in items:
            item.setExportMode(False)
        for item, mode in cached:
            item.setCacheMode(mode)
        painter.end()
    if not path.exists() or path.stat().st_size == 0:
        raise OSError(f"could not write {path}")
    path.write_text(flatten_scaled_strokes(path.read_text(encoding="utf-8")), encoding="utf-8")


def to_pil(image: QImage) -> Image.Image:
    """A QImage as an RGB Pillow image (a copy)."""
    from PIL import Image
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    width, height = image.width(), image.height()
    row = image.bytesPerLine()
    data = np.frombuffer(image.constBits(), dtype=np.uint8, count=row * height)
    rgb = data.reshape(height, row)[:, : width * 3].reshape(height, width, 3)
    return Image.fromarray(rgb.copy(), "RGB")


def write_gif(frames: Iterable[QImage], path, frame_ms: int = 120, hold_last_ms: int = 1500,
              max_width: int = 960) -> Path:
    """An endlessly looping GIF from ``frames`` (the last held longer); frames wider than
    ``max_width`` are scaled down to keep the file slide-sized."""
    from PIL import Image
    path = Path(path)
    if path.suffix.lower() != ".gif":
        path = path.with_suffix(".gif")
    images = []
    for frame in frames:
        if frame.width() > max_width:
            frame = frame.scaledToWidth(max_width, Qt.TransformationMode.SmoothTransformation)
        images.append(to_pil(frame))
    if not images:
        raise ValueError("no frames to write")
    size = images[0].size
    images = [im if im.size == size else im.resize(size) for im in images]
    # One palette for the whole animation keeps colors steady from frame to frame.
    palette = images[-1].quantize(colors=255, method=Image.Quantize.MEDIANCUT)
    frames_p = [im.quantize(palette=palette, dither=Image.Dither.NONE) for im in images]
    durations = [frame_ms] * (len(frames_p) - 1) + [hold_last_ms]
    frames_p[0].save(path, save_all=True, append_images=frames_p[1:], duration=durations,
                     loop=0, optimize=False, disposal=1)
    return path
