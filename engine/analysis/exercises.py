"""Exercises a lesson carries, checked against a session.

Two kinds, each a JSON object (lesson files are user input: :func:`validate_exercise` refuses
anything malformed with a ValueError that says what, and unknown keys, which are usually typos):

**target** — a number to reach, under constraints on the setup::

    {"id": "small-net", "kind": "target", "prompt": "Test loss ≤ 0.18 with at most 4 hidden units",
     "metric": "test_loss", "at_most": 0.18, "constraints": {"max_hidden_units": 4}}
    {"id": "xor-features", "kind": "target",
     "prompt": "Solve XOR with no hidden layer, using input features only",
     "metric": "train_accuracy", "at_least": 1.0, "constraints": {"hidden_layers": 0}}

``metric``: one of :data:`METRICS`, measured now with the current weights
(``session.evaluate``: the data loss without the penalty, accuracy or R²); exactly one of
``at_most`` / ``at_least``; ``constraints`` (optional): any of :data:`CONSTRAINTS`.

**predict** — a multiple-choice question about the update that follows, asked while stepping
through a step's phases::

    {"id": "w12-sign", "kind": "predict", "prompt": "Will W²₁₂ go up or down in this update?",
     "about": {"weight": [1, 0, 1]}, "choices": ["up", "down", "unchanged"], "at_phase": "backward"}

``about`` is one of ``{"weight": [layer, i, j]}`` (W[i, j] of that layer, 0-based as
``TrainingSession.set_weight``), ``{"bias": [layer, j]}`` or ``{"loss": "batch"}`` (the
mini-batch's loss after the update against before); the answers are "up", "down" and
"unchanged" (default ``choices``: all three).  ``at_phase`` (optional, default "backward") says
at which phase the window asks: "forward", "loss" or "backward".  The true answer comes from
running the step's phases (``session.phases()``) on a copy of the session, so asking never
changes the session; ask before the step's first update phase (the copy replays the step
from the session's state).  Both kinds may carry a ``"hint"`` string.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from ..data.features import FEATURES
from ..nn.network import Network
from ..nn.optimizers import OPTIMIZERS
from ..training.phases import UPDATE, Phase, sub, sup
from ..training.session import TrainingSession
from .directions import weight_name
from .many_weights import losses_many
from .session_copy import copy_session

TARGET, PREDICT = "target", "predict"
METRICS = {"train_loss": ("train", "loss", "the training loss"),
           "test_loss": ("test", "loss", "the test loss"),
           "train_accuracy": ("train", "accuracy", "the training accuracy"),
           "test_accuracy": ("test", "accuracy", "the test accuracy"),
           "train_r2": ("train", "r2", "the training R²"),
           "test_r2": ("test", "r2", "the test R²")}
ANSWERS = ("up", "down", "unchanged")
PHASES = ("forward", "loss", "backward")


@dataclass(frozen=True)
class ExerciseResult:
    """The verdict on one exercise."""

    exercise_id: str
    met: bool                      # target reached / prediction right
    message: str                   # one plain sentence (or two) saying why
    value: float | None = None     # the metric's value (target) or the quantity after the update
    answer: str | None = None      # predict: the true answer


# ---------------------------------------------------------------------- constraints
@dataclass(frozen=True)
class Constraint:
    """One rule a target's setup must follow: ``check(value)`` validates the spec's value,
    ``broken(session, value)`` returns why the session breaks the rule (None: it holds)."""

    check: Callable[[object, str], object]
    broken: Callable[[TrainingSession, object], str | None]


def _count(value, what):
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{what} must be a whole number ≥ 0, not {value!r}")
    return value


def _names(allowed):
    def check(value, what):
        if not isinstance(value, list) or not value or not all(
                isinstance(v, str) and v in allowed for v in value):
            raise ValueError(f"{what} must be a list of names from {', '.join(allowed)}, "
                             f"not {value!r}")
        return list(value)
    return check


def _name(allowed):
    def check(value, what):
        if value not in allowed:
            raise ValueError(f"{what} must be one of {', '.join(allowed)}, not {value!r}")
        return value
    return check


def _text(value, what):
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{what} must be a non-empty string, not {value!r}")
    return value


def _hidden(session):
    return session.network.sizes[1:-1]


def _plural(n, word):
    return f"{n} {word}{'' if n == 1 else 's'}"


CONSTRAINTS: dict[str, Constraint] = {
    "hidden_layers": Constraint(_count, lambda s, n: None if len(_hidden(s)) == n else
                                f"the network has {_plural(len(_hidden(s)), 'hidden layer')}; "
                                f"the exercise asks for exactly {n}"),
    "max_hidden_layers": Constraint(_count, lambda s, n: None if len(_hidden(s)) <= n else
                                    f"the network has {_plural(len(_hidden(s)), 'hidden layer')}"
                                    f"; the exercise allows at most {n}"),
    "max_hidden_units": Constraint(_count, lambda s, n: None if sum(_hidden(s)) <= n else
                                   f"the network has {_plural(sum(_hidden(s)), 'hidden unit')}; "
                                   f"the exercise allows at most {n}"),
    "max_epochs": Constraint(_count, lambda s, n: None if s.epoch <= n else
                             f"training took {s.epoch} epochs; the exercise allows at most {n}"),
    "features": Constraint(_names(tuple(FEATURES)), lambda s, names: None if set(
        s.data.features) <= set(names) else
        f"the inputs include {', '.join(sorted(set(s.data.features) - set(names)))}, which "
        f"the exercise does not allow (allowed: {', '.join(names)})"),
    "dataset": Constraint(_text, lambda s, name: None if s.data.name == name else
                          f"the data is {s.data.name!r}, not {name!r}"),
    "optimizer": Constraint(_name(tuple(OPTIMIZERS)), lambda s, name: None
                            if s.optimizer.name == name else
                            f"the optimizer is {s.optimizer.name}, not {name}"),
}


# ---------------------------------------------------------------------- validation
_COMMON = {"id", "kind", "prompt", "hint"}
_KEYS = {TARGET: _COMMON | {"metric", "at_most", "at_least", "constraints"},
         PREDICT: _COMMON | {"about", "choices", "at_phase"}}


def validate_exercise(spec) -> dict:
    """A checked, normalized copy of one exercise spec (defaults filled in); ValueError
    naming the exercise and what is wrong otherwise."""
    if not isinstance(spec, dict):
        raise ValueError(f"an exercise must be a JSON object, not {type(spec).__name__}")
    name = spec.get("id")
    where = f"exercise {name!r}" if isinstance(name, str) else "an exercise"
    try:
        return _validate(spec)
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None


def validate_exercises(specs) -> list[dict]:
    """Every exercise of a lesson, checked; their ids must differ."""
    if not isinstance(specs, list):
        raise ValueError(f"exercises must be a list, not {type(specs).__name__}")
    checked = [validate_exercise(spec) for spec in specs]
    ids = [spec["id"] for spec in checked]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise ValueError(f"exercise ids must differ; repeated: {', '.join(repeated)}")
    return checked


def _validate(spec: dict) -> dict:
    kind = spec.get("kind")
    if kind not in _KEYS:
        raise ValueError(f"kind must be {TARGET!r} or {PREDICT!r}, not {kind!r}")
    unknown = set(spec) - _KEYS[kind]
    if unknown:
        raise ValueError(f"unknown key(s) {', '.join(sorted(unknown))} for a {kind} exercise")
    out = {"id": _text(spec.get("id"), "id"), "kind": kind,
           "prompt": _text(spec.get("prompt"), "prompt")}
    if "hint" in spec:
        out["hint"] = _text(spec["hint"], "hint")
    if kind == TARGET:
        out["metric"] = _name(tuple(METRICS))(spec.get("metric"), "metric")
        bounds = [k for k in ("at_most", "at_least") if k in spec]
        if len(bounds) != 1:
            raise ValueError("give exactly one of at_most and at_least")
        bound = spec[bounds[0]]
        if isinstance(bound, bool) or not isinstance(bound, (int, float)) \
                or not math.isfinite(bound):
            raise ValueError(f"{bounds[0]} must be a finite number, not {bound!r}")
        out[bounds[0]] = float(bound)
        constraints = spec.get("constraints", {})
        if not isinstance(constraints, dict):
            raise ValueError(f"constraints must be an object, not {constraints!r}")
        unknown = set(constraints) - set(CONSTRAINTS)
        if unknown:
            raise ValueError(f"unknown constraint(s) {', '.join(sorted(unknown))}; "
                             f"known: {', '.join(CONSTRAINTS)}")
        out["constraints"] = {k: CONSTRAINTS[k].check(v, k) for k, v in constraints.items()}
    else:
        out["about"] = _about(spec.get("about"))
        choices = spec.get("choices", list(ANSWERS))
        if not isinstance(choices, list) or len(choices) < 2 or len(set(choices)) != len(
                choices) or not all(c in ANSWERS for c in choices):
            raise ValueError(f"choices must be two or more different answers of "
                             f"{', '.join(ANSWERS)}, not {choices!r}")
        out["choices"] = list(choices)
        out["at_phase"] = _name(PHASES)(spec.get("at_phase", "backward"), "at_phase")
    return out


def _about(about) -> dict:
    problem = ('about must be {"weight": [layer, i, j]}, {"bias": [layer, j]} or '
               f'{{"loss": "batch"}}, not {about!r}')
    if not isinstance(about, dict) or len(about) != 1:
        raise ValueError(problem)
    (key, value), = about.items()
    sizes = {"weight": 3, "bias": 2}
    if key in sizes:
        if not isinstance(value, list) or len(value) != sizes[key] or not all(
                isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value):
            raise ValueError(problem)
        return {key: list(value)}
    if key == "loss" and value == "batch":
        return {"loss": "batch"}
    raise ValueError(problem)


# ---------------------------------------------------------------------- checking
def check_exercise(session: TrainingSession, spec: dict, answer: str | None = None
                   ) -> ExerciseResult:
    """Check a target now, or a prediction (``answer``) against the coming update."""
    spec = validate_exercise(spec)
    if spec["kind"] == TARGET:
        return check_target(session, spec)
    return check_prediction(session, spec, answer)


def check_target(session: TrainingSession, spec: dict) -> ExerciseResult:
    """Met when the metric is within its bound and every constraint holds."""
    spec = validate_exercise(spec)
    ident = spec["id"]
    split, key, words = METRICS[spec["metric"]]
    measured = session.evaluate(split)
    if key not in measured:
        return ExerciseResult(ident, False, f"Not yet: {words} does not apply to this "
                              f"{session.data.task} data (it measures {session.metric}).")
    value = float(measured[key])
    if not math.isfinite(value):
        reason = ("the data has no test samples" if split == "test" and not len(
            session.data.y_test) else "it is not a finite number")
        return ExerciseResult(ident, False, f"Not yet: {words} cannot be measured ({reason}).")
    at_most = "at_most" in spec
    bound = spec["at_most" if at_most else "at_least"]
    reached = value <= bound if at_most else value >= bound
    shown = f"{words} is {value:.4g}"
    broken = [why for name, rule in spec["constraints"].items()
              if (why := CONSTRAINTS[name].broken(session, rule)) is not None]
    if not reached:
        side = "above" if at_most else "below"
        return ExerciseResult(ident, False, f"Not yet: {shown}, {side} the target {bound:g}.",
                              value)
    if broken:
        return ExerciseResult(ident, False, f"Not yet: {shown}, within the target {bound:g}, "
                              f"but {'; and '.join(broken)}.", value)
    sign = "≤" if at_most else "≥"
    return ExerciseResult(ident, True, f"Met: {shown} {sign} {bound:g}.", value)


def check_prediction(session: TrainingSession, spec: dict, answer: str) -> ExerciseResult:
    """Is ``answer`` right about the next update?  The step runs on a copy of the session."""
    spec = _prediction(spec, answer)
    twin = copy_session(session)
    phases = list(twin.phases())
    return judge_prediction(spec, answer, phases, twin.network, twin.loss_function)


def judge_prediction(spec: dict, answer: str, phases: Sequence[Phase], network: Network,
                     loss) -> ExerciseResult:
    """Judge ``answer`` against the phases of one whole step (e.g. the live step's, once its
    update has been taken).  ``network`` and ``loss`` give the architecture and the loss
    function (only read: the weights after the update come from the update phases)."""
    spec = _prediction(spec, answer)
    ident = spec["id"]
    updates = {p.layer: p for p in phases if p.name == UPDATE}
    if len(updates) != len(network.layers):
        return ExerciseResult(ident, False, "This step made no update (its gradient "
                              "overflowed), so there is nothing to check.")
    quantity = _quantity(spec["about"], phases, updates, network, loss)
    if isinstance(quantity, str):
        return ExerciseResult(ident, False, quantity)
    what, before, after = quantity
    truth = "up" if after > before else "down" if after < before else "unchanged"
    moved = (f"went {truth}, from {before:.6g} to {after:.6g}" if truth != "unchanged"
             else f"stayed at {before:.6g}")
    verdict = "Right" if answer == truth else f"Not quite (you said {answer})"
    return ExerciseResult(ident, answer == truth, f"{verdict}: {what} {moved}.", after, truth)


def _prediction(spec: dict, answer) -> dict:
    """The validated spec of a prediction; ValueError if it is not one or ``answer`` is not
    among its choices."""
    spec = validate_exercise(spec)
    if spec["kind"] != PREDICT:
        raise ValueError(f"exercise {spec['id']!r} is not a prediction")
    if answer not in spec["choices"]:
        raise ValueError(f"the answer must be one of {', '.join(spec['choices'])}, "
                         f"not {answer!r}")
    return spec


def _quantity(about: dict, phases, updates: dict, network: Network, loss):
    """(name, value before, value after) of the quantity a prediction is about, or a sentence
    saying why the network has no such quantity (its architecture changed)."""
    kind, where = next(iter(about.items()))
    if kind in ("weight", "bias"):
        layer, *index = where
        name = (weight_name(layer, *index) if kind == "weight"
                else f"the bias b{sup(layer + 1)}{sub(index[0] + 1)}")
        key = "W" if kind == "weight" else "b"
        if layer >= len(network.layers) or any(
                k >= n for k, n in zip(index, updates[layer].values[f"{key}_before"].shape)):
            return (f"This question is about {name}, which this network does not have "
                    "(its architecture changed).")
        values = updates[layer].values
        index = tuple(index)
        return name, float(values[f"{key}_before"][index]), float(values[f"{key}_after"][index])
    # The batch's loss before and after, both by the same batched pass (so an update that
    # changes nothing compares equal).
    X = next(p for p in phases if p.name == "forward" and p.layer == 0).values["A_prev"]
    Y = next(p for p in phases if p.name == "loss").values["Y"]
    thetas = np.empty((2, network.theta.size))
    for i, (w, b) in enumerate(network.slices):
        for row, when in enumerate(("before", "after")):
            thetas[row, w] = updates[i].values[f"W_{when}"].ravel()
            thetas[row, b] = updates[i].values[f"b_{when}"]
    before, after = losses_many(network, thetas, X, Y, loss, dtype="float64")
    return "the mini-batch's loss", float(before), float(after)
