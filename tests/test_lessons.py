"""Every lesson loads, and its claim holds when it is run headless."""
import json

import numpy as np
import pytest

from backprop_lab.engine import check_gradients
from backprop_lab.gui.model.config import Config
from backprop_lab.gui.model.lessons import lesson_files, list_lessons, load_lesson


def lesson(number: int):
    path = next(f for f in lesson_files() if f.name.startswith(f"{number:02d}-"))
    return load_lesson(path)


def test_all_fifteen_lessons_load_in_story_order():
    lessons = list_lessons()
    assert len(lessons) >= 15
    assert lessons[0].title.startswith("XOR cannot")
    assert lessons[14].title.startswith("Regression")
    for item in lessons:
        assert item.text and item.look and item.try_next


def test_01_no_hidden_layer_never_exceeds_75_percent_on_xor():
    session = lesson(1).build_session()
    assert session.network.sizes == [2, 1]
    for _ in range(20):
        session.run(25)
        assert session.evaluate()["accuracy"] <= 0.75
    assert np.nanmax(session.history["train_accuracy"]) <= 0.75


def test_02_one_neuron_learns_and_and_or():
    item = lesson(2)
    for dataset in ("and", "or"):
        config = Config(**{**item.config.__dict__, "dataset": dataset})
        session = config.build_session()
        session.run(300)
        assert session.evaluate()["accuracy"] == 1.0, dataset


def test_03_hand_set_weights_classify_all_four_points():
    session = lesson(3).build_session()
    assert session.network.sizes == [2, 2, 1] and session.epoch == 0
    assert session.evaluate()["accuracy"] == 1.0
    out = session.network.forward(session.data.X_train)[:, 0]
    assert np.all((out > 0.5) == (session.data.y_train == 1))


def test_04_a_hidden_layer_learns_xor_from_small_weights():
    session = lesson(4).build_session()
    assert np.abs(session.network.layers[0].W).max() < 0.05
    session.run(600)
    assert session.evaluate()["accuracy"] == 1.0


def test_05_stepping_one_step_equals_step():
    item = lesson(5)
    a, b = item.build_session(), item.build_session()
    names = [p.name for p in a.phases()]
    b.step_epoch()
    assert names == ["forward", "forward", "loss", "backward", "backward", "update", "update"]
    np.testing.assert_array_equal(a.network.theta, b.network.theta)


def test_06_gradient_check_passes():
    session = lesson(6).build_session()
    data = session.data
    result = check_gradients(session.network, data.X_train[:50], data.y_train[:50], loss="bce")
    assert result.passed


def test_07_too_high_a_learning_rate_diverges_and_stops():
    session = lesson(7).build_session()
    done = session.run(100)
    assert done < 100 and session.diverged
    assert np.isfinite(session.network.theta).all()


def test_08_too_low_a_learning_rate_barely_moves_the_loss():
    item = lesson(8)
    slow = item.build_session()
    slow.run(200)
    h = slow.history["train_loss"]
    assert (h[0] - h[-1]) / h[0] < 0.05
    good = Config(**{**item.config.__dict__, "learning_rate": 0.1}).build_session()
    good.run(200)
    g = good.history["train_loss"]
    assert (g[0] - g[-1]) / g[0] > 0.5


def test_09_zero_init_keeps_units_identical_after_200_epochs():
    session = lesson(9).build_session()
    session.run(200)
    for layer in session.network.layers[:-1]:
        np.testing.assert_array_equal(layer.W, layer.W[:, :1].repeat(layer.n_out, axis=1))
    assert set(session.diagnose().identical_units) == {0, 1}


def test_10_deep_sigmoid_gradients_vanish():
    session = lesson(10).build_session()
    session.run(50)
    norms = session.grad_norms
    assert norms[0] < 1e-3 * norms[-1]
    assert session.diagnose().vanishing_layer == 0


def test_11_big_steps_kill_relus_and_leaky_relu_does_not_die():
    item = lesson(11)
    session = item.build_session()
    session.run(100)
    assert session.diagnose().dead_units
    leaky = Config(**{**item.config.__dict__,
                      "activations": ["leaky_relu", "leaky_relu"]}).build_session()
    leaky.run(100)
    assert not leaky.diagnose().dead_units


def test_12_adam_beats_sgd_in_the_same_epochs():
    item = lesson(12)
    losses = {}
    for optimizer in ("sgd", "adam"):
        session = Config(**{**item.config.__dict__, "optimizer": optimizer}).build_session()
        session.run(100)
        losses[optimizer] = session.evaluate()["loss"]
    assert losses["adam"] < 0.8 * losses["sgd"]


def test_13_l2_gives_a_better_test_loss_on_noisy_data():
    item = lesson(13)
    test_loss = {}
    for l2 in (0.0, 0.03):
        session = Config(**{**item.config.__dict__, "l2": l2}).build_session()
        session.run(400)
        test_loss[l2] = session.evaluate("test")["loss"]
    assert test_loss[0.03] < 0.7 * test_loss[0.0]


def test_14_spirals_with_capacity_reach_high_accuracy():
    session = lesson(14).build_session()
    assert session.network.sizes[-1] == 3 and session.loss == "cross_entropy"
    session.run(600)
    assert session.evaluate()["accuracy"] >= 0.95


def test_15_regression_fits_the_paraboloid():
    session = lesson(15).build_session()
    session.run(800)
    assert session.evaluate()["r2"] > 0.98 and session.evaluate("test")["r2"] > 0.95


@pytest.mark.parametrize("mutate,message", [
    (lambda d: d.update(format="other"), "not a Backprop Lab lesson"),
    (lambda d: d.update(version=99), "newer Backprop Lab"),
    (lambda d: d.pop("title"), "'title'"),
    (lambda d: d.update(config="xor"), "'config'"),
    (lambda d: d.update(epochs=-1), "'epochs'"),
    (lambda d: d.update(weights=[{"W": [[1.0]], "b": [0.0]}]), "one entry per layer"),
    (lambda d: d.update(weights=[{"W": [[1.0, 2.0]], "b": [0.0, 0.0]},
                                 {"W": [[1.0], [1.0]], "b": [0.0]}]), "shape"),
])
def test_malformed_lessons_are_refused(tmp_path, mutate, message):
    doc = json.loads(next(f for f in lesson_files() if f.name.startswith("03-")).read_text(encoding="utf-8"))
    mutate(doc)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_lesson(path)


def test_a_file_that_is_not_json_is_refused(tmp_path):
    path = tmp_path / "x.json"
    path.write_bytes(b"\x00\x01 not json")
    with pytest.raises(ValueError, match="not valid JSON"):
        load_lesson(path)
