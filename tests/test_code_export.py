"""backprop_lab.engine.export: the exact-replay NumPy and PyTorch scripts train on exactly like the engine.

Each case builds a session, trains it a little (so the optimizer's running state and the
shuffler are mid-stream, sometimes mid-epoch), exports both scripts, runs them in subprocesses
with ``python -W error script --epochs N`` and compares their ``final …`` lines with what the
engine's own ``session.run(N)`` records in its history.  The subprocesses all start at once (a
few at a time) in one module-scoped fixture, while the engine trains in this process.
"""
from __future__ import annotations

import ast
import contextlib
import importlib.util
import io
import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

from backprop_lab.engine import Network, TrainingSession, datasets
from backprop_lab.engine.export import export_script, numpy_script, pytorch_script
from backprop_lab.engine.export.replay import MAX_LITERAL_NUMBERS

HAVE_TORCH = importlib.util.find_spec("torch") is not None
RTOL = {"numpy": 1e-9, "torch": 1e-7}


@dataclass
class Case:
    dataset: str
    sizes: list
    activations: list
    optimizer: str
    lr: float
    loss: str | None = None
    batch_size: int | None = None
    l1: float = 0.0
    l2: float = 0.0
    data_kw: dict = field(default_factory=dict)
    pre_epochs: int = 3          # trained before the export
    pre_steps: int = 0           # then this many single steps (mid-epoch export)
    peek: bool = False           # then draw the next batch without stepping
    epochs: int = 8              # trained after the export, by the script and by the engine
    dtype: str = "float64"
    seed: int = 2
    clip_norm: float | None = None
    schedule: dict | None = None
    nesterov: bool = False


CASES = {
    "xor-full-batch-sgd": Case(
        "xor", [2, 4, 1], ["tanh", "sigmoid"], "sgd", 0.5, pre_epochs=5, epochs=20),
    "circles-batch10-momentum-l2": Case(
        "circles", [2, 6, 4, 1], ["relu", "leaky_relu", "sigmoid"], "momentum", 0.1,
        batch_size=10, l2=0.01, data_kw={"n_samples": 80, "seed": 1}),
    "spiral3-softmax-rmsprop-l1": Case(
        "spiral", [2, 8, 3], ["sigmoid", "softmax"], "rmsprop", 0.01, batch_size=16, l1=0.001,
        data_kw={"n_samples": 90, "n_classes": 3, "seed": 4}),
    "paraboloid-mse-adam-l1-l2": Case(
        "paraboloid", [2, 6, 5, 1], ["identity", "tanh", "identity"], "adam", 0.02,
        batch_size=20, l1=0.0005, l2=0.002, data_kw={"n_samples": 80, "seed": 5}),
    "moons-mse-sigmoid-output-adam": Case(
        "moons", [2, 5, 1], ["tanh", "sigmoid"], "adam", 0.05, loss="mse",
        data_kw={"n_samples": 60, "seed": 6}),
    "circles-features-softmax2-sgd-partial-batches": Case(
        "circles", [4, 4, 2], ["relu", "softmax"], "sgd", 0.2, loss="cross_entropy",
        batch_size=7, pre_epochs=2,
        data_kw={"n_samples": 50, "seed": 7, "features": ("x1", "x2", "x1^2", "sin(x2)")}),
    "plane-fresh-momentum-tanh-output": Case(
        "plane", [2, 3, 1], ["leaky_relu", "tanh"], "momentum", 0.05, batch_size=8,
        data_kw={"n_samples": 40, "seed": 8}, pre_epochs=0),
    "xor-clouds-mid-epoch-adam": Case(
        "xor_clouds", [2, 5, 3, 1], ["relu", "sigmoid", "sigmoid"], "adam", 0.01,
        batch_size=10, l2=0.001, data_kw={"n_samples": 70, "seed": 9}, pre_epochs=2,
        pre_steps=3),
    "moons-mid-epoch-rmsprop": Case(
        "moons", [2, 4, 1], ["identity", "sigmoid"], "rmsprop", 0.02, batch_size=6,
        data_kw={"n_samples": 40, "seed": 10}, pre_epochs=1, pre_steps=2),
    "gaussians-order-drawn-no-step": Case(
        "gaussians", [2, 4, 4], ["tanh", "softmax"], "momentum", 0.1, batch_size=9,
        data_kw={"n_samples": 60, "n_classes": 4, "seed": 11}, pre_epochs=2, peek=True),
    "circles-large-data-npz": Case(
        "circles", [2, 8, 1], ["relu", "sigmoid"], "adam", 0.01, batch_size=2000,
        data_kw={"n_samples": 12_000, "seed": 12}, pre_epochs=1, pre_steps=1, epochs=3),
    "spiral3-wide-network-weights-npz": Case(
        "spiral", [2, 160, 140, 3], ["tanh", "relu", "softmax"], "adam", 0.005, batch_size=30,
        l2=0.001, data_kw={"n_samples": 90, "n_classes": 3, "seed": 4}, pre_epochs=2,
        pre_steps=1, epochs=4),
    "paraboloid-diverges": Case(
        "paraboloid", [2, 8, 1], ["identity", "identity"], "sgd", 2.0,
        data_kw={"n_samples": 40, "seed": 13}, pre_epochs=1, epochs=30),
    "paraboloid-momentum-diverges-after-healthy-epochs": Case(
        "paraboloid", [2, 8, 1], ["identity", "identity"], "momentum", 0.7, batch_size=10,
        data_kw={"n_samples": 40, "seed": 13}, pre_epochs=2, epochs=30),
    "paraboloid-momentum-exported-unhealthy-diverges": Case(
        "paraboloid", [2, 8, 1], ["identity", "identity"], "momentum", 0.7, batch_size=10,
        data_kw={"n_samples": 40, "seed": 13}, pre_epochs=5, epochs=30),
    "moons-float32-adam": Case(
        "moons", [2, 5, 1], ["tanh", "sigmoid"], "adam", 0.05, batch_size=10,
        data_kw={"n_samples": 60, "seed": 14}, dtype="float32", epochs=5),
    "moons-nesterov-clipped-step-schedule-mid-epoch": Case(
        "moons", [2, 5, 1], ["tanh", "sigmoid"], "momentum", 0.1, batch_size=10, nesterov=True,
        clip_norm=0.05, schedule={"name": "step", "step_size": 2, "gamma": 0.5},
        data_kw={"n_samples": 60, "seed": 6}, pre_epochs=3, pre_steps=2),
    "circles-momentum-exponential-schedule": Case(
        "circles", [2, 6, 1], ["relu", "sigmoid"], "momentum", 0.1, batch_size=16,
        schedule={"name": "exponential", "gamma": 0.8}, data_kw={"n_samples": 60, "seed": 1}),
    "spiral3-clipped-adam-cosine-past-its-end": Case(
        "spiral", [2, 8, 3], ["tanh", "softmax"], "adam", 0.02, batch_size=20, clip_norm=0.2,
        schedule={"name": "cosine", "epochs": 6}, data_kw={"n_samples": 60, "n_classes": 3,
                                                           "seed": 4}, epochs=10),
}
#: The float32 case: a float32 run agrees to float32 precision only.
RTOL_FLOAT32 = 1e-5
#: The case whose exported learning rate is altered (the comparison must then fail).
ALTERED = "circles-batch10-momentum-l2"


