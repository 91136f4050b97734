"""Writes the malformed session files in tests/data/bad/ and session-expected.json (run from
the repository root):

    python tests/data/make_bad_sessions.py

Each file is a real session broken in one way: the container (zip members, sizes that lie,
compression, encryption), the inner arrays (.npy headers, types, shapes, values), the JSON
(syntax, nesting, non-finite numbers) and every field of the schema (types, ranges, limits).
session-expected.json maps each file to a part of the message that must refuse it;
tests/test_session_file.py checks them.  The output is deterministic (fixed zip dates).
"""
import io
import json
import struct
import tempfile
import warnings
import zipfile
from pathlib import Path

import numpy as np
from numpy.lib import format as npy_format

from backprop_lab.engine import Network, TrainingSession, datasets, save_session

BAD = Path(__file__).resolve().parent / "bad"
DATE = (1980, 1, 1, 0, 0, 0)


# ---------------------------------------------------------------------- building blocks
def session_bytes(dataset="moons", dtype="float64", **kwargs) -> bytes:
    data = datasets.load(dataset, n_samples=30, seed=1)
    output = "identity" if data.task == "regression" else "sigmoid"
    session = TrainingSession(Network([2, 3, 1], output=output, seed=0, dtype=dtype), data,
                              optimizer="adam", batch_size=8, **kwargs)
    session.run(3)
    session.step()                      # mid-epoch: the shuffled order is saved too
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "good.bplab"
        save_session(session, path)
        return path.read_bytes()


def parts(raw: bytes) -> dict[str, bytes]:
    """The members of a session file, its arrays repacked with fixed dates."""
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        members = {n: z.read(n) for n in z.namelist()}
    members["arrays.npz"] = npz(arrays_of(members))
    return members


def pack(members, compression=zipfile.ZIP_DEFLATED) -> bytes:
    """A zip of (name, bytes) pairs or a dict, with fixed dates."""
    items = members.items() if isinstance(members, dict) else members
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, content in items:
            info = zipfile.ZipInfo(name, DATE)
            info.compress_type = compression
            z.writestr(info, content)
    return buffer.getvalue()


def npy(array) -> bytes:
    buffer = io.BytesIO()
    npy_format.write_array(buffer, np.asanyarray(array), allow_pickle=True)
    return buffer.getvalue()


def arrays_of(members) -> dict[str, np.ndarray]:
    with np.load(io.BytesIO(members["arrays.npz"]), allow_pickle=False) as npz:
        return {k: npz[k] for k in npz.files}


def npz(arrays: dict, compression=zipfile.ZIP_STORED) -> bytes:
    return pack({f"{k}.npy": npy(v) for k, v in arrays.items()}, compression)


def central_entries(raw: bytes):
    """(offset of each central directory entry, its file name)."""
    at = raw.find(b"PK\x01\x02")
    while at != -1:
        n, m, k = struct.unpack("<HHH", raw[at + 28: at + 34])
        yield at, raw[at + 46: at + 46 + n].decode()
        at = raw.find(b"PK\x01\x02", at + 46 + n + m + k)


def patched(raw: bytes, member: str, offset: int, fmt: str, value) -> bytes:
    """``raw`` with a field of ``member``'s central directory entry replaced."""
    out = bytearray(raw)
    for at, name in central_entries(raw):
        if name == member:
            struct.pack_into(fmt, out, at + offset, value)
    return bytes(out)


def declared_size(raw, member, size):
    return patched(raw, member, 24, "<I", size)


def flip_in_data(raw: bytes, member: str, where: float = 0.5) -> bytes:
    """Flip one byte in the middle of ``member``'s stored (compressed) data."""
    for at, name in central_entries(raw):
        if name == member:
            size, = struct.unpack("<I", raw[at + 20: at + 24])
            local, = struct.unpack("<I", raw[at + 42: at + 46])
            n, m = struct.unpack("<HH", raw[local + 26: local + 30])
            start = local + 30 + n + m + int(size * where)
            return raw[:start] + bytes([raw[start] ^ 0x5A]) + raw[start + 1:]
    raise KeyError(member)


