"""Every setting of the panels, declared once with its limits: the only validator.

A :class:`Setting` knows its label, its limits and what a change of it needs (new data, a
new network, or nothing but the next step).  :meth:`Setting.check` turns a value the user
gave into the setting's type or raises ValueError with a sentence naming the limit — never a
silent replacement.  The panels take their ranges, steps and tooltips from here and send what
the user typed to :meth:`~backprop_lab.gui.model.config.Config.changed`, which checks it here.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from backprop_lab.engine.data.features import FEATURES
from backprop_lab.engine.nn.activations import HIDDEN_ACTIVATIONS
from backprop_lab.engine.nn.initializers import INITIALIZERS
from backprop_lab.engine.nn.optimizers import OPTIMIZERS

MAX_HIDDEN_LAYERS = 8
MAX_UNITS = 128
MAX_CLASSES = 10
MAX_SEED = 2**31 - 1

DATA, ARCHITECTURE, TRAINING = "data", "architecture", "training"


@dataclass(frozen=True)
class Setting:
    name: str
    label: str                        # as a sentence starts: "The learning rate"
    applies: str                      # DATA, ARCHITECTURE or TRAINING
    kind: str     # "int", "float", "bool", "choice", "choices" (one per layer), "units",
    #               "features", "batch"
    low: float | None = None          # inclusive limits of numbers (and of unit counts)
    high: float | None = None
    choices: Callable[[], tuple] | None = None
    step: float = 1.0
    tip: str = ""

    def limits_text(self) -> str:
        if self.kind in ("int", "units", "batch"):
            return f"a whole number from {int(self.low)} to {int(self.high)}"
        return f"a number from {self.low:g} to {self.high:g}"

    def check(self, value):
        """``value`` as this setting's type; ValueError naming the limit when it is outside."""
        if self.kind == "choice":
            choices = self.choices()
            if value not in choices:
                raise ValueError(f"{self.label} must be one of {', '.join(map(str, choices))}, "
                                 f"not {value!r}.")
            return value
        if self.kind == "choices":
            values = list(value)
            for v in values:
                self.__class__.check(Setting(self.name, self.label, self.applies, "choice",
                                             choices=self.choices), v)
            return values
        if self.kind == "features":
            names = tuple(value)
            unknown = [n for n in names if n not in FEATURES]
            if unknown or not names:
                raise ValueError("Keep at least one input feature." if not names else
                                 f"Unknown input feature {unknown[0]!r}.")
            return names
        if self.kind == "units":
            units = [self._number(u, whole=True) for u in value]
            if len(units) > MAX_HIDDEN_LAYERS:
                raise ValueError(f"A network has at most {MAX_HIDDEN_LAYERS} hidden layers.")
            bad = [u for u in units if not self.low <= u <= self.high]
            if bad:
                raise ValueError(f"A layer has {self.low:g} to {self.high:g} units, "
                                 f"not {bad[0]:g}.")
            return [int(u) for u in units]
        if self.kind == "bool":
            if isinstance(value, str) and value.strip().lower() in ("true", "on", "yes", "1",
                                                                    "false", "off", "no", "0"):
                return value.strip().lower() in ("true", "on", "yes", "1")
            if isinstance(value, bool):
                return value
            raise ValueError(f"{self.label} must be on or off, not {value!r}.")
        if self.kind == "batch" and value in (None, 0):
            return None
        number = self._number(value, whole=self.kind in ("int", "batch"))
        if not self.low <= number <= self.high:
            raise ValueError(f"{self.label} must be {self.limits_text()}, not {value!r}.")
        return int(number) if self.kind in ("int", "batch") else float(number)

    def _number(self, value, whole: bool) -> float:
        try:
            number = float(str(value).strip().replace(",", ".")) if isinstance(value, str) \
                else float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{self.label} must be {self.limits_text()}, not {value!r}.") \
                from None
        if not math.isfinite(number) or (whole and not number.is_integer()):
            raise ValueError(f"{self.label} must be {self.limits_text()}, not {value!r}.")
        return number


def _outputs() -> tuple:
    from backprop_lab.engine.nn.activations import FORWARD_ONLY_ACTIVATIONS, OUTPUT_ACTIVATIONS
    return ("", *OUTPUT_ACTIVATIONS, *FORWARD_ONLY_ACTIVATIONS)


def _schedules() -> tuple:
    from backprop_lab.engine.training.schedules import SCHEDULES
    return tuple(SCHEDULES)


def _datasets() -> tuple:
    from backprop_lab.engine.data.datasets import NAMES
    from .config import CUSTOM
    return (*NAMES, CUSTOM)


