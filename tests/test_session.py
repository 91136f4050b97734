"""TrainingSession: phases equal a step, history stays bounded, settings apply, events fire."""
import numpy as np
import pytest

from backprop_lab.engine import Network, TrainingSession, datasets
from backprop_lab.engine.training.history import History


def twin_sessions(**kw):
    def make():
        data = datasets.load(kw.get("dataset", "moons"), n_samples=60, seed=3)
        net = Network(kw.get("sizes", [2, 5, 3, 1]), hidden=kw.get("hidden", "tanh"),
                      output=kw.get("output", "sigmoid"), seed=1)
        return TrainingSession(net, data, loss=kw.get("loss"), optimizer=kw.get("optimizer", "adam"),
                               learning_rate=0.05, batch_size=kw.get("batch_size"),
                               l1=kw.get("l1", 0.0), l2=kw.get("l2", 0.0), seed=2)
    return make(), make()


@pytest.mark.parametrize("kw", [
    {},
    {"optimizer": "sgd"},
    {"optimizer": "momentum", "l2": 0.01, "l1": 0.001},
    {"optimizer": "rmsprop", "batch_size": 16},
    {"sizes": [2, 1]},
    {"dataset": "spiral", "output": "softmax", "sizes": [2, 6, 2], "hidden": "relu",
     "loss": "cross_entropy"},
])
def test_all_phases_move_the_weights_exactly_like_step(kw):
    a, b = twin_sessions(**kw)
    for _ in range(3):                    # a few steps, so optimizer state matters too
        names = [p.name for p in a.phases()]
        b.step()
        np.testing.assert_array_equal(a.network.theta, b.network.theta)
    assert a.steps == b.steps and a.epoch == b.epoch
    L = len(a.network.layers)
    assert names == ["forward"] * L + ["loss"] + ["backward"] * L + ["update"] * L


def test_phase_values_are_the_engines_numbers():
    session, twin = twin_sessions(optimizer="sgd")
    X, Y, _ = session.next_batch()
    W0 = [layer.W.copy() for layer in session.network.layers]
    phases = list(session.phases())
    forward0 = phases[0]
    assert forward0.layer == 0 and forward0.formula.startswith("Z¹ = X·W¹ + b¹")
    np.testing.assert_allclose(forward0.values["Z"], X @ W0[0] + forward0.values["b"])
    np.testing.assert_allclose(forward0.values["A"], np.tanh(forward0.values["Z"]))
    loss = next(p for p in phases if p.name == "loss")
    assert float(loss.values["loss"]) == pytest.approx(twin.evaluate()["loss"])
    backward = [p for p in phases if p.name == "backward"]
    assert [p.layer for p in backward] == [2, 1, 0]
    grads = twin.network.gradients(twin.data.X_train, twin.data.y_train, loss="bce")
    for p in backward:
        np.testing.assert_allclose(p.values["dW"], grads[p.layer]["W"], rtol=1e-12)
        np.testing.assert_allclose(p.values["db"], grads[p.layer]["b"], rtol=1e-12)
    assert backward[0].formula.splitlines()[0].startswith("dZ³ = Â − Y")
    assert "tanh′(Z¹)" in backward[-1].formula
    update = [p for p in phases if p.name == "update"]
    for p in update:
        np.testing.assert_allclose(p.values["W_after"] - p.values["W_before"],
                                   -0.05 * p.values["dW"], rtol=1e-9, atol=1e-15)
        assert p.description


def test_phase_values_are_snapshots():
    session, _ = twin_sessions()
    phases = session.phases()
    first = next(phases)
    Z = first.values["Z"].copy()
    list(phases)
    session.step()
    np.testing.assert_array_equal(first.values["Z"], Z)


def test_mini_batch_epoch_covers_every_sample_once():
    session, _ = twin_sessions(batch_size=16)
    assert session.steps_per_epoch == 3              # 42 training samples (70 % of 60)
    seen = []
    while session.epoch == 0:
        _, _, idx = session.next_batch()
        seen.extend(idx.tolist())
        session.step()
    assert sorted(seen) == list(range(session.n_train))


def test_step_epoch_finishes_a_started_epoch():
    session, _ = twin_sessions(batch_size=10)
    session.step()
    session.step_epoch()
    assert session.epoch == 1 and session.steps == session.steps_per_epoch


def test_same_seed_same_run_and_reset_restarts():
    a, b = twin_sessions(batch_size=8)
    a.run(5)
    b.run(5)
    np.testing.assert_array_equal(a.network.theta, b.network.theta)
    first = a.network.theta.copy()
    a.reset()
    assert a.epoch == 0 and len(a.history) == 1
    a.run(5)
    np.testing.assert_array_equal(a.network.theta, first)
    a.reset(seed=99)
    a.run(5)
    assert not np.array_equal(a.network.theta, first)


