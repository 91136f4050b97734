"""The engine in a notebook: predictions on raw inputs, plain numbers, the history as arrays,
a readable repr and a picture of the session — and a real notebook that shows it."""
import base64
import io
import sys

import numpy as np
import pytest
from PIL import Image

from backprop_lab.engine import Network, TrainingSession, datasets
from backprop_lab.engine.training.picture import SIZE

NOTEBOOK_CELLS = [
    "from backprop_lab.engine import Network, TrainingSession, datasets",
    "data = datasets.load('moons', n_samples=120, validation_fraction=0.2)\n"
    "net = Network([2, 8, 1], hidden='tanh', output='sigmoid', init='xavier', seed=0)\n"
    "session = TrainingSession(net, data, optimizer='adam', learning_rate=0.05)\n"
    "session.run(30)",
    "session",
    "session.evaluate('test')",
]


def moons_session(**kw) -> TrainingSession:
    data = datasets.load("moons", n_samples=120, seed=3, **kw)
    net = Network([2, 8, 1], hidden="tanh", output="sigmoid", init="xavier", seed=0)
    return TrainingSession(net, data, optimizer="adam", learning_rate=0.05)


def test_predict_takes_raw_inputs_in_the_datas_units():
    session = moons_session()
    session.run(40)
    data = session.data
    labels = session.predict(data.points_test)
    assert labels.dtype == np.int64 and labels.shape == data.y_test.shape
    assert np.mean(labels == data.y_test) == session.evaluate("test")["accuracy"]
    proba = session.predict_proba(data.points_test)
    assert proba.shape == (len(data.y_test), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(proba.argmax(axis=1), labels)


def test_predict_applies_the_inputs_standardization_and_features():
    data = datasets.load("circles", n_samples=100, features=("x1", "x2", "x1^2", "x2^2"))
    scaled = datasets.Dataset(**{**data.__dict__, "params": {
        **data.params, "standardize": {"mean": [1.0, -2.0], "std": [2.0, 0.5]}}})
    net = Network([4, 5, 3], output="softmax", seed=1)
    three = datasets.Dataset(**{**scaled.__dict__, "task": "multiclass", "n_classes": 3})
    session = TrainingSession(net, three, loss="cross_entropy")
    points = np.array([[0.5, 1.5], [-3.0, 2.0]])
    expected = net.forward(three.inputs(points))
    np.testing.assert_allclose(session.predict_proba(points), expected)
    np.testing.assert_array_equal(session.predict(points), expected.argmax(axis=1))


def test_evaluate_gives_plain_floats_and_the_history_a_dict_of_arrays():
    session = moons_session(validation_fraction=0.25)
    session.run(12)
    for split in ("train", "test", "validation"):
        assert all(type(v) is float for v in session.evaluate(split).values())
    history = session.history_dict()
    assert list(history) == list(session.history.columns)
    assert all(isinstance(v, np.ndarray) and v.shape == (13,) for v in history.values())
    np.testing.assert_array_equal(history["epoch"], np.arange(13))
    history["train_loss"][:] = 0                           # a copy: the session keeps its own
    assert session.history["train_loss"][0] > 0


def test_to_pandas_when_pandas_is_installed():
    pandas = pytest.importorskip("pandas")
    session = moons_session()
    session.run(5)
    frame = session.history.to_pandas()
    assert isinstance(frame, pandas.DataFrame) and list(frame.index) == list(range(6))
    np.testing.assert_array_equal(frame["test_loss"].to_numpy(), session.history["test_loss"])


def test_to_pandas_without_pandas_says_how_to_get_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match="pip install pandas"):
        moons_session().history.to_pandas()


def test_a_session_has_a_useful_repr():
    session = moons_session(validation_fraction=0.2)
    session.run(7)
    text = repr(session)
    for words in ("moons", "binary", "2-8-1", "tanh/sigmoid", "adam", "epoch 7",
                  "train loss", "val loss", "validation"):
        assert words in text
    assert "0x" not in text


@pytest.mark.parametrize("dataset", ["moons", "spiral", "paraboloid", "digits"])
def test_the_picture_of_a_session_is_a_png_of_its_size(dataset):
    data = datasets.load(dataset, **({"n_samples": 300} if dataset == "digits" else {}))
    net = Network([data.n_inputs, 6, data.n_outputs],
                  output={"binary": "sigmoid", "multiclass": "softmax"}.get(data.task,
                                                                           "identity"))
    session = TrainingSession(net, data, optimizer="adam", learning_rate=0.02)
    session.run(3)
    png = session._repr_png_()
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == SIZE
    pixels = np.asarray(image.convert("RGB"))
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 20       # something is drawn


def test_a_notebook_shows_a_session_as_a_picture(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(source) for source in NOTEBOOK_CELLS])
    client = nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    try:
        client.execute()
    except (nbclient.exceptions.DeadKernelError, RuntimeError) as exc:
        if "kernel" in str(exc).lower() and not isinstance(
                exc, nbclient.exceptions.CellExecutionError):
            pytest.skip(f"a Jupyter kernel cannot start here: {exc}")
        raise
    shown = notebook.cells[2].outputs[0]["data"]
    assert "image/png" in shown and "TrainingSession moons" in shown["text/plain"]
    image = Image.open(io.BytesIO(base64.b64decode(shown["image/png"])))
    assert image.size == SIZE
    scores = notebook.cells[3].outputs[0]["data"]["text/plain"]
    assert "'loss':" in scores and "np.float64" not in scores
