"""What the user has chosen in the panels: data, features, architecture and training settings.

A :class:`Config` builds a :class:`backprop_lab.engine.TrainingSession`.  A change the user
asks for goes through :meth:`Config.changed`, which checks every value against its
declaration in :mod:`.settings` (the only validator) and refuses what is out of range with a
sentence; choices that follow from others (a loss that fits a new dataset's task) are made
consistent.  :meth:`Config.from_session` describes an open session, whatever settings came
with it.  ``to_dict``/``from_dict`` keep a config in QSettings across launches (versioned,
with unknown or invalid stored entries falling back to defaults so that an old or damaged
settings file never stops the app).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from backprop_lab.engine import Network, TrainingSession, datasets
from backprop_lab.engine.data.datasets import GENERATORS, MULTICLASS, REGRESSION
from backprop_lab.engine.data.features import FEATURES
from backprop_lab.engine.nn.activations import (FORWARD_ONLY_ACTIVATIONS, HIDDEN_ACTIVATIONS,
                                                OUTPUT_ACTIVATIONS)
from backprop_lab.engine.nn.initializers import INITIALIZERS
from backprop_lab.engine.nn.losses import get_loss
from backprop_lab.engine.nn.optimizers import OPTIMIZERS
from backprop_lab.engine.training.schedules import SCHEDULES

from .settings import (ARCHITECTURE_FIELDS, DATA_FIELDS, MAX_CLASSES, MAX_HIDDEN_LAYERS,
                       MAX_UNITS, SETTINGS, TRAINING_FIELDS)

__all__ = ["ARCHITECTURE_FIELDS", "CUSTOM", "Config", "DATA_FIELDS", "MAX_CLASSES",
           "MAX_HIDDEN_LAYERS", "MAX_UNITS", "TRAINING_FIELDS"]

CONFIG_VERSION = 1
#: ``Config.dataset`` for data that was imported or drawn: it lives in the session, not here.
CUSTOM = "custom"
TASKS = ("binary", "multiclass", "regression")
#: The optimizer settings each optimizer takes (Config field = the optimizer's setting name).
OPTIMIZER_FIELDS = {"sgd": (), "momentum": ("beta", "nesterov"), "rmsprop": ("rho", "eps"),
                    "adam": ("beta1", "beta2", "eps")}


@dataclass
class Config:
    dataset: str = "circles"
    n_samples: int = 300
    noise: float = 0.3
    test_fraction: float = 0.3
    #: Share of the samples kept apart as the validation set (0: none).
    validation_fraction: float = 0.0
    data_seed: int = 0
    n_classes: int = 2
    features: tuple[str, ...] = ("x1", "x2")
    hidden: list[int] = field(default_factory=lambda: [4, 2])
    activations: list[str] = field(default_factory=lambda: ["tanh", "tanh"])
    loss: str = "bce"
    init: str = "xavier"
    seed: int = 0
    optimizer: str = "adam"
    learning_rate: float = 0.03
    batch_size: int | None = 10
    l1: float = 0.0
    l2: float = 0.0
    custom_task: str = ""      # the task of CUSTOM data: binary, multiclass or regression
    #: The output activation; "" takes the one the task and loss imply (output_activation()).
    output: str = ""
    #: Optimizer settings: momentum's β and Nesterov switch, Adam's β₁, β₂, ε, RMSprop's ρ.
    beta: float = 0.9
    nesterov: bool = False
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    rho: float = 0.99
    #: Gradient clipping by norm; 0 is off.
    clip_norm: float = 0.0
    #: Learning-rate schedule: constant, step (×γ every k epochs), exponential (×γ per
    #: epoch) or cosine (down to 1 % over T epochs); see engine/training/schedules.py.
    schedule: str = "constant"
    schedule_step: int = 10          # k
    schedule_gamma: float = 0.5      # γ
    schedule_epochs: int = 100       # T
    #: Dropout rate p of every hidden layer while training (0: off).
    dropout: float = 0.0
    #: Early stopping on the validation loss (see engine/training/stopping.py).
    early_stopping: bool = False
    patience: int = 20
    restore_best: bool = True
    #: Stop rules; 0 is off.
    stop_epoch: int = 0
    stop_loss: float = 0.0
    stop_metric: float = 0.0

    # ---------------------------------------------------------------- derived choices
    @property
    def is_custom(self) -> bool:
        return self.dataset == CUSTOM

    @property
    def task(self) -> str:
        if self.is_custom:
            return self.custom_task if self.custom_task in TASKS else "binary"
        task = GENERATORS[self.dataset].task
        return MULTICLASS if task == "binary" and self.n_classes > 2 else task

    def losses(self) -> tuple[str, ...]:
        """The losses that fit this config's task."""
        return {REGRESSION: ("mse",), MULTICLASS: ("cross_entropy",)}.get(self.task, ("bce", "mse"))

    def output_activation(self) -> str:
        if self.output:
            return self.output
        if self.task == REGRESSION:
            return "identity"
        return {"cross_entropy": "softmax"}.get(self.loss, "sigmoid")

    def optimizer_settings(self) -> dict:
        """The settings of the chosen optimizer besides its learning rate."""
        return {name: getattr(self, name) for name in OPTIMIZER_FIELDS.get(self.optimizer, ())}

    def schedule_spec(self) -> dict:
        """The learning-rate schedule as the engine takes it."""
        return {"constant": {"name": "constant"},
                "step": {"name": "step", "step_size": self.schedule_step,
                         "gamma": self.schedule_gamma},
                "exponential": {"name": "exponential", "gamma": self.schedule_gamma},
                "cosine": {"name": "cosine", "epochs": self.schedule_epochs}}[self.schedule]

    def early_stopping_spec(self) -> dict | None:
        """Early stopping as the engine takes it (None: off)."""
        if not self.early_stopping:
            return None
        return {"patience": self.patience, "min_delta": 0.0, "restore_best": self.restore_best}

    def stop_at_spec(self) -> dict | None:
        """The stop rules as the engine takes them (None: none); a 0 is a rule that is off."""
        spec = {"epoch": self.stop_epoch or None, "loss": self.stop_loss or None,
                "metric": self.stop_metric or None}
        return None if all(v is None for v in spec.values()) else spec

    def apply_training(self, session: TrainingSession) -> None:
        """Give a live session this config's training settings (TRAINING_FIELDS), from its
        next step; ValueError (from the engine) for a setting it refuses."""
        if session.optimizer.name != self.optimizer:
            session.set_optimizer(self.optimizer, **self.optimizer_settings())
        else:
            session.configure_optimizer(**self.optimizer_settings())
        session.learning_rate = self.learning_rate
        session.batch_size = self.batch_size
        session.l1, session.l2 = self.l1, self.l2
        session.clip_norm = self.clip_norm or None
        session.schedule = self.schedule_spec()
        session.dropout = self.dropout
        # Setting these restarts their watch: only when they change, so that changing the
        # learning rate does not reset the patience already used up.
        if session.early_stopping != self.early_stopping_spec():
            session.early_stopping = self.early_stopping_spec()
        if session.stop_at != self.stop_at_spec():
            session.stop_at = self.stop_at_spec()

    def normalized(self) -> "Config":
        """A copy with every field valid and consistent (e.g. a loss that fits the task).
        For stored settings (QSettings, files): an invalid stored value takes the default.
        What the user types goes through :meth:`changed` instead, which refuses it."""
        c = dataclasses.replace(self, hidden=list(self.hidden), activations=list(self.activations))
        if c.dataset not in GENERATORS and c.dataset != CUSTOM:
            c.dataset = Config.dataset
        lo, hi = (2, MAX_CLASSES) if c.is_custom else GENERATORS[c.dataset].classes
        c.n_classes = min(max(int(c.n_classes), lo), hi)
        c.hidden = [min(max(int(u), 1), MAX_UNITS) for u in c.hidden][:MAX_HIDDEN_LAYERS]
        acts = [a if a in HIDDEN_ACTIVATIONS + FORWARD_ONLY_ACTIVATIONS else "tanh"
                for a in c.activations]
        c.activations = (acts + [acts[-1] if acts else "tanh"] * len(c.hidden))[: len(c.hidden)]
        c.features = tuple(f for f in c.features if f in FEATURES) or ("x1", "x2")
        if c.loss not in c.losses():
            c.loss = c.losses()[0]
        if c.output and (c.output not in OUTPUT_ACTIVATIONS + FORWARD_ONLY_ACTIVATIONS
                         or c.output not in get_loss(c.loss).allowed_outputs
                         or (c.task == MULTICLASS) != (c.output == "softmax")):
            c.output = ""
        defaults = Config()
        for name in ("learning_rate", "noise", "test_fraction", "l1", "l2", "n_samples",
                     "data_seed", "seed", "batch_size", "beta", "beta1", "beta2", "rho", "eps",
                     "clip_norm", "schedule_step", "schedule_gamma", "schedule_epochs",
                     "validation_fraction", "dropout", "patience", "stop_epoch", "stop_loss",
                     "stop_metric"):
            value = getattr(c, name)
            try:
                if isinstance(value, bool) or not isinstance(value, (int, float, type(None))):
                    raise ValueError
                setattr(c, name, SETTINGS[name].check(value))
            except ValueError:
                setattr(c, name, getattr(defaults, name))
        if c.init not in INITIALIZERS:
            c.init = Config.init
        if c.optimizer not in OPTIMIZERS:
            c.optimizer = Config.optimizer
        if c.schedule not in SCHEDULES:
            c.schedule = Config.schedule
        if c.test_fraction + c.validation_fraction >= 1:
            c.validation_fraction = 0.0
        c.nesterov = c.nesterov is True
        c.early_stopping = c.early_stopping is True
        c.restore_best = c.restore_best is not False
        return c

    def changed(self, **changes) -> "Config":
        """A copy with ``changes`` (field = value), each checked against its declaration in
        :data:`SETTINGS`: ValueError with a sentence naming the limit when one is out of
        range (nothing is replaced silently).  Choices that follow from the changed ones are
        then made consistent (e.g. a loss that fits a new dataset's task)."""
        values = {}
        for name, value in changes.items():
            if name == "custom_task":
                values[name] = value
                continue
            setting = SETTINGS.get(name)
            if setting is None:
                raise ValueError(f"There is no setting {name!r}.")
            values[name] = setting.check(value)
        new = dataclasses.replace(self, **values)
        dataset = new.dataset if new.dataset != CUSTOM else None
        if dataset is not None:
            lo, hi = GENERATORS[dataset].classes
            if "n_classes" in changes and not lo <= new.n_classes <= hi:
                raise ValueError(f"{dataset!r} has {lo} classes." if lo == hi else
                                 f"{dataset!r} has {lo} to {hi} classes, not {new.n_classes}.")
            most = GENERATORS[dataset].max_samples
            if "n_samples" in changes and new.n_samples > most:
                raise ValueError(f"{dataset!r} has at most {most} samples, not {new.n_samples}.")
        if changes.keys() & {"test_fraction", "validation_fraction"} \
                and new.test_fraction + new.validation_fraction > 0.9 + 1e-9:
            held_out = (new.test_fraction + new.validation_fraction) * 100
            raise ValueError(f"The test and validation shares add up to {held_out:.0f} %; keep "
                             "at least 10 % of the samples for training.")
        if "activations" in changes and len(new.activations) != len(new.hidden):
            raise ValueError("Give one activation per hidden layer.")
        if "loss" in changes and new.loss not in new.losses():
            raise ValueError(f"The {new.task} task takes the loss "
                             f"{' or '.join(new.losses())}, not {new.loss!r}.")
        return new.normalized()

    def changed_fields(self, other: "Config") -> set[str]:
        return {f.name for f in dataclasses.fields(self)
                if getattr(self, f.name) != getattr(other, f.name)}

    # ---------------------------------------------------------------- building
    def load_data(self):
        if self.is_custom:
            raise ValueError("imported or drawn data lives in the session, not in the settings")
        n_classes = self.n_classes if GENERATORS[self.dataset].classes[1] > 2 else None
        return datasets.load(self.dataset, n_samples=self.n_samples, noise=self.noise,
                             test_fraction=self.test_fraction, seed=self.data_seed,
                             n_classes=n_classes, features=self.features,
                             validation_fraction=self.validation_fraction)

    def build_network(self, data) -> Network:
        sizes = [data.n_inputs, *self.hidden, data.n_outputs]
        return Network(sizes, activations=[*self.activations, self.output_activation()],
                       init=self.init, seed=self.seed)

    def build_session(self, data=None) -> TrainingSession:
        """A fresh session (raises ValueError with a message for settings that do not fit)."""
        data = data if data is not None else self.load_data()
        return TrainingSession(self.build_network(data), data, loss=self.loss,
                               optimizer=self.optimizer, learning_rate=self.learning_rate,
                               batch_size=self.batch_size, l1=self.l1, l2=self.l2, seed=self.seed,
                               clip_norm=self.clip_norm or None, schedule=self.schedule_spec(),
                               optimizer_settings=self.optimizer_settings(),
                               dropout=self.dropout, early_stopping=self.early_stopping_spec(),
                               stop_at=self.stop_at_spec())

    @classmethod
    def from_session(cls, session: TrainingSession, stored: dict | None = None) -> "Config":
        """The config that describes ``session`` — its data, network and training settings —
        so the panels always show the session that is open.  ``stored`` (window settings
        saved with it) only fills what the session does not say (e.g. the data seed of a
        generated dataset that the file does not name)."""
        base = cls.from_dict(stored) if isinstance(stored, dict) else cls()
        data, net = session.data, session.network
        params = data.params
        generated = data.name in GENERATORS and "source" not in params and not params.get("edited")
        settings = session.settings()
        changes = dict(
            hidden=list(net.sizes[1:-1]), activations=list(net.activations[:-1]),
            init=net.init, seed=int(net.seed) if isinstance(net.seed, int) else base.seed,
            loss=settings["loss"], optimizer=settings["optimizer"],
            learning_rate=float(settings["learning_rate"]), batch_size=settings["batch_size"],
            l1=float(settings["l1"]), l2=float(settings["l2"]),
            features=tuple(data.features) if data.is_planar else base.features,
            clip_norm=float(session.clip_norm or 0.0),
            **_stopping_fields(session, base),
            **_schedule_fields(session.schedule.to_dict()),
            **{k: v for k, v in session.optimizer_settings.items()
               if k in OPTIMIZER_FIELDS.get(settings["optimizer"], ())})
        implied = cls(**{**base.__dict__, **changes}).normalized().output_activation()
        if net.output_activation != implied:
            changes["output"] = net.output_activation
        if generated:
            changes.update(dataset=data.name, n_classes=max(data.n_classes, 2),
                           **{k: params[k] for k in ("n_samples", "noise", "test_fraction")
                              if k in params},
                           validation_fraction=float(params.get("validation_fraction", 0.0)),
                           data_seed=params.get("seed", base.data_seed))
        else:
            changes.update(dataset=CUSTOM, custom_task=data.task,
                           n_classes=max(data.n_classes, 2),
                           test_fraction=float(params.get("test_fraction", base.test_fraction)),
                           validation_fraction=float(params.get("validation_fraction", 0.0)))
        return cls(**{**base.__dict__, **changes}).normalized()

    # ---------------------------------------------------------------- persistence
    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["features"] = list(self.features)
        d["version"] = CONFIG_VERSION
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Config":
        """Rebuild from ``to_dict`` output; anything unknown or invalid takes the default."""
        if not isinstance(d, dict):
            return cls()
        d = migrate(dict(d))
        default = cls()
        kwargs = {}
        for f in dataclasses.fields(cls):
            if f.name not in d:
                continue
            value, reference = d[f.name], getattr(default, f.name)
            try:
                if f.name == "batch_size":
                    value = None if value in (None, "", "None") else int(value)
                elif isinstance(reference, bool):           # QSettings gives "true"/"false"
                    value = {"true": True, "false": False}.get(str(value).lower(), value)
                    if not isinstance(value, bool):
                        continue
                elif f.name == "features":
                    value = tuple(str(v) for v in value)
                elif f.name == "hidden":
                    value = [int(v) for v in value]
                elif f.name == "activations":
                    value = [str(v) for v in value]
                else:
                    value = type(reference)(value)
            except (TypeError, ValueError):
                continue
            kwargs[f.name] = value
        return cls(**kwargs).normalized()


