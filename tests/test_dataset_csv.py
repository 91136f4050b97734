"""Your own data from CSV files (backprop_lab.engine.io.csv_dataset, csv_write, csv_split) and the
handwritten digits dataset."""
import json
import math
import os
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_lab.engine import Network, TrainingSession, datasets
from backprop_lab.engine.io.csv_dataset import MAX_ROWS, read_csv
from backprop_lab.engine.io.csv_split import resplit
from backprop_lab.engine.io.csv_write import write_csv
from backprop_lab.engine.data.datasets import Dataset

BAD = Path(__file__).resolve().parent / "data" / "bad"
BAD_FILES = sorted(BAD.glob("csv-*.csv"))
EXPECTED = json.loads((BAD / "csv-expected.json").read_text(encoding="utf-8"))


def write(tmp_path, name, text, encoding="utf-8"):
    path = Path(tmp_path) / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def pooled(data):
    """Every (point, label) of the data, sorted: a split-independent view of the rows."""
    points = np.vstack([data.points_train, data.points_test])
    labels = np.concatenate([data.y_train, data.y_test])
    return sorted(zip(map(tuple, points.tolist()), labels.tolist()))


def blobs_csv(tmp_path, n=80, seed=0, name="blobs.csv"):
    rng = np.random.default_rng(seed)
    rows = ["x1,x2,kind"]
    for k in range(n):
        cls = k % 2
        x, y = rng.normal([2.0, 2.0] if cls else [-2.0, -2.0], 0.8).tolist()
        rows.append(f"{x!r},{y!r},{'blue' if cls else 'orange'}")
    return write(tmp_path, name, "\n".join(rows) + "\n")


# ---------------------------------------------------------------------- bad files
def test_the_bad_corpus_has_at_least_twenty_files_each_with_expectations():
    assert len(BAD_FILES) >= 20
    assert {p.name for p in BAD_FILES} == set(EXPECTED)
    assert all(EXPECTED[name] for name in EXPECTED)


@pytest.mark.parametrize("path", BAD_FILES, ids=lambda p: p.stem)
def test_every_bad_csv_is_refused_with_the_line_and_column(path):
    with pytest.raises(ValueError) as info:
        read_csv(path)
    message = str(info.value)
    for part in EXPECTED[path.name]:
        assert part in message, f"{part!r} not in {message!r}"


GOOD = "a,b,label\n1,2,0\n3,4,1\n5,6,0\n"


@pytest.mark.parametrize("kwargs,parts", [
    ({"target": "species"}, ['target column "species" not found', '"a"', '"label"']),
    ({"target": 3}, ["index 3 is out of range", "3 columns"]),
    ({"target": -4}, ["index -4 is out of range"]),
    ({"target": 1.5}, ["column name or a 0-based column index"]),
    ({"target": True}, ["column name or a 0-based column index"]),
    ({"task": "clustering"}, ["task must be"]),
    ({"test_fraction": 1.0}, ["test_fraction"]),
    ({"test_fraction": float("nan")}, ["test_fraction"]),
    ({"seed": -1}, ["seed"]),
])
def test_bad_options_are_refused(tmp_path, kwargs, parts):
    path = write(tmp_path, "good.csv", GOOD)
    with pytest.raises(ValueError) as info:
        read_csv(path, **kwargs)
    for part in parts:
        assert part in str(info.value)


def test_a_test_fraction_that_leaves_no_training_rows_is_refused(tmp_path):
    path = write(tmp_path, "two.csv", "x,y,label\n1,2,0\n3,4,1\n")
    with pytest.raises(ValueError, match="no training samples"):
        read_csv(path, test_fraction=0.8)
    assert len(read_csv(path, test_fraction=0.7).y_train) == 1


def test_a_target_name_needs_a_header(tmp_path):
    path = write(tmp_path, "plain.csv", "1,2,0\n3,4,1\n")
    with pytest.raises(ValueError, match="no header"):
        read_csv(path, target="y")


def test_forced_regression_refuses_a_text_target(tmp_path):
    path = write(tmp_path, "pets.csv", "x,y,kind\n1,2,3.5\n3,4,cat\n")
    with pytest.raises(ValueError) as info:
        read_csv(path, task="regression")
    message = str(info.value)
    assert 'line 3, column 3 ("kind")' in message and '"cat" is not a number' in message
    assert "regression target" in message


def test_forced_classification_still_has_at_most_ten_classes(tmp_path):
    rows = "\n".join(f"{k},{k % 3},{k}" for k in range(12))
    path = write(tmp_path, "many.csv", "a,b,c\n" + rows + "\n")
    assert read_csv(path).task == "regression"               # 12 whole numbers: a regression
    with pytest.raises(ValueError, match="12 classes"):
        read_csv(path, task="classification")


