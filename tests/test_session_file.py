"""Session files: a round trip is exact, saves are atomic, and bad files are refused."""
import os
import zipfile
from pathlib import Path

import numpy as np
import pytest

from backprop_lab.engine import Network, TrainingSession, datasets, load_session, save_session
from backprop_lab.engine.io.session_file import read_extra

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


def test_the_bad_corpus_has_at_least_twenty_files():
    assert len(BAD_FILES) >= 20


@pytest.mark.parametrize("path", BAD_FILES, ids=lambda p: p.stem)
def test_every_malformed_session_is_refused_with_a_clear_message(path):
    with pytest.raises(ValueError) as info:
        load_session(path)
    message = str(info.value)
    assert path.name in message and len(message) > len(path.name) + 15
    assert "Traceback" not in message


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="no such file"):
        load_session(tmp_path / "nope.bplab")


def test_saving_into_a_missing_folder_fails_cleanly(tmp_path):
    with pytest.raises(OSError):
        save_session(trained(), tmp_path / "no" / "such" / "dir" / "x.bplab")
    assert not any(os.scandir(tmp_path))
