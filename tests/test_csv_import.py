"""Real-world CSV files (backprop_lab.engine.io.csv_dataset): decimal commas, Windows-1252,
missing values and spreadsheet errors, ID and date columns, categories, the column report for
the import dialog, formula-safe export, and bounded work on hostile files."""
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from backprop_lab.engine.data.dataset import Dataset
from backprop_lab.engine.io.csv_dataset import inspect_csv, read_csv
from backprop_lab.engine.io.csv_write import write_csv

EXAMPLES = Path(__file__).resolve().parent / "data" / "csv"


def write(tmp_path, name, text, encoding="utf-8"):
    path = Path(tmp_path) / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def rows_of(data):
    points = np.vstack([data.points_train, data.points_test])
    labels = np.concatenate([data.y_train, data.y_test])
    return sorted(zip(map(tuple, points.tolist()), labels.tolist()))


def notes(data) -> str:
    return " | ".join(data.params.get("import_notes", []))


# ---------------------------------------------------------------------- the example files
def test_a_european_export_reads_with_decimal_commas_thousands_and_windows_1252():
    data = read_csv(EXAMPLES / "semicolon-decimal-comma.csv", test_fraction=0.0)
    assert data.input_labels == ("Größe", "Gewicht", "Preis")
    assert data.class_names == ("A", "B") and data.task == "binary"
    first = sorted(rows_of(data))[0][0]
    assert first == (1.0, 60.5, 1000.75)                  # "1,00;60,5;1.000,75"
    text = notes(data)
    assert "not UTF-8 text (line 1); it was read as Windows-1252" in text
    assert 'decimal commas (e.g. "1,00" on line 2)' in text
    assert 'thousands separators were removed (e.g. "1.000,75" on line 2)' in text


def test_missing_values_are_refused_dropped_or_filled_and_never_a_class():
    path = EXAMPLES / "missing-values.csv"
    with pytest.raises(ValueError, match=r'line 5, column 1 \("a"\): "NA" marks a missing '
                                         r"value; every input must be a finite number"):
        read_csv(path)
    dropped = read_csv(path, missing="drop", test_fraction=0.0)
    assert len(dropped.y_train) == 17 and dropped.class_names == ("0", "1")
    assert "3 rows with missing values dropped (lines 5, 9, 13)" in notes(dropped)
    filled = read_csv(path, missing="fill", test_fraction=0.0)
    assert len(filled.y_train) == 19 and filled.class_names == ("0", "1")   # "#N/A": no class
    a_values = sorted(p[0] for p, _ in rows_of(filled))
    mean_a = np.mean([k / 2 for k in range(20) if k not in (3, 11)])
    assert a_values.count(mean_a) == 1
    assert "1 row without a target dropped" in notes(filled)
    assert 'missing value in column 1 ("a") filled with its mean' in notes(filled)


def test_an_id_column_is_flagged_ignored_and_can_be_kept():
    path = EXAMPLES / "id-column.csv"
    data = read_csv(path)
    assert data.input_labels == ("height", "weight") and data.params["ignored"] == ["id"]
    assert 'column 1 ("id") was ignored: its name says it is an identifier' in notes(data)
    kept = read_csv(path, ignore=())
    assert kept.input_labels == ("id", "height", "weight") and "ignored" not in kept.params
    report = inspect_csv(path)
    assert [(c.name, c.type, c.role) for c in report.columns] == [
        ("id", "number", "ignore"), ("height", "number", "input"), ("weight", "number", "input"),
        ("species", "category", "target")]
    assert report.columns[0].id_like and report.columns[3].categories == ("cat", "dog")
    assert (report.rows, report.header, report.delimiter, report.encoding) == \
        (30, True, "comma", "utf-8")


def test_dates_are_ignored_and_categories_become_one_hot_inputs():
    path = EXAMPLES / "dates-and-categories.csv"
    data = read_csv(path, test_fraction=0.0)
    assert data.input_labels == ("color=blue", "color=green", "color=red", "size")
    assert 'column 1 ("date") was ignored: it holds dates' in notes(data)
    for point, _ in rows_of(data):
        assert sum(point[:3]) == 1.0
    with pytest.raises(ValueError, match=r'line 2, column 2 \("color"\): "red" is not a number'
                                         r".*encode it one-hot or ignore it"):
        read_csv(path, categories="refuse")
    with pytest.raises(ValueError, match=r'"2024-03-01" is not a number.*a column of dates'):
        read_csv(path, ignore=["color"])
    assert read_csv(path, ignore=[0, "color"]).input_labels == ("size",)
    report = inspect_csv(path)
    assert [c.type for c in report.columns] == ["date", "category", "number", "number"]
    assert [c.role for c in report.columns] == ["ignore", "input", "input", "target"]


