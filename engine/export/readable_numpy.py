"""The readable NumPy script: ``templates/numpy_mlp.py`` filled in for one session.

A textbook script: the forward pass, the loss, the backward pass (the chain rule) and the
update written plainly over a list of ``(W, b)`` layers, in float64; the session's current
weights as the starting point.
"""
from __future__ import annotations

import numpy as np

from . import literals
from .readable import Readable
from .slots import fill, template_source

HOW = "The forward pass, the loss, the backward pass and the update, written out in NumPy."
FUNCTIONS = {"identity": "identity", "relu": "relu", "leaky_relu": "leaky_relu",
             "sigmoid": "sigmoid", "tanh": "np.tanh", "softmax": "softmax"}
HYPER = {"sgd": [], "momentum": [("BETA", "beta")], "rmsprop": [("RHO", "rho"), ("EPS", "eps")],
         "adam": [("BETA1", "beta1"), ("BETA2", "beta2"), ("EPS", "eps")]}


def numpy_script(r: Readable) -> tuple[str, dict[str, bytes]]:
    """(the script's text, {side file name: bytes}) of the readable NumPy export."""
    if r.optimizer not in HYPER:
        raise ValueError(f"cannot export the optimizer {r.optimizer!r}")
    chain = not r.fused_output
    pairs = [f"({FUNCTIONS[a]}, {a}_grad)" for a in r.activations]
    if not chain:
        pairs[-1] = f"({FUNCTIONS[r.activations[-1]]}, None)"
    slopes = {s for s, a in zip(r.slopes, r.activations) if a == "leaky_relu"}
    if len(slopes) > 1:
        raise ValueError("cannot export leaky ReLU layers with different slopes")
    penalty = "".join([" + L1 * np.sign(W)" if r.l1 else "", " + L2 * W" if r.l2 else ""])
    batch = "len(X_train)" if r.batch_size is None else str(r.batch_size)
    data = {"X_train": r.X_train, "Y_train": r.Y_train, "X_test": r.X_test, "Y_test": r.Y_test}
    slots = {
        "__doc__": r.docstring("NumPy", HOW),
        "activations": literals.list_of("activations", pairs),
        "LEAKY_SLOPE": f"LEAKY_SLOPE = {slopes.pop() if slopes else 0.01!r}",
        "LEARNING_RATE": f"LEARNING_RATE, BATCH_SIZE, SEED = {r.hyper['learning_rate']!r}, "
                         f"{batch}, {r.seed}",
        "L1": f"L1, L2 = {r.l1!r}, {r.l2!r}",
        "dW": f"dW = A[i].T @ dZ{penalty}" + ("     # + the penalty's gradient" if penalty else ""),
    }
    for name, key in HYPER[r.optimizer]:
        slots[name] = f"{name} = {r.hyper[key]!r}"
    slots.update(rules(r))
    files = {}
    if r.inline:
        for name, array in data.items():
            slots[name] = _array(name, array)
        slots["layers"] = "\n".join(
            f"{name}{i} = np.array({literals.literal(a, 0, len(name) + 14, rows=True)})"
            for i, pair in enumerate(r.weights, 1) for name, a in zip("Wb", pair)
        ) + "\nlayers = [" + ", ".join(f"[W{i}, b{i}]" for i in range(1, len(r.weights) + 1)) + "]"
    else:
        weights = {f"{k}{i}": a for i, pair in enumerate(r.weights, 1) for k, a in zip("Wb", pair)}
        files[f"{r.name}.npz"] = literals.npz_bytes({**data, **weights})
        slots["ARRAYS"] = f'# The data and the weights when exported\nARRAYS = "{r.name}.npz"'
        for name in data:
            slots[name] = f'{name} = load("{name}")'
        slots["layers"] = ('layers = [[load(f"W{i}"), load(f"b{i}")] '
                           f"for i in range(1, {len(r.weights) + 1})]")
    choices = {"loss": r.loss, "output_delta": "chain" if chain else "fused",
               "update": "nesterov" if r.nesterov else r.optimizer, "evaluate": r.task,
               "learning_rate": r.schedule["name"]}
    return fill(template_source("numpy_mlp"), slots, choices), files


def rules(r: Readable) -> dict[str, str | None]:
    """The slots of gradient clipping and of the learning-rate schedule's settings."""
    slots: dict[str, str | None] = {}
    if r.clip_norm is None:
        slots["clip_by_norm()"] = None
    else:
        slots["CLIP_NORM"] = (f"CLIP_NORM = {r.clip_norm!r}  # gradient clipping: the longest "
                              "the whole gradient may be")
    names = {"step_size": "STEP_SIZE", "gamma": "GAMMA", "epochs": "COSINE_EPOCHS"}
    for key, value in r.schedule.items():
        if key != "name":
            slots[names[key]] = f"{names[key]} = {value!r}"
    return slots


def _array(name: str, array: np.ndarray) -> str:
    if array.size == 0:
        return f"{name} = np.zeros({tuple(array.shape)})" + ("  # no test samples"
                                                             if name == "X_test" else "")
    return f"{name} = np.array({literals.literal(array, 0, len(name) + 13, rows=True)})"
