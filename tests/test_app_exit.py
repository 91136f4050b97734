"""Leaving the app: the window's Qt objects are deleted before Python shuts down.

Left to interpreter shutdown, pyqtgraph's scenes were torn down while Python freed their
wrappers, and one exit in about eight ended in a segmentation fault (exit code -11 after the
screenshot was written)."""
import shiboken6
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from backprop_lab.gui import app as app_module
from backprop_lab.gui.window import main_window


def record_windows(monkeypatch) -> list:
    made = []

    class RecordedWindow(main_window.MainWindow):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.status_at_grab = None
            # The status line's timer would refresh it by chance on a slow run; only the
            # screenshot's own refresh may.
            self.access.status_line.timer.timeout.disconnect()
            made.append(self)

        def grab(self, *args):
            self.status_at_grab = self.access.status_line.text()
            return super().grab(*args)

    monkeypatch.setattr(main_window, "MainWindow", RecordedWindow)
    return made


def test_screenshot_run_deletes_its_window_before_returning(qapp, monkeypatch, tmp_path):
    made = record_windows(monkeypatch)
    hook_before = __import__("sys").excepthook
    out = tmp_path / "shot.png"
    code = app_module.main(["--fresh", "--epochs", "3", "--screenshot", str(out),
                            "--size", "1024x768"])
    assert code == 0 and out.stat().st_size > 10_000
    assert len(made) == 1 and not shiboken6.isValid(made[0])
    assert __import__("sys").excepthook is hook_before
    assert made[0].status_at_grab.startswith("epoch 3,")    # the picture's status is current
    # Written with zlib's fastest levels (half the time of its default for 5 % more bytes):
    # the FLEVEL bits of the first image data chunk's zlib header say 0 (2 is the default).
    data = out.read_bytes()
    zlib_header = data[data.index(b"IDAT") + 4:][:2]
    assert zlib_header[1] >> 6 == 0


def test_a_refused_option_still_deletes_the_window(qapp, monkeypatch, tmp_path):
    made = record_windows(monkeypatch)
    code = app_module.main(["--lesson", "999", "--screenshot", str(tmp_path / "never.png")])
    assert code == 2
    assert len(made) == 1 and not shiboken6.isValid(made[0])


def test_closing_the_running_app_deletes_its_window(qapp, monkeypatch):
    made = record_windows(monkeypatch)

    def event_loop_until_closed(_app) -> int:
        # Stands in for QApplication.exec: the shared test application must not quit (the
        # training process ends with the application).
        loop = QEventLoop()
        QTimer.singleShot(300, lambda: [w.close() for w in made])
        QTimer.singleShot(600, loop.quit)
        return loop.exec()

    monkeypatch.setattr(QApplication, "exec", event_loop_until_closed)
    code = app_module.main(["--fresh", "--lesson", "1", "--size", "1024x768"])
    assert code == 0
    assert len(made) == 1 and not shiboken6.isValid(made[0])


QUIT_SCRIPT = r"""
import atexit, gc, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from backprop_lab.gui.app import main

# Registered first, so it runs last at exit: after the app's own exit work.
atexit.register(lambda: print("frozen at exit:", gc.get_freeze_count(), flush=True))

def close_the_window():
    shown = [w for w in QApplication.topLevelWidgets() if hasattr(w, "loop") and w.isVisible()]
    for window in shown:
        window.close()                  # the last window: the application quits
    if not shown:
        QTimer.singleShot(50, close_the_window)

QTimer.singleShot(0, close_the_window)
sys.exit(main(["--fresh", "--layers", "5,3"]))
"""


def test_quitting_writes_the_settings_and_spares_the_collector(tmp_path):
    """Python's shutdown would walk every object of the app with its collector (0.3–0.4 s);
    the app freezes them at exit instead.  What must persist is on disk by then."""
    import os
    import re
    import subprocess
    import sys

    ini = tmp_path / "settings.ini"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "BACKPROP_LAB_SETTINGS": str(ini),
           "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", QUIT_SCRIPT], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    frozen = int(done.stdout.split("frozen at exit:")[1].split()[0])
    assert frozen > 10_000
    assert re.search(r"hidden.{0,12}5, 3", ini.read_text())      # the options it ran with
