"""The schema of a session file (docs/file-format.md), checked in full before anything is built.

:func:`check_document` checks ``session.json``: every field's type and range, the stated
limits of :mod:`.limits` (layer sizes, parameters, classes, history capacity, counters,
the shuffler's state) and how the parts fit together (loss, output layer and task).
:func:`check_array_headers` checks the arrays' types and shapes against that description
before their data is read, and :func:`check_array_values` their values after.  Each raises
ValueError with the reason in the user's words; a file that passes opens as a usable session.
"""
from __future__ import annotations

import numpy as np

from ..data.dataset import BINARY, MULTICLASS, REGRESSION
from ..data.features import FEATURES
from ..nn.activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from ..nn.initializers import INITIALIZERS
from ..nn.losses import LOSSES
from ..nn.network import DTYPES
from ..nn.optimizers import OPTIMIZERS
from ..nn.dropout import check_rate
from ..training.evaluation import history_columns as session_history_columns
from ..training.schedules import make_schedule
from ..training.stopping import early_stopping_spec, stop_at_spec
from .json_fields import choice, flag, group, number, numbers, text, texts, whole
from .limits import (MAX_CELLS, MAX_CLASSES, MAX_COUNTER, MAX_HISTORY_CAPACITY, MAX_LAYERS,
                     MAX_LAYER_SIZE, MAX_NAME, MAX_PARAMETERS, MAX_SAMPLES, MAX_SEED)

TASKS = (BINARY, MULTICLASS, REGRESSION)
#: Plot ranges stay within this magnitude (wider ones cannot be drawn).
MAX_DOMAIN = 1e15
_PCG64_STATE = 2**128


def check_document(doc) -> dict:
    """The validated contents of ``session.json`` (plain Python values)."""
    doc = group(doc, "the session description")
    network = _network(doc.get("network"))
    data = _data(doc.get("data"))
    training = _training(doc.get("training"), network, data)
    return {"network": network, "data": data, "training": training,
            "state": _state(doc.get("state")),
            "history": _history(doc.get("history"), network, data),
            "extra": group(doc.get("extra", {}), "the window's settings")}


# ---------------------------------------------------------------------- session.json
def _network(value) -> dict:
    net = group(value, "the network's description")
    sizes = net.get("sizes")
    if not isinstance(sizes, list) or not 2 <= len(sizes) <= MAX_LAYERS + 1:
        raise ValueError(f"the network needs 2 to {MAX_LAYERS + 1} layer sizes (inputs, "
                         "hidden layers, outputs)")
    sizes = [whole(n, "every layer size", 1, MAX_LAYER_SIZE) for n in sizes]
    n_params = sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))
    if n_params > MAX_PARAMETERS:
        raise ValueError(f"the network {'-'.join(map(str, sizes))} has {n_params:,} weights "
                         f"and biases; at most {MAX_PARAMETERS:,} are supported")
    activations = net.get("activations")
    if not isinstance(activations, list) or len(activations) != len(sizes) - 1:
        raise ValueError(f"the network needs one activation per layer ({len(sizes) - 1})")
    for i, name in enumerate(activations[:-1]):
        choice(name, f"hidden layer {i + 1}'s activation", HIDDEN_ACTIVATIONS)
    choice(activations[-1], "the output layer's activation", OUTPUT_ACTIVATIONS)
    seed = net.get("seed")
    return {"sizes": sizes, "activations": activations, "n_params": n_params,
            "init": choice(net.get("init"), "the initializer", tuple(INITIALIZERS)),
            "seed": None if seed is None else whole(seed, "the network's seed", 0, MAX_SEED),
            "dtype": choice(net.get("dtype", "float64"), "the number type", tuple(DTYPES))}


