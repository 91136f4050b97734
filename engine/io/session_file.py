"""Saving and opening a whole TrainingSession: ``save_session(session, path)``,
``load_session(path) -> TrainingSession``.

The file is a zip archive (see docs/file-format.md) holding ``manifest.json`` (format and
version), ``session.json`` (architecture, data description, settings, counters) and
``arrays.npz`` (weights, data, optimizer state, history), read with ``allow_pickle=False``:
opening a file never executes code.  Saving writes a temporary file next to the target and
then replaces it, so a crash mid-save leaves the old file intact.  Anything wrong in a file
(newer version, truncation, tampering, wrong shapes) raises ValueError with the reason.
"""
from __future__ import annotations

import io
import json
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from ..data.datasets import BINARY, MULTICLASS, REGRESSION, Dataset
from ..training.history import History
from ..nn.network import Network
from ..training.session import TrainingSession

FORMAT = "backprop-lab-session"
VERSION = 1
MAX_ARRAY_BYTES = 512 * 1024 * 1024
MAX_JSON_BYTES = 8 * 1024 * 1024


def save_session(session: TrainingSession, path, extra: dict | None = None) -> None:
    """Write ``session`` (and an optional JSON-able ``extra`` dict, e.g. window settings)."""
    path = Path(path)
    net, data = session.network, session.data
    state = session.state_dict()
    optimizer, batches, history = state["optimizer"], state["batches"], state["history"]
    arrays = {
        "theta": net.theta,
        "points_train": data.points_train, "y_train": data.y_train,
        "points_test": data.points_test, "y_test": data.y_test,
        "history_rows": history["rows"],
    }
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
                 "params": data.params, "class_names": list(data.class_names),
                 "input_labels": list(data.input_labels)},
        "training": {**state["settings"], "optimizer_hyper": hyper,
                     "optimizer_t": optimizer["step"]},
        "state": {"epoch": state["epoch"], "steps": state["steps"], "cursor": batches["cursor"],
                  "last_good_epoch": state["last_good_epoch"], "rng": batches["rng"]},
        "history": {"columns": history["columns"], "capacity": history["capacity"],
                    "stride": history["stride"]},
        "extra": extra or {},
    }
    manifest = {"format": FORMAT, "version": VERSION}
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "wb") as handle:
            with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
                archive.writestr("manifest.json", json.dumps(manifest))
                archive.writestr("session.json", json.dumps(doc, indent=1))
                archive.writestr("arrays.npz", buffer.getvalue())
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def read_extra(path) -> dict:
    """The ``extra`` dict saved with a session (after validating the whole file)."""
    return _read(path)[0].get("extra") or {}


def load_session(path) -> TrainingSession:
    """Open a session file; ValueError says what is wrong with a bad one."""
    doc, arrays = _read(path)
    try:
        return _build(doc, arrays)
    except ValueError as exc:
        raise ValueError(f"{Path(path).name}: {exc}") from None
    except (KeyError, TypeError, AttributeError, IndexError) as exc:
        raise ValueError(f"{Path(path).name}: the session description is incomplete or "
                         f"malformed ({type(exc).__name__}: {exc})") from None


