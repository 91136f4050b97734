"""How long the app takes to start and draw its first picture, against the bare imports of
the libraries it stands on.

    python benchmarks/startup_time.py [--runs 5]

Times, alternately and ``--runs`` times each (medians printed):

* **bare**: ``python -c "import numpy, PySide6.QtWidgets, pyqtgraph"``;
* **app**:  ``python main.py --fresh --screenshot <file>`` — start, build the window and its
  session, draw the first frame offscreen, write the PNG and quit.

Both run with Python's compiled-module cache on (``PYTHONDONTWRITEBYTECODE`` unset), as an
installed copy does after its first start; a warm-up run of each fills it.  The target is
app ≤ 1.5 × bare.  Then one ``python -X importtime`` run of the app lists the
modules it imports beyond the bare ones, grouped by package, with their own import times: what
deferring an import could save.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import machine  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TARGET = 1.5
BARE = "import numpy, PySide6.QtWidgets, pyqtgraph"


def run(args: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, *args], env=env, cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def import_times(args: list[str], env: dict) -> dict[str, int]:
    """Module → its own import time in µs, from ``python -X importtime``."""
    result = subprocess.run([sys.executable, "-X", "importtime", *args], env=env, cwd=ROOT,
                            capture_output=True, text=True, check=True)
    times = {}
    for line in result.stderr.splitlines():
        if line.startswith("import time:") and "self [us]" not in line:
            own, _cumulative, name = line.split(":", 1)[1].split("|")
            times[name.strip()] = int(own)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", BACKPROP_LAB_SETTINGS="ephemeral")
    # Compiled modules are cached (as on any installed copy): the first run writes them.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    machine.describe("Backprop Lab: start-up time")
    with tempfile.TemporaryDirectory() as tmp:
        app = ["main.py", "--fresh", "--screenshot", str(Path(tmp) / "start.png")]
        run(["-c", BARE], env)                                 # warm the file cache
        run(app, env)
        bare, full = [], []
        for _ in range(args.runs):
            bare.append(run(["-c", BARE], env))
            full.append(run(app, env))
        b, a = statistics.median(bare), statistics.median(full)
        print(f"\nbare imports (numpy, PySide6.QtWidgets, pyqtgraph): {b:.2f} s "
              f"[{min(bare):.2f}–{max(bare):.2f}]")
        print(f"app to its first picture:                        {a:.2f} s "
              f"[{min(full):.2f}–{max(full):.2f}]")
        print(f"app / bare: {a / b:.2f}   target ≤ {TARGET:g}   "
              f"{'ok' if a / b <= TARGET else 'MISSED'}")
        base, mine = import_times(["-c", BARE], env), import_times(app, env)
    extra: dict[str, int] = {}
    for name, own in mine.items():
        if name not in base:
            parts = name.split(".")
            group = ".".join(parts[:3]) if parts[0] == "backprop_lab" else parts[0]
            extra[group] = extra.get(group, 0) + own
    total = sum(extra.values())
    print(f"\nimports beyond the bare ones: {total / 1e6:.2f} s (own import times, one run)")
    for group, own in sorted(extra.items(), key=lambda kv: -kv[1])[:12]:
        print(f"  {own / 1e3:7.1f} ms  {group}")
    one, note = machine.load()
    print(f"\nload average (1 min): {one:.2f} — {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
