"""Architecture panel: hidden layers (0 to 8), units and activation per layer, init and seed."""
from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (QComboBox, QFormLayout, QGridLayout, QGroupBox, QHBoxLayout,
                               QLabel, QPushButton, QVBoxLayout)

from backprop_lab.engine.nn.activations import HIDDEN_ACTIVATIONS
from backprop_lab.engine.nn.initializers import INITIALIZERS

from ..model.settings import MAX_HIDDEN_LAYERS, MAX_UNITS, SETTINGS
from ..session.controller import SessionController
from .setting_fields import SettingSpinBox


class ArchitecturePanel(QGroupBox):
    def __init__(self, controller: SessionController, parent=None):
        super().__init__("Architecture", parent)
        self.controller = controller
        self.count = QLabel()
        self.remove_layer = QPushButton("−")
        self.remove_layer.setToolTip("Remove the last hidden layer")
        self.remove_layer.setFixedWidth(32)
        self.remove_layer.clicked.connect(lambda: self.change_layers(-1))
        self.add_layer = QPushButton("+")
        self.add_layer.setToolTip("Add a hidden layer")
        self.add_layer.setFixedWidth(32)
        self.add_layer.clicked.connect(lambda: self.change_layers(+1))
        top = QHBoxLayout()
        top.addWidget(self.count, 1)
        top.addWidget(self.remove_layer)
        top.addWidget(self.add_layer)

        self.rows = QGridLayout()
        self.unit_spins: list[SettingSpinBox] = []
        self.activation_boxes: list[QComboBox] = []

        self.init = QComboBox()
        for name, init in INITIALIZERS.items():
            self.init.addItem(name, name)
            self.init.setItemData(self.init.count() - 1, init.description,
                                  Qt.ItemDataRole.ToolTipRole)
        self.init.currentIndexChanged.connect(
            lambda i: controller.apply(init=self.init.itemData(i)))
        self.seed = SettingSpinBox(SETTINGS["seed"])
        self.seed.refused.connect(controller.error)
        self.seed.valueChanged.connect(lambda v: controller.apply(seed=v))
        form = QFormLayout()
        form.addRow("Initializer", self.init)
        form.addRow("Weight seed", self.seed)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(self.rows)
        layout.addLayout(form)
        controller.configChanged.connect(self.refresh)
        controller.rebuilt.connect(self.refresh)
        self.refresh()

    def change_layers(self, delta: int) -> None:
        c = self.controller.config
        hidden, acts = list(c.hidden), list(c.activations)
        if delta > 0 and len(hidden) < MAX_HIDDEN_LAYERS:
            hidden.append(hidden[-1] if hidden else 4)
            acts.append(acts[-1] if acts else "tanh")
        elif delta < 0 and hidden:
            hidden.pop()
            acts.pop()
        else:
            limit = "no hidden layer left" if delta < 0 else f"at most {MAX_HIDDEN_LAYERS} layers"
            self.controller.error.emit(f"Cannot change the layers: {limit}.")
            return
        self.controller.apply(hidden=hidden, activations=acts)

    def change_units(self, layer: int, delta: int) -> None:
        hidden = list(self.controller.config.hidden)
        hidden[layer] += delta
        self.controller.apply(hidden=hidden)          # the setting says the limit

    def refresh(self) -> None:
        c = self.controller.config
        n = len(c.hidden)
        self.count.setText(f"{n} hidden layer{'s' if n != 1 else ''}")
        self.remove_layer.setEnabled(n > 0)
        self.add_layer.setEnabled(n < MAX_HIDDEN_LAYERS)
        while len(self.unit_spins) < n:
            self._add_row(len(self.unit_spins))
        for k, (spin, box) in enumerate(zip(self.unit_spins, self.activation_boxes)):
            visible = k < n
            spin.setVisible(visible)
            box.setVisible(visible)
            self.rows.itemAtPosition(k, 0).widget().setVisible(visible)
            if visible:
                with _blocked(spin, box):
                    spin.setValue(c.hidden[k])
                    box.setCurrentIndex(box.findData(c.activations[k]))
        with _blocked(self.init, self.seed):
            self.init.setCurrentIndex(self.init.findData(c.init))
            self.seed.setValue(c.seed)

    def _add_row(self, k: int) -> None:
        spin = SettingSpinBox(SETTINGS["hidden"])
        spin.setSuffix(" units")
        spin.setToolTip(f"Units of hidden layer {k + 1} (1 to {MAX_UNITS})")
        spin.refused.connect(self.controller.error)
        spin.valueChanged.connect(lambda v, k=k: self._units_set(k, v))
        box = QComboBox()
        for name in HIDDEN_ACTIVATIONS:
            box.addItem(name, name)
        box.currentIndexChanged.connect(lambda i, k=k, box=box: self._activation_set(k, box.itemData(i)))
        self.rows.addWidget(QLabel(f"Layer {k + 1}"), k, 0)
        self.rows.addWidget(spin, k, 1)
        self.rows.addWidget(box, k, 2)
        self.unit_spins.append(spin)
        self.activation_boxes.append(box)

    def _units_set(self, k: int, value: int) -> None:
        hidden = list(self.controller.config.hidden)
        hidden[k] = value
        self.controller.apply(hidden=hidden)

    def _activation_set(self, k: int, name: str) -> None:
        acts = list(self.controller.config.activations)
        acts[k] = name
        self.controller.apply(activations=acts)


class _blocked:
    """Block the signals of several widgets while the model writes into them."""

    def __init__(self, *widgets):
        self.widgets = widgets

    def __enter__(self):
        self.blockers = [QSignalBlocker(w) for w in self.widgets]

    def __exit__(self, *exc):
        for b in self.blockers:
            b.unblock()