def _data(value) -> dict:
    data = group(value, "the data's description")
    task = choice(data.get("task"), "the task", TASKS)
    n_classes = data.get("n_classes")
    if task == REGRESSION:
        whole(n_classes, "a regression's class count", 0, 0)
    elif task == BINARY:
        whole(n_classes, "a binary classification's class count", 2, 2)
    else:
        whole(n_classes, "the number of classes", 2, MAX_CLASSES)
    features = texts(data.get("features"), "the input features", 20, max_items=len(FEATURES))
    if not features or len(set(features)) != len(features) \
            or any(f not in FEATURES for f in features):
        raise ValueError(f"the input features must be distinct names among "
                         f"{', '.join(FEATURES)}")
    domain = data.get("domain")
    if not isinstance(domain, list) or len(domain) != 2:
        raise ValueError("the plot's range must give two axes")
    for axis, side in zip(domain, ("horizontal", "vertical")):
        lo, hi = numbers(axis, f"the plot's {side} range", 2, lo=-MAX_DOMAIN, hi=MAX_DOMAIN)
        if not hi - lo > 1e-9 * max(abs(lo), abs(hi), 1.0):
            raise ValueError(f"the plot's {side} range must run from a lower to a higher "
                             f"number, not from {lo:g} to {hi:g}")
    class_names = texts(data.get("class_names", []), "the class names", MAX_NAME,
                        max_items=MAX_CLASSES)
    if class_names and len(class_names) != n_classes:
        raise ValueError(f"the data names {len(class_names)} classes but has {n_classes}")
    return {"name": text(data.get("name"), "the data's name", MAX_NAME), "task": task,
            "n_classes": n_classes, "features": features,
            "domain": [[float(v) for v in axis] for axis in domain],
            "params": group(data.get("params", {}), "the data's settings"),
            "class_names": class_names,
            "input_labels": texts(data.get("input_labels", []), "the input column names",
                                  MAX_NAME, max_items=MAX_LAYER_SIZE)}


def _training(value, network: dict, data: dict) -> dict:
    training = group(value, "the training settings")
    loss = choice(training.get("loss"), "the loss", tuple(LOSSES))
    output = network["activations"][-1]
    if output not in LOSSES[loss].allowed_outputs:
        raise ValueError(f"the loss {loss} does not fit the output activation {output}")
    task = data["task"]
    if (task == REGRESSION and loss != "mse") or (task == MULTICLASS and loss == "bce"):
        raise ValueError(f"the loss {loss} does not fit a {task} task")
    outputs = data["n_classes"] if task == MULTICLASS else 1
    n_out = network["sizes"][-1]
    if n_out != outputs and not (task == BINARY and n_out == 2 and output == "softmax"):
        raise ValueError(f"the network has {n_out} output(s) but the {task} data needs "
                         f"{outputs}")
    optimizer = choice(training.get("optimizer"), "the optimizer", tuple(OPTIMIZERS))
    hyper = group(training.get("optimizer_hyper", {}), "the optimizer's settings")
    kind = OPTIMIZERS[optimizer]
    if set(hyper) - set(kind.hyper_names):
        raise ValueError(f"the optimizer's settings must be among "
                         f"{', '.join(kind.hyper_names) or 'none'} for {optimizer}")
    for name, setting in hyper.items():
        if name == "nesterov":
            flag(setting, "the optimizer's Nesterov switch")
        else:
            number(setting, f"the optimizer's {name}", 0.0, 1.0, lo_open=name == "eps",
                   hi_open=True)
    clip = training.get("clip_norm")
    try:
        schedule = make_schedule(training.get("schedule")).to_dict()
    except (TypeError, ValueError) as exc:
        raise ValueError(f"the learning-rate schedule is not valid: {exc}") from None
    batch = training.get("batch_size")
    try:
        dropout = check_rate(training.get("dropout", 0.0))
        early_stopping = early_stopping_spec(training.get("early_stopping"))
        stop_at = stop_at_spec(training.get("stop_at"))
    except ValueError as exc:
        raise ValueError(f"the training settings are not valid: {exc}") from None
    return {"loss": loss, "optimizer": optimizer, "optimizer_hyper": hyper,
            "learning_rate": number(training.get("learning_rate"), "the learning rate", 0.0,
                                    lo_open=True),
            "batch_size": None if batch is None else whole(batch, "the batch size", 1,
                                                           MAX_SAMPLES),
            "l1": number(training.get("l1"), "the L1 strength", 0.0),
            "l2": number(training.get("l2"), "the L2 strength", 0.0),
            "seed": whole(training.get("seed"), "the training seed", 0, MAX_SEED),
            "optimizer_t": whole(training.get("optimizer_t", 0), "the optimizer's step count",
                                 0, MAX_COUNTER),
            "clip_norm": None if clip is None else number(clip, "the gradient clipping norm",
                                                          0.0, lo_open=True),
            "schedule": schedule, "dropout": dropout, "early_stopping": early_stopping,
            "stop_at": stop_at}


