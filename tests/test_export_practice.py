"""The exported scripts carry dropout, the validation set, early stopping and the stop rules.

Exact replays: each case trains a session a little, exports the NumPy and PyTorch replays,
runs them with ``--epochs N --history FILE`` and compares every epoch's losses (train,
validation, test) with the engine's history, the epoch and reason training stopped, and
the final lines after early stopping brought the best weights back.  Readable scripts: they
contain the idioms (``nn.Dropout``, ``model.train()`` / ``model.eval()``, the validation
split, patience and restore-best, the stop rules), run, learn and stop.
"""
from __future__ import annotations

import csv
import importlib.util
import json
import math
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pytest

from backprop_lab.engine import Network, TrainingSession, datasets
from backprop_lab.engine.export import export_script

HAVE_TORCH = importlib.util.find_spec("torch") is not None
FRAMEWORKS = ["numpy"] + (["pytorch"] if HAVE_TORCH else [])
#: Both replays run the engine's float64 arithmetic step for step.
RTOL = 1e-9


@dataclass
class Case:
    dataset: str
    sizes: list
    activations: list
    optimizer: str
    lr: float
    data_kw: dict
    batch_size: int | None = None
    dropout: float = 0.0
    early_stopping: dict | None = None
    stop_at: dict | None = None
    pre_epochs: int = 2          # trained before the export
    pre_steps: int = 0           # then this many single steps (mid-epoch export)
    epochs: int = 12             # asked of the script and the engine after the export
    stops: str | None = None     # the reason training must stop: Stop.reason


MOONS_VAL = {"n_samples": 80, "seed": 3, "validation_fraction": 0.25}
CASES = {
    "moons-dropout-mid-epoch-adam": Case(
        "moons", [2, 8, 6, 1], ["tanh", "relu", "sigmoid"], "adam", 0.05,
        {"n_samples": 60, "seed": 6}, batch_size=10, dropout=0.2, pre_steps=2),
    "spiral-dropout-softmax-full-batch-momentum": Case(
        "spiral", [2, 10, 3], ["leaky_relu", "softmax"], "momentum", 0.2,
        {"n_samples": 60, "n_classes": 3, "seed": 4}, dropout=0.3, epochs=10),
    # Exported two epochs past its best (the watch has waited one): stops at 13, restores 9.
    "moons-validation-dropout-early-stopping-restores": Case(
        "moons", [2, 8, 6, 1], ["tanh", "relu", "sigmoid"], "adam", 0.05, MOONS_VAL,
        batch_size=10, dropout=0.2, early_stopping={"patience": 4}, pre_epochs=10, epochs=30,
        stops="early_stopping"),
    "circles-test-loss-early-stopping-keeps-last": Case(
        "circles", [2, 6, 1], ["relu", "sigmoid"], "momentum", 0.8,
        {"n_samples": 60, "seed": 1}, batch_size=12,
        early_stopping={"patience": 2, "min_delta": 0.01, "restore_best": False},
        epochs=40, stops="early_stopping"),
    "moons-stop-at-epoch": Case(
        "moons", [2, 5, 1], ["tanh", "sigmoid"], "sgd", 0.5, MOONS_VAL,
        stop_at={"epoch": 7}, epochs=20, stops="epoch"),
    # The accuracy target stops it at epoch 1, before the export: not again after it.
    "moons-target-loss-with-dropout": Case(
        "moons", [2, 8, 1], ["tanh", "sigmoid"], "adam", 0.05, {"n_samples": 60, "seed": 6},
        batch_size=15, dropout=0.1, stop_at={"loss": 0.3, "metric": 0.5}, epochs=40,
        stops="loss"),
}
#: The case whose exported dropout rate is altered (the comparison must then fail).
ALTERED = "moons-dropout-mid-epoch-adam"


def build(case: Case) -> TrainingSession:
    data = datasets.load(case.dataset, **case.data_kw)
    net = Network(case.sizes, activations=case.activations, seed=1)
    session = TrainingSession(net, data, optimizer=case.optimizer, learning_rate=case.lr,
                              batch_size=case.batch_size, seed=2, dropout=case.dropout,
                              early_stopping=case.early_stopping, stop_at=case.stop_at)
    session.run(case.pre_epochs)
    for _ in range(case.pre_steps):
        session.step()
    return session