# ---------------------------------------------------------------------- the cases
def main() -> None:
    warnings.filterwarnings("ignore", "Duplicate name")     # two cases hold a part twice
    BAD.mkdir(exist_ok=True)
    m = parts(session_bytes())
    raw = pack(m)
    doc = json.loads(m["session.json"])
    arrays = arrays_of(m)
    reg = parts(session_bytes("paraboloid", loss="mse"))
    f32 = parts(session_bytes(dtype="float32"))
    cases: dict[str, tuple[bytes, str]] = {}

    def case(name, content, expected):
        assert name not in cases, name
        cases[name] = (content, expected)

    def with_doc(name, change, expected, base=m):
        d = json.loads(base["session.json"])
        change(d)
        case(name, pack({**base, "session.json": json.dumps(d).encode()}), expected)

    def with_json(name, text, expected):
        case(name, pack({**m, "session.json": text if isinstance(text, bytes)
                         else text.encode()}), expected)

    def with_arrays(name, change, expected, base=m):
        a = arrays_of(base)
        change(a)
        case(name, pack({**base, "arrays.npz": npz(a)}), expected)

    def with_npz(name, content, expected):
        case(name, pack({**m, "arrays.npz": content}), expected)

    def set_in(path, value):
        def change(d):
            target = d
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = value
        return change

    def drop(path):
        def change(d):
            target = d
            for key in path[:-1]:
                target = target[key]
            del target[path[-1]]
        return change

    # --- the container
    case("empty", b"", "not a readable zip")
    case("text-file", b"this is not a session\n", "not a readable zip")
    for k, fraction in enumerate((0.1, 0.25, 0.5, 0.75, 0.9, 0.99)):
        case(f"truncated-{k + 1}", raw[: int(len(raw) * fraction)], "not a readable zip")
    case("no-manifest", pack({k: v for k, v in m.items() if k != "manifest.json"}),
         "manifest.json is missing")
    case("no-session-json", pack({k: v for k, v in m.items() if k != "session.json"}),
         "session.json is missing")
    case("no-arrays", pack({k: v for k, v in m.items() if k != "arrays.npz"}),
         "arrays.npz is missing")
    case("extra-member", pack({**m, "run.py": b"print('hello')"}),
         "parts a session file does not have")
    case("member-twice", pack([*m.items(), ("session.json", m["session.json"])]),
         "same part twice")
    case("folder-member", pack({**m, "folder/": b""}), "parts a session file does not have")
    case("encrypted", patched(pack(m), "session.json", 8, "<H", 1), "encrypted")
    case("bzip2-compressed", pack(m, zipfile.ZIP_BZIP2), "compression")
    case("lzma-compressed", pack(m, zipfile.ZIP_LZMA), "compression")
    case("declared-size-huge", declared_size(pack(m), "session.json", 2**31), "too large")
    case("declared-arrays-huge", declared_size(pack(m), "arrays.npz", 2**32 - 1), "too large")
    case("declared-size-small", declared_size(pack(m), "session.json", 10), "damaged")
    case("declared-size-larger", declared_size(pack(m), "session.json",
                                               len(m["session.json"]) + 100), "damaged")
    case("bad-crc", patched(pack(m), "session.json", 16, "<I", 0x1234567), "damaged")
    for k, where in enumerate((0.2, 0.5, 0.8)):
        case(f"flipped-session-json-{k + 1}", flip_in_data(pack(m), "session.json", where),
             "damaged")
        case(f"flipped-arrays-{k + 1}", flip_in_data(pack(m), "arrays.npz", where), "damaged")
    case("json-too-large", pack({**m, "session.json": json.dumps(
        {**doc, "extra": {"pad": " " * (9 * 2**20)}}).encode()}), "too large")
    case("spreadsheet", pack({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<w/>"}),
         "is missing")

    # --- the arrays' container and headers
    with_npz("arrays-not-a-zip", b"\x93NUMPY not a zip", "not a readable zip")
    with_npz("arrays-truncated", m["arrays.npz"][: len(m["arrays.npz"]) // 2],
             "not a readable zip")
    with_npz("arrays-member-not-npy", pack({"theta.txt": b"1 2 3"}), "not an array")
    with_npz("arrays-member-twice", pack([("theta.npy", npy(arrays["theta"]))] * 2),
             "same array twice")
    with_npz("arrays-declared-huge", declared_size(npz(arrays), "theta.npy", 2**31),
             "too large")
    big = {k: v for k, v in arrays.items()}
    with_npz("arrays-inner-bomb-declared", declared_size(
        npz(big, zipfile.ZIP_DEFLATED), "points_train.npy", 3 * 2**30), "too large")
    with_npz("arrays-inner-encrypted", patched(npz(arrays), "theta.npy", 8, "<H", 1),
             "encrypted")
    with_npz("arrays-inner-bzip2", npz(arrays, zipfile.ZIP_BZIP2), "compression")
    with_npz("arrays-too-many", npz({**arrays, **{f"a{k}": np.zeros(1) for k in range(70)}}),
             "parts")
    with_npz("arrays-inner-flipped", flip_in_data(npz(arrays, zipfile.ZIP_DEFLATED),
                                                  "points_train.npy"), "damaged")
    bad_magic = {f"{k}.npy": npy(v) for k, v in arrays.items()}
    bad_magic["theta.npy"] = b"\x93NUMPZ" + bad_magic["theta.npy"][6:]
    with_npz("npy-bad-magic", pack(bad_magic, zipfile.ZIP_STORED), "header cannot be read")
    garbage = dict(bad_magic, **{"theta.npy": npy(arrays["theta"])[:10] + b"{garbage" * 8})
    with_npz("npy-header-garbage", pack(garbage, zipfile.ZIP_STORED), "header cannot be read")
    short = dict(bad_magic, **{"theta.npy": npy(arrays["theta"])[:-8]})
    with_npz("npy-data-short", pack(short, zipfile.ZIP_STORED), "does not match its shape")
    with_arrays("npy-3d", lambda a: a.update(points_train=a["points_train"][:, :, None]),
                "at most 2")
    with_arrays("object-array", lambda a: a.update(theta=np.array([{"x": 1}], dtype=object)),
                "plain numbers")
    with_arrays("structured-array", lambda a: a.update(
        theta=np.zeros(13, dtype=[("a", "f8"), ("b", "i4")])), "plain numbers")
    with_arrays("complex-weights", lambda a: a.update(theta=a["theta"].astype(complex)),
                "plain numbers")
    with_arrays("text-weights", lambda a: a.update(theta=a["theta"].astype(str)),
                "plain numbers")
    with_arrays("boolean-labels", lambda a: a.update(y_train=a["y_train"].astype(bool)),
                "plain numbers")
    with_arrays("unknown-array", lambda a: a.update(extra=np.zeros(3)), "does not use")
    with_arrays("unknown-optimizer-array", lambda a: a.update(optimizer_s=np.zeros(13)),
                "does not use")

    # --- the arrays' shapes and values
    for key in ("theta", "points_train", "y_train", "points_test", "y_test", "history_rows",
                "history_latest"):
        with_arrays(f"missing-{key.replace('_', '-')}", lambda a, k=key: a.pop(k),
                    "incomplete")
    with_arrays("weights-wrong-length", lambda a: a.update(theta=a["theta"][:-2]),
                "expected (13,)")
    with_arrays("weights-2d", lambda a: a.update(theta=a["theta"][None, :]), "expected (13,)")
    with_arrays("weights-integers", lambda a: a.update(theta=a["theta"].astype(np.int64)),
                "must hold numbers")
    with_arrays("weights-nan", lambda a: a["theta"].__setitem__(0, np.nan), "finite")
    with_arrays("weights-inf", lambda a: a["theta"].__setitem__(3, -np.inf), "finite")
    with_arrays("points-nan", lambda a: a["points_train"].__setitem__((2, 1), np.nan),
                "finite")
    with_arrays("points-inf", lambda a: a["points_test"].__setitem__((0, 0), np.inf),
                "finite")
    with_arrays("points-1d", lambda a: a.update(points_train=a["points_train"][:, 0]),
                "expected (any, any)")
    with_arrays("points-three-columns", lambda a: a.update(
        points_train=np.hstack([a["points_train"], a["points_train"][:, :1]]),
        points_test=np.hstack([a["points_test"], a["points_test"][:, :1]])), "input(s)")
    with_arrays("test-points-width", lambda a: a.update(points_test=a["points_test"][:, :1]),
                "expected (any, 2)")
    with_arrays("points-labels-mismatch", lambda a: a.update(y_train=a["y_train"][:-1]),
                "expected (21,)")
    with_arrays("no-training-rows", lambda a: a.update(
        points_train=a["points_train"][:0], y_train=a["y_train"][:0],
        epoch_order=a["epoch_order"][:0]), "at least one")
    with_arrays("too-many-rows", lambda a: a.update(
        points_train=np.zeros((100_001, 2)), y_train=np.zeros(100_001, dtype=np.int64)),
        "100,000")
    with_arrays("float-labels", lambda a: a.update(y_train=a["y_train"] + 0.5),
                "whole numbers")
    with_arrays("labels-out-of-range", lambda a: a["y_train"].__setitem__(0, 7), "0…1")
    with_arrays("negative-label", lambda a: a["y_test"].__setitem__(0, -1), "0…1")
    with_arrays("regression-target-nan", lambda a: a["y_train"].__setitem__(1, np.nan),
                "finite", base=reg)
    with_arrays("regression-target-inf", lambda a: a["y_test"].__setitem__(1, np.inf),
                "finite", base=reg)
    with_arrays("history-width", lambda a: a.update(history_rows=a["history_rows"][:, :3]),
                "history")
    with_arrays("history-inf", lambda a: a["history_rows"].__setitem__((1, 1), np.inf),
                "infinite")
    with_arrays("history-epochs-decreasing", lambda a: a.update(
        history_rows=a["history_rows"][::-1].copy()), "rise")
    with_arrays("history-epoch-beyond", lambda a: a["history_rows"].__setitem__((-1, 0), 99),
                "rise")
    with_arrays("history-epoch-fraction", lambda a: a["history_rows"].__setitem__((1, 0), 0.5),
                "whole numbers")
    with_arrays("history-latest-empty", lambda a: a.update(history_latest=np.zeros(0)),
                "newest row")
    with_arrays("history-latest-long", lambda a: a.update(
        history_latest=np.append(a["history_latest"], 1.0)), "newest row")
    with_arrays("history-latest-beyond", lambda a: a["history_latest"].__setitem__(0, 50.0),
                "newest row")
    with_arrays("history-latest-nan-epoch", lambda a: a["history_latest"].__setitem__(
        0, np.nan), "newest row")
    with_arrays("optimizer-state-shape", lambda a: a.update(optimizer_m=np.zeros(3)),
                "expected (13,)")
    with_arrays("optimizer-state-nan", lambda a: a["optimizer_v"].__setitem__(0, np.nan),
                "finite")
    with_arrays("epoch-order-not-permutation", lambda a: a.update(
        epoch_order=np.zeros(21, dtype=np.int64)), "not a permutation")
    with_arrays("epoch-order-floats", lambda a: a.update(
        epoch_order=a["epoch_order"].astype(float)), "whole numbers")
    with_arrays("epoch-order-length", lambda a: a.update(epoch_order=np.arange(5)),
                "expected (21,)")
    with_arrays("float32-weights-too-large", lambda a: a["theta"].__setitem__(0, 1e300),
                "too large for float32", base={**f32, "arrays.npz": npz(
                    {**arrays_of(f32), "theta": arrays_of(f32)["theta"].astype(np.float64)})})

    # --- the manifest
    manifest = json.loads(m["manifest.json"])
    for name, value, expected in (
            ("manifest-not-json", b"{not json", "not valid JSON"),
            ("manifest-list", b"[1, 2]", "another format"),
            ("manifest-empty", b"", "not valid JSON"),
            ("manifest-no-format", json.dumps({"version": 1}).encode(), "another format"),
            ("wrong-format", json.dumps({**manifest, "format": "zip"}).encode(), "another format"),
            ("newer-version", json.dumps({**manifest, "version": 99}).encode(), "newer"),
            ("version-zero", json.dumps({**manifest, "version": 0}).encode(), "version"),
            ("version-text", json.dumps({**manifest, "version": "1"}).encode(), "version"),
            ("version-true", json.dumps({**manifest, "version": True}).encode(), "version"),
            ("version-fraction", json.dumps({**manifest, "version": 1.5}).encode(), "version"),
            ("version-huge", b'{"format": "backprop-lab-session", "version": 1'
             + b"0" * 5000 + b"}", "too many digits"),
            ("manifest-nested", b"[" * 100_000 + b"]" * 100_000, "nested too deeply")):
        case(name, pack({**m, "manifest.json": value}), expected)

    # --- session.json as JSON
    text = m["session.json"].decode()
    with_json("session-not-json", "{not json", "not valid JSON")
    with_json("session-json-truncated", text[: len(text) // 2], "ends too early")
    with_json("session-not-utf8", text.replace('"moons"', '"m\u00f6ons"').encode("latin-1"),
              "not UTF-8")
    with_json("session-nested-deeply", "[" * 100_000 + "]" * 100_000, "nested too deeply")
    with_json("session-nested-65", text.replace('"extra": {}', '"extra": ' + "[" * 70
                                                + "]" * 70), "nested too deeply")
    with_json("session-nan-constant", text.replace('"l1": 0.0', '"l1": NaN'), "NaN")
    with_json("session-infinity", text.replace('"l2": 0.0', '"l2": Infinity'), "Infinity")
    with_json("session-1e999", text.replace('"l2": 0.0', '"l2": 1e999'), "too large")
    with_json("session-huge-integer", text.replace('"epoch": 3', '"epoch": ' + "9" * 5000),
              "too many digits")
    with_json("session-duplicate-field", text.replace('"epoch": 3', '"epoch": 3, "epoch": 4'),
              "same field twice")
    with_json("session-list", "[1, 2, 3]", "group of named values")
    with_json("session-null", "null", "lacks the session description")
    with_json("session-empty-text", "", "not valid JSON")
    with_json("session-extra-text", text + " {}", "more text after the end")

    # --- the network
    net = ["network"]
    for name, change, expected in (
            ("missing-network", drop(net), "lacks the network's description"),
            ("network-text", set_in(net, "2-3-1"), "group of named values"),
            ("sizes-missing", drop(net + ["sizes"]), "layer sizes"),
            ("sizes-text", set_in(net + ["sizes"], "2,3,1"), "layer sizes"),
            ("sizes-one", set_in(net + ["sizes"], [2]), "layer sizes"),
            ("bad-sizes", set_in(net + ["sizes"], [2, 0, 1]), "layer size"),
            ("sizes-negative", set_in(net + ["sizes"], [2, -3, 1]), "layer size"),
            ("sizes-fraction", set_in(net + ["sizes"], [2, 2.5, 1]), "layer size"),
            ("sizes-text-item", set_in(net + ["sizes"], [2, "3", 1]), "layer size"),
            ("sizes-true", set_in(net + ["sizes"], [2, True, 1]), "layer size"),
            ("sizes-huge", set_in(net + ["sizes"], [2, 10**30, 1]), "layer size"),
            ("sizes-20000", set_in(net + ["sizes"], [2, 20000, 20000, 3]), "layer size"),
            ("too-many-parameters", set_in(net + ["sizes"], [2, 1000, 1000, 1]), "500,000"),
            ("too-many-layers", set_in(net + ["sizes"], [2] + [3] * 40 + [1]), "2 to 34"),
            ("activations-missing", drop(net + ["activations"]), "one activation per layer"),
            ("activations-count", set_in(net + ["activations"], ["relu"]),
             "one activation per layer"),
            ("unknown-activation", set_in(net + ["activations"], ["swish", "sigmoid"]),
             '"swish"'),
            ("softmax-hidden", set_in(net + ["activations"], ["softmax", "sigmoid"]),
             "hidden layer 1"),
            ("unknown-output", set_in(net + ["activations"], ["relu", "gelu"]),
             "output layer's activation"),
            ("activation-number", set_in(net + ["activations"], [1, "sigmoid"]), "not 1"),
            ("init-unknown", set_in(net + ["init"], "magic"), "initializer"),
            ("init-number", set_in(net + ["init"], 3), "initializer"),
            ("network-seed-negative", set_in(net + ["seed"], -1), "network's seed"),
            ("network-seed-huge", set_in(net + ["seed"], 2**64), "network's seed"),
            ("network-seed-text", set_in(net + ["seed"], "zero"), "network's seed"),
            ("number-type-float16", set_in(net + ["dtype"], "float16"), "number type"),
            ("number-type-number", set_in(net + ["dtype"], 64), "number type")):
        with_doc(name, change, expected)

    # --- the data
    data = ["data"]
    for name, change, expected in (
            ("missing-data", drop(data), "lacks the data's description"),
            ("data-list", set_in(data, []), "group of named values"),
            ("task-unknown", set_in(data + ["task"], "clustering"), "the task"),
            ("task-number", set_in(data + ["task"], 2), "the task"),
            ("n-classes-huge", set_in(data + ["n_classes"], 10**30), "class count"),
            ("n-classes-negative", set_in(data + ["n_classes"], -1), "class count"),
            ("n-classes-one", set_in(data + ["n_classes"], 1), "class count"),
            ("n-classes-text", set_in(data + ["n_classes"], "2"), "class count"),
            ("n-classes-float", set_in(data + ["n_classes"], 2.0), "class count"),
            ("features-empty", set_in(data + ["features"], []), "input features"),
            ("features-unknown", set_in(data + ["features"], ["x1", "x3"]), "input features"),
            ("features-twice", set_in(data + ["features"], ["x1", "x1"]), "input features"),
            ("features-text", set_in(data + ["features"], "x1,x2"), "input features"),
            ("domain-missing", drop(data + ["domain"]), "plot's range"),
            ("domain-huge", set_in(data + ["domain"], [[-1e308, 1e308], [-6, 6]]),
             "plot's horizontal range"),
            ("domain-reversed", set_in(data + ["domain"], [[-6, 6], [6, -6]]),
             "from a lower to a higher"),
            ("domain-flat", set_in(data + ["domain"], [[1, 1], [-6, 6]]),
             "from a lower to a higher"),
            ("domain-three-axes", set_in(data + ["domain"], [[0, 1]] * 3), "two axes"),
            ("domain-text", set_in(data + ["domain"], [["a", "b"], [0, 1]]),
             "plot's horizontal range"),
            ("domain-null", set_in(data + ["domain"], [[None, 1], [0, 1]]),
             "plot's horizontal range"),
            ("params-text", set_in(data + ["params"], "noise=0.3"), "data's settings"),
            ("params-list", set_in(data + ["params"], [1]), "data's settings"),
            ("standardize-short", set_in(data + ["params", "standardize"],
                                         {"mean": [0.0], "std": [1.0, 1.0]}), "scaling's means"),
            ("standardize-zero-std", set_in(data + ["params", "standardize"],
                                            {"mean": [0.0, 0.0], "std": [1.0, 0.0]}),
             "scaling's deviations"),
            ("standardize-extra-field", set_in(data + ["params", "standardize"],
                                               {"mean": [0, 0], "std": [1, 1], "max": 3}),
             "input scaling"),
            ("standardize-text", set_in(data + ["params", "standardize"], "yes"),
             "input scaling"),
            ("image-shape-mismatch", set_in(data + ["params", "image_shape"], [8, 8]),
             "image shape"),
            ("image-shape-text", set_in(data + ["params", "image_shape"], "8x8"),
             "image shape"),
            ("params-test-fraction", set_in(data + ["params", "test_fraction"], 1.5),
             "test fraction"),
            ("params-seed", set_in(data + ["params", "seed"], -4), "data's seed"),
            ("params-noise", set_in(data + ["params", "noise"], -1), "noise"),
            ("params-samples", set_in(data + ["params", "n_samples"], 0), "sample count"),
            ("params-columns", set_in(data + ["params", "columns"], "a,b"), "column names"),
            ("params-header", set_in(data + ["params", "header"], "yes"), "header flag"),
            ("params-edited", set_in(data + ["params", "edited"], 1), "edited flag"),
            ("params-notes", set_in(data + ["params", "import_notes"], [1, 2]),
             "import notes"),
            ("class-names-count", set_in(data + ["class_names"], ["a", "b", "c"]),
             "names 3 classes"),
            ("class-names-text", set_in(data + ["class_names"], "a,b"), "class names"),
            ("class-names-numbers", set_in(data + ["class_names"], [0, 1]), "class names"),
            ("input-labels-count", set_in(data + ["input_labels"], ["a"]),
             "names 1 input columns"),
            ("input-labels-numbers", set_in(data + ["input_labels"], [1, 2]),
             "input column names"),
            ("data-name-number", set_in(data + ["name"], 7), "data's name"),
            ("data-name-long", set_in(data + ["name"], "n" * 2000), "too long"),
            ("extra-text", set_in(["extra"], "settings"), "window's settings"),
            ("extra-list", set_in(["extra"], [1, 2]), "window's settings"),
            ("extra-null", set_in(["extra"], None), "window's settings")):
        with_doc(name, change, expected)

    # --- training settings
    tr = ["training"]
    for name, change, expected in (
            ("missing-training", drop(tr), "lacks the training settings"),
            ("bad-loss", set_in(tr + ["loss"], "cross_entropy"), "does not fit"),
            ("loss-unknown", set_in(tr + ["loss"], "hinge"), "the loss"),
            ("optimizer-unknown", set_in(tr + ["optimizer"], "lbfgs"), "the optimizer"),
            ("optimizer-hyper-text", set_in(tr + ["optimizer_hyper"], "fast"),
             "optimizer's settings"),
            ("optimizer-hyper-unknown", set_in(tr + ["optimizer_hyper", "gamma"], 0.5),
             "optimizer's settings"),
            ("beta1-one", set_in(tr + ["optimizer_hyper", "beta1"], 1.0), "beta1"),
            ("eps-zero", set_in(tr + ["optimizer_hyper", "eps"], 0.0), "eps"),
            ("beta2-text", set_in(tr + ["optimizer_hyper", "beta2"], "high"), "beta2"),
            ("learning-rate-zero", set_in(tr + ["learning_rate"], 0), "learning rate"),
            ("negative-learning-rate", set_in(tr + ["learning_rate"], -1), "learning rate"),
            ("learning-rate-text", set_in(tr + ["learning_rate"], "fast"), "learning rate"),
            ("learning-rate-missing", drop(tr + ["learning_rate"]), "learning rate"),
            ("batch-size-zero", set_in(tr + ["batch_size"], 0), "batch size"),
            ("batch-size-fraction", set_in(tr + ["batch_size"], 1.5), "batch size"),
            ("batch-size-huge", set_in(tr + ["batch_size"], 10**9), "batch size"),
            ("l1-negative", set_in(tr + ["l1"], -1), "L1"),
            ("l2-text", set_in(tr + ["l2"], "none"), "L2"),
            ("training-seed-huge", set_in(tr + ["seed"], 2**63), "training seed"),
            ("optimizer-steps-negative", set_in(tr + ["optimizer_t"], -1),
             "optimizer's step count"),
            ("optimizer-steps-huge", set_in(tr + ["optimizer_t"], 2**60),
             "optimizer's step count")):
        with_doc(name, change, expected)
    with_doc("regression-with-bce", set_in(tr + ["loss"], "bce"), "does not fit", base=reg)
    with_doc("outputs-mismatch", set_in(["network", "sizes"], [2, 3, 2]), "output(s)")

    # --- counters and the shuffler
    st = ["state"]
    for name, change, expected in (
            ("missing-state", drop(st), "lacks the training state"),
            ("epoch-negative", set_in(st + ["epoch"], -1), "the epoch"),
            ("epoch-text", set_in(st + ["epoch"], "3"), "the epoch"),
            ("epoch-huge", set_in(st + ["epoch"], 2**60), "the epoch"),
            ("last-good-after-epoch", set_in(st + ["last_good_epoch"], 9), "last good epoch"),
            ("steps-negative", set_in(st + ["steps"], -5), "step count"),
            ("cursor-out-of-range", set_in(st + ["cursor"], 999), "mini-batch position"),
            ("cursor-negative", set_in(st + ["cursor"], -1), "mini-batch position"),
            ("rng-missing", drop(st + ["rng"]), "lacks the shuffler's state"),
            ("bad-rng-state", set_in(st + ["rng"], {"bit_generator": "Nope"}), "PCG64"),
            ("rng-mt19937", set_in(st + ["rng", "bit_generator"], "MT19937"), "PCG64"),
            ("rng-state-negative", set_in(st + ["rng", "state", "state"], -1),
             "shuffler's state number"),
            ("rng-state-too-large", set_in(st + ["rng", "state", "state"], 2**128),
             "shuffler's state number"),
            ("rng-inc-huge", set_in(st + ["rng", "state", "inc"], 2**200), "increment"),
            ("rng-inc-text", set_in(st + ["rng", "state", "inc"], "1"), "increment"),
            ("rng-has-uint32", set_in(st + ["rng", "has_uint32"], 2), "spare-bits flag"),
            ("rng-uinteger", set_in(st + ["rng", "uinteger"], 2**32), "spare bits"),
            ("rng-inner-list", set_in(st + ["rng", "state"], [1, 2]), "inner state")):
        with_doc(name, change, expected)

    # --- the history
    hi = ["history"]
    for name, change, expected in (
            ("missing-history", drop(hi), "lacks the history's description"),
            ("history-columns", set_in(hi + ["columns"], ["loss"]), "history's columns"),
            ("history-capacity-huge", set_in(hi + ["capacity"], 10**7), "capacity"),
            ("history-capacity-one", set_in(hi + ["capacity"], 1), "capacity"),
            ("history-capacity-float", set_in(hi + ["capacity"], 4096.0), "capacity"),
            ("history-capacity-small", set_in(hi + ["capacity"], 2), "capacity is 2"),
            ("history-stride-three", set_in(hi + ["stride"], 3), "power of two"),
            ("history-stride-zero", set_in(hi + ["stride"], 0), "stride")):
        with_doc(name, change, expected)

    expected = {}
    for old in BAD.glob("session-*.bplab"):
        old.unlink()
    for name, (content, part) in cases.items():
        (BAD / f"session-{name}.bplab").write_bytes(content)
        expected[f"session-{name}.bplab"] = part
    (BAD / "session-expected.json").write_text(json.dumps(expected, indent=1) + "\n",
                                               encoding="utf-8")
    print(f"wrote {len(cases)} files and session-expected.json to {BAD}")


if __name__ == "__main__":
    main()