def test_an_unnamed_index_column_and_row_numbers_are_ignored(tmp_path):
    data = read_csv(EXAMPLES / "unnamed-index.csv")
    assert data.input_labels == ("x", "y")
    assert "it has no name, like the index column" in notes(data)
    rows = "".join(f"{k},{(k * 7) % 5},{(k * 3) % 4},{k % 2}\n" for k in range(25))
    headerless = read_csv(write(tmp_path, "n.csv", rows))
    assert headerless.input_labels == ("x2", "x3")
    assert 'column 1 ("x1") was ignored: it numbers the rows 0, 1, 2…' in notes(headerless)
    few = "".join(f"{k},{(k * 7) % 5},{k % 2}\n" for k in range(10))
    assert read_csv(write(tmp_path, "few.csv", few)).input_labels == ("x1", "x2")
    sorted_heights = "h,w,label\n" + "".join(f"{150 + k},{k % 7},{k % 2}\n" for k in range(40))
    assert read_csv(write(tmp_path, "h.csv", sorted_heights)).input_labels == ("h", "w")


# ---------------------------------------------------------------------- never a class or comment
@pytest.mark.parametrize("error", ["#N/A", "#DIV/0!", "#VALUE!", "#NUM!", "#NULL!"])
def test_a_row_starting_with_a_spreadsheet_error_is_never_a_comment(tmp_path, error):
    path = write(tmp_path, "e.csv", f"x,y,label\n0.5,1,0\n{error},1,1\n1.5,2,1\n2.5,0,0\n")
    with pytest.raises(ValueError, match=r"line 3, column 1 \(\"x\"\): .* spreadsheet error"):
        read_csv(path)
    data = read_csv(path, missing="drop", test_fraction=0.0)
    assert len(data.y_train) == 3 and "1 row with missing values dropped (line 3)" in notes(data)


@pytest.mark.parametrize("spelling", ["#N/A", "<NA>", "NaT", "-", ".", "nil", "nan(ind)", "NA",
                                      "N/A", "null", "?", ""])
def test_a_missing_target_is_never_a_class(tmp_path, spelling):
    path = write(tmp_path, "t.csv", f"x,y,label\n0,1,0\n1,0,1\n2,2,{spelling}\n3,1,1\n")
    with pytest.raises(ValueError, match="line 4, column 3"):
        read_csv(path)
    data = read_csv(path, missing="drop", test_fraction=0.0)
    assert data.class_names == ("0", "1") and data.task == "binary"


def test_comments_only_in_a_file_that_starts_with_one(tmp_path):
    declared = write(tmp_path, "c.csv", "# measured on Monday\nx,y,label\n1,2,0\n# pause\n3,4,1\n")
    assert len(read_csv(declared, test_fraction=0.0).y_train) == 2
    undeclared = write(tmp_path, "u.csv", "x,y,label\n1,2,0\n# pause,1,1\n3,4,1\n")
    with pytest.raises(ValueError, match=r'line 3, column 1 \("x"\): "# pause" is not a number'):
        read_csv(undeclared)


# ---------------------------------------------------------------------- more text shapes
@pytest.mark.parametrize("raw", [
    b"x,y,label\r1,2,0\r3,4,1\r",                                  # old Mac line ends
    b"sep=;\nx;y;label\n1;2;0\n3;4;1\n",                           # a spreadsheet's sep= line
    b'x,"y",label\n1, "2",0\n"3","4",1\n',                         # quotes after a space
])
def test_other_line_ends_and_declared_delimiters(tmp_path, raw):
    data = read_csv(write(tmp_path, "o.csv", raw), test_fraction=0.0)
    assert rows_of(data) == [((1.0, 2.0), 0), ((3.0, 4.0), 1)]


def test_a_byte_order_mark_inside_the_file_is_ignored_with_a_notice(tmp_path):
    data = read_csv(write(tmp_path, "b.csv", "x,y,label\n1,2,0\n\ufeff3,4,1\n"))
    assert "line 3 starts with a byte-order mark" in notes(data)


@pytest.mark.parametrize("text,values,note", [
    ("a;b;label\n1,234;1;0\n2,5;2;1\n", [1.234, 2.5], None),        # evidence: a decimal comma
    ("a;b;label\n1,234;1;0\n12,345;2;1\n", [1.234, 12.345], "a lone comma was read as a "
                                                            "decimal comma"),
    ('a,b,label\n"1,234",1,0\n"12,345",2,1\n', [1234.0, 12345.0], "thousands separator"),
    ('a,b,label\n"1,234",1,0\n2.5,2,1\n', [2.5, 1234.0], None),     # evidence: a point
    ("a;b;label\n1.234;1;0\n0,5;2;1\n", [0.5, 1234.0], None),       # "1.234" in a comma file
])
def test_ambiguous_numbers_follow_the_file_or_say_how_they_were_read(tmp_path, text, values,
                                                                      note):
    data = read_csv(write(tmp_path, "a.csv", text), test_fraction=0.0)
    assert sorted(p[0] for p, _ in rows_of(data)) == values
    if note:
        assert note in notes(data)


