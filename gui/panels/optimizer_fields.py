"""The optimizer's own settings (momentum's β and Nesterov, Adam's β₁, β₂, ε, RMSprop's ρ, ε),
gradient clipping and the learning-rate schedule: rows of the training panel that show only
what the chosen optimizer and schedule use.  Each field is bound to its declared setting."""
from __future__ import annotations

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLabel, QLineEdit

from ..model.config import OPTIMIZER_FIELDS
from ..model.settings import SETTINGS
from ..session.controller import SessionController
from .setting_fields import SettingDoubleSpinBox, SettingSpinBox

SCHEDULE_TITLES = {"constant": "constant", "step": "step: ×γ every k epochs",
                   "exponential": "exponential: ×γ per epoch",
                   "cosine": "cosine: down over T epochs"}
#: The schedule's own fields, by schedule.
SCHEDULE_FIELDS = {"constant": (), "step": ("schedule_step", "schedule_gamma"),
                   "exponential": ("schedule_gamma",), "cosine": ("schedule_epochs",)}
LABELS = {"beta": "β (momentum)", "nesterov": "", "beta1": "β₁", "beta2": "β₂", "eps": "ε",
          "rho": "ρ", "clip_norm": "Clip ‖g‖ at", "schedule": "Schedule",
          "schedule_step": "every k epochs", "schedule_gamma": "γ", "schedule_epochs": "T epochs"}


class NumberField(QLineEdit):
    """A number typed as text (ε = 1e-8 reads better so than in a spin box); Enter or leaving
    the field sends it to the setting's check."""

    def __init__(self, name: str, controller: SessionController):
        super().__init__()
        self.name = name
        self.setToolTip(SETTINGS[name].tip)
        self.editingFinished.connect(
            lambda: self.text().strip() != f"{getattr(controller.config, name):g}"
            and controller.apply(**{name: self.text().strip()}))

    def show_value(self, value: float) -> None:
        self.setText(f"{value:g}")


class OptimizerFields:
    """Adds its rows to ``form`` and keeps them in step with the controller's config."""

    def __init__(self, form: QFormLayout, controller: SessionController):
        self.controller = controller
        self.form = form
        self.fields: dict[str, object] = {}
        for name in ("beta", "beta1", "beta2", "rho"):
            field = SettingDoubleSpinBox(SETTINGS[name], decimals=4)
            field.valueChanged.connect(lambda v, n=name: controller.apply(**{n: v}))
            field.refused.connect(controller.error)
            self.fields[name] = field
        self.fields["eps"] = NumberField("eps", controller)
        nesterov = QCheckBox("Nesterov (look ahead)")
        nesterov.setToolTip(SETTINGS["nesterov"].tip)
        nesterov.toggled.connect(lambda on: controller.apply(nesterov=on))
        self.fields["nesterov"] = nesterov
        clip = SettingDoubleSpinBox(SETTINGS["clip_norm"], decimals=2)
        clip.setSpecialValueText("off")
        clip.valueChanged.connect(lambda v: controller.apply(clip_norm=v))
        clip.refused.connect(controller.error)
        self.fields["clip_norm"] = clip
        schedule = QComboBox()
        for name, title in SCHEDULE_TITLES.items():
            schedule.addItem(title, name)
        schedule.setToolTip(SETTINGS["schedule"].tip)
        schedule.currentIndexChanged.connect(
            lambda i: controller.apply(schedule=schedule.itemData(i)))
        self.fields["schedule"] = schedule
        for name in ("schedule_step", "schedule_epochs"):
            field = SettingSpinBox(SETTINGS[name])
            field.valueChanged.connect(lambda v, n=name: controller.apply(**{n: v}))
            field.refused.connect(controller.error)
            self.fields[name] = field
        gamma = SettingDoubleSpinBox(SETTINGS["schedule_gamma"], decimals=3)
        gamma.valueChanged.connect(lambda v: controller.apply(schedule_gamma=v))
        gamma.refused.connect(controller.error)
        self.fields["schedule_gamma"] = gamma
        self.labels = {}
        for name, field in self.fields.items():
            label = QLabel(LABELS[name])
            label.setBuddy(field)
            field.setAccessibleName(LABELS[name] or "Nesterov momentum")
            self.labels[name] = label
            form.addRow(label, field)

    def refresh(self) -> None:
        c = self.controller.config
        shown = {*OPTIMIZER_FIELDS.get(c.optimizer, ()), "clip_norm", "schedule",
                 *SCHEDULE_FIELDS.get(c.schedule, ())}
        blockers = [QSignalBlocker(f) for f in self.fields.values()]
        for name, field in self.fields.items():
            value = getattr(c, name)
            if name == "nesterov":
                field.setChecked(bool(value))
            elif name == "schedule":
                field.setCurrentIndex(field.findData(value))
            elif name == "eps":
                field.show_value(value)
            else:
                field.setValue(value)
            field.setVisible(name in shown)
            self.labels[name].setVisible(name in shown)
        del blockers
