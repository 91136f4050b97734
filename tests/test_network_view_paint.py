"""The graph's cached edge pictures while training plays: under a budget of edges per paint,
the layers take turns, so none keeps an old picture for long even when the first layers
change in every frame."""
import numpy as np
import pytest

from backprop_lab.engine import Network
from backprop_lab.gui.views import network_edges, network_layers
from backprop_lab.gui.views.network_layers import edges_to_redraw
from backprop_lab.gui.views.network_view import NetworkView


def test_without_a_budget_every_stale_layer_is_redrawn():
    assert edges_to_redraw([0, 2, 5], {0: 64, 2: 64, 5: 64}, None, 3) == ([0, 2, 5], 0)


def test_the_budget_starts_at_the_layer_whose_turn_it_is_and_wraps_round():
    cost = dict.fromkeys(range(6), 64)
    assert edges_to_redraw(list(range(6)), cost, 130, 0) == ([0, 1], 2)
    assert edges_to_redraw(list(range(6)), cost, 130, 2) == ([2, 3], 2)
    assert edges_to_redraw(list(range(6)), cost, 130, 5) == ([5, 0], 2)
    assert edges_to_redraw(list(range(6)), cost, 100, 5, credit=30) == ([5, 0], 2)


def test_a_layer_wider_than_the_budget_waits_its_turn_while_the_credit_grows():
    """Digits' first layer (300 edges drawn) under a budget of 80: drawn every fourth paint,
    and the narrow layer after it keeps its place behind it."""
    cost = {0: 300, 1: 30}
    credit, first, drawn = 0, 0, []
    for _ in range(12):
        chosen, credit = edges_to_redraw([0, 1], cost, 80, first, credit)
        drawn.append(chosen)
        if chosen:
            first = chosen[-1] + 1
    assert [len(c) for c in drawn].count(0) >= 6                # most paints draw nothing
    flat = [layer for c in drawn for layer in c]
    assert flat[:4] == [0, 1, 0, 1]                             # turns kept
    assert sum(cost[layer] for layer in flat) <= 12 * 80        # the budget, on average


def test_no_credit_is_saved_beyond_the_widest_layer_waiting():
    assert edges_to_redraw([3], {3: 10}, 80, 0, credit=5000) == ([3], 80)
    assert edges_to_redraw([], {}, 80, 0, credit=500) == ([], 0)


@pytest.fixture
def view(qtbot):
    view = NetworkView()
    qtbot.addWidget(view)
    view.resize(900, 520)
    view.set_network(Network([2, 8, 8, 8, 8, 8, 1], seed=3), ("x1", "x2"))
    view.show()
    qtbot.waitExposed(view)
    return view


def test_every_layer_is_redrawn_within_a_few_paints_when_all_change_every_frame(view,
                                                                                 monkeypatch):
    drawn = []
    original = network_layers.painter.paint_layer_edges

    def record(v, p, layer, *style):
        drawn.append(layer)
        return original(v, p, layer, *style)

    monkeypatch.setattr(network_layers.painter, "paint_layer_edges", record)
    view.repaint()                       # every picture made once
    view.edges_per_paint = 150           # fewer than the 280 edges of the six layers
    rng = np.random.default_rng(0)
    last_drawn = dict.fromkeys(range(len(view.network.layers)), 0)
    for frame in range(1, 31):
        view.network.theta[:] = rng.normal(0, 1.5, view.network.theta.size)  # all change
        drawn.clear()
        view.repaint()
        sizes = [view.network.layers[k].W.size for k in drawn]
        assert sum(sizes) <= 150 + 64                 # the budget and the credit left over
        for layer in drawn:
            last_drawn[layer] = frame
        waited = {layer: frame - seen for layer, seen in last_drawn.items()}
        assert max(waited.values()) < 3, waited       # 280 edges, 150 a paint: turns of 2


@pytest.mark.parametrize("n", [1, 2, 3, 4, 7, 10, 101])
def test_the_edge_scale_median_is_numpys_for_odd_and_even_counts(n):
    values = np.random.default_rng(n).standard_normal(n)
    assert network_edges._median(values) == pytest.approx(np.median(values), abs=1e-15)


def test_the_edge_scale_follows_weights_changed_in_place(view):
    """The weights' scale (twice their median |w|, at least 1) is kept between paints, and
    taken again when the weights change, even in place (as training changes them)."""
    theta = view.network.theta
    theta[:] = np.linspace(-3.0, 3.0, theta.size)
    first = view.edge_scale(0)
    assert first == pytest.approx(2 * np.median(np.abs(theta)))
    theta *= 10.0
    assert view.edge_scale(0) == pytest.approx(10 * first)
    theta[:] = 0.01
    assert view.edge_scale(0) == view.EDGE_SCALE
