"""Session files: a round trip is exact, saves are atomic, bad files are refused with the
reason, and every limit is checked before work or allocation."""
import io
import json
import os
import struct
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pytest

from backprop_lab.engine import Network, TrainingSession, datasets, load_session, save_session
from backprop_lab.engine.data.dataset import Dataset
from backprop_lab.engine.io.session_file import open_session, read_extra
from backprop_lab.engine.training.history import History

BAD = Path(__file__).resolve().parent / "data" / "bad"


def trained(batch_size=8, optimizer="adam", dataset="moons", **kw):
    data = datasets.load(dataset, n_samples=60, seed=2, **kw)
    n_out = data.n_outputs
    output = {"binary": "sigmoid", "multiclass": "softmax", "regression": "identity"}[data.task]
    net = Network([2, 5, 4, n_out], hidden="tanh", output=output, seed=3)
    session = TrainingSession(net, data, optimizer=optimizer, learning_rate=0.05,
                              batch_size=batch_size, l2=0.001, seed=4)
    session.run(7)
    session.step()                      # mid-epoch: the batch order must survive too
    return session


@pytest.mark.parametrize("kw", [
    {}, {"optimizer": "momentum"}, {"optimizer": "rmsprop", "batch_size": None},
    {"dataset": "spiral", "n_classes": 3}, {"dataset": "paraboloid", "optimizer": "sgd"},
])
def test_round_trip_is_exact_and_training_continues_identically(tmp_path, kw):
    original = trained(**kw)
    path = tmp_path / "run.bplab"
    save_session(original, path, extra={"note": "hello"})
    loaded = load_session(path)
    assert read_extra(path) == {"note": "hello"}
    np.testing.assert_array_equal(loaded.network.theta, original.network.theta)
    assert loaded.network.spec() == original.network.spec()
    np.testing.assert_array_equal(loaded.data.points_train, original.data.points_train)
    np.testing.assert_array_equal(loaded.data.y_test, original.data.y_test)
    assert (loaded.epoch, loaded.steps) == (original.epoch, original.steps)
    assert loaded.settings() == original.settings()
    np.testing.assert_array_equal(loaded.history.table(), original.history.table())
    saved, opened = original.optimizer.state_dict(), loaded.optimizer.state_dict()
    assert (opened["name"], opened["step"], opened["hyperparameters"]) == (
        saved["name"], saved["step"], saved["hyperparameters"])
    assert set(opened["state"]) == set(saved["state"])
    for name, value in saved["state"].items():
        np.testing.assert_array_equal(opened["state"][name], value)
    original.run(5)
    loaded.run(5)
    np.testing.assert_array_equal(loaded.network.theta, original.network.theta)
    np.testing.assert_array_equal(loaded.history.table(), original.history.table())


def test_float32_networks_round_trip(tmp_path):
    data = datasets.load("xor")
    session = TrainingSession(Network([2, 3, 1], dtype="float32", seed=1), data)
    session.run(4)
    save_session(session, tmp_path / "f.bplab")
    loaded = load_session(tmp_path / "f.bplab")
    assert loaded.network.theta.dtype == np.float32
    np.testing.assert_array_equal(loaded.network.theta, session.network.theta)


def test_a_crash_mid_save_leaves_the_old_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "run.bplab"
    first = trained()
    save_session(first, path)
    before = path.read_bytes()
    second = trained(optimizer="sgd")

    def crash(self, name, data, *args, **kwargs):
        if name == "arrays.npz":
            raise OSError("disk full (simulated)")
        return real(self, name, data, *args, **kwargs)

    real = zipfile.ZipFile.writestr
    monkeypatch.setattr(zipfile.ZipFile, "writestr", crash)
    with pytest.raises(OSError, match="disk full"):
        save_session(second, path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["run.bplab"]      # no temporary left
    np.testing.assert_array_equal(load_session(path).network.theta, first.network.theta)


def test_the_file_is_a_zip_of_json_and_npz_without_pickles(tmp_path):
    save_session(trained(), tmp_path / "s.bplab")
    with zipfile.ZipFile(tmp_path / "s.bplab") as z:
        assert sorted(z.namelist()) == ["arrays.npz", "manifest.json", "session.json"]


BAD_FILES = sorted(BAD.glob("session-*.bplab"))
EXPECTED = json.loads((BAD / "session-expected.json").read_text(encoding="utf-8"))


def test_the_bad_corpus_has_at_least_150_files_each_with_its_expected_message():
    assert len(BAD_FILES) >= 150
    assert {p.name for p in BAD_FILES} == set(EXPECTED)


@pytest.mark.parametrize("path", BAD_FILES, ids=lambda p: p.stem)
def test_every_malformed_session_is_refused_with_a_message_naming_the_problem(path):
    with pytest.raises(ValueError) as info:
        load_session(path)
    message = str(info.value)
    assert message.startswith(path.name) and EXPECTED[path.name] in message
    assert "could not be rebuilt" not in message        # the schema caught it, not a guard


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="no such file"):
        load_session(tmp_path / "nope.bplab")