def test_too_many_rows_are_refused(tmp_path):
    path = write(tmp_path, "huge.csv", "x,y\n" + "1,0\n" * (MAX_ROWS + 1))
    with pytest.raises(ValueError, match="more than 100,000"):
        read_csv(path)
    ok = write(tmp_path, "big.csv", "x,y\n" + "1,0\n2,1\n" * (MAX_ROWS // 2))
    assert len(read_csv(ok, test_fraction=0.0).y_train) == MAX_ROWS


def test_a_missing_file_is_a_value_error(tmp_path):
    with pytest.raises(ValueError, match="cannot read"):
        read_csv(tmp_path / "nowhere.csv")


# ---------------------------------------------------------------------- good files
def test_header_names_the_columns_and_text_labels_become_sorted_classes(tmp_path):
    text = ("sepal_length,sepal_width,petal_length,petal_width,species\n"
            "5.1,3.5,1.4,0.2,setosa\n7.0,3.2,4.7,1.4,versicolor\n6.3,3.3,6.0,2.5,virginica\n"
            "4.9,3.0,1.4,0.2,setosa\n6.4,3.2,4.5,1.5,versicolor\n5.8,2.7,5.1,1.9,virginica\n")
    data = read_csv(write(tmp_path, "iris.csv", text), test_fraction=0.0)
    assert data.name == "iris" and data.task == "multiclass" and data.n_classes == 3
    assert data.class_names == ("setosa", "versicolor", "virginica")
    assert not data.is_planar
    assert data.input_names == ("sepal_length", "sepal_width", "petal_length", "petal_width")
    assert data.n_inputs == 4 and data.n_outputs == 3
    np.testing.assert_array_equal(data.X_train, data.points_train)
    rows = {tuple(p): y for p, y in zip(data.points_train.tolist(), data.y_train.tolist())}
    assert rows[(5.1, 3.5, 1.4, 0.2)] == 0 and rows[(7.0, 3.2, 4.7, 1.4)] == 1
    assert rows[(5.8, 2.7, 5.1, 1.9)] == 2
    assert data.params == {"source": "iris.csv", "target": "species",
                           "columns": ["sepal_length", "sepal_width", "petal_length",
                                       "petal_width"],
                           "header": True, "test_fraction": 0.0, "seed": 0}


def test_without_a_header_columns_are_x1_to_xd_and_y(tmp_path):
    data = read_csv(write(tmp_path, "plain.csv", "1,2,3,0\n4,5,6,1\n7,8,9,1\n"),
                    test_fraction=0.0, name="mine")
    assert data.name == "mine" and data.params["header"] is False
    assert data.input_names == ("x1", "x2", "x3") and data.params["target"] == "y"
    assert data.task == "binary" and data.class_names == ("0", "1")
    assert pooled(data) == [((1.0, 2.0, 3.0), 0), ((4.0, 5.0, 6.0), 1), ((7.0, 8.0, 9.0), 1)]


@pytest.mark.parametrize("text", [
    "x;y;label\n1.5;2;0\n3;4.25;1\n-5;6;0\n",
    "x\ty\tlabel\n1.5\t2\t0\n3\t4.25\t1\n-5\t6\t0\n",
    "\ufeff# a comment\r\nx,y,label\r\n1.5,2,0\r\n\r\n# another\r\n3,4.25,1\r\n-5,6,0\r\n",
    "# points\n x , y , label \n 1.5 , 2 , 0 \n3,4.25,1\n\n-5,6,0\n",
    "x,y,label,\n1.5,2,0,\n3,4.25,1,\n-5,6,0,\n",          # a delimiter at every line end
    'x,y,label\n"1.5","2",0\n3,4.25,1\n-5,6,"0"\n',
    "1.5,2,0\n3,4.25,1\n-5,6,0\n",
])
def test_delimiters_bom_comments_spaces_and_quotes(tmp_path, text):
    data = read_csv(write(tmp_path, "d.csv", text), test_fraction=0.0)
    assert data.is_planar and data.task == "binary" and data.n_classes == 2
    assert pooled(data) == [((-5.0, 6.0), 0), ((1.5, 2.0), 0), ((3.0, 4.25), 1)]


def test_the_target_is_chosen_by_name_or_index(tmp_path):
    path = write(tmp_path, "t.csv", "kind,a,b\ncat,1,0.5\ndog,2,1.5\ncat,3,2.5\n")
    by_name = read_csv(path, target="kind", test_fraction=0.0)
    by_index = read_csv(path, target=0, test_fraction=0.0)
    by_negative = read_csv(path, target=-3, test_fraction=0.0)
    by_folded_name = read_csv(path, target="KIND", test_fraction=0.0)
    for data in (by_name, by_index, by_negative, by_folded_name):
        assert data.class_names == ("cat", "dog") and data.params["target"] == "kind"
        assert pooled(data) == [((1.0, 0.5), 0), ((2.0, 1.5), 1), ((3.0, 2.5), 0)]
    numbers = write(tmp_path, "n.csv", "a,b,c\n1,0.5,7\n2,1.5,8\n3,2.5,7\n")
    middle = read_csv(numbers, target=np.int64(1), test_fraction=0.0)
    assert middle.task == "regression" and middle.params["columns"] == ["a", "c"]
    assert pooled(middle) == [((1.0, 7.0), 0.5), ((2.0, 8.0), 1.5), ((3.0, 7.0), 2.5)]
    last = read_csv(numbers, test_fraction=0.0)
    assert last.task == "binary" and last.class_names == ("7", "8")


def test_a_text_input_column_is_one_hot_or_refused_as_asked(tmp_path):
    path = write(tmp_path, "t.csv", "kind,a,b\ncat,1,0.5\ndog,2,1.5\n")
    with pytest.raises(ValueError, match=r'line 2, column 1 \("kind"\): "cat" is not a number; '
                                         r'every input must be a finite number \(a column of '
                                         r'categories: encode it one-hot or ignore it\)'):
        read_csv(path, target="a", categories="refuse")
    data = read_csv(path, target="a", test_fraction=0.0, task="regression")
    assert data.input_names == ("kind=cat", "kind=dog", "b") and data.task == "regression"
    assert pooled(data) == [((0.0, 1.0, 1.5), 2.0), ((1.0, 0.0, 0.5), 1.0)]


def test_planar_data_has_a_padded_domain_around_every_point(tmp_path):
    data = read_csv(blobs_csv(tmp_path), test_fraction=0.25, seed=3)
    assert data.is_planar and data.features == ("x1", "x2")
    assert data.input_labels == ("x1", "x2") and data.class_names == ("blue", "orange")
    points = np.vstack([data.points_train, data.points_test])
    for k, (lo, hi) in enumerate(data.domain):
        span = points[:, k].max() - points[:, k].min()
        assert lo < points[:, k].min() and points[:, k].max() < hi
        assert math.isclose(points[:, k].min() - lo, 0.1 * span)
        assert math.isclose(hi - points[:, k].max(), 0.1 * span)
    # derived features work on imported 2-D data
    assert data.with_features(["x1", "x2", "x1*x2"]).X_train.shape == (60, 3)


def test_a_constant_column_gets_a_unit_margin(tmp_path):
    data = read_csv(write(tmp_path, "flat.csv", "a,b,c\n3,1,0\n3,2,1\n3,5,0\n"))
    assert data.domain[0] == (2.0, 4.0)
    assert data.domain[1] == pytest.approx((0.6, 5.4))


def test_regression_is_detected_from_the_numbers(tmp_path):
    rows = "\n".join(f"{k / 10},{k % 7},{(k / 10) ** 2 + 0.5}" for k in range(20))
    data = read_csv(write(tmp_path, "r.csv", "u,v,w\n" + rows + "\n"))
    assert data.task == "regression" and data.n_classes == 0 and data.class_names == ()
    assert data.y_train.dtype == np.float64 and data.default_loss == "mse"


def test_whole_numbers_are_classes_up_to_ten_values_else_a_regression(tmp_path):
    few = "\n".join(f"{k},{-k},{[3, 5, 9][k % 3]}" for k in range(9))
    data = read_csv(write(tmp_path, "few.csv", "a,b,c\n" + few + "\n"), test_fraction=0.0)
    assert data.task == "multiclass" and data.class_names == ("3", "5", "9")
    assert {(p[0], y) for p, y in pooled(data)} == {(k, k % 3) for k in range(9)}
    floats = "\n".join(f"{k},{-k},{[1.0, 2.0][k % 2]}" for k in range(6))
    assert read_csv(write(tmp_path, "f.csv", "a,b,c\n" + floats + "\n")).class_names == \
        ("1", "2")
    many = "\n".join(f"{k},{-k},{k * 3}" for k in range(11))
    data = read_csv(write(tmp_path, "many.csv", "a,b,c\n" + many + "\n"))
    assert data.task == "regression"
    forced = read_csv(write(tmp_path, "few2.csv", "a,b,c\n" + few + "\n"), task="regression")
    assert forced.task == "regression" and set(forced.y_train.tolist()) <= {3.0, 5.0, 9.0}
    halves = "\n".join(f"{k},{-k},{[0.5, 1.5][k % 2]}" for k in range(6))
    forced = read_csv(write(tmp_path, "h.csv", "a,b,c\n" + halves + "\n"),
                      task="classification")
    assert forced.task == "binary" and forced.class_names == ("0.5", "1.5")


def test_split_is_reproducible_and_independent_of_the_row_order(tmp_path):
    path = blobs_csv(tmp_path)
    a = read_csv(path, test_fraction=0.3, seed=4)
    b = read_csv(path, test_fraction=0.3, seed=4)
    assert len(a.y_train) == 56 and len(a.y_test) == 24
    np.testing.assert_array_equal(a.points_train, b.points_train)
    assert a.points_train.tolist() != read_csv(path, seed=5).points_train.tolist()
    lines = path.read_text().splitlines()
    shuffled = [lines[0]] + [lines[k] for k in np.random.default_rng(0).permutation(
        np.arange(1, len(lines)))]
    c = read_csv(write(tmp_path, "shuffled.csv", "\n".join(shuffled)), test_fraction=0.3, seed=4)
    np.testing.assert_array_equal(a.points_train, c.points_train)
    np.testing.assert_array_equal(a.y_test, c.y_test)


# ---------------------------------------------------------------------- write, round trip
def test_write_csv_writes_a_header_and_class_names(tmp_path):
    data = read_csv(blobs_csv(tmp_path), test_fraction=0.25)
    out = write_csv(data, tmp_path / "out.csv")
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "x1,x2,label" and len(lines) == 81
    first = lines[1].split(",")
    assert first[2] in ("blue", "orange")
    assert [float(v) for v in first[:2]] == data.points_train[0].tolist()   # train rows first
    assert [p.name for p in tmp_path.iterdir()] and \
        not [p for p in tmp_path.iterdir() if p.suffix == ".tmp"]
    regression = datasets.load("paraboloid", n_samples=20)
    assert write_csv(regression, tmp_path / "r.csv").read_text().startswith("x1,x2,target\n")


def test_write_csv_replaces_a_file_atomically(tmp_path, monkeypatch):
    path = tmp_path / "data.csv"
    path.write_text("old contents\n")
    data = datasets.load("moons", n_samples=30)

    def broken_replace(src, dst):
        raise OSError("disk full")
    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        write_csv(data, path)
    assert path.read_text() == "old contents\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.csv"]     # no temp file left
    monkeypatch.undo()
    write_csv(data, path)
    assert read_csv(path).params["columns"] == ["x1", "x2"]


@pytest.mark.parametrize("name", ["moons", "spiral", "paraboloid", "xor", "digits"])
def test_round_trip_of_the_built_in_datasets_is_exact(tmp_path, name):
    data = datasets.load(name, n_samples=200 if name != "xor" else None,
                         n_classes=3 if name == "spiral" else None)
    back = read_csv(write_csv(data, tmp_path / f"{name}.csv"), test_fraction=0.0,
                    task="regression" if data.task == "regression" else None)
    assert back.task == data.task and back.n_classes == data.n_classes
    assert pooled(back) == pooled(data)
    if name == "digits":
        assert back.input_names == data.input_names and back.class_names == data.class_names


def test_unsorted_class_names_are_written_as_numbers_to_keep_the_labels(tmp_path):
    data = datasets.load("gaussians", n_samples=30, n_classes=3)
    named = Dataset(**{**{f: getattr(data, f) for f in (
        "name", "task", "points_train", "y_train", "points_test", "y_test", "n_classes",
        "domain")}, "class_names": ("zebra", "ant", "moth")})
    back = read_csv(write_csv(named, tmp_path / "z.csv"), test_fraction=0.0)
    assert pooled(back) == pooled(named) and back.class_names == ("0", "1", "2")
    sorted_names = Dataset(**{**{f: getattr(data, f) for f in (
        "name", "task", "points_train", "y_train", "points_test", "y_test", "n_classes",
        "domain")}, "class_names": ("ant", "bee, wasp", "moth")})
    back = read_csv(write_csv(sorted_names, tmp_path / "s.csv"), test_fraction=0.0)
    assert pooled(back) == pooled(sorted_names)
    assert back.class_names == ("ant", "bee, wasp", "moth")


finite = st.floats(allow_nan=False, allow_infinity=False, width=64)
label_texts = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("C", "Z")),
                      min_size=1, max_size=8)


