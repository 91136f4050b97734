"""Export a training session as a standalone Python script: NumPy alone, or NumPy + PyTorch.

>>> from engine import Network, TrainingSession, datasets
>>> from engine.code_export import numpy_script, pytorch_script
>>> session = TrainingSession(Network([2, 4, 1], hidden="tanh", seed=0), datasets.load("xor"),
...                           optimizer="adam", learning_rate=0.1)
>>> session.run(10)
10
>>> source = numpy_script(session)     # the text of a script; save it and run it
>>> "import engine" in source
False

The script rebuilds the session as it is *now*: the layer sizes and activations, the loss and
the L1/L2 penalty, the optimizer with its hyper-parameters and running state (velocity,
moments, step count), the current weights and biases, the data (the network's inputs, i.e. after
the feature transform, and the labels or targets) and the mini-batch shuffler: the NumPy
generator's state and the order and position inside the epoch in progress.  Run with
``--epochs N`` it trains on exactly as ``session.run(N)`` would, and ends with the
machine-readable lines ``final train loss: <repr(float)>`` (the data loss over the whole
training set, which is what the history records as ``train_loss``: no penalty) and
``final train accuracy: …`` (``final train r2: …`` for regression).

Numbers are written with ``repr(float)``, which reads back to the same float; data or weights
of more than :data:`MAX_LITERAL_NUMBERS` numbers are embedded as a base64 ``.npz`` instead.
The output depends on the session only (no date), so exporting twice gives the same text.
"""
from __future__ import annotations

import base64
import io
import math
import pprint
import textwrap
import zipfile

import numpy as np

__all__ = ["numpy_script", "pytorch_script", "MAX_LITERAL_NUMBERS"]

#: Line width the embedded numbers are wrapped to.
WIDTH = 100
#: Data (or weights + optimizer state) of more numbers than this go in a base64 .npz.
MAX_LITERAL_NUMBERS = 20_000
#: How the scripts name each optimizer's running state: {engine name: (script name, meaning)}.
_STATE_NAMES = {
    "momentum": {"v": ("VELOCITY", "v: the running sum of the gradients, older ones x BETA")},
    "rmsprop": {"s": ("SQUARE_AVG", "s: the running average of the squared gradients")},
    "adam": {"m": ("ADAM_M", "m: the running average of the gradients"),
             "v": ("ADAM_V", "v: the running average of the squared gradients")},
}
_TORCH_STATE = {          # engine state name -> torch.optim state key
    "momentum": {"v": "momentum_buffer"},
    "rmsprop": {"s": "square_avg"},
    "adam": {"m": "exp_avg", "v": "exp_avg_sq"},
}


def numpy_script(session) -> str:
    """The source of a standalone script (imports NumPy only) that trains on from ``session``."""
    return _Export(session).numpy_script()


def pytorch_script(session) -> str:
    """The source of a standalone script (NumPy + PyTorch: ``torch.nn.Linear`` layers, autograd
    and ``torch.optim``) that trains on from ``session``."""
    return _Export(session).pytorch_script()


# ============================================================================ formatting helpers
def _block(text: str) -> str:
    return textwrap.dedent(text).strip("\n")


def _number(x, integer: bool) -> str:
    return str(int(x)) if integer else repr(float(x))


def _tokens(array: np.ndarray, integer: bool):
    if array.ndim == 1:
        return [_number(x, integer) for x in array.tolist()]
    return [_tokens(row, integer) for row in array]


def _one_line(tok) -> str:
    if isinstance(tok, str):
        return tok
    return "[" + ", ".join(_one_line(t) for t in tok) + "]"


def _nested(tok, indent: int, start: int) -> str:
    """``tok`` (a string or nested lists of strings) as a Python list literal whose opening
    bracket sits at column ``start`` on a line indented by ``indent``; wrapped at WIDTH."""
    line = _one_line(tok)
    if isinstance(tok, str) or start + len(line) + 1 <= WIDTH:
        return line
    pad = " " * (indent + 4)
    children = [_one_line(t) for t in tok]
    lines: list[str] = []
    if all(len(pad) + len(c) + 1 <= WIDTH for c in children):
        current = ""
        for c in children:
            if current and len(pad) + len(current) + 1 + len(c) + 1 > WIDTH:
                lines.append(pad + current)
                current = ""
            current = f"{current} {c}," if current else f"{c},"
        lines.append(pad + current)
    else:
        lines = [pad + _nested(t, indent + 4, indent + 4) + "," for t in tok]
    return "[\n" + "\n".join(lines) + "\n" + " " * indent + "]"


def _literal(array: np.ndarray, indent: int = 0, start: int = 0) -> str:
    array = np.asarray(array)
    integer = array.dtype.kind in "iub"
    if array.ndim == 0:
        return _number(array, integer)
    if array.size == 0:
        return "[]"
    return _nested(_tokens(array, integer), indent, start)


def _assign(name: str, array: np.ndarray, comment: str = "") -> str:
    head = textwrap.fill(comment, width=WIDTH, initial_indent="# ", subsequent_indent="# ",
                         break_on_hyphens=False, break_long_words=False) + "\n" if comment else ""
    return f"{head}{name} = {_literal(array, 0, len(name) + 3)}"


def _all_finite(arrays) -> bool:
    return all(np.isfinite(np.asarray(a, dtype=float)).all() for a in arrays)


