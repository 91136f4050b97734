"""Backprop Lab export: train this network on with NumPy alone (the exact-replay template).

As it stands it trains XOR (python numpy_replay.py --epochs 100).  The export fills in a
session's settings, weights, optimizer state, data and shuffler (see
backprop_lab.engine.export.replay), so that training on continues exactly as in the app.
"""
import argparse
import math

import numpy as np

# ------------------------------ settings
SIZES = [2, 4, 1]  # units per layer, the inputs first
DTYPE = np.float64
L1 = 0.0  # penalty L1 * sum|W| (weights only, not biases)
L2 = 0.0  # penalty (L2 / 2) * sum W^2
LEARNING_RATE = 0.5
BETA = 0.9
RHO = 0.99
BETA1 = 0.9
BETA2 = 0.999
EPS = 1e-08
CLIP_NORM = 1.0  # gradient clipping: the longest the whole gradient may be
BATCH_SIZE = None  # samples per step (None: the whole training set)
SEED = 0  # the seed of the mini-batch shuffler
EPOCH = 0  # epochs completed when exported
METRIC = "accuracy"
LEAKY_SLOPE = 0.01
EXP_LIMIT = 700.0  # sigmoid clips Z at -EXP_LIMIT so exp(-Z) never overflows


def identity(Z):  # g(z) = z
    return Z


def identity_backward(dA, Z, A):  # g'(z) = 1
    return dA


def relu(Z):  # g(z) = max(0, z)
    return np.maximum(Z, 0.0)


def relu_backward(dA, Z, A):  # g'(z) = 1 if z > 0 else 0
    return dA * (Z > 0)


def leaky_relu(Z):  # g(z) = max(LEAKY_SLOPE * z, z)
    return np.maximum(Z, Z * LEAKY_SLOPE)


def leaky_relu_backward(dA, Z, A):  # g'(z) = 1 if z > 0 else LEAKY_SLOPE
    return np.where(Z > 0, dA, LEAKY_SLOPE * dA)


def sigmoid(Z):  # g(z) = 1 / (1 + e^-z)
    return 1.0 / (1.0 + np.exp(-np.maximum(Z, -EXP_LIMIT)))


def sigmoid_backward(dA, Z, A):  # g'(z) = g(z) (1 - g(z))
    return (1.0 - A) * A * dA


def tanh(Z):  # g(z) = tanh(z)
    return np.tanh(Z)


def tanh_backward(dA, Z, A):  # g'(z) = 1 - tanh(z)^2
    return (1.0 - A * A) * dA


def softmax(Z):  # row-wise: e^z_k / sum_j e^z_j (output layers only: see output_dZ)
    E = np.exp(Z - Z.max(axis=1, keepdims=True))  # no overflow
    return E / E.sum(axis=1, keepdims=True)


# Each layer's activation A = g(Z) and its backward dZ = dA * g'(Z), the output's last
ACTIVATIONS = [(tanh, tanh_backward), (sigmoid, sigmoid_backward)]


def forward(params, X):
    """The forward pass.  X (m, n_0) -> [(A_prev, Z, A) of every layer].

    Layer l computes Z = A_prev @ W + b (m, n_l) and A = g(Z) (m, n_l); the last A is
    the prediction.  Backpropagation needs all of them, so they are kept.
    """
    caches = []
    A = X
    for layer, (g, _) in zip(params, ACTIVATIONS):
        Z = A @ layer["W"] + layer["b"]          # (m, n_in) @ (n_in, n_out) + (n_out,)
        A_next = g(Z)
        caches.append((A, Z, A_next))
        A = A_next
    return caches


def loss__mse(Z, A, Y):
    """Half the squared error summed over the outputs, averaged over the m samples."""
    d = A - Y
    per_sample = 0.5 * (d * d).sum(axis=1)      # 1/2 sum_k (A_k - Y_k)^2
    return float(per_sample.sum()) / len(per_sample)


def loss__bce(Z, A, Y):
    """Binary cross-entropy of A = sigmoid(Z), averaged over the m samples."""
    # -[Y log sigmoid(Z) + (1 - Y) log(1 - sigmoid(Z))], written so it never takes log(0)
    terms = np.maximum(Z, 0.0) - Z * Y + np.log1p(np.exp(-np.abs(Z)))
    per_sample = terms.sum(axis=1)
    return float(per_sample.sum()) / len(per_sample)