@st.composite
def csv_datasets(draw):
    d = draw(st.integers(1, 4))
    n = draw(st.integers(2, 25))
    points = np.array(draw(st.lists(st.lists(finite, min_size=d, max_size=d),
                                    min_size=n, max_size=n)), dtype=np.float64)
    regression = draw(st.booleans())
    if regression:
        y = np.array(draw(st.lists(finite, min_size=n, max_size=n)), dtype=np.float64)
        task, k, names = "regression", 0, ()
    else:
        k = draw(st.integers(2, min(n, 10)))
        y = np.array([i % k for i in range(n)], dtype=np.int64)[  # every class occurs
            draw(st.permutations(range(n)))]
        task = "binary" if k == 2 else "multiclass"
        names = draw(st.one_of(st.just(()), st.lists(label_texts, min_size=k, max_size=k,
                                                     unique=True).map(tuple)))
    labels = draw(st.one_of(st.just(()), st.lists(
        st.text(alphabet="abcxyz_ ,;", min_size=1, max_size=6), min_size=d, max_size=d,
        unique=True).map(tuple)))
    n_test = draw(st.integers(0, n - 1))
    return Dataset(name="h", task=task, points_train=points[n_test:], y_train=y[n_test:],
                   points_test=points[:n_test], y_test=y[:n_test], n_classes=k,
                   class_names=names, input_labels=labels)


