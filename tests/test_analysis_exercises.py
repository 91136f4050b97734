"""Exercises: each kind met and not met (weights set by hand, so the outcome is exact), the
predictions judged against the real update that follows, malformed specs refused, and the
progress file a student hands in."""
import json

import numpy as np
import pytest

from backprop_lab.engine import Network, TrainingSession, datasets
from backprop_lab.engine.analysis.exercise_progress import ExerciseProgress
from backprop_lab.engine.analysis.exercises import (CONSTRAINTS, ExerciseResult, check_exercise,
                                                     check_prediction, check_target,
                                                     judge_prediction, validate_exercise,
                                                     validate_exercises)

XOR_FEATURES = {"id": "xor-features", "kind": "target",
                "prompt": "Solve XOR with no hidden layer, using input features only",
                "metric": "train_accuracy", "at_least": 1.0,
                "constraints": {"hidden_layers": 0}}
SMALL_NET = {"id": "small", "kind": "target", "prompt": "Test loss ≤ 0.5 with ≤ 4 hidden units",
             "metric": "test_loss", "at_most": 0.5, "constraints": {"max_hidden_units": 4}}


def xor_session(hidden=(), features=("x1", "x2")):
    data = datasets.load("xor", n_samples=4, test_fraction=0.0, features=features)
    net = Network([len(features), *hidden, 1], hidden="tanh", output="sigmoid", seed=0)
    return TrainingSession(net, data, loss="bce", optimizer="sgd", learning_rate=0.5)


def set_weights(session, weights):
    session.network.load_state_dict(
        {f"layer{i}.{k}": np.array(v, dtype=float) for i, (W, b) in enumerate(weights)
         for k, v in (("W", W), ("b", b))})
    session.weights_edited()


# ---------------------------------------------------------------------- targets
def test_xor_with_a_product_feature_and_no_hidden_layer_is_met():
    s = xor_session(features=("x1", "x2", "x1*x2"))
    set_weights(s, [([[4.0], [4.0], [-8.0]], [-2.0])])
    result = check_target(s, XOR_FEATURES)
    assert result.met and result.value == 1.0
    assert result.message == "Met: the training accuracy is 1 ≥ 1."


def test_xor_with_only_x1_x2_and_no_hidden_layer_is_not_met():
    s = xor_session()
    set_weights(s, [([[1.0], [1.0]], [-0.5])])          # the best a line does: 3 of 4
    result = check_target(s, XOR_FEATURES)
    assert not result.met and result.value == 0.75
    assert "below the target 1" in result.message


def test_xor_solved_with_a_hidden_layer_breaks_the_constraint():
    s = xor_session(hidden=(2,))
    set_weights(s, [([[5.0, 5.0], [5.0, 5.0]], [-2.5, -7.5]), ([[6.0], [-6.0]], [-3.0])])
    assert s.evaluate("train")["accuracy"] == 1.0
    result = check_target(s, XOR_FEATURES)
    assert not result.met
    assert "1 hidden layer; the exercise asks for exactly 0" in result.message


def circles_session(hidden=(4,), epochs=0):
    data = datasets.load("circles", n_samples=60, seed=0)
    net = Network([2, *hidden, 1], hidden="tanh", output="sigmoid", init="xavier", seed=0)
    session = TrainingSession(net, data, loss="bce", optimizer="adam", learning_rate=0.05)
    session.run(epochs)
    return session


@pytest.mark.parametrize("bound", [0.5, 0.7])
def test_a_loss_target_compares_with_the_measured_test_loss(bound):
    s = circles_session()
    loss = s.evaluate("test")["loss"]
    spec = dict(SMALL_NET, at_most=bound)
    result = check_target(s, spec)
    assert result.value == loss
    assert result.met == (loss <= bound)
    assert ("Met" if loss <= bound else "above the target") in result.message


def test_a_loss_target_met_by_too_many_units_is_not_met():
    s = circles_session(hidden=(4, 3))
    result = check_target(s, dict(SMALL_NET, at_most=100.0))
    assert not result.met and "7 hidden units; the exercise allows at most 4" in result.message


