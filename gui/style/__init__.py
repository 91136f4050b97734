"""Themes, colors, fonts and pyqtgraph's configuration."""