def test_history_records_every_epoch_with_metrics_and_gradient_norms():
    session, _ = twin_sessions()
    session.run(20)
    h = session.history
    assert list(h["epoch"]) == list(range(21))
    assert h["train_loss"][-1] < h["train_loss"][0]
    assert np.all((h["train_accuracy"] >= 0) & (h["train_accuracy"] <= 1))
    assert np.isfinite(h["test_loss"]).all()
    assert h.latest["epoch"] == 20
    norms = session.grad_norms
    assert norms.shape == (3,) and np.all(norms > 0)
    np.testing.assert_allclose(h["grad_norm_2"][-1], norms[2])


def test_history_is_bounded_for_long_runs():
    h = History(["loss"], capacity=64)
    for epoch in range(1_000_000):
        h.append(epoch, [1.0 / (epoch + 1)])
    assert len(h) <= 65
    epochs = h["epoch"]
    assert epochs[0] == 0 and epochs[-1] == 999_999
    assert np.all(np.diff(epochs) > 0)
    assert h.latest["loss"] == pytest.approx(1e-6)
    assert h._rows.nbytes == 64 * 2 * 8


def test_session_history_stays_bounded():
    data = datasets.load("xor")
    session = TrainingSession(Network([2, 2, 1], seed=0), data, history_capacity=32)
    session.run(3000)
    assert len(session.history) <= 33
    assert session.history["epoch"][-1] == 3000


def test_settings_apply_from_the_next_step():
    session, twin = twin_sessions(optimizer="sgd")
    session.learning_rate = 0.5
    twin.learning_rate = 0.5
    session.step()
    twin.step()
    np.testing.assert_array_equal(session.network.theta, twin.network.theta)
    session.optimizer = "adam"
    assert session.optimizer.name == "adam" and session.learning_rate == 0.5
    session.l2 = 0.1
    session.step()
    assert session.steps == 2


def test_events_reach_subscribers():
    session, _ = twin_sessions()
    events = []
    session.subscribe(lambda event, s: events.append(event))
    session.step_epoch()
    session.set_weight(0, 0, 1, 2.5)
    assert session.network.layers[0].W[0, 1] == 2.5
    session.reset()
    assert events == ["trained", "weights", "reset"]


def test_weights_are_assignable_in_place_and_whole():
    net = Network([2, 4, 1], seed=0)
    net.layers[0].W[1, 2] = 7.0
    assert net.theta[1 * 4 + 2] == 7.0
    net.layers[1].b = [0.25]
    assert net.layers[1].b[0] == 0.25
    net.layers[0].W = np.ones((2, 4))
    np.testing.assert_array_equal(net.forward([[1.0, 1.0]]), net.forward([[1.0, 1.0]]))
    with pytest.raises(ValueError, match="shape"):
        net.layers[0].W = np.ones((4, 2))


def test_hand_set_weights_solve_xor():
    net = Network([2, 2, 1], hidden="relu", output="sigmoid")
    net.layers[0].W = [[1.0, 1.0], [1.0, 1.0]]
    net.layers[0].b = [0.0, -1.0]
    net.layers[1].W = [[10.0], [-20.0]]
    net.layers[1].b = [-5.0]
    session = TrainingSession(net, datasets.load("xor"))
    assert session.evaluate()["accuracy"] == 1.0


def test_forward_all_gives_every_layer():
    net = Network([2, 3, 4, 1], seed=0)
    X = np.random.default_rng(0).normal(size=(10, 2))
    outs = net.forward_all(X)
    assert [o.shape for o in outs] == [(10, 3), (10, 4), (10, 1)]
    np.testing.assert_array_equal(outs[-1], net.forward(X))


def test_dead_relu_units_are_reported():
    net = Network([2, 4, 1], hidden="relu", output="sigmoid", seed=0)
    net.layers[0].b = [-100.0, 0.1, 0.1, -100.0]
    session = TrainingSession(net, datasets.load("moons"))
    diagnosis = session.diagnose()
    assert diagnosis.dead_units == {0: [0, 3]}
    assert "Dead ReLU" in diagnosis.messages()[0]


def test_deep_sigmoid_gradients_vanish():
    net = Network([2] + [8] * 6 + [1], hidden="sigmoid", output="sigmoid", init="xavier", seed=0)
    session = TrainingSession(net, datasets.load("circles"), optimizer="sgd", learning_rate=0.1)
    session.run(5)
    norms = session.grad_norms
    assert norms[0] < 1e-2 * norms[-1]
    assert session.diagnose().vanishing_layer == 0


