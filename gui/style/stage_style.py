"""The app's widget style with its small parts — check boxes, radio buttons, slider handles,
scroll bars, icons — grown with the type in presentation mode, so that a check box is not a
speck beside 24-pixel text.  At scale 1 it is the platform's style unchanged."""
from __future__ import annotations

from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle

PM = QStyle.PixelMetric
#: The metrics that grow with the scale.
SCALED = (PM.PM_IndicatorWidth, PM.PM_IndicatorHeight, PM.PM_ExclusiveIndicatorWidth,
          PM.PM_ExclusiveIndicatorHeight, PM.PM_SliderThickness, PM.PM_SliderLength,
          PM.PM_SliderControlThickness, PM.PM_ScrollBarExtent, PM.PM_SmallIconSize,
          PM.PM_ButtonIconSize, PM.PM_ToolBarIconSize, PM.PM_FocusFrameHMargin,
          PM.PM_FocusFrameVMargin)


class StageStyle(QProxyStyle):
    def __init__(self, base: str):
        super().__init__(base)
        self.scale = 1.0

    def pixelMetric(self, metric, option=None, widget=None) -> int:
        value = super().pixelMetric(metric, option, widget)
        if self.scale != 1.0 and metric in SCALED:
            return round(value * self.scale)
        return value


def set_widget_scale(scale: float) -> None:
    """Grow the small parts of every widget by ``scale`` (installs :class:`StageStyle` as
    the application's style the first time)."""
    app = QApplication.instance()
    style = app.style()
    if not isinstance(style, StageStyle):
        if scale == 1.0:
            return
        style = StageStyle(style.name())
        app.setStyle(style)
    style.scale = scale
