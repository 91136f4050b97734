"""Writes the malformed CSV files in tests/data/bad/ (run from the repository root):

    python tests/data/make_bad_csvs.py

Each file is broken in one way and can be read with read_csv's defaults (last column the
target, automatic task).  tests/data/bad/csv-expected.json maps every file to the substrings
its refusal message must contain (the line and the column where there is one);
tests/test_dataset_csv.py checks them.
"""
import json
from pathlib import Path

BAD = Path(__file__).resolve().parent / "bad"

IRIS_HEADER = "sepal_length,sepal_width,petal_width,petal_length,species\n"
IRIS_ROWS = [
    "5.1,3.5,0.2,1.4,setosa", "4.9,3.0,0.2,1.4,setosa", "7.0,3.2,1.4,4.7,versicolor",
    "6.4,3.2,1.5,4.5,versicolor", "6.3,3.3,2.5,6.0,virginica", "5.8,2.7,1.9,5.1,virginica",
    "5.0,3.6,0.2,1.4,setosa", "6.9,3.1,1.5,4.9,versicolor",
]


def iris(bad_row: int, row: str) -> str:
    """The little iris table with data row ``bad_row`` (1-based, after the header) replaced."""
    rows = list(IRIS_ROWS)
    rows[bad_row - 1] = row
    return IRIS_HEADER + "\n".join(rows) + "\n"


def xy(rows: list[str], header: str = "x,y,label") -> str:
    return "\n".join([header, *rows]) + "\n"


GOOD_XY = ["0.5,1.0,0", "1.5,-2.0,1", "-0.5,0.25,0", "2.0,2.0,1", "1.0,0.0,0"]