SETTINGS: dict[str, Setting] = {s.name: s for s in (
    # data
    Setting("dataset", "The dataset", DATA, "choice", choices=_datasets),
    Setting("n_samples", "The number of samples", DATA, "int", 4, 100_000, step=10,
            tip="How many points to generate (train and test together)"),
    Setting("noise", "The noise", DATA, "float", 0.0, 10.0, step=0.05,
            tip="Standard deviation of the Gaussian noise added to the points "
                "(to the targets, for regression)"),
    Setting("test_fraction", "The test share", DATA, "float", 0.0, 0.9, step=0.05,
            tip="Share of the samples held out as the test set"),
    Setting("validation_fraction", "The validation share", DATA, "float", 0.0, 0.9, step=0.05,
            tip="Share of the samples kept apart as the validation set: what early stopping "
                "watches, so the test set stays unseen"),
    Setting("data_seed", "The data seed", DATA, "int", 0, MAX_SEED,
            tip="Seed of the generated points and of the train/test split"),
    Setting("n_classes", "The number of classes", DATA, "int", 2, MAX_CLASSES),
    # architecture
    Setting("features", "The input features", ARCHITECTURE, "features"),
    Setting("hidden", "The hidden layers", ARCHITECTURE, "units", 1, MAX_UNITS),
    Setting("activations", "A hidden layer's activation", ARCHITECTURE, "choices",
            choices=lambda: HIDDEN_ACTIVATIONS),
    Setting("init", "The initializer", ARCHITECTURE, "choice", choices=lambda: tuple(INITIALIZERS)),
    Setting("seed", "The weight seed", ARCHITECTURE, "int", 0, MAX_SEED,
            tip="Seed of the random initial weights (and of the mini-batch order)"),
    Setting("loss", "The loss", ARCHITECTURE, "choice",
            choices=lambda: ("bce", "mse", "cross_entropy")),
    Setting("output", "The output activation", ARCHITECTURE, "choice", choices=_outputs,
            tip="The output layer's activation; empty: the one the task and loss imply"),
    # training: applies from the next step
    Setting("optimizer", "The optimizer", TRAINING, "choice", choices=lambda: tuple(OPTIMIZERS)),
    Setting("learning_rate", "The learning rate", TRAINING, "float", 1e-8, 100.0,
            tip="Step size η (pick or type a number from 1e-8 to 100)"),
    Setting("batch_size", "The batch size", TRAINING, "batch", 1, 100_000,
            tip="Samples per step; 'full batch' uses the whole training set"),
    Setting("l1", "The L1 penalty", TRAINING, "float", 0.0, 10.0, step=0.001,
            tip="L1 penalty λ₁·Σ|W| (weights only)"),
    Setting("l2", "The L2 penalty", TRAINING, "float", 0.0, 10.0, step=0.001,
            tip="L2 penalty (λ₂/2)·ΣW² (weights only)"),
    Setting("beta", "Momentum's β", TRAINING, "float", 0.0, 0.9999, step=0.05,
            tip="v ← β·v + g;  θ ← θ − η·v  (PyTorch's SGD momentum)"),
    Setting("nesterov", "Nesterov momentum", TRAINING, "bool",
            tip="Look ahead: the step uses g + β·v"),
    Setting("beta1", "Adam's β₁", TRAINING, "float", 0.0, 0.9999, step=0.01,
            tip="Decay of Adam's running mean of the gradients"),
    Setting("beta2", "Adam's β₂", TRAINING, "float", 0.0, 0.999999, step=0.001,
            tip="Decay of Adam's running mean of the squared gradients"),
    Setting("eps", "ε", TRAINING, "float", 1e-12, 0.1, step=1e-8,
            tip="Keeps Adam's and RMSprop's division away from zero"),
    Setting("rho", "RMSprop's ρ", TRAINING, "float", 0.0, 0.9999, step=0.01,
            tip="Decay of RMSprop's running mean of the squared gradients"),
    Setting("clip_norm", "The gradient clipping norm", TRAINING, "float", 0.0, 1e6, step=0.5,
            tip="Scale the whole gradient down to this norm when it is longer; 0: off"),
    Setting("schedule", "The learning-rate schedule", TRAINING, "choice", choices=_schedules,
            tip="constant, step (×γ every k epochs), exponential (×γ per epoch), cosine"),
    Setting("schedule_step", "The schedule's step", TRAINING, "int", 1, 100_000, step=10,
            tip="Epochs between two ×γ of the step schedule"),
    Setting("schedule_gamma", "The schedule's γ", TRAINING, "float", 1e-6, 1.0, step=0.05,
            tip="Factor of the step and exponential schedules"),
    Setting("schedule_epochs", "The schedule's length", TRAINING, "int", 1, 1_000_000, step=50,
            tip="Epochs over which the cosine schedule comes down"),
    Setting("dropout", "The dropout rate", TRAINING, "float", 0.0, 0.95, step=0.05,
            tip="While training, each hidden unit's output is dropped with probability p "
                "(the rest scaled by 1/(1 − p)); evaluation and the plots never drop units; "
                "0: off"),
    Setting("early_stopping", "Early stopping", TRAINING, "bool",
            tip="Stop when the validation loss (the test loss without a validation set) has "
                "not fallen for 'patience' epochs"),
    Setting("patience", "The patience", TRAINING, "int", 1, 100_000, step=5,
            tip="Epochs without a lower watched loss before early stopping stops training"),
    Setting("restore_best", "Restore best weights", TRAINING, "bool",
            tip="When early stopping stops, bring back the epoch of the lowest watched loss"),
    Setting("stop_epoch", "The epoch to stop at", TRAINING, "int", 0, 100_000_000, step=50,
            tip="Pause when training reaches this epoch; 0: off"),
    Setting("stop_loss", "The target loss", TRAINING, "float", 0.0, 1e6, step=0.01,
            tip="Pause when the training loss falls to this value or below; 0: off"),
    Setting("stop_metric", "The target accuracy or R²", TRAINING, "float", 0.0, 1.0,
            step=0.01,
            tip="Pause when the training accuracy (R² for a regression) rises to this value "
                "or above; 0: off"),
)}

DATA_FIELDS = tuple(n for n, s in SETTINGS.items() if s.applies == DATA)
ARCHITECTURE_FIELDS = tuple(n for n, s in SETTINGS.items() if s.applies == ARCHITECTURE)
TRAINING_FIELDS = tuple(n for n, s in SETTINGS.items() if s.applies == TRAINING)
