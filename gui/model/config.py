"""What the user has chosen in the panels: data, features, architecture and training settings.

A :class:`Config` builds a :class:`backprop_lab.engine.TrainingSession`; ``to_dict``/``from_dict`` keep it in
QSettings across launches (versioned, with unknown or invalid entries falling back to
defaults so that an old or damaged settings file never stops the app).
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field

from backprop_lab.engine import Network, TrainingSession, datasets
from backprop_lab.engine.nn.activations import HIDDEN_ACTIVATIONS
from backprop_lab.engine.data.datasets import GENERATORS, MULTICLASS, REGRESSION
from backprop_lab.engine.data.features import FEATURES
from backprop_lab.engine.nn.initializers import INITIALIZERS
from backprop_lab.engine.nn.optimizers import OPTIMIZERS

CONFIG_VERSION = 1
#: ``Config.dataset`` for data that was imported or drawn: it lives in the session, not here.
CUSTOM = "custom"
TASKS = ("binary", "multiclass", "regression")
MAX_CLASSES = 10
MAX_HIDDEN_LAYERS = 8
MAX_UNITS = 16

#: Fields whose change needs new data or a new network (the rest apply to the live session).
DATA_FIELDS = ("dataset", "n_samples", "noise", "test_fraction", "data_seed", "n_classes")
ARCHITECTURE_FIELDS = ("features", "hidden", "activations", "init", "seed", "loss")
TRAINING_FIELDS = ("optimizer", "learning_rate", "batch_size", "l1", "l2")


@dataclass
class Config:
    dataset: str = "circles"
    n_samples: int = 300
    noise: float = 0.3
    test_fraction: float = 0.3
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
        if self.task == REGRESSION:
            return "identity"
        return {"cross_entropy": "softmax"}.get(self.loss, "sigmoid")

    def normalized(self) -> "Config":
        """A copy with every field valid and consistent (e.g. a loss that fits the task)."""
        c = dataclasses.replace(self, hidden=list(self.hidden), activations=list(self.activations))
        if c.dataset not in GENERATORS and c.dataset != CUSTOM:
            c.dataset = Config.dataset
        lo, hi = (2, MAX_CLASSES) if c.is_custom else GENERATORS[c.dataset].classes
        c.n_classes = min(max(int(c.n_classes), lo), hi)
        c.hidden = [min(max(int(u), 1), MAX_UNITS) for u in c.hidden][:MAX_HIDDEN_LAYERS]
        acts = [a if a in HIDDEN_ACTIVATIONS else "tanh" for a in c.activations]
        c.activations = (acts + [acts[-1] if acts else "tanh"] * len(c.hidden))[: len(c.hidden)]
        c.features = tuple(f for f in c.features if f in FEATURES) or ("x1", "x2")
        if c.loss not in c.losses():
            c.loss = c.losses()[0]
        defaults = Config()
        for name, lo, hi in (("learning_rate", 1e-8, 100.0), ("noise", 0.0, 10.0),
                             ("test_fraction", 0.0, 0.9), ("l1", 0.0, 10.0), ("l2", 0.0, 10.0),
                             ("n_samples", 4, 100_000), ("data_seed", 0, 2**31 - 1),
                             ("seed", 0, 2**31 - 1)):
            value = getattr(c, name)
            if not (isinstance(value, (int, float)) and math.isfinite(value) and lo <= value <= hi):
                setattr(c, name, getattr(defaults, name))
        if c.batch_size is not None and not (isinstance(c.batch_size, int) and c.batch_size >= 1):
            c.batch_size = None
        if c.init not in INITIALIZERS:
            c.init = Config.init
        if c.optimizer not in OPTIMIZERS:
            c.optimizer = Config.optimizer
        return c

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
                             n_classes=n_classes, features=self.features)

    def build_network(self, data) -> Network:
        sizes = [data.n_inputs, *self.hidden, data.n_outputs]
        return Network(sizes, activations=[*self.activations, self.output_activation()],
                       init=self.init, seed=self.seed)

    def build_session(self, data=None) -> TrainingSession:
        """A fresh session (raises ValueError with a message for settings that do not fit)."""
        data = data if data is not None else self.load_data()
        return TrainingSession(self.build_network(data), data, loss=self.loss,
                               optimizer=self.optimizer, learning_rate=self.learning_rate,
                               batch_size=self.batch_size, l1=self.l1, l2=self.l2, seed=self.seed)

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
