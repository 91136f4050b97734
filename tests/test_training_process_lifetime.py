"""The training process never outlives the window: it ends when the window closes, and when
the window's process dies without a word (a crash), it sees its pipe close and ends too."""
import os
import subprocess
import sys
import time

import pytest

pytestmark = pytest.mark.gui

SCRIPT = r"""
import os, sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from backprop_lab.gui.app import main

def after_start():
    from backprop_lab.gui.session.remote_training import RemoteTraining
    window = next(w for w in QApplication.topLevelWidgets() if hasattr(w, "loop"))
    window.loop.play()
    deadline = time.monotonic() + 60
    while window.loop.live is None and time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.005)
    print(RemoteTraining.shared().pid if window.loop.live is not None else "none", flush=True)
    if sys.argv[1] == "crash":
        os._exit(3)                     # no clean-up of any kind, as in a crash
    window.close()                      # the last window: the application quits

QTimer.singleShot(0, after_start)
sys.exit(main(["--fresh", "--dataset", "moons"]))
"""


def gone(pid: int) -> bool:
    """True when the process has ended (a zombie not yet reaped counts as ended)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        return False


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads process states from /proc")
@pytest.mark.parametrize("how", ["close", "crash"])
def test_the_training_process_ends_with_the_window(how, tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path),
           "XDG_CONFIG_HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", SCRIPT, how], env=env, capture_output=True,
                          text=True, timeout=120)
    lines = done.stdout.split()
    assert lines and lines[0].isdigit(), done.stdout + done.stderr
    assert done.returncode == (3 if how == "crash" else 0), done.stderr
    pid = int(lines[0])
    deadline = time.monotonic() + 10
    while not gone(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert gone(pid), f"the training process {pid} outlived the window ({how})"
