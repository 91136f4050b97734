"""The loss landscape, the hidden space, the learning-rate finder and the exercises, in the
window (pytest-qt, offscreen), and every shipped exercise played to success and to failure.

Numbers the views show are compared with direct computations (the surface at the slice's
centre is the session's loss, a weight slice is the loss with those weights set by hand, the
hidden space is the engine's map of the shown weights).  A recipe that trains is checked over
10 weight seeds as a rate.
"""
import dataclasses
import json

import numpy as np
import pytest
from backprop_lab.engine.analysis.directions import weight_index
from backprop_lab.engine.analysis.exercise_progress import ExerciseProgress
from backprop_lab.engine.analysis.exercises import check_prediction, check_target
from backprop_lab.engine.analysis.hidden_space import hidden_space
from backprop_lab.engine.analysis.many_weights import losses_many
from backprop_lab.gui.model.config import Config
from backprop_lab.gui.model.lessons import lesson_files, list_lessons, load_lesson
from PySide6.QtCore import QPoint, QPointF, QSettings, Qt
from threadpoolctl import threadpool_limits

pytestmark = pytest.mark.gui
SEEDS = range(10)


@pytest.fixture(autouse=True, scope="module")
def one_blas_thread():
    with threadpool_limits(1):
        yield


def lesson(number: int):
    return load_lesson(next(f for f in lesson_files() if f.name.startswith(f"{number:02d}-")))


def session_of(item, seed=0, **changes):
    config = Config(**{**item.config.__dict__, "seed": seed, **changes}).normalized()
    return dataclasses.replace(item, config=config).build_session()


def exercise(item, ident):
    return next(e for e in item.exercises if e["id"] == ident)


@pytest.fixture
def window(make_window):
    return make_window(Config(dataset="xor_clouds", hidden=[4, 3],
                              activations=["tanh", "tanh"], optimizer="adam",
                              learning_rate=0.03, batch_size=10), size=(1500, 1000))


def show_tab(w, view, qtbot):
    w.tabs.setCurrentWidget(view)
    qtbot.waitUntil(view.isVisible, timeout=2000)


def landscape_ready(w, qtbot):
    link = w.analyses.landscape
    show_tab(w, w.analyses.landscape_view, qtbot)
    link.refresh()
    link.wait()
    assert link.slice is not None
    return link


def drawn(item) -> int:
    """How many points a plot item draws."""
    x = item.getData()[0]
    return 0 if x is None else len(x)


def click_view_point(qtbot, plot, x, y):
    scene = plot.getViewBox().mapViewToScene(QPointF(x, y))
    pos = plot.mapFromScene(scene)
    qtbot.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(pos.x(), pos.y()))


# ---------------------------------------------------------------------- loss landscape


def test_the_landscape_lesson_opens_its_tab_with_the_two_weights_slice(make_window, qtbot):
    w = make_window(Config())
    assert w.lessons.open_spec("28")
    view = w.analyses.landscape_view
    assert w.tabs.currentWidget() is view
    session = w.controller.session
    session.run(20)
    link = landscape_ready(w, qtbot)
    s = link.slice
    assert s.directions.kind == "weights" and view.directions == "weights"
    assert s.directions.indices == (0, 1)               # the network's only two weights
    mid = s.resolution // 2
    assert view.loss[mid, mid] == pytest.approx(session.history.latest["train_loss"],
                                                rel=1e-5)
    # The axes read the weights' own values: the centre is the current weights.
    W = session.network.layers[0].W[:, 0]
    assert view.origin == pytest.approx(tuple(W))
    x, y = view.path.getData()
    assert len(x) == len(session.timeline)              # one point per snapshot
    live = view.live.getData()
    assert (live[0][0], live[1][0]) == pytest.approx((x[-1], y[-1]))
    assert (x[-1], y[-1]) == pytest.approx(tuple(W))
    assert s.with_penalty is False and "the ring is the weights shown" in view.caption.text()


def test_the_slice_is_computed_on_a_copy_and_follows_training(window, qtbot):
    session = window.controller.session
    session.run(5)
    before = (session.network.theta.copy(), session.epoch, len(session.history["epoch"]))
    link = window.analyses.landscape
    show_tab(window, window.analyses.landscape_view, qtbot)
    link.compute()
    assert link._job is not None                  # handed to the worker, the call returned
    link.wait()
    assert np.array_equal(session.network.theta, before[0])
    assert (session.epoch, len(session.history["epoch"])) == before[1:]
    assert link.slice.directions.kind == "pca"      # a path of 6 snapshots spans a plane
    center = link.slice.center.copy()
    session.run(60)                                 # far along: off the slice
    link._last_auto = 0.0
    link.refresh()
    link.wait()
    assert not np.allclose(link.slice.center, center)
    assert np.allclose(link.slice.center, session.network.theta)


