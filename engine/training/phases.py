"""One training step, phase by phase, with the numbers, formulas and meaning of each phase.

``step_phases(session)`` yields, for the next mini-batch:

* ``forward``  for each layer l = 1…L:   values Z, A (and the operands A_prev, W, b); with
                                         dropout, hidden layers add mask (M: 1 kept, 0
                                         dropped) and A is what the next layer receives,
                                         g(Z) ⊙ M / (1 − p)
* ``loss``     once:                     values loss (= data_loss + penalty), data_loss,
                                         penalty, errors (per sample), Y_hat, Y, dA
* ``backward`` for each layer l = L…1:   values dA, dZ, dW, db, dA_prev (and A_prev, W)
* ``update``   for each layer l = 1…L:   values W_before, W_after, step, b_before, b_after,
                                         b_step, dW, db (the gradient used, after clipping),
                                         learning_rate, the optimizer's state after the step
                                         (momentum: v, v_b; RMSprop: s, s_b; Adam: m_hat,
                                         v_hat, m_hat_b, v_hat_b) and, with clipping on,
                                         clip_factor

dÂ (``dA`` of the loss phase), dZ and dA are per sample: row i is ∂Lᵢ/∂· of sample i's own
loss, m times the slope of the mean loss L, which is why dW and db divide by m.

It runs exactly the code ``TrainingSession.step()`` runs, in the same order, so once every
phase has been consumed the network is bit for bit where ``step()`` would have left it.
Values are copies: they stay valid after later phases.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..nn import dropout as dropout_math

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


def forward_formula(l: int, activation: str, dropout: float = 0.0) -> str:
    """Z = A_prev·W + b and A = g(Z); with a dropout rate p, A = g(Z) ⊙ M / (1 − p)."""
    z = f"Z{sup(l)} = {_a(l - 1)}·W{sup(l)} + b{sup(l)}"
    if not dropout:
        return f"{z}\nA{sup(l)} = {activation}(Z{sup(l)})"
    return (f"{z}\nA{sup(l)} = {activation}(Z{sup(l)}) ⊙ M{sup(l)} / (1 − p)    ← dropout "
            f"p = {dropout:g}: M{sup(l)} keeps each unit with probability {1 - dropout:g}")


#: Why the output activation and the loss fuse into dZ = Â − Y (one line each).
FUSION = {
    "sigmoid": "then dZ = dÂ ⊙ σ′(Z) = Â − Y: σ′ = Â(1 − Â) cancels dÂ's denominator",
    "softmax": "then dZ = Â − Y: softmax's Jacobian times −Y/Â collapses, as Σₖ Yₖ = 1",
    "identity": "then dZ = dÂ = Â − Y: the identity output's slope is 1",
}


def backward_formula(l: int, n_layers: int, activation: str, fused: bool, l1: float,
                     l2: float, dropout: float = 0.0) -> str:
    per_sample, mean = "    ← per sample", "    ← mean over the batch"
    if l == n_layers:
        dz = f"dZ{sup(l)} = Â − Y" if fused else f"dZ{sup(l)} = dÂ ⊙ {activation}′(Z{sup(l)})"
        lines = [dz + per_sample]
    else:
        lines = [f"dA{sup(l)} = dZ{sup(l + 1)}·W{sup(l + 1)}ᵀ ⊙ M{sup(l)} / (1 − p)    ← "
                 "through the dropout mask"] if dropout else []
        lines.append(f"dZ{sup(l)} = dA{sup(l)} ⊙ {activation}′(Z{sup(l)})" + per_sample)
    dw = f"dW{sup(l)} = {_a(l - 1)}ᵀ·dZ{sup(l)} / m"
    if l2:
        dw += f" + λ₂·W{sup(l)}"
    if l1:
        dw += f" + λ₁·sign(W{sup(l)})"
    lines += [dw + mean, f"db{sup(l)} = Σᵢ dZ{sup(l)} / m",
              f"d{_a(l - 1)} = dZ{sup(l)}·W{sup(l)}ᵀ" + per_sample]
    return "\n".join(lines)


def update_formula(l: int, optimizer, clipped: float | None = None) -> str:
    """The update of layer l with the optimizer's own symbols (the bias follows the same rule)."""
    L, W, g = sup(l), f"W{sup(l)}", f"dW{sup(l)}"
    lines = [f"g ← g · min(1, {clipped:g} / ‖g‖)    (every gradient, clipped as one vector)"] \
        if clipped is not None else []
    name = optimizer.name
    if name == "sgd":
        lines.append(f"{W} ← {W} − η·{g}")
    elif name == "momentum":
        lines.append(f"v{L} ← β·v{L} + {g}")
        lines.append(f"{W} ← {W} − η·({g} + β·v{L})" if optimizer.nesterov
                     else f"{W} ← {W} − η·v{L}")
    elif name == "rmsprop":
        lines += [f"s{L} ← ρ·s{L} + (1 − ρ)·{g}²", f"{W} ← {W} − η·{g} / (√s{L} + ε)"]
    else:
        lines += [f"m{L} ← β₁·m{L} + (1 − β₁)·{g};  v{L} ← β₂·v{L} + (1 − β₂)·{g}²",
                  f"m̂{L} = m{L} / (1 − β₁ᵗ);  v̂{L} = v{L} / (1 − β₂ᵗ)",
                  f"{W} ← {W} − η·m̂{L} / (√v̂{L} + ε)"]
    lines.append(f"b{L} ← b{L} − (the same rule with db{L})")
    return "\n".join(lines)


