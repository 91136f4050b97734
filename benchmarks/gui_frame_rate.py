"""Frames per second of the window while it trains as fast as it can with every view live,
the training speed at the same time, and how fast the window answers input meanwhile.

    python benchmarks/gui_frame_rate.py                # 3 runs of 10 s per case (~2 minutes)
    python benchmarks/gui_frame_rate.py --seconds 4 --repeats 1     # a quick look

Runs the real MainWindow offscreen (``QT_QPA_PLATFORM=offscreen``) at 1600×1000, presses Play
at full speed and, once the training process has the session and after a warm-up, measures
for ``--seconds``:

* **frames/s** — window repaints that follow a new frame of the renderer, per second;
* **worst frame** — the longest gap between two consecutive repaints;
* **epochs/s** — training epochs completed per second, while drawing;
* **detail** — the level of detail the window's frame budget settled at by the end of the
  run (see ``gui/window/frame_budget.py``: 0 draws everything in every frame; a machine
  whose frames come late draws less per frame);
* **render** — the median time on the clock the window's thread spends on one frame (the
  renderer's grid pass and view updates, then Qt's repaint), and the processor time the
  window's thread used per frame (all it did, divided by the frames; its event loop sleeps
  when it has nothing to do, as the app's does), also as a multiple of
  the NumPy reference workload timed in the same run (see ``machine.py``): processor time is
  what a busy machine stretches least, and the multiple compares across machines;
* **input latency** — a thread posts an event to the window every 30–90 ms; the time until
  its handler runs on the window's thread is what a key or a click waits (median and the
  worst of all).

Each case runs ``--repeats`` times; the table shows the median run (by frames/s) and the
spread, and the targets beside.  The load average is printed before and after: on a busy
machine every figure suffers, compare the ×reference figures.
"""
from __future__ import annotations

import argparse
import functools
import os
import random
import statistics
import sys
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["BACKPROP_LAB_SETTINGS"] = "ephemeral"
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy  # noqa: E402,F401  (load BLAS first, so that the limit below reaches it)
from threadpoolctl import threadpool_limits  # noqa: E402

threadpool_limits(1)

import machine  # noqa: E402
from backprop_lab.gui.model.config import Config  # noqa: E402
from backprop_lab.gui.window.frame_budget import LEVELS  # noqa: E402

# Qt and the window are imported in main(): the training process the window starts imports
# this script again (as multiprocessing does), and needs none of them.

#: name → (config, target frames/s, target epochs/s or None)
CASES = {
    "spiral, 6 hidden layers of 8, batches of 10": (
        Config(dataset="spiral", n_samples=300, hidden=[8] * 6, activations=["relu"] * 6,
               optimizer="adam", learning_rate=0.01, batch_size=10), 60, 200),
    "digits 64-32-10 (predictions view)": (
        Config(dataset="digits", hidden=[32], activations=["relu"], optimizer="adam",
               learning_rate=0.01, batch_size=None), 60, None),
    "xor 2-4-1, full batch": (
        Config(dataset="xor", n_samples=4, test_fraction=0.0, noise=0.0, hidden=[4],
               activations=["relu"], optimizer="adam", learning_rate=0.1, batch_size=None),
        60, 5000),
}
WORST_FRAME_MS = 34.0
LATENCY_MS = 50.0
SIZE = (1600, 1000)


def measure(app, config: Config, seconds: float, warmup: float) -> dict:
    _, _, LatencyProbe, MainWindow = qt_parts()
    window = MainWindow(config)
    window.resize(*SIZE)
    window.show()
    app.window = window
    app.processEvents()
    renders: list[tuple[float, float]] = []
    original = window.renderer.render

    def timed_render():
        start = time.perf_counter()
        original()
        renders.append((start, time.perf_counter()))

    window.renderer.render = timed_render           # the renderer's timer calls self.render()
    loop = window.loop
    loop.play()
    run_events(60, until=lambda: loop.live is not None)   # the training process has it
    run_events(warmup)
    probe = LatencyProbe()
    thread = probe.start()
    renders.clear()
    app.paints.clear()
    start_epoch = loop.epoch
    start, start_cpu = time.perf_counter(), time.thread_time()
    run_events(seconds)
    elapsed = time.perf_counter() - start
    cpu = time.thread_time() - start_cpu
    epochs = loop.epoch - start_epoch
    level = window.renderer.budget.level
    probe.stop()
    thread.join()
    app.processEvents()
    loop.pause()
    paints, rendered = list(app.paints), list(renders)
    app.window = None
    window.close()
    window.deleteLater()
    app.processEvents()
    frames, costs = frames_of(rendered, paints)
    gaps = [b - a for a, b in zip(frames, frames[1:])]
    return {"fps": len(frames) / elapsed, "epochs_per_s": epochs / elapsed,
            "cpu_ms": 1000 * cpu / max(len(frames), 1),
            "worst_ms": 1000 * max(gaps) if gaps else float("nan"),
            "render_ms": 1000 * statistics.median(costs) if costs else float("nan"),
            "latency_ms": 1000 * statistics.median(probe.waits) if probe.waits else float("nan"),
            "worst_latency_ms": 1000 * max(probe.waits) if probe.waits else float("nan"),
            "level": level}


def run_events(seconds: float, until=None) -> None:
    """Run the window's event loop for ``seconds`` (or until ``until()`` is true), sleeping
    when it has nothing to do as the app's own loop does: a loop of processEvents() would
    spin, and the window's thread would seem busy all the time."""
    from PySide6.QtCore import QEventLoop, QTimer
    events = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), events.quit)
    check = QTimer(events)                # deleted with the loop
    if until is not None:
        check.timeout.connect(lambda: until() and events.quit())
        check.start(10)
    events.exec()