@pytest.mark.parametrize("name, holds, breaks", [
    ("hidden_layers", 1, 2),
    ("max_hidden_layers", 1, 0),
    ("max_hidden_units", 4, 3),
    ("max_epochs", 5, 1),
    ("features", ["x1", "x2", "x1^2"], ["x1"]),
    ("dataset", "circles", "moons"),
    ("optimizer", "adam", "sgd"),
])
def test_every_constraint_holds_and_breaks(name, holds, breaks):
    s = circles_session(hidden=(4,), epochs=3)
    spec = dict(SMALL_NET, at_most=100.0, constraints={name: holds})
    assert check_target(s, spec).met
    spec["constraints"] = {name: breaks}
    result = check_target(s, spec)
    assert not result.met and result.message.startswith("Not yet") and "but" in result.message
    assert set(CONSTRAINTS) == {"hidden_layers", "max_hidden_layers", "max_hidden_units",
                                "max_epochs", "features", "dataset", "optimizer"}


def test_metrics_that_do_not_apply_are_not_met_with_a_reason():
    s = xor_session()
    r2 = check_target(s, {"id": "r2", "kind": "target", "prompt": "p", "metric": "train_r2",
                          "at_least": 0.5})
    assert not r2.met and "does not apply" in r2.message
    no_test = check_target(s, {"id": "t", "kind": "target", "prompt": "p",
                               "metric": "test_accuracy", "at_least": 0.5})
    assert not no_test.met and "no test samples" in no_test.message


# ---------------------------------------------------------------------- predictions
def predict(about, choices=None):
    spec = {"id": "q", "kind": "predict", "prompt": "Up or down?", "about": about}
    if choices:
        spec["choices"] = choices
    return spec


def moons_session(optimizer="sgd", batch_size=8, hidden=3):
    data = datasets.load("moons", n_samples=40, seed=5)
    net = Network([2, hidden, 1], hidden="relu", output="sigmoid", init="he", seed=1)
    return TrainingSession(net, data, loss="bce", optimizer=optimizer, learning_rate=0.3,
                           batch_size=batch_size, seed=2)


def direction(before, after):
    return "up" if after > before else "down" if after < before else "unchanged"


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
@pytest.mark.parametrize("about", [{"weight": [1, 2, 0]}, {"weight": [0, 1, 2]},
                                   {"bias": [0, 1]}, {"loss": "batch"}])
def test_a_prediction_is_judged_by_the_update_that_follows(optimizer, about):
    s = moons_session(optimizer)
    s.run(2)
    before_state = s.network.theta.copy()
    X, Y, _ = s.next_batch()
    loss_before = s.network.copy().loss(X, Y, "bce")
    results = {a: check_prediction(s, predict(about), a) for a in ("up", "down", "unchanged")}
    np.testing.assert_array_equal(s.network.theta, before_state)     # asking changed nothing
    # The oracle: the live session takes the step, and the quantity is read before and after.
    kind, where = next(iter(about.items()))
    s.step()
    if kind == "weight":
        layer, i, j = where
        truth = direction(before_state[s.network.slices[layer][0]].reshape(
            s.network.layers[layer].W.shape)[i, j], s.network.layers[layer].W[i, j])
    elif kind == "bias":
        layer, j = where
        truth = direction(before_state[s.network.slices[layer][1]][j], s.network.layers[layer].b[j])
    else:
        truth = direction(loss_before, s.network.copy().loss(X, Y, "bce"))
    assert [a for a, r in results.items() if r.met] == [truth]
    assert all(r.answer == truth for r in results.values())
    assert results[truth].message.startswith("Right")


def test_a_weight_into_a_dead_unit_stays_unchanged():
    s = moons_session("sgd", None)
    s.network.layers[0].b[1] = -100.0                 # unit 2 of layer 1 never fires
    s.weights_edited()
    result = check_prediction(s, predict({"weight": [0, 0, 1]}), "unchanged")
    assert result.met and result.answer == "unchanged" and "stayed at" in result.message
    wrong = check_prediction(s, predict({"weight": [0, 0, 1]}), "up")
    assert not wrong.met and wrong.message.startswith("Not quite (you said up)")


def test_asking_in_the_middle_of_the_live_steps_phases_predicts_its_update():
    s = moons_session("adam", 8)
    s.run(1)
    about = {"weight": [1, 1, 0]}
    phases = s.phases()
    seen = [next(phases) for _ in range(3)]             # forward, forward, loss
    assert [p.name for p in seen] == ["forward", "forward", "loss"]
    asked = check_prediction(s, predict(about), "up")
    seen += list(phases)                                # the live step completes
    update = next(p for p in seen if p.name == "update" and p.layer == 1)
    truth = direction(update.values["W_before"][1, 0], update.values["W_after"][1, 0])
    assert asked.answer == truth
    judged = judge_prediction(predict(about), "up", seen, s.network, s.loss_function)
    assert judged.answer == truth and judged.met == asked.met


