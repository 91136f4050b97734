"""Saving and opening a whole TrainingSession: ``save_session(session, path, extra=None)``,
``load_session(path) -> TrainingSession``, ``open_session(path) -> (session, extra)``.

The file is a zip archive (see docs/file-format.md) holding ``manifest.json`` (format and
version), ``session.json`` (architecture, data description, settings, counters) and
``arrays.npz`` (weights, data, optimizer state, history), read without ``pickle``: opening a
file never executes code.  Saving is atomic (:mod:`.atomic_write`): a crash or a kill at any
moment leaves the previous file intact.  Opening reads with bounded work
(:mod:`.session_archive`) and checks the whole schema (:mod:`.session_schema`) before anything
is built; anything wrong raises ValueError with the file's name and the reason.
"""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np

from ..data.dataset import REGRESSION, Dataset
from ..nn.network import Network
from ..training.session import TrainingSession
from .atomic_write import atomic_file
from .session_archive import SessionArchive
from .session_schema import check_array_headers, check_array_values, check_document

FORMAT = "backprop-lab-session"
#: The newest format version this module reads and writes.  Version 2 added a validation set
#: (arrays ``points_val``, ``y_val``), a regression's target scaling, dropout, early stopping
#: and stop rules; a session that uses none of them is written as version 1, which older
#: versions of the app read.
VERSION = 2


def save_session(session: TrainingSession, path, extra: dict | None = None) -> None:
    """Write ``session`` (and an optional JSON-able ``extra`` dict, e.g. window settings).

    ValueError (and nothing written) when the session exceeds what a file may hold (see
    docs/file-format.md) or ``extra`` is not a dict of JSON values."""
    doc, arrays = _describe(session, {} if extra is None else extra)
    desc = check_document(json.loads(json.dumps(doc)))
    check_array_headers(desc, {k: (a.dtype, a.shape) for k, a in arrays.items()})
    manifest = {"format": FORMAT, "version": VERSION if _uses_version_2(doc, arrays) else 1}
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    with atomic_file(path) as handle:
        with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("manifest.json", json.dumps(manifest))
            archive.writestr("session.json", json.dumps(doc, indent=1))
            archive.writestr("arrays.npz", buffer.getvalue())


def _uses_version_2(doc: dict, arrays: dict) -> bool:
    """True when an app that reads only version 1 would misread the file."""
    training = doc["training"]
    return ("points_val" in arrays or "target_scale" in doc["data"]["params"]
            or bool(training["dropout"]) or training["early_stopping"] is not None
            or training["stop_at"] is not None)


def _describe(session: TrainingSession, extra) -> tuple[dict, dict]:
    net, data = session.network, session.data
    if not isinstance(extra, dict):
        raise ValueError("the window's settings to save must be a dict")
    try:
        json.dumps(extra, allow_nan=False)
    except (TypeError, ValueError):
        raise ValueError("the window's settings to save must hold JSON values (finite "
                         "numbers, texts, lists and dicts)") from None
    state = session.state_dict()
    optimizer, batches, history = state["optimizer"], state["batches"], state["history"]
    arrays = {
        "theta": net.theta,
        "points_train": data.points_train, "y_train": data.y_train,
        "points_test": data.points_test, "y_test": data.y_test,
        "history_rows": history["rows"],
    }
    if data.has_validation:
        arrays["points_val"], arrays["y_val"] = data.points_val, data.y_val
    if history["latest"] is not None:
        arrays["history_latest"] = history["latest"]
    for name, value in optimizer["state"].items():
        arrays[f"optimizer_{name}"] = value
    if batches["order"] is not None:
        arrays["epoch_order"] = batches["order"]
    hyper = {k: v for k, v in optimizer["hyperparameters"].items() if k != "learning_rate"}
    doc = {
        "network": net.spec(),
        "data": {"name": data.name, "task": data.task, "n_classes": data.n_classes,
                 "features": list(data.features), "domain": [list(d) for d in data.domain],
                 "params": _plain(data.params), "class_names": list(data.class_names),
                 "input_labels": list(data.input_labels)},
        "training": {**state["settings"], "optimizer_hyper": hyper,
                     "optimizer_t": optimizer["step"]},
        "state": {"epoch": state["epoch"], "steps": state["steps"], "cursor": batches["cursor"],
                  "last_good_epoch": state["last_good_epoch"], "rng": batches["rng"]},
        "history": {"columns": history["columns"], "capacity": history["capacity"],
                    "stride": history["stride"]},
        "extra": extra,
    }
    return doc, arrays


