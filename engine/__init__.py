"""Backprop Lab's engine: a multilayer perceptron written from scratch in NumPy.

>>> from engine import Network, TrainingSession, datasets, check_gradients
>>> data = datasets.load("xor")
>>> net = Network([2, 4, 1], hidden="relu", output="sigmoid", init="he", seed=0)
>>> session = TrainingSession(net, data, loss="bce", optimizer="adam", learning_rate=0.1)
>>> session.run(300)
300

The engine never imports Qt; the window (``gui/``) reads a session and draws it.
"""
from . import datasets
from .activations import ACTIVATIONS, HIDDEN_ACTIVATIONS
from .datasets import Dataset
from .diagnostics import Diagnosis
from .gradcheck import GradientCheck, check_gradients
from .initializers import INITIALIZERS
from .losses import LOSSES
from .network import Network
from .optimizers import OPTIMIZERS
from .phases import Phase
from .session import TrainingSession
from .session_file import load_session, save_session

__all__ = [
    "ACTIVATIONS", "HIDDEN_ACTIVATIONS", "INITIALIZERS", "LOSSES", "OPTIMIZERS",
    "Dataset", "Diagnosis", "GradientCheck", "Network", "Phase", "TrainingSession",
    "check_gradients", "datasets", "load_session", "save_session",
]
