"""The window on a machine that cannot keep up: while training plays it draws less per frame
(a coarser output grid, fewer edges, thumbnails every other frame), and at rest exactly
everything again (clocks faked, so that any machine is "slow")."""
import numpy as np
import pytest

from backprop_lab.gui.model.config import Config
from backprop_lab.gui.session.training_loop import TrainingLoop
from backprop_lab.gui.window.frame_budget import LEVELS, WINDOW, FrameBudget
from backprop_lab.gui.window.renderer import GRID_RESOLUTION

pytestmark = pytest.mark.gui

CONFIG = Config(dataset="moons", n_samples=120, hidden=[6, 6], activations=["tanh", "tanh"],
                optimizer="adam", learning_rate=0.03, batch_size=16)


def budget_of_a_machine(interval: float, busy: float) -> tuple[FrameBudget, dict]:
    """A budget whose every frame comes ``interval`` seconds after the one before, ``busy``
    of them spent drawing; and its clocks (to move them by hand)."""
    clock = {"now": 0.0, "cpu": 0.0}

    def now():
        clock["now"] += interval
        return clock["now"]

    def cpu():
        clock["cpu"] += busy
        return clock["cpu"]
    return FrameBudget(clock=now, cpu_clock=cpu), clock


def test_a_slow_machine_draws_less_while_playing_and_everything_at_rest(make_window,
                                                                         monkeypatch):
    monkeypatch.setattr(TrainingLoop, "use_process", False)     # frames drawn here, in turn
    window = make_window(CONFIG)
    renderer, view = window.renderer, window.network_view
    renderer.budget, _ = budget_of_a_machine(0.040, 0.030)
    thumbnails = []
    set_thumbnails = view.set_thumbnails
    monkeypatch.setattr(view, "set_thumbnails",
                        lambda *a, **k: (thumbnails.append(1), set_thumbnails(*a, **k)))
    window.loop.play()
    assert window.loop.running
    for _ in range(len(LEVELS) * WINDOW + 1):
        window.render_now()
    last = LEVELS[-1]
    assert renderer.budget.detail is last
    assert window.boundary.output.shape[:2] == (last.grid, last.grid)
    assert view.edges_per_paint == last.edges
    due = renderer._due
    due.update(dict.fromkeys(due, float("inf")))            # no slow view in these frames
    renderer._loss_rows = []
    thumbnails.clear()
    for _ in range(10):
        window.render_now()
    assert len(thumbnails) == 10 // last.thumbnail_every < 10
    # A frame that redraws a slow view leaves the thumbnails, even when it is their turn.
    if renderer.budget.frames % last.thumbnail_every == 0:
        window.render_now()                                  # the next frame is their turn
    thumbnails.clear()
    due["diagnosis"] = 0.0
    window.render_now()
    assert due["diagnosis"] > 0.0 and thumbnails == []
    window.render_now()
    assert thumbnails == []                                  # not their turn
    window.render_now()
    assert thumbnails == [1]
    # The coarse grid's cells are blended into their neighbours, not drawn as blocks.
    boundary = window.boundary
    assert boundary.image.interpolated
    blended = boundary.plot.grab().toImage()
    boundary.set_interpolated(False)
    assert boundary.plot.grab().toImage() != blended
    boundary.set_interpolated(True)

    thumbnails.clear()
    window.loop.pause()
    window.render_now()
    assert view.edges_per_paint is None
    assert not boundary.image.interpolated                # at rest: each cell its value
    output = window.boundary.output
    assert output.shape[:2] == (GRID_RESOLUTION, GRID_RESOLUTION)
    grid = renderer.grid
    expected = window.controller.session.network.forward(grid.inputs)
    np.testing.assert_allclose(output.reshape(-1, 1), expected, rtol=1e-12)
    assert thumbnails == [1]                                 # at rest: every frame


def test_a_machine_that_keeps_up_draws_the_full_detail(make_window, monkeypatch):
    monkeypatch.setattr(TrainingLoop, "use_process", False)
    window = make_window(CONFIG)
    window.renderer.budget, _ = budget_of_a_machine(0.016, 0.008)
    window.loop.play()
    for _ in range(3 * WINDOW):
        window.render_now()
    first = LEVELS[0]
    assert window.renderer.budget.level == 0
    assert window.boundary.output.shape[:2] == (first.grid, first.grid)
    assert window.network_view.edges_per_paint == first.edges
    window.loop.pause()


def test_pauses_between_short_plays_are_not_slow_frames(make_window, monkeypatch):
    """Play, pause, play again (a student's Space key): the waits at rest do not count."""
    monkeypatch.setattr(TrainingLoop, "use_process", False)
    window = make_window(CONFIG)
    window.renderer.budget, clock = budget_of_a_machine(0.016, 0.012)
    for _ in range(4 * WINDOW):
        window.loop.play()
        window.render_now()
        window.render_now()
        window.loop.pause()
        window.render_now()
        clock["now"] += 2.0                       # two seconds at rest
    assert window.renderer.budget.level == 0


def test_a_frame_whose_loss_plot_axes_step_leaves_the_graph_to_the_next(make_window,
                                                                        monkeypatch):
    """An axis step's repaint (~15 ms) and the graph's and output plot's share no frame."""
    monkeypatch.setattr(TrainingLoop, "use_process", False)
    window = make_window(CONFIG)
    window.renderer.budget, _ = budget_of_a_machine(0.040, 0.030)   # the level: no matter
    calls = []
    for owner, name in ((window.network_view, "set_thumbnails"),
                        (window.network_view, "set_edge_values"),
                        (window.boundary, "set_output"),
                        (window.loss_plot, "set_history")):
        original = getattr(owner, name)

        def record(*a, _name=name, _original=original, **k):
            calls.append(_name)
            result = _original(*a, **k)
            return True if _name == "set_history" and stepping else result
        monkeypatch.setattr(owner, name, record)
    window.controller.session.run(3)
    window.loop.play()
    due = window.renderer._due
    due.update(dict.fromkeys(due, float("inf")), loss=0.0)          # the loss plot due
    stepping = True
    calls.clear()
    window.render_now()
    assert calls == ["set_history"]
    stepping = False
    calls.clear()
    window.render_now()
    assert {"set_thumbnails", "set_edge_values", "set_output"} <= set(calls)
    window.loop.pause()
