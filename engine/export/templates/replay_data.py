"""The data half of the exact-replay scripts (numpy_replay.py, torch_replay.py): the data,
the weights and the optimizer's state when exported, and Backprop Lab's mini-batch order.

The export pastes its code at the end of either script, after its main(), and fills in the
numbers (see backprop_lab.engine.export.replay).
"""
import base64
import io

import numpy as np

SIZES = [2, 4, 1]  # units per layer, the inputs first
DTYPE = np.float64
BATCH_SIZE = None  # samples per step (None: the whole training set)
SEED = 0  # the seed of the mini-batch shuffler

# ============================== the data, the weights and the mini-batches

Y_DTYPE = np.int64  # the labels' type


def load_data__literal():
    """(X_train, y_train, X_test, y_test): inputs X (m, n_inputs), labels y (m,)."""
    X_train = np.array(X_TRAIN, dtype=np.float64).reshape(-1, SIZES[0])
    X_test = np.array(X_TEST, dtype=np.float64).reshape(-1, SIZES[0])
    y_train = np.array(Y_TRAIN, dtype=Y_DTYPE)
    y_test = np.array(Y_TEST, dtype=Y_DTYPE)
    return X_train.astype(DTYPE), y_train, X_test.astype(DTYPE), y_test


def load_data__npz():
    """(X_train, y_train, X_test, y_test): inputs X (m, n_inputs), labels y (m,)."""
    with np.load(io.BytesIO(base64.b64decode(DATA_NPZ)), allow_pickle=False) as npz:
        return (npz["X_train"].astype(DTYPE), npz["y_train"],
                npz["X_test"].astype(DTYPE), npz["y_test"])


load_data = load_data__literal


def targets__one_hot(labels):
    """Class labels (m,) -> one-hot targets Y (m, n_classes)."""
    Y = np.zeros((len(labels), SIZES[-1]), dtype=DTYPE)
    Y[np.arange(len(labels)), labels] = 1.0
    return Y


def targets__column(labels):
    """Labels or targets (m,) -> the target matrix Y (m, 1)."""
    return np.asarray(labels).reshape(len(labels), 1).astype(DTYPE)


targets = targets__column


def as_arrays(layers):
    """[{"W": nested lists, "b": list}, ...] -> the same with NumPy arrays."""
    return [{"W": np.array(layer["W"], dtype=DTYPE),
             "b": np.array(layer["b"], dtype=DTYPE)} for layer in layers]


def load_npz_layers(prefix=""):
    """[{"W": (n_in, n_out), "b": (n_out,)}, ...] from WEIGHTS_NPZ, e.g. prefix "m_"."""
    with np.load(io.BytesIO(base64.b64decode(WEIGHTS_NPZ)), allow_pickle=False) as npz:
        return [{"W": npz[f"{prefix}W{i}"].astype(DTYPE), "b": npz[f"{prefix}b{i}"].astype(DTYPE)}
                for i in range(1, len(SIZES))]


def load_weights__literal():
    """[{"W": (n_in, n_out), "b": (n_out,)}, ...]: the weights when exported."""
    return as_arrays(WEIGHTS)


def load_weights__npz():
    """[{"W": (n_in, n_out), "b": (n_out,)}, ...]: the weights when exported."""
    return load_npz_layers()


load_weights = load_weights__literal


def copy_of(params):
    """A copy of params: [{"W": (n_in, n_out), "b": (n_out,)}, ...]."""
    return [{"W": p["W"].copy(), "b": p["b"].copy()} for p in params]


def load_healthy_weights__literal(params):
    """The weights training goes back to if it diverges: the latest healthy ones when
    exported (HEALTHY_WEIGHTS, or a copy of params when they are the same)."""
    return copy_of(params) if HEALTHY_WEIGHTS is None else as_arrays(HEALTHY_WEIGHTS)


def load_healthy_weights__npz(params):
    """The weights training goes back to if it diverges: the latest healthy ones when
    exported (healthy_W1, … in WEIGHTS_NPZ, or a copy of params when they are the same)."""
    with np.load(io.BytesIO(base64.b64decode(WEIGHTS_NPZ)), allow_pickle=False) as npz:
        if "healthy_W1" not in npz.files:
            return copy_of(params)
    return load_npz_layers("healthy_")


load_healthy_weights = load_healthy_weights__literal


def zeros_like(params):
    """Zeros shaped like params: [{"W": (n_in, n_out), "b": (n_out,)}, ...]."""
    return [{"W": np.zeros_like(p["W"]), "b": np.zeros_like(p["b"])} for p in params]


def load_optimizer_state__literal(params):
    """The optimizer's step count t and running state (shaped like params)."""
    state = {"t": OPTIMIZER_STEPS}
    for name, layers in OPTIMIZER_STATE.items():
        state[name] = zeros_like(params) if layers is None else as_arrays(layers)
    return state


def load_optimizer_state__npz(params):
    """The optimizer's step count t and running state (shaped like params)."""
    state = {"t": OPTIMIZER_STEPS}
    for name, saved in OPTIMIZER_STATE_SAVED.items():
        state[name] = load_npz_layers(f"{name}_") if saved else zeros_like(params)
    return state


load_optimizer_state = load_optimizer_state__literal


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
        return self.order[start:start + self.size]

    def advance(self):
        """Move past the batch just used; True when that finished the epoch."""
        self.cursor += 1
        if self.cursor < self.steps_per_epoch:
            return False
        self.cursor, self.order = 0, None
        return True


# ------------------------------ the mini-batch shuffler when exported

# The state of the NumPy generator that draws each epoch's order, the order of the
# epoch in progress (None: not drawn yet) and the index of its next mini-batch.
RNG_STATE = np.random.default_rng(SEED).bit_generator.state
ORDER = None
CURSOR = 0

# ------------------------------ weights and optimizer state

# The weights and biases of every layer.  W is (n_in, n_out): column j holds the
# weights into unit j of the layer; b is (n_out,).
WEIGHTS = [
    {"W": [[0.5, -0.4, 0.3, -0.2], [-0.3, 0.5, 0.2, -0.4]], "b": [0.1, 0.0, -0.1, 0.0]},
    {"W": [[0.6], [-0.5], [0.4], [-0.3]], "b": [0.0]},
]
# The latest healthy weights when exported and their epoch (None: the weights above)
HEALTHY_WEIGHTS = None
HEALTHY_EPOCH = 0
WEIGHTS_NPZ = ""
OPTIMIZER_STEPS = 0  # optimizer steps taken so far
# The optimizer's running state by name, shaped like WEIGHTS (None: all zeros)
OPTIMIZER_STATE = {}
# Which running state WEIGHTS_NPZ holds (as m_W1, m_b1, ...); the others are all zeros
OPTIMIZER_STATE_SAVED = {}

# ------------------------------ data

X_TRAIN = [[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]
Y_TRAIN = [0, 1, 1, 0]
X_TEST = []
Y_TEST = []
DATA_NPZ = ""