def build(case: Case) -> TrainingSession:
    data = datasets.load(case.dataset, **case.data_kw)
    net = Network(case.sizes, activations=case.activations, seed=1, dtype=case.dtype)
    session = TrainingSession(net, data, loss=case.loss, optimizer=case.optimizer,
                              learning_rate=case.lr, batch_size=case.batch_size,
                              l1=case.l1, l2=case.l2, seed=case.seed, clip_norm=case.clip_norm,
                              schedule=case.schedule,
                              optimizer_settings={"nesterov": True} if case.nesterov else None)
    session.run(case.pre_epochs)
    for _ in range(case.pre_steps):
        session.step()
    if case.peek:
        session.next_batch()
    return session


def parse(stdout: str) -> dict[str, float]:
    out = {}
    for line in stdout.splitlines():
        if line.startswith("final "):
            key, _, value = line[len("final "):].partition(": ")
            out[key] = float(value)
    return out


ENV = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")

#: Runs several exported scripts in one interpreter, each as ``__main__`` with its own argv
#: and captured output, so that ``import torch`` (2 s) is paid once per batch, not per script.
DRIVER = """
import contextlib, io, json, runpy, sys, traceback
results = []
for path, epochs in json.loads(sys.argv[1]):
    sys.argv = [path, "--epochs", str(epochs)]
    out, err, code = io.StringIO(), io.StringIO(), 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            runpy.run_path(path, run_name="__main__")
    except SystemExit as exit:
        code = exit.code if isinstance(exit.code, int) else 1
    except BaseException:
        code = 1
        err.write(traceback.format_exc())
    results.append([code, out.getvalue(), err.getvalue()])
print(json.dumps(results))
"""