# ---------------------------------------------------------------------- reading
def _read(path) -> tuple[dict, dict[str, np.ndarray]]:
    path = Path(path)
    name = path.name
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise ValueError(f"{name}: no such file") from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise ValueError(f"{name} is not a Backprop Lab session (not a readable zip archive: "
                         f"{exc})") from None
    with archive:
        members = {info.filename: info for info in archive.infolist()}
        for needed in ("manifest.json", "session.json", "arrays.npz"):
            if needed not in members:
                raise ValueError(f"{name} is not a complete Backprop Lab session "
                                 f"({needed} is missing)")
        for member, limit in (("manifest.json", MAX_JSON_BYTES), ("session.json", MAX_JSON_BYTES),
                              ("arrays.npz", MAX_ARRAY_BYTES)):
            if members[member].file_size > limit:
                raise ValueError(f"{name}: {member} is implausibly large")
        try:
            manifest = json.loads(archive.read("manifest.json"))
            doc = json.loads(archive.read("session.json"))
            raw_arrays = archive.read("arrays.npz")
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, UnicodeDecodeError) as exc:
            raise ValueError(f"{name} is damaged or truncated ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ValueError(f"{name} is not a Backprop Lab session (format {manifest!r})")
    version = manifest.get("version")
    if not isinstance(version, int) or version < 1:
        raise ValueError(f"{name}: the format version {version!r} is not valid")
    if version > VERSION:
        raise ValueError(f"{name} was written by a newer Backprop Lab (format version "
                         f"{version}; this one reads up to {VERSION}). Update the app to open it.")
    if not isinstance(doc, dict):
        raise ValueError(f"{name}: session.json must hold an object")
    try:
        with np.load(io.BytesIO(raw_arrays), allow_pickle=False) as npz:
            arrays = {key: npz[key] for key in npz.files}
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
        raise ValueError(f"{name}: the arrays are damaged or not plain numbers ({exc})") from None
    return doc, arrays


def _array(arrays, key, ndim, kind="f", allow_nan=False) -> np.ndarray:
    if key not in arrays:
        raise ValueError(f"the array {key!r} is missing")
    a = arrays[key]
    if a.ndim != ndim:
        raise ValueError(f"{key!r} should have {ndim} dimension(s), not {a.ndim}")
    if a.dtype.kind not in ("f", "i", "u") or (kind == "i" and a.dtype.kind == "f"):
        raise ValueError(f"{key!r} holds {a.dtype} values, not numbers of the right kind")
    if a.dtype.kind == "f":
        bad = np.isinf(a) if allow_nan else ~np.isfinite(a)
        if bad.any():
            raise ValueError(f"{key!r} contains {'infinite' if allow_nan else 'NaN or infinite'}"
                             " values")
    return a


def _build(doc: dict, arrays: dict) -> TrainingSession:
    spec, data_doc, training = doc["network"], doc["data"], doc["training"]
    state, history_doc = doc["state"], doc["history"]

    task = data_doc["task"]
    if task not in (BINARY, MULTICLASS, REGRESSION):
        raise ValueError(f"unknown task {task!r}")
    points_train = _array(arrays, "points_train", 2)
    points_test = _array(arrays, "points_test", 2)
    label_kind = "f" if task == REGRESSION else "i"
    y_train = _array(arrays, "y_train", 1, label_kind)
    y_test = _array(arrays, "y_test", 1, label_kind)
    if len(y_train) != len(points_train) or len(y_test) != len(points_test):
        raise ValueError("the data's points and labels have different lengths")
    if len(y_train) == 0:
        raise ValueError("the training set is empty")
    if points_test.shape[1] != points_train.shape[1] and len(points_test):
        raise ValueError("train and test points have different numbers of inputs")
    n_classes = int(data_doc["n_classes"])
    if task != REGRESSION:
        labels = np.concatenate([y_train, y_test]).astype(np.int64)
        if labels.min() < 0 or labels.max() >= max(n_classes, 2):
            raise ValueError(f"class labels must lie in 0…{max(n_classes, 2) - 1}")
        y_train, y_test = y_train.astype(np.int64), y_test.astype(np.int64)
    (x0, x1), (d0, d1) = data_doc["domain"]
    data = Dataset(name=str(data_doc["name"]), task=task,
                   points_train=points_train.astype(float).copy(), y_train=y_train.copy(),
                   points_test=points_test.astype(float).copy(), y_test=y_test.copy(),
                   n_classes=n_classes, features=tuple(data_doc["features"]),
                   domain=((float(x0), float(x1)), (float(d0), float(d1))),
                   params=dict(data_doc.get("params") or {}),
                   class_names=tuple(str(c) for c in data_doc.get("class_names") or ()),
                   input_labels=tuple(str(c) for c in data_doc.get("input_labels") or ()))

    net = Network(spec["sizes"], activations=spec["activations"], init=spec["init"],
                  seed=spec.get("seed"), dtype=spec.get("dtype", "float64"))
    theta = _array(arrays, "theta", 1)
    if theta.shape != net.theta.shape:
        raise ValueError(f"the weights hold {theta.size} numbers but a "
                         f"{'-'.join(map(str, net.sizes))} network needs {net.theta.size}")
    net.theta[...] = theta

    session = TrainingSession(net, data, loss=training["loss"], optimizer=training["optimizer"],
                              learning_rate=training["learning_rate"],
                              batch_size=training["batch_size"], l1=training["l1"],
                              l2=training["l2"], seed=training["seed"],
                              history_capacity=int(history_doc["capacity"]))
    optimizer_name = session.optimizer.name
    opt_state = {name: _array(arrays, f"optimizer_{name}", 1)
                 for name in session.optimizer.state_names if f"optimizer_{name}" in arrays}
    rows = _array(arrays, "history_rows", 2, allow_nan=True)   # NaN: no test set, epoch 0
    latest = (_array(arrays, "history_latest", 1, allow_nan=True)
              if "history_latest" in arrays else None)
    epoch = state["epoch"]
    session.load_state_dict({
        "settings": {k: training[k] for k in session.settings() if k in training},
        "network": net.state_dict(),
        "optimizer": {"name": optimizer_name,
                      "hyperparameters": {"learning_rate": training["learning_rate"],
                                          **(training.get("optimizer_hyper") or {})},
                      "step": training.get("optimizer_t", 0), "state": opt_state},
        "batches": {"batch_size": training["batch_size"], "cursor": state["cursor"],
                    "order": arrays.get("epoch_order"), "rng": state["rng"]},
        "epoch": epoch, "steps": state["steps"],
        "last_good_epoch": state.get("last_good_epoch", epoch),
        "history": {"columns": list(history_doc["columns"]),
                    "capacity": history_doc["capacity"], "stride": history_doc["stride"],
                    "rows": rows, "latest": latest},
    })
    return session