ENV = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
#: Runs several exported scripts in one interpreter, each as ``__main__`` with its own argv.
DRIVER = """
import contextlib, io, json, runpy, sys, traceback
results = []
for argv in json.loads(sys.argv[1]):
    sys.argv = argv
    out, err, code = io.StringIO(), io.StringIO(), 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            runpy.run_path(argv[0], run_name="__main__")
    except SystemExit as exit:
        code = exit.code if isinstance(exit.code, int) else 1
    except BaseException:
        code = 1
        err.write(traceback.format_exc())
    results.append([code, out.getvalue(), err.getvalue()])
print(json.dumps(results))
"""


def run_batch(argvs: list[list[str]]) -> list[tuple[int, str, str]]:
    """Several exported scripts (each an argv) in one ``python -W error`` process."""
    proc = subprocess.run([sys.executable, "-W", "error", "-c", DRIVER, json.dumps(argvs)],
                          capture_output=True, text=True, timeout=300, env=ENV)
    assert proc.returncode == 0, proc.stderr
    return [tuple(r) for r in json.loads(proc.stdout)]


@dataclass
class Outcome:
    case: Case
    session: TrainingSession
    sources: dict                                       # framework -> script text
    rows: dict = field(default_factory=dict)            # epoch -> the engine's history row
    results: dict = field(default_factory=dict)         # framework -> (code, out, err, csv)


def train_recording(session: TrainingSession, epochs: int) -> dict[int, dict]:
    """Train epoch by epoch as ``session.run(epochs)`` would; every epoch's history row,
    those early stopping's restore forgets included."""
    rows = {int(session.history.latest["epoch"]): dict(session.history.latest)}
    for _ in range(epochs):
        session.run(1)
        if session.stop_report is None or not session.stop_report.restored:
            rows[session.epoch] = dict(session.history.latest)
        if session.stop_report is not None:
            break
    return rows


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("export_practice")
    table, jobs = {}, {f: [] for f in FRAMEWORKS}
    for name, case in CASES.items():
        session = build(case)
        sources = {f: export_script(session, f, "exact").text for f in FRAMEWORKS}
        table[name] = Outcome(case, session, sources)
        for framework, source in sources.items():
            variants = {framework: source}
            if name == ALTERED:
                altered = source.replace(f"DROPOUT = {case.dropout!r}", "DROPOUT = 0.21")
                assert altered != source
                variants[framework + "-altered"] = altered
            for key, text in variants.items():
                path = tmp / f"{name}-{key}.py"
                path.write_text(text, encoding="utf-8")
                history = tmp / f"{name}-{key}.csv"
                jobs[framework].append(((name, key, history),
                                        [str(path), "--epochs", str(case.epochs),
                                         "--history", str(history)]))
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {f: pool.submit(run_batch, [argv for _, argv in jobs[f]]) for f in FRAMEWORKS}
        for outcome in table.values():            # the engine trains meanwhile
            outcome.rows = train_recording(outcome.session, outcome.case.epochs)
        for framework, future in futures.items():
            for ((name, key, history), _), (code, out, err) in zip(jobs[framework],
                                                                   future.result()):
                table[name].results[key] = (code, out, err, history)
    return table


def script_history(outcome: Outcome, key: str) -> tuple[str, dict[int, dict]]:
    code, out, err, history = outcome.results[key]
    assert code == 0 and err == "", err
    with open(history, newline="", encoding="utf-8") as f:
        rows = {int(row["epoch"]): {k: float(v) for k, v in row.items()}
                for row in csv.DictReader(f)}
    return out, rows


def finals(stdout: str) -> dict[str, float]:
    return {key: float(value) for key, _, value in
            (line[len("final "):].partition(": ") for line in stdout.splitlines()
             if line.startswith("final "))}


COLUMNS = {"train_loss": "train_loss", "val_loss": "validation_loss", "test_loss": "test_loss"}