def run_script(path, epochs: int) -> subprocess.CompletedProcess:
    """One exported script, standalone: ``python -W error script --epochs N``."""
    return subprocess.run([sys.executable, "-W", "error", str(path), "--epochs", str(epochs)],
                          capture_output=True, text=True, timeout=300, env=ENV)


def run_batch(jobs) -> list[subprocess.CompletedProcess]:
    """Several exported scripts (path, epochs) in one ``python -W error`` process."""
    spec = json.dumps([[str(path), epochs] for path, epochs in jobs])
    proc = subprocess.run([sys.executable, "-W", "error", "-c", DRIVER, spec],
                          capture_output=True, text=True, timeout=300, env=ENV)
    assert proc.returncode == 0, proc.stderr
    return [subprocess.CompletedProcess(str(path), code, out, err)
            for (path, _), (code, out, err) in zip(jobs, json.loads(proc.stdout))]


@dataclass
class Outcome:
    case: Case
    session: TrainingSession
    sources: dict
    expected: dict = field(default_factory=dict)
    results: dict = field(default_factory=dict)      # flavour -> CompletedProcess


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("code_export")
    flavours = {"numpy": numpy_script}
    if HAVE_TORCH:
        flavours["torch"] = pytorch_script
    jobs, table = [], {}
    for name, case in CASES.items():
        session = build(case)
        sources = {f: export(session) for f, export in flavours.items()}
        table[name] = Outcome(case, session, sources)
        for flavour, source in sources.items():
            path = tmp / f"{name}-{flavour}.py"
            path.write_text(source, encoding="utf-8")
            jobs.append(((name, flavour), path, case.epochs))
            if name == ALTERED:
                lr = repr(session.learning_rate)
                altered = source.replace(f"LEARNING_RATE = {lr}\n",
                                         f"LEARNING_RATE = {session.learning_rate * 1.001!r}\n")
                assert altered != source
                path = tmp / f"{name}-{flavour}-altered.py"
                path.write_text(altered, encoding="utf-8")
                jobs.append(((name, flavour + "-altered"), path, case.epochs))
    # The altered case runs as real standalone scripts; the others in a few batches.
    alone = [job for job in jobs if job[0][0] == ALTERED]
    batches = [[job for job in jobs if job[0][1] == "numpy" and job not in alone]]
    torch_jobs = [job for job in jobs if job[0][1] == "torch" and job not in alone]
    batches += [torch_jobs[i::2] for i in range(2) if torch_jobs[i::2]]
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(run_batch, [(path, epochs) for _, path, epochs in batch])
                   for batch in batches]
        singles = {key: pool.submit(run_script, path, epochs) for key, path, epochs in alone}
        for outcome in table.values():            # the engine trains meanwhile
            session = outcome.session
            session.run(outcome.case.epochs)
            outcome.expected = dict(session.history.latest)
            outcome.expected["penalty"] = session.network.penalty(session.l1, session.l2)
            outcome.expected["diverged"] = session.diverged
        for batch, future in zip(batches, futures):
            for ((name, flavour), _, _), proc in zip(batch, future.result()):
                table[name].results[flavour] = proc
        for (name, flavour), future in singles.items():
            table[name].results[flavour] = future.result()
    return table


def finals(outcome: Outcome, flavour: str) -> dict[str, float]:
    proc = outcome.results[flavour]
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    return parse(proc.stdout)


def assert_matches(outcome: Outcome, flavour: str) -> None:
    case, expected = outcome.case, outcome.expected
    got = finals(outcome, flavour)
    rtol = RTOL_FLOAT32 if case.dtype == "float32" else RTOL[flavour]
    metric = outcome.session.metric
    assert got["epoch"] == expected["epoch"]
    assert got["train loss"] == pytest.approx(expected["train_loss"], rel=rtol, abs=0)
    assert got[f"train {metric}"] == pytest.approx(expected[f"train_{metric}"], rel=rtol,
                                                   abs=1e-12)
    if outcome.session.l1 or outcome.session.l2:
        assert got["train penalty"] == pytest.approx(expected["penalty"], rel=rtol, abs=0)
    else:
        assert "train penalty" not in got
    if np.isfinite(expected["test_loss"]):
        assert got["test loss"] == pytest.approx(expected["test_loss"], rel=rtol, abs=0)
        assert got[f"test {metric}"] == pytest.approx(expected[f"test_{metric}"], rel=rtol,
                                                      abs=1e-12)
    else:
        assert "test loss" not in got


