"""Writes the malformed CSV files in tests/data/bad/ and the example CSV files in
tests/data/csv/ (run from the repository root):

    python tests/data/make_bad_csvs.py

Each bad file is broken in one way and is read with read_csv's defaults (last column the
target, automatic task, missing values refused).  tests/data/bad/csv-expected.json maps every
file to the substrings its refusal message must contain (the line and the column where there
is one); tests/test_dataset_csv.py checks them.  Files too large to keep in the repository
(long lines, huge cells, too many rows, 50 MB) are made by the tests in a temporary folder.

The example files in tests/data/csv/ are real-world shapes the reader accepts, with a notice:
semicolons with decimal commas, thousands separators, missing values, spreadsheet errors, an
ID column, a date column, categories and Windows-1252 text (tests/test_csv_import.py).
"""
import json
from pathlib import Path

DATA = Path(__file__).resolve().parent
BAD = DATA / "bad"
EXAMPLES = DATA / "csv"

IRIS_HEADER = "sepal_length,sepal_width,petal_width,petal_length,species\n"
IRIS_ROWS = [
    "5.1,3.5,0.2,1.4,setosa", "4.9,3.0,0.2,1.4,setosa", "7.0,3.2,1.4,4.7,versicolor",
    "6.4,3.2,1.5,4.5,versicolor", "6.3,3.3,2.5,6.0,virginica", "5.8,2.7,1.9,5.1,virginica",
    "5.0,3.6,0.2,1.4,setosa", "6.9,3.1,1.5,4.9,versicolor",
]
GOOD_XY = ["0.5,1.0,0", "1.5,-2.0,1", "-0.5,0.25,0", "2.0,2.0,1", "1.0,0.0,0"]
MISSING_SPELLINGS = ["NA", "N/A", "n/a", "<NA>", "NaN", "nan", "NaT", "null", "NULL", "None",
                     "nil", "-", "--", ".", "?", "missing", "nan(ind)", "-nan(ind)", "1.#IND",
                     "1.#QNAN", "n.a."]
SPREADSHEET_ERRORS = ["#N/A", "#N/A N/A", "#NA", "#DIV/0!", "#VALUE!", "#NUM!", "#NULL!",
                      "#REF!", "#NAME?", "#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!",
                      "#UNKNOWN!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#ERROR!", "#N/A!"]
NOT_NUMBERS = ["0x1F", "2.0cm", "1_000", "\uff12.\uff15", "\u0661\u0662", "1 000", "1.2.3",
               "--1", "\u221e", "1e", "e5", "TRUE", "yes", "1/2", "50%", "$5", "5\u20ac",
               "(5)", "0b101", "1..2", "+-1", "1,,5", "12:30:99x"]
FORMULAS = ["=1+2", "=cmd|' /C calc'!A0", "+1+1", "@SUM(A1:A9)", "-1+2",
            '=HYPERLINK("http://example.com","x")']
NOT_FINITE = ["inf", "-inf", "Infinity", "+INFINITY", "1e999", "-2e400"]


def iris(bad_row: int, row: str) -> str:
    """The little iris table with data row ``bad_row`` (1-based, after the header) replaced."""
    rows = list(IRIS_ROWS)
    rows[bad_row - 1] = row
    return IRIS_HEADER + "\n".join(rows) + "\n"


def xy(rows: list[str], header: str = "x,y,label") -> str:
    return "\n".join([header, *rows]) + "\n"