@pytest.mark.parametrize("framework", ["numpy", "pytorch"])
@pytest.mark.parametrize("name", list(CASES))
def test_exact_replays_train_and_stop_like_the_engine(outcomes, name, framework):
    if framework not in FRAMEWORKS:
        pytest.skip("torch is not installed")
    outcome = outcomes[name]
    session, case = outcome.session, outcome.case
    out, rows = script_history(outcome, framework)
    # Every epoch's losses, from the export on (those after the best epoch too).
    assert set(outcome.rows) <= set(rows)
    for epoch, expected in outcome.rows.items():
        if epoch == case.pre_epochs and case.pre_steps:
            continue            # exported mid-epoch: the script's first row is mid-epoch
        for engine_key, script_key in COLUMNS.items():
            if engine_key in expected and math.isfinite(expected[engine_key]):
                assert rows[epoch][script_key] == pytest.approx(
                    expected[engine_key], rel=RTOL, abs=0), (epoch, engine_key)
    # Stopped where and why the engine did, on the weights it kept.
    stop = session.stop_report
    if case.stops is None:
        assert stop is None and max(rows) == case.pre_epochs + case.epochs
    else:
        assert stop is not None and stop.reason == case.stops
        assert max(rows) == stop.epoch
        said = {"early_stopping": "early stopping at epoch", "epoch": "stopped at epoch",
                "loss": "stopped at epoch"}[stop.reason]
        assert re.search(rf"^{said} {stop.epoch}\b", out, re.MULTILINE), out
        assert (f"back to the weights of epoch {stop.best_epoch}" in out) == stop.restored
    got, latest = finals(out), session.history.latest
    assert got["epoch"] == session.epoch
    for engine_key, script_key in COLUMNS.items():
        if engine_key in latest and math.isfinite(latest[engine_key]):
            assert got[script_key.replace("_", " ")] == pytest.approx(
                latest[engine_key], rel=RTOL, abs=0)
    assert ("validation loss" in got) == session.data.has_validation


def test_the_cases_are_what_they_claim(outcomes):
    """Dropout drew masks, early stopping restored an epoch before the stop, the watch was
    mid-way when exported, and the targets met at the export did not fire again."""
    early = outcomes["moons-validation-dropout-early-stopping-restores"]
    stop = early.session.stop_report
    assert stop.watched == "validation" and stop.restored and stop.best_epoch < stop.epoch
    assert early.session.epoch == stop.best_epoch
    numpy_source = early.sources["numpy"]
    assert "WAITED = 1\n" in numpy_source and "BEST_WEIGHTS = [" in numpy_source
    assert "X_VAL = [" in numpy_source and "DROPOUT = 0.2  #" in numpy_source
    kept = outcomes["circles-test-loss-early-stopping-keeps-last"].session.stop_report
    assert kept.watched == "test" and not kept.restored and kept.best_epoch < kept.epoch
    target = outcomes["moons-target-loss-with-dropout"]
    assert '"score": True' in target.sources["numpy"]       # the accuracy target, met already
    for name, outcome in outcomes.items():
        for source in outcome.sources.values():
            assert ("DROPOUT" in source) == bool(outcome.case.dropout), name
            assert ("StopWatch" in source) == bool(outcome.case.early_stopping
                                                   or outcome.case.stop_at), name
            assert max(map(len, source.splitlines())) <= 100
    if HAVE_TORCH:
        torch_source = early.sources["pytorch"]
        assert "kept = rng.random(tuple(A.shape)) >= DROPOUT" in torch_source
        assert "not by nn.Dropout" in torch_source


def test_an_altered_dropout_rate_fails_the_comparison(outcomes):
    """The comparison can fail: the same script with the dropout rate 0.21 disagrees."""
    outcome = outcomes[ALTERED]
    last = max(outcome.rows)
    for framework in FRAMEWORKS:
        _, rows = script_history(outcome, framework + "-altered")
        assert rows[last]["train_loss"] != pytest.approx(outcome.rows[last]["train_loss"],
                                                         rel=1e-6)


def test_dropout_changes_the_engines_training():
    """Without dropout the same session trains to other losses (the masks matter)."""
    case = CASES[ALTERED]
    with_dropout, without = build(case), build(case)
    without.dropout = 0.0
    with_dropout.run(3)
    without.run(3)
    assert with_dropout.history.latest["train_loss"] != pytest.approx(
        without.history.latest["train_loss"], rel=1e-3)


