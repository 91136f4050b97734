"""The exact-replay scripts: ``templates/numpy_replay.py`` or ``templates/torch_replay.py``
with ``templates/replay_data.py`` pasted in, filled in for one session.

The script rebuilds the session as it is *now*: the layer sizes and activations, the loss and
the L1/L2 penalty, the optimizer with its hyper-parameters and running state, gradient
clipping, the learning-rate schedule, the current weights, the data (the network's inputs,
after the feature transform, and the labels), the mini-batch shuffler (the NumPy generator's
state, the order and position inside the epoch in progress) and the divergence watch (its
reference loss and weight, and the latest healthy weights).  Run with ``--epochs N`` it trains
on exactly as ``session.run(N)`` would, stopping where it would stop, and ends with the lines
``final epoch: …``, ``final train loss: <repr(float)>`` (the data loss, as the history's
``train_loss``) and ``final train accuracy: …`` (``final train r2: …`` for regression).

Numbers are written with ``repr(float)``, which reads back to the same float; data or weights
of more than :data:`MAX_LITERAL_NUMBERS` numbers are embedded as a base64 ``.npz`` instead.
The text depends on the session only (no date), so exporting twice gives the same text.
"""
from __future__ import annotations

import math
import pprint

import numpy as np

from ..training import divergence
from ..training.schedules import CosineDecay
from . import literals
from .replay_docstring import docstring
from .slots import fill, paste, template_source

__all__ = ["replay_script", "MAX_LITERAL_NUMBERS"]

#: Data (or weights + optimizer state) of more numbers than this go in a base64 .npz.
MAX_LITERAL_NUMBERS = 20_000
#: The settings besides the learning rate, by optimizer: (script name, engine name).
#: (Momentum's Nesterov switch is a variant of the update, or NESTEROV for PyTorch.)
HYPER = {"sgd": [], "momentum": [("BETA", "beta")], "rmsprop": [("RHO", "rho"), ("EPS", "eps")],
         "adam": [("BETA1", "beta1"), ("BETA2", "beta2"), ("EPS", "eps")]}
#: The running state each optimizer keeps: {name: meaning}.
STATE = {"sgd": {}, "momentum": {"v": "the running sum of the gradients, each older one "
                                      "weighed BETA times less"},
         "rmsprop": {"s": "the running average of the squared gradients"},
         "adam": {"m": "the running average of the gradients",
                  "v": "the running average of the squared gradients"}}
TORCH_ACTIVATIONS = {"relu": "torch.relu", "sigmoid": "torch.sigmoid", "tanh": "torch.tanh"}


def replay_script(session, framework: str) -> str:
    """The exact-replay script ("numpy" or "pytorch") of ``session`` (left untouched)."""
    facts = Facts(session)
    torch = framework == "pytorch"
    template = template_source("torch_replay" if torch else "numpy_replay")
    for part in ("replay_rules", "replay_data"):
        template = paste(template, template_source(part), part)
    return fill(template, facts.slots(torch), facts.choices(torch))