def _npz_base64(arrays: dict[str, np.ndarray]) -> str:
    """A deterministic .npz (fixed timestamps) of ``arrays``, base64-encoded."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, array in arrays.items():
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w") as f:
                np.lib.format.write_array(f, np.ascontiguousarray(array), allow_pickle=False)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _string_constant(name: str, text: str, comment: str) -> str:
    chunk = WIDTH - 6
    parts = [f'    "{text[i:i + chunk]}"' for i in range(0, len(text), chunk)] or ['    ""']
    return f"# {comment}\n{name} = (\n" + "\n".join(parts) + "\n)"


def _printable(text) -> str:
    """``text`` on one line, without control characters (for comments and the docstring)."""
    return "".join(c if c.isprintable() else "?" for c in str(text))


def _docstring_safe(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')


def _strings(names) -> str:
    return "[" + ", ".join(f'"{n}"' for n in names) + "]"


# ============================================================================ the export
class _Export:
    """Everything a script needs, read once from the session (which is left untouched)."""

    def __init__(self, session):
        net = session.network
        data = session.data
        self.session = session
        self.sizes = [int(s) for s in net.sizes]
        self.activations = list(net.activations)
        self.dtype = np.dtype(net.dtype).name
        slopes = {layer.activation.slope for layer in net.layers
                  if layer.activation.name == "leaky_relu"}
        if len(slopes) > 1:
            raise ValueError("cannot export leaky ReLU layers with different slopes")
        self.leaky_slope = slopes.pop() if slopes else 0.01
        self.loss = session.loss
        self.l1, self.l2 = float(session.l1), float(session.l2)
        opt = session.optimizer
        self.optimizer = opt.name
        if self.optimizer not in ("sgd", "momentum", "rmsprop", "adam"):
            raise ValueError(f"cannot export the optimizer {self.optimizer!r}")
        if getattr(opt, "nesterov", False) or session.clip_norm is not None \
                or session.schedule.name != "constant":
            raise ValueError("cannot export Nesterov momentum, gradient clipping or a "
                             "learning-rate schedule")
        if not net.trainable:
            raise ValueError("cannot export a network with a step unit: it cannot be trained")
        # Divergence, judged as the session judges it (see engine/training/divergence.py).
        from ..training import divergence
        self.divergence = {"HEALTHY": divergence.HEALTHY, "RISE": divergence.RISE,
                           "GROWTH": divergence.GROWTH,
                           # no usable reference (0 or NaN): any finite loss is healthy
                           "REFERENCE_LOSS": (float(session.watch.reference_loss)
                                              if session.watch.reference_loss > 0 else math.inf),
                           "REFERENCE_WEIGHT": float(session.watch.reference_weight)}
        self.learning_rate = float(opt.learning_rate)
        self.hyper = {"sgd": [],
                      "momentum": [("BETA", getattr(opt, "beta", None))],
                      "rmsprop": [("RHO", getattr(opt, "rho", None)),
                                  ("EPS", getattr(opt, "eps", None))],
                      "adam": [("BETA1", getattr(opt, "beta1", None)),
                               ("BETA2", getattr(opt, "beta2", None)),
                               ("EPS", getattr(opt, "eps", None))]}[self.optimizer]
        self.hyper = [(k, float(v)) for k, v in self.hyper]
        self.t = int(opt.t)
        self.weights = [(layer.W.copy(), layer.b.copy()) for layer in net.layers]
        self.state: dict[str, list[tuple[np.ndarray, np.ndarray]] | None] = {}
        for name in _STATE_NAMES.get(self.optimizer, {}):
            flat = getattr(opt, name, None)
            self.state[name] = None if flat is None else [
                (np.asarray(flat[w]).reshape(layer.n_in, layer.n_out).copy(),
                 np.asarray(flat[b]).copy())
                for layer, (w, b) in zip(net.layers, net.slices)]
        # batches and the shuffler
        self.batch_size = session.batch_size
        self.n_train = int(session.n_train)
        batches = session.batches.state_dict()
        self.effective_batch = session.batches.size
        self.steps_per_epoch = int(session.steps_per_epoch)
        self.full_batch = session.batches.full
        self.seed = int(session.seed)
        self.epoch, self.steps = int(session.epoch), int(session.steps)
        self.cursor = int(batches["cursor"])
        self.order = None if batches["order"] is None else np.array(batches["order"], dtype=np.int64)
        self.rng_state = batches["rng"]
        # data: the network's inputs (after the feature transform) and the labels
        self.data_name = _printable(data.name)
        self.task = data.task
        self.metric = session.metric
        self.input_names = [_printable(n) for n in data.input_names]
        self.X_train = np.asarray(data.X_train, dtype=np.float64)
        self.X_test = np.asarray(data.X_test, dtype=np.float64).reshape(-1, self.sizes[0])
        self.y_train = np.asarray(data.y_train)
        self.y_test = np.asarray(data.y_test)
        if self.y_train.ndim != 1:
            raise ValueError("cannot export targets that are not one number per sample")
        self.y_integer = self.y_train.dtype.kind in "iub"
        if self.y_integer:
            self.y_train = self.y_train.astype(np.int64)
            self.y_test = self.y_test.astype(np.int64).reshape(-1)
        else:
            self.y_train = self.y_train.astype(np.float64)
            self.y_test = self.y_test.astype(np.float64).reshape(-1)
        self.n_test = len(self.y_test)
        data_arrays = (self.X_train, self.y_train, self.X_test, self.y_test)
        self.data_npz = (sum(a.size for a in data_arrays) > MAX_LITERAL_NUMBERS
                         or not _all_finite(data_arrays))
        param_arrays = [a for pair in self.weights for a in pair] + [
            a for layers in self.state.values() if layers for pair in layers for a in pair]
        self.weights_npz = (sum(a.size for a in param_arrays) > MAX_LITERAL_NUMBERS
                            or not _all_finite(param_arrays))
        self._check_targets()

    def _check_targets(self) -> None:
        """The scripts build the targets from the labels; make sure that is the engine's."""
        Y = self.session.Y_train
        if self.loss == "cross_entropy":
            ok = Y.shape == (self.n_train, self.sizes[-1]) and self.y_integer
        else:
            ok = Y.shape == (self.n_train, 1) and self.sizes[-1] == 1
        if not ok:
            raise ValueError("cannot export these targets: expected one label per sample")

    # ------------------------------------------------------------------------ description
    def _architecture(self) -> str:
        names = _docstring_safe(", ".join(self.input_names))
        parts = [f"{self.sizes[0]} inputs ({names})"]
        parts += [f"{n} {a}" for n, a in zip(self.sizes[1:], self.activations)]
        text = "-".join(map(str, self.sizes)) + ": " + " -> ".join(parts) + f"; {self.dtype}"
        return textwrap.fill(text, width=WIDTH - 12, subsequent_indent=" " * 12,
                             break_on_hyphens=False, break_long_words=False)

    def _loss_text(self) -> str:
        return {
            "mse": "mse: half the squared error summed over the outputs, averaged over the "
                   "samples,\n            L = 1/(2m) * sum (A - Y)^2",
            "bce": "bce: binary cross-entropy of the sigmoid output, averaged over the "
                   "samples,\n            computed from the logits Z as "
                   "max(Z, 0) - Z*Y + log(1 + exp(-|Z|))",
            "cross_entropy": "cross_entropy: softmax cross-entropy averaged over the samples,"
                             "\n            L = 1/m * sum (logsumexp(Z) - Z[label])",
        }[self.loss]

    def _penalty_text(self) -> str:
        if not (self.l1 or self.l2):
            return "none"
        terms = []
        if self.l1:
            terms.append(f"L1 * sum|W| with L1 = {self.l1!r}")
        if self.l2:
            terms.append(f"(L2 / 2) * sum W^2 with L2 = {self.l2!r}")
        return " + ".join(terms) + ",\n            over the weights only (not the biases)"

    def _optimizer_text(self) -> str:
        hyper = "".join(f", {k.lower()} {v!r}" for k, v in self.hyper)
        return (f"{self.optimizer}: learning rate {self.learning_rate!r}{hyper}; "
                f"{self.t} steps taken so far")

    def _batches_text(self) -> str:
        if self.full_batch:
            return (f"the whole training set ({self.n_train} samples) every step: one step "
                    "per epoch")
        return (f"{self.effective_batch} samples per step, {self.steps_per_epoch} steps per "
                f"epoch, in an order\n            reshuffled every epoch by "
                f"numpy.random.default_rng({self.seed})")

    def _exported_text(self) -> str:
        text = f"at epoch {self.epoch} ({self.steps} steps in all)"
        if self.cursor:
            text += (f", {self.cursor} of {self.steps_per_epoch} steps into "
                     f"epoch {self.epoch + 1}")
        return text

    def _docstring(self, flavour: str, needs: str) -> str:
        title = {"numpy": "Backprop Lab export: train this network on with NumPy alone.",
                 "torch": "Backprop Lab export: train this network on with PyTorch."}[flavour]
        how = {"numpy": "The forward pass, the loss, backpropagation and the optimizer are "
                        "written out by hand.",
               "torch": "torch.nn.Linear layers, autograd for the gradients and torch.optim "
                        "for the updates."}[flavour]
        intro = textwrap.fill(
            f"Generated by Backprop Lab.  {how}  Standalone: it needs only {needs}.  It rebuilds "
            "the network with the weights it had when exported, the optimizer's running state, "
            "the data and the shuffler of the mini-batches, so training on here continues "
            "exactly as it would in Backprop Lab.", width=WIDTH - 4)
        data = (f"{_docstring_safe(self.data_name)} ({self.task}): {self.n_train} training "
                f"samples, "
                f"{self.n_test} test samples")
        body = f"""\
{title}

{intro}

Network:    {self._architecture()}
Loss:       {self._loss_text()}
Penalty:    {self._penalty_text()}
Optimizer:  {self._optimizer_text()}
Batches:    {self._batches_text()}
Data:       {data}
Exported:   {self._exported_text()}

Usage:      python this_script.py --epochs 100
The last lines printed are "final train loss: ..." (the mean data loss over the training set,
without the penalty) and "final train {self.metric}: ..."."""
        return '"""' + body + '\n"""'

    # ------------------------------------------------------------------------ shared sections
    def _settings(self, torch: bool) -> str:
        dtype = f"torch.{self.dtype}" if torch else f"np.{self.dtype}"
        lines = [
            "# " + "-" * 30 + " settings",
            f"SIZES = {self.sizes!r}  # units per layer, the inputs first",
            f"ACTIVATIONS = {_strings(self.activations)}  # one per layer, the output's last",
            f"DTYPE = {dtype}",
        ]
        if torch:
            lines.append(f"NP_DTYPE = np.{self.dtype}")
        lines.append(f'LOSS = "{self.loss}"  # the loss functions below are written for it')
        lines.append(f"L1 = {self.l1!r}  # penalty L1 * sum|W| (weights only, not biases)")
        lines.append(f"L2 = {self.l2!r}  # penalty (L2 / 2) * sum W^2")
        lines.append(f'OPTIMIZER = "{self.optimizer}"  # so is the update')
        lines.append(f"LEARNING_RATE = {self.learning_rate!r}")
        for k, v in self.hyper:
            lines.append(f"{k} = {v!r}")
        lines.append(f"BATCH_SIZE = {self.batch_size!r}  # samples per step "
                     "(None: the whole training set)")
        lines.append(f"SEED = {self.seed!r}  # the seed of the mini-batch shuffler")
        lines.append(f"EPOCH = {self.epoch!r}  # epochs completed when exported")
        lines += ["# Divergence: training stops when the loss exceeds RISE x REFERENCE_LOSS or a "
                  "weight", "# GROWTH x REFERENCE_WEIGHT, and the latest weights whose loss was "
                  "at most", "# HEALTHY x REFERENCE_LOSS come back."]
        for k, v in self.divergence.items():
            lines.append(f"{k} = {v!r}" if math.isfinite(v) else f'{k} = float("{v}")')
        if "leaky_relu" in self.activations:
            lines.append(f"LEAKY_SLOPE = {self.leaky_slope!r}")
        if "sigmoid" in self.activations and not torch:
            limit = {"float64": 700.0, "float32": 80.0}.get(self.dtype, 700.0)
            lines.append(f"EXP_LIMIT = {limit!r}  # sigmoid clips Z at -EXP_LIMIT so exp(-Z) "
                         "never overflows")
        return "\n".join(lines)

    def _shuffler_constants(self) -> str:
        state = pprint.pformat(self.rng_state, width=WIDTH - 12, sort_dicts=False)
        state = state.replace("\n", "\n" + " " * len("RNG_STATE = "))
        order = "None" if self.order is None else _literal(self.order, 0, len("ORDER = "))
        return "\n".join([
            "# " + "-" * 30 + " the mini-batch shuffler when exported",
            "# The state of the NumPy generator that draws each epoch's order, the order of the",
            "# epoch in progress (None: not drawn yet) and the index of its next mini-batch.",
            f"RNG_STATE = {state}",
            f"ORDER = {order}",
            f"CURSOR = {self.cursor!r}",
        ])

    def _weight_constants(self) -> str:
        if self.weights_npz:
            arrays = {}
            for i, (W, b) in enumerate(self.weights, 1):
                arrays[f"W{i}"], arrays[f"b{i}"] = W, b
            for name, layers in self.state.items():
                for i, (W, b) in enumerate(layers or (), 1):
                    arrays[f"{name}_W{i}"], arrays[f"{name}_b{i}"] = W, b
            parts = [_string_constant(
                "WEIGHTS_NPZ", _npz_base64(arrays),
                "The weights (W1, b1, W2, b2, ...) and the optimizer's running state "
                "(e.g. m_W1), as a base64 .npz")]
            parts.append(f"OPTIMIZER_STEPS = {self.t!r}  # optimizer steps taken so far")
            for name, layers in self.state.items():
                script_name, meaning = _STATE_NAMES[self.optimizer][name]
                parts.append(f"# The optimizer's {meaning}:\n# in WEIGHTS_NPZ as "
                             f"{name}_W1, {name}_b1, ... if True, else all zeros.\n"
                             f"{script_name}_SAVED = {layers is not None!r}")
            return "# " + "-" * 30 + " weights and optimizer state\n" + "\n".join(parts)
        parts = ["# " + "-" * 30 + " weights and optimizer state\n" + self._layers_literal(
                     "WEIGHTS", self.weights,
                     "The weights and biases of every layer.  W is (n_in, n_out): column j "
                     "holds the\n# weights into unit j of the layer; b is (n_out,).")]
        parts.append(f"OPTIMIZER_STEPS = {self.t!r}  # optimizer steps taken so far")
        for name, layers in self.state.items():
            script_name, meaning = _STATE_NAMES[self.optimizer][name]
            comment = (f"The optimizer's {meaning},\n# shaped like WEIGHTS "
                       "(None: all zeros).")
            if layers is None:
                parts.append(f"# {comment}\n{script_name} = None")
            else:
                parts.append(self._layers_literal(script_name, layers, comment))
        return "\n\n".join(parts)

    def _layers_literal(self, name: str, layers, comment: str) -> str:
        out = [f"# {comment}", f"{name} = ["]
        for i, (W, b) in enumerate(layers, 1):
            out.append(f"    {{  # layer {i}: W {W.shape[0]}x{W.shape[1]}, b {b.shape[0]}")
            out.append(f'        "W": {_literal(W, 8, 13)},')
            out.append(f'        "b": {_literal(b, 8, 13)},')
            out.append("    },")
        out.append("]")
        return "\n".join(out)

    def _data_constants(self) -> str:
        label_kind = "class labels" if self.y_integer else "targets"
        head = "# " + "-" * 30 + " data"
        if self.data_npz:
            blob = _npz_base64({"X_train": self.X_train, "y_train": self.y_train,
                                "X_test": self.X_test, "y_test": self.y_test})
            return head + "\n" + _string_constant(
                "DATA_NPZ", blob,
                f"X_train, y_train, X_test, y_test: the network's inputs (after the feature "
                f"transform)\n# and the {label_kind}, as a base64 .npz")
        return "\n\n".join([
            head + "\n" + _assign(
                "X_TRAIN", self.X_train,
                f"Training inputs, ({self.n_train}, {self.sizes[0]}): the network's inputs "
                f"{', '.join(self.input_names)}"),
            _assign("Y_TRAIN", self.y_train, f"Training {label_kind}, ({self.n_train},)"),
            _assign("X_TEST", self.X_test, f"Test inputs, ({self.n_test}, {self.sizes[0]})"),
            _assign("Y_TEST", self.y_test, f"Test {label_kind}, ({self.n_test},)"),
        ])

    def _loaders(self, np_dtype: str) -> str:
        y_dtype = "np.int64" if self.y_integer else "np.float64"
        if self.data_npz:
            data = _block(f'''
                def load_data():
                    """(X_train, y_train, X_test, y_test): inputs X (m, n_inputs), labels y (m,)."""
                    with np.load(io.BytesIO(base64.b64decode(DATA_NPZ)), allow_pickle=False) as npz:
                        return (npz["X_train"].astype({np_dtype}), npz["y_train"],
                                npz["X_test"].astype({np_dtype}), npz["y_test"])
                ''')
        else:
            data = _block(f'''
                def load_data():
                    """(X_train, y_train, X_test, y_test): inputs X (m, n_inputs), labels y (m,)."""
                    X_train = np.array(X_TRAIN, dtype=np.float64).reshape(-1, SIZES[0])
                    X_test = np.array(X_TEST, dtype=np.float64).reshape(-1, SIZES[0])
                    y_train = np.array(Y_TRAIN, dtype={y_dtype})
                    y_test = np.array(Y_TEST, dtype={y_dtype})
                    return X_train.astype({np_dtype}), y_train, X_test.astype({np_dtype}), y_test
                ''')
        if self.loss == "cross_entropy":
            targets = _block(f'''
                def targets(labels):
                    """Class labels (m,) -> one-hot targets Y (m, n_classes)."""
                    Y = np.zeros((len(labels), SIZES[-1]), dtype={np_dtype})
                    Y[np.arange(len(labels)), labels] = 1.0
                    return Y
                ''')
        else:
            targets = _block(f'''
                def targets(labels):
                    """Labels or targets (m,) -> the target matrix Y (m, 1)."""
                    return np.asarray(labels).reshape(len(labels), 1).astype({np_dtype})
                ''')
        state_names = [_STATE_NAMES[self.optimizer][n][0] for n in self.state]
        if self.weights_npz:
            weights = _block(f'''
                def load_npz_layers(prefix=""):
                    """[{{"W": (n_in, n_out), "b": (n_out,)}}, ...] from WEIGHTS_NPZ, e.g. prefix "m_"."""
                    with np.load(io.BytesIO(base64.b64decode(WEIGHTS_NPZ)), allow_pickle=False) as npz:
                        return [{{"W": npz[f"{{prefix}}W{{i}}"].astype({np_dtype}),
                                 "b": npz[f"{{prefix}}b{{i}}"].astype({np_dtype})}}
                                for i in range(1, len(SIZES))]


                def load_weights():
                    """[{{"W": (n_in, n_out), "b": (n_out,)}}, ...]: the weights when exported."""
                    return load_npz_layers()
                ''')
            entries = [f'"{n}": load_npz_layers("{n}_") if {s}_SAVED else zeros_like(params)'
                       for n, s in zip(self.state, state_names)]
        else:
            weights = _block(f'''
                def as_arrays(layers):
                    """[{{"W": nested lists, "b": list}}, ...] -> the same with NumPy arrays."""
                    return [{{"W": np.array(layer["W"], dtype={np_dtype}),
                             "b": np.array(layer["b"], dtype={np_dtype})}} for layer in layers]


                def load_weights():
                    """[{{"W": (n_in, n_out), "b": (n_out,)}}, ...]: the weights when exported."""
                    return as_arrays(WEIGHTS)
                ''')
            entries = [f'"{n}": zeros_like(params) if {s} is None else as_arrays({s})'
                       for n, s in zip(self.state, state_names)]
        if not self.state:
            state = _block('''
                def load_optimizer_state(params):
                    """The optimizer's step count t (plain gradient descent keeps nothing else)."""
                    return {"t": OPTIMIZER_STEPS}
                ''')
        else:
            body = "".join(f"        {e},\n" for e in ['"t": OPTIMIZER_STEPS'] + entries)
            state = _block('''
                def zeros_like(params):
                    """Zeros shaped like params: [{"W": (n_in, n_out), "b": (n_out,)}, ...]."""
                    return [{"W": np.zeros_like(p["W"]), "b": np.zeros_like(p["b"])} for p in params]


                def load_optimizer_state(params):
                    """The optimizer's step count t and running averages (shaped like params)."""
                    return {
                ''') + "\n" + body + "    }"
        return "\n\n\n".join([data, targets, weights, state])

    def _batches_class(self, torch: bool) -> str:
        index = ("torch.from_numpy(self.order[start:start + self.size])" if torch
                 else "self.order[start:start + self.size]")
        return _block(f'''
            class Batches:
                """Backprop Lab's mini-batch order: at the start of every epoch, a fresh random
                permutation of the training samples from one NumPy generator, cut into consecutive
                batches of BATCH_SIZE (the last one may be smaller).  The whole set when BATCH_SIZE
                is None or not smaller than the training set (then nothing is shuffled)."""

                def __init__(self, n_train):
                    self.n = n_train
                    self.size = n_train if BATCH_SIZE is None else min(BATCH_SIZE, n_train)
                    self.steps_per_epoch = -(-n_train // self.size)          # ceil(n / size)
                    self.rng = np.random.default_rng(SEED)
                    self.rng.bit_generator.state = RNG_STATE                 # as when exported
                    self.order = None if ORDER is None else np.array(ORDER, dtype=np.int64)
                    self.cursor = CURSOR                                     # next batch's index

                def next(self):
                    """The sample indices of the next step (a slice: all of them)."""
                    if self.size >= self.n:
                        return slice(None)
                    if self.order is None:
                        self.order = self.rng.permutation(self.n)
                    start = self.cursor * self.size
                    return {index}

                def advance(self):
                    """Move past the batch just used; True when that finished the epoch."""
                    self.cursor += 1
                    if self.cursor < self.steps_per_epoch:
                        return False
                    self.cursor, self.order = 0, None
                    return True
            ''')

    def _imports(self, torch: bool) -> str:
        lines = ["import argparse"]
        if self.data_npz or self.weights_npz:
            lines += ["import base64", "import io"]
        lines += ["import math", "", "import numpy as np"]
        if torch:
            lines.append("import torch")
            if "leaky_relu" in self.activations or self.loss != "mse":
                lines.append("import torch.nn.functional as F")
            lines.append("from torch import nn")
        return "\n".join(lines)

    def _final_lines(self, source: str) -> str:
        return _block(f'''
            print(f"final epoch: {{epoch}}")
            print(f"final train loss: {{train_loss!r}}")
            print(f"final train {self.metric}: {{train_score!r}}")
            if L1 or L2:
                print(f"final train penalty: {{{source}!r}}")
            if len(y_test):
                test_loss, test_score = evaluate({{model}}, X_test, Y_test, y_test)
                print(f"final test loss: {{test_loss!r}}")
                print(f"final test {self.metric}: {{test_score!r}}")
            ''')

    def _assemble(self, docstring: str, imports: str, settings: str, functions: list[str],
                  main: str) -> str:
        sections = [docstring + "\n" + imports, settings] + functions + [main]
        code = "\n\n\n".join(sections)
        numbers = "\n\n".join([self._shuffler_constants(), self._weight_constants(),
                               self._data_constants()])
        tail = _block('''
            if __name__ == "__main__":
                main()
            ''')
        header = ("# " + "=" * 30 + " the numbers: shuffler, weights, optimizer state, data\n"
                  "# (defined after the code so that it reads first; only used once main() runs)")
        return code + "\n\n\n" + header + "\n" + numbers + "\n\n\n" + tail + "\n"

    # ------------------------------------------------------------------------ NumPy
    def numpy_script(self) -> str:
        used = list(dict.fromkeys(self.activations))
        functions = [
            self._loaders("DTYPE"),
            self._np_activate(used),
            self._np_activation_backward(used),
            self._np_forward(),
            self._np_loss(),
            self._np_penalty(),
            self._np_output_dZ(),
            self._np_backward(),
            self._np_update(),
            self._np_score(),
            self._np_evaluate(),
            self._batches_class(torch=False),
        ]
        return self._assemble(self._docstring("numpy", "Python 3 and NumPy"),
                              self._imports(False), self._settings(False),
                              functions, self._np_main())

    _NP_FORWARD = {
        "identity": ("Z", "g(z) = z"),
        "relu": ("np.maximum(Z, 0.0)", "g(z) = max(0, z)"),
        "leaky_relu": ("np.maximum(Z, Z * LEAKY_SLOPE)", "g(z) = max(LEAKY_SLOPE * z, z)"),
        "sigmoid": ("1.0 / (1.0 + np.exp(-np.maximum(Z, -EXP_LIMIT)))", "g(z) = 1 / (1 + e^-z)"),
        "tanh": ("np.tanh(Z)", "g(z) = tanh(z)"),
    }
    _NP_BACKWARD = {
        "identity": ("dA", "g'(z) = 1"),
        "relu": ("dA * (Z > 0)", "g'(z) = 1 if z > 0 else 0"),
        "leaky_relu": ("np.where(Z > 0, dA, LEAKY_SLOPE * dA)",
                       "g'(z) = 1 if z > 0 else LEAKY_SLOPE"),
        "sigmoid": ("(1.0 - A) * A * dA", "g'(z) = g(z) (1 - g(z))"),
        "tanh": ("(1.0 - A * A) * dA", "g'(z) = 1 - tanh(z)^2"),
    }

    def _np_activate(self, used) -> str:
        lines = ["def activate(name, Z):",
                 '    """A = g(Z) for the pre-activations Z (m, n) of a layer; A is (m, n)."""']
        for name in used:
            if name == "softmax":
                lines += ['    if name == "softmax":  # row-wise: e^z_k / sum_j e^z_j',
                          "        E = np.exp(Z - Z.max(axis=1, keepdims=True))  # no overflow",
                          "        return E / E.sum(axis=1, keepdims=True)"]
            else:
                expr, formula = self._NP_FORWARD[name]
                lines += [f'    if name == "{name}":  # {formula}', f"        return {expr}"]
        lines.append('    raise ValueError(f"unknown activation {name!r}")')
        return "\n".join(lines)

    def _np_activation_backward(self, used) -> str:
        lines = ["def activation_backward(name, dA, Z, A):",
                 '    """dZ = dA * g\'(Z), all (m, n), given the layer\'s Z and A = g(Z)."""']
        for name in used:
            if name == "softmax":
                continue            # only ever an output layer, handled by output_dZ
            expr, formula = self._NP_BACKWARD[name]
            lines += [f'    if name == "{name}":  # {formula}', f"        return {expr}"]
        lines.append('    raise ValueError(f"no derivative for activation {name!r}")')
        return "\n".join(lines)

    @staticmethod
    def _np_forward() -> str:
        return _block('''
            def forward(params, X):
                """The forward pass.  X (m, n_0) -> [(A_prev, Z, A) of every layer].

                Layer l computes Z = A_prev @ W + b (m, n_l) and A = g(Z) (m, n_l); the last A is
                the prediction.  Backpropagation needs all of them, so they are kept.
                """
                caches = []
                A = X
                for layer, name in zip(params, ACTIVATIONS):
                    Z = A @ layer["W"] + layer["b"]          # (m, n_in) @ (n_in, n_out) + (n_out,)
                    A_next = activate(name, Z)
                    caches.append((A, Z, A_next))
                    A = A_next
                return caches
            ''')

    def _np_loss(self) -> str:
        body = {
            "mse": _block('''
                d = A - Y
                per_sample = 0.5 * (d * d).sum(axis=1)      # 1/2 sum_k (A_k - Y_k)^2
                '''),
            "bce": _block('''
                # -[Y log sigmoid(Z) + (1 - Y) log(1 - sigmoid(Z))], written so it never takes log(0)
                terms = np.maximum(Z, 0.0) - Z * Y + np.log1p(np.exp(-np.abs(Z)))
                per_sample = terms.sum(axis=1)
                '''),
            "cross_entropy": _block('''
                # -sum_k Y_k log softmax(Z)_k = logsumexp(Z) - sum_k Y_k Z_k  (Y is one-hot)
                z_max = Z.max(axis=1)
                logsumexp = z_max + np.log(np.exp(Z - z_max[:, None]).sum(axis=1))
                per_sample = logsumexp - (Y * Z).sum(axis=1)
                '''),
        }[self.loss]
        return ("def loss(Z, A, Y):\n"
                f'    """The {self.loss} loss, a float: the mean over the m samples of each '
                'sample\'s loss.\n    Z, A: the output layer\'s (m, n_L); Y: targets (m, n_L)."""\n'
                + textwrap.indent(body, "    ") + "\n"
                "    return float(per_sample.sum()) / len(per_sample)")

    @staticmethod
    def _np_penalty() -> str:
        return _block('''
            def penalty(params):
                """L1 * sum|W| + (L2 / 2) * sum W^2 over every layer's weights (not the biases)."""
                total = 0.0
                for layer in params:
                    if L1:
                        total += L1 * float(np.abs(layer["W"]).sum())
                    if L2:
                        total += 0.5 * L2 * float((layer["W"] * layer["W"]).sum())
                return total
            ''')

    def _np_output_dZ(self) -> str:
        out = self.activations[-1]
        if self.loss == "mse" and out != "identity":
            body = (f"    # dL_i/dA = A - Y, through the {out} output: dZ = (A - Y) * g'(Z)\n"
                    "    return activation_backward(ACTIVATIONS[-1], A - Y, Z, A)")
        else:
            reason = {"mse": "the identity output", "bce": "the sigmoid output",
                      "cross_entropy": "the softmax output"}[self.loss]
            body = (f"    # The {self.loss} loss and {reason} simplify together to A - Y.\n"
                    "    return A - Y")
        return ("def output_dZ(Z, A, Y):\n"
                '    """dZ of the output layer, (m, n_L): the derivative of each sample\'s loss '
                'by Z."""\n' + body)

    @staticmethod
    def _np_backward() -> str:
        return _block('''
            def backward(params, caches, Y):
                """Backpropagation: the gradient of the mean loss + penalty by every W and b.

                params: [{"W": (n_in, n_out), "b": (n_out,)}, ...];  caches: from forward;
                Y: targets (m, n_L).  Returns [{"W": dW, "b": db}, ...] shaped like params.
                """
                m = Y.shape[0]
                grads = [None] * len(params)
                _, Z, A = caches[-1]
                dZ = output_dZ(Z, A, Y)                              # (m, n_L), per sample
                for i in reversed(range(len(params))):
                    A_prev, Z, A = caches[i]
                    W = params[i]["W"]
                    dW = (A_prev.T @ dZ) * (1.0 / m)                 # (n_in, n_out): mean over samples
                    db = dZ.sum(axis=0) * (1.0 / m)                  # (n_out,)
                    if L2:
                        dW = dW + L2 * W                             # d/dW of (L2 / 2) * sum W^2
                    if L1:
                        dW = dW + L1 * np.sign(W)                    # d/dW of L1 * sum|W|
                    grads[i] = {"W": dW, "b": db}
                    if i > 0:
                        dA_prev = dZ @ W.T                           # (m, n_in)
                        _, Z_prev, A_prev_out = caches[i - 1]
                        dZ = activation_backward(ACTIVATIONS[i - 1], dA_prev, Z_prev, A_prev_out)
                return grads
            ''')

    def _np_update(self) -> str:
        return {
            "sgd": _block('''
                def update(params, grads, state):
                    """One step of gradient descent, in place: theta <- theta - lr * g."""
                    state["t"] += 1
                    for layer, grad in zip(params, grads):
                        for key in ("W", "b"):
                            layer[key] += grad[key] * -LEARNING_RATE
                '''),
            "momentum": _block('''
                def update(params, grads, state):
                    """One step of classical momentum, in place:
                    v <- BETA * v + g;  theta <- theta - lr * v."""
                    state["t"] += 1
                    for layer, grad, v in zip(params, grads, state["v"]):
                        for key in ("W", "b"):
                            v[key] = BETA * v[key] + grad[key]
                            layer[key] += v[key] * -LEARNING_RATE
                '''),
            "rmsprop": _block('''
                def update(params, grads, state):
                    """One RMSprop step, in place:
                    s <- RHO * s + (1 - RHO) * g^2;  theta <- theta - lr * g / (sqrt(s) + EPS)."""
                    state["t"] += 1
                    for layer, grad, s in zip(params, grads, state["s"]):
                        for key in ("W", "b"):
                            g = grad[key]
                            s[key] = RHO * s[key] + (1.0 - RHO) * (g * g)
                            layer[key] += (g / (np.sqrt(s[key]) + EPS)) * -LEARNING_RATE
                '''),
            "adam": _block('''
                def update(params, grads, state):
                    """One Adam step, in place (bias-corrected, arranged as PyTorch does):
                    m <- BETA1 * m + (1 - BETA1) * g;   v <- BETA2 * v + (1 - BETA2) * g^2;
                    theta <- theta - lr / (1 - BETA1^t) * m / (sqrt(v) / sqrt(1 - BETA2^t) + EPS)."""
                    state["t"] += 1
                    t = state["t"]
                    for layer, grad, m, v in zip(params, grads, state["m"], state["v"]):
                        for key in ("W", "b"):
                            g = grad[key]
                            m[key] = BETA1 * m[key] + (1.0 - BETA1) * g
                            v[key] = BETA2 * v[key] + (1.0 - BETA2) * (g * g)
                            denominator = np.sqrt(v[key]) * (1.0 / math.sqrt(1.0 - BETA2 ** t)) + EPS
                            layer[key] += (m[key] / denominator) * (-LEARNING_RATE / (1.0 - BETA1 ** t))
                '''),
        }[self.optimizer]

    def _score_function(self, torch: bool) -> str:
        if self.metric == "r2":
            if torch:
                return _block('''
                    def score(A, y):
                        """R^2 = 1 - sum (prediction - y)^2 / sum (y - mean y)^2 (one output)."""
                        residual = float(((A[:, 0] - y) ** 2).sum())
                        total = float(((y - y.mean()) ** 2).sum())
                        if total == 0.0:
                            return 1.0 if residual == 0.0 else 0.0
                        return 1.0 - residual / total
                    ''')
            return _block('''
                def score(A, y):
                    """R^2 = 1 - sum (prediction - y)^2 / sum (y - mean y)^2 (one output)."""
                    residual = float(np.sum((A[:, 0] - y) ** 2))
                    total = float(np.sum((y - y.mean()) ** 2))
                    if total == 0.0:
                        return 1.0 if residual == 0.0 else 0.0
                    return 1.0 - residual / total
                ''')
        if torch:
            return _block('''
                def score(A, labels):
                    """Accuracy: the fraction of samples whose predicted class is the label
                    (output > 0.5 for one output unit, else the unit with the highest output)."""
                    predicted = (A[:, 0] > 0.5).long() if A.shape[1] == 1 else A.argmax(dim=1)
                    return int((predicted == labels).sum()) / len(labels)
                ''')
        return _block('''
            def score(A, labels):
                """Accuracy: the fraction of samples whose predicted class is the label
                (output > 0.5 for one output unit, else the unit with the highest output)."""
                predicted = (A[:, 0] > 0.5) if A.shape[1] == 1 else A.argmax(axis=1)
                return float(np.count_nonzero(predicted == labels)) / len(labels)
            ''')

    def _np_score(self) -> str:
        return self._score_function(torch=False)

    @staticmethod
    def _np_evaluate() -> str:
        return _block('''
            def evaluate(params, X, Y, labels):
                """(mean loss, score) over a whole split, as Backprop Lab's history records them
                (the loss without the penalty)."""
                _, Z, A = forward(params, X)[-1]
                return loss(Z, A, Y), score(A, labels)
            ''')

    def _main_common_head(self) -> str:
        return _block('''
            parser = argparse.ArgumentParser(
                description="Train the network exported from Backprop Lab on from where it was.")
            parser.add_argument("--epochs", type=int, default=100,
                                help="how many epochs to train (default: 100)")
            args = parser.parse_args()
            if args.epochs < 0:
                parser.error("--epochs must be 0 or more")
            ''')

    def _np_main(self) -> str:
        head = textwrap.indent(self._main_common_head(), "    ")
        final = textwrap.indent(self._final_lines("penalty(params)").replace("{model}", "params"),
                                "    ")
        return (f"def main():\n{head}\n\n" + textwrap.indent(_block(f'''
            X_train, y_train, X_test, y_test = load_data()
            Y_train, Y_test = targets(y_train), targets(y_test)
            params = load_weights()
            state = load_optimizer_state(params)
            batches = Batches(len(X_train))
            epoch = EPOCH
            every = max(1, args.epochs // 10)        # report about ten times

            # Steps that overshoot can overflow: that is detected below (a gradient or loss that
            # is not a finite number stops training), so NumPy's overflow warnings are silenced.
            with np.errstate(over="ignore", invalid="ignore"):
                train_loss, train_score = evaluate(params, X_train, Y_train, y_train)
                print(f"epoch {{epoch}} (exported): train loss {{train_loss:.6g}}, "
                      f"{self.metric} {{train_score:.4g}}")
                last_good = (epoch, [{{k: a.copy() for k, a in p.items()}} for p in params])
                diverged = None
                for i in range(args.epochs):
                    finished = False
                    while not finished:                  # the steps of one epoch
                        idx = batches.next()
                        caches = forward(params, X_train[idx])
                        grads = backward(params, caches, Y_train[idx])
                        if not all(np.isfinite(g[k]).all() for g in grads for k in g):
                            diverged = "the gradient overflowed"
                            break
                        update(params, grads, state)
                        finished = batches.advance()
                    if diverged:
                        break
                    epoch += 1
                    train_loss, train_score = evaluate(params, X_train, Y_train, y_train)
                    largest = max(float(np.abs(p[k]).max()) for p in params for k in p)
                    if not (math.isfinite(train_loss) and math.isfinite(largest)):
                        diverged = "the loss became infinite or NaN"
                    elif train_loss > RISE * REFERENCE_LOSS:
                        diverged = "the loss exploded"
                    elif largest > GROWTH * REFERENCE_WEIGHT:
                        diverged = "the weights exploded"
                    if diverged:
                        break
                    if train_loss <= HEALTHY * REFERENCE_LOSS:
                        last_good = (epoch, [{{k: a.copy() for k, a in p.items()}} for p in params])
                    if (i + 1) % every == 0 or i + 1 == args.epochs:
                        print(f"epoch {{epoch}}: train loss {{train_loss:.6g}}, "
                              f"{self.metric} {{train_score:.4g}}")
                if diverged:
                    epoch, params = last_good
                    train_loss, train_score = evaluate(params, X_train, Y_train, y_train)
                    print(f"training diverged ({{diverged}}): stopped, back to the weights of "
                          f"epoch {{epoch}}; try a lower learning rate")
            '''), "    ") + "\n\n" + final)

    # ------------------------------------------------------------------------ PyTorch
    def pytorch_script(self) -> str:
        used = list(dict.fromkeys(self.activations))
        functions = [
            self._loaders("NP_DTYPE"),
            self._torch_activate(used),
            self._torch_model(),
            self._torch_loss(),
            self._torch_penalty(),
            self._score_function(torch=True),
            self._torch_evaluate(),
            self._torch_optimizer(),
            self._batches_class(torch=True),
        ]
        return self._assemble(self._docstring("torch", "Python 3, NumPy and PyTorch"),
                              self._imports(True), self._settings(True),
                              functions, self._torch_main())

    _TORCH_FORWARD = {
        "identity": "Z",
        "relu": "torch.relu(Z)",
        "leaky_relu": "F.leaky_relu(Z, negative_slope=LEAKY_SLOPE)",
        "sigmoid": "torch.sigmoid(Z)",
        "tanh": "torch.tanh(Z)",
        "softmax": "torch.softmax(Z, dim=1)",
    }

    def _torch_activate(self, used) -> str:
        lines = ["def activate(name, Z):",
                 '    """A = g(Z) for the pre-activations Z (m, n) of a layer; A is (m, n)."""']
        for name in used:
            lines += [f'    if name == "{name}":', f"        return {self._TORCH_FORWARD[name]}"]
        lines.append('    raise ValueError(f"unknown activation {name!r}")')
        return "\n".join(lines)

    @staticmethod
    def _torch_model() -> str:
        return _block('''
            class MLP(nn.Module):
                """Dense layers Z = A_prev @ W.T + b, each followed by its activation.

                torch.nn.Linear keeps W as (n_out, n_in): the transpose of Backprop Lab's
                (n_in, n_out), so the exported weights are transposed when they are copied in.
                """

                def __init__(self, weights):
                    super().__init__()
                    self.layers = nn.ModuleList(
                        nn.Linear(n_in, n_out, dtype=DTYPE) for n_in, n_out in zip(SIZES, SIZES[1:]))
                    with torch.no_grad():
                        for linear, layer in zip(self.layers, weights):
                            linear.weight.copy_(torch.from_numpy(layer["W"].T.copy()))  # (n_out, n_in)
                            linear.bias.copy_(torch.from_numpy(layer["b"]))

                def forward(self, X):
                    """X (m, n_0) -> (Z, A) of the output layer, both (m, n_L)."""
                    A = X
                    for linear, name in zip(self.layers, ACTIVATIONS):
                        Z = linear(A)
                        A = activate(name, Z)
                    return Z, A
            ''')

    def _torch_loss(self) -> str:
        body = {
            "mse": '    return 0.5 * ((A - Y) ** 2).sum() / len(Y)         # 1/(2m) sum (A - Y)^2',
            "bce": ("    # binary cross-entropy of sigmoid(Z), from the logits Z: summed over the "
                    "outputs,\n    # averaged over the samples\n"
                    '    return F.binary_cross_entropy_with_logits(Z, Y, reduction="sum") / len(Y)'),
            "cross_entropy": "    return F.cross_entropy(Z, labels)     # log-softmax of Z, "
                             "mean over the samples",
        }[self.loss]
        return ("def data_loss(Z, A, Y, labels):\n"
                f'    """The {self.loss} loss, a 0-d tensor: the mean over the m samples of each '
                'sample\'s loss.\n    Z, A: the output layer\'s (m, n_L); Y: targets (m, n_L); '
                'labels (m,)."""\n' + body)

    @staticmethod
    def _torch_penalty() -> str:
        return _block('''
            def penalty(model):
                """L1 * sum|W| + (L2 / 2) * sum W^2 over every layer's weights (not the biases)."""
                total = torch.zeros((), dtype=DTYPE)
                for linear in model.layers:
                    if L1:
                        total = total + L1 * linear.weight.abs().sum()
                    if L2:
                        total = total + 0.5 * L2 * (linear.weight * linear.weight).sum()
                return total
            ''')

    @staticmethod
    def _torch_evaluate() -> str:
        return _block('''
            def evaluate(model, X, Y, labels):
                """(mean loss, score) over a whole split, as Backprop Lab's history records them
                (the loss without the penalty)."""
                with torch.no_grad():
                    Z, A = model(X)
                    return data_loss(Z, A, Y, labels).item(), score(A, labels)
            ''')

    def _torch_optimizer(self) -> str:
        make = {
            "sgd": "torch.optim.SGD(params, lr=LEARNING_RATE)",
            "momentum": "torch.optim.SGD(params, lr=LEARNING_RATE, momentum=BETA)",
            "rmsprop": "torch.optim.RMSprop(params, lr=LEARNING_RATE, alpha=RHO, eps=EPS)",
            "adam": "torch.optim.Adam(params, lr=LEARNING_RATE, betas=(BETA1, BETA2), eps=EPS)",
        }[self.optimizer]
        notes = {
            "sgd": "    # theta <- theta - lr * g",
            "momentum": (
                "    # v <- BETA v + g;  theta <- theta - lr v  (the buffer v is always given, "
                "zero\n    # before the first step: torch would start it at g, the same "
                "numbers)"),
            "rmsprop": ("    # s <- RHO s + (1 - RHO) g^2;  theta <- theta - lr g / (sqrt(s) + "
                        "EPS)  (EPS outside the root)"),
            "adam": ("    # m <- BETA1 m + (1 - BETA1) g;  v <- BETA2 v + (1 - BETA2) g^2;\n"
                     "    # theta <- theta - lr / (1 - BETA1^t) * m / (sqrt(v) / sqrt(1 - "
                     "BETA2^t) + EPS)"),
        }[self.optimizer]
        lines = []
        if self.optimizer != "sgd":
            lines += _block('''
                def as_parameters(layers):
                    """[{"W": (n_in, n_out), "b": (n_out,)}, ...] (NumPy) -> tensors in the order and
                    layout of model.parameters(): [W1.T, b1, W2.T, b2, ...]."""
                    return [torch.from_numpy(a) for layer in layers for a in (layer["W"].T.copy(), layer["b"])]
                ''').splitlines() + ["", ""]
        lines += [
            "def make_optimizer(model, state):",
            '    """torch.optim configured as Backprop Lab\'s optimizer, continuing from its '
            'running state\n    (state: from load_optimizer_state, shaped like Backprop Lab\'s '
            'weights)."""',
            notes,
            "    params = list(model.parameters())            # W1, b1, W2, b2, ...",
            f"    optimizer = {make}",
        ]
        if self.optimizer != "sgd":
            keys = _TORCH_STATE[self.optimizer]
            names = list(keys)
            saved = ", ".join(f'as_parameters(state["{n}"])' for n in names)
            lines.append("    # the running state when exported, for each parameter")
            lines.append(f"    for p, {', '.join(names)} in zip(params, {saved}):")
            entries = [f'"{keys[n]}": {n}' for n in names]
            if self.optimizer != "momentum":
                entries.insert(0, '"step": torch.tensor(float(state["t"]))')
            lines.append("        optimizer.state[p] = {"
                         + ",\n                              ".join(entries) + "}")
        lines.append("    return optimizer")
        return "\n".join(lines)

    def _torch_main(self) -> str:
        head = textwrap.indent(self._main_common_head(), "    ")
        final = textwrap.indent(self._final_lines("penalty(model).item()")
                                .replace("{model}", "model"), "    ")
        y_tensor = ("torch.from_numpy(y_train)", "torch.from_numpy(y_test)")
        return (f"def main():\n{head}\n\n" + textwrap.indent(_block(f'''
            X_train, y_train, X_test, y_test = load_data()
            Y_train, Y_test = torch.from_numpy(targets(y_train)), torch.from_numpy(targets(y_test))
            X_train, X_test = torch.from_numpy(X_train), torch.from_numpy(X_test)
            y_train, y_test = {y_tensor[0]}, {y_tensor[1]}
            weights = load_weights()                     # Backprop Lab's layout: W (n_in, n_out)
            model = MLP(weights)
            optimizer = make_optimizer(model, load_optimizer_state(weights))
            batches = Batches(len(X_train))
            epoch = EPOCH
            every = max(1, args.epochs // 10)        # report about ten times

            train_loss, train_score = evaluate(model, X_train, Y_train, y_train)
            print(f"epoch {{epoch}} (exported): train loss {{train_loss:.6g}}, "
                  f"{self.metric} {{train_score:.4g}}")
            last_good = (epoch, {{k: v.clone() for k, v in model.state_dict().items()}})
            diverged = None
            for i in range(args.epochs):
                finished = False
                while not finished:                      # the steps of one epoch
                    idx = batches.next()
                    optimizer.zero_grad()
                    Z, A = model(X_train[idx])
                    objective = data_loss(Z, A, Y_train[idx], y_train[idx]) + penalty(model)
                    objective.backward()                 # autograd fills every p.grad
                    if not all(torch.isfinite(p.grad).all() for p in model.parameters()):
                        diverged = "the gradient overflowed"
                        break
                    optimizer.step()
                    finished = batches.advance()
                if diverged:
                    break
                epoch += 1
                train_loss, train_score = evaluate(model, X_train, Y_train, y_train)
                largest = max(p.detach().abs().max().item() for p in model.parameters())
                if not (math.isfinite(train_loss) and math.isfinite(largest)):
                    diverged = "the loss became infinite or NaN"
                elif train_loss > RISE * REFERENCE_LOSS:
                    diverged = "the loss exploded"
                elif largest > GROWTH * REFERENCE_WEIGHT:
                    diverged = "the weights exploded"
                if diverged:
                    break
                if train_loss <= HEALTHY * REFERENCE_LOSS:
                    last_good = (epoch, {{k: v.clone() for k, v in model.state_dict().items()}})
                if (i + 1) % every == 0 or i + 1 == args.epochs:
                    print(f"epoch {{epoch}}: train loss {{train_loss:.6g}}, "
                          f"{self.metric} {{train_score:.4g}}")
            if diverged:
                epoch, weights = last_good
                model.load_state_dict(weights)
                train_loss, train_score = evaluate(model, X_train, Y_train, y_train)
                print(f"training diverged ({{diverged}}): stopped, back to the weights of "
                      f"epoch {{epoch}}; try a lower learning rate")
            '''), "    ") + "\n\n" + final)