def test_a_question_about_a_weight_the_network_lacks_is_not_met():
    s = moons_session(hidden=3)
    result = check_prediction(s, predict({"weight": [1, 5, 0]}), "up")
    assert not result.met and result.answer is None
    assert "does not have" in result.message
    result = check_prediction(s, predict({"bias": [4, 0]}), "up")
    assert not result.met and "does not have" in result.message


def test_check_exercise_dispatches_and_refuses_answers_outside_the_choices():
    s = moons_session()
    assert check_exercise(s, predict({"loss": "batch"}), "down").answer in ("up", "down")
    assert not check_exercise(xor_session(), XOR_FEATURES).met
    with pytest.raises(ValueError, match="answer must be one of up, down"):
        check_prediction(s, predict({"loss": "batch"}, ["up", "down"]), "unchanged")
    with pytest.raises(ValueError, match="not a prediction"):
        check_prediction(s, XOR_FEATURES, "up")


# ---------------------------------------------------------------------- validation
def spec_with(base, **changes):
    spec = json.loads(json.dumps(base))
    for key, value in changes.items():
        if value is None:
            spec.pop(key, None)
        else:
            spec[key] = value
    return spec


PREDICT = predict({"weight": [0, 1, 2]})
MALFORMED = [
    ("not an object", ["a list"], "JSON object"),
    ("no id", spec_with(SMALL_NET, id=None), "id must be"),
    ("blank prompt", spec_with(SMALL_NET, prompt="  "), "prompt must be"),
    ("unknown kind", spec_with(SMALL_NET, kind="quiz"), "kind must be"),
    ("typo key", spec_with(SMALL_NET, at_mots=0.2), "unknown key"),
    ("two bounds", spec_with(SMALL_NET, at_least=0.1), "exactly one"),
    ("no bound", spec_with(SMALL_NET, at_most=None), "exactly one"),
    ("NaN bound", spec_with(SMALL_NET, at_most=float("nan")), "finite number"),
    ("text bound", spec_with(SMALL_NET, at_most="0.2"), "finite number"),
    ("bool bound", spec_with(SMALL_NET, at_most=True), "finite number"),
    ("unknown metric", spec_with(SMALL_NET, metric="loss"), "metric must be"),
    ("constraints list", spec_with(SMALL_NET, constraints=[1]), "constraints must be"),
    ("unknown constraint", spec_with(SMALL_NET, constraints={"units": 3}), "unknown constraint"),
    ("negative count", spec_with(SMALL_NET, constraints={"max_hidden_units": -1}), "≥ 0"),
    ("text count", spec_with(SMALL_NET, constraints={"hidden_layers": "0"}), "whole number"),
    ("bool count", spec_with(SMALL_NET, constraints={"max_epochs": True}), "whole number"),
    ("bad feature", spec_with(SMALL_NET, constraints={"features": ["x3"]}), "list of names"),
    ("bad optimizer", spec_with(SMALL_NET, constraints={"optimizer": "lbfgs"}), "one of"),
    ("no about", spec_with(PREDICT, about=None), "about must be"),
    ("short weight", spec_with(PREDICT, about={"weight": [0, 1]}), "about must be"),
    ("negative index", spec_with(PREDICT, about={"bias": [0, -1]}), "about must be"),
    ("bool index", spec_with(PREDICT, about={"bias": [0, True]}), "about must be"),
    ("two abouts", spec_with(PREDICT, about={"bias": [0, 1], "loss": "batch"}), "about must"),
    ("loss of what", spec_with(PREDICT, about={"loss": "test"}), "about must be"),
    ("one choice", spec_with(PREDICT, choices=["up"]), "choices"),
    ("repeated choice", spec_with(PREDICT, choices=["up", "up"]), "choices"),
    ("unknown answer", spec_with(PREDICT, choices=["up", "sideways"]), "choices"),
    ("update phase", spec_with(PREDICT, at_phase="update"), "at_phase"),
    ("target key on predict", spec_with(PREDICT, metric="test_loss"), "unknown key"),
]