def test_exploding_gradients_are_named():
    from backprop_lab.engine.training.diagnostics import gradient_trouble
    assert gradient_trouble([5e3, 10.0, 1.0]) == (None, 0)
    assert gradient_trouble([1e-6, 0.5, 1.0]) == (0, None)
    assert gradient_trouble([0.5, 0.7, 1.0]) == (None, None)


def test_phases_survive_other_forward_passes_between_them():
    # A window draws heatmaps (forward passes on other data) while a student steps phases.
    a, b = twin_sessions(sizes=[2, 4, 3, 1], batch_size=16)
    grid = np.random.default_rng(0).normal(size=(50, 2))
    for _ in range(4):
        for _phase in a.phases():
            a.network.forward_all(grid)
            a.network.forward_all(a.data.X_train)
            a.diagnose()
        b.step()
        np.testing.assert_array_equal(a.network.theta, b.network.theta)


def test_last_update_is_the_step_that_was_taken():
    session, _ = twin_sessions(optimizer="sgd")
    assert session.last_update() is None
    before = [layer.W.copy() for layer in session.network.layers]
    session.step()
    for layer, old, delta in zip(session.network.layers, before, session.last_update()):
        np.testing.assert_allclose(layer.W - old, delta["W"], atol=1e-15)
        np.testing.assert_allclose(delta["W"], -0.05 * layer.dW, rtol=1e-12)


# ---------------------------------------------------------------------------- what phases say
def phases_of(**kw):
    session, _ = twin_sessions(**kw)
    return session, list(session.phases())


def test_per_sample_quantities_say_so_and_dw_says_why_it_divides_by_m():
    _, phases = phases_of(optimizer="sgd")
    loss = next(p for p in phases if p.name == "loss")
    assert "per sample" in loss.formula.splitlines()[1] and "m · ∂L/∂Â" in loss.formula
    assert "divide by m" in loss.description
    for p in (p for p in phases if p.name == "backward"):
        lines = p.formula.splitlines()
        assert lines[0].endswith("per sample") and "mean over the batch" in lines[1]
        assert lines[-1].endswith("per sample")


def test_the_fused_output_is_explained_between_da_and_dz():
    for kw, word in (({}, "σ′"), ({"dataset": "spiral", "output": "softmax", "sizes": [2, 3, 2],
                                    "loss": "cross_entropy"}, "softmax"),
                     ({"dataset": "plane", "output": "identity", "sizes": [2, 3, 1]},
                      "identity")):
        _, phases = phases_of(**kw)
        loss = next(p for p in phases if p.name == "loss")
        assert len(loss.formula.splitlines()) == 3 and word in loss.formula.splitlines()[2]
        assert "Â − Y" in loss.formula.splitlines()[2]
    _, phases = phases_of(dataset="plane", output="sigmoid", sizes=[2, 3, 1], loss="mse")
    assert len(next(p for p in phases if p.name == "loss").formula.splitlines()) == 2


def test_the_loss_phase_shows_the_penalty():
    session, phases = phases_of(l1=0.01, l2=0.1)
    loss = next(p for p in phases if p.name == "loss")
    first = loss.formula.splitlines()[0]
    assert "λ₁·Σ|W|" in first and "(λ₂/2)·Σ W²" in first and "penalty" in loss.description
    assert float(loss.values["penalty"]) > 0
    assert float(loss.values["loss"]) == pytest.approx(
        float(loss.values["data_loss"]) + float(loss.values["penalty"]))


def test_no_hidden_layer_no_talk_of_one():
    _, phases = phases_of(sizes=[2, 1])
    assert "hidden" not in phases[0].description and "inputs" in phases[0].description
    _, phases = phases_of()
    assert "last hidden layer" in phases[2].description


@pytest.mark.parametrize("optimizer,lr", [("sgd", 3.0), ("adam", 0.05), ("momentum", 0.05),
                                          ("rmsprop", 0.05)])
def test_the_update_says_what_is_true_for_its_optimizer(optimizer, lr):
    session, _ = twin_sessions(optimizer=optimizer)
    session.learning_rate = lr
    update = [p for p in session.phases() if p.name == "update"]
    for p in update:
        assert "small step" not in p.description
        assert f"η = {lr:g}" in p.description
    if optimizer == "adam":
        assert "not η times the gradient" in update[0].description