def quoted(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"'


def slug(text: str) -> str:
    out = "".join(c.lower() if c.isalnum() else "-" for c in text.encode("ascii", "replace")
                  .decode())
    return "-".join(filter(None, out.split("-"))) or "x"


# name: (content (str: UTF-8 text, bytes: as is), substrings the message must contain)
FILES = {
    # ------------------------------------------------------------------ structure
    "csv-empty.csv": ("", ["empty"]),
    "csv-blank-lines.csv": ("\n\n   \n\t\n", ["empty"]),
    "csv-only-comments.csv": ("# nothing here yet\n\n   \n# still nothing\n",
                              ["empty", "comments"]),
    "csv-header-only.csv": ("x,y,label\n", ["header", "line 1", "no data rows"]),
    "csv-header-only-with-comments.csv": ("# exported by hand\n\nx;y;label\n\n",
                                          ["header", "line 3", "no data rows"]),
    "csv-one-column.csv": ("value\n1.0\n2.0\n3.0\n", ["at least 2 columns", "line 1"]),
    "csv-one-column-no-header.csv": ("1.0\n2.0\n3.0\n", ["at least 2 columns"]),
    "csv-duplicate-header.csv": (xy(["1,2,3,0", "4,5,6,1", "7,8,9,0"], "x,y,x,label"),
                                 ["line 1", "duplicate", '"x"', "columns 1 and 3"]),
    "csv-duplicate-header-case.csv": (xy(["1,2,0", "4,5,1"], "a,a,label"),
                                      ["duplicate", "columns 1 and 2"]),
    "csv-too-many-columns.csv": (
        ",".join(f"c{j}" for j in range(1001)) + "\n" + ",".join(["1"] * 1001) + "\n",
        ["1,001 columns", "at most 1,000"]),
    "csv-ragged-row.csv": (xy(GOOD_XY[:3] + ["2.5,1"] + GOOD_XY[3:]),
                           ["line 5", "2 cells", "expected 3"]),
    "csv-ragged-long-row.csv": (xy(GOOD_XY[:2] + ["2.5,1,0,7"] + GOOD_XY[2:]),
                                ["line 4", "4 cells", "expected 3"]),
    "csv-ragged-tab.csv": ("a\tb\tc\tlabel\n1\t2\t3\t0\n4\t5\t1\n7\t8\t9\t1\n",
                           ["line 3", "3 cells", "expected 4"]),
    "csv-crlf-ragged.csv": (b"x,y,label\r\n1,2,0\r\n3,4\r\n5,6,1\r\n",
                            ["line 3", "2 cells", "expected 3"]),
    "csv-cr-only-ragged.csv": (b"x,y,label\r1,2,0\r3,4\r5,6,1\r", ["line 3", "2 cells"]),
    "csv-header-shorter.csv": ("x,y\n1,2,0\n3,4,1\n", ["line 2", "3 cells", "expected 2"]),
    "csv-one-cell-row.csv": (xy(GOOD_XY[:2] + ["7"] + GOOD_XY[2:]), ["line 4", "1 cell,"]),
    "csv-trailing-delimiter-broken.csv": ("x,y,label,\n1,2,0,\n3,4,1,5\n",
                                          ['line 2, column 4 ("column 4")', "empty"]),
    "csv-unclosed-quote.csv": ('x,y,label\n1,2,0\n"3,4,1\n5,6,0\n7,8,1\n',
                               ["line 3", "quote", "never closed"]),
    "csv-unclosed-quote-last-line.csv": ('x,y,label\n1,2,0\n3,4,"1\n',
                                         ["line 3", "never closed"]),
    "csv-quote-swallows-lines.csv": ('x,y,label\n1,"2,0\n3,4,1\n5,6",0\n7,8,1\n',
                                     ['line 2, column 2 ("y")', "closing quote"]),
    "csv-empty-row.csv": (xy(GOOD_XY[:2] + [",,"] + GOOD_XY[2:]),
                          ['line 4, column 1 ("x")', "empty"]),
    "csv-two-exports-joined.csv": ("x,y,label\n1,2,0\n3,4,1\n\ufeffx,y,label\n5,6,0\n",
                                   ['line 4, column 1 ("x")', '"x" is not a number']),
    "csv-comment-not-declared.csv": (xy(GOOD_XY[:2] + ["# measured again"] + GOOD_XY[2:]),
                                     ["line 4", "1 cell"]),
    "csv-comment-not-declared-wide.csv": (xy(GOOD_XY[:2] + ["# a, b, c"] + GOOD_XY[2:]),
                                          ['line 4, column 1 ("x")', '"# a" is not a number']),
    "csv-comments-count-as-lines.csv": (
        "# measured on Monday\n\nx;y;label\n1.0;2.0;0\n\n# a pause\n3.0;oops;1\n",
        ['line 7, column 2 ("y")', '"oops" is not a number']),
    "csv-bom-and-bad-cell.csv": ("\ufeffx,y,label\n1,2,0\nfoo,2,1\n",
                                 ['line 3, column 1 ("x")', '"foo" is not a number']),
    "csv-invisible-characters.csv": (xy(GOOD_XY[:1] + ["1\u200b,2,1"] + GOOD_XY[1:]),
                                     ['line 3, column 1 ("x")', '"1\\u200b" is not a number']),
    "csv-typo-first-row-no-header.csv": ("1.0,abc,0\n2.0,3.0,1\n4.0,5.0,0\n",
                                         ['line 1, column 2 ("x2")', '"abc" is not a number']),
    "csv-non-numeric.csv": (iris(6, "5.8,2.7,abc,5.1,virginica"),
                            ['line 7, column 3 ("petal_width")', '"abc" is not a number']),
    "csv-mixed-column.csv": (xy(["1,2,0", "a,3,1", "b,4,0", "5,6,1"]),
                             ['line 3, column 1 ("x")', '"a" is not a number']),
    # ------------------------------------------------------------------ the target
    "csv-one-class.csv": (xy(["0.5,1.0,1", "1.5,-2.0,1", "-0.5,0.25,1", "2.0,2.0,1"]),
                          ["only one class", '"1"', "column 3", '"label"']),
    "csv-one-text-class.csv": (xy(["0.5,1.0,cat", "1.5,-2.0,cat"], "x,y,animal"),
                               ["only one class", '"cat"', '"animal"']),
    "csv-too-many-classes.csv": (
        xy([f"{k}.5,{-k}.0,{name}" for k, name in enumerate(
            "ant bee cat dog eel fox gnu hen ibis jay koi lynx".split())], "x,y,animal"),
        ["12 classes", "at most 10", '"animal"']),
    "csv-target-all-missing.csv": (xy(["1,2,", "3,4,", "5,6,"]),
                                   ['line 2, column 3 ("label")', "empty", "target"]),
    "csv-missing-target.csv": (xy(GOOD_XY[:4] + ["1.0,1.0,"]),
                               ['line 6, column 3 ("label")', "empty", "missing", "target"]),
    "csv-missing-text-label.csv": (iris(3, "7.0,3.2,1.4,4.7,"),
                                   ['line 4, column 5 ("species")', "empty"]),
    "csv-target-infinite.csv": (xy(["1,2,0.5", "3,4,inf", "5,6,1.5"]),
                                ['line 3, column 3 ("label")', '"inf" is not finite']),
    "csv-missing-cell.csv": (xy(GOOD_XY[:1] + ["1.0,,1"] + GOOD_XY[1:]),
                             ['line 3, column 2 ("y")', "empty", "missing"]),
    # ------------------------------------------------------------------ decimal marks
    "csv-decimal-marks-disagree.csv": ("x;y;label\n0,5;1;0\n1.5;2;1\n",
                                       ['line 3, column 1', '"1.5" has a decimal point',
                                        'line 2 writes "0,5"']),
    "csv-decimal-marks-disagree-quoted.csv": ('x,y,label\n1.5,2,0\n"0,5",3,1\n',
                                              ['line 3, column 1', "decimal comma"]),
    "csv-thousands-disagree.csv": ('x,y,label\n"1.234,5",2,0\n"1,234.5",3,1\n',
                                   ["line 3", "decimal point", "same decimal mark"]),
    "csv-decimal-comma-then-point.csv": ("a;b;label\n1;2;0\n" + "3;4;1\n" * 3000
                                         + "0,5;1;0\n7.25;1;1\n",
                                         ["line 3004", '"7.25" has a decimal point']),
    # ------------------------------------------------------------------ columns
    "csv-only-an-id-and-the-target.csv": ("id,label\n" + "".join(f"{k},{k % 2}\n"
                                                                 for k in range(30)),
                                          ["no input columns are left"]),
    "csv-only-a-date-and-the-target.csv": ("when,label\n2024-01-01,0\n2024-01-02,1\n",
                                           ["no input columns are left"]),
    "csv-too-many-categories.csv": (
        ",".join(f"c{j}" for j in range(30)) + ",label\n" + "".join(
            ",".join(f"v{(k + j) % 50}" for j in range(30)) + f",{k % 2}\n"
            for k in range(60)), ["1,500 inputs", "at most 1,000"]),
    # ------------------------------------------------------------------ not text
    "csv-binary-garbage.csv": (bytes(range(128, 256)) * 4 + b"\n1,2,3\n",
                               ["not a text file", "UTF-8"]),
    "csv-gzip-by-mistake.csv": (bytes.fromhex("1f8b0800000000000003") + bytes(range(200, 256)),
                                ["not a text file", "gzip"]),
    "csv-xlsx-by-mistake.csv": (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xa4\xc1"
                                b"[Content_Types].xml \xa2\x04\x02(\xa0\x00\x02\x00\x00",
                                ["not a text file", "spreadsheet"]),
    "csv-xls-by-mistake.csv": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200),
                               ["not a text file", "spreadsheet"]),
    "csv-pdf-by-mistake.csv": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", ["PDF"]),
    "csv-png-by-mistake.csv": (b"\x89PNG\r\n\x1a\n" + bytes(100), ["PNG image"]),
    "csv-jpeg-by-mistake.csv": (b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(100), ["JPEG"]),
    "csv-sqlite-by-mistake.csv": (b"SQLite format 3\x00" + bytes(100), ["database"]),
    "csv-bzip2-by-mistake.csv": (b"BZh91AY&SY" + bytes(range(256)), ["bzip2"]),
    "csv-npy-by-mistake.csv": (b"\x93NUMPY\x01\x00v\x00{'descr': '<f8'}", ["NumPy"]),
    "csv-nul-bytes.csv": (b"x,y,label\n1,2,0\n3\x004,1\n", ["not a text file", "line 3", "NUL"]),
    "csv-utf16.csv": ("x,y,label\n1,2,0\n3,4,1\n".encode("utf-16"), ["UTF-16"]),
    "csv-utf16-be.csv": (b"\xfe\xff" + "x,y,label\n1,2,0\n".encode("utf-16-be"), ["UTF-16"]),
    "csv-utf16-no-bom.csv": ("x,y,label\n1,2,0\n3,4,1\n".encode("utf-16-le"), ["NUL bytes"]),
    "csv-utf32.csv": ("x,y,label\n1,2,0\n".encode("utf-32"), ["UTF-32"]),
    "csv-control-characters.csv": (b"x,y,label\n1,2,0\n\xe9\x01\x02\x03,4,1\n",
                                   ["not a text file"]),
}