def _state(value) -> dict:
    state = group(value, "the training state")
    epoch = whole(state.get("epoch"), "the epoch", 0, MAX_COUNTER)
    last_good = whole(state.get("last_good_epoch", epoch), "the last good epoch", 0, epoch)
    return {"epoch": epoch, "last_good_epoch": last_good,
            "steps": whole(state.get("steps"), "the step count", 0, MAX_COUNTER),
            "cursor": whole(state.get("cursor"), "the mini-batch position", 0, MAX_SAMPLES),
            "rng": _rng(state.get("rng"))}


def _rng(value) -> dict:
    """A PCG64 bit generator's state, every number within its type's range."""
    rng = group(value, "the shuffler's state")
    if rng.get("bit_generator") != "PCG64":
        raise ValueError("the shuffler's state must be of the PCG64 generator")
    inner = group(rng.get("state"), "the shuffler's inner state")
    return {"bit_generator": "PCG64",
            "state": {"state": whole(inner.get("state"), "the shuffler's state number", 0,
                                     _PCG64_STATE - 1),
                      "inc": whole(inner.get("inc"), "the shuffler's increment", 0,
                                   _PCG64_STATE - 1)},
            "has_uint32": whole(rng.get("has_uint32"), "the shuffler's spare-bits flag", 0, 1),
            "uinteger": whole(rng.get("uinteger"), "the shuffler's spare bits", 0, 2**32 - 1)}


def history_columns(network: dict, data: dict, validation: bool = False) -> list[str]:
    """The history's columns a session of this network and data records (with the
    validation columns when the data has a validation set)."""
    metric = "r2" if data["task"] == REGRESSION else "accuracy"
    return session_history_columns(metric, len(network["sizes"]) - 1, validation)


def _history(value, network: dict, data: dict) -> dict:
    history = group(value, "the history's description")
    columns = history.get("columns")
    if columns not in (history_columns(network, data, False),
                       history_columns(network, data, True)):
        raise ValueError("the history's columns do not match this network and data")
    stride = whole(history.get("stride"), "the history's stride", 1, MAX_COUNTER)
    if stride & (stride - 1):
        raise ValueError(f"the history's stride must be a power of two, not {stride:,}")
    return {"columns": columns, "stride": stride,
            "capacity": whole(history.get("capacity"), "the history's capacity", 2,
                              MAX_HISTORY_CAPACITY)}