def _plain(value):
    """``value`` with tuples as lists and NumPy values as Python ones (JSON as read back)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (np.generic, np.ndarray)):
        return value.tolist()
    return value


def load_session(path) -> TrainingSession:
    """Open a session file; ValueError says what is wrong with a bad one."""
    return open_session(path)[0]


def read_extra(path) -> dict:
    """The ``extra`` dict saved with a session (after validating the whole file)."""
    return open_session(path)[1]


def open_session(path) -> tuple[TrainingSession, dict]:
    """(the session, the ``extra`` dict saved with it), reading and checking the file once."""
    name = Path(path).name
    archive = SessionArchive(path)
    try:
        try:
            _check_manifest(archive.manifest)
            desc = check_document(archive.document)
            archive.read_headers()
            check_array_headers(desc, archive.headers)
            arrays = {key: archive.array(key) for key in archive.headers}
            check_array_values(desc, arrays)
            return _build(desc, arrays), desc["extra"]
        except ValueError as exc:
            message = str(exc)
            raise ValueError(message if message.startswith(name) else f"{name}: {message}") \
                from None
        except (KeyError, TypeError, AttributeError, IndexError, OverflowError,
                ZeroDivisionError):
            raise ValueError(f"{name}: the session could not be rebuilt from the file's "
                             "contents (they do not fit together)") from None
    finally:
        archive.close()


def _check_manifest(manifest) -> None:
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ValueError("this is not a Backprop Lab session (the manifest names another "
                         "format)")
    version = manifest.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ValueError("the format version is not valid")
    if version > VERSION:
        raise ValueError(f"the file was written by a newer Backprop Lab (format version "
                         f"{version:,}; this one reads up to {VERSION}). Update the app to "
                         "open it.")


def _build(desc: dict, arrays: dict) -> TrainingSession:
    spec, data_doc, training = desc["network"], desc["data"], desc["training"]
    state, history_doc = desc["state"], desc["history"]
    task = data_doc["task"]
    label_type = np.float64 if task == REGRESSION else np.int64
    (x0, x1), (y0, y1) = data_doc["domain"]
    validation = {} if "points_val" not in arrays else {
        "points_val": arrays["points_val"].astype(np.float64),
        "y_val": arrays["y_val"].astype(label_type)}
    data = Dataset(name=data_doc["name"], task=task,
                   points_train=arrays["points_train"].astype(np.float64),
                   y_train=arrays["y_train"].astype(label_type),
                   points_test=arrays["points_test"].astype(np.float64),
                   y_test=arrays["y_test"].astype(label_type), **validation,
                   n_classes=data_doc["n_classes"], features=tuple(data_doc["features"]),
                   domain=((x0, x1), (y0, y1)), params=data_doc["params"],
                   class_names=tuple(data_doc["class_names"]),
                   input_labels=tuple(data_doc["input_labels"]))
    net = Network(spec["sizes"], activations=spec["activations"], init=spec["init"],
                  seed=spec["seed"], dtype=spec["dtype"])
    with np.errstate(over="ignore"):
        net.theta[...] = arrays["theta"]
    if not np.isfinite(net.theta).all():
        raise ValueError(f"the weights are too large for {spec['dtype']} numbers")
    session = TrainingSession(net, data, loss=training["loss"], optimizer=training["optimizer"],
                              learning_rate=training["learning_rate"],
                              batch_size=training["batch_size"], l1=training["l1"],
                              l2=training["l2"], seed=training["seed"],
                              history_capacity=history_doc["capacity"])
    opt_state = {}
    for name in session.optimizer.state_names:
        if f"optimizer_{name}" in arrays:
            with np.errstate(over="ignore"):
                value = arrays[f"optimizer_{name}"].astype(net.dtype)
            if not np.isfinite(value).all():
                raise ValueError(f"the optimizer state is too large for {spec['dtype']} "
                                 "numbers")
            opt_state[name] = value
    n_train = len(data.y_train)
    size = n_train if training["batch_size"] is None else min(training["batch_size"], n_train)
    steps_per_epoch = -(-n_train // size)
    if state["cursor"] >= steps_per_epoch:
        raise ValueError(f"the mini-batch position {state['cursor']:,} lies beyond the "
                         f"{steps_per_epoch:,} mini-batches of an epoch")
    session.load_state_dict({
        "settings": {k: training[k] for k in session.settings() if k in training},
        "network": net.state_dict(),
        "optimizer": {"name": training["optimizer"],
                      "hyperparameters": {"learning_rate": training["learning_rate"],
                                          **training["optimizer_hyper"]},
                      "step": training["optimizer_t"], "state": opt_state},
        "batches": {"batch_size": training["batch_size"], "cursor": state["cursor"],
                    "order": arrays.get("epoch_order"), "rng": state["rng"]},
        "epoch": state["epoch"], "steps": state["steps"],
        "last_good_epoch": state["last_good_epoch"],
        "history": {"columns": history_doc["columns"], "capacity": history_doc["capacity"],
                    "stride": history_doc["stride"], "rows": arrays["history_rows"],
                    "latest": arrays["history_latest"]},
    })
    return session