def test_saving_into_a_missing_folder_fails_cleanly(tmp_path):
    with pytest.raises(OSError):
        save_session(trained(), tmp_path / "no" / "such" / "dir" / "x.bplab")
    assert not any(os.scandir(tmp_path))


# ---------------------------------------------------------------------- bounded work
def members_of(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def zip_with_zeros(members: dict[str, bytes], name: str, size: int) -> bytes:
    """A zip of ``members`` (stored) plus ``name``: ``size`` zero bytes (a multiple of 1 MB),
    honestly declared and deflated to about size / 1000 bytes.  The deflate stream repeats one
    flushed block of 1 MB of zeros, so nothing large is ever held or compressed."""
    block = bytes(2**20)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    one = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    count = size // len(block)
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(block, crc)
    entries = [(n, 0, c, zlib.crc32(c), len(c)) for n, c in members.items()]
    entries.append((name, 8, one * count + b"\x03\x00", crc, size))
    out, central = bytearray(), bytearray()
    for entry, method, data, check, unpacked in entries:
        encoded = entry.encode()
        central += struct.pack("<4s6H3I5H2I", b"PK\x01\x02", 20, 20, 0, method, 0, 33, check,
                               len(data), unpacked, len(encoded), 0, 0, 0, 0, 0, len(out))
        central += encoded
        out += struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, method, 0, 33, check, len(data),
                           unpacked, len(encoded), 0) + encoded + data
    end = struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, len(entries), len(entries),
                      len(central), len(out), 0)
    return bytes(out + central + end)


@pytest.mark.parametrize("where", ["outer", "inner"])
def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path, where):
    path = tmp_path / "good.bplab"
    save_session(trained(), path)
    members = members_of(path)
    size = 260 * 2**20           # beyond the 256 MB limit: about 1 MB deflated
    if where == "outer":
        bomb = zip_with_zeros({k: v for k, v in members.items() if k != "arrays.npz"},
                              "arrays.npz", size)
    else:                                    # the bomb inside arrays.npz
        with zipfile.ZipFile(io.BytesIO(members["arrays.npz"])) as npz:
            arrays = {n: npz.read(n) for n in npz.namelist() if n != "points_train.npy"}
        inner = zip_with_zeros(arrays, "points_train.npy", size)
        bomb = _pack({**members, "arrays.npz": inner})
    (tmp_path / "bomb.bplab").write_bytes(bomb)
    assert len(bomb) < 2**20
    tracemalloc.start()
    with pytest.raises(ValueError, match="arrays.npz is too large" if where == "outer"
                       else "the arrays are too large"):
        load_session(tmp_path / "bomb.bplab")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 20 * 2**20