def test_the_update_phase_carries_the_optimizer_state_to_check_the_step_by_hand():
    for optimizer in ("momentum", "rmsprop", "adam"):
        session, _ = twin_sessions(optimizer=optimizer)
        session.step()                                   # a running state that is not zero
        opt = session.optimizer
        for p in (p for p in session.phases() if p.name == "update"):
            v, eta = p.values, float(p.values["learning_rate"])
            if optimizer == "momentum":
                by_hand = v["W_before"] - eta * v["v"]
                assert "v" in p.formula
            elif optimizer == "rmsprop":
                by_hand = v["W_before"] - eta * v["dW"] / (np.sqrt(v["s"]) + opt.eps)
            else:
                by_hand = v["W_before"] - eta * v["m_hat"] / (np.sqrt(v["v_hat"]) + opt.eps)
                assert "m̂" in p.formula and "v̂" in p.formula
            np.testing.assert_allclose(v["W_after"], by_hand, rtol=1e-10, atol=1e-14)


def test_nesterov_and_clipping_are_in_the_update_formula():
    session, _ = twin_sessions(optimizer="momentum")
    session.configure_optimizer(nesterov=True)
    session.clip_norm = 1e-3
    update = [p for p in session.phases() if p.name == "update"]
    assert "(dW¹ + β·v¹)" in update[0].formula and "‖g‖" in update[0].formula.splitlines()[0]
    assert float(update[0].values["clip_factor"]) < 1 and "clipped" in update[0].description


# ---------------------------------------------------------------------------- settings
def test_optimizer_settings_are_set_checked_and_saved():
    session, twin = twin_sessions(optimizer="adam")
    session.configure_optimizer(beta1=0.8, beta2=0.99, eps=1e-6)
    assert session.optimizer_settings == {"beta1": 0.8, "beta2": 0.99, "eps": 1e-6}
    for bad in ({"beta1": 1.0}, {"eps": 0}, {"beta": 0.9}, {"beta2": "high"}):
        with pytest.raises(ValueError):
            session.configure_optimizer(**bad)
    assert session.optimizer_settings["beta1"] == 0.8          # a refused change changes nothing
    session.set_optimizer("momentum", beta=0.95, nesterov=True)
    with pytest.raises(ValueError, match="true or false"):
        session.configure_optimizer(nesterov="yes")
    session.clip_norm = 2.0
    session.schedule = {"name": "exponential", "gamma": 0.9}
    session.run(3)
    twin.load_state_dict(session.state_dict())
    assert twin.optimizer.name == "momentum" and twin.optimizer_settings == {
        "beta": 0.95, "nesterov": True}
    assert twin.settings() == session.settings() and twin.clip_norm == 2.0
    assert twin.current_learning_rate == session.current_learning_rate == pytest.approx(
        0.05 * 0.9 ** 3)
    session.run(2)
    twin.run(2)
    np.testing.assert_array_equal(twin.network.theta, session.network.theta)


def test_a_saved_session_keeps_the_new_settings(tmp_path):
    from backprop_lab.engine import load_session, save_session
    session, _ = twin_sessions(optimizer="momentum", batch_size=16)
    session.configure_optimizer(beta=0.5, nesterov=True)
    session.clip_norm = 0.5
    session.schedule = {"name": "step", "step_size": 2, "gamma": 0.5}
    session.run(3)
    save_session(session, tmp_path / "run.bplab")
    opened = load_session(tmp_path / "run.bplab")
    assert opened.settings() == session.settings()
    assert opened.optimizer_settings == {"beta": 0.5, "nesterov": True}
    session.run(2)
    opened.run(2)
    np.testing.assert_array_equal(opened.network.theta, session.network.theta)


@pytest.mark.parametrize("change,message", [
    (lambda s: setattr(s, "clip_norm", 0), "clipping norm"),
    (lambda s: setattr(s, "clip_norm", -1), "clipping norm"),
    (lambda s: setattr(s, "schedule", {"name": "sometimes"}), "schedule"),
    (lambda s: setattr(s, "schedule", {"name": "step", "gamma": 1.5}), "gamma"),
    (lambda s: setattr(s, "schedule", {"name": "cosine", "epochs": 0}), "epochs"),
    (lambda s: s.set_optimizer("adam", momentum=0.9), "no setting"),
])
def test_bad_training_settings_are_refused(change, message):
    session, _ = twin_sessions()
    before = session.settings()
    with pytest.raises(ValueError, match=message):
        change(session)
    assert session.settings() == before


def test_history_row_at_is_the_latest_recorded_row_at_or_before_an_epoch():
    h = History(["train_loss"], capacity=8)
    assert h.row_at(5) == {}
    for epoch in range(0, 40):
        h.append(epoch, [1.0 / (epoch + 1)])
    table = h.table()                                  # thinned: not every epoch is kept
    kept = table[:, 0]
    assert len(kept) < 40
    for epoch in (0, 7, 13, 38, 39, 100):
        expected = table[kept <= epoch][-1]
        assert h.row_at(epoch) == {"epoch": expected[0], "train_loss": expected[1]}
