"""Data panel: dataset, noise, samples, test and validation shares, classes, seed, and input
features; and
the ways to bring your own data (import a CSV, draw points) and to take it out (export CSV)."""
from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QGridLayout, QGroupBox,
                               QHBoxLayout, QPushButton, QVBoxLayout, QWidget)

from backprop_lab.engine import datasets
from backprop_lab.engine.data.datasets import GENERATORS
from backprop_lab.engine.data.features import FEATURES

from ..model.config import CUSTOM
from ..model.settings import SETTINGS
from ..session.controller import SessionController
from .setting_fields import SettingDoubleSpinBox, SettingSpinBox

DATASET_TITLES = {
    "xor": "XOR (4 points)", "and": "AND (4 points)", "or": "OR (4 points)",
    "xor_clouds": "XOR clouds", "circles": "Circles", "moons": "Moons",
    "gaussians": "Gaussian blobs", "spiral": "Spiral", "paraboloid": "Regression: x₁² + x₂²",
    "plane": "Regression: x₁ + x₂", "digits": "Handwritten digits (8×8)",
}
#: Fields that only generated data has (imported or drawn data keeps its points).
GENERATED_ONLY = ("noise", "samples", "classes")


class DataPanel(QWidget):
    importRequested = Signal()
    exportRequested = Signal()
    drawRequested = Signal()

    def __init__(self, controller: SessionController, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.dataset = QComboBox()
        for name in datasets.NAMES:
            self.dataset.addItem(DATASET_TITLES.get(name, name), name)
            self.dataset.setItemData(self.dataset.count() - 1, datasets.describe(name),
                                     Qt.ItemDataRole.ToolTipRole)
        self.dataset.currentIndexChanged.connect(self._dataset_chosen)
        self.noise = SettingDoubleSpinBox(SETTINGS["noise"], decimals=2)
        self.samples = SettingSpinBox(SETTINGS["n_samples"])
        self.test = SettingSpinBox(SETTINGS["test_fraction"], low=0, high=90,
                                   to_setting=lambda v: v / 100)
        self.test.setSuffix(" %")
        self.test.setSingleStep(5)
        self.validation = SettingSpinBox(SETTINGS["validation_fraction"], low=0, high=90,
                                         to_setting=lambda v: v / 100)
        self.validation.setSuffix(" %")
        self.validation.setSingleStep(5)
        self.validation.setSpecialValueText("none")
        self.classes = SettingSpinBox(SETTINGS["n_classes"])
        self.seed = SettingSpinBox(SETTINGS["data_seed"])
        for field in (self.noise, self.samples, self.test, self.validation, self.classes,
                      self.seed):
            field.refused.connect(controller.error)
        self.regenerate = QPushButton("Regenerate")
        self.regenerate.setToolTip("Draw a new sample of the same dataset (next data seed)")
        self.regenerate.clicked.connect(
            lambda: controller.apply(data_seed=controller.config.data_seed + 1))
        for spin, field in ((self.noise, "noise"), (self.samples, "n_samples"),
                            (self.classes, "n_classes"), (self.seed, "data_seed")):
            spin.valueChanged.connect(lambda v, f=field: controller.apply(**{f: v}))
        self.test.valueChanged.connect(lambda v: controller.apply(test_fraction=v / 100))
        self.validation.valueChanged.connect(
            lambda v: controller.apply(validation_fraction=v / 100))

        data_box = QGroupBox("Data")
        form = QFormLayout(data_box)
        form.addRow("Dataset", self.dataset)
        form.addRow("Noise", self.noise)
        form.addRow("Samples", self.samples)
        form.addRow("Test set", self.test)
        form.addRow("Validation", self.validation)
        form.addRow("Classes", self.classes)
        form.addRow("Data seed", self.seed)
        form.addRow(self.regenerate)
        self.import_button = QPushButton("Import CSV…")
        self.import_button.setToolTip("Train on your own data from a CSV file (Ctrl+I)")
        self.import_button.clicked.connect(self.importRequested)
        self.draw_button = QPushButton("Draw…")
        self.draw_button.setToolTip("Start a blank canvas and click points onto the output plot")
        self.draw_button.clicked.connect(self.drawRequested)
        self.export_button = QPushButton("Export CSV…")
        self.export_button.setToolTip("Save the current data (training, test, then validation "
                                      "rows) as CSV")
        self.export_button.clicked.connect(self.exportRequested)
        own = QHBoxLayout()
        own.setSpacing(4)
        for button in (self.import_button, self.draw_button, self.export_button):
            own.addWidget(button)
        form.addRow(own)

        feature_box = QGroupBox("Input features")
        grid = QGridLayout(feature_box)
        self.feature_boxes: dict[str, QCheckBox] = {}
        for k, (name, feature) in enumerate(FEATURES.items()):
            box = QCheckBox(feature.label)
            box.setToolTip(f"Feed {feature.label} to the network as an input")
            box.toggled.connect(self._features_toggled)
            grid.addWidget(box, k // 2, k % 2)
            self.feature_boxes[name] = box

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(data_box)
        layout.addWidget(feature_box)
        controller.configChanged.connect(self.refresh)
        controller.rebuilt.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        c = self.controller.config
        widgets = [self.dataset, self.noise, self.samples, self.test, self.validation,
                   self.classes, self.seed,
                   *self.feature_boxes.values()]
        blockers = [QSignalBlocker(w) for w in widgets]
        self._sync_custom_item()
        self.dataset.setCurrentIndex(self.dataset.findData(c.dataset))
        self.noise.setValue(c.noise)
        self.samples.setValue(c.n_samples)
        self.test.setValue(round(c.test_fraction * 100))
        self.validation.setValue(round(c.validation_fraction * 100))
        lo, hi = (c.n_classes, c.n_classes) if c.is_custom else GENERATORS[c.dataset].classes
        self.classes.set_limits(lo, hi)
        if not c.is_custom:
            self.samples.set_limits(SETTINGS["n_samples"].low,
                                    min(SETTINGS["n_samples"].high, GENERATORS[c.dataset].max_samples))
        self.classes.setValue(c.n_classes)
        self.classes.setEnabled(hi > lo)
        self.seed.setValue(c.data_seed)
        for widget in (self.noise, self.samples):
            widget.setEnabled(not c.is_custom)
            widget.setToolTip("Imported or drawn data keeps its own points" if c.is_custom
                              else "")
        self.regenerate.setText("New split" if c.is_custom else "Regenerate")
        self.regenerate.setToolTip("Shuffle a new train/test split of your data (next data seed)"
                                   if c.is_custom else
                                   "Draw a new sample of the same dataset (next data seed)")
        planar = self.controller.session.data.is_planar
        for name, box in self.feature_boxes.items():
            box.setChecked(name in c.features)
            box.setEnabled(planar)
        del blockers

    def _sync_custom_item(self) -> None:
        """The dataset list offers the imported or drawn data while there is some."""
        data = self.controller.custom_data
        k = self.dataset.findData(CUSTOM)
        if data is None:
            if k >= 0:
                self.dataset.removeItem(k)
            return
        title = f"Your data: {data.name}"
        if k < 0:
            self.dataset.addItem(title, CUSTOM)
            k = self.dataset.count() - 1
        self.dataset.setItemText(k, title)
        self.dataset.setItemData(k, f"{len(data.y_train) + len(data.y_test)} samples, "
                                    f"{data.n_inputs} input(s), {data.task}",
                                 Qt.ItemDataRole.ToolTipRole)

    def _dataset_chosen(self, index: int) -> None:
        name = self.dataset.itemData(index)
        if name == CUSTOM:
            data = self.controller.custom_data
            if data is not None:
                self.controller.use_data(data)
            return
        g = GENERATORS[name]
        self.controller.apply(dataset=name, n_samples=g.n_samples, noise=g.noise,
                              test_fraction=g.test_fraction, n_classes=g.classes[0])

    def _features_toggled(self) -> None:
        chosen = tuple(n for n, box in self.feature_boxes.items() if box.isChecked())
        if not chosen:
            self.controller.error.emit("Keep at least one input feature.")
            self.refresh()
            return
        self.controller.apply(features=chosen)
