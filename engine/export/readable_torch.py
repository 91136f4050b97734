"""The readable PyTorch script: ``templates/torch_mlp.py`` filled in for one session.

``nn.Sequential`` of ``nn.Linear`` layers and activation modules, float32, a ``DataLoader``, a
standard loss module and ``torch.optim``; the session's current weights go in through
``load_state_dict``.  Where Backprop Lab's conventions differ from PyTorch's, the script
converts them and says so: the loss is computed from the logits (so the model ends without its
sigmoid or softmax), the MSE is half the mean.  Gradient clipping is ``clip_grad_norm_``; the
learning-rate schedule a scheduler stepped once per epoch (``StepLR``, ``ExponentialLR``, or
``LambdaLR`` for the cosine schedule, which stays at its floor where ``CosineAnnealingLR``
would rise again).
"""
from __future__ import annotations

import numpy as np

from ..training.schedules import CosineDecay
from . import literals
from .readable import Readable
from .slots import fill, template_source

MODULES = {"relu": "nn.ReLU()", "sigmoid": "nn.Sigmoid()", "tanh": "nn.Tanh()",
           "softmax": "nn.Softmax(dim=1)"}
HOW = "nn.Sequential layers, a DataLoader, a loss module from torch.nn and torch.optim."
LOSSES = {
    "bce": "# Backprop Lab's bce is computed from the logits: BCEWithLogitsLoss applies the sigmoid\n"
           "loss_fn = nn.BCEWithLogitsLoss()",
    "cross_entropy": "# Backprop Lab's cross-entropy is computed from the logits: CrossEntropyLoss "
                     "applies the softmax\nloss_fn = nn.CrossEntropyLoss()",
    "mse": "mse = nn.MSELoss()\n\n\n"
           "def loss_fn(output, y):\n"
           '    """Backprop Lab\'s MSE: half the mean squared error, 1/(2m)·Σ(output − y)²."""\n'
           "    return mse(output, y) / 2",
}


def torch_script(r: Readable) -> tuple[str, dict[str, bytes]]:
    """(the script's text, {side file name: bytes}) of the readable PyTorch export."""
    layers, keys = _sequential(r)
    weights = {}
    for (W, b), key in zip(r.weights, keys):
        weights[f"{key}.weight"], weights[f"{key}.bias"] = W.T, b     # nn.Linear: (n_out, n_in)
    y_train, y_test = r.labels if r.task == "classes" else (r.Y_train, r.Y_test)
    data = {"X_train": r.X_train, "y_train": y_train, "X_test": r.X_test, "y_test": y_test}
    files = {}
    slots = {
        "__doc__": r.docstring("PyTorch", HOW),
        "model": "model = nn.Sequential(\n" + "".join(f"    {m}\n" for m in layers) + ")",
        "loss_fn": LOSSES[r.loss],
        "optimizer": _optimizer(r),
        "loader": _loader(r),
        "loss": "loss = loss_fn(model(X), y)" + (" + penalty()" if r.l1 or r.l2 else ""),
        "L1": f"L1, L2 = {r.l1!r}, {r.l2!r}",
        **_scheduler(r),
    }
    if r.clip_norm is None:
        slots["nn.utils.clip_grad_norm_()"] = None
    else:
        slots["nn.utils.clip_grad_norm_()"] = (
            "# Backprop Lab's gradient clipping: the whole gradient scaled down to this norm\n"
            f"nn.utils.clip_grad_norm_(model.parameters(), max_norm={r.clip_norm!r})")
    if r.inline:
        for name, array in data.items():
            slots[name] = _tensor(name, array, r.sizes[0])
        # Each list opens at column len(k) + 21 and is followed by "),".
        slots["weights"] = ("# The weights when exported, W as (n_out, n_in) like nn.Linear\n"
                            "weights = {\n" + "".join(
                                f'    "{k}": torch.tensor({_numbers(v, 4, len(k) + 22)}),\n'
                                for k, v in weights.items()) + "}")
    else:
        files[f"{r.name}.npz"] = literals.npz_bytes(
            {k: np.asarray(v, np.float32) if k.startswith("X") or v.dtype.kind == "f" else v
             for k, v in {**data, **weights}.items()})
        slots["ARRAYS"] = f'# The data and the weights when exported\nARRAYS = "{r.name}.npz"'
        for name in data:
            slots[name] = f'{name} = load("{name}")'
        slots["weights"] = "weights = {name: load(name) for name in model.state_dict()}"
    return fill(template_source("torch_mlp"), slots, {"evaluate": r.task}), files


