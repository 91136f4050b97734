"""Every malformed file of the corpus, opened through the window as a user would: a message,
never an internal error, and the session that was open stays open, untouched."""
from pathlib import Path

import numpy as np
import pytest

from backprop_lab.gui.model.config import Config

pytestmark = pytest.mark.gui
DATA = Path(__file__).resolve().parent / "data"
BAD_SESSIONS = sorted((DATA / "bad").glob("session-*.bplab"))
BAD_CSVS = sorted((DATA / "bad").glob("csv-*.csv"))
GOOD_CSVS = sorted((DATA / "csv").glob("*.csv"))


@pytest.fixture(scope="module")
def window(qapp):
    from backprop_lab.gui.window.main_window import MainWindow
    w = MainWindow(Config(dataset="moons", hidden=[4], activations=["tanh"]))
    w.resize(1280, 800)
    w.show()
    w.controller.session.run(5)
    yield w
    w.close()


def unchanged(window, session, theta):
    assert window.controller.session is session
    np.testing.assert_array_equal(session.network.theta, theta)
    message = window.statusBar().currentMessage()
    assert message.startswith("⚠") and "Internal error" not in message
    assert "Traceback" not in message and "Error:" not in message


def test_the_corpus_is_there():
    assert len(BAD_SESSIONS) >= 150 and len(BAD_CSVS) >= 150


def test_every_bad_session_file_leaves_the_open_session_untouched(window):
    session = window.controller.session
    theta = session.network.theta.copy()
    for path in BAD_SESSIONS:
        assert not window.files.open_path(path, ask=False), path.name
        unchanged(window, session, theta)
    assert window.files.path is None


def test_every_bad_csv_leaves_the_open_session_untouched(window):
    session = window.controller.session
    theta = session.network.theta.copy()
    refused = 0
    for path in BAD_CSVS:
        if window.data_editing.import_csv(path):
            # a few "bad" files are accepted with a notice (e.g. cells that needed cleaning):
            # then they must be usable — drawn and trained — and Undo brings the old session
            window.render_now()
            window.controller.session.run(2)
            window.undo()
        else:
            refused += 1
            unchanged(window, session, theta)
        assert window.controller.session is session
    assert refused >= 0.9 * len(BAD_CSVS)


@pytest.mark.parametrize("path", GOOD_CSVS, ids=lambda p: p.name)
def test_real_world_csvs_import_train_and_draw(window, path):
    options = {"missing": "drop"} if "missing" in path.name else {}
    assert window.data_editing.import_csv(path, **options), window.statusBar().currentMessage()
    window.render_now()
    assert window.controller.session.run(3) == 3
    window.undo()