def test_two_clicked_edges_give_the_exact_slice_of_those_weights(window, qtbot):
    view, net_view = window.analyses.landscape_view, window.network_view
    show_tab(window, view, qtbot)
    qtbot.mouseClick(view.pick_button, Qt.MouseButton.LeftButton)
    assert window.analyses.landscape.picking
    for edge in ((0, 1, 2), (1, 3, 0)):
        a, b = net_view.edge_segment(*edge)
        pos = (a + (b - a) * 0.3).toPoint()
        assert net_view.edge_at(QPointF(pos)) == edge
        qtbot.mouseClick(net_view, Qt.MouseButton.LeftButton, pos=pos)
    assert net_view.weight_editor.editor is None      # picking, not typing a weight
    link = window.analyses.landscape
    link.wait()
    s, session = link.slice, window.controller.session
    net = session.network
    assert s.directions.kind == "weights" and not view.pick_button.isChecked()
    assert s.directions.indices == (weight_index(net, 0, 1, 2), weight_index(net, 1, 3, 0))
    r, c = 3, s.resolution - 5
    by_hand = session.network.copy()
    by_hand.layers[0].W[1, 2] = net.layers[0].W[1, 2] + s.a[c]
    by_hand.layers[1].W[3, 0] = net.layers[1].W[3, 0] + s.b[r]
    expected = losses_many(by_hand, by_hand.theta[None, :], session.X_train, session.Y_train,
                           session.loss_function, dtype="float64")[0]
    assert view.loss[r, c] == pytest.approx(expected, rel=1e-4)


def test_clicking_the_surface_trains_on_from_there_and_ctrl_z_undoes_it(window, qtbot):
    session = window.controller.session
    session.run(10)
    old_theta, old_epoch = session.network.theta.copy(), session.epoch
    link = landscape_ready(window, qtbot)
    view, s = window.analyses.landscape_view, link.slice
    a, b = 0.6 * s.a[-1], -0.4 * s.b[-1]
    click_view_point(qtbot, view.plot, view.origin[0] + a, view.origin[1] + b)
    new = window.controller.session
    assert new is not session and new.epoch == old_epoch
    coords, distance = s.directions.project(s.center, new.network.theta)
    assert distance[0] < 1e-9 * (1 + np.linalg.norm(s.center))   # a point of the slice
    step = (s.a[1] - s.a[0], s.b[1] - s.b[0])
    assert abs(coords[0, 0] - a) < step[0] and abs(coords[0, 1] - b) < step[1]
    assert link.slice is s and [g.name() for g in view.ghosts] == ["before the click"]
    new.run(3)
    assert new.epoch == old_epoch + 3
    window.undo()
    back = window.controller.session
    assert back is session and np.array_equal(back.network.theta, old_theta)


def test_pinned_runs_paths_stay_on_the_slice_as_ghosts(make_window, qtbot):
    w = make_window(Config())
    w.lessons.open_spec("28")
    w.render_now()
    w.controller.session.run(30)
    landscape_ready(w, qtbot)
    sgd_path = w.analyses.landscape_view.path.getData()
    w.actions["pin"].trigger()
    w.controller.apply(optimizer="momentum", learning_rate=0.1)
    w.reset()
    w.controller.session.run(30)
    link = landscape_ready(w, qtbot)
    view = w.analyses.landscape_view
    assert [g.name() for g in view.ghosts] == ["#1 lr 0.3, sgd"]
    ghost, live = view.ghosts[0].getData(), view.path.getData()
    assert np.allclose(ghost, sgd_path)                    # the same slice: the same place
    assert len(live[0]) == 31 and not np.allclose(ghost, live)
    assert link.slice.directions.kind == "weights"


