"""Theme and scale for the whole window: Qt's palette and font, pyqtgraph's plots, the graph.

``apply_appearance(window, theme, scale)`` is the one place that knows every view's colors and
sizes, so presentation mode (scale 1.6, thick lines) and the themes (light, dark, projector)
change everything at once.
"""
from __future__ import annotations

import math

import numpy as np

from .plotting import pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPalette
from PySide6.QtWidgets import QApplication, QGraphicsItem, QGraphicsTextItem

from .colors import Theme
from .stage_style import set_widget_scale

_BASE_FONT: dict[str, float] = {}


def base_point_size() -> float:
    """The application's own font size in points, before any scaling."""
    if "size" not in _BASE_FONT:
        _BASE_FONT["size"] = QApplication.instance().font().pointSizeF()
    return _BASE_FONT["size"]


def palette_for(theme: Theme) -> QPalette:
    p = QPalette()
    bg, panel, text = QColor(*theme.background), QColor(*theme.panel), QColor(*theme.text)
    for role, color in (
            (QPalette.ColorRole.Window, panel), (QPalette.ColorRole.WindowText, text),
            (QPalette.ColorRole.Base, bg), (QPalette.ColorRole.AlternateBase, panel),
            (QPalette.ColorRole.Text, text), (QPalette.ColorRole.Button, panel),
            (QPalette.ColorRole.ButtonText, text), (QPalette.ColorRole.ToolTipBase, bg),
            (QPalette.ColorRole.ToolTipText, text), (QPalette.ColorRole.PlaceholderText,
                                                      QColor(*theme.muted)),
            (QPalette.ColorRole.Highlight, QColor(*theme.highlight)),
            (QPalette.ColorRole.HighlightedText, bg)):
        p.setColor(role, color)
    # Disabled controls halfway between text and background, so that they read as disabled
    # in every theme (the projector theme's muted text is nearly as dark as its text).
    disabled = QColor(*[round(0.5 * t + 0.5 * b) for t, b in zip(theme.text, theme.background)])
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText,
                 QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return p


def cache_static_items(item: pg.PlotItem) -> None:
    """Keep the axes and texts of plot ``item`` (ticks and numbers, axis names, legend, title)
    as pictures of their pixels.  They change only when a range steps or a text or style
    changes (each calls update(), which remakes the picture), while training repaints the
    plot up to 60 times a second: drawing them anew took the output plot 2 of the 2.5 ms of
    a repaint (laying out rich text, replaying the ticks)."""
    stack = [item]
    while stack:
        node = stack.pop()
        if isinstance(node, (pg.AxisItem, QGraphicsTextItem)):
            node.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        stack.extend(node.childItems())


def style_plot(item: pg.PlotItem, widget, theme: Theme, scale: float) -> None:
    """Background, axes, tick fonts and labels of one pyqtgraph plot."""
    widget.setBackground(theme.background)
    # The opaque background covers the view: Qt need not paint what lies under it first.
    widget.viewport().setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
    font = QFont(QApplication.font())
    # Tick labels a little smaller than the text, except on a stage: there the type's size.
    font.setPointSizeF(base_point_size() * (0.95 if scale <= 1.0 else 1.0) * scale)
    for name in ("left", "bottom"):
        axis = item.getAxis(name)
        axis.setPen(pg.mkPen(theme.text, width=max(1.0, scale)))
        axis.setTextPen(pg.mkPen(theme.text))
        # Fewer tick labels at large sizes, so they never overlap.
        axis.setStyle(tickFont=font, tickLength=int(5 * scale),
                      textFillLimits=[(0, 0.8 / scale ** 2), (2, 0.6 / scale ** 2),
                                      (4, 0.4 / scale ** 2)])
        no_si_prefix(axis)
        axis.setTickDensity(1.0 / scale ** 2)
        if name == "left":
            fitting_ticks(axis)
        axis.labelStyle = {"color": pg.mkColor(theme.text).name(),
                           "font-size": f"{font.pointSizeF():.1f}pt"}
        axis._updateLabel()
    cache_static_items(item)
    if item.titleLabel is not None and item.titleLabel.text:
        item.setTitle(item.titleLabel.text, color=pg.mkColor(theme.text).name(),
                      size=f"{font.pointSizeF() * 1.1:.1f}pt")
    legend = item.legend
    if legend is not None:
        legend.setLabelTextColor(theme.text)
        legend.setBrush(pg.mkBrush(*theme.background, 215))     # readable over the curves
        legend.setLabelTextSize(f"{font.pointSizeF():.1f}pt")
        for sample, label in legend.items:           # existing labels keep their old color
            label.setText(label.text, color=pg.mkColor(theme.text).name(),
                          size=f"{font.pointSizeF():.1f}pt")
            # The line sample level with its label, whose text sits at the top of a row that
            # the plot beside it may stretch.
            sample.setFixedHeight(max(20.0, label.item.boundingRect().height()))
            for item in (sample, label):
                legend.layout.setAlignment(item, Qt.AlignmentFlag.AlignLeft
                                           | Qt.AlignmentFlag.AlignTop)


#: Tick steps to choose from for an axis with a fixed range (accuracy 0…1, R² −1…1).
TICK_STEPS = (0.1, 0.2, 0.25, 0.5, 1.0, 2.0)