def loss__cross_entropy(Z, A, Y):
    """Softmax cross-entropy, averaged over the m samples."""
    # -sum_k Y_k log softmax(Z)_k = logsumexp(Z) - sum_k Y_k Z_k  (Y is one-hot)
    z_max = Z.max(axis=1)
    logsumexp = z_max + np.log(np.exp(Z - z_max[:, None]).sum(axis=1))
    per_sample = logsumexp - (Y * Z).sum(axis=1)
    return float(per_sample.sum()) / len(per_sample)


loss = loss__bce


def penalty(params):
    """L1 * sum|W| + (L2 / 2) * sum W^2 over every layer's weights (not the biases)."""
    total = 0.0
    for layer in params:
        if L1:
            total += L1 * float(np.abs(layer["W"]).sum())
        if L2:
            total += 0.5 * L2 * float((layer["W"] * layer["W"]).sum())
    return total


def output_dZ__fused(Z, A, Y):
    """dZ of the output layer, (m, n_L): the derivative of each sample's loss by Z."""
    # The loss and the output activation (bce and sigmoid, cross_entropy and softmax, mse and
    # identity) simplify together to A - Y.
    return A - Y


def output_dZ__chain(Z, A, Y):
    """dZ of the output layer, (m, n_L): the derivative of each sample's loss by Z."""
    # dL_i/dA = A - Y, through the output's activation: dZ = (A - Y) * g'(Z)
    return ACTIVATIONS[-1][1](A - Y, Z, A)


output_dZ = output_dZ__fused


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
            dZ = ACTIVATIONS[i - 1][1](dA_prev, Z_prev, A_prev_out)
    return grads


def clip_by_norm(grads):
    """Gradient clipping, in place: when the whole gradient (every dW and db end to end) is
    longer than CLIP_NORM, scale it down to that length, g <- g * CLIP_NORM / (|g| + 1e-6)."""
    flat = np.concatenate([grad[key].ravel() for grad in grads for key in ("W", "b")])
    scale = float(np.abs(flat).max())
    if scale == 0.0:
        return
    if scale > 1e150:                                    # g * g would overflow
        norm = scale * math.sqrt(float(np.dot(flat / scale, flat / scale)))
    else:
        norm = math.sqrt(float(np.dot(flat, flat)))
    factor = min(1.0, CLIP_NORM / (norm + 1e-6))
    if factor < 1.0:
        for grad in grads:
            for key in ("W", "b"):
                grad[key] *= factor


def update__sgd(params, grads, state, lr):
    """One step of gradient descent at learning rate lr, in place: theta <- theta - lr * g."""
    state["t"] += 1
    for layer, grad in zip(params, grads):
        for key in ("W", "b"):
            layer[key] += grad[key] * -lr


def update__momentum(params, grads, state, lr):
    """One momentum step, in place, with v a running sum of the gradients (PyTorch's
    SGD(momentum=BETA)):  v <- BETA * v + g;  theta <- theta - lr * v."""
    state["t"] += 1
    for layer, grad, v in zip(params, grads, state["v"]):
        for key in ("W", "b"):
            v[key] = BETA * v[key] + grad[key]
            layer[key] += v[key] * -lr


def update__nesterov(params, grads, state, lr):
    """One Nesterov momentum step, in place (PyTorch's SGD(momentum=BETA, nesterov=True)):
    v <- BETA * v + g;  theta <- theta - lr * (g + BETA * v)."""
    state["t"] += 1
    for layer, grad, v in zip(params, grads, state["v"]):
        for key in ("W", "b"):
            v[key] = BETA * v[key] + grad[key]
            layer[key] += (v[key] * BETA + grad[key]) * -lr


def update__rmsprop(params, grads, state, lr):
    """One RMSprop step, in place:
    s <- RHO * s + (1 - RHO) * g^2;  theta <- theta - lr * g / (sqrt(s) + EPS)."""
    state["t"] += 1
    for layer, grad, s in zip(params, grads, state["s"]):
        for key in ("W", "b"):
            g = grad[key]
            s[key] = RHO * s[key] + (1.0 - RHO) * (g * g)
            layer[key] += (g / (np.sqrt(s[key]) + EPS)) * -lr


