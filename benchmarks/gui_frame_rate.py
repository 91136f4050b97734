"""Frames per second of the window while it trains as fast as it can, all views live.

    python benchmarks/gui_frame_rate.py [--seconds 5]

Runs the real MainWindow offscreen (QT_QPA_PLATFORM=offscreen) at max speed for a fixed
time, for six hidden layers of 8 on the spiral and for 2-4-1 on XOR, and prints frames per
second, epochs per second, and the worst frame time (the longest gap between two consecutive
redraws, which includes the training slice in between).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["BACKPROP_LAB_SETTINGS"] = "ephemeral"
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy  # noqa: E402,F401  (load BLAS first, so that the limit below reaches it)
from threadpoolctl import threadpool_limits  # noqa: E402

threadpool_limits(1)

from PySide6.QtWidgets import QApplication  # noqa: E402

from backprop_lab.gui.model.config import Config  # noqa: E402
from backprop_lab.gui.window.main_window import MainWindow  # noqa: E402

CASES = {
    "spiral, 6 hidden layers of 8 (relu)": Config(dataset="spiral", n_samples=300, hidden=[8] * 6,
                                                  activations=["relu"] * 6, optimizer="adam",
                                                  learning_rate=0.01, batch_size=10),
    "xor, 2-4-1 (relu), full batch": Config(dataset="xor", n_samples=4, test_fraction=0.0,
                                            noise=0.0, hidden=[4], activations=["relu"],
                                            optimizer="adam", learning_rate=0.1, batch_size=None),
}


def measure(app: QApplication, config: Config, seconds: float, size=(1600, 1000)) -> dict:
    window = MainWindow(config)
    window.resize(*size)
    window.show()
    app.processEvents()
    stamps: list[float] = []
    original = window.render_now

    def timed_render():
        original()
        stamps.append(time.perf_counter())

    window.render_now = timed_render
    window.renderer.timer.timeout.disconnect()
    window.renderer.timer.timeout.connect(lambda: window.renderer._needed and window.render_now())
    session = window.controller.session
    start_epoch = session.epoch
    window.loop.play()
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        app.processEvents()
    window.loop.pause()
    elapsed = time.perf_counter() - start
    gaps = [b - a for a, b in zip(stamps, stamps[1:])]
    result = {
        "fps": len(stamps) / elapsed,
        "epochs_per_s": (session.epoch - start_epoch) / elapsed,
        "worst_ms": 1000 * max(gaps) if gaps else float("nan"),
        "render_ms": 1000 * sorted(window.renderer.frame_times)[len(window.renderer.frame_times) // 2],
    }
    window.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    print(f"{'case':40} {'fps':>6} {'epochs/s':>9} {'worst frame':>12} {'median render':>14}")
    for name, config in CASES.items():
        r = measure(app, config, args.seconds)
        print(f"{name:40} {r['fps']:6.1f} {r['epochs_per_s']:9.0f} {r['worst_ms']:10.1f} ms"
              f" {r['render_ms']:11.1f} ms")


if __name__ == "__main__":
    main()