def update_meaning(l: int, optimizer, lr: float) -> str:
    """What the update of layer l does, true for this optimizer and learning rate."""
    name, each = optimizer.name, f"Each weight of layer {l}"
    if name == "sgd":
        return (f"{each} moves against its gradient by η = {lr:g} times it (ΔW = −η·dW): "
                "downhill as long as the step is short enough for the slope to still hold.")
    if name == "momentum":
        settings = f"β = {optimizer.beta:g}, η = {lr:g}"
        return (f"{each} moves by −η·v ({settings}): the velocity v adds this gradient to β "
                "times the last velocity, so along a direction the gradient keeps the steps "
                f"grow up to 1/(1 − β) = {1 / (1 - optimizer.beta):.3g} times η·dW."
                + (" Nesterov: the step looks one velocity ahead (dW + β·v)."
                   if optimizer.nesterov else ""))
    if name == "rmsprop":
        return (f"{each} moves by −η·dW / (√s + ε) (η = {lr:g}, ρ = {optimizer.rho:g}): s "
                "averages its squared gradients, so each weight's step is about η in size "
                "whatever the scale of its gradient.")
    return (f"{each} moves by −η·m̂ / (√v̂ + ε) (η = {lr:g}, step t = {optimizer.t}): m̂ "
            "averages its recent gradients, v̂ their squares (both corrected for starting at "
            "0), so each step is about η in size, in the direction the recent gradients agree "
            "on; not η times the gradient.")


def optimizer_values(optimizer, w: slice, b: slice, shape) -> dict[str, np.ndarray]:
    """The optimizer's state after the step for one layer, as the update formula names it:
    momentum v; RMSprop s; Adam m̂ and v̂ (bias-corrected).  Bias versions end in ``_b``."""
    if optimizer.name == "momentum":
        state = {"v": optimizer.v}
    elif optimizer.name == "rmsprop":
        state = {"s": optimizer.s}
    elif optimizer.name == "adam":
        t = optimizer.t
        state = {"m_hat": optimizer.m / (1.0 - optimizer.beta1 ** t),
                 "v_hat": optimizer.v / (1.0 - optimizer.beta2 ** t)}
    else:
        return {}
    out = {}
    for key, flat in state.items():
        out[key] = flat[w].reshape(shape)
        out[f"{key}_b"] = flat[b]
    return out