def fit_ticks(axis: pg.AxisItem, span: float, length: float) -> float:
    """The finest step from :data:`TICK_STEPS` whose labels do not overprint on an axis
    ``length`` pixels long showing ``span`` units (pyqtgraph always draws at least 2.25
    intervals' labels, which overlap on a short axis in large type).  Returns the step."""
    text = QFontMetricsF(axis.style["tickFont"] or QApplication.font()).height()
    room = max(length / (1.5 * text), 1.0)             # labels with half a line between
    step = next((s for s in TICK_STEPS if span / s <= room), TICK_STEPS[-1])
    axis.setTickSpacing(step, step / 2)
    return step


def no_si_prefix(axis: pg.AxisItem) -> None:
    """Plain numbers on an axis: pyqtgraph's enableAutoSIPrefix(False) still computes a scale
    (×1000 for values below 1) while the axis label is visible, so reset it too."""
    axis.enableAutoSIPrefix(False)
    axis.autoSIPrefixScale = 1.0
    axis.labelUnitPrefix = ""
    axis.picture = None
    axis.update()


def fitting_ticks(axis: pg.AxisItem) -> None:
    """Major ticks whose labels never meet.  A vertical axis keeps its labels at least 1.2
    lines of its tick text apart: pyqtgraph keeps two intervals or more whatever the length,
    and a 35-pixel loss plot printed five labels over each other; the spacing grows 2×, 5×,
    10×… until they fit.  A horizontal axis takes the finest step of 1, 2 or 5 × 10ᵏ (no
    finer than pyqtgraph's own) whose labels, as drawn, leave a space between them (the
    stage's narrow loss plot printed "50100150")."""
    if getattr(axis, "fits_its_labels", False):
        return
    plain = axis.tickSpacing
    vertical = axis.orientation in ("left", "right")

    def labels_fit(low, high, step, per_unit, metrics) -> bool:
        ticks = np.arange(math.ceil(low / step) * step, high + step * 1e-9, step)
        if len(ticks) < 2:
            return True                               # a lone label meets no other
        widest = max(map(metrics.horizontalAdvance, axis.tickStrings(list(ticks), 1.0, step)))
        return step * per_unit >= widest + metrics.horizontalAdvance(" ")

    def spacing(low, high, size):
        levels = plain(low, high, size)
        if not levels or high <= low:
            return levels
        metrics = QFontMetricsF(axis.style.get("tickFont") or axis.font())
        per_unit = size / (high - low)
        major = levels[0][0]
        if vertical:
            for factor in (1, 2, 5, 10, 20, 50, 100):
                if major * factor * per_unit >= 1.2 * metrics.height():
                    break
            major *= factor
        else:
            decade = 10.0 ** math.floor(math.log10(major))
            steps = [d * decade * 10 ** k for k in range(5) for d in (1, 2, 5)]
            major = next((step for step in steps if step >= major * (1 - 1e-9)
                          and labels_fit(low, high, step, per_unit, metrics)), steps[-1])
        return [(major, 0)] + [level for level in levels[1:] if level[0] < major]

    axis.tickSpacing = spacing
    axis.fits_its_labels = True


def compact_thousands(axis: pg.AxisItem) -> None:
    """Tick labels in thousands ("2k", "10k", "1.5M") once ticks are 1,000 apart or reach
    10,000: a narrow plot's epoch axis printed "200040006000" where the labels met."""
    plain = axis.tickStrings

    def strings(values, scale, spacing):
        # Ticks closer than 100 stay whole numbers: "1M" would repeat for 1,000,000…1,000,050.
        if spacing < 100 or spacing < 1000 and max((abs(v) for v in values), default=0) < 10_000:
            return plain(values, scale, spacing)
        return ["0" if v == 0 else f"{v / 1e6:g}M" if abs(v) >= 1e6 else f"{v / 1e3:g}k"
                for v in values]

    axis.tickStrings = strings
    axis.picture = None
    axis.update()


def plain_axes(plot: pg.PlotItem) -> None:
    """A history plot's axes: plain numbers, the vertical one's labels spaced to fit, the
    epochs in thousands when they are many."""
    for name in ("left", "bottom"):
        no_si_prefix(plot.getAxis(name))
    fitting_ticks(plot.getAxis("left"))
    compact_thousands(plot.getAxis("bottom"))
    fitting_ticks(plot.getAxis("bottom"))


def apply_appearance(window, theme: Theme, scale: float = 1.0) -> None:
    """The theme and scale to the app's font and palette and to every view of ``window``."""
    app = QApplication.instance()
    font = QFont(app.font())
    font.setPointSizeF(base_point_size() * scale)
    set_widget_scale(scale)
    app.setFont(font)
    app.setPalette(palette_for(theme))

    line = 1.0 if scale <= 1.0 else max(2.0, scale)
    window.network_view.theme = theme
    window.network_view.font_scale = scale
    window.network_view.line_scale = line
    window.network_view.relayout()
    window.boundary.set_theme(theme, scale)
    window.predictions.set_theme(theme, scale)
    window.loss_plot.set_theme(theme, line)
    window.step_inspector.theme = theme
    for item, widget in window.presentation.plots():
        style_plot(item, widget, theme, scale)