def families() -> dict:
    files = {}
    for k, spelling in enumerate(MISSING_SPELLINGS):
        files[f"csv-missing-input-{slug(spelling)}-{k}.csv"] = (
            iris(6, f"5.8,2.7,{quoted(spelling)},5.1,virginica"),
            ['line 7, column 3 ("petal_width")', "missing"])
        files[f"csv-missing-target-{slug(spelling)}-{k}.csv"] = (
            iris(4, f"6.4,3.2,1.5,4.5,{quoted(spelling)}"),
            ['line 5, column 5 ("species")', "missing", "target"])
    for k, error in enumerate(SPREADSHEET_ERRORS):
        # a row that starts with an error value is a missing value, never a comment
        files[f"csv-error-first-cell-{slug(error)}-{k}.csv"] = (
            xy(GOOD_XY[:2] + [f"{error},1,1"] + GOOD_XY[2:]),
            ['line 4, column 1 ("x")', "spreadsheet error value"])
    for k, error in enumerate(SPREADSHEET_ERRORS[:6]):
        files[f"csv-error-target-{slug(error)}-{k}.csv"] = (
            xy(GOOD_XY[:3] + [f"0.5,1,{error}"]),
            ['line 5, column 3 ("label")', "spreadsheet error value", "target"])
        files[f"csv-error-after-declared-comments-{k}.csv"] = (
            "# exported from a spreadsheet\n" + xy(GOOD_XY[:1] + [f"{error},2,1"]),
            ['line 4, column 1 ("x")', "spreadsheet error value"])
    for k, cell in enumerate(NOT_NUMBERS):
        files[f"csv-not-a-number-{slug(cell)}-{k}.csv"] = (
            xy(GOOD_XY[:2] + [f"{quoted(cell)},2.0,1"] + GOOD_XY[2:]),
            ['line 4, column 1 ("x")', "is not a number"])
    for k, cell in enumerate(FORMULAS):
        files[f"csv-formula-{k}.csv"] = (xy(GOOD_XY[:1] + [f"1.0,{quoted(cell)},1"]),
                                         ['line 3, column 2 ("y")', "is not a number"])
    for k, cell in enumerate(NOT_FINITE):
        files[f"csv-not-finite-{slug(cell)}-{k}.csv"] = (
            xy(GOOD_XY[:3] + [f"1.0,{cell},1"] + GOOD_XY[3:]),
            ['line 5, column 2 ("y")', "is not finite"])
    return files