@settings(max_examples=60, deadline=None)
@given(csv_datasets())
def test_write_then_read_gives_back_exactly_the_same_points_and_labels(data):
    with tempfile.TemporaryDirectory() as folder:
        path = write_csv(data, Path(folder) / "h.csv")
        back = read_csv(path, test_fraction=0.0,
                        task="regression" if data.task == "regression" else None)
    assert back.task == data.task and back.n_classes == data.n_classes
    every = np.vstack([data.points_train, data.points_test])
    got = back.points_train
    # exact: the same multiset of rows, bit for bit (−0.0 stays −0.0)
    assert sorted(r.tobytes() + np.int64(0).tobytes() for r in every) == \
        sorted(r.tobytes() + np.int64(0).tobytes() for r in got)
    assert pooled(back) == pooled(data)
    assert len(back.input_labels) == every.shape[1]
    if data.input_labels and all(s == s.strip() for s in data.input_labels):
        assert back.input_labels == data.input_labels
    if data.class_names and sorted(data.class_names) == list(data.class_names) \
            and all(s.isalpha() for s in data.class_names):
        assert back.class_names == data.class_names


# ---------------------------------------------------------------------- resplit
def test_resplit_keeps_the_pooled_rows_and_everything_else(tmp_path):
    data = read_csv(blobs_csv(tmp_path), test_fraction=0.3, seed=1)
    again = resplit(data, 0.5, 7)
    assert len(again.y_train) == 40 and len(again.y_test) == 40
    assert pooled(again) == pooled(data)
    assert again.params["test_fraction"] == 0.5 and again.params["seed"] == 7
    assert again.params["source"] == "blobs.csv"
    for field in ("name", "task", "n_classes", "class_names", "domain", "input_labels",
                  "features"):
        assert getattr(again, field) == getattr(data, field)
    # the split depends only on the rows, the fraction and the seed
    back = resplit(again, 0.3, 1)
    np.testing.assert_array_equal(back.points_train, data.points_train)
    np.testing.assert_array_equal(back.y_test, data.y_test)
    assert len(resplit(data, 0.0, 0).y_test) == 0
    with pytest.raises(ValueError, match="test_fraction"):
        resplit(data, 1.0, 0)
    with pytest.raises(ValueError, match="seed"):
        resplit(data, 0.2, -3)