LOSS_FORMULAS = {
    "mse": "L = 1/(2m) · Σ (Â − Y)²\ndÂ = Â − Y",
    "bce": "L = −1/m · Σ [Y·log Â + (1−Y)·log(1−Â)]\ndÂ = (Â − Y) / (Â·(1 − Â))",
    "cross_entropy": "L = −1/m · Σ Y·log Â\ndÂ = −Y / Â",
}


def loss_formula(loss: str, l1: float, l2: float, fused_output: str | None = None) -> str:
    """The loss (with its penalty terms) and dÂ; with ``fused_output`` (the output activation
    when it fuses with the loss) a third line says why dZ = Â − Y."""
    data, grad = LOSS_FORMULAS[loss].split("\n")
    if l1:
        data += " + λ₁·Σ|W|"
    if l2:
        data += " + (λ₂/2)·Σ W²"
    lines = [data, f"{grad}    ← per sample: dÂ = ∂Lᵢ/∂Â = m · ∂L/∂Â"]
    if fused_output in FUSION:
        lines.append(FUSION[fused_output])
    return "\n".join(lines)


def _quiet():
    """Overflow is handled as TrainingSession.step() handles it (divergence), so NumPy's
    warnings about it are noise.  Entered around each computation, never across a yield."""
    return np.errstate(over="ignore", invalid="ignore", divide="ignore")