# ---------------------------------------------------------------------------- the matrix
@pytest.mark.parametrize("name", list(CASES))
def test_numpy_script_trains_like_the_engine(outcomes, name):
    assert_matches(outcomes[name], "numpy")


@pytest.mark.parametrize("name", list(CASES))
def test_pytorch_script_trains_like_the_engine(outcomes, name):
    if not HAVE_TORCH:
        pytest.skip("torch is not installed")
    assert_matches(outcomes[name], "torch")


def test_the_matrix_covers_every_activation_optimizer_and_loss():
    from backprop_lab.engine import ACTIVATIONS, HIDDEN_ACTIVATIONS, LOSSES, OPTIMIZERS
    from backprop_lab.engine.nn.activations import FORWARD_ONLY_ACTIVATIONS
    hidden = {a for case in CASES.values() for a in case.activations[:-1]}
    outputs = {case.activations[-1] for case in CASES.values()}
    assert hidden == set(HIDDEN_ACTIVATIONS)
    assert hidden | outputs == set(ACTIVATIONS) - set(FORWARD_ONLY_ACTIVATIONS)  # not trainable
    assert {case.optimizer for case in CASES.values()} == set(OPTIMIZERS)
    from backprop_lab.engine.training.schedules import SCHEDULES
    assert {(case.schedule or {"name": "constant"})["name"] for case in CASES.values()} \
        == set(SCHEDULES)
    assert any(case.nesterov for case in CASES.values())
    assert any(case.clip_norm for case in CASES.values())
    losses = {case.loss or datasets.load(case.dataset, **case.data_kw).default_loss
              for case in CASES.values()}
    assert losses == set(LOSSES)


def test_the_cases_export_what_they_are_meant_to(outcomes):
    """Mid-epoch exports carry an order and a cursor; the large one embeds an .npz; the
    diverging one diverges (in the engine too)."""
    mid = outcomes["xor-clouds-mid-epoch-adam"].sources["numpy"]
    assert "CURSOR = 3\n" in mid and "ORDER = [" in mid
    peek = outcomes["gaussians-order-drawn-no-step"].sources["numpy"]
    assert "CURSOR = 0\n" in peek and "ORDER = [" in peek
    assert "ORDER = None\n" in outcomes["circles-batch10-momentum-l2"].sources["numpy"]
    large = outcomes["circles-large-data-npz"].sources["numpy"]
    assert "DATA_NPZ = (" in large and "X_TRAIN" not in large
    wide = outcomes["spiral3-wide-network-weights-npz"].sources["numpy"]
    assert "WEIGHTS_NPZ = (" in wide and "'m': True" in wide and "X_TRAIN = [" in wide
    assert '"v": None,\n' in outcomes["plane-fresh-momentum-tanh-output"].sources["numpy"]
    for outcome in outcomes.values():
        for source in outcome.sources.values():
            assert max(map(len, source.splitlines())) <= 100
    diverging = [name for name in CASES if "diverges" in name]
    for name in diverging:
        outcome = outcomes[name]
        assert outcome.expected["diverged"]
        assert outcome.session.divergence.kind == "loss"      # above RISE x the reference
        for result in outcome.results.values():
            assert "training diverged" in result.stdout
    # Exported when its latest healthy weights were not the current ones: it writes them, ...
    for name in diverging[1:]:
        assert "HEALTHY_WEIGHTS = [" in outcomes[name].sources["numpy"]
    # ... and goes back to weights it found healthy itself (past an unhealthy epoch), ...
    later = outcomes["paraboloid-momentum-diverges-after-healthy-epochs"]
    assert 2 < later.expected["epoch"] < later.session.divergence.epoch - 1
    # ... or to those it was exported with, from before the epoch it was exported at.
    unhealthy = outcomes["paraboloid-momentum-exported-unhealthy-diverges"]
    assert unhealthy.expected["epoch"] < unhealthy.case.pre_epochs
    # Clipping clipped, the schedules moved the learning rate, Nesterov was on.
    for outcome in outcomes.values():
        session = outcome.session
        if outcome.case.clip_norm:
            assert session.last_clip[1] < 1.0
        if outcome.case.schedule:
            assert session.current_learning_rate < session.learning_rate
    nesterov = outcomes["moons-nesterov-clipped-step-schedule-mid-epoch"].sources
    assert "NESTEROV = True\n" in nesterov.get("torch", "NESTEROV = True\n")
    assert "theta <- theta - lr * (g + BETA * v)" in nesterov["numpy"]