def test_the_exported_numbers_of_the_watch_round_trip(tmp_path):
    """The validation rows and the best weights in the script are the session's, bit for bit."""
    session = build(CASES["moons-validation-dropout-early-stopping-restores"])
    path = tmp_path / "exported_watch.py"
    path.write_text(export_script(session, "numpy", "exact").text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("exported_watch", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    X_val, y_val = module.load_data()["validation"]
    np.testing.assert_array_equal(X_val, session.X_val)
    np.testing.assert_array_equal(y_val, session.data.y_val)
    best = module.load_best_weights(module.load_weights())
    flat = np.concatenate([np.concatenate([p["W"].ravel(), p["b"]]) for p in best])
    np.testing.assert_array_equal(flat, session.stop_watch.best.theta)
    assert module.BEST_EPOCH == session.stop_watch.best.epoch


# ============================================================================ readable scripts
def readable_session(stop_at=None, **settings) -> TrainingSession:
    """Moons with a validation share, 2-8-6-1, Adam on mini-batches, trained two epochs
    (then given the stop rules ``stop_at``)."""
    net = Network([2, 8, 6, 1], activations=["tanh", "relu", "sigmoid"], seed=1)
    session = TrainingSession(net, datasets.load("moons", **MOONS_VAL), optimizer="adam",
                              learning_rate=0.05, batch_size=10, seed=2, **settings)
    session.run(2)
    session.stop_at = stop_at
    return session


READABLE = {
    "dropout-validation-early-stopping": {"dropout": 0.2, "early_stopping": {"patience": 4}},
    "stop-at-epoch-target-met-already": {"stop_at": {"epoch": 7, "metric": 0.5}},
}


@pytest.fixture(scope="module")
def readable(tmp_path_factory):
    """{(case, framework): (script text, CompletedProcess-like (code, out, err))}."""
    tmp = tmp_path_factory.mktemp("readable_practice")
    jobs = {f: [] for f in FRAMEWORKS}
    texts = {}
    for name, settings in READABLE.items():
        session = readable_session(**settings)
        for framework in FRAMEWORKS:
            script = export_script(session, framework, "readable", name=f"{name}_{framework}")
            path = script.write(tmp / f"{script.name}.py")[0]
            texts[(name, framework)] = script.text
            jobs[framework].append(((name, framework), [str(path), "--epochs", "60"]))
    out = {}
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {f: pool.submit(run_batch, [argv for _, argv in jobs[f]]) for f in FRAMEWORKS}
        for framework, future in futures.items():
            for (key, _), result in zip(jobs[framework], future.result()):
                out[key] = (texts[key], result)
    return out


@pytest.mark.parametrize("framework", ["numpy", "pytorch"])
def test_readable_scripts_drop_units_watch_the_validation_loss_and_restore_the_best(
        readable, framework):
    if framework not in FRAMEWORKS:
        pytest.skip("torch is not installed")
    text, (code, out, err) = readable[("dropout-validation-early-stopping", framework)]
    assert code == 0 and err == "", err
    idioms = {"pytorch": ["nn.Dropout(0.2),", "model.train()", "model.eval()",
                          "X_val = torch.tensor(", "loss_of(X_val, y_val)"],
              "numpy": ["DROPOUT = 0.2", "def backward(A, Y):", "masks[i - 1]",
                        "X_val = np.array(", "loss_of(X_val, Y_val)"]}[framework]
    for idiom in idioms + ["PATIENCE, MIN_DELTA, RESTORE_BEST = 4, 0.0, True"]:
        assert idiom in text, idiom
    assert text.count("Dropout(0.2)") == (2 if framework == "pytorch" else 0)  # hidden only
    # It stopped early and the weights of its lowest validation loss came back: the
    # validation loss measured at the end is that lowest one (dropout off to measure).
    stopped = re.search(r"^early stopping at epoch (\d+): the lowest loss, (\S+), was at "
                        r"epoch (\d+)$", out, re.MULTILINE)
    assert stopped, out
    assert int(stopped.group(3)) < int(stopped.group(1)) < 60
    final = re.search(r"^validation: loss (\S+),", out, re.MULTILINE)
    assert final and final.group(1) == stopped.group(2)


@pytest.mark.parametrize("framework", ["numpy", "pytorch"])
def test_readable_scripts_follow_the_stop_rules_from_the_export(readable, framework):
    """The epoch rule counts from the export (epoch 7 is 5 epochs on from epoch 2); the
    accuracy target, met when exported, is left out as the app would not stop for it again."""
    if framework not in FRAMEWORKS:
        pytest.skip("torch is not installed")
    text, (code, out, err) = readable[("stop-at-epoch-target-met-already", framework)]
    assert code == 0 and err == "", err
    assert "STOP_EPOCH = 5  # stop after this many epochs (Backprop Lab's epoch 7)" in text
    assert "TARGET_SCORE" not in text
    assert "stopped at epoch 5, as the stop rule says" in out
    assert "epoch 6:" not in out
    for absent in ("Dropout", "DROPOUT", "EarlyStopping", "model.train()"):
        assert absent not in text, absent


def test_readable_scripts_without_these_settings_do_not_mention_them():
    session = TrainingSession(Network([2, 4, 1], hidden="tanh", seed=0), datasets.load("xor"))
    for framework in ("numpy", "pytorch"):
        text = export_script(session, framework, "readable").text
        for absent in ("ropout", "EarlyStopping", "stop_rule", "PATIENCE", "STOP_EPOCH",
                       "X_val", "model.train()", "model.eval()", "masks"):
            assert absent not in text, (framework, absent)


def test_the_numpy_templates_dropout_backward_pass_is_the_engines(monkeypatch):
    """The readable NumPy template's forward pass with dropout draws the engine's masks from
    the same generator, and its backward pass gives the engine's gradients."""
    from backprop_lab.engine.export.templates import numpy_mlp as template
    from backprop_lab.engine.nn import dropout as dropout_math
    from backprop_lab.engine.nn.losses import get_loss
    net = Network([2, 5, 4, 1], activations=["tanh", "sigmoid", "sigmoid"], seed=3)
    data = datasets.load("moons", n_samples=30, seed=2)
    X, Y = data.X_train, data.y_train.reshape(-1, 1).astype(float)
    monkeypatch.setattr(template, "layers", [[lay.W.copy(), lay.b.copy()] for lay in net.layers])
    monkeypatch.setattr(template, "activations", [(np.tanh, template.tanh_grad),
                                                  (template.sigmoid, template.sigmoid_grad),
                                                  (template.sigmoid, None)])
    monkeypatch.setattr(template, "DROPOUT", 0.3)
    monkeypatch.setattr(template, "L2", 0.01)
    A, _ = template.forward(X, np.random.default_rng(5))
    grads = template.backward(A, Y)
    plain = net.gradients(X, data.y_train, "bce", l2=0.01)
    dropout_math.train_pass(net, X, Y, get_loss("bce"), 0.3, np.random.default_rng(5), l2=0.01)
    assert not np.allclose(plain[0]["W"], net.layers[0].dW)      # the masks changed it ...
    for (dW, db), layer in zip(zip(grads[::2], grads[1::2]), net.layers):
        np.testing.assert_allclose(dW, layer.dW, rtol=1e-12, atol=1e-15)   # ... as here
        np.testing.assert_allclose(db, layer.db, rtol=1e-12, atol=1e-15)


def test_scripts_with_these_settings_have_no_lint_findings(tmp_path):
    """ruff (pycodestyle, pyflakes) finds nothing in every kind of script of a session with
    dropout, early stopping and stop rules, nor of one with stop rules alone."""
    pytest.importorskip("ruff", reason="ruff is a test extra: pip install -e '.[test]'")
    sessions = [build(CASES["moons-validation-dropout-early-stopping-restores"]),
                build(CASES["moons-stop-at-epoch"]),
                readable_session(stop_at={"epoch": 7, "loss": 0.1, "metric": 0.99})]
    paths = []
    for i, session in enumerate(sessions):
        for framework in ("numpy", "pytorch"):
            for style in ("readable", "exact"):
                script = export_script(session, framework, style, name=f"p{i}_{framework}_{style}")
                paths.append(script.write(tmp_path / f"{script.name}.py")[0])
    proc = subprocess.run([sys.executable, "-m", "ruff", "check", "--isolated", "--no-cache",
                           "--select", "E,F,W", "--line-length", "100", *map(str, paths)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