def _sequential(r: Readable) -> tuple[list[str], list[int]]:
    """The modules of nn.Sequential and the index of each nn.Linear among them."""
    modules, keys = [], []
    for i, (n_in, n_out, act) in enumerate(zip(r.sizes, r.sizes[1:], r.activations)):
        keys.append(len(modules))
        modules.append(f"nn.Linear({n_in}, {n_out})")
        last = i == len(r.activations) - 1
        if act == "identity" or (last and r.loss != "mse"):
            continue            # the loss applies the output's sigmoid or softmax
        modules.append(f"nn.LeakyReLU({r.slopes[i]!r})" if act == "leaky_relu" else MODULES[act])
    modules = [m + "," for m in modules]
    if r.loss != "mse" and r.activations[-1] != "identity":
        modules[-1] += f"  # no {r.activations[-1]}: the loss applies it"
    return modules, keys


def _optimizer(r: Readable) -> str:
    h, lr = r.hyper, r.hyper["learning_rate"]
    if r.optimizer == "sgd":
        return f"optimizer = torch.optim.SGD(model.parameters(), lr={lr!r})"
    if r.optimizer == "momentum":
        nesterov = ", nesterov=True" if r.nesterov else ""
        return (f"optimizer = torch.optim.SGD(model.parameters(), lr={lr!r}, "
                f"momentum={h['beta']!r}{nesterov})")
    if r.optimizer == "rmsprop":
        extra = _non_default({"alpha": (h["rho"], 0.99), "eps": (h["eps"], 1e-8)})
        return f"optimizer = torch.optim.RMSprop(model.parameters(), lr={lr!r}{extra})"
    if r.optimizer == "adam":
        betas = (h["beta1"], h["beta2"])
        extra = _non_default({"betas": (betas, (0.9, 0.999)), "eps": (h["eps"], 1e-8)})
        return f"optimizer = torch.optim.Adam(model.parameters(), lr={lr!r}{extra})"
    raise ValueError(f"cannot export the optimizer {r.optimizer!r}")


def _scheduler(r: Readable) -> dict[str, str | None]:
    """The slots of the learning-rate scheduler: none for a constant rate."""
    s = r.schedule
    name = s["name"]
    if name == "constant":
        return {"scheduler": None, "scheduler.step()": None}
    head = "scheduler = "
    if name == "step":
        text = (f"torch.optim.lr_scheduler.StepLR(optimizer, step_size={s['step_size']!r}, "
                f"gamma={s['gamma']!r})")
    elif name == "exponential":
        text = f"torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma={s['gamma']!r})"
    elif name == "cosine":
        T, floor = s["epochs"], CosineDecay.FLOOR
        head = (f"# cosine: down to {floor:.0%} of lr over {T} epochs, then flat "
                "(where CosineAnnealingLR would rise)\nscheduler = ")
        text = ("torch.optim.lr_scheduler.LambdaLR(\n    optimizer, lambda epoch: "
                f"{floor!r} + {1 - floor!r} * 0.5 * (1 + math.cos(math.pi * min(epoch, {T}) "
                f"/ {T})))")
    else:
        raise ValueError(f"cannot export the learning-rate schedule {name!r}")
    return {"scheduler": head + text}


def _non_default(settings: dict) -> str:
    return "".join(f", {k}={v!r}" for k, (v, default) in settings.items() if v != default)


def _loader(r: Readable) -> str:
    dataset = "TensorDataset(X_train, y_train)"
    if r.batch_size is None:
        return ("# The whole training set in every step, as Backprop Lab's full batch\n"
                f"loader = DataLoader({dataset}, batch_size=len(X_train))")
    return (f"torch.manual_seed({r.seed})  # the order of the mini-batches\n"
            f"loader = DataLoader({dataset}, batch_size={r.batch_size}, shuffle=True)")


def _tensor(name: str, array: np.ndarray, n_inputs: int) -> str:
    if array.size == 0:
        shape = (0, n_inputs) if name.startswith("X") else array.shape
        return f"{name} = torch.zeros{tuple(shape)}" + ("  # no test samples"
                                                         if name == "X_test" else "")
    return f"{name} = torch.tensor({_numbers(array, 0, len(name) + 16)})"


def _numbers(array: np.ndarray, indent: int, start: int) -> str:
    """``array`` as a list literal of float32 (or int) numbers opening at column ``start``."""
    return literals.literal(array, indent, start, literals.kind_of(array, "float32"), rows=True)
