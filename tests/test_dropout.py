"""Inverted dropout on hidden layers: its gradient, its phases, its randomness and its file."""
import numpy as np
import pytest

from backprop_lab.engine import Network, TrainingSession, check_gradients, datasets
from backprop_lab.engine.export import export_script
from backprop_lab.engine.io.session_file import load_session, save_session
from backprop_lab.engine.nn import dropout
from backprop_lab.engine.nn.losses import get_loss


def session_with(rate=0.3, batch_size=None, seed=0, **kw) -> TrainingSession:
    data = datasets.load("moons", n_samples=80, seed=seed)
    net = Network([2, 8, 6, 1], activations=["tanh", "sigmoid", "sigmoid"], init="xavier",
                  seed=seed)
    return TrainingSession(net, data, optimizer="adam", learning_rate=0.02,
                           batch_size=batch_size, seed=seed, dropout=rate, **kw)


def test_the_dropout_gradient_matches_central_differences_with_the_masks_held():
    """With the masks fixed, the dropped network is a function of θ; backprop through the
    masks must be its slope (float64, relative error < 1e-6)."""
    rng = np.random.default_rng(4)
    net = Network([3, 5, 4, 3], activations=["tanh", "sigmoid", "softmax"], init="xavier",
                  seed=2)
    X = rng.normal(size=(7, 3))
    loss = get_loss("cross_entropy")
    Y = loss.targets(rng.integers(0, 3, size=7), 3, np.float64)

    def value() -> float:
        A, _ = dropout.forward(net, X, 0.4, np.random.default_rng(11))
        return loss.value(net.layers[-1].Z, A, Y)

    _, masks = dropout.forward(net, X, 0.4, np.random.default_rng(11))
    assert any((m == 0).any() for m in masks) and any((m == 1).any() for m in masks)
    dropout.backward(net, Y, loss, masks, 0.4)
    analytic = net.grad.copy()
    numeric = np.empty_like(analytic)
    h = 1e-6
    for k in range(net.theta.size):
        keep = net.theta[k]
        net.theta[k] = keep + h
        up = value()
        net.theta[k] = keep - h
        down = value()
        net.theta[k] = keep
        numeric[k] = (up - down) / (2 * h)
    error = np.linalg.norm(analytic - numeric) / np.linalg.norm(analytic + numeric)
    assert error < 1e-6


def test_a_mask_keeps_units_at_the_rate_and_scales_them():
    mask = dropout.draw_mask(np.random.default_rng(0), (400, 50), 0.25)
    assert set(np.unique(mask)) == {0.0, 1.0}
    assert mask.mean() == pytest.approx(0.75, abs=0.01)
    A = np.ones((400, 50))
    assert dropout.apply_mask(A, mask, 0.25).mean() == pytest.approx(1.0, abs=0.02)
    for bad in (-0.1, 1.0, float("nan"), "0.5", True):
        with pytest.raises(ValueError, match="dropout"):
            dropout.check_rate(bad)


@pytest.mark.parametrize("batch_size", [None, 16])
def test_phases_with_dropout_leave_the_network_where_step_does(batch_size):
    by_step, by_phase = session_with(batch_size=batch_size), session_with(batch_size=batch_size)
    for _ in range(4):
        by_step.step()
        phases = list(by_phase.phases())
        np.testing.assert_array_equal(by_phase.network.theta, by_step.network.theta)
    forward = [p for p in phases if p.name == "forward"]
    for phase in forward[:-1]:                        # the hidden layers show their mask
        mask = phase.values["mask"]
        assert mask.shape == phase.values["Z"].shape and set(np.unique(mask)) <= {0.0, 1.0}
        assert "M" in phase.formula and "dropout" in phase.description
        kept = phase.values["A"][mask == 0]
        assert (kept == 0).all()
    assert "mask" not in forward[-1].values            # never the output layer
    backward = [p for p in phases if p.name == "backward"]
    assert "dropout mask" in backward[-1].formula      # the first hidden layer's dA
    assert "dropout mask" not in backward[0].formula   # the output layer's dZ = Â − Y


def test_evaluation_and_the_gradient_check_run_without_dropout():
    session = session_with(rate=0.5)
    session.run(5)
    first, second = session.evaluate(), session.evaluate()
    assert first == second                              # no mask: the same numbers twice
    plain = session.network.copy()
    np.testing.assert_array_equal(session.network.forward(session.X_train),
                                  plain.forward(session.X_train))
    check = check_gradients(session.network, session.X_train, session.data.y_train, loss="bce")
    assert check.passed


def test_dropout_is_reproducible_from_the_seed_and_changes_training():
    a, b, off = session_with(seed=1), session_with(seed=1), session_with(rate=0.0, seed=1)
    for s in (a, b, off):
        s.run(6)
    np.testing.assert_array_equal(a.network.theta, b.network.theta)
    assert not np.array_equal(a.network.theta, off.network.theta)
    a.reset()
    a.run(6)
    np.testing.assert_array_equal(a.network.theta, b.network.theta)


def test_resuming_an_epoch_with_dropout_repeats_the_run():
    session = session_with()            # full batch: the shuffler's state is kept for the masks
    session.run(10)
    theta = session.network.theta.copy()
    session.resume_from(4)
    session.run(6)
    np.testing.assert_array_equal(session.network.theta, theta)


def test_dropout_is_a_saved_setting_and_training_goes_on_identically(tmp_path):
    session = session_with(rate=0.2, batch_size=16)
    session.run(3)
    save_session(session, tmp_path / "drop.bplab")
    back = load_session(tmp_path / "drop.bplab")
    assert back.dropout == 0.2 and back.settings() == session.settings()
    session.run(3)
    back.run(3)
    np.testing.assert_array_equal(back.network.theta, session.network.theta)


def test_the_exports_refuse_dropout_for_now():
    session = session_with(rate=0.2)
    for framework in ("numpy", "pytorch"):
        for style in ("readable", "exact"):
            with pytest.raises(ValueError, match="dropout"):
                export_script(session, framework, style)
    session.dropout = 0.0
    assert export_script(session, "numpy", "readable").text
