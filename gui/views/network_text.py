"""What hovering the network graph says: a unit's equation with the live numbers, an edge's
weight (and the value the edges show), a button's action."""
from __future__ import annotations

from PySide6.QtCore import QPointF

from backprop_lab.engine.data.features import label as feature_label
from backprop_lab.engine.training.phases import sub


def tooltip_at(view, pos: QPointF) -> str | None:
    """The text shown when hovering ``pos`` (None over empty space)."""
    if view.network is None:
        return None
    button = view.button_at(pos)
    if button is not None:
        what = "unit" if button.kind == "units" else "hidden layer"
        return f"{'Add' if button.delta > 0 else 'Remove'} a {what}"
    unit = view.unit_at(pos)
    if unit is not None:
        text = view.unit_description(*unit)
        if unit in view.dead_units:
            text += ("\nDEAD: this ReLU outputs 0 for every training point, so no gradient "
                     "reaches its weights and it cannot recover.")
        if unit in view.identical_units:
            text += ("\nIDENTICAL to other units of this layer (≡): same weights in and out, "
                     "so they get the same gradient and never differ. Use a random "
                     "initializer.")
        return text
    edge = view.edge_at(pos)
    if edge is not None:
        layer, i, j = edge
        src = (feature_label(view.input_names[i]) if layer == 0
               else f"unit {i + 1} of layer {layer}")
        dst = "the output" if layer == len(view.network.layers) - 1 and \
            view.network.sizes[-1] == 1 else f"unit {j + 1} of layer {layer + 1}"
        text = f"w = {view.network.layers[layer].W[i, j]:.6g}   ({src} → {dst})"
        if view.edge_values is not None:
            text += f"\n{view.edge_mode_label} = {view.edge_values[layer][i, j]:.6g}"
        return text + "\nClick to type a new weight."
    return None

def unit_description(view, column: int, unit: int) -> str:
    if column == 0:
        name = view.input_names[unit] if unit < len(view.input_names) else f"x{unit + 1}"
        return f"Input {feature_label(name)}\nThe thumbnail shows it over the plane."
    layer = view.network.layers[column - 1]
    inputs = ([feature_label(n) for n in view.input_names] if column == 1
              else [f"a{sub(i + 1)}" for i in range(layer.n_in)])
    terms = " ".join(f"{'+' if w >= 0 else '−'} {abs(w):.3g}·{name}"
                     for w, name in zip(layer.W[:, unit], inputs))
    terms = terms[2:] if terms.startswith("+ ") else "−" + terms[2:]
    b = layer.b[unit]
    where = "Output" if column == len(view.network.layers) else f"Layer {column}"
    return (f"{where}, unit {unit + 1} ({layer.activation.name})\n"
            f"z = {terms} {'+' if b >= 0 else '−'} {abs(b):.3g}\n"
            f"a = {layer.activation.name}(z)\nClick to inspect.")