def frames_of(renders, paints) -> tuple[list[float], list[float]]:
    """(end time of each repaint that shows a new frame, time spent on each such frame: the
    renders since the previous repaint plus this repaint)."""
    frames, costs = [], []
    k = 0
    for start, end in paints:
        spent = 0.0
        while k < len(renders) and renders[k][1] <= start:
            spent += renders[k][1] - renders[k][0]
            k += 1
        if spent > 0:
            frames.append(end)
            costs.append(spent + end - start)
    return frames, costs


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


@functools.cache
def qt_parts():
    """The Qt side of the benchmark (imported only in the benchmark's own process)."""
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    from backprop_lab.gui.window.main_window import MainWindow

    class TimedApp(QApplication):
        """Times every repaint of the top-level window (Qt's UpdateRequest)."""

        def __init__(self, argv):
            super().__init__(argv)
            self.window = None
            self.paints: list[tuple[float, float]] = []      # (start, end) of each repaint

        def notify(self, receiver, event):
            if receiver is self.window and event.type() == QEvent.Type.UpdateRequest:
                start = time.perf_counter()
                result = super().notify(receiver, event)
                self.paints.append((start, time.perf_counter()))
                return result
            return super().notify(receiver, event)

    PING = QEvent.Type(QEvent.registerEventType())

    class LatencyProbe(QObject):
        """Receives the posted events on the window's thread and notes how long each waited."""

        def __init__(self):
            super().__init__()
            self.posted: list[float] = []
            self.waits: list[float] = []
            self._lock = threading.Lock()
            self._stop = threading.Event()

        def event(self, event) -> bool:
            if event.type() == PING:
                with self._lock:
                    posted = self.posted.pop(0) if self.posted else None
                if posted is not None:
                    self.waits.append(time.perf_counter() - posted)
                return True
            return super().event(event)

        def run(self) -> None:
            rng = random.Random(1)
            while not self._stop.wait(rng.uniform(0.03, 0.09)):
                with self._lock:
                    self.posted.append(time.perf_counter())
                QApplication.postEvent(self, QEvent(PING))

        def start(self) -> threading.Thread:
            thread = threading.Thread(target=self.run, daemon=True)
            thread.start()
            return thread

        def stop(self) -> None:
            self._stop.set()

    return QApplication, TimedApp, LatencyProbe, MainWindow


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="measured time per run")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds before measuring")
    parser.add_argument("--repeats", type=int, default=3, help="runs per case")
    parser.add_argument("--case", choices=["spiral", "digits", "xor"], action="append",
                        help="only these cases")
    args = parser.parse_args()
    QApplication, TimedApp, _, _ = qt_parts()
    app = QApplication.instance() or TimedApp(sys.argv[:1])
    machine.describe("Backprop Lab: the window's frame rate while training at full speed, "
                     f"offscreen at {SIZE[0]}×{SIZE[1]}")
    reference = machine.reference_ms()
    print(f"NumPy reference workload: {reference:.2f} ms of processor time (median of 31)")
    chosen = {name: case for name, case in CASES.items()
              if not args.case or name.split()[0].rstrip(",") in args.case}
    rows = []
    for name, (config, target_fps, target_epochs) in chosen.items():
        runs = sorted((measure(app, config, args.seconds, args.warmup)
                       for _ in range(args.repeats)), key=lambda r: r["fps"])
        rows.append((name, runs, target_fps, target_epochs))
    reference_after = machine.reference_ms()
    print(f"\nmedian of {args.repeats} run(s) of {args.seconds:g} s each (range in brackets); "
          "targets beside")
    ok = []
    for name, runs, target_fps, target_epochs in rows:
        mid = runs[len(runs) // 2]
        spread = (lambda key, fmt: f"[{fmt.format(min(r[key] for r in runs))}–"
                  f"{fmt.format(max(r[key] for r in runs))}]" if len(runs) > 1 else "")
        print(f"\n{name}")
        checks = [
            ("frames/s", f"{mid['fps']:.1f} {spread('fps', '{:.0f}')}", f"≥ {target_fps}",
             mid["fps"] >= target_fps),
            ("worst frame", f"{mid['worst_ms']:.0f} ms {spread('worst_ms', '{:.0f}')}",
             f"< {WORST_FRAME_MS:g} ms", mid["worst_ms"] < WORST_FRAME_MS),
            ("epochs/s", f"{mid['epochs_per_s']:,.0f} {spread('epochs_per_s', '{:,.0f}')}",
             f"≥ {target_epochs:,}" if target_epochs else "",
             None if target_epochs is None else mid["epochs_per_s"] >= target_epochs),
            ("detail", f"level {mid['level']} of {len(LEVELS) - 1} "
             f"{spread('level', '{}')} (0: everything in every frame)", "", None),
            ("render per frame", f"{mid['render_ms']:.1f} ms on the clock", "", None),
            ("  processor time", f"{mid['cpu_ms']:.1f} ms = {mid['cpu_ms'] / reference:.1f}× "
             "reference", "", None),
            ("input latency", f"median {mid['latency_ms']:.1f} ms, worst "
             f"{mid['worst_latency_ms']:.0f} ms", f"< {LATENCY_MS:g} ms",
             mid["worst_latency_ms"] < LATENCY_MS),
        ]
        for label, value, target, met in checks:
            print(f"  {label:<18}{value:<40}{target:<12}{'' if met is None else verdict(met)}")
            if met is not None:
                ok.append(met)
    one, note = machine.load()
    print(f"\nNumPy reference after the runs: {reference_after:.2f} ms; load average (1 min): "
          f"{one:.2f} — {note}")
    print(f"targets met: {sum(ok)}/{len(ok)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
