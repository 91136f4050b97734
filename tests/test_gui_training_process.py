"""Play at full speed trains in a process of its own; the window's session stays the truth:
what it takes back, what is typed or saved meanwhile, is exactly what training here gives."""
import numpy as np
import pytest

from backprop_lab.engine import Network, TrainingSession, datasets
from backprop_lab.engine.io.session_file import load_session
from backprop_lab.gui.model.config import Config
from backprop_lab.gui.session.remote_training import RemoteTraining

pytestmark = pytest.mark.gui

CONFIG = Config(dataset="moons", n_samples=120, hidden=[5, 4], activations=["tanh", "tanh"],
                optimizer="adam", learning_rate=0.03, batch_size=16)


def play_elsewhere(window, qtbot, epochs: int = 8) -> None:
    """Play until the training process has the session and trained ``epochs`` more."""
    window.loop.play()
    qtbot.waitUntil(lambda: window.loop.live is not None, timeout=60000)
    start = window.controller.session.epoch
    qtbot.waitUntil(lambda: window.controller.session.epoch >= start + epochs, timeout=30000)


def trained_here(epochs: int):
    session = CONFIG.build_session()
    session.run(epochs)
    return session


def test_the_process_trains_and_the_session_takes_back_exactly_that_run(make_window, qtbot):
    window = make_window(CONFIG)
    session = window.controller.session
    play_elsewhere(window, qtbot)
    window.loop.pause()
    assert window.loop.live is None
    twin = trained_here(session.epoch)
    np.testing.assert_array_equal(session.network.theta, twin.network.theta)
    np.testing.assert_array_equal(session.history.table(), twin.history.table())
    np.testing.assert_array_equal(session.timeline.epochs(), twin.timeline.epochs())
    window.render_now()
    assert window.transport.epoch_label.text() == f"Epoch {session.epoch:,}"


def test_a_weight_typed_while_training_elsewhere_is_trained_on(make_window, qtbot):
    window = make_window(CONFIG)
    session = window.controller.session
    play_elsewhere(window, qtbot)
    window.network_view.weightTyped.emit(0, 1, 2, 0.75)    # as the inline editor does
    assert window.loop.live is None                         # taken back before the edit
    edited_at = session.epoch
    assert session.network.layers[0].W[1, 2] == 0.75
    qtbot.waitUntil(lambda: session.epoch >= edited_at + 4, timeout=60000)
    window.loop.pause()
    twin = trained_here(edited_at)
    twin.set_weight(0, 1, 2, 0.75)
    twin.run(session.epoch - edited_at)
    np.testing.assert_array_equal(session.network.theta, twin.network.theta)


def test_saving_while_training_elsewhere_saves_the_state_reached(make_window, qtbot, tmp_path):
    window = make_window(CONFIG)
    session = window.controller.session
    play_elsewhere(window, qtbot)
    path = tmp_path / "running.bplab"
    assert window.files.save_to(path)
    saved = load_session(path)
    assert window.loop.running                              # training goes on meanwhile
    window.loop.pause()
    assert saved.epoch >= 8
    twin = trained_here(saved.epoch)
    np.testing.assert_array_equal(saved.network.theta, twin.network.theta)
    np.testing.assert_array_equal(saved.history.table(), twin.history.table())


def with_every_feature(**kw) -> TrainingSession:
    """Validation share, dropout, early stopping that restores the best epoch, clipping and a
    schedule (and what ``kw`` adds): all that a session carries from epoch to epoch."""
    data = datasets.load("moons", n_samples=120, seed=4, validation_fraction=0.2)
    net = Network([2, 6, 5, 1], hidden="tanh", output="sigmoid", seed=3)
    return TrainingSession(net, data, optimizer="adam", learning_rate=0.05, batch_size=12,
                           seed=5, dropout=0.2, clip_norm=1.0,
                           schedule={"name": "step", "step_size": 10, "gamma": 0.8}, **kw)


def stopped_elsewhere(window, qtbot, session) -> list[str]:
    """Install ``session`` in the window, play it in the training process until it stops by
    itself; the events the window's session announced."""
    remote = RemoteTraining.shared()                  # up before Play: no epoch trains here
    qtbot.waitUntil(remote.poll_ready, timeout=60000)
    window.controller.load(CONFIG, session)
    events = []
    session.subscribe(lambda event, _session: events.append(event))
    window.loop.play()
    qtbot.waitUntil(lambda: window.loop.live is not None or not window.loop.running,
                    timeout=10000)
    qtbot.waitUntil(lambda: not window.loop.running, timeout=60000)
    assert window.loop.live is None
    return events


def _not_here(*_args, **_kw):
    raise AssertionError("the window's process trained: the test is meant for the process")


@pytest.mark.parametrize("stop", [{"stop_at": {"epoch": 90}},
                                  {"early_stopping": {"patience": 5, "restore_best": True}}])
def test_a_stop_in_the_process_pauses_the_window_with_the_sessions_reason(make_window, qtbot,
                                                                          monkeypatch, stop):
    window = make_window(CONFIG)
    session = with_every_feature(**stop)
    with monkeypatch.context() as here:
        here.setattr(TrainingSession, "run", _not_here)
        events = stopped_elsewhere(window, qtbot, session)
    twin = with_every_feature(**stop)
    twin.run(100_000)
    assert session.stopped is not None and session.stopped == twin.stopped
    assert "stopped" in events
    assert (session.epoch, session.steps) == (twin.epoch, twin.steps)
    np.testing.assert_array_equal(session.network.theta, twin.network.theta)
    np.testing.assert_array_equal(session.history.table(), twin.history.table())
    np.testing.assert_array_equal(session.timeline.epochs(), twin.timeline.epochs())
    session.run(4)                                     # and trains on exactly alike
    twin.run(4)
    np.testing.assert_array_equal(session.network.theta, twin.network.theta)


def test_the_landscape_draws_the_path_the_process_trains(make_window, qtbot):
    window = make_window(CONFIG, size=(1500, 1000))
    session = window.controller.session
    session.run(3)
    link, view = window.analyses.landscape, window.analyses.landscape_view
    window.tabs.setCurrentWidget(view)
    qtbot.waitUntil(view.isVisible, timeout=2000)
    link.refresh()
    link.wait()
    play_elsewhere(window, qtbot, epochs=1)
    live = window.loop.live
    start = len(session.timeline)                     # as the process took it
    qtbot.waitUntil(lambda: live.path is not None and len(live.path[0]) > start + 5,
                    timeout=30000)
    assert len(session.timeline) == start             # the window's own waits for the pause
    link.refresh()
    assert len(view.path.getData()[0]) == len(live.path[0])
    window.loop.pause()
    link.refresh()
    assert len(view.path.getData()[0]) == len(session.timeline) > start + 5


def test_without_the_process_play_trains_in_the_window(make_window, qtbot, monkeypatch):
    from backprop_lab.gui.session.training_loop import TrainingLoop
    monkeypatch.setattr(TrainingLoop, "use_process", False)
    window = make_window(CONFIG)
    session = window.controller.session
    window.loop.play()
    qtbot.waitUntil(lambda: session.epoch >= 10, timeout=30000)
    assert window.loop.live is None
    window.loop.pause()
    twin = trained_here(session.epoch)
    np.testing.assert_array_equal(session.network.theta, twin.network.theta)
