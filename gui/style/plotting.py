"""pyqtgraph, configured once for the whole app: images are (rows = x₂, columns = x₁),
row-major like NumPy; curves are antialiased.  Views import ``pg`` from here."""
import pyqtgraph as pg

pg.setConfigOptions(imageAxisOrder="row-major", antialias=True, background="w", foreground="k")

__all__ = ["pg"]
