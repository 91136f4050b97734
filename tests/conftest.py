"""Test setup: Qt renders offscreen, so the suite needs no display."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["QT_QPA_PLATFORM"] = "offscreen"
# Keep the tests independent of the user's saved window settings.
os.environ.setdefault("BACKPROP_LAB_SETTINGS", "ephemeral")

import pytest  # noqa: E402

if os.environ.get("PYTEST_XDIST_WORKER") and "OPENBLAS_NUM_THREADS" not in os.environ:
    # Two workers on two cores: a second BLAS thread each would only compete for them
    # (an explicit OPENBLAS_NUM_THREADS still decides).
    from threadpoolctl import threadpool_limits
    threadpool_limits(1)


@pytest.fixture
def make_window(qtbot):
    """make_window(config, size=(1400, 900)): a shown, rendered MainWindow closed after the test."""
    def make(config, size=(1400, 900)):
        from backprop_lab.gui.window.main_window import MainWindow
        window = MainWindow(config)
        qtbot.addWidget(window)
        window.resize(*size)
        window.show()
        qtbot.waitExposed(window)
        window.render_now()
        return window
    return make
