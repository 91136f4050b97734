"""Random byte flips in valid session files: every one is refused with a ValueError or opens as
exactly the saved session (a flip in a part nobody reads, such as a zip timestamp)."""
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backprop_lab.engine import Network, TrainingSession, datasets, save_session
from backprop_lab.engine.io.session_file import open_session


def saved(kind: str) -> bytes:
    if kind == "xor":
        data, net = datasets.load("xor"), Network([2, 2, 1], seed=0)
        session = TrainingSession(net, data, optimizer="adam")
    else:
        data = datasets.load("paraboloid", n_samples=12, seed=1)
        session = TrainingSession(Network([2, 3, 1], output="identity", seed=1), data,
                                  loss="mse", optimizer="momentum", batch_size=5)
    session.run(2)
    session.step()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "s.bplab"
        save_session(session, path, extra={"note": "hi", "pins": [1.5]})
        return path.read_bytes()


def fingerprint(session, extra) -> tuple:
    """Everything a load restores, as comparable bytes and values."""
    state = session.state_dict()
    data = session.data
    return (session.network.theta.tobytes(), str(session.network.spec()),
            data.points_train.tobytes(), data.y_train.tobytes(), data.points_test.tobytes(),
            data.y_test.tobytes(), data.name, data.task, data.n_classes, data.domain,
            str(data.params), data.class_names, data.input_labels, str(state["settings"]),
            str(state["optimizer"]["hyperparameters"]), state["optimizer"]["step"],
            tuple(v.tobytes() for v in state["optimizer"]["state"].values()),
            state["epoch"], state["steps"], state["last_good_epoch"],
            state["batches"]["cursor"], str(state["batches"]["rng"]),
            None if state["batches"]["order"] is None else state["batches"]["order"].tobytes(),
            session.history.table().tobytes(), str(extra))


ORIGINALS = {kind: saved(kind) for kind in ("xor", "regression")}


def load(folder: Path, raw: bytes, name: str):
    path = folder / name
    path.write_bytes(raw)
    return open_session(path)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("flips")


@pytest.fixture(scope="module")
def expected(folder) -> dict:
    return {kind: fingerprint(*load(folder, raw, f"{kind}.bplab"))
            for kind, raw in ORIGINALS.items()}


@st.composite
def flipped(draw):
    kind = draw(st.sampled_from(sorted(ORIGINALS)))
    raw = bytearray(ORIGINALS[kind])
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.integers(0, len(raw) - 1))
        raw[where] ^= draw(st.integers(1, 255))
    return kind, bytes(raw)


@settings(max_examples=1000, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(case=flipped())
def test_a_flipped_session_is_refused_or_opens_unchanged(folder, expected, case):
    kind, raw = case
    try:
        session, extra = load(folder, raw, "flipped.bplab")
    except ValueError as exc:
        assert str(exc).startswith("flipped.bplab")
        return
    assert fingerprint(session, extra) == expected[kind]
    assert np.isfinite(session.network.theta).all()