def migrate(d: dict) -> dict:
    """Bring an older settings dict up to CONFIG_VERSION (version 1 is the first)."""
    d.pop("version", None)
    return d


def _stopping_fields(session: TrainingSession, base: Config) -> dict:
    """Config fields of a session's dropout, early stopping and stop rules (what the session
    does not use keeps ``base``'s values, e.g. the patience while early stopping is off)."""
    fields = {"dropout": float(session.dropout), "early_stopping": False}
    early = session.early_stopping
    if early is not None:
        fields.update(early_stopping=True, restore_best=bool(early["restore_best"]),
                      patience=min(int(early["patience"]), int(SETTINGS["patience"].high)))
    rules = session.stop_at or {}
    fields.update(stop_epoch=int(rules.get("epoch") or 0),
                  stop_loss=float(rules.get("loss") or 0.0),
                  stop_metric=float(rules.get("metric") or 0.0))
    return fields


def _schedule_fields(spec: dict) -> dict:
    """Config fields of an engine schedule's ``to_dict()``."""
    fields = {"schedule": spec.get("name", "constant")}
    if "step_size" in spec:
        fields["schedule_step"] = int(spec["step_size"])
    if "gamma" in spec:
        fields["schedule_gamma"] = float(spec["gamma"])
    if "epochs" in spec:
        fields["schedule_epochs"] = int(spec["epochs"])
    return fields
