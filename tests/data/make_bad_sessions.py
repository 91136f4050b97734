"""Writes the malformed session files in tests/data/bad/ (run from the repository root):

    python tests/data/make_bad_sessions.py

Each file is a real session broken in one way; tests/test_session_file.py checks that every
one is refused with a clear message.
"""
import io
import json
import sys
import zipfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from engine import Network, TrainingSession, datasets, save_session  # noqa: E402

BAD = Path(__file__).resolve().parent / "bad"


def good_session_bytes() -> bytes:
    data = datasets.load("moons", n_samples=30, seed=1)
    session = TrainingSession(Network([2, 3, 1], seed=0), data, optimizer="adam",
                              batch_size=8)
    session.run(3)
    session.step()
    path = BAD / "_good.tmp"
    save_session(session, path)
    raw = path.read_bytes()
    path.unlink()
    return raw


def parts(raw: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        return {n: z.read(n) for n in z.namelist()}


def pack(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, content in members.items():
            z.writestr(name, content)
    return buffer.getvalue()


def with_doc(members, change):
    doc = json.loads(members["session.json"])
    change(doc)
    return pack({**members, "session.json": json.dumps(doc).encode()})


def with_arrays(members, change):
    with np.load(io.BytesIO(members["arrays.npz"]), allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    change(arrays)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return pack({**members, "arrays.npz": buffer.getvalue()})


def main():
    BAD.mkdir(exist_ok=True)
    raw = good_session_bytes()
    m = parts(raw)
    manifest = json.loads(m["manifest.json"])
    cases = {
        "empty": b"",
        "text-file": b"this is not a session\n",
        "truncated": raw[: len(raw) // 2],
        "no-manifest": pack({k: v for k, v in m.items() if k != "manifest.json"}),
        "no-arrays": pack({k: v for k, v in m.items() if k != "arrays.npz"}),
        "newer-version": pack({**m, "manifest.json": json.dumps({**manifest, "version": 99}).encode()}),
        "wrong-format": pack({**m, "manifest.json": json.dumps({**manifest, "format": "zip"}).encode()}),
        "manifest-not-json": pack({**m, "manifest.json": b"{not json"}),
        "session-not-object": pack({**m, "session.json": b"[1, 2, 3]"}),
        "missing-network": with_doc(m, lambda d: d.pop("network")),
        "unknown-activation": with_doc(m, lambda d: d["network"].update(activations=["swish", "sigmoid"])),
        "bad-sizes": with_doc(m, lambda d: d["network"].update(sizes=[2, 0, 1])),
        "weights-wrong-length": with_arrays(m, lambda a: a.update(theta=a["theta"][:-2])),
        "weights-nan": with_arrays(m, lambda a: a["theta"].__setitem__(0, np.nan)),
        "labels-out-of-range": with_arrays(m, lambda a: a["y_train"].__setitem__(0, 7)),
        "points-labels-mismatch": with_arrays(m, lambda a: a.update(y_train=a["y_train"][:-1])),
        "object-array": with_arrays(m, lambda a: a.update(theta=np.array([{"x": 1}], dtype=object))),
        "optimizer-state-shape": with_arrays(m, lambda a: a.update(optimizer_m=np.zeros(3))),
        "history-columns": with_doc(m, lambda d: d["history"].update(columns=["loss"])),
        "cursor-out-of-range": with_doc(m, lambda d: d["state"].update(cursor=999)),
        "bad-loss": with_doc(m, lambda d: d["training"].update(loss="cross_entropy")),
        "negative-learning-rate": with_doc(m, lambda d: d["training"].update(learning_rate=-1)),
        "bad-rng-state": with_doc(m, lambda d: d["state"].update(rng={"bit_generator": "Nope"})),
        "bad-epoch-order": with_arrays(m, lambda a: a.update(epoch_order=np.zeros(21, dtype=np.int64))),
    }
    for name, content in cases.items():
        (BAD / f"session-{name}.bplab").write_bytes(content)
    print(f"wrote {len(cases)} files to {BAD}")


if __name__ == "__main__":
    main()