# ---------------------------------------------------------------------- hidden space
def test_the_hidden_space_shows_the_shown_weights_and_animates(make_window, qtbot):
    w = make_window(Config())
    w.lessons.open_spec("30")
    view, link = w.analyses.hidden_view, w.analyses.hidden
    assert w.tabs.currentWidget() is view
    session = w.controller.session
    session.run(120)
    link.refresh()
    expected = hidden_space(session, 0)
    assert np.allclose(view.space.points, expected.points)
    assert view.space.output_line == pytest.approx(expected.output_line)
    assert drawn(view.output_line) == 2           # the 0.5 line at t = 1
    # The timeline's epoch, then the stepper's update move the picture.
    past = int(session.timeline.epochs()[len(session.timeline) // 2])
    w.view_state.show_epoch(past)
    link.refresh()
    assert np.allclose(view.space.points, hidden_space(session, 0, epoch=past).points)
    w.view_state.go_live()
    for _ in range(w.stepper.phases_per_step):
        w.step_phase()                                  # (shows the step inspector)
    show_tab(w, view, qtbot)
    link.refresh()
    assert np.allclose(view.space.points, hidden_space(session, 0).points)
    assert not np.allclose(view.space.points, expected.points)
    view.set_t(0.0)
    x, _y = view.grid_lines[0].getData()
    assert np.nanmin(x) == pytest.approx(session.data.domain[0][0])   # t = 0: the input plane
    view.set_t(1.0)
    ts = []
    view.slider.valueChanged.connect(lambda v: ts.append(v))
    qtbot.mouseClick(view.play_button, Qt.MouseButton.LeftButton)
    assert view.t == 0.0 and drawn(view.output_line) == 0
    qtbot.waitUntil(lambda: not view.animating, timeout=30000)     # ends; speed is not tested
    assert view.t == 1.0 and any(0 < t < 100 for t in ts)


def test_a_wider_layer_is_shown_in_principal_components_or_two_units(window, qtbot):
    view, link = window.analyses.hidden_view, window.analyses.hidden
    show_tab(window, view, qtbot)
    link.refresh()
    assert view.layer_box.count() == 2 and view.layer_box.currentIndex() == 1
    assert view.space.frame.labels[0].startswith("PC1") and view.space.output_line is None
    view.choose_units((0, 2))
    assert view.space.frame.labels == ("a₁", "a₃")
    view.layer_box.setCurrentIndex(0)
    assert view.space.layer == 0 and view.space.frame.mean.size == 4


# ---------------------------------------------------------------------- learning-rate finder
def test_the_lr_finder_runs_on_a_copy_and_applies_its_suggestion(make_window, qtbot):
    w = make_window(Config(dataset="xor", n_samples=4, noise=0.0, test_fraction=0.0,
                           hidden=[4], activations=["tanh"], optimizer="adam",
                           learning_rate=0.05, batch_size=None))
    session = w.controller.session
    session.run(3)
    theta, epoch = session.network.theta.copy(), session.epoch
    w.actions["lr_finder"].trigger()
    dialog = w.analyses.lr_finder
    qtbot.addWidget(dialog)
    dialog.wait()
    result = dialog.result
    assert result is not None and np.array_equal(session.network.theta, theta)
    assert session.epoch == epoch and result.rule in ("steepest", "minimum/10")
    x, _y = dialog.smooth_curve.getData()
    assert len(x) == len(result.learning_rates) and dialog.marker.isVisible()
    assert f"{result.suggestion:.3g}" in dialog.use_button.text()
    qtbot.mouseClick(dialog.use_button, Qt.MouseButton.LeftButton)
    assert session.learning_rate == pytest.approx(float(f"{result.suggestion:.3g}"))
    assert w.controller.session is session            # a training setting: applied live


# ---------------------------------------------------------------------- exercises in the window
def test_a_target_gets_its_check_mark_when_met(make_window, qtbot):
    w = make_window(Config())
    w.lessons.open_spec("1")
    exercises = w.analyses.exercise_list
    assert exercises.isVisible() and list(exercises.rows) == ["xor-with-features"]
    w.controller.session.run(50)
    w.analyses.exercises.check_targets()
    assert exercises.state("xor-with-features") == "open"
    assert exercises.rows["xor-with-features"].note.text().find("Not yet") >= 0
    w.controller.apply(features=("x1", "x2", "x1*x2"))
    w.controller.session.run(100)
    w.analyses.exercises.check_targets()
    assert exercises.state("xor-with-features") == "met"
    assert "✓" in exercises.rows["xor-with-features"].mark.text()
    assert exercises.header.text() == "Exercises: 1 of 1 met"
    assert w.analyses.exercises.progress.is_met("01-xor-one-line", "xor-with-features")


def test_targets_are_checked_only_on_the_lessons_data(make_window, qtbot):
    w = make_window(Config())
    w.lessons.open_spec("23")
    w.controller.apply(dataset="moons", hidden=[4], activations=["relu"])
    w.controller.session.run(5)
    w.analyses.exercises.check_targets()
    row = w.analyses.exercise_list.rows["small-net-test-loss"]
    assert row.state == "open" and "Not checked on this data" in row.note.text()


def step_to(w, name):
    while w.stepper.current is None or w.stepper.current.name != name:
        w.step_phase()


def sgd_step_by_hand(session) -> tuple[np.ndarray, np.ndarray]:
    """θ before and after the next full-batch plain-SGD step: θ − η·∇L, computed here."""
    assert session.optimizer.name == "sgd" and session.batch_size is None
    net = session.network.copy()
    net.propagate(session.X_train)
    net.backpropagate(session.Y_train, session.loss_function, session.l1, session.l2)
    before = net.theta.astype(np.float64)
    return before, before - session.learning_rate * net.grad


def true_direction(session, layer, i, j):
    before, after = sgd_step_by_hand(session)
    k = weight_index(session.network, layer, i, j)
    return "up" if after[k] > before[k] else "down"


def test_a_prediction_is_judged_against_the_update_that_follows(make_window, qtbot):
    w = make_window(Config())
    w.lessons.open_spec("7")
    ex, ident = w.analyses.exercise_list, "w2-11-direction"
    assert not ex.rows[ident].choices["up"].isEnabled()
    w.step_phase()                                      # forward: not asked yet
    assert not ex.rows[ident].choices["up"].isEnabled()
    step_to(w, "backward")
    truth = true_direction(w.controller.session, 1, 0, 0)
    wrong = {"up": "down", "down": "up"}[truth]
    assert ex.rows[ident].choices["up"].isEnabled()
    qtbot.mouseClick(ex.rows[ident].choices[wrong], Qt.MouseButton.LeftButton)
    step_to(w, "update")
    while w.stepper.active:
        w.step_phase()
    assert ex.state(ident) == "wrong" and "✗" in ex.rows[ident].mark.text()
    assert not ex.rows[ident].choices["up"].isEnabled()
    step_to(w, "backward")                              # the next step asks again
    truth = true_direction(w.controller.session, 1, 0, 0)
    ex.choose(ident, truth)
    while w.stepper.current is None or w.stepper.active:
        w.step_phase()
    assert ex.state(ident) == "met" and "Right" in ex.rows[ident].note.text()
    record = w.analyses.exercises.progress.records("07-one-step-phase-by-phase")[ident]
    assert record["met"] and record["attempts"] == 2 and record["answer"] == truth


def test_an_epoch_limit_stops_play_where_the_exercise_is_judged(make_window, qtbot):
    w = make_window(Config())
    w.lessons.open_spec("28")
    w.controller.apply(optimizer="momentum", learning_rate=0.1)
    w.toggle_play()
    qtbot.waitUntil(lambda: not w.loop.running, timeout=20000)
    session = w.controller.session
    assert session.epoch == 50                          # the exercise's limit
    state = w.analyses.exercise_list.state("valley-in-50")
    assert state == ("met" if session.evaluate()["loss"] <= 0.001 else "open")
    w.toggle_play()                                     # past the limit: Play trains on
    qtbot.waitUntil(lambda: session.epoch > 60, timeout=20000)
    w.toggle_play()


def test_progress_is_kept_between_launches_saved_and_summarized(qtbot, tmp_path,
                                                                 monkeypatch):
    """Progress goes to the settings as it is recorded: a second window reads it."""
    from backprop_lab.gui.dialogs import exercise_summary_dialog
    from backprop_lab.gui.window.main_window import MainWindow
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(Config(), settings)
    qtbot.addWidget(w)
    w.lessons.open_spec("1")
    w.controller.apply(features=("x1", "x2", "x1*x2"))
    w.controller.session.run(100)
    w.analyses.exercises.check_targets()
    again = MainWindow(Config(), settings)
    qtbot.addWidget(again)
    again.lessons.open_spec("1")
    ex = again.analyses.exercise_list
    assert ex.state("xor-with-features") == "met"
    assert ex.rows["xor-with-features"].note.text().find("Met before") >= 0
    summary = again.analyses.exercises.open_summary()
    qtbot.addWidget(summary)
    lessons = [summary.tree.topLevelItem(k) for k in range(summary.tree.topLevelItemCount())]
    first = next(item for item in lessons if item.text(0).startswith("1. "))
    assert first.text(1) == "1 of 1" and first.child(0).text(1) == "✓"
    assert len(lessons) == sum(bool(item.exercises) for item in list_lessons())
    summary.student.setText("Ada")
    target = tmp_path / "progress.json"
    monkeypatch.setattr(exercise_summary_dialog.QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(target), ""))
    qtbot.mouseClick(summary.save_button, Qt.MouseButton.LeftButton)
    saved = ExerciseProgress.load(target)
    assert saved.student == "Ada" and saved.is_met("01-xor-one-line", "xor-with-features")
    assert json.loads(target.read_text(encoding="utf-8"))["lessons"]["01-xor-one-line"][
        "xor-with-features"]["settings"]["features"] == ["x1", "x2", "x1*x2"]
    again.actions["save_progress"].trigger()           # the menu's entry writes it too
    assert ExerciseProgress.load(target).is_met("01-xor-one-line", "xor-with-features")


# ---------------------------------------------------------------------- every exercise played
def met_rate(recipe, seeds=SEEDS) -> int:
    return sum(bool(recipe(seed)) for seed in seeds)


def target_met(item, ident, seed, epochs, check_every=None, **changes):
    """Train the lesson's session (with ``changes``) for ``epochs``; met when a check (every
    ``check_every`` epochs, as the window checks while training, or only at the end) meets
    the target."""
    spec, session = exercise(item, ident), session_of(item, seed, **changes)
    every = check_every or epochs
    for _ in range(0, epochs, every):
        session.run(every)
        if check_target(session, spec).met:
            return True
    return False


def prediction_plays(item, ident, seed):
    """(right answer met, wrong answer met) for the step the lesson's session takes next;
    the truth from an SGD step computed by hand."""
    spec, session = exercise(item, ident), session_of(item, seed)
    about = spec["about"]
    before, after = sgd_step_by_hand(session)
    if "weight" in about:
        k = weight_index(session.network, *about["weight"])
        before, after = before[k], after[k]
    else:                                       # full batch: the batch is the training set
        before, after = losses_many(session.network, np.stack([before, after]),
                                    session.X_train, session.Y_train, session.loss_function,
                                    dtype="float64")
    truth = "up" if after > before else "down"
    wrong = next(c for c in spec["choices"] if c != truth)
    return (check_prediction(session, spec, truth).met,
            check_prediction(session, spec, wrong).met)


#: A 2-2-1 tanh network that computes XOR: unit 1 fires when x₁ + x₂ > ½, unit 2 when
#: x₁ + x₂ > 1½, the output when unit 1 fires and unit 2 does not.
XOR_BY_HAND = [{"W": [[10.0, 10.0], [10.0, 10.0]], "b": [-5.0, -15.0]},
               {"W": [[5.0], [-5.0]], "b": [-5.0]}]


def play_xor_with_features():
    item = lesson(1)
    with_feature = lambda seed: target_met(item, "xor-with-features", seed, 100,
                                           features=("x1", "x2", "x1*x2"))
    assert met_rate(with_feature) == 10
    assert met_rate(lambda seed: target_met(item, "xor-with-features", seed, 200)) == 0
    hidden = session_of(item, 0, hidden=[2], activations=["tanh"])
    hidden.network.set_weights(XOR_BY_HAND)
    hidden.weights_edited()
    result = check_target(hidden, exercise(item, "xor-with-features"))
    assert hidden.evaluate()["accuracy"] == 1.0 and not result.met
    assert "1 hidden layer" in result.message


def play_sgd_converges():
    item = lesson(11)
    assert met_rate(lambda s: target_met(item, "sgd-converges", s, 100,
                                         learning_rate=0.3)) >= 9
    assert met_rate(lambda s: target_met(item, "sgd-converges", s, 100)) == 0   # diverges


def play_find_a_rate():
    item = lesson(12)
    assert met_rate(lambda s: target_met(item, "find-a-rate", s, 30, learning_rate=0.3)) >= 9
    assert met_rate(lambda s: target_met(item, "find-a-rate", s, 30)) == 0      # η = 1e-4
    late = session_of(item, 0, learning_rate=0.3)
    late.run(40)
    result = check_target(late, exercise(item, "find-a-rate"))
    assert not result.met and "at most 30" in result.message


def play_small_net_test_loss():
    item = lesson(23)
    small = lambda s: target_met(item, "small-net-test-loss", s, 200, check_every=10,
                                 hidden=[4], activations=["relu"])
    assert met_rate(small) >= 8
    big = lambda s: target_met(item, "small-net-test-loss", s, 200, check_every=10)
    assert met_rate(big) == 0                  # the lesson's 8 + 8 units break the rule
    session = session_of(item, 0)
    session.run(200)
    result = check_target(session, dict(exercise(item, "small-net-test-loss"), at_most=10.0))
    assert not result.met and "16 hidden units" in result.message


def play_valley_in_50():
    item = lesson(28)
    momentum = lambda s: target_met(item, "valley-in-50", s, 50, optimizer="momentum",
                                    learning_rate=0.1)
    assert met_rate(momentum) >= 8
    assert met_rate(lambda s: target_met(item, "valley-in-50", s, 50)) <= 1    # SGD, η 0.3


def play_two_units_separate_xor():
    item = lesson(30)
    spec = exercise(item, "two-units-separate-xor")
    by_hand = session_of(item, 0)
    by_hand.network.set_weights(XOR_BY_HAND)
    by_hand.weights_edited()
    assert check_target(by_hand, spec).met
    assert not check_target(session_of(item, 0), spec).met              # untrained
    trained = lambda s: target_met(item, "two-units-separate-xor", s, 300, check_every=50)
    assert met_rate(trained, range(20)) >= 5                            # "about half"
    wider = session_of(item, 0, hidden=[3], activations=["tanh"])
    wider.network.set_weights([{"W": [row + [0.0] for row in XOR_BY_HAND[0]["W"]],
                                "b": XOR_BY_HAND[0]["b"] + [0.0]},
                               {"W": XOR_BY_HAND[1]["W"] + [[0.0]], "b": [-5.0]}])
    wider.weights_edited()
    result = check_target(wider, spec)
    assert wider.evaluate()["accuracy"] == 1.0 and not result.met
    assert "3 hidden units" in result.message


def play_prediction(number, ident):
    def play():
        outcomes = [prediction_plays(lesson(number), ident, seed) for seed in SEEDS]
        assert all(right and not wrong for right, wrong in outcomes)
    return play


PLAYS = {"xor-with-features": play_xor_with_features,
         "w2-11-direction": play_prediction(7, "w2-11-direction"),
         "loss-after-a-big-step": play_prediction(11, "loss-after-a-big-step"),
         "sgd-converges": play_sgd_converges,
         "find-a-rate": play_find_a_rate,
         "small-net-test-loss": play_small_net_test_loss,
         "valley-in-50": play_valley_in_50,
         "zigzag": play_prediction(29, "zigzag"),
         "two-units-separate-xor": play_two_units_separate_xor}


def test_every_shipped_exercise_has_a_play_and_there_are_at_least_six():
    shipped = [e["id"] for item in list_lessons() for e in item.exercises]
    assert sorted(shipped) == sorted(PLAYS) and len(shipped) >= 6


@pytest.mark.parametrize("ident", sorted(PLAYS))
def test_each_exercise_is_met_by_its_solution_and_not_without(ident):
    PLAYS[ident]()


def test_a_landscape_or_hidden_space_gets_the_room_of_a_short_screen(make_window, qtbot):
    w = make_window(Config(dataset="xor_clouds", hidden=[4]), size=(1280, 720))
    before = w.center_splitter.sizes()
    assert before[1] < 0.5 * sum(before)                 # the graph has the column
    show_tab(w, w.analyses.landscape_view, qtbot)
    sizes = w.center_splitter.sizes()
    assert sizes[1] >= 0.55 * sum(sizes)
    assert w.analyses.landscape_view.plot.height() > 150
    show_tab(w, w.step_inspector, qtbot)
    # The student drags the divider down (less room for the tabs): their split stays.
    w.center_splitter.setSizes([sum(sizes) - 150, 150])
    w.center_splitter.splitterMoved.emit(sum(sizes) - 150, 1)
    own = w.center_splitter.sizes()
    show_tab(w, w.analyses.hidden_view, qtbot)
    assert w.center_splitter.sizes() == own
