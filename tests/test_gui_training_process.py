"""Play at full speed trains in a process of its own; the window's session stays the truth:
what it takes back, what is typed or saved meanwhile, is exactly what training here gives."""
import numpy as np
import pytest
from PySide6.QtCore import Qt

from backprop_lab.engine import TrainingSession
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


def with_every_feature(**stop) -> Config:
    """Validation share, dropout, clipping and a schedule, and a way to stop (``stop``): all
    that a session carries from epoch to epoch, as the window's settings."""
    return Config(dataset="moons", n_samples=120, data_seed=4, validation_fraction=0.2,
                  hidden=[6, 5], activations=["tanh", "tanh"], optimizer="adam",
                  learning_rate=0.05, batch_size=12, seed=3, dropout=0.2, clip_norm=1.0,
                  schedule="step", schedule_step=10, schedule_gamma=0.8, **stop).normalized()


def _not_here(*_args, **_kw):
    raise AssertionError("the window's process trained: the test is meant for the process")


@pytest.mark.parametrize("stop", [{"stop_epoch": 90},
                                  {"early_stopping": True, "patience": 5}])
def test_a_stop_in_the_process_pauses_the_window_with_the_sessions_reason(make_window, qtbot,
                                                                          monkeypatch, stop):
    config = with_every_feature(**stop)
    window = make_window(config)
    session = window.controller.session
    assert session.dropout == 0.2 and session.data.has_validation
    said = []
    window.controller.stopped.connect(said.append)
    remote = RemoteTraining.shared()                  # up before Play: no epoch trains here
    qtbot.waitUntil(remote.poll_ready, timeout=60000)
    with monkeypatch.context() as here:
        here.setattr(TrainingSession, "run", _not_here)
        window.loop.play()
        qtbot.waitUntil(lambda: not window.loop.running, timeout=60000)
    assert window.loop.live is None and window.controller.session is session
    twin = config.build_session()
    twin.run(100_000)
    assert session.stopped is not None and session.stopped == twin.stopped
    assert len(said) == 1 and said[0]                  # the window said why, once
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


def test_a_past_epoch_chosen_while_training_elsewhere_pauses_and_shows_it(make_window, qtbot):
    window = make_window(CONFIG)
    session = window.controller.session
    start = session.epoch
    play_elsewhere(window, qtbot, epochs=30)
    bar = window.timeline_bar
    qtbot.waitUntil(lambda: (window.render_now() or True) and len(bar.epochs) > 3
                    and bar.epochs[-2] > start, timeout=30000)
    k = len(bar.epochs) - 2                       # a kept epoch the process trained past
    chosen = int(bar.epochs[k])
    assert chosen > start
    bar.slider.setValue(k)                        # the student drags the timeline back
    assert not window.loop.running
    # Training went on until the pause and may have thinned the timeline: the epoch shown
    # is the chosen one, or the nearest kept before it.
    kept = session.timeline.epochs()
    shown = int(kept[kept <= chosen][-1])
    assert window.view_state.preview_epoch == shown
    np.testing.assert_array_equal(window.view_state.shown_network().theta,
                                  session.timeline.theta_at(shown))
    window.render_now()
    assert window.transport.epoch_label.text() == f"Epoch {shown:,}"
    # The bar lists the session's epochs now (the process's dense tail is gone)…
    np.testing.assert_array_equal(bar.epochs, kept)
    assert bar.label.text() == f"epoch {shown}" and bar.resume_button.isEnabled()
    bar.slider.setValue(len(kept) - 2)            # …so each of its places is a kept epoch
    assert window.view_state.preview_epoch == int(kept[-2]) != session.epoch
    qtbot.mouseClick(bar.resume_button, Qt.MouseButton.LeftButton)
    assert session.epoch == int(kept[-2]) and not window.view_state.looking_back


def test_an_epoch_the_timeline_no_longer_keeps_shows_the_nearest_kept_before(make_window):
    window = make_window(CONFIG)
    session = window.controller.session
    session.run(400)                                   # long enough for the timeline to thin
    kept = session.timeline.epochs()
    gaps = [(a, b) for a, b in zip(kept, kept[1:]) if b - a > 1]
    assert gaps
    a, b = gaps[0]
    window.view_state.show_epoch(int(a) + 1)           # between two kept snapshots
    assert window.view_state.preview_epoch == a
    window.view_state.show_epoch(int(kept[-1]) + 1000)  # past the end: the latest kept,
    latest = None if kept[-1] == session.epoch else kept[-1]    # which may be the live one
    assert window.view_state.preview_epoch == latest


def test_a_killed_training_process_leaves_a_session_that_agrees_with_itself(make_window, qtbot):
    import os
    import signal
    window = make_window(CONFIG)
    session = window.controller.session
    session.run(5)
    play_elsewhere(window, qtbot)
    assert session.epoch > 5                        # the window mirrored the process's epochs
    os.kill(RemoteTraining.shared().pid, signal.SIGKILL)
    qtbot.waitUntil(lambda: "training process stopped" in window.statusBar().currentMessage(),
                    timeout=30000)
    window.loop.pause()
    # Back to epoch 5 (weights, optimizer, epoch, history together), then trained on from
    # there: exactly the run trained here.
    twin = trained_here(session.epoch)
    np.testing.assert_array_equal(session.network.theta, twin.network.theta)
    np.testing.assert_array_equal(session.history.table(), twin.history.table())
