"""One training step, phase by phase, with the numbers, formulas and meaning of each phase.

``step_phases(session)`` yields, for the next mini-batch:

* ``forward``  for each layer l = 1…L:   values Z, A (and the operands A_prev, W, b)
* ``loss``     once:                     values loss, errors (per sample), Y_hat, Y, dA
* ``backward`` for each layer l = L…1:   values dA, dZ, dW, db, dA_prev (and A_prev, W)
* ``update``   for each layer l = 1…L:   values W_before, W_after, step, b_before, b_after,
                                         b_step, dW, db

It runs exactly the code ``TrainingSession.step()`` runs, in the same order, so once every
phase has been consumed the network is bit for bit where ``step()`` would have left it.
Values are copies: they stay valid after later phases.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

FORWARD, LOSS, BACKWARD, UPDATE = "forward", "loss", "backward", "update"
_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


@dataclass
class Phase:
    name: str                          # "forward", "loss", "backward" or "update"
    layer: int | None                  # 0-based layer index (None for the loss phase)
    formula: str                       # one equation per line
    values: dict[str, np.ndarray]      # named operands and results (copies)
    description: str                   # one plain-language sentence
    step: int = 0                      # the session's step count when this step began
    samples: np.ndarray | slice = field(default_factory=lambda: slice(None))  # batch indices

    @property
    def title(self) -> str:
        if self.layer is None:
            return self.name.capitalize()
        return f"{self.name.capitalize()} · layer {self.layer + 1}"


def sup(n: int) -> str:
    """Superscript layer number: 2 -> '²'."""
    return str(n).translate(_SUPERSCRIPTS)


def sub(n: int) -> str:
    """Subscript unit number: 2 -> '₂'."""
    return str(n).translate(_SUBSCRIPTS)


def _a(l: int) -> str:
    """Name of the activation of layer l (1-based); layer 0 is the input X."""
    return "X" if l == 0 else f"A{sup(l)}"


def forward_formula(l: int, activation: str) -> str:
    return f"Z{sup(l)} = {_a(l - 1)}·W{sup(l)} + b{sup(l)}\nA{sup(l)} = {activation}(Z{sup(l)})"


def backward_formula(l: int, n_layers: int, activation: str, fused: bool, l1: float,
                     l2: float) -> str:
    if l == n_layers:
        dz = f"dZ{sup(l)} = Â − Y" if fused else f"dZ{sup(l)} = dÂ ⊙ {activation}′(Z{sup(l)})"
    else:
        dz = f"dZ{sup(l)} = dA{sup(l)} ⊙ {activation}′(Z{sup(l)})"
    dw = f"dW{sup(l)} = {_a(l - 1)}ᵀ·dZ{sup(l)} / m"
    if l2:
        dw += f" + λ₂·W{sup(l)}"
    if l1:
        dw += f" + λ₁·sign(W{sup(l)})"
    lines = [dz, dw, f"db{sup(l)} = Σᵢ dZ{sup(l)} / m", f"d{_a(l - 1)} = dZ{sup(l)}·W{sup(l)}ᵀ"]
    return "\n".join(lines)


def update_formula(l: int, optimizer: str) -> str:
    step = {"sgd": "η·dW{l}", "momentum": "η·v{l}", "rmsprop": "η·dW{l} / (√s{l} + ε)",
            "adam": "η·m̂{l} / (√v̂{l} + ε)"}[optimizer].format(l=sup(l))
    return f"W{sup(l)} ← W{sup(l)} − {step}\nb{sup(l)} ← b{sup(l)} − (same rule with db{sup(l)})"


LOSS_FORMULAS = {
    "mse": "L = 1/(2m) · Σ (Â − Y)²\ndÂ = Â − Y",
    "bce": "L = −1/m · Σ [Y·log Â + (1−Y)·log(1−Â)]\ndÂ = (Â − Y) / (Â·(1 − Â))",
    "cross_entropy": "L = −1/m · Σ Y·log Â\ndÂ = −Y / Â",
}


def step_phases(session):
    """Generator of the phases of one step of ``session`` (see the module docstring)."""
    net, loss = session.network, session.loss_function
    L = len(net.layers)
    X, Y, samples = session.next_batch()
    m = X.shape[0]
    start = session.steps
    session.diverged = None

    def phase(name, layer, formula, values, description):
        return Phase(name, layer, formula, {k: np.array(v, copy=True) for k, v in values.items()},
                     description, start, samples)

    # Between phases the caller may run other forward passes (a window drawing heatmaps),
    # which overwrite what the layers cache for backward; so keep this step's own copies and
    # put them back before each use.
    saved: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def restore(i: int) -> None:
        layer = net.layers[i]
        layer.A_prev, layer.Z, layer.A = saved[i]

    # Forward, layer by layer.
    A = X
    for i, layer in enumerate(net.layers):
        if i:
            restore(i - 1)
            A = net.layers[i - 1].A
        A_prev = A
        A = layer.forward(A_prev)
        saved.append((A_prev.copy(), layer.Z.copy(), A.copy()))
        act = layer.activation.name
        meaning = ("each output unit weighs the last hidden layer's activations and adds its "
                   "bias; the output activation turns that into the prediction Â"
                   if i == L - 1 else
                   f"each unit of layer {i + 1} weighs its inputs and adds its bias (Z), then "
                   f"{act} decides how strongly it fires (A)")
        yield phase("forward", i, forward_formula(i + 1, act),
                    {"A_prev": A_prev, "W": layer.W, "b": layer.b, "Z": layer.Z, "A": A},
                    meaning[0].upper() + meaning[1:] + ".")

    # Loss.
    restore(L - 1)
    out = net.layers[-1]
    errors = loss.per_sample(out.Z, out.A, Y)
    dA_out = loss.dA(out.A, Y)
    yield phase("loss", None, LOSS_FORMULAS[loss.name],
                {"loss": np.array(errors.mean()), "errors": errors, "Y_hat": out.A, "Y": Y,
                 "dA": dA_out},
                f"How wrong the predictions are: the {loss.name} loss averaged over the "
                f"{m} sample(s). dÂ says which way each prediction should move to lower it.")

    # Backward, from the last layer to the first: the network's own chain-rule steps
    # (output_delta, backward_layer, dZ_from), as Network.backpropagate takes them.
    fused = out.activation.name == loss.fused_output
    restore(L - 1)
    dZ = net.output_delta(Y, loss)
    dA = dA_out
    for i in range(L - 1, -1, -1):
        layer = net.layers[i]
        restore(i)
        dA_prev = net.backward_layer(i, dZ, session.l1, session.l2, need_dA_prev=True)
        meaning = ("how much each output unit's input is to blame for the error (dZ), how each "
                   "weight should change, averaged over the batch (dW, db), and the blame "
                   f"handed back to the {'inputs' if i == 0 else f'units of layer {i}'} (dA)"
                   if i == L - 1 else
                   f"how much each unit of layer {i + 1} is to blame: the blame from above "
                   f"scaled by how sensitive the unit was ({layer.activation.name}′ of its Z), "
                   "and from that the change each of its weights should make")
        yield phase("backward", i,
                    backward_formula(i + 1, L, layer.activation.name, fused and i == L - 1,
                                     session.l1, session.l2),
                    {"dA": dA, "dZ": dZ, "A_prev": layer.A_prev, "W": layer.W, "dW": layer.dW,
                     "db": layer.db, "dA_prev": dA_prev},
                    meaning[0].upper() + meaning[1:] + ".")
        if i > 0:
            dA = dA_prev
            restore(i - 1)
            dZ = net.layers[i - 1].dZ_from(dA_prev)

    if not session.gradient_is_finite():
        return

    # Update, layer by layer, from one optimizer step over the whole parameter vector.
    delta = session.optimizer.delta(net.grad)
    opt = session.optimizer
    for i, (layer, (w, b)) in enumerate(zip(net.layers, net.slices)):
        W_before, b_before = layer.W.copy(), layer.b.copy()
        net.theta[w] += delta[w]
        net.theta[b] += delta[b]
        yield phase("update", i, update_formula(i + 1, opt.name),
                    {"W_before": W_before, "W_after": layer.W, "step": delta[w].reshape(layer.W.shape),
                     "b_before": b_before, "b_after": layer.b, "b_step": delta[b],
                     "dW": layer.dW, "db": layer.db},
                    f"Every weight of layer {i + 1} takes a small step (η = {opt.learning_rate:g}) "
                    "against its gradient, downhill on the loss.")
    with np.errstate(over="ignore", invalid="ignore"):   # as TrainingSession.step() does
        session.end_step()
    session.notify("trained")
