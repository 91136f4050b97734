"""The multilayer perceptron: a stack of :class:`~engine.nn.layers.Dense` layers.

All parameters live in one flat vector ``theta`` (W¹, b¹, W², b², … end to end) and all
gradients in one flat vector ``grad`` of the same layout; each layer's ``W``, ``b``, ``dW`` and
``db`` are views into them.  The optimizer thus updates every layer with a few NumPy calls.

Regularization (weights only, never biases):
``penalty = l1 · Σ|W| + (l2 / 2) · Σ W²``, whose gradient is ``l1 · sign(W) + l2 · W``.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from .activations import FORWARD_ONLY_ACTIVATIONS, HIDDEN_ACTIVATIONS, get_activation
from .initializers import get_initializer
from .layers import Dense
from .losses import get_loss

DTYPES = {"float64": np.float64, "float32": np.float32}
#: The default dtype: float64, unless a training session finds its training set large and
#: trains in float32 (see :data:`engine.training.session.FLOAT32_WORK`).
AUTO = "auto"
RELU_BIAS = 0.1


class Network:
    """A multilayer perceptron.

    ``Network([2, 4, 1], hidden="relu", output="sigmoid", init="he", seed=0)`` has 2 inputs,
    one hidden layer of 4 ReLU units and one sigmoid output.  ``activations=[...]`` names the
    activation of every layer instead (one per layer, the last being the output's).
    ``Network([2, 1], output="sigmoid")`` has no hidden layer: logistic regression.
    ``dtype`` "float64" or "float32" fixes the number type; the default, "auto", is float64
    until a :class:`~engine.training.session.TrainingSession` on large data makes it float32.
    """

    def __init__(self, sizes: Sequence[int], hidden: str = "relu", output: str = "sigmoid",
                 activations: Sequence[str] | None = None, init: str = "he", seed: int | None = 0,
                 dtype: str = AUTO):
        sizes = _check_sizes(sizes)
        n_layers = len(sizes) - 1
        if activations is None:
            activations = [hidden] * (n_layers - 1) + [output]
        activations = list(activations)
        if len(activations) != n_layers:
            raise ValueError(f"give {n_layers} activation(s), one per layer, not {len(activations)}")
        acts = [get_activation(a) for a in activations]
        for i, a in enumerate(acts[:-1]):
            if a.name not in HIDDEN_ACTIVATIONS + FORWARD_ONLY_ACTIVATIONS:
                raise ValueError(f"hidden layer {i + 1} cannot use {a.name!r}; "
                                 f"choose one of {', '.join(HIDDEN_ACTIVATIONS)}")
        if dtype not in DTYPES and dtype != AUTO:
            raise ValueError(f"dtype must be one of {', '.join(DTYPES)}, not {dtype!r}")
        self.sizes = sizes
        #: False while the dtype is the default ("auto"), which a session may make float32.
        self.dtype_chosen = dtype != AUTO
        self.dtype = DTYPES["float64" if dtype == AUTO else dtype]
        self.init = get_initializer(init).name
        self.seed = seed
        self.layers = [Dense(n_in, n_out, act)
                       for n_in, n_out, act in zip(sizes[:-1], sizes[1:], acts)]
        n_params = sum(n_in * n_out + n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))
        self.theta = np.zeros(n_params, self.dtype)
        #: Counts forward passes: tells a cached pass (layers' A_prev, Z, A) from a later one.
        self.forward_serial = 0
        self.grad = np.zeros(n_params, self.dtype)
        self.slices: list[tuple[slice, slice]] = []   # (W slice, b slice) of each layer in θ
        start = 0
        for layer in self.layers:
            w = slice(start, start + layer.n_in * layer.n_out)
            b = slice(w.stop, w.stop + layer.n_out)
            start = b.stop
            self.slices.append((w, b))
        #: Where each slice of θ and g begins (W¹, b¹, W², b², …), for per-slice sums.
        self._slice_starts = np.array([s.start for pair in self.slices for s in pair])
        self._bind()
        self.initialize(seed)

    def _bind(self) -> None:
        """Make every layer's W, b, dW and db views into θ and g."""
        for layer, (w, b) in zip(self.layers, self.slices):
            shape = (layer.n_in, layer.n_out)
            layer.bind(self.theta[w].reshape(shape), self.theta[b],
                       self.grad[w].reshape(shape), self.grad[b])

    def __setstate__(self, state: dict) -> None:
        """Unpickling: the layers' parameters become views into θ and g again."""
        self.__dict__.update(state)
        self._bind()

    def set_dtype(self, dtype: str) -> None:
        """Hold θ and g in ``dtype`` from now on (the weights rounded to it); arrays taken
        from the layers before (``layer.W``) no longer follow the network."""
        if dtype not in DTYPES:
            raise ValueError(f"dtype must be one of {', '.join(DTYPES)}, not {dtype!r}")
        self.dtype_chosen = True
        if DTYPES[dtype] == self.dtype:
            return
        self.dtype = DTYPES[dtype]
        self.theta = self.theta.astype(self.dtype)
        self.grad = self.grad.astype(self.dtype)
        self.forward_serial += 1
        self._bind()

    # ---------------------------------------------------------------- description
    @property
    def n_inputs(self) -> int:
        return self.sizes[0]

    @property
    def n_outputs(self) -> int:
        return self.sizes[-1]

    @property
    def activations(self) -> list[str]:
        return [layer.activation.name for layer in self.layers]

    @property
    def output_activation(self) -> str:
        return self.layers[-1].activation.name

    @property
    def trainable(self) -> bool:
        """False when a layer's activation has no usable gradient (a step unit)."""
        return all(layer.activation.trainable for layer in self.layers)

    @property
    def dtype_name(self) -> str:
        return np.dtype(self.dtype).name

    @property
    def multiply_adds(self) -> int:
        """Multiply-adds of one sample's forward pass: Σ n_in · n_out over the layers."""
        return sum(n_in * n_out for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:]))

    def spec(self) -> dict:
        """Everything needed to rebuild this network's architecture (not its weights)."""
        return {"sizes": list(self.sizes), "activations": self.activations,
                "init": self.init, "seed": self.seed, "dtype": self.dtype_name}

    def __repr__(self) -> str:
        arch = "-".join(map(str, self.sizes))
        return f"<Network {arch} {'/'.join(self.activations)}>"

    # ---------------------------------------------------------------- parameters
    def initialize(self, seed: int | None = None, init: str | None = None) -> None:
        """Draw fresh weights with ``init`` (default: the network's) from ``seed``.

        Biases start at 0, except in hidden ReLU and leaky-ReLU layers under a random
        initializer, which start at 0.1 (as TensorFlow Playground does): a unit with b = 0 and
        an input at the origin sits exactly on the kink, and too many start out dead.
        """
        if init is not None:
            self.init = get_initializer(init).name
        if seed is not None:
            self.seed = seed
        rng = np.random.default_rng(self.seed)
        initializer = get_initializer(self.init)
        for i, layer in enumerate(self.layers):
            layer.W[...] = initializer.weights(layer.n_in, layer.n_out, rng)
            relu_like = layer.activation.name in ("relu", "leaky_relu")
            hidden = i < len(self.layers) - 1
            layer.b[...] = RELU_BIAS if relu_like and hidden and initializer.random else 0.0

    def copy(self, dtype: str | None = None) -> "Network":
        """An independent copy (optionally in another dtype) with the same weights."""
        other = Network(self.sizes, activations=[layer.activation for layer in self.layers],
                        init=self.init,
                        seed=self.seed, dtype=dtype or self.dtype_name)
        other.theta[...] = self.theta
        return other

    def state_dict(self) -> dict[str, np.ndarray]:
        """Every parameter by name, as PyTorch's ``Module.state_dict()``: ``{"layer0.W": W
        (n_in, n_out), "layer0.b": b (n_out,), "layer1.W": …}`` (copies)."""
        state = {}
        for i, layer in enumerate(self.layers):
            state[f"layer{i}.W"] = layer.W.copy()
            state[f"layer{i}.b"] = layer.b.copy()
        return state

    def load_state_dict(self, state: dict) -> None:
        """Set every parameter from a :meth:`state_dict`; ValueError if a name is missing or
        unknown, a shape differs or a value is not finite (nothing changes then)."""
        expected = {f"layer{i}.{p}" for i in range(len(self.layers)) for p in "Wb"}
        if set(state) != expected:
            missing, unknown = expected - set(state), set(state) - expected
            raise ValueError("the weights do not fit this network"
                             + (f"; missing: {', '.join(sorted(missing))}" if missing else "")
                             + (f"; unknown: {', '.join(sorted(unknown))}" if unknown else ""))
        theta = self.theta.copy()
        for i, (w, b) in enumerate(self.slices):
            layer = self.layers[i]
            for name, where, shape in (("W", w, layer.W.shape), ("b", b, layer.b.shape)):
                value = np.asarray(state[f"layer{i}.{name}"])
                if value.shape != shape or value.dtype.kind not in "fiu":
                    raise ValueError(f"layer{i}.{name} must be numbers of shape {shape}, "
                                     f"not {value.dtype} {value.shape}")
                if not np.isfinite(value).all():
                    raise ValueError(f"layer{i}.{name} must be finite numbers")
                theta[where] = value.ravel()
        self.theta[...] = theta

    def get_weights(self) -> list[dict[str, np.ndarray]]:
        """Copies of every layer's parameters: ``[{"W": W, "b": b}, ...]``."""
        return [{"W": layer.W.copy(), "b": layer.b.copy()} for layer in self.layers]

    def set_weights(self, weights: Sequence[dict]) -> None:
        if len(weights) != len(self.layers):
            raise ValueError(f"expected weights for {len(self.layers)} layers, got {len(weights)}")
        for layer, w in zip(self.layers, weights):
            layer.W = w["W"]
            layer.b = w["b"]

    # ---------------------------------------------------------------- forward
    def as_input(self, X) -> np.ndarray:
        """Validate X (m, n_inputs) and convert it to the network's dtype."""
        X = np.asarray(X, dtype=self.dtype)
        if X.ndim == 1 and self.n_inputs == 1:
            X = X.reshape(-1, 1)
        if X.ndim != 2 or X.shape[1] != self.n_inputs:
            raise ValueError(f"the network takes {self.n_inputs} input(s) per sample: give an "
                             f"(m, {self.n_inputs}) array, not shape {np.shape(X)}")
        if not np.isfinite(X).all():
            raise ValueError("the inputs contain NaN or infinite values")
        return np.ascontiguousarray(X)

    def propagate(self, X: np.ndarray) -> np.ndarray:
        """Fast forward pass on an already validated X; returns the output layer's buffer
        (overwritten by the next pass with the same batch size).  Layers cache Z and A."""
        self.forward_serial += 1
        A = X
        for layer in self.layers:
            A = layer.forward(A)
        return A

    def forward(self, X) -> np.ndarray:
        """Predictions Â = f(X), shape (m, n_outputs)."""
        return self.propagate(self.as_input(X)).copy()

    def forward_all(self, X) -> list[np.ndarray]:
        """Every layer's output for X, in one pass: ``[A¹ (m, n₁), A² (m, n₂), …, Â]``."""
        self.propagate(self.as_input(X))
        return [layer.A.copy() for layer in self.layers]

    # ---------------------------------------------------------------- loss and gradients
    def targets(self, y, loss) -> np.ndarray:
        """Targets as an (m, n_outputs) matrix in the network's dtype, checked against the loss."""
        loss = get_loss(loss)
        loss.check_output(self.output_activation)
        return loss.targets(y, self.n_outputs, self.dtype)

    def penalty(self, l1: float = 0.0, l2: float = 0.0) -> float:
        """l1 · Σ|W| + (l2 / 2) · Σ W² over every layer's weights (biases excluded)."""
        total = 0.0
        for layer in self.layers:
            if l1:
                total += l1 * float(np.abs(layer.W).sum())
            if l2:
                total += 0.5 * l2 * float(np.vdot(layer.W, layer.W))
        return total

    def output_delta(self, Y: np.ndarray, loss) -> np.ndarray:
        """dZ of the output layer from the cached forward pass: (m, n_outputs).  Â − Y when
        the output activation and the loss fuse (sigmoid + BCE, softmax + CE), else
        dÂ ⊙ g′(Z)."""
        out = self.layers[-1]
        return loss.output_dZ(out.Z, out.A, Y, out.activation, out=out.workspace(Y.shape[0]).dZ)

    def backward_layer(self, i: int, dZ: np.ndarray, l1: float = 0.0, l2: float = 0.0,
                       need_dA_prev: bool = True) -> np.ndarray | None:
        """The chain rule at layer ``i`` (0-based): from its dZ (m, n_out) fill dW and db
        (with the penalty's gradient) and return dA_prev = dZ·Wᵀ (m, n_in)."""
        layer = self.layers[i]
        dA_prev = layer.backward(dZ, need_dA_prev=need_dA_prev)
        if l1 or l2:
            layer.add_penalty(l1, l2)
        return dA_prev

    def backpropagate(self, Y: np.ndarray, loss, l1: float = 0.0, l2: float = 0.0) -> None:
        """Fill ``grad`` from the cached forward pass: the chain rule from the output back.
        (The step inspector walks the same :meth:`output_delta` and :meth:`backward_layer`.)"""
        dZ = self.output_delta(Y, loss)
        for i in range(len(self.layers) - 1, -1, -1):
            dA_prev = self.backward_layer(i, dZ, l1, l2, need_dA_prev=i > 0)
            if i > 0:
                dZ = self.layers[i - 1].dZ_from(dA_prev)

    def weight_gradient_norms(self) -> np.ndarray:
        """‖dW‖ = √(Σ dW²) of every layer's weights (biases left out), shape (n_layers,),
        from one pass over ``grad``: a sum per slice of g² (W¹, b¹, W², b², …) of which
        every other one is kept.  Per layer, vdot and a list cost twice as much on a small
        network, where they were a twentieth of an epoch."""
        return np.sqrt(np.add.reduceat(np.square(self.grad), self._slice_starts)[::2])

    def loss(self, X, y, loss: str = "mse", l1: float = 0.0, l2: float = 0.0) -> float:
        """The loss on (X, y) plus the regularization penalty."""
        loss = get_loss(loss)
        Y = self.targets(y, loss)
        self.propagate(self.as_input(X))
        out = self.layers[-1]
        return loss.value(out.Z, out.A, Y) + self.penalty(l1, l2)

    def gradients(self, X, y, loss: str = "mse", l1: float = 0.0,
                  l2: float = 0.0) -> list[dict[str, np.ndarray]]:
        """∂L/∂W and ∂L/∂b of every layer: ``[{"W": dW, "b": db}, ...]`` (copies)."""
        loss = get_loss(loss)
        X = self.as_input(X)
        Y = self.targets(y, loss)
        if Y.shape[0] != X.shape[0]:
            raise ValueError(f"X has {X.shape[0]} samples but y has {Y.shape[0]}")
        self.propagate(X)
        self.backpropagate(Y, loss, l1, l2)
        return [{"W": layer.dW.copy(), "b": layer.db.copy()} for layer in self.layers]


def _check_sizes(sizes) -> list[int]:
    try:
        sizes = [int(s) for s in sizes]
    except (TypeError, ValueError):
        raise ValueError(f"sizes must be a list of unit counts like [2, 4, 1], not {sizes!r}") from None
    if len(sizes) < 2:
        raise ValueError("a network needs at least an input size and an output size, e.g. [2, 1]")
    if min(sizes) < 1:
        raise ValueError(f"every layer needs at least one unit: {sizes}")
    return sizes