def update__adam(params, grads, state, lr):
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
            layer[key] += (m[key] / denominator) * (-lr / (1.0 - BETA1 ** t))


update = update__sgd


def score__accuracy(A, labels):
    """Accuracy: the fraction of samples whose predicted class is the label
    (output > 0.5 for one output unit, else the unit with the highest output)."""
    predicted = (A[:, 0] > 0.5) if A.shape[1] == 1 else A.argmax(axis=1)
    return float(np.count_nonzero(predicted == labels)) / len(labels)


def score__r2(A, y):
    """R^2 = 1 - sum (prediction - y)^2 / sum (y - mean y)^2 (one output)."""
    residual = float(np.sum((A[:, 0] - y) ** 2))
    total = float(np.sum((y - y.mean()) ** 2))
    if total == 0.0:
        return 1.0 if residual == 0.0 else 0.0
    return 1.0 - residual / total


score = score__accuracy


def evaluate(params, X, Y, labels):
    """(mean loss, score) over a whole split, as Backprop Lab's history records them
    (the loss without the penalty)."""
    _, Z, A = forward(params, X)[-1]
    return loss(Z, A, Y), score(A, labels)


def largest_weight(params):
    """max |w| over every W and b (nan if any is nan)."""
    return float(np.max([np.abs(layer[key]).max() for layer in params for key in ("W", "b")]))


def main():
    parser = argparse.ArgumentParser(
        description="Train the network exported from Backprop Lab on from where it was.")
    parser.add_argument("--epochs", type=int, default=100,
                        help="how many epochs to train (default: 100)")
    args = parser.parse_args()
    if args.epochs < 0:
        parser.error("--epochs must be 0 or more")

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
        print(f"epoch {epoch} (exported): train loss {train_loss:.6g}, "
              f"{METRIC} {train_score:.4g}")
        healthy = (HEALTHY_EPOCH, load_healthy_weights(params))   # to go back to
        diverged = None
        for i in range(args.epochs):
            lr = learning_rate(epoch)            # the schedule's rate for this epoch
            finished = False
            while not finished:                  # the steps of one epoch
                idx = batches.next()
                caches = forward(params, X_train[idx])
                grads = backward(params, caches, Y_train[idx])
                if not all(np.isfinite(g[k]).all() for g in grads for k in g):
                    diverged = "the gradient overflowed"
                    break
                clip_by_norm(grads)
                update(params, grads, state, lr)
                finished = batches.advance()
            if diverged:
                break
            epoch += 1
            train_loss, train_score = evaluate(params, X_train, Y_train, y_train)
            diverged = divergence(train_loss, largest_weight(params))
            if diverged:
                break
            if is_healthy(train_loss):
                healthy = (epoch, [{k: a.copy() for k, a in p.items()} for p in params])
            if (i + 1) % every == 0 or i + 1 == args.epochs:
                print(f"epoch {epoch}: train loss {train_loss:.6g}, {METRIC} {train_score:.4g}")
        if diverged:
            epoch, params = healthy
            train_loss, train_score = evaluate(params, X_train, Y_train, y_train)
            print(f"training diverged ({diverged}): stopped, back to the weights of "
                  f"epoch {epoch}; try a lower learning rate")

    print(f"final epoch: {epoch}")
    print(f"final train loss: {train_loss!r}")
    print(f"final train {METRIC}: {train_score!r}")
    if L1 or L2:
        print(f"final train penalty: {penalty(params)!r}")
    if len(y_test):
        test_loss, test_score = evaluate(params, X_test, Y_test, y_test)
        print(f"final test loss: {test_loss!r}")
        print(f"final test {METRIC}: {test_score!r}")


# The schedule and divergence, then the data, the weights and the mini-batches: the export
# pastes those modules' code here.
from backprop_lab.engine.export.templates.replay_rules import (  # noqa: E402
    divergence, is_healthy, learning_rate)
from backprop_lab.engine.export.templates.replay_data import (  # noqa: E402
    HEALTHY_EPOCH, Batches, load_data, load_healthy_weights, load_optimizer_state, load_weights,
    targets)


if __name__ == "__main__":
    main()
