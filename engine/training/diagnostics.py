"""Why training breaks, named: dead units, identical units, vanishing or exploding gradients.

``diagnose(network, X, grad_norms, Y=, loss=)`` looks at the network after a forward pass over
the training inputs X (and targets Y) and at the per-layer gradient norms ‖dW‖ of the last
step.  Each finding comes with a sentence that names its cause as far as the numbers show it:
vanishing gradients, for instance, have three different causes here (saturated units, a
regression target far larger than the network's outputs, or many sigmoid layers in a row),
and only some of them are cured by another initializer.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..nn.network import Network

#: A layer whose ‖dW‖ is below this fraction of the output layer's has vanishing gradients.
VANISHING_RATIO = 1e-3
#: Gradients this large (or this many times the output layer's) are exploding.
EXPLODING_NORM = 1e3
EXPLODING_RATIO = 1e3
#: Units whose weights agree to this tolerance are identical.
IDENTICAL_TOLERANCE = 1e-10
#: A sigmoid or tanh unit is saturated beyond |z| > 5 (σ′ < 0.007, tanh′ < 0.0002) …
SATURATED_Z = 5.0
#: … and a layer is saturated when this fraction of its pre-activations are.
SATURATED_FRACTION = 0.5
#: Regression targets above this size, and this many times the outputs' or spread this much,
#: are unscaled.
TARGET_SCALE = 10.0
#: Initializers whose scale is chosen for the layer sizes.
SCALED_INITS = ("xavier", "he")


@dataclass
class Diagnosis:
    """Findings; layer indices count from 0 (layer 0 = the first hidden layer)."""

    dead_units: dict[int, list[int]] = field(default_factory=dict)
    identical_units: dict[int, list[list[int]]] = field(default_factory=dict)
    vanishing_layer: int | None = None
    exploding_layer: int | None = None
    non_finite: str | None = None
    #: Leaky-ReLU units negative on every sample: not dead (1 % of the gradient passes).
    leaking_units: dict[int, list[int]] = field(default_factory=dict)
    #: Why the gradients vanish: "saturation", "targets" or "depth" (None: not vanishing).
    vanishing_cause: str | None = None
    #: The sentence that names the cause and what to do.
    vanishing_advice: str = ""
    #: Hidden sigmoid/tanh layers with most |z| > 5: layer → that fraction.
    saturated: dict[int, float] = field(default_factory=dict)
    #: The network's initializer (advice depends on it).
    init: str = ""

    @property
    def healthy(self) -> bool:
        return not self.messages()

    def messages(self) -> list[str]:
        """One plain sentence (or two) per finding, for banners and tooltips."""
        out = []
        if self.non_finite:
            out.append(self.non_finite)
        if self.dead_units:
            out.append(f"Dead ReLU units ({_where(self.dead_units)}) output 0 for every "
                       "training point, so no gradient reaches their weights. A dead unit of "
                       "the first hidden layer stays dead (its inputs are the data, which never "
                       "change); one of a later layer can come back if the layers before it "
                       "change what it sees. Try leaky ReLU or a lower learning rate.")
        if self.leaking_units:
            out.append(f"Leaky ReLU units ({_where(self.leaking_units)}) are negative on every "
                       "training point: not dead, since 1 % of the gradient still passes, but "
                       "they learn about 100 times more slowly.")
        if self.identical_units:
            where = "; ".join(f"layer {layer + 1} units " + ", ".join(str(u + 1) for u in group)
                              for layer, groups in self.identical_units.items()
                              for group in groups)
            out.append(f"Identical units ({where}): symmetric weights get the same gradient and "
                       "stay identical forever. Use a random initializer.")
        if self.vanishing_layer is not None:
            out.append(f"Vanishing gradients: layer {self.vanishing_layer + 1}'s gradient is less "
                       f"than {VANISHING_RATIO:g} of the output layer's, so it barely learns. "
                       + self.vanishing_advice)
        if self.saturated and self.vanishing_cause is None:
            where = ", ".join(f"{fraction:.0%} of layer {layer + 1}'s"
                              for layer, fraction in self.saturated.items())
            fix = ("the initial weights are too large: use Xavier initialization"
                   if self.init not in SCALED_INITS else
                   "the weights or the inputs are too large: standardize the inputs, lower the "
                   "learning rate, or add L2")
            out.append(f"Saturated units: {where} pre-activations lie beyond "
                       f"±{SATURATED_Z:g}, where the slope of sigmoid and tanh is almost 0, so "
                       f"those units barely learn; {fix}.")
        if self.exploding_layer is not None:
            out.append(f"Exploding gradients in layer {self.exploding_layer + 1}: steps this big "
                       "overshoot. Lower the learning rate or clip the gradient's norm.")
        return out


#: Beyond this many units of one layer a message counts them instead of listing them.
LISTED_UNITS = 8


def _where(units: dict[int, list[int]]) -> str:
    """"layer 1 units 2, 5; layer 2 unit 1", or "layer 1: 38 units" when there are many."""
    return "; ".join(
        f"layer {layer + 1}: {len(found)} units" if len(found) > LISTED_UNITS else
        f"layer {layer + 1} unit{'s' if len(found) > 1 else ''} "
        + ", ".join(str(u + 1) for u in found) for layer, found in units.items())


def negative_units(network: Network, activation: str) -> dict[int, list[int]]:
    """Hidden units of ``activation`` whose pre-activation Z was ≤ 0 on every sample of the
    last forward pass."""
    found = {}
    for i, layer in enumerate(network.layers[:-1]):
        if layer.activation.name != activation or layer.Z is None:
            continue
        units = np.flatnonzero(layer.Z.max(axis=0) <= 0.0)
        if units.size:
            found[i] = units.tolist()
    return found


def dead_units(network: Network) -> dict[int, list[int]]:
    """ReLU hidden units whose output is 0 on every sample of the last forward pass."""
    return negative_units(network, "relu")


def identical_units(network: Network) -> dict[int, list[list[int]]]:
    """Groups of hidden units with the same incoming weights, bias and outgoing weights."""
    found = {}
    for i, layer in enumerate(network.layers[:-1]):
        if layer.n_out < 2:
            continue
        # One row per unit: its incoming column of W, its bias, its outgoing row of W_next.
        signature = np.hstack([layer.W.T, layer.b[:, None], network.layers[i + 1].W])
        scale = max(float(np.abs(signature).max()), 1.0)
        groups, assigned = [], set()
        for u in range(layer.n_out):
            if u in assigned:
                continue
            same = np.flatnonzero(np.abs(signature - signature[u]).max(axis=1)
                                  <= IDENTICAL_TOLERANCE * scale)
            if same.size > 1:
                groups.append(same.tolist())
                assigned.update(same.tolist())
        if groups:
            found[i] = groups
    return found


def gradient_trouble(grad_norms) -> tuple[int | None, int | None]:
    """(vanishing layer, exploding layer) from the per-layer ‖dW‖ of the last step."""
    norms = np.asarray(grad_norms, dtype=float)
    if norms.size == 0 or not np.isfinite(norms).all():
        return None, None
    out = norms[-1]
    vanishing = exploding = None
    if norms.size > 1 and out > 1e-8:
        small = np.flatnonzero(norms[:-1] < VANISHING_RATIO * out)
        if small.size:
            vanishing = int(small[0])
    big = np.flatnonzero((norms > EXPLODING_NORM) | (norms > EXPLODING_RATIO * max(out, 1e-12)))
    if big.size and norms.max() > 1.0:
        exploding = int(big[0])
    return vanishing, exploding


def saturated_layers(network: Network) -> dict[int, float]:
    """Hidden sigmoid/tanh layers of the last forward pass with most |z| > 5: layer → the
    fraction of its pre-activations beyond ±5."""
    found = {}
    for i, layer in enumerate(network.layers[:-1]):
        if layer.activation.name not in ("sigmoid", "tanh") or layer.Z is None:
            continue
        fraction = float(np.mean(np.abs(layer.Z) > SATURATED_Z))
        if fraction >= SATURATED_FRACTION:
            found[i] = fraction
    return found


def vanishing_cause(network: Network, Y: np.ndarray | None, loss) -> tuple[str, str]:
    """(cause, advice) for vanishing gradients, from the last forward pass over the training
    inputs: unscaled regression targets (which also drive units into saturation), saturated
    units, or depth (see the module docstring)."""
    scaled_init = network.init in SCALED_INITS
    out = network.layers[-1].A
    if (Y is not None and loss is not None and loss.name == "mse" and out is not None
            and len(Y) and out.shape == Y.shape):
        target, output = float(np.abs(Y).mean()), float(np.abs(out).mean())
        spread = float(np.std(Y))
        if target > TARGET_SCALE and (target > TARGET_SCALE * output or spread > TARGET_SCALE):
            return "targets", (f"The cause is the targets' scale: they are about {target:.3g} "
                               f"(spread {spread:.3g}) while the outputs are about "
                               f"{output:.3g}, so the output layer's gradient (Â − Y) dwarfs "
                               "everything behind it and big steps saturate the hidden units. "
                               "Standardize the targets (subtract their mean, divide by their "
                               "spread).")
    saturated = saturated_layers(network)
    if saturated:
        layer, fraction = next(iter(saturated.items()))
        act = network.layers[layer].activation.name
        fix = ("The weights started too large: use Xavier initialization."
               if not scaled_init else
               "The init is already Xavier/He, so the weights or the inputs grew too large: "
               "standardize the inputs, lower the learning rate, or add L2.")
        return "saturation", (f"The cause is saturation: {fraction:.0%} of layer {layer + 1}'s "
                              f"pre-activations lie beyond ±{SATURATED_Z:g}, where {act}′ is "
                              f"almost 0, so almost no gradient passes. {fix}")
    sigmoids = sum(layer.activation.name == "sigmoid" for layer in network.layers[:-1])
    advice = ("σ′ is at most 0.25 and backprop multiplies one such factor per layer, "
              f"{sigmoids} sigmoid layers here: use ReLU or tanh, or fewer layers"
              if sigmoids >= 2 else
              "backprop multiplies the layers' slopes, and here they are small: use ReLU or "
              "fewer layers")
    if not scaled_init:
        advice += f", or Xavier/He initialization (this is {network.init})"
    return "depth", "The cause is depth: " + advice + "."


def diagnose(network: Network, X: np.ndarray, grad_norms, non_finite: str | None = None,
             Y: np.ndarray | None = None, loss=None) -> Diagnosis:
    """All findings for ``network`` on training inputs X (validated, network dtype) and, to
    tell the causes of vanishing gradients apart, the targets Y as the loss takes them."""
    network.propagate(X)
    vanishing, exploding = gradient_trouble(grad_norms)
    cause, advice = (vanishing_cause(network, Y, loss) if vanishing is not None
                     else (None, ""))
    return Diagnosis(dead_units=dead_units(network), identical_units=identical_units(network),
                     vanishing_layer=vanishing, exploding_layer=exploding, non_finite=non_finite,
                     leaking_units=negative_units(network, "leaky_relu"),
                     vanishing_cause=cause, vanishing_advice=advice,
                     saturated=saturated_layers(network), init=network.init)