def test_resplit_works_on_generated_and_drawn_data():
    data = datasets.load("circles", n_samples=50)
    again = resplit(data, 0.2, 3)
    assert len(again.y_test) == 10 and pooled(again) == pooled(data)


# ---------------------------------------------------------------------- training
def test_a_session_learns_imported_data(tmp_path):
    data = read_csv(blobs_csv(tmp_path), test_fraction=0.25)
    net = Network([data.n_inputs, 4, data.n_outputs], hidden="tanh",
                  output=data.default_output, seed=0)
    session = TrainingSession(net, data, optimizer="adam", learning_rate=0.05, batch_size=16)
    session.run(40)
    assert session.evaluate("train")["accuracy"] >= 0.9
    assert session.evaluate("test")["accuracy"] >= 0.9


def test_a_session_learns_imported_4d_multiclass_data(tmp_path):
    rng = np.random.default_rng(2)
    X = rng.normal(size=(120, 4))
    y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0.5)
    rows = ["a,b,c,d,grade"] + [",".join(map(repr, x.tolist())) + f",{'ABC'[c]}"
                                for x, c in zip(X, y)]
    data = read_csv(write(tmp_path, "grades.csv", "\n".join(rows)), test_fraction=0.2)
    assert data.n_inputs == 4 and data.n_outputs == 3 and data.class_names == ("A", "B", "C")
    net = Network([4, 8, 3], hidden="relu", output="softmax", init="he", seed=0)
    session = TrainingSession(net, data, optimizer="adam", learning_rate=0.03, batch_size=16)
    session.run(60)
    assert session.evaluate("train")["accuracy"] >= 0.9


def test_input_labels_must_match_the_inputs():
    with pytest.raises(ValueError, match="input labels"):
        Dataset(name="x", task="regression", points_train=np.zeros((2, 3)), y_train=np.zeros(2),
                points_test=np.zeros((0, 3)), y_test=np.zeros(0), input_labels=("a", "b"))
    planar = Dataset(name="x", task="regression", points_train=np.zeros((2, 2)),
                     y_train=np.zeros(2), points_test=np.zeros((0, 2)), y_test=np.zeros(0),
                     input_labels=("width", "height"))
    assert planar.input_names == ("x1", "x2")            # 2-D data keeps its features


# ---------------------------------------------------------------------- digits
def test_digits_are_1797_images_of_64_pixels_in_ten_classes():
    data = datasets.load("digits")
    every = np.vstack([data.points_train, data.points_test])
    labels = np.concatenate([data.y_train, data.y_test])
    assert every.shape == (1797, 64) and len(data.y_test) == round(1797 * 0.3)
    assert data.task == "multiclass" and data.n_classes == 10 and data.n_outputs == 10
    assert data.class_names == tuple("0123456789")
    assert np.bincount(labels).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    assert every.min() == 0.0 and every.max() == 1.0
    assert np.all(np.isclose(every * 16, np.round(every * 16)))         # pixels k/16
    assert data.params["image_shape"] == (8, 8)
    assert data.n_inputs == 64 and not data.is_planar
    assert data.input_names[:3] == ("p0_0", "p0_1", "p0_2") and data.input_names[-1] == "p7_7"
    assert max(map(len, data.input_names)) <= 4
    assert datasets.describe("digits")
    assert datasets.load("digits").points_train.tolist() == data.points_train.tolist()


def test_digits_subset_noise_and_limits():
    small = datasets.load("digits", n_samples=100, seed=2, test_fraction=0.2)
    assert len(small.y_train) == 80 and len(small.y_test) == 20
    assert small.params["n_samples"] == 100
    full = datasets.digits_data()[0] / 16.0
    rows = {r.tobytes() for r in full}
    assert all(r.tobytes() in rows for r in small.points_train)          # real images
    noisy = datasets.load("digits", n_samples=100, seed=2, noise=0.1)
    clean = datasets.load("digits", n_samples=100, seed=2, noise=0.0)
    np.testing.assert_array_equal(noisy.y_train, clean.y_train)
    assert 0.05 < np.std(noisy.points_train - clean.points_train) < 0.15
    with pytest.raises(ValueError, match="1797"):
        datasets.load("digits", n_samples=1798)
    with pytest.raises(ValueError, match="exactly 10 classes"):
        datasets.load("digits", n_classes=3)


def test_a_missing_digits_file_is_a_clear_error(monkeypatch, tmp_path):
    from backprop_lab.engine.data import digits
    monkeypatch.setattr(digits, "DIGITS_FILE", tmp_path / "gone.csv.gz")
    monkeypatch.setattr(digits, "_digits_cache", None)
    with pytest.raises(ValueError, match="digits file is missing"):
        datasets.load("digits")


def test_a_64_32_10_network_learns_the_digits():
    start = time.perf_counter()
    data = datasets.load("digits")
    net = Network([64, 32, 10], hidden="relu", output="softmax", init="he", seed=0)
    session = TrainingSession(net, data, loss="cross_entropy", optimizer="adam",
                              learning_rate=0.01, batch_size=32)
    accuracy = 0.0
    for _ in range(30):
        session.run(1)
        accuracy = session.evaluate("test")["accuracy"]
        if accuracy >= 0.9:
            break
    assert accuracy >= 0.9
    assert time.perf_counter() - start < 10