@pytest.mark.parametrize("what, spec, message", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_specs_are_refused(what, spec, message):
    with pytest.raises(ValueError, match=message):
        validate_exercise(spec)


def test_valid_specs_are_normalized_and_a_lesson_needs_different_ids():
    checked = validate_exercises([XOR_FEATURES, SMALL_NET, PREDICT])
    assert checked[2]["choices"] == ["up", "down", "unchanged"]
    assert checked[2]["at_phase"] == "backward"
    assert checked[1]["at_most"] == 0.5 and checked[1]["constraints"] == {"max_hidden_units": 4}
    assert json.loads(json.dumps(checked)) == checked
    with pytest.raises(ValueError, match="repeated: small"):
        validate_exercises([SMALL_NET, SMALL_NET])
    with pytest.raises(ValueError, match="must be a list"):
        validate_exercises({"id": "x"})
    with pytest.raises(ValueError, match="exercise 'small'"):
        validate_exercise(spec_with(SMALL_NET, metric="x"))


# ---------------------------------------------------------------------- progress
def test_progress_keeps_the_first_success_and_round_trips_through_a_file(tmp_path):
    from datetime import datetime, timezone
    s = circles_session(epochs=2)
    progress = ExerciseProgress("Ada")
    t = [datetime(2025, 1, d, tzinfo=timezone.utc) for d in (1, 2, 3)]
    progress.record("circles", ExerciseResult("small", False, "Not yet.", 0.6), s, when=t[0])
    assert not progress.is_met("circles", "small")
    progress.record("circles", ExerciseResult("small", True, "Met.", 0.4), s, when=t[1])
    progress.record("circles", ExerciseResult("small", False, "Not yet.", 0.9), s, when=t[2])
    record = progress.records("circles")["small"]
    assert record["met"] and record["when"] == "2025-01-02T00:00:00+00:00"
    assert record["attempts"] == 3 and record["value"] == 0.4
    assert record["settings"]["sizes"] == [2, 4, 1] and record["settings"]["optimizer"] == "adam"
    assert record["settings"]["epoch"] == 2
    progress.record("xor", ExerciseResult("q", False, "Not quite.", float("nan"), "down"))
    assert progress.summary({"circles": ["small", "other"], "xor": ["q"]}) == {
        "circles": (1, 2), "xor": (0, 1)}
    path = tmp_path / "progress.json"
    progress.save(path)
    assert [p.name for p in tmp_path.iterdir()] == ["progress.json"]
    again = ExerciseProgress.load(path)
    assert again.to_dict() == progress.to_dict() and again.student == "Ada"
    assert again.records("xor")["q"]["value"] is None


def good_progress_doc():
    progress = ExerciseProgress("Bo")
    progress.record("l1", ExerciseResult("e1", True, "Met.", 1.0), circles_session())
    return progress.to_dict()


def broken(change):
    doc = good_progress_doc()
    change(doc)
    return json.dumps(doc)


BAD_FILES = [
    ("not JSON", "{"),
    ("bad UTF-8", b"\xff\xfe{"),
    ("a list", "[]"),
    ("wrong format", broken(lambda d: d.update(format="session"))),
    ("future version", broken(lambda d: d.update(version=2))),
    ("student number", broken(lambda d: d.update(student=3))),
    ("lessons list", broken(lambda d: d.update(lessons=[]))),
    ("record missing field", broken(lambda d: d["lessons"]["l1"]["e1"].pop("when"))),
    ("record extra field", broken(lambda d: d["lessons"]["l1"]["e1"].update(x=1))),
    ("met as text", broken(lambda d: d["lessons"]["l1"]["e1"].update(met="yes"))),
    ("attempts zero", broken(lambda d: d["lessons"]["l1"]["e1"].update(attempts=0))),
    ("attempts bool", broken(lambda d: d["lessons"]["l1"]["e1"].update(attempts=True))),
    ("bad time", broken(lambda d: d["lessons"]["l1"]["e1"].update(when="yesterday"))),
    ("NaN value", broken(lambda d: d["lessons"]["l1"]["e1"].update(value=1.0)).replace(
        '"value": 1.0', '"value": NaN')),
    ("deep nesting", "[" * 100_000),
]


@pytest.mark.parametrize("what, content", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_malformed_progress_files_are_refused(tmp_path, what, content):
    path = tmp_path / "p.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    with pytest.raises(ValueError, match="p.json"):
        ExerciseProgress.load(path)


def test_a_missing_progress_file_is_a_value_error(tmp_path):
    with pytest.raises(ValueError, match="cannot be read"):
        ExerciseProgress.load(tmp_path / "none.json")