def test_an_altered_learning_rate_fails_the_comparison(outcomes):
    """The comparison can fail: the same script with the learning rate × 1.001 disagrees."""
    outcome = outcomes[ALTERED]
    flavours = ["numpy"] + (["torch"] if HAVE_TORCH else [])
    for flavour in flavours:
        assert_matches(outcome, flavour)
        altered = finals(outcome, flavour + "-altered")
        with pytest.raises(AssertionError):
            assert altered["train loss"] == pytest.approx(
                outcome.expected["train_loss"], rel=RTOL[flavour], abs=0)


def test_a_network_with_a_step_unit_is_refused():
    """A step unit has no gradient: no kind of script can train it."""
    net = Network([2, 2, 1], activations=["step", "sigmoid"], seed=0)
    session = TrainingSession(net, datasets.load("xor"))
    for framework in ("numpy", "pytorch"):
        for style in ("readable", "exact"):
            with pytest.raises(ValueError, match="step unit cannot be trained"):
                export_script(session, framework, style)


# ---------------------------------------------------------------------------- the text
def load_module(source: str, tmp_path, name: str):
    path = tmp_path / f"{name}.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        spec.loader.exec_module(module)
    assert printed.getvalue() == ""                 # importing runs nothing
    return module


@pytest.mark.parametrize("export", [numpy_script, pytorch_script])
def test_scripts_are_standalone_deterministic_and_only_define_things(export):
    session = build(CASES["xor-clouds-mid-epoch-adam"])
    theta = session.network.theta.copy()
    rng_state = session.batches.rng.bit_generator.state
    source = export(session)
    assert export(session) == source                # no date or other varying text
    np.testing.assert_array_equal(session.network.theta, theta)   # the session is untouched
    assert session.batches.rng.bit_generator.state == rng_state
    tree = ast.parse(source)
    assert ast.get_docstring(tree).startswith("Backprop Lab export")
    allowed = {"argparse", "math", "base64", "io", "numpy", "torch", "torch.nn",
               "torch.nn.functional"}
    for node in tree.body[1:]:
        if isinstance(node, ast.Import):
            assert {a.name for a in node.names} <= allowed
        elif isinstance(node, ast.ImportFrom):
            assert node.module in allowed
        elif isinstance(node, ast.If):
            assert ast.unparse(node.test) == "__name__ == '__main__'"
        else:
            assert isinstance(node, (ast.Assign, ast.FunctionDef, ast.ClassDef)), \
                ast.unparse(node)[:80]
    imported = {(a.asname or a.name).split(".")[0] for node in tree.body
                if isinstance(node, (ast.Import, ast.ImportFrom)) for a in node.names}
    used = {n.id for n in ast.walk(tree)
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    assert imported - {"annotations"} <= used
    long = [line for line in source.splitlines() if len(line) > 100]
    assert not long, long[:3]
    docstring = ast.get_docstring(tree)
    for text in ("2-5-3-1", "adam", "bce", "epoch 2", "3 of 5 steps into epoch 3",
                 "(L2 / 2) * sum W^2 with L2 = 0.001"):
        assert text in docstring, text


def test_numbers_round_trip_exactly(tmp_path):
    """The embedded weights, optimizer state, data and shuffler are the session's, bit for bit."""
    session = build(CASES["paraboloid-mse-adam-l1-l2"])
    module = load_module(numpy_script(session), tmp_path, "exported_paraboloid")
    params = module.load_weights()
    for layer, p in zip(session.network.layers, params):
        np.testing.assert_array_equal(p["W"], layer.W)
        np.testing.assert_array_equal(p["b"], layer.b)
    state = module.load_optimizer_state(params)
    opt = session.optimizer
    assert state["t"] == opt.t
    for name in ("m", "v"):
        flat = np.concatenate([np.concatenate([s["W"].ravel(), s["b"]]) for s in state[name]])
        np.testing.assert_array_equal(flat, getattr(opt, name))
    X_train, y_train, X_test, y_test = module.load_data()
    np.testing.assert_array_equal(X_train, session.data.X_train)
    np.testing.assert_array_equal(y_train, session.data.y_train)
    np.testing.assert_array_equal(X_test, session.data.X_test)
    np.testing.assert_array_equal(y_test, session.data.y_test)
    batches = module.Batches(len(X_train))
    assert batches.rng.bit_generator.state == session.batches.rng.bit_generator.state


@pytest.mark.parametrize("name", ["paraboloid-momentum-exported-unhealthy-diverges",
                                  "spiral3-wide-network-weights-npz"])
def test_the_healthy_weights_round_trip_exactly(tmp_path, name):
    """The weights a diverging script goes back to are the session's latest healthy ones
    (written out when they are not the current ones: as literals, or in the .npz)."""
    session = build(CASES[name])
    module = load_module(numpy_script(session), tmp_path, "exported_healthy")
    params = module.load_weights()
    healthy = module.load_healthy_weights(params)
    flat = np.concatenate([np.concatenate([p["W"].ravel(), p["b"]]) for p in healthy])
    np.testing.assert_array_equal(flat, session.watch.healthy_theta)
    assert not np.array_equal(flat, session.network.theta)
    assert module.HEALTHY_EPOCH == session.watch.healthy_epoch


def test_large_data_round_trips_through_the_npz(outcomes, tmp_path):
    outcome = outcomes["circles-large-data-npz"]
    session = outcome.session
    data = session.data
    assert data.X_train.size + data.y_train.size + data.X_test.size + data.y_test.size \
        > MAX_LITERAL_NUMBERS
    source = numpy_script(build(outcome.case))
    module = load_module(source, tmp_path, "exported_large")
    for got, want in zip(module.load_data(), (data.X_train, data.y_train, data.X_test,
                                              data.y_test)):
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)