# ---------------------------------------------------------------------- standardize
def height_weight_csv(tmp_path, n=200, seed=0, name="people.csv"):
    """Heights in cm (150…200) and weights in kg (50…100); "large" when height + weight > 250:
    a linear rule, but far from the origin and at a slant no raw tanh unit lines up with."""
    rng = np.random.default_rng(seed)
    height, weight = rng.uniform(150, 200, n), rng.uniform(50, 100, n)
    large = (height + weight > 250).astype(int)
    rows = ["height (cm),weight kg,large"] + [f"{h:.1f},{w:.1f},{c}"
                                              for h, w, c in zip(height, weight, large)]
    return write(tmp_path, name, "\n".join(rows) + "\n")


def train_2_4_1(data, optimizer="adam", epochs=200):
    net = Network([2, 4, 1], hidden="tanh", output="sigmoid", init="xavier", seed=0)
    session = TrainingSession(net, data, optimizer=optimizer, learning_rate=0.03)
    session.run(epochs)
    return session


def test_standardized_inputs_let_a_small_network_learn_data_in_real_units(tmp_path):
    path = height_weight_csv(tmp_path)
    raw = read_csv(path)
    scaled = read_csv(path, standardize=True)
    assert "standardize" not in raw.params
    for optimizer in ("sgd", "adam"):
        assert train_2_4_1(raw, optimizer).evaluate("train")["accuracy"] < 0.9
    assert train_2_4_1(scaled).evaluate("train")["accuracy"] >= 0.95
    assert train_2_4_1(scaled, "sgd").evaluate("train")["accuracy"] >= 0.9
    # the points keep the file's units; only the network's inputs change
    np.testing.assert_array_equal(scaled.points_train, raw.points_train)
    np.testing.assert_array_equal(raw.X_train, raw.points_train)
    assert 150 <= scaled.points_train[:, 0].min() and scaled.points_train[:, 1].max() <= 100
    for X in (scaled.X_train, np.vstack([scaled.X_train, scaled.X_test])):
        np.testing.assert_allclose(X.mean(axis=0), 0.0, atol=0.15)
        np.testing.assert_allclose(X.std(axis=0), 1.0, atol=0.1)
    every = np.vstack([scaled.X_train, scaled.X_test])              # over all rows: exact
    np.testing.assert_allclose(every.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(every.std(axis=0), 1.0, rtol=1e-12)
    scale = scaled.params["standardize"]
    points = np.vstack([raw.points_train, raw.points_test])
    assert set(scale) == {"mean", "std"}
    assert all(type(v) is float for v in scale["mean"] + scale["std"])
    np.testing.assert_allclose(scale["mean"], points.mean(axis=0), rtol=1e-15)
    np.testing.assert_allclose(scale["std"], points.std(axis=0), rtol=1e-15)
    np.testing.assert_array_equal(
        scaled.X_test, (scaled.points_test - scale["mean"]) / scale["std"])
    json.dumps(scaled.params)                                         # JSON-able as it is


def test_standardizing_comes_before_the_derived_features(tmp_path):
    data = read_csv(height_weight_csv(tmp_path), standardize=True)
    mean, std = (np.asarray(data.params["standardize"][k]) for k in ("mean", "std"))
    z = (data.points_train - mean) / std
    wide = data.with_features(["x1", "x2", "x1^2", "x1*x2", "sin(x2)"])
    assert wide.params["standardize"] == data.params["standardize"]
    np.testing.assert_allclose(wide.X_train, np.column_stack(
        [z[:, 0], z[:, 1], z[:, 0] ** 2, z[:, 0] * z[:, 1], np.sin(z[:, 1])]), rtol=1e-15)
    grid = np.array([[175.0, 75.0], [150.0, 100.0]])                 # e.g. the plot's grid
    np.testing.assert_allclose(data.inputs(grid), (grid - mean) / std, rtol=1e-15)


def test_standardizing_data_that_is_not_2d_and_a_constant_column(tmp_path):
    rows = ["a,b,c,label"] + [f"{k * 10.0},{-k / 4},7.5,{k % 2}" for k in range(10)]
    data = read_csv(write(tmp_path, "c.csv", "\n".join(rows) + "\n"), standardize=True)
    assert not data.is_planar
    scale = data.params["standardize"]
    assert scale["std"][2] == 1.0 and scale["mean"][2] == 7.5        # constant: std 1
    every = np.vstack([data.X_train, data.X_test])
    np.testing.assert_allclose(every[:, :2].std(axis=0), 1.0, rtol=1e-12)
    assert (every[:, 2] == 0.0).all()


def test_standardization_survives_resplit_write_and_the_session_file(tmp_path):
    from backprop_lab.engine import load_session, save_session
    data = read_csv(height_weight_csv(tmp_path), standardize=True, seed=2)
    again = resplit(data, 0.5, 9)
    assert again.params["standardize"] == data.params["standardize"]
    assert pooled(again) == pooled(data)
    # the CSV gets the raw points (in the file's units)
    back = read_csv(write_csv(data, tmp_path / "out.csv"), test_fraction=0.0)
    assert pooled(back) == pooled(data) and "standardize" not in back.params
    # a saved session keeps the standardization: identical inputs after opening
    session = train_2_4_1(data, epochs=5)
    save_session(session, tmp_path / "s.bplab")
    opened = load_session(tmp_path / "s.bplab")
    assert opened.data.params["standardize"] == data.params["standardize"]
    np.testing.assert_array_equal(opened.data.X_train, data.X_train)
    np.testing.assert_array_equal(opened.data.X_test, data.X_test)
    np.testing.assert_array_equal(opened.data.points_train, data.points_train)
    session.run(3)
    opened.run(3)
    np.testing.assert_array_equal(opened.network.theta, session.network.theta)


def test_a_bad_standardization_is_refused(tmp_path):
    with pytest.raises(ValueError, match="standardize must be True or False"):
        read_csv(height_weight_csv(tmp_path), standardize="yes")
    base = dict(name="x", task="regression", points_train=np.ones((3, 2)), y_train=np.zeros(3),
                points_test=np.zeros((0, 2)), y_test=np.zeros(0))
    for bad in ({"mean": [0.0]}, {"mean": [0.0, 1.0], "std": [1.0]},
                {"mean": [0.0, 1.0], "std": [1.0, 0.0]}, {"mean": [0.0, "a"], "std": [1, 1]},
                {"mean": [0.0, float("nan")], "std": [1.0, 1.0]}, [0.0, 1.0]):
        with pytest.raises(ValueError, match=r'params\["standardize"\]'):
            Dataset(**base, params={"standardize": bad})
    ok = Dataset(**base, params={"standardize": {"mean": (1, 1), "std": np.array([2.0, 4.0])}})
    np.testing.assert_array_equal(ok.X_train, np.zeros((3, 2)))
    assert ok.standardization[1].tolist() == [2.0, 4.0]
    assert Dataset(**base).standardization is None


def test_an_exported_script_of_standardized_data_trains_like_the_engine(tmp_path):
    import subprocess
    import sys

    from backprop_lab.engine.export import numpy_script
    data = read_csv(height_weight_csv(tmp_path, n=60), standardize=True)
    net = Network([2, 4, 1], hidden="tanh", output="sigmoid", init="xavier", seed=0)
    session = TrainingSession(net, data, optimizer="adam", learning_rate=0.03, batch_size=16)
    session.run(2)
    script = tmp_path / "export.py"
    script.write_text(numpy_script(session), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-W", "error", str(script), "--epochs", "3"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    got = {}
    for line in proc.stdout.splitlines():
        if line.startswith("final "):
            key, _, value = line[len("final "):].partition(": ")
            got[key] = float(value)
    session.run(3)
    expected = session.history.latest
    assert got["epoch"] == expected["epoch"] == 5
    for key in ("train loss", "train accuracy", "test loss", "test accuracy"):
        assert got[key] == pytest.approx(expected[key.replace(" ", "_")], rel=1e-9, abs=1e-12)


# ---------------------------------------------------------------------- input titles
def test_imported_2d_data_writes_its_features_with_the_column_names(tmp_path):
    data = read_csv(height_weight_csv(tmp_path), standardize=True)
    assert data.input_names == ("x1", "x2")
    assert data.axis_titles == ("height (cm)", "weight kg")
    assert data.input_titles == ("height (cm)", "weight kg")
    wide = data.with_features(["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"])
    assert wide.input_titles == ("height (cm)", "weight kg", "height (cm)²", "weight kg²",
                                 "height (cm)·weight kg", "sin(height (cm))",
                                 "sin(weight kg)")
    # a header-less file (columns x1, x2) keeps the math labels
    plain = read_csv(write(tmp_path, "p.csv", "1,2,0\n3,4,1\n5,6,0\n"))
    assert plain.axis_titles == ("x₁", "x₂")
    assert plain.with_features(["x1^2", "x1*x2"]).input_titles == ("x₁²", "x₁x₂")
    # data that is not 2-D: the column names
    iris = read_csv(write(tmp_path, "i.csv", "a,b,c,label\n1,2,3,0\n4,5,6,1\n"))
    assert iris.input_titles == iris.input_names == ("a", "b", "c")
    with pytest.raises(ValueError, match="not a 2-D dataset"):
        iris.axis_titles


# ---------------------------------------------------------------------- header detection
@pytest.mark.parametrize("text,columns,target,classes", [
    # numbers as column names (years, pandas' integer column names) with a text target name
    ("2019,2020,label\n1.0,2.0,0\n3.0,4.0,1\n", ["2019", "2020"], "label", ("0", "1")),
    ("2019,2020,label\n1,2,0\n3,4,1\n", ["2019", "2020"], "label", ("0", "1")),
    ("0,1,label\n0,1,0\n2,3,1\n", ["0", "1"], "label", ("0", "1")),
    ("2019;2020;animal\n1.0;2;cat\n3;4;dog\n", ["2019", "2020"], "animal", ("cat", "dog")),
    # the numbers in the first row are not written like the data (or are far from it)
    ("idx,2019,2020\n1.5,2.5,0\n3.5,4.5,1\n", ["idx", "2019"], "2020", ("0", "1")),
    # a column of class names under its name
    ("x,y,animal\n1,2,cat\n3,4,dog\n", ["x", "y"], "animal", ("cat", "dog")),
])
def test_a_first_row_of_column_names_is_a_header_even_with_numbers_in_it(
        tmp_path, text, columns, target, classes):
    data = read_csv(write(tmp_path, "h.csv", text), test_fraction=0.0, ignore=())
    assert data.params["header"] is True
    assert data.params["columns"] == columns and data.params["target"] == target
    assert data.class_names == classes and len(data.y_train) == 2


@pytest.mark.parametrize("text,parts", [
    # a typo in the first data row of a file without a header stays an error
    ("1.0,abc,0\n2.0,3.0,1\n4.0,5.0,0\n", ['line 1, column 2 ("x2")', '"abc"']),
    ("1,abc,0\n2,3,1\n4,5,0\n", ['line 1, column 2 ("x2")', '"abc"']),
    ("abc,2.5,1\n2.0,3.0,1\n4.0,5.0,0\n", ['line 1, column 1 ("x1")', '"abc"']),
    ("NA,2.0,1\n2.0,3.0,1\n4.0,5.0,0\n", ['line 1, column 1 ("x1")', '"NA"', "missing"]),
    ("1.0,2.0,NA\n2.0,3.0,1\n4.0,5.0,0\n", ['line 1, column 3 ("y")', "missing"]),
])
def test_a_typo_in_the_first_row_of_data_is_not_a_header(tmp_path, text, parts):
    with pytest.raises(ValueError) as info:
        read_csv(write(tmp_path, "t.csv", text))
    for part in parts:
        assert part in str(info.value)


def test_naming_the_target_picks_the_first_row_as_the_header(tmp_path):
    path = write(tmp_path, "n.csv", "0.5,size,label\n0,1,0\n2,3,1\n")
    data = read_csv(path, target="size", test_fraction=0.0)
    assert data.params["columns"] == ["0.5", "label"] and data.task == "binary"


# ---------------------------------------------------------------------- numbers
@pytest.mark.parametrize("cell,value", [
    ("1", 1.0), ("-1.5", -1.5), ("+.5", 0.5), ("5.", 5.0), ("1e3", 1000.0),
    ("1E+05", 1e5), ("-2.5e-3", -0.0025), ("007", 7.0), ("0.1", 0.1)])
def test_plain_decimal_and_scientific_numbers_are_read(tmp_path, cell, value):
    data = read_csv(write(tmp_path, "n.csv", f"x,y,label\n{cell},1,0\n2,2,1\n"),
                    test_fraction=0.0)
    assert (value, 1.0) in [tuple(p) for p in data.points_train.tolist()]


@pytest.mark.parametrize("cell", ["1_000", "1_0.5", "0x10", "1e", "e5", "1.2.3",
                                  "\u0661\u0662", "\uff11", "1 000", "--1", "1,,5", "∞"])
def test_other_spellings_are_not_numbers(tmp_path, cell):
    path = write(tmp_path, "n.csv", f'x,y,label\n2,2,1\n"{cell}",1,0\n')
    with pytest.raises(ValueError, match=r'line 3, column 1 \("x"\): ".*" is not a number'):
        read_csv(path)


# ---------------------------------------------------------------------- decimal marks
@pytest.mark.parametrize("text", [
    "x;y;label\n1,5;2;0\n3;4;1\n-5;6;0\n",
    "x\ty\tlabel\n1,5\t2\t0\n3\t4\t1\n-5\t6\t0\n",
    "1,5;2;0\n3;4;1\n-5;6;0\n",               # commas in every row: still the semicolons split
    'x,y,label\n"1,5",2,0\n3,4,1\n-5,6,0\n',
])
def test_decimal_commas_are_read_with_a_notice(tmp_path, text):
    data = read_csv(write(tmp_path, "dc.csv", text), test_fraction=0.0)
    assert pooled(data) == [((-5.0, 6.0), 0), ((1.5, 2.0), 0), ((3.0, 4.0), 1)]
    assert any("decimal commas" in note for note in data.params["import_notes"])


def test_decimal_commas_in_the_target(tmp_path):
    path = write(tmp_path, "t.csv", "a;b;price\n1;2;0,5\n3;4;1,25\n5;6;2\n")
    data = read_csv(path, test_fraction=0.0)
    assert data.task == "regression" and sorted(data.y_train.tolist()) == [0.5, 1.25, 2.0]
    forced = read_csv(path, task="classification", test_fraction=0.0)
    assert forced.class_names == ("0.5", "1.25", "2")


@pytest.mark.parametrize("encoding,text,line", [
    ("latin-1", "x,y,label\n1,2,0\n3,4,1\n5,6,0 \xb0C\n", 4),
    ("cp1252", "größe;preis €;klasse\n1;2;0\n3;4;1\n", 1),
])
def test_windows_1252_text_is_read_with_a_notice(tmp_path, encoding, text, line):
    data = read_csv(write(tmp_path, "l.csv", text, encoding=encoding), test_fraction=0.0,
                    task="classification")
    note = data.params["import_notes"][0]
    assert note.startswith(f"the file is not UTF-8 text (line {line}); it was read as ")
    assert "save it as UTF-8" in note
    if encoding == "cp1252":
        assert data.input_labels == ("größe", "preis €")
    # a real binary file keeps the spreadsheet message
    with pytest.raises(ValueError, match="spreadsheet"):
        read_csv(write(tmp_path, "b.csv", b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(128, 256))))


def test_a_session_file_with_a_broken_standardization_is_refused(tmp_path):
    import zipfile

    from backprop_lab.engine import load_session, save_session
    data = read_csv(height_weight_csv(tmp_path, n=40), standardize=True)
    save_session(train_2_4_1(data, epochs=1), tmp_path / "s.bplab")
    with zipfile.ZipFile(tmp_path / "s.bplab") as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    doc = json.loads(members["session.json"])
    doc["data"]["params"]["standardize"]["std"] = [1.0, 0.0]
    members["session.json"] = json.dumps(doc).encode()
    with zipfile.ZipFile(tmp_path / "bad.bplab", "w") as archive:
        for name, raw in members.items():
            archive.writestr(name, raw)
    with pytest.raises(ValueError, match=r"bad\.bplab: the input scaling's deviations must "
                                         r"hold numbers > 0 only, not 0\.0"):
        load_session(tmp_path / "bad.bplab")
