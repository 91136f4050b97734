"""Backprop Lab's engine: a multilayer perceptron written from scratch in NumPy.

>>> from backprop_lab.engine import Network, TrainingSession, datasets
>>> data = datasets.load("xor")
>>> net = Network([2, 4, 1], hidden="relu", output="sigmoid", init="he", seed=0)
>>> session = TrainingSession(net, data, loss="bce", optimizer="adam", learning_rate=0.1)
>>> session.run(300)
300

Its folders are its layers, each importing only those listed before it:

* ``nn/``       the math: activations, losses, initializers, the dense layer, the network,
                optimizers and the gradient check.  Imports nothing else of the project.
* ``data/``     datasets (generated, digits, drawn), input features, the plane grid.
* ``training/`` the :class:`TrainingSession`, mini-batches, phases, history, timeline,
                diagnostics and metrics.
* ``io/``       files: CSV data, session files.
* ``export/``   standalone NumPy and PyTorch scripts of a session.

The engine never imports Qt; the window (``backprop_lab.gui``) reads a session and draws it.
"""
if __name__ != "backprop_lab.engine":      # one identity per module: see the README's layout
    raise ImportError(f"import the engine as backprop_lab.engine, not as {__name__!r}")

from .data import datasets
from .data.dataset import Dataset
from .io.session_file import load_session, save_session
from .nn.activations import ACTIVATIONS, HIDDEN_ACTIVATIONS
from .nn.gradcheck import GradientCheck, check_gradients
from .nn.initializers import INITIALIZERS
from .nn.losses import LOSSES
from .nn.network import Network
from .nn.optimizers import OPTIMIZERS
from .training.diagnostics import Diagnosis
from .training.phases import Phase
from .training.session import TrainingSession

__all__ = [
    "ACTIVATIONS", "HIDDEN_ACTIVATIONS", "INITIALIZERS", "LOSSES", "OPTIMIZERS",
    "Dataset", "Diagnosis", "GradientCheck", "Network", "Phase", "TrainingSession",
    "check_gradients", "datasets", "load_session", "save_session",
]