def _pack(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_a_member_larger_than_declared_is_refused(tmp_path):
    path = tmp_path / "good.bplab"
    save_session(trained(), path)
    raw = bytearray(path.read_bytes())
    # declare session.json 100 bytes long in the central directory: reading stops there
    at = raw.find(b"PK\x01\x02")
    while raw[at + 46: at + 46 + 12] != b"session.json":
        at = raw.find(b"PK\x01\x02", at + 4)
    raw[at + 24: at + 28] = (100).to_bytes(4, "little")
    (tmp_path / "lying.bplab").write_bytes(bytes(raw))
    with pytest.raises(ValueError, match="session.json is damaged"):
        load_session(tmp_path / "lying.bplab")


def test_a_history_capacity_beyond_the_limit_is_refused_before_allocating():
    with pytest.raises(ValueError, match="capacity must be a whole number up to 65,536"):
        History.from_state({"columns": ["a"], "capacity": 10**7, "stride": 1,
                            "rows": [], "latest": None})
    with pytest.raises(ValueError, match="power of two"):
        History.from_state({"columns": ["a"], "capacity": 8, "stride": 3,
                            "rows": [], "latest": None})
    with pytest.raises(ValueError, match="newest row"):
        History.from_state({"columns": ["a"], "capacity": 8, "stride": 1,
                            "rows": [[0.0, 1.0]], "latest": []})


# ---------------------------------------------------------------------- what loads works
def test_open_session_reads_the_file_once_for_the_session_and_its_extra(tmp_path):
    path = tmp_path / "run.bplab"
    original = trained()
    save_session(original, path, extra={"pins": [1, 2], "gui_config": {"lr": 0.1}})
    session, extra = open_session(path)
    assert extra == {"pins": [1, 2], "gui_config": {"lr": 0.1}}
    np.testing.assert_array_equal(session.network.theta, original.network.theta)
    assert session.step() in (True, False) and np.isfinite(session.network.theta).all()


@pytest.mark.parametrize("change", ["big-endian", "fortran", "stored", "compressed-arrays"])
def test_equivalent_encodings_of_the_same_session_load_identically(tmp_path, change):
    path = tmp_path / "run.bplab"
    original = trained()
    save_session(original, path)
    members = members_of(path)
    with np.load(io.BytesIO(members["arrays.npz"]), allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    buffer = io.BytesIO()
    if change == "big-endian":
        np.savez(buffer, **{k: v.astype(v.dtype.newbyteorder(">")) for k, v in arrays.items()})
    elif change == "fortran":
        np.savez(buffer, **{k: np.asfortranarray(v) for k, v in arrays.items()})
    else:
        (np.savez_compressed if change == "compressed-arrays" else np.savez)(buffer, **arrays)
    members["arrays.npz"] = buffer.getvalue()
    other = tmp_path / "other.bplab"
    with zipfile.ZipFile(other, "w", zipfile.ZIP_STORED if change == "stored"
                         else zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    loaded = load_session(other)
    np.testing.assert_array_equal(loaded.network.theta, original.network.theta)
    np.testing.assert_array_equal(loaded.data.points_train, original.data.points_train)
    np.testing.assert_array_equal(loaded.history.table(), original.history.table())
    assert loaded.data.points_train.flags.c_contiguous


def test_saving_refuses_what_opening_would_refuse_and_writes_nothing(tmp_path):
    rng = np.random.default_rng(0)
    data = Dataset(name="many", task="multiclass", points_train=rng.normal(size=(24, 3)),
                   y_train=np.arange(24) % 12, points_test=np.zeros((0, 3)),
                   y_test=np.zeros(0, dtype=np.int64), n_classes=12)
    session = TrainingSession(Network([3, 4, 12], output="softmax", seed=0), data)
    with pytest.raises(ValueError, match="number of classes must be a whole number from 2 to 10"):
        save_session(session, tmp_path / "many.bplab")
    with pytest.raises(ValueError, match="JSON values"):
        save_session(trained(), tmp_path / "nan.bplab", extra={"lr": float("nan")})
    with pytest.raises(ValueError, match="must be a dict"):
        save_session(trained(), tmp_path / "list.bplab", extra=[1, 2])
    assert list(tmp_path.iterdir()) == []


def test_clipping_schedule_and_optimizer_settings_round_trip(tmp_path):
    data = datasets.load("moons", n_samples=80, seed=2)
    session = TrainingSession(Network([2, 5, 1], hidden="tanh", seed=4), data, loss="bce",
                              optimizer="momentum", learning_rate=0.1, batch_size=16,
                              clip_norm=0.5, schedule={"name": "step", "step_size": 3,
                                                       "gamma": 0.5},
                              optimizer_settings={"beta": 0.8, "nesterov": True})
    session.run(4)
    save_session(session, tmp_path / "s.bplab")
    loaded = load_session(tmp_path / "s.bplab")
    assert loaded.settings() == session.settings()
    assert loaded.optimizer_settings == session.optimizer_settings
    session.run(3)
    loaded.run(3)
    np.testing.assert_array_equal(loaded.network.theta, session.network.theta)