# ------------------------------------------------------------------ accepted examples
def _rows(n, make):
    return "".join(make(k) for k in range(n))


EXAMPLE_FILES = {
    # a European spreadsheet's export: semicolons, decimal commas, thousands dots
    "semicolon-decimal-comma.csv": (
        "Größe;Gewicht;Preis;Klasse\n" + _rows(24, lambda k: (
            f"1,{k:02d};{60 + k},5;{1 + k // 10}.{(37 * k) % 1000:03d},75;{'AB'[k % 2]}\n")))
    .encode("cp1252"),
    "missing-values.csv": (
        "a,b,label\n" + _rows(20, lambda k: (
            f"{'NA' if k == 3 else k / 2},{'' if k == 7 else -k},"
            f"{'#N/A' if k == 11 else k % 2}\n"))),
    "id-column.csv": ("id,height,weight,species\n" + _rows(30, lambda k: (
        f"{k + 1},{150 + (k * 7) % 40},{50 + (k * 11) % 30},{'cat' if k % 3 else 'dog'}\n"))),
    "dates-and-categories.csv": ("date,color,size,label\n" + _rows(24, lambda k: (
        f"2024-03-{k + 1:02d},{['red', 'green', 'blue'][k % 3]},{k * 1.5},{k % 2}\n"))),
    "unnamed-index.csv": ("," + "x,y,label\n" + _rows(25, lambda k: (
        f"{k},{(k * 3) % 7 - 3},{(k * 5) % 11 - 5},{k % 2}\n"))),
}


def main() -> None:
    BAD.mkdir(parents=True, exist_ok=True)
    EXAMPLES.mkdir(parents=True, exist_ok=True)
    for old in BAD.glob("csv-*.csv"):
        old.unlink()
    everything = {**FILES, **families()}
    expected = {}
    for name, (content, substrings) in everything.items():
        raw = content.encode("utf-8") if isinstance(content, str) else content
        (BAD / name).write_bytes(raw)
        expected[name] = substrings
    (BAD / "csv-expected.json").write_text(json.dumps(expected, indent=1, ensure_ascii=False)
                                           + "\n", encoding="utf-8")
    for name, content in EXAMPLE_FILES.items():
        raw = content.encode("utf-8") if isinstance(content, str) else content
        (EXAMPLES / name).write_bytes(raw)
    print(f"wrote {len(everything)} bad CSV files and csv-expected.json to {BAD}, "
          f"{len(EXAMPLE_FILES)} examples to {EXAMPLES}")


if __name__ == "__main__":
    main()
