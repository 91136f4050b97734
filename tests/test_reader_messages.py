"""Every refusal of the readers is in the user's words: no exception class names, no keys or
identifiers in quotes, no NumPy or zlib phrases, no invisible characters (they are shown
escaped).  The corpus: every bad session file and CSV file in tests/data/bad/, plus JSON."""
import json
import re
from pathlib import Path

import pytest

from backprop_lab.engine import load_session
from backprop_lab.engine.io.bounded_json import parse_json
from backprop_lab.engine.io.csv_dataset import inspect_csv, read_csv

BAD = Path(__file__).resolve().parent / "data" / "bad"

FORBIDDEN = [
    (r"\b[A-Z][A-Za-z]*(?:Error|Exception|Warning)\b", "an exception class name"),
    (r"Traceback|\bErrno\b|<class |object at 0x", "Python internals"),
    (r"'[A-Za-z_][A-Za-z0-9_]*'", "an identifier or key in single quotes"),
    (r"\[['\"]|\{['\"]", "a subscript or a dict written out"),
    (r"\bdtype\b|\bndarray\b|\bnumpy\b|\bnp\.|allow_pickle|\bpickle|\bfloat64\[|\bint64\b",
     "a NumPy phrase"),
    (r"invalid literal|could not convert|Maximum allowed|broadcast|\baxis \d|"
     r"object arrays|buffer size|cannot reshape", "a NumPy or Python phrase"),
    (r"\bzlib\b|Bad CRC|Bad magic|Error -\d|unexpected end of data|BadZipFile", "a zip phrase"),
    (r"\bNoneType\b|\bstr object\b|\bdict\b|\blist object\b", "a Python type"),
]


def session_messages():
    for path in sorted(BAD.glob("session-*.bplab")):
        try:
            load_session(path)
        except ValueError as exc:
            yield path.name, str(exc)


def csv_messages():
    for path in sorted(BAD.glob("csv-*.csv")):
        for read in (read_csv, inspect_csv):
            try:
                read(path)
            except ValueError as exc:
                yield f"{path.name} ({read.__name__})", str(exc)


JSON_CASES = [b"[" * 100_000, b'{"a": NaN}', b'{"a": 1e999}', b'{"a": 1, "a": 2}', b"{a: 1}",
              b'{"a": 1', b"\xff\xfe", b"9" * 5000, b'{"a": }', b"[1] 2"]


def json_messages():
    for raw in JSON_CASES:
        try:
            parse_json(raw, "the lesson file")
        except ValueError as exc:
            yield repr(raw[:20]), str(exc)


MESSAGES = [*session_messages(), *csv_messages(), *json_messages()]


def test_the_corpus_gives_hundreds_of_messages():
    assert len(MESSAGES) >= 150 + 2 * 150 + len(JSON_CASES) - 20


@pytest.mark.parametrize("source,message", MESSAGES, ids=[m[0] for m in MESSAGES])
def test_every_message_is_in_the_users_words(source, message):
    for pattern, what in FORBIDDEN:
        found = re.search(pattern, message)
        assert found is None, f"{what} ({found.group(0)!r}) in {message!r}"
    assert message.isprintable(), f"an invisible character in {message!r}"
    assert 20 <= len(message) <= 600


def test_the_scan_catches_what_it_forbids():
    leaks = ["(KeyError: 'sizes')", "Maximum allowed dimension exceeded",
             "invalid literal for int() with base 10", 'params["standardize"] must be',
             "Error -3 while decompressing data", "cannot reshape array of size 3",
             "line 2: a\u200bb is not a number"]
    for leak in leaks:
        assert any(re.search(p, leak) for p, _ in FORBIDDEN) or not leak.isprintable(), leak
    assert json.loads(json.dumps(FORBIDDEN))           # the patterns are plain data