# ============================================================================ readable scripts
# Full batch from a fresh optimizer, so the app and the scripts take the same steps; the
# PyTorch script runs in float32, the NumPy one in float64 but prints six digits.
READABLE = {
    "xor-tanh-bce-adam": Case("xor", [2, 4, 1], ["tanh", "sigmoid"], "adam", 0.05,
                              pre_epochs=0, epochs=30),
    "spiral-relu-softmax-momentum-l2": Case(
        "spiral", [2, 8, 3], ["relu", "softmax"], "momentum", 0.3, l2=0.001, pre_epochs=0,
        data_kw={"n_samples": 60, "n_classes": 3, "seed": 4}, epochs=30),
    "paraboloid-leaky-mse-rmsprop-l1": Case(
        "paraboloid", [2, 6, 1], ["leaky_relu", "identity"], "rmsprop", 0.01, l1=0.001,
        pre_epochs=0, data_kw={"n_samples": 40, "seed": 5}, epochs=30),
    "moons-mse-sigmoid-output-sgd": Case(
        "moons", [2, 5, 1], ["tanh", "sigmoid"], "sgd", 0.5, loss="mse", pre_epochs=0,
        data_kw={"n_samples": 40, "seed": 6}, epochs=30),
    "circles-beside-the-script": Case(
        "circles", [2, 8, 1], ["relu", "sigmoid"], "sgd", 0.3, pre_epochs=0,
        data_kw={"n_samples": 300, "seed": 12}, epochs=30),
    "xor-nesterov-step-schedule": Case(
        "xor", [2, 4, 1], ["tanh", "sigmoid"], "momentum", 0.2, nesterov=True, pre_epochs=0,
        schedule={"name": "step", "step_size": 10, "gamma": 0.5}, epochs=30),
    "moons-clipped-sgd-exponential-schedule": Case(
        "moons", [2, 5, 1], ["tanh", "sigmoid"], "sgd", 1.0, clip_norm=0.1, pre_epochs=0,
        schedule={"name": "exponential", "gamma": 0.95}, data_kw={"n_samples": 40, "seed": 6},
        epochs=30),
    "spiral-adam-cosine-past-its-end": Case(
        "spiral", [2, 8, 3], ["tanh", "softmax"], "adam", 0.05, pre_epochs=0,
        schedule={"name": "cosine", "epochs": 20}, data_kw={"n_samples": 60, "n_classes": 3,
                                                            "seed": 4}, epochs=30),
}
#: Mini-batches: the scripts draw their own order, so these only have to run and learn.
READABLE_MINI_BATCH = "spiral-relu-softmax-momentum-l2"
#: The scripts print six digits (5e-6); float32 drifts ~1e-6 over these runs.
READABLE_RTOL = 5e-5


def readable_loss(stdout: str, epoch: int) -> float:
    """The train loss a readable script printed after ``epoch``."""
    for line in stdout.splitlines():
        match = re.match(r"epoch (\d+): train loss ([^,\s]+)", line)
        if match and int(match.group(1)) == epoch:
            return float(match.group(2))
    raise AssertionError(f"no train loss for epoch {epoch} in:\n{stdout}")


