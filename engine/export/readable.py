"""What a readable export needs from a session, read once through its public state.

The readable scripts (``templates/torch_mlp.py``, ``templates/numpy_mlp.py``) restart training
from the session's *current* weights with its data and settings; the optimizer's running state
(momentum, Adam's moments) and the learning-rate schedule start afresh, and the mini-batches
are drawn by the script's own shuffler.  On a full batch from a fresh optimizer at epoch 0 they
follow the app's training to rounding.  They do not watch for divergence.
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
                   X_test=session.X_test, Y_test=session.Y_test)

    @property
    def inline(self) -> bool:
        """True when the data and weights are written into the script itself."""
        arrays = [self.X_train, self.Y_train, self.X_test, self.Y_test,
                  *(a for pair in self.weights for a in pair)]
        return (sum(a.size for a in arrays) <= INLINE_NUMBERS
                and literals.all_finite(arrays))

    @property
    def labels(self) -> tuple[np.ndarray, np.ndarray]:
        """Class labels (m,) of the training and test sets, for cross-entropy."""
        return (self.Y_train.argmax(axis=1).astype(np.int64),
                self.Y_test.argmax(axis=1).astype(np.int64))

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