# ---------------------------------------------------------------------- arrays
def check_array_headers(desc: dict, headers: dict) -> dict:
    """Check every array's type and shape; returns the data's (m_train, m_test, d)."""
    sizes, P = desc["network"]["sizes"], desc["network"]["n_params"]
    task, history = desc["data"]["task"], desc["history"]
    names = {"theta", "points_train", "y_train", "points_test", "y_test", "history_rows",
             "history_latest", "epoch_order", "points_val", "y_val"}
    state_names = OPTIMIZERS[desc["training"]["optimizer"]].state_names
    names |= {f"optimizer_{n}" for n in state_names}
    for key in headers:
        if key not in names:
            raise ValueError("the arrays hold one that this session does not use")
    for key in ("theta", "points_train", "y_train", "points_test", "y_test", "history_rows",
                "history_latest"):
        if key not in headers:
            raise ValueError(f"the arrays are incomplete: they lack {_ARRAY_WORDS[key]}")

    def shape(key, expected, kinds="iuf"):
        dtype, found = headers[key]
        if dtype.kind not in kinds:
            raise ValueError(f"{_ARRAY_WORDS[key]} must hold "
                             f"{'whole numbers' if kinds == 'iu' else 'numbers'}")
        if len(found) != len(expected) or any(e is not None and e != f
                                              for e, f in zip(expected, found)):
            raise ValueError(f"the shape of {_ARRAY_WORDS[key]} is {_shape(found)}; "
                             f"expected {_shape(expected)}")
        return found

    shape("theta", (P,), "f")
    m, d = shape("points_train", (None, None), "iuf")
    m_test, _ = shape("points_test", (None, d), "iuf")
    if ("points_val" in headers) != ("y_val" in headers):
        raise ValueError("the validation set needs both its points and its labels")
    m_val = shape("points_val", (None, d), "iuf")[0] if "points_val" in headers else 0
    if not 1 <= m + m_test + m_val <= MAX_SAMPLES or m < 1:
        raise ValueError(f"the data must have 1 to {MAX_SAMPLES:,} rows with at least one "
                         f"for training, not {m:,} + {m_test:,}"
                         + (f" + {m_val:,}" if m_val else ""))
    validation = "val_loss" in history["columns"]
    if validation != (m_val > 0):
        raise ValueError("the history's columns do not match the data: validation columns "
                         "go with a validation set")
    if not 1 <= d <= MAX_LAYER_SIZE or (m + m_test + m_val) * d > MAX_CELLS:
        raise ValueError(f"the data has {d:,} inputs per row; at most {MAX_LAYER_SIZE:,} "
                         f"inputs and {MAX_CELLS:,} numbers in all are supported")
    inputs = len(desc["data"]["features"]) if d == 2 else d
    if sizes[0] != inputs:
        raise ValueError(f"the network has {sizes[0]} input(s) but the data gives {inputs}")
    labels = desc["data"]["input_labels"]
    if labels and len(labels) != d:
        raise ValueError(f"the data names {len(labels)} input columns but has {d}")
    kinds = "iuf" if task == REGRESSION else "iu"
    shape("y_train", (m,), kinds)
    shape("y_test", (m_test,), kinds)
    if "y_val" in headers:
        shape("y_val", (m_val,), kinds)
    width = 1 + len(history["columns"])
    rows, _ = shape("history_rows", (None, width), "f")
    if rows > history["capacity"]:
        raise ValueError(f"the history holds {rows:,} rows but its capacity is "
                         f"{history['capacity']:,}")
    shape("history_latest", (width,), "f")
    for n in state_names:
        if f"optimizer_{n}" in headers:
            shape(f"optimizer_{n}", (P,), "f")
    if "epoch_order" in headers:
        shape("epoch_order", (m,), "iu")
    _params(desc["data"]["params"], d, task)
    return {"m_train": m, "m_test": m_test, "m_val": m_val, "d": d}