class Facts:
    """Everything a replay script needs, read once from the session's public state."""

    def __init__(self, session):
        net = session.network
        spec, settings = net.spec(), session.settings()
        self.session = session
        self.sizes, self.activations = [int(s) for s in spec["sizes"]], list(spec["activations"])
        self.dtype = spec["dtype"]
        slopes = {layer.activation.slope for layer in net.layers
                  if layer.activation.name == "leaky_relu"}
        if len(slopes) > 1:
            raise ValueError("cannot export leaky ReLU layers with different slopes")
        self.leaky_slope = slopes.pop() if slopes else 0.01
        self.loss, self.optimizer = settings["loss"], settings["optimizer"]
        self.l1, self.l2 = float(settings["l1"]), float(settings["l2"])
        if self.optimizer not in HYPER:
            raise ValueError(f"cannot export the optimizer {self.optimizer!r}")
        opt = session.optimizer.state_dict()
        self.current_rate = float(opt["hyperparameters"]["learning_rate"])   # the scheduled one
        self.hyper = [(k, float(opt["hyperparameters"][n])) for k, n in HYPER[self.optimizer]]
        self.t = int(opt["step"])
        # Nesterov with β = 0 is plain SGD either way (and torch refuses it).
        self.nesterov = (self.optimizer == "momentum" and bool(opt["hyperparameters"]["nesterov"])
                         and float(opt["hyperparameters"]["beta"]) > 0)
        self.learning_rate = float(settings["learning_rate"])                # η₀
        self.clip_norm = None if settings["clip_norm"] is None else float(settings["clip_norm"])
        self.schedule = dict(settings["schedule"])
        watch = session.watch
        self.reference_loss = float(watch.reference_loss)
        self.reference_weight = float(watch.reference_weight)
        self.healthy_epoch = int(watch.healthy_epoch)
        healthy = np.asarray(watch.healthy_theta)
        self.healthy = (None if healthy.tobytes() == np.asarray(net.theta).tobytes()
                        else self._layers(healthy))
        weights = net.state_dict()
        self.weights = [(weights[f"layer{i}.W"], weights[f"layer{i}.b"])
                        for i in range(len(self.sizes) - 1)]
        self.state = {name: (None if name not in opt["state"] else self._layers(opt["state"][name]))
                      for name in STATE[self.optimizer]}
        batches = session.batches.state_dict()
        self.batch_size, self.seed = settings["batch_size"], int(settings["seed"])
        self.n_train, self.steps_per_epoch = int(session.n_train), int(session.steps_per_epoch)
        self.full_batch, self.effective_batch = session.batches.full, session.batches.size
        self.epoch, self.steps = int(session.epoch), int(session.steps)
        self.cursor = int(batches["cursor"])
        self.order = None if batches["order"] is None else np.array(batches["order"], np.int64)
        self.rng_state = batches["rng"]
        data = session.data
        self.data_name, self.task, self.metric = literals.printable(data.name), data.task, \
            session.metric
        self.input_names = [literals.printable(n) for n in data.input_names]
        self.X_train = np.asarray(session.X_train, dtype=np.float64)
        self.X_test = np.asarray(session.X_test, dtype=np.float64).reshape(-1, self.sizes[0])
        y_train, y_test = np.asarray(data.y_train), np.asarray(data.y_test)
        if y_train.ndim != 1:
            raise ValueError("cannot export targets that are not one number per sample")
        self.y_integer = y_train.dtype.kind in "iub"
        y_type = np.int64 if self.y_integer else np.float64
        self.y_train, self.y_test = y_train.astype(y_type), y_test.astype(y_type).reshape(-1)
        self.n_test = len(self.y_test)
        data_arrays = (self.X_train, self.y_train, self.X_test, self.y_test)
        self.data_npz = (sum(a.size for a in data_arrays) > MAX_LITERAL_NUMBERS
                         or not literals.all_finite(data_arrays))
        params = [a for pair in self.weights + (self.healthy or []) for a in pair] + [
            a for layers in self.state.values() if layers for pair in layers for a in pair]
        self.weights_npz = (sum(a.size for a in params) > MAX_LITERAL_NUMBERS
                            or not literals.all_finite(params))
        self._check_targets()

    def _layers(self, flat) -> list[tuple[np.ndarray, np.ndarray]]:
        """A flat (P,) vector laid out as the network's θ -> [(W (n_in, n_out), b), ...]."""
        flat, out, start = np.asarray(flat), [], 0
        for n_in, n_out in zip(self.sizes, self.sizes[1:]):
            W = flat[start:start + n_in * n_out].reshape(n_in, n_out).copy()
            start += n_in * n_out
            out.append((W, flat[start:start + n_out].copy()))
            start += n_out
        return out

    def _check_targets(self) -> None:
        """The scripts build the targets from the labels; make sure that is the engine's."""
        Y = self.session.Y_train
        if self.loss == "cross_entropy":
            ok = Y.shape == (self.n_train, self.sizes[-1]) and self.y_integer
        else:
            ok = Y.shape == (self.n_train, 1) and self.sizes[-1] == 1
        if not ok:
            raise ValueError("cannot export these targets: expected one label per sample")

    # ------------------------------------------------------------------------ the template
    def choices(self, torch: bool) -> dict[str, str]:
        fused = self.activations[-1] == "identity" or self.loss != "mse"
        choices = {"score": "r2" if self.metric == "r2" else "accuracy",
                   "load_data": "npz" if self.data_npz else "literal",
                   "targets": "one_hot" if self.loss == "cross_entropy" else "column",
                   "load_weights": "npz" if self.weights_npz else "literal",
                   "load_healthy_weights": "npz" if self.weights_npz else "literal",
                   "load_optimizer_state": "npz" if self.weights_npz else "literal",
                   "schedule": self.schedule["name"]}
        if torch:
            return {**choices, "data_loss": self.loss, "make_optimizer": self.optimizer}
        return {**choices, "loss": self.loss, "output_dZ": "fused" if fused else "chain",
                "update": "nesterov" if self.nesterov else self.optimizer}

    def slots(self, torch: bool) -> dict[str, str]:
        np_dtype = f"np.{self.dtype}"
        slots = {
            "__doc__": docstring(self, torch),
            "SIZES": f"SIZES = {self.sizes!r}  # units per layer, the inputs first",
            "DTYPE": (f"DTYPE = {np_dtype}  # of the numbers below; the network's is "
                      "TORCH_DTYPE" if torch else f"DTYPE = {np_dtype}"),
            "L1": f"L1 = {self.l1!r}  # penalty L1 * sum|W| (weights only, not biases)",
            "L2": f"L2 = {self.l2!r}  # penalty (L2 / 2) * sum W^2",
            "LEARNING_RATE": f"LEARNING_RATE = {self.learning_rate!r}",
            "BATCH_SIZE": f"BATCH_SIZE = {self.batch_size!r}  # samples per step "
                          "(None: the whole training set)",
            "SEED": f"SEED = {self.seed!r}  # the seed of the mini-batch shuffler",
            "EPOCH": f"EPOCH = {self.epoch!r}  # epochs completed when exported",
            "METRIC": f'METRIC = "{self.metric}"',
            "LEAKY_SLOPE": f"LEAKY_SLOPE = {self.leaky_slope!r}",
            "ACTIVATIONS": self._activations(torch),
            **self._numbers(),
        }
        slots.update(self._training_rules(torch))
        if torch:
            slots["TORCH_DTYPE"] = f"TORCH_DTYPE = torch.{self.dtype}"
            slots["NESTEROV"] = f"NESTEROV = {self.nesterov!r}"
        else:
            limit = {"float64": 700.0, "float32": 80.0}.get(self.dtype, 700.0)
            slots["EXP_LIMIT"] = (f"EXP_LIMIT = {limit!r}  # sigmoid clips Z at -EXP_LIMIT so "
                                  "exp(-Z) never overflows")
        for name, value in self.hyper:
            slots[name] = f"{name} = {value!r}"
        return slots

    def _training_rules(self, torch: bool) -> dict[str, str | None]:
        """Clipping, the schedule's settings and the divergence watch."""
        slots: dict[str, str | None] = {}
        if self.clip_norm is None:
            slots["nn.utils.clip_grad_norm_()" if torch else "clip_by_norm()"] = None
        else:
            slots["CLIP_NORM"] = (f"CLIP_NORM = {self.clip_norm!r}  # gradient clipping: the "
                                  "longest the whole gradient may be")
        settings = {k: v for k, v in self.schedule.items() if k != "name"}
        names = {"step_size": ("STEP_SIZE", "epochs between two cuts of the learning rate"),
                 "gamma": ("GAMMA", "the factor of each cut" if "step_size" in settings
                           else "the factor of each epoch"),
                 "epochs": ("COSINE_EPOCHS", "the length of the half cosine wave")}
        for key, value in settings.items():
            name, meaning = names[key]
            slots[name] = f"{name} = {value!r}  # {meaning}"
        if self.schedule["name"] == "cosine":
            slots["COSINE_FLOOR"] = (f"COSINE_FLOOR = {CosineDecay.FLOOR!r}  # its end, as a "
                                     "fraction of LEARNING_RATE")
        if torch and self.schedule["name"] == "constant":
            slots["scheduler"] = slots["scheduler.step()"] = None
        ref = self.reference_loss
        slots.update({
            "HEALTHY": f"HEALTHY = {divergence.HEALTHY!r}",
            "RISE": f"RISE = {divergence.RISE!r}",
            "GROWTH": f"GROWTH = {divergence.GROWTH!r}",
            "REFERENCE_LOSS": f"REFERENCE_LOSS = {ref!r}" if math.isfinite(ref)
                              else "REFERENCE_LOSS = math.nan",
            "REFERENCE_WEIGHT": f"REFERENCE_WEIGHT = {self.reference_weight!r}  # the largest "
                                "|weight| when it started (at least 1)",
            "HEALTHY_EPOCH": f"HEALTHY_EPOCH = {self.healthy_epoch!r}",
        })
        if self.healthy is None:
            slots["HEALTHY_WEIGHTS"] = "HEALTHY_WEIGHTS = None"
        elif not self.weights_npz:
            slots["HEALTHY_WEIGHTS"] = self._layers_literal("HEALTHY_WEIGHTS", self.healthy)
        return slots

    def _activations(self, torch: bool) -> str:
        if torch:
            names = [TORCH_ACTIVATIONS.get(a, a) for a in self.activations]
        else:
            names = [f"({a}, {'None' if a == 'softmax' else a + '_backward'})"
                     for a in self.activations]
        return literals.list_of("ACTIVATIONS", names)

    # ------------------------------------------------------------------------ the numbers
    def _numbers(self) -> dict[str, str]:
        state = pprint.pformat(self.rng_state, width=literals.WIDTH - 12, sort_dicts=False)
        numbers = {
            "RNG_STATE": "RNG_STATE = " + state.replace("\n", "\n" + " " * len("RNG_STATE = ")),
            "ORDER": "ORDER = " + ("None" if self.order is None
                                   else literals.literal(self.order, 0, len("ORDER = "))),
            "CURSOR": f"CURSOR = {self.cursor!r}",
            "OPTIMIZER_STEPS": f"OPTIMIZER_STEPS = {self.t!r}  # optimizer steps taken so far",
        }
        if self.weights_npz:
            arrays = {}
            healthy = [("healthy_", self.healthy)] if self.healthy else []
            for prefix, layers in [("", self.weights)] + healthy + [
                    (f"{n}_", v) for n, v in self.state.items() if v]:
                for i, (W, b) in enumerate(layers, 1):
                    arrays[f"{prefix}W{i}"], arrays[f"{prefix}b{i}"] = W, b
            numbers["WEIGHTS_NPZ"] = literals.base64_constant(
                "WEIGHTS_NPZ", literals.npz_bytes(arrays),
                "The weights (W1, b1, W2, b2, ...), the optimizer's running state "
                "(e.g. m_W1) and\n# the latest healthy weights if they differ (healthy_W1, ...), "
                "as a base64 .npz")
            saved = {name: layers is not None for name, layers in self.state.items()}
            numbers["OPTIMIZER_STATE_SAVED"] = f"OPTIMIZER_STATE_SAVED = {saved!r}"
        else:
            numbers["WEIGHTS"] = self._layers_literal("WEIGHTS", self.weights)
            entries = [f'    "{name}": ' + ("None" if layers is None else
                                             self._layers_literal("", layers, 4)) + ","
                       for name, layers in self.state.items()]
            meaning = "; ".join(f"{n}: {STATE[self.optimizer][n]}" for n in self.state)
            numbers["OPTIMIZER_STATE"] = (
                (f"# {meaning}\n" if meaning else "") + "OPTIMIZER_STATE = {"
                + ("\n" + "\n".join(entries) + "\n" if entries else "") + "}")
        if self.data_npz:
            numbers["DATA_NPZ"] = literals.base64_constant(
                "DATA_NPZ", literals.npz_bytes({"X_train": self.X_train, "y_train": self.y_train,
                                                "X_test": self.X_test, "y_test": self.y_test}),
                "X_train, y_train, X_test, y_test: the network's inputs (after the feature "
                "transform)\n# and the labels or targets, as a base64 .npz")
        else:
            kind = "class labels" if self.y_integer else "targets"
            numbers.update({
                "Y_DTYPE": f"Y_DTYPE = {'np.int64' if self.y_integer else 'np.float64'}"
                           "  # the labels' type",
                "X_TRAIN": literals.assign("X_TRAIN", self.X_train,
                                           f"Training inputs, ({self.n_train}, {self.sizes[0]}):"
                                           f" the network's inputs {', '.join(self.input_names)}"),
                "Y_TRAIN": literals.assign("Y_TRAIN", self.y_train,
                                           f"Training {kind}, ({self.n_train},)"),
                "X_TEST": literals.assign("X_TEST", self.X_test,
                                          f"Test inputs, ({self.n_test}, {self.sizes[0]})"),
                "Y_TEST": literals.assign("Y_TEST", self.y_test,
                                          f"Test {kind}, ({self.n_test},)"),
            })
        return numbers

    @staticmethod
    def _layers_literal(name: str, layers, indent: int = 0) -> str:
        pad = " " * indent
        out = [f"{name} = [" if name else "["]
        for i, (W, b) in enumerate(layers, 1):
            out.append(f"{pad}    {{  # layer {i}: W {W.shape[0]}x{W.shape[1]}, b {b.shape[0]}")
            out.append(f'{pad}        "W": {literals.literal(W, indent + 8, indent + 13)},')
            out.append(f'{pad}        "b": {literals.literal(b, indent + 8, indent + 13)},')
            out.append(f"{pad}    }},")
        out.append(f"{pad}]")
        return "\n".join(out)
