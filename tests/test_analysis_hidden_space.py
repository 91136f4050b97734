"""The hidden space against the network's own forward pass: a 2-unit layer's map is its
outputs, a wider layer's is its chosen units or principal components, the animation starts
at the input grid, and the output's boundary is the line the map reports."""
import numpy as np
import pytest

from backprop_lab.engine import Network, TrainingSession, datasets
from backprop_lab.engine.data.dataset import Dataset
from backprop_lab.engine.analysis.hidden_space import Frame, hidden_space


def make_session(hidden=(2,), features=("x1", "x2"), epochs=15, output="sigmoid"):
    data = datasets.load("xor_clouds", n_samples=60, seed=3, features=features)
    net = Network([len(features), *hidden, 1], hidden="tanh", output=output, init="xavier",
                  seed=2)
    session = TrainingSession(net, data, loss="bce" if output == "sigmoid" else "mse",
                              optimizer="adam", learning_rate=0.05, seed=0)
    session.run(epochs)
    return session


def layer_outputs(session, points, layer, theta=None):
    """The oracle: the network's own forward pass over raw points."""
    net = session.network.copy()
    if theta is not None:
        net.theta[...] = theta
    return net.forward_all(session.data.inputs(points))[layer]


def test_a_two_unit_layer_maps_to_its_outputs():
    s = make_session(hidden=(2, 3), features=("x1", "x2", "x1*x2"))
    space = hidden_space(s, 0, lines=5, points_per_line=7)
    assert space.lines.shape == space.input_lines.shape == (2, 5, 7, 2)
    data = s.data
    points = np.vstack([data.points_train, data.points_test])
    np.testing.assert_allclose(space.points, layer_outputs(s, points, 0), rtol=1e-12, atol=1e-15)
    grid = space.input_lines.reshape(-1, 2)
    np.testing.assert_allclose(space.lines.reshape(-1, 2), layer_outputs(s, grid, 0),
                               rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(space.labels, np.concatenate([data.y_train, data.y_test]))
    assert space.is_test.sum() == len(data.y_test)


def test_the_input_grid_spans_the_domain_in_both_directions():
    s = make_session(epochs=0)
    space = hidden_space(s, 0, lines=4, points_per_line=6)
    (x0, x1), (y0, y1) = s.data.domain
    along_x1, along_x2 = space.input_lines             # lines of constant x₂, of constant x₁
    rows, columns = np.meshgrid(np.arange(4), np.arange(6), indexing="ij")
    np.testing.assert_array_equal(along_x1[..., 0], np.linspace(x0, x1, 6)[columns])
    np.testing.assert_array_equal(along_x1[..., 1], np.linspace(y0, y1, 4)[rows])
    np.testing.assert_array_equal(along_x2[..., 0], np.linspace(x0, x1, 4)[rows])
    np.testing.assert_array_equal(along_x2[..., 1], np.linspace(y0, y1, 6)[columns])


def test_the_animation_starts_at_the_input_grid_and_ends_at_the_layer():
    s = make_session()
    space = hidden_space(s, 0, lines=5, points_per_line=9)
    lines, points = space.at(0.0)
    np.testing.assert_array_equal(lines, space.input_lines)
    np.testing.assert_array_equal(points, space.input_points)
    lines, points = space.at(1.0)
    np.testing.assert_allclose(lines, space.lines, rtol=1e-15, atol=1e-15)
    lines, _ = space.at(0.25)
    np.testing.assert_allclose(lines, 0.75 * space.input_lines + 0.25 * space.lines)
    with pytest.raises(ValueError, match="t must lie"):
        space.at(1.5)


def test_a_timeline_epochs_weights_are_used():
    s = make_session(epochs=10)
    theta_4 = s.timeline.theta_at(4)
    then = hidden_space(s, 0, epoch=4, lines=3, points_per_line=4)
    points = np.vstack([s.data.points_train, s.data.points_test])
    np.testing.assert_allclose(then.points, layer_outputs(s, points, 0, theta_4), rtol=1e-12)
    now = hidden_space(s, 0, lines=3, points_per_line=4)
    assert not np.allclose(now.points, then.points)
    given = hidden_space(s, 0, theta=theta_4, lines=3, points_per_line=4)
    np.testing.assert_array_equal(given.points, then.points)
    with pytest.raises(ValueError, match="no snapshot"):
        hidden_space(s, 0, epoch=999)


def test_a_wider_layer_shows_two_units_or_its_principal_components():
    s = make_session(hidden=(5,))
    points = np.vstack([s.data.points_train, s.data.points_test])
    A = layer_outputs(s, points, 0)
    chosen = hidden_space(s, 0, units=(3, 1), lines=3, points_per_line=4)
    np.testing.assert_allclose(chosen.points, A[:, [3, 1]], rtol=1e-12)
    assert chosen.frame.labels == ("a₄", "a₂")
    pca = hidden_space(s, 0, lines=3, points_per_line=4)
    axes, mean = pca.frame.axes, pca.frame.mean
    np.testing.assert_allclose(axes.T @ axes, np.eye(2), atol=1e-12)
    A_train = A[: len(s.data.points_train)]
    np.testing.assert_allclose(mean, A_train.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(pca.points, (A - mean) @ axes, rtol=1e-10, atol=1e-12)
    # The first component carries the most variance of any direction in the layer.
    spread = ((A_train - mean) @ axes).var(axis=0)
    assert spread[0] >= spread[1]
    rng = np.random.default_rng(0)
    for _ in range(20):
        other = rng.normal(size=5)
        other /= np.linalg.norm(other)
        assert ((A_train - mean) @ other).var() <= spread[0] * (1 + 1e-9)


def test_a_kept_frame_gives_the_same_view_at_another_epoch():
    s = make_session(hidden=(4,), epochs=12)
    now = hidden_space(s, 0, lines=3, points_per_line=4)
    then = hidden_space(s, 0, epoch=3, frame=now.frame, lines=3, points_per_line=4)
    assert then.frame is now.frame
    points = np.vstack([s.data.points_train, s.data.points_test])
    A = layer_outputs(s, points, 0, s.timeline.theta_at(3))
    np.testing.assert_allclose(then.points, now.frame.apply(A), rtol=1e-10, atol=1e-12)
    other = make_session(hidden=(3,))
    with pytest.raises(ValueError, match="frame maps 4 units"):
        hidden_space(other, 0, frame=now.frame)


SHEARED = Frame(np.array([0.3, -0.2]), np.array([[0.0, 1.0], [2.0, 0.5]]), ("p", "q"))


@pytest.mark.parametrize("hidden, output, frame", [((2,), "sigmoid", None),
                                                   ((1,), "sigmoid", None),
                                                   ((2,), "identity", None),
                                                   ((2,), "sigmoid", SHEARED)])
def test_the_output_line_separates_what_the_network_calls_each_class(hidden, output, frame):
    s = make_session(hidden=hidden, output=output, epochs=30)
    space = hidden_space(s, 0, lines=3, points_per_line=4, frame=frame)
    w_u, w_v, c = space.output_line
    u, v = space.points.T
    side = w_u * u + w_v * v + c
    points = np.vstack([s.data.points_train, s.data.points_test])
    predicted = s.network.copy().forward(s.data.inputs(points))[:, 0] > 0.5
    clear = np.abs(side) > 1e-9
    assert clear.sum() > len(points) // 2
    np.testing.assert_array_equal((side > 0)[clear], predicted[clear])
    if hidden == (1,) and frame is None:
        np.testing.assert_array_equal(space.points[:, 1], 0.0)      # a line: (a₁, 0)


def test_no_output_line_when_the_view_is_not_the_whole_layer():
    assert hidden_space(make_session(hidden=(4,)), 0, lines=2, points_per_line=2
                        ).output_line is None
    assert hidden_space(make_session(hidden=(2, 2)), 0, lines=2, points_per_line=2
                        ).output_line is None


def test_the_map_never_changes_the_session():
    s = make_session(hidden=(3,))
    theta, serial = s.network.theta.copy(), s.network.forward_serial
    hidden_space(s, 0)
    hidden_space(s, 1, epoch=2)
    np.testing.assert_array_equal(s.network.theta, theta)
    assert s.network.forward_serial == serial


def test_bad_requests_are_refused():
    s = make_session(hidden=(3,), epochs=0)
    for layer in (-1, 2, 1.0, True):
        with pytest.raises(ValueError, match="layer must be"):
            hidden_space(s, layer)
    for units in ((0, 0), (0, 3), "ab", 5):
        with pytest.raises(ValueError, match="units"):
            hidden_space(s, 0, units=units)
    with pytest.raises(ValueError, match="lines"):
        hidden_space(s, 0, lines=1)
    with pytest.raises(ValueError, match="θ must be"):
        hidden_space(s, 0, theta=np.zeros(2))
    rng = np.random.default_rng(0)
    cube = Dataset("cube", "binary", rng.normal(size=(10, 3)), np.arange(10) % 2,
                   rng.normal(size=(0, 3)), np.zeros(0, int))
    flat = TrainingSession(Network([3, 2, 1], seed=0), cube, loss="bce")
    with pytest.raises(ValueError, match="not a 2-D dataset"):
        hidden_space(flat, 0)
