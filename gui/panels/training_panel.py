"""Training panel: loss, optimizer, learning rate, batch size, L1/L2 regularization, the
optimizer's own settings, dropout, early stopping and the stop rules.

These apply to the running session from its next step.  Every field is bound to its declared
setting: what is typed goes to the controller, whose config checks it and says the limit
when it is out of range; the field then shows the current value again.
"""
from __future__ import annotations

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox

from backprop_lab.engine.nn.optimizers import OPTIMIZERS

from ..model.settings import SETTINGS
from ..session.controller import SessionController
from .optimizer_fields import OptimizerFields
from .setting_fields import SettingDoubleSpinBox, SettingSpinBox
from .stopping_fields import StoppingFields

LEARNING_RATES = ("0.00001", "0.0001", "0.001", "0.003", "0.01", "0.03", "0.1", "0.3", "1",
                  "3", "10")
LOSS_TITLES = {"bce": "binary cross-entropy", "mse": "mean squared error",
               "cross_entropy": "softmax cross-entropy"}


class TrainingPanel(QGroupBox):
    def __init__(self, controller: SessionController, parent=None):
        super().__init__("Training", parent)
        self.controller = controller
        self.loss = QComboBox()
        self.loss.currentIndexChanged.connect(self._loss_chosen)
        self.optimizer = QComboBox()
        for name in OPTIMIZERS:
            self.optimizer.addItem(name, name)
        self.optimizer.currentIndexChanged.connect(
            lambda i: controller.apply(optimizer=self.optimizer.itemData(i)))
        self.learning_rate = QComboBox()
        self.learning_rate.setEditable(True)
        self.learning_rate.addItems(LEARNING_RATES)
        # No validator (it would drop "e" and "-"); typed text is checked on Enter instead.
        self.learning_rate.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.learning_rate.setCompleter(None)
        self.learning_rate.setToolTip(SETTINGS["learning_rate"].tip)
        self.learning_rate.lineEdit().editingFinished.connect(self._rate_typed)
        self.learning_rate.activated.connect(lambda _i: self._rate_typed())
        self.batch = SettingSpinBox(SETTINGS["batch_size"], low=0)
        self.batch.setSpecialValueText("full batch")
        self.batch.valueChanged.connect(lambda v: controller.apply(batch_size=v or None))
        self.l1 = SettingDoubleSpinBox(SETTINGS["l1"])
        self.l1.valueChanged.connect(lambda v: controller.apply(l1=v))
        self.l2 = SettingDoubleSpinBox(SETTINGS["l2"])
        self.l2.valueChanged.connect(lambda v: controller.apply(l2=v))
        for field in (self.batch, self.l1, self.l2):
            field.refused.connect(controller.error)

        form = QFormLayout(self)
        form.addRow("Loss", self.loss)
        form.addRow("Optimizer", self.optimizer)
        form.addRow("Learning rate", self.learning_rate)
        form.addRow("Batch size", self.batch)
        form.addRow("L1", self.l1)
        form.addRow("L2", self.l2)
        self.more = OptimizerFields(form, controller)
        self.stopping = StoppingFields(form, controller)
        controller.configChanged.connect(self.refresh)
        controller.rebuilt.connect(self.refresh)
        self.refresh()

    def _loss_chosen(self, index: int) -> None:
        name = self.loss.itemData(index)
        if name:
            self.controller.apply(loss=name)

    def _rate_typed(self) -> None:
        """The typed text as it is: the learning rate's declaration checks it."""
        text = self.learning_rate.currentText().strip()
        if text == f"{self.controller.config.learning_rate:g}":
            return
        self.controller.apply(learning_rate=text)

    def refresh(self) -> None:
        c = self.controller.config
        widgets = (self.loss, self.optimizer, self.learning_rate, self.batch, self.l1, self.l2)
        blockers = [QSignalBlocker(w) for w in widgets]
        self.loss.clear()
        for name in c.losses():
            self.loss.addItem(LOSS_TITLES[name], name)
        self.loss.setCurrentIndex(self.loss.findData(c.loss))
        self.loss.setEnabled(self.loss.count() > 1)
        self.optimizer.setCurrentIndex(self.optimizer.findData(c.optimizer))
        self.learning_rate.setCurrentText(f"{c.learning_rate:g}")
        self.batch.set_limits(0, max(self.controller.session.n_train, 1))
        self.batch.setValue(c.batch_size or 0)
        self.l1.setValue(c.l1)
        self.l2.setValue(c.l2)
        del blockers
        self.more.refresh()
        self.stopping.refresh()