def test_a_legal_multi_line_header_and_an_exported_newline_name_read_back(tmp_path):
    data = read_csv(write(tmp_path, "m.csv", 'x,"long\nname",label\n1,2,0\n3,4,1\n'))
    assert data.input_labels == ("x", "long\nname")
    rng = np.random.default_rng(0)
    named = Dataset(name="n", task="regression", points_train=rng.normal(size=(5, 3)),
                    y_train=rng.normal(size=5), points_test=np.zeros((0, 3)),
                    y_test=np.zeros(0), input_labels=("a\nb", "c\r\nd", '"e"'))
    back = read_csv(write_csv(named, tmp_path / "back.csv"), task="regression",
                    test_fraction=0.0)
    assert back.input_labels == ("a\nb", "c\r\nd", '"e"')


# ---------------------------------------------------------------------- formulas
FORMULA_NAMES = ("+SUM(1)", "-x", "=cmd|' /C calc'!A0", "@z", "\tq", "'=already")


def test_formula_cells_are_exported_as_quoted_text_and_read_back_unchanged(tmp_path):
    k = len(FORMULA_NAMES)
    names = tuple(sorted(FORMULA_NAMES))
    data = Dataset(name="f", task="multiclass", points_train=np.array(
        [[-1.5, 2.0]] * k), y_train=np.arange(k), points_test=np.zeros((0, 2)),
        y_test=np.zeros(0, dtype=np.int64), n_classes=k, class_names=names,
        input_labels=("=1+1", "-price"))
    path = write_csv(data, tmp_path / "f.csv")
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == '"\'=1+1","\'-price",label'
    assert "-1.5,2.0," in text                                  # plain numbers stay numbers
    for name in FORMULA_NAMES:
        assert '"\'' + name.replace('"', '""') + '"' in text
    for line in text.splitlines():
        for cell in line.split(","):
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), line
    back = read_csv(path, test_fraction=0.0)
    assert back.class_names == names and back.input_labels == ("=1+1", "-price")
    assert rows_of(back) == rows_of(data)


# ---------------------------------------------------------------------- bounded work
def test_the_delimiter_guess_is_bounded_on_quote_and_comma_patterns(tmp_path):
    hostile = write(tmp_path, "q.csv", ('"a,"b",' * 20 + "\n") * 6000)         # 1 MB
    start = time.perf_counter()
    with pytest.raises(ValueError):
        read_csv(hostile)
    assert time.perf_counter() - start < 20      # a hang detector (the old guess took minutes)


@pytest.mark.parametrize("make,words", [
    (lambda: "x,y\n" + "1," * 600_000 + "0\n", "line 2 is longer than 1,000,000 characters"),
    (lambda: 'x,y,label\n1,2,"' + "a" * 200_000 + '"\n', "line 2: a cell that starts on this"
                                                          " line is longer than 131,072"),
    (lambda: 'x,y,label\n1,2,"' + ("b" * 99 + "\n") * 12_000 + '"\n',
     "line 2: a cell that starts on this line is longer than 131,072"),
    (lambda: ",".join(f"c{j}" for j in range(100)) + "\n"
     + (",".join(["1"] * 100) + "\n") * 101,
     "more than 100 data rows of 100 columns; at most 100,000 rows and 10,000 cells (rows × "
     "columns) are read"),
])
def test_lines_cells_rows_and_cells_in_all_are_capped_with_a_clear_message(
        tmp_path, monkeypatch, make, words):
    from backprop_lab.engine.io import csv_scan
    monkeypatch.setattr(csv_scan, "MAX_CELLS", 10_000)        # the cells cap, on a small file
    path = write(tmp_path, "big.csv", make())
    with pytest.raises(ValueError) as info:
        read_csv(path)
    assert words in str(info.value)


PEAK = textwrap.dedent("""
    import json, resource, sys
    from backprop_lab.engine.io.csv_dataset import read_csv
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    data = read_csv(sys.argv[1])
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    scale = 1 if sys.platform == "darwin" else 1024
    print(json.dumps({"grew": (after - before) * scale,
                      "rows": len(data.y_train) + len(data.y_test)}))
""")


@pytest.mark.skipif(os.name != "posix", reason="peak memory from getrusage")
def test_reading_a_50_mb_file_takes_less_than_five_times_its_size(tmp_path):
    rng = np.random.default_rng(0)
    block = "".join(",".join(map(repr, row.tolist())) + f",{k % 3}\n"
                    for k, row in enumerate(rng.normal(size=(500, 40))))
    path = tmp_path / "big.csv"
    with open(path, "w") as handle:
        handle.write(",".join(f"c{j}" for j in range(40)) + ",label\n")
        while handle.tell() < 50 * 2**20:
            handle.write(block)
    size = path.stat().st_size
    done = subprocess.run([sys.executable, "-c", PEAK, str(path)], capture_output=True,
                          text=True, timeout=300,
                          env={**os.environ, "OPENBLAS_NUM_THREADS": "1"})
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report["rows"] > 40_000
    assert report["grew"] < 5 * size, f"{report['grew'] / size:.2f} × the file's size"
