"""What a readable export needs from a session, read once through its public state.

The readable scripts (``templates/torch_mlp.py``, ``templates/numpy_mlp.py``) restart training
from the session's *current* weights with its data and settings; the optimizer's running state
(momentum, Adam's moments) and the learning-rate schedule start afresh, and the mini-batches
(and dropout's masks) are drawn by the script's own generator.  On a full batch from a fresh
optimizer at epoch 0 without dropout they follow the app's training to rounding.  They carry
dropout, the validation set, early stopping (its watch starts afresh too) and the stop rules
(the epoch rule counted from the export; a target already met when exported is left out, as
the app would not stop for it again).  They do not watch for divergence.
"""
from __future__ import annotations

import textwrap
from dataclasses import dataclass

import numpy as np

from . import literals

#: Data and weights of at most this many numbers are written into the script; more go in an
#: .npz file beside it.
INLINE_NUMBERS = 400
#: What each loss makes the script report besides the loss.
TASKS = {"bce": "binary", "cross_entropy": "classes", "mse": "regression"}


@dataclass
class Readable:
    """The facts every readable script states, from a session's public state."""

    name: str               # the script's name without ".py"; side files are <name>.npz, …
    title: str              # "xor: a 2-4-1 network (tanh, sigmoid), at epoch 12"
    sizes: list[int]
    activations: list[str]
    slopes: list[float]     # each layer's leaky-ReLU slope (unused for other activations)
    loss: str
    task: str               # "binary", "classes" or "regression"
    optimizer: str
    hyper: dict                 # learning_rate, beta, nesterov, … (optimizer.hyperparameters)
    clip_norm: float | None     # gradient clipping's norm (None: off)
    schedule: dict              # {"name": "step", "step_size": 10, "gamma": 0.5}, …
    batch_size: int | None  # None: the whole training set in every step
    l1: float
    l2: float
    seed: int
    weights: list[tuple[np.ndarray, np.ndarray]]    # (W (n_in, n_out), b (n_out,)) per layer
    X_train: np.ndarray
    Y_train: np.ndarray     # (m, n_out) as the loss takes them (one-hot for cross-entropy)
    X_test: np.ndarray
    Y_test: np.ndarray
    X_val: np.ndarray       # no rows without a validation set
    Y_val: np.ndarray
    dropout: float          # the rate of every hidden layer (0: none)
    epoch: int              # epochs completed when exported
    early_stopping: dict | None     # {"patience", "min_delta", "restore_best"} or None
    watched: str            # the split early stopping watches: "validation", "test" or "train"
    stop_epochs: int | None     # the epoch rule, in epochs from the export (None: none)
    targets: dict           # {"loss": target, "score": target} not met when exported

    @classmethod
    def of(cls, session, name: str) -> "Readable":
        spec = session.network.spec()
        settings = session.settings()
        state = session.network.state_dict()
        n_layers = len(spec["sizes"]) - 1
        weights = [(state[f"layer{i}.W"], state[f"layer{i}.b"]) for i in range(n_layers)]
        slopes = [float(getattr(layer.activation, "slope", 0.01))
                  for layer in session.network.layers]
        data = session.data
        arch = "-".join(map(str, spec["sizes"]))
        title = (f"{literals.printable(data.name)}: a {arch} network "
                 f"({', '.join(dict.fromkeys(spec['activations']))}), exported at epoch "
                 f"{session.epoch}")
        batch = settings["batch_size"]
        rules, met = settings["stop_at"] or {}, session.stop_watch.met
        stop_epochs = None if rules.get("epoch") is None else rules["epoch"] - session.epoch
        targets = {key: rules[rule] for key, rule in (("loss", "loss"), ("score", "metric"))
                   if rules.get(rule) is not None and not met[rule]}
        return cls(name=name, title=title, sizes=list(spec["sizes"]),
                   activations=list(spec["activations"]), slopes=slopes,
                   loss=settings["loss"], task=TASKS[settings["loss"]],
                   optimizer=settings["optimizer"],
                   hyper={**session.optimizer.hyperparameters,
                          "learning_rate": float(settings["learning_rate"])},
                   clip_norm=settings["clip_norm"], schedule=dict(settings["schedule"]),
                   batch_size=None if batch is None or batch >= session.n_train else batch,
                   l1=float(settings["l1"]), l2=float(settings["l2"]),
                   seed=int(settings["seed"]), weights=weights,
                   X_train=session.X_train, Y_train=session.Y_train,
                   X_test=session.X_test, Y_test=session.Y_test,
                   X_val=session.X_val, Y_val=session.Y_val,
                   dropout=float(settings["dropout"]), epoch=int(session.epoch),
                   early_stopping=settings["early_stopping"],
                   watched=session.stop_watch.watched(session),
                   stop_epochs=stop_epochs if stop_epochs is None or stop_epochs > 0 else None,
                   targets=targets)

    @property
    def inline(self) -> bool:
        """True when the data and weights are written into the script itself."""
        arrays = [self.X_train, self.Y_train, self.X_test, self.Y_test, self.X_val, self.Y_val,
                  *(a for pair in self.weights for a in pair)]
        return (sum(a.size for a in arrays) <= INLINE_NUMBERS
                and literals.all_finite(arrays))

    @property
    def labels(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Class labels (m,) of the training, test and validation sets, for cross-entropy."""
        return tuple(Y.argmax(axis=1).astype(np.int64)
                     for Y in (self.Y_train, self.Y_test, self.Y_val))

    def stopping(self, y: str) -> dict[str, str | None]:
        """The slots of early stopping and the stop rules (``y``: the name of the targets,
        "y" or "Y"); removed when the session has none."""
        slots: dict[str, str | None] = {}
        spec, loop = self.early_stopping, "early_stopping.stops(loss_of(X_val, {y}_val), epoch)"
        if spec is None:
            slots.update({"early_stopping": None, "if " + loop.format(y=y): None})
        else:
            split = {"validation": "val", "test": "test", "train": "train"}[self.watched]
            slots["PATIENCE"] = (f"PATIENCE, MIN_DELTA, RESTORE_BEST = {spec['patience']!r}, "
                                 f"{spec['min_delta']!r}, {spec['restore_best']!r}")
            slots["if " + loop.format(y=y)] = (
                f"if early_stopping.stops(loss_of(X_{split}, {y}_{split}), epoch):\n    break")
        if self.stop_epochs is None and not self.targets:
            slots.update({"stop_rule": None, "if stop_rule(epoch)": None})
            return slots
        what = "accuracy" if self.task != "regression" else "R²"
        lines = []
        if self.stop_epochs is None:
            slots["if epoch == STOP_EPOCH"] = None
        else:
            lines.append(f"STOP_EPOCH = {self.stop_epochs!r}  # stop after this many epochs "
                         f"(Backprop Lab's epoch {self.stop_epochs + self.epoch})")
        if "loss" not in self.targets:
            slots[f"if loss_of(X_train, {y}_train) <= TARGET_LOSS"] = None
        else:
            lines.append(f"TARGET_LOSS = {self.targets['loss']!r}  # stop when the training "
                         "loss falls to this or below")
        if "score" not in self.targets:
            slots[f"if score(X_train, {y}_train) >= TARGET_SCORE"] = None
        else:
            lines.append(f"TARGET_SCORE = {self.targets['score']!r}  # stop when the "
                         f"training {what} rises to this or above")
        slots["STOP_EPOCH"] = "\n".join(lines)
        return slots

    @property
    def nesterov(self) -> bool:
        """Nesterov momentum (with β > 0: with β = 0 it is plain gradient descent)."""
        return (self.optimizer == "momentum" and bool(self.hyper.get("nesterov"))
                and self.hyper["beta"] > 0)

    @property
    def fused_output(self) -> bool:
        """True when the output activation is part of the loss (sigmoid + BCE, softmax +
        cross-entropy: both computed from the logits), or is the identity."""
        return self.activations[-1] in ("identity",) or self.loss in ("bce", "cross_entropy")

    def docstring(self, framework: str, how: str) -> str:
        """The script's docstring: what it is, how it differs from the app, how to run it."""
        fresh = ("whose running state starts afresh" if self.schedule["name"] == "constant" else
                 "whose running state and learning-rate schedule start afresh")
        text = textwrap.fill(
            f"{how}  It trains on from the weights the network had in Backprop Lab, with its "
            f"data, loss and optimizer ({fresh}).",
            width=literals.WIDTH - 4, break_on_hyphens=False)
        body = (f"{self.title}, in {framework}.\n\n{text}\n"
                f"Run: python {self.name}.py --epochs 100")
        return '"""' + literals.docstring_safe(body) + '\n"""'
