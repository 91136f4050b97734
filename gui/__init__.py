"""Backprop Lab's window (PySide6 + pyqtgraph).  No training math lives here: the views read
a :class:`backprop_lab.engine.TrainingSession` and draw it.

* ``model/``    Qt-free: the settings (declared once, with their limits), lessons, pinned runs
* ``session/``  the Qt adapter of the engine's session: controller, training loop, phase stepper
* ``window/``   the main window (layout and wiring), its view state, renderer and actions
* ``actions/``  the menus, declared as data, one module per menu
* ``panels/``   the data, architecture and training panels and the transport bar
* ``views/``    what is drawn: graph, output plot, loss plot, inspectors, timeline
* ``dialogs/``  CSV import, gradient check, start screen, shortcuts overlay
* ``style/``    themes, colors, fonts and pyqtgraph's configuration

This package's ``__init__`` imports no Qt, so ``model/`` works without PySide6.
"""