# name: (content (str: UTF-8 text, bytes: as is), substrings the message must contain)
FILES = {
    "csv-empty.csv": ("", ["empty"]),
    "csv-only-comments.csv": ("# nothing here yet\n\n   \n# still nothing\n",
                              ["empty", "comments"]),
    "csv-header-only.csv": ("x,y,label\n", ["header", "line 1", "no data rows"]),
    "csv-header-only-with-comments.csv": ("# exported by hand\n\nx;y;label\n\n",
                                          ["header", "line 3", "no data rows"]),
    "csv-ragged-row.csv": (xy(GOOD_XY[:3] + ["2.5,1"] + GOOD_XY[3:]),
                           ["line 5", "2 cells", "expected 3"]),
    "csv-ragged-long-row.csv": (xy(GOOD_XY[:2] + ["2.5,1,0,7"] + GOOD_XY[2:]),
                                ["line 4", "4 cells", "expected 3"]),
    "csv-ragged-tab.csv": ("a\tb\tc\tlabel\n1\t2\t3\t0\n4\t5\t1\n7\t8\t9\t1\n",
                           ["line 3", "3 cells", "expected 4"]),
    "csv-non-numeric.csv": (iris(6, "5.8,2.7,abc,5.1,virginica"),
                            ['line 7, column 3 ("petal_width")', '"abc" is not a number']),
    "csv-text-input-column.csv": (xy(["red,1,a", "blue,2,b", "red,3,a"], "color,size,label"),
                                  ['line 2, column 1 ("color")', '"red" is not a number']),
    "csv-typo-first-row-no-header.csv": ("1.0,abc,0\n2.0,3.0,1\n4.0,5.0,0\n",
                                         ['line 1, column 2 ("x2")', '"abc" is not a number']),
    "csv-hex-number.csv": (xy(GOOD_XY[:1] + ["0x1F,2.0,1"] + GOOD_XY[1:]),
                           ['line 3, column 1 ("x")', '"0x1F" is not a number']),
    "csv-number-with-unit.csv": (xy(GOOD_XY[:3] + ["1.5,2.0cm,1"]),
                                 ['line 5, column 2 ("y")', '"2.0cm" is not a number']),
    "csv-nan.csv": (xy(GOOD_XY[:2] + ["NaN,1.0,0"] + GOOD_XY[2:]),
                    ['line 4, column 1 ("x")', "NaN", "missing"]),
    "csv-inf.csv": (xy(GOOD_XY[:3] + ["1.0,inf,1"] + GOOD_XY[3:]),
                    ['line 5, column 2 ("y")', '"inf" is not finite']),
    "csv-negative-infinity.csv": (xy(GOOD_XY + ["-Infinity,1.0,0"]),
                                  ['line 7, column 1 ("x")', "not finite"]),
    "csv-missing-cell.csv": (xy(GOOD_XY[:1] + ["1.0,,1"] + GOOD_XY[1:]),
                             ['line 3, column 2 ("y")', "empty", "missing"]),
    "csv-na-marker.csv": (xy(GOOD_XY[:4] + ["NA,1.0,1"]),
                          ['line 6, column 1 ("x")', '"NA"', "missing"]),
    "csv-empty-row.csv": (xy(GOOD_XY[:2] + [",,"] + GOOD_XY[2:]),
                          ['line 4, column 1 ("x")', "empty"]),
    "csv-missing-target.csv": (xy(GOOD_XY[:4] + ["1.0,1.0,"]),
                               ['line 6, column 3 ("label")', "empty", "missing", "target"]),
    "csv-nan-target.csv": (xy(GOOD_XY[:2] + ["1.0,1.0,nan"]),
                           ['line 4, column 3 ("label")', "missing"]),
    "csv-missing-text-label.csv": (iris(3, "7.0,3.2,1.4,4.7,"),
                                   ['line 4, column 5 ("species")', "empty"]),
    "csv-one-class.csv": (xy(["0.5,1.0,1", "1.5,-2.0,1", "-0.5,0.25,1", "2.0,2.0,1"]),
                          ["only one class", '"1"', "column 3", '"label"']),
    "csv-one-text-class.csv": (xy(["0.5,1.0,cat", "1.5,-2.0,cat"], "x,y,animal"),
                               ["only one class", '"cat"', '"animal"']),
    "csv-too-many-classes.csv": (
        xy([f"{k}.5,{-k}.0,{name}" for k, name in enumerate(
            "ant bee cat dog eel fox gnu hen ibis jay koi lynx".split())], "x,y,animal"),
        ["12 classes", "at most 10", '"animal"']),
    "csv-one-column.csv": ("value\n1.0\n2.0\n3.0\n", ["at least 2 columns", "line 1"]),
    "csv-one-column-no-header.csv": ("1.0\n2.0\n3.0\n", ["at least 2 columns"]),
    "csv-duplicate-header.csv": (xy(["1,2,3,0", "4,5,6,1", "7,8,9,0"], "x,y,x,label"),
                                 ["line 1", "duplicate", '"x"', "columns 1 and 3"]),
    "csv-too-many-columns.csv": (
        ",".join(f"c{j}" for j in range(1001)) + "\n" + ",".join(["1"] * 1001) + "\n",
        ["1,001 columns", "at most 1,000"]),
    "csv-binary-garbage.csv": (bytes(range(128, 256)) * 4 + b"\n1,2,3\n",
                               ["not a text file", "UTF-8"]),
    "csv-gzip-by-mistake.csv": (bytes.fromhex("1f8b0800000000000003") + bytes(range(200, 256)),
                                ["not a text file"]),
    "csv-nul-bytes.csv": (b"x,y,label\n1,2,0\n3\x004,1\n", ["not a text file", "line 3", "NUL"]),
    "csv-utf16.csv": ("x,y,label\n1,2,0\n3,4,1\n".encode("utf-16"), ["UTF-16"]),
    "csv-comments-count-as-lines.csv": (
        "# measured on Monday\n\nx;y;label\n1.0;2.0;0\n\n# a pause\n3.0;oops;1\n",
        ['line 7, column 2 ("y")', '"oops" is not a number']),
    "csv-bom-and-bad-cell.csv": ("\ufeffx,y,label\n1,2,0\nfoo,2,1\n",
                                 ['line 3, column 1 ("x")', '"foo" is not a number']),
    "csv-unclosed-quote.csv": ('x,y,label\n1,2,0\n"3,4,1\n5,6,0\n7,8,1\n',
                               ["line 3", "quote", "not closed"]),
    "csv-crlf-ragged.csv": (b"x,y,label\r\n1,2,0\r\n3,4\r\n5,6,1\r\n",
                            ["line 3", "2 cells", "expected 3"]),
    # decimal commas in a semicolon or tab file (a European spreadsheet's CSV)
    "csv-decimal-comma.csv": ("x;y;label\n1;2;0\n-0,85;1;1\n3;4,5;0\n",
                              ['line 3, column 1 ("x")', '"-0,85" is not a number',
                               "decimal commas? Save the file with decimal points"]),
    "csv-decimal-comma-no-header.csv": ("0,5;1,25;0\n-0,85;1,0;1\n3,0;4,5;0\n",
                                        ['line 1, column 1 ("x1")', '"0,5" is not a number',
                                         "decimal commas"]),
    "csv-decimal-comma-tab.csv": ("height\tweight\tlabel\n170\t65\t0\n1,82\t80\t1\n",
                                  ['line 3, column 1 ("height")', '"1,82" is not a number',
                                   "decimal commas"]),
    "csv-decimal-comma-target.csv": ("a;b;price\n1;2;0,5\n3;4;1,25\n5;6;2\n",
                                     ['line 2, column 3 ("price")', '"0,5" is not a number',
                                      "decimal commas"]),
    "csv-thousands-separator.csv": ("area;rooms;label\n1.250,5;3;0\n980;2;1\n",
                                    ['line 2, column 1 ("area")', '"1.250,5"',
                                     "decimal commas"]),
    # not UTF-8, but ordinary Latin-1 / Windows-1252 text
    "csv-latin1.csv": ("x,y,label\n1,2,0\n3,4,1\n# gemessen bei 5 °C, für Jörg\n5,6,0\n"
                       .encode("latin-1"),
                       ["not UTF-8 text (line 4)", "save it as UTF-8",
                        "CSV UTF-8 in spreadsheet programs"]),
    "csv-cp1252-header.csv": ("Größe;Preis €;Klasse\n1;2;0\n3;4;1\n".encode("cp1252"),
                              ["not UTF-8 text (line 1)", "save it as UTF-8"]),
    "csv-xlsx-by-mistake.csv": (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xa4\xc1"
                                b"[Content_Types].xml \xa2\x04\x02(\xa0\x00\x02\x00\x00",
                                ["not a text file", "spreadsheet"]),
    # numbers that float() would take but a CSV file should not hold
    "csv-underscore-number.csv": (xy(GOOD_XY[:2] + ["1_000,2.0,1"] + GOOD_XY[2:]),
                                  ['line 4, column 1 ("x")', '"1_000" is not a number']),
    "csv-unicode-digits.csv": (xy(GOOD_XY[:1] + ["1.0,\uff12.\uff15,1"] + GOOD_XY[1:]),
                               ['line 3, column 2 ("y")', '"\uff12.\uff15" is not a number']),
}


def main() -> None:
    BAD.mkdir(parents=True, exist_ok=True)
    for old in BAD.glob("csv-*.csv"):
        old.unlink()
    expected = {}
    for name, (content, substrings) in FILES.items():
        raw = content.encode("utf-8") if isinstance(content, str) else content
        (BAD / name).write_bytes(raw)
        expected[name] = substrings
    (BAD / "csv-expected.json").write_text(json.dumps(expected, indent=1, ensure_ascii=False)
                                           + "\n", encoding="utf-8")
    print(f"wrote {len(FILES)} bad CSV files and csv-expected.json to {BAD}")


if __name__ == "__main__":
    main()