def step_phases(session):
    """Generator of the phases of one step of ``session`` (see the module docstring)."""
    net, loss = session.network, session.loss_function
    L = len(net.layers)
    X, Y, samples = session.next_batch()
    m = X.shape[0]
    start = session.steps
    session.diverged = None
    session.stop_report = None
    rate = session.dropout if L > 1 else 0.0
    masks: list[np.ndarray] = []        # the hidden layers' dropout masks M, in order
    dropped: list[np.ndarray] = []      # what each hidden layer hands on: g(Z) ⊙ M / (1 − p)

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
        with _quiet():
            if i:
                restore(i - 1)
                A = dropped[i - 1] if rate else net.layers[i - 1].A
            A_prev = A
            A = layer.forward(A_prev)
            # (order="K": large batches keep column order, and step's products see it too)
            saved.append((A_prev.copy(order="K"), layer.Z.copy(order="K"), A.copy(order="K")))
            act = layer.activation.name
            values = {"A_prev": A_prev, "W": layer.W, "b": layer.b, "Z": layer.Z, "A": A}
            hidden_rate = rate if i < L - 1 else 0.0
            if hidden_rate:
                masks.append(dropout_math.draw_mask(session.batches.rng, A.shape, rate))
                dropped.append(dropout_math.apply_mask(A, masks[-1], rate))
                values.update(A=dropped[-1], mask=masks[-1])
            if i < L - 1:
                meaning = (f"each unit of layer {i + 1} weighs its inputs and adds its bias "
                           f"(Z), then {act} decides how strongly it fires (A)")
                if hidden_rate:
                    meaning += (f"; dropout silences the units where the mask M is 0 (each "
                                f"with probability {rate:g}, for this step only) and scales "
                                f"the others by 1/(1 − p) = {1 / (1 - rate):.3g}")
            else:
                source = "inputs" if L == 1 else "last hidden layer's activations"
                meaning = (f"each output unit weighs the {source} and adds its bias; the output "
                           "activation turns that into the prediction Â")
            shown = phase("forward", i, forward_formula(i + 1, act, hidden_rate), values,
                          meaning[0].upper() + meaning[1:] + ".")
        yield shown

    # Loss.
    with _quiet():
        restore(L - 1)
        out = net.layers[-1]
        errors = loss.per_sample(out.Z, out.A, Y)
        dA_out = loss.dA(out.A, Y)
        data_loss = float(errors.mean())
        penalty = net.penalty(session.l1, session.l2)
        total = (f"the {loss.name} loss averaged over the {m} sample(s), {data_loss:.4g}, plus "
                 f"the penalty {penalty:.4g}: L = {data_loss + penalty:.4g}" if penalty else
                 f"the {loss.name} loss averaged over the {m} sample(s)")
        fused = out.activation.name == loss.fused_output
        shown = phase("loss", None, loss_formula(loss.name, session.l1, session.l2,
                                                out.activation.name if fused else None),
                      {"loss": np.array(data_loss + penalty), "data_loss": np.array(data_loss),
                       "penalty": np.array(penalty), "errors": errors, "Y_hat": out.A, "Y": Y,
                       "dA": dA_out},
                      f"How wrong the predictions are: {total}. dÂ, dZ and dA are per sample: "
                      "row i is the slope of that sample's own loss Lᵢ (m times the slope of the "
                      "mean L), which is why dW and db sum over the samples and divide by m.")
    yield shown

    # Backward, from the last layer to the first: the network's own chain-rule steps
    # (output_delta, backward_layer, dZ_from), as Network.backpropagate takes them.
    with _quiet():
        restore(L - 1)
        dZ = net.output_delta(Y, loss)
    dA = dA_out
    for i in range(L - 1, -1, -1):
        layer = net.layers[i]
        with _quiet():
            restore(i)
            dA_prev = net.backward_layer(i, dZ, session.l1, session.l2, need_dA_prev=True)
            meaning = ("how much each output unit's input is to blame for each sample's error "
                       "(dZ), how each weight should change, averaged over the batch (dW, db), "
                       "and the blame handed back to the "
                       f"{'inputs' if i == 0 else f'units of layer {i}'} (dA)"
                       if i == L - 1 else
                       f"how much each unit of layer {i + 1} is to blame: the blame from above "
                       f"scaled by how sensitive the unit was ({layer.activation.name}′ of its "
                       "Z), and from that the change each of its weights should make")
            shown = phase("backward", i,
                          backward_formula(i + 1, L, layer.activation.name,
                                           fused and i == L - 1, session.l1, session.l2,
                                           rate if i < L - 1 else 0.0),
                          {"dA": dA, "dZ": dZ, "A_prev": layer.A_prev, "W": layer.W,
                           "dW": layer.dW, "db": layer.db, "dA_prev": dA_prev},
                          meaning[0].upper() + meaning[1:] + ".")
        yield shown
        if i > 0:
            with _quiet():
                if rate:        # through the mask first: dA = dÃ ⊙ M / (1 − p)
                    dA_prev = dropout_math.apply_mask(dA_prev, masks[i - 1], rate)
                dA = dA_prev
                restore(i - 1)
                dZ = net.layers[i - 1].dZ_from(dA_prev)

    with _quiet():
        if not session.gradient_is_finite():
            return
        norm, factor = session.clip_gradient()
        # Update, layer by layer, from one optimizer step over the whole parameter vector.
        opt = session.optimizer
        lr = opt.learning_rate
        delta = opt.delta(net.grad)
    clipped = session.clip_norm
    for i, (layer, (w, b)) in enumerate(zip(net.layers, net.slices)):
        with _quiet():
            W_before, b_before = layer.W.copy(), layer.b.copy()
            net.theta[w] += delta[w]
            net.theta[b] += delta[b]
            values = {"W_before": W_before, "W_after": layer.W,
                      "step": delta[w].reshape(layer.W.shape), "b_before": b_before,
                      "b_after": layer.b, "b_step": delta[b], "dW": layer.dW, "db": layer.db,
                      "learning_rate": np.array(lr),
                      **optimizer_values(opt, w, b, layer.W.shape)}
            note = ""
            if clipped is not None:
                values["clip_factor"] = np.array(factor)
                note = (f" The gradient (‖g‖ = {norm:.3g}) was clipped to {clipped:g} first: "
                        f"c = {factor:.3g}." if factor < 1 else
                        f" Clipping at {clipped:g} left this gradient (‖g‖ = {norm:.3g}) as "
                        "it was.")
            shown = phase("update", i, update_formula(i + 1, opt, clipped), values,
                          update_meaning(i + 1, opt, lr) + note)
        yield shown
    with _quiet():
        session.end_step()
    session.notify("trained")