@pytest.fixture(scope="module")
def readable(tmp_path_factory):
    """{(case, framework): (session trained N epochs, loss at epoch 0, CompletedProcess)}."""
    tmp = tmp_path_factory.mktemp("readable")
    frameworks = ["numpy"] + (["pytorch"] if HAVE_TORCH else [])
    jobs, sessions = [], {}
    for name, case in READABLE.items():
        session = build(case)
        for framework in frameworks:
            script = export_script(session, framework, "readable", name=f"{name}-{framework}")
            jobs.append(((name, framework), script.write(tmp / f"{script.name}.py")[0],
                         case.epochs))
            if name == READABLE_MINI_BATCH:
                session.batch_size = 16
                mini = export_script(session, framework, "readable", name=f"{name}-mini")
                session.batch_size = None
                jobs.append(((name + "-mini", framework),
                             mini.write(tmp / f"{mini.name}-{framework}.py")[0], case.epochs))
        sessions[name] = session
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(run_batch, [(path, epochs) for _, path, epochs in jobs
                                           if _[1] == framework]) for framework in frameworks]
        out = {}
        for name, session in sessions.items():
            start = session.history.latest["train_loss"]
            session.run(READABLE[name].epochs)
            out[name] = (session, start)
        results = {}
        for framework, future in zip(frameworks, futures):
            keys = [key for key, _, _ in jobs if key[1] == framework]
            results.update(zip(keys, future.result()))
    return out, results


@pytest.mark.parametrize("framework", ["numpy", "pytorch"])
@pytest.mark.parametrize("name", list(READABLE))
def test_readable_scripts_train_like_the_app(readable, name, framework):
    if framework == "pytorch" and not HAVE_TORCH:
        pytest.skip("torch is not installed")
    sessions, results = readable
    session, start = sessions[name]
    proc = results[(name, framework)]
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    expected = session.history.latest["train_loss"]
    assert abs(expected - start) > 0.01 * start        # training moved: the comparison means something
    got = readable_loss(proc.stdout, READABLE[name].epochs)
    assert got == pytest.approx(expected, rel=READABLE_RTOL)
    if READABLE[name].clip_norm:
        assert session.last_clip[1] < 1.0                   # clipping made a difference


@pytest.mark.parametrize("framework", ["numpy", "pytorch"])
def test_readable_scripts_run_mini_batches(readable, framework):
    if framework == "pytorch" and not HAVE_TORCH:
        pytest.skip("torch is not installed")
    (_session, start), results = readable[0][READABLE_MINI_BATCH], readable[1]
    proc = results[(READABLE_MINI_BATCH + "-mini", framework)]
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    assert readable_loss(proc.stdout, READABLE[READABLE_MINI_BATCH].epochs) < 0.9 * start
    assert "test: loss" in proc.stdout


def test_large_readable_exports_read_their_numbers_from_beside_the_script():
    session = build(READABLE["circles-beside-the-script"])
    for framework in ("numpy", "pytorch"):
        script = export_script(session, framework, "readable", name="circles")
        assert list(script.files) == ["circles.npz"]
        assert 'ARRAYS = "circles.npz"' in script.text
    small = export_script(build(READABLE["xor-tanh-bce-adam"]), "pytorch", name="xor")
    assert small.files == {} and "load(" not in small.text


def test_the_readable_pytorch_script_for_xor_is_short_idiomatic_and_quoted_in_the_readme():
    """Lesson 4's network (XOR, 2-4-1 tanh, Adam) before training: the README quotes its
    readable PyTorch script in full (after a change to the templates, paste the new text)."""
    net = Network([2, 4, 1], hidden="tanh", output="sigmoid", init="small", seed=0)
    session = TrainingSession(net, datasets.load("xor"), loss="bce", optimizer="adam",
                              learning_rate=0.05)
    text = export_script(session, "pytorch", "readable", name="xor_pytorch").text
    assert len(text.splitlines()) <= 80
    for idiom in ("nn.Sequential(", "DataLoader(", "nn.BCEWithLogitsLoss()",
                  "model.load_state_dict(weights)", "torch.save(model.state_dict()"):
        assert idiom in text
    assert "float64" not in text and "def forward" not in text
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert "```python\n" + text + "```\n" in readme