def _params(params: dict, d: int, task: str) -> None:
    """The data's settings the app reads; other entries are kept as they are."""
    if "target_scale" in params:
        scale = group(params["target_scale"], "the target scaling")
        if set(scale) != {"mean", "std"} or task != REGRESSION:
            raise ValueError("the target scaling must give a mean and a deviation, for a "
                             "regression")
        number(scale["mean"], "the target scaling's mean")
        number(scale["std"], "the target scaling's deviation", 0.0, lo_open=True)
    if "standardize" in params:
        scale = group(params["standardize"], "the input scaling")
        if set(scale) != {"mean", "std"}:
            raise ValueError("the input scaling must give a mean and a deviation per input")
        numbers(scale["mean"], "the input scaling's means", d)
        numbers(scale["std"], "the input scaling's deviations", d, lo=0.0, lo_open=True)
    if "image_shape" in params:
        shape = params["image_shape"]
        if not isinstance(shape, list) or len(shape) != 2:
            raise ValueError("the image shape must give rows and columns")
        rows, columns = (whole(n, "the image shape", 1, MAX_LAYER_SIZE) for n in shape)
        if rows * columns != d:
            raise ValueError(f"the image shape {rows}×{columns} does not match {d} inputs")
    checks = {
        "test_fraction": lambda v, w: number(v, w, 0.0, 1.0, hi_open=True),
        "validation_fraction": lambda v, w: number(v, w, 0.0, 1.0, hi_open=True),
        "seed": lambda v, w: whole(v, w, 0, MAX_SEED),
        "n_samples": lambda v, w: whole(v, w, 1, MAX_SAMPLES),
        "noise": lambda v, w: number(v, w, 0.0),
        "n_classes": lambda v, w: whole(v, w, 0, MAX_CLASSES),
        "source": lambda v, w: text(v, w, MAX_NAME), "target": lambda v, w: text(v, w, MAX_NAME),
        "columns": lambda v, w: texts(v, w, MAX_NAME),
        "ignored": lambda v, w: texts(v, w, MAX_NAME),
        "import_notes": lambda v, w: texts(v, w, 10 * MAX_NAME),
        "header": flag, "edited": flag,
    }
    for key, check in checks.items():
        if key in params:
            check(params[key], f"the data's {_PARAM_WORDS.get(key, key.replace('_', ' '))}")


_PARAM_WORDS = {"source": "source file name", "target": "target column name",
                "columns": "column names", "ignored": "ignored columns",
                "import_notes": "import notes", "header": "header flag",
                "edited": "edited flag", "n_samples": "sample count",
                "n_classes": "class count"}


def check_array_values(desc: dict, arrays: dict) -> None:
    """Check the values: finite numbers, labels within the classes, a history in order."""
    for key in ("theta", "points_train", "points_test",
                *[k for k in arrays if k.startswith("optimizer_") or k == "points_val"]):
        if not np.isfinite(arrays[key]).all():
            raise ValueError(f"{_ARRAY_WORDS.get(key, 'the optimizer state')} must hold "
                             "finite numbers only")
    data = desc["data"]
    for key in ("y_train", "y_test", "y_val"):
        if key not in arrays:
            continue
        y = arrays[key]
        if data["task"] == REGRESSION:
            if not np.isfinite(y).all():
                raise ValueError(f"{_ARRAY_WORDS[key]} must hold finite numbers only")
        elif len(y) and (y.min() < 0 or y.max() >= data["n_classes"]):
            raise ValueError(f"{_ARRAY_WORDS[key]} must lie in 0…{data['n_classes'] - 1}")
    rows, latest = arrays["history_rows"], arrays["history_latest"]
    if np.isinf(rows).any() or np.isinf(latest).any():
        raise ValueError("the history holds infinite values")
    epochs = rows[:, 0]
    epoch = desc["state"]["epoch"]
    if not (np.isfinite(epochs).all() and (epochs >= 0).all() and (epochs <= epoch).all()
            and (epochs == np.round(epochs)).all() and (np.diff(epochs) > 0).all()):
        raise ValueError("the history's epochs must be whole numbers that rise up to the "
                         "current epoch")
    if not (np.isfinite(latest[0]) and latest[0] == round(latest[0]) and 0 <= latest[0] <= epoch
            and (not len(epochs) or latest[0] >= epochs[-1])):
        raise ValueError("the history's newest row must belong to an epoch up to the current one")


def _shape(shape) -> str:
    return "(" + ", ".join("any" if n is None else f"{n:,}" for n in shape) + \
        ("," if len(shape) == 1 else "") + ")"


_ARRAY_WORDS = {
    "theta": "the weights", "points_train": "the training points",
    "points_test": "the test points", "y_train": "the training labels",
    "y_test": "the test labels", "points_val": "the validation points",
    "y_val": "the validation labels", "history_rows": "the history",
    "history_latest": "the history's newest row", "epoch_order": "the mini-batch order",
    "optimizer_v": "the optimizer state", "optimizer_m": "the optimizer state",
    "optimizer_s": "the optimizer state",
}
