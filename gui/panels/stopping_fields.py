"""Dropout, early stopping and the stop rules: rows of the training panel, each field bound to
its declared setting (see :mod:`..model.settings`).

Early stopping is a switch with its patience beside it and a "restore best weights" switch
under it (shown while it is on); each stop rule is a number whose 0 reads "off".
"""
from __future__ import annotations

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import QCheckBox, QFormLayout, QHBoxLayout, QLabel, QWidget

from ..model.settings import SETTINGS
from ..session.controller import SessionController
from .setting_fields import SettingDoubleSpinBox, SettingSpinBox


class StoppingFields:
    """Adds its rows to ``form`` and keeps them in step with the controller's config."""

    def __init__(self, form: QFormLayout, controller: SessionController):
        self.controller = controller
        self.dropout = SettingDoubleSpinBox(SETTINGS["dropout"], decimals=2)
        self.dropout.setSpecialValueText("off")
        self.early = QCheckBox("after")
        self.early.setToolTip(SETTINGS["early_stopping"].tip)
        self.early.setAccessibleName("Early stopping")
        self.patience = SettingSpinBox(SETTINGS["patience"])
        self.patience.setSuffix(" epochs")
        self.patience.setAccessibleName("Patience of early stopping")
        self.restore = QCheckBox("Restore best weights")
        self.restore.setToolTip(SETTINGS["restore_best"].tip)
        self.stop_epoch = SettingSpinBox(SETTINGS["stop_epoch"])
        self.stop_loss = SettingDoubleSpinBox(SETTINGS["stop_loss"], decimals=4)
        self.stop_metric = SettingDoubleSpinBox(SETTINGS["stop_metric"], decimals=3)
        for field in (self.stop_epoch, self.stop_loss, self.stop_metric):
            field.setSpecialValueText("off")
        numbers = {"dropout": self.dropout, "patience": self.patience,
                   "stop_epoch": self.stop_epoch, "stop_loss": self.stop_loss,
                   "stop_metric": self.stop_metric}
        for name, field in numbers.items():
            field.valueChanged.connect(lambda v, n=name: controller.apply(**{n: v}))
            field.refused.connect(controller.error)
            field.setAccessibleName(field.accessibleName() or SETTINGS[name].label)
        self.early.toggled.connect(lambda on: controller.apply(early_stopping=on))
        self.restore.toggled.connect(lambda on: controller.apply(restore_best=on))

        early_row = QWidget()
        row = QHBoxLayout(early_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        row.addWidget(self.early)
        row.addWidget(self.patience, 1)
        self.metric_label = QLabel("Stop at accuracy")
        self.metric_label.setBuddy(self.stop_metric)
        form.addRow("Dropout", self.dropout)
        form.addRow("Early stop", early_row)
        form.addRow("", self.restore)
        self.restore_label = form.labelForField(self.restore)
        form.addRow("Stop at epoch", self.stop_epoch)
        form.addRow("Stop at loss", self.stop_loss)
        form.addRow(self.metric_label, self.stop_metric)
        self.fields = (self.dropout, self.early, self.patience, self.restore, self.stop_epoch,
                       self.stop_loss, self.stop_metric)

    def refresh(self) -> None:
        c = self.controller.config
        blockers = [QSignalBlocker(f) for f in self.fields]
        self.dropout.setValue(c.dropout)
        self.early.setChecked(c.early_stopping)
        self.patience.setValue(c.patience)
        self.patience.setEnabled(c.early_stopping)
        self.restore.setChecked(c.restore_best)
        self.restore.setVisible(c.early_stopping)
        if self.restore_label is not None:
            self.restore_label.setVisible(c.early_stopping)
        self.stop_epoch.setValue(c.stop_epoch)
        self.stop_loss.setValue(c.stop_loss)
        self.stop_metric.setValue(c.stop_metric)
        regression = self.controller.session.metric == "r2"
        self.metric_label.setText("Stop at R²" if regression else "Stop at accuracy")
        self.stop_metric.setAccessibleName(self.metric_label.text())
        del blockers