# ---------------------------------------------------------------------------- lint
def test_generated_scripts_and_templates_have_no_lint_findings(tmp_path):
    """ruff (pycodestyle errors and warnings, pyflakes) finds nothing in a script of each
    kind and framework, inline and with its numbers beside it or embedded, nor in the
    templates themselves."""
    pytest.importorskip("ruff", reason="ruff is a test extra: pip install -e '.[test]'")
    sessions = [build(READABLE["xor-tanh-bce-adam"]),
                build(READABLE["paraboloid-leaky-mse-rmsprop-l1"]),
                build(READABLE["circles-beside-the-script"]),
                build(CASES["circles-batch10-momentum-l2"]),
                build(CASES["spiral3-wide-network-weights-npz"]),
                build(CASES["moons-nesterov-clipped-step-schedule-mid-epoch"]),
                build(CASES["circles-momentum-exponential-schedule"]),
                build(CASES["spiral3-clipped-adam-cosine-past-its-end"])]
    paths = []
    for i, session in enumerate(sessions):
        for framework in ("numpy", "pytorch"):
            for style in ("readable", "exact"):
                script = export_script(session, framework, style, name=f"s{i}_{framework}_{style}")
                paths.append(script.write(tmp_path / f"{script.name}.py")[0])
    templates = Path(export_script.__code__.co_filename).parent / "templates"
    paths += sorted(templates.glob("*.py"))
    proc = subprocess.run([sys.executable, "-m", "ruff", "check", "--isolated", "--no-cache",
                           "--select", "E,F,W", "--line-length", "100", *map(str, paths)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert len(paths) == 4 * len(sessions) + 6


# ---------------------------------------------------------------------------- the filler
TEMPLATE = '''"""Doc."""
import math

import numpy as np

RATE = 0.1


def step__plain(x):
    return x - RATE


def step__scaled(x):
    return x - RATE * SCALE


SCALE = 2.0
step = step__plain


def helper():
    return math.pi


# clipped before printing
np.clip(0, 0, 1)
print(step(1.0))
'''


def test_fill_replaces_named_statements_keeps_a_variant_and_prunes_the_unused():
    from backprop_lab.engine.export.slots import fill
    out = fill(TEMPLATE, {"RATE": "RATE = 0.5", "__doc__": '"""New."""', "np.clip()": None},
               {"step": "scaled"})
    assert out.startswith('"""New."""\n') and "import" not in out    # nothing uses them now
    assert "RATE = 0.5\n" in out and "SCALE = 2.0" in out
    assert "def step(x):\n    return x - RATE * SCALE" in out
    assert "step__" not in out and "helper" not in out and "clip" not in out
    assert "print(step(1.0))" in out
    kept = fill(TEMPLATE)
    assert "def step__plain" in kept and "SCALE" not in kept and "np.clip(0, 0, 1)" in kept
    compile(out, "out", "exec")


@pytest.mark.parametrize("slots, choices, message", [
    ({"MISSING": "x = 1"}, {}, "defines 'MISSING' 0 times"),
    ({"print()": None, "step": "step = 1"}, {"step": "other"}, "no variant 'other'"),
])
def test_fill_says_what_it_cannot_find(slots, choices, message):
    from backprop_lab.engine.export.slots import fill
    with pytest.raises(ValueError, match=message):
        fill(TEMPLATE, slots, choices)


def test_paste_merges_imports_and_lets_the_template_win():
    from backprop_lab.engine.export.slots import paste
    part = '"""Part."""\nimport io\n\nimport numpy as np\n\nRATE = 9.0\n\n\ndef read():\n' \
           '    return io.BytesIO(), np.zeros(RATE)\n'
    template = TEMPLATE.replace("print(step(1.0))", "from pkg.part import read  # noqa\nread()")
    out = paste(template, part, "part")
    assert out.count("RATE = ") == 1 and "RATE = 0.1" in out and "def read():" in out
    assert out.index("import io\nimport math\n\nimport numpy as np\n") < out.index("RATE")
    assert "Part." not in out and "from pkg.part" not in out


def test_the_numpy_template_is_a_module_whose_backward_pass_is_the_engines(monkeypatch):
    """The readable NumPy template imports without running anything, and its textbook
    forward and backward passes give the engine's gradients."""
    from backprop_lab.engine.export.templates import numpy_mlp as template
    net = Network([2, 4, 1], activations=["tanh", "sigmoid"], seed=3)
    data = datasets.load("xor")
    monkeypatch.setattr(template, "layers", [[lay.W.copy(), lay.b.copy()] for lay in net.layers])
    monkeypatch.setattr(template, "L2", 0.01)
    A, Z = template.forward(data.X_train)
    grads = template.backward(A, data.y_train.reshape(-1, 1).astype(float))
    expected = net.gradients(data.X_train, data.y_train, "bce", l2=0.01)
    for (dW, db), want in zip(zip(grads[::2], grads[1::2]), expected):
        np.testing.assert_allclose(dW, want["W"], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(db, want["b"], rtol=1e-12, atol=1e-15)
