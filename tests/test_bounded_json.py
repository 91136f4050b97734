"""JSON read with bounded work (backprop_lab.engine.io.bounded_json): the session file, lesson
files and stored settings all refuse oversized, deeply nested and non-finite JSON with a
ValueError in plain words."""
import json

import pytest

from backprop_lab.engine.io.bounded_json import parse_json, read_json_file


def test_plain_json_is_read():
    assert parse_json(b'{"a": [1, 2.5, "x", null, true]}', "the file") == \
        {"a": [1, 2.5, "x", None, True]}
    assert parse_json("\ufeff[1]".encode("utf-8"), "the file") == [1]      # a byte-order mark
    assert parse_json('{"a": 1}', "the file") == {"a": 1}


@pytest.mark.parametrize("raw,words", [
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply (at most 64 levels)"),
    (b"[" * 65 + b"]" * 65, "nested too deeply"),
    (b'{"lr": NaN}', "holds NaN, which is not a finite number"),
    (b'{"lr": Infinity}', "holds Infinity"),
    (b'{"lr": -Infinity}', "holds -Infinity"),
    (b'{"lr": 1e999}', "too large to represent"),
    (b'{"epoch": ' + b"9" * 5000 + b"}", "too many digits"),
    (b'{"a": 1, "a": 2}', "names the same field twice"),
    (b'{"a": 1', "not valid JSON (line 1, column 8: the text ends too early)"),
    (b'{"a": }', "a value is missing or misspelled"),
    (b'{"a" 1}', "a comma or colon is missing"),
    (b"{a: 1}", "a field name must be in double quotes"),
    (b'{"a": 1} x', "more text after the end"),
    (b'{"a": "\xe9"}', "not UTF-8 text (line 1)"),
    (b"", "the text ends too early"),
])
def test_malformed_json_is_a_value_error_that_says_why(raw, words):
    with pytest.raises(ValueError) as info:
        parse_json(raw, "the lesson file")
    message = str(info.value)
    assert message.startswith("the lesson file") and words in message


def test_the_size_is_checked_before_parsing(tmp_path):
    with pytest.raises(ValueError, match=r"too large \(101 bytes; at most 100\)"):
        parse_json(b" " * 101, "the settings", max_bytes=100)
    path = tmp_path / "big.json"
    path.write_bytes(b"[" + b"0," * 600_000 + b"0]")
    with pytest.raises(ValueError, match="big.json is too large"):
        read_json_file(path, max_bytes=2**20)
    assert parse_json(b"[[[1]]]", "x", max_depth=3) == [[[1]]]
    with pytest.raises(ValueError, match="at most 2 levels"):
        parse_json(b"[[[1]]]", "x", max_depth=2)


def test_files_that_cannot_be_read_are_value_errors(tmp_path):
    with pytest.raises(ValueError, match="lesson.json: no such file"):
        read_json_file(tmp_path / "lesson.json")
    with pytest.raises(ValueError, match="is a folder"):
        read_json_file(tmp_path)
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"title": "XOR"}), encoding="utf-8")
    assert read_json_file(good, "the lesson") == {"title": "XOR"}
