"""Backprop Lab's window (PySide6 + pyqtgraph).  No training math lives here: the views read
an :class:`backprop_lab.engine.TrainingSession` and draw it."""
import pyqtgraph as pg

# Images are (rows = x₂, columns = x₁), row-major like NumPy; antialiased curves.
pg.setConfigOptions(imageAxisOrder="row-major", antialias=True, background="w", foreground="k")
