"""XOR learned by a 2-4-1 network in NumPy: the template of Backprop Lab's readable export.

As it stands it trains XOR from small random weights: python numpy_mlp.py --epochs 300.
The export fills in a session's data, layers, current weights, loss and optimizer; see
backprop_lab.engine.export.readable_numpy.
"""
import argparse
import math
from pathlib import Path

import numpy as np

ARRAYS = "numpy_mlp.npz"


def load(name):
    """An array from the .npz file the export wrote beside this script."""
    with np.load(Path(__file__).with_name(ARRAYS)) as arrays:
        return arrays[name]


# The data: the network's inputs X (m, n_inputs) and the targets Y (m, n_outputs)
X_train = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
Y_train = np.array([[0.0], [1.0], [1.0], [0.0]])
X_test = np.array([[0.1, 0.9], [0.9, 0.9]])
Y_test = np.array([[1.0], [0.0]])

rng = np.random.default_rng(0)
# The weights and biases of every layer: W (n_in, n_out), b (n_out,)
layers = [
    [rng.normal(0.0, 0.5, (2, 4)), np.zeros(4)],
    [rng.normal(0.0, 0.5, (4, 1)), np.zeros(1)],
]
params = [p for layer in layers for p in layer]       # W1, b1, W2, b2, ... (updated in place)


def identity(Z):
    return Z


def identity_grad(A):
    return np.ones_like(A)


def relu(Z):
    return np.maximum(Z, 0.0)


def relu_grad(A):               # each derivative is written with the layer's output A = g(Z)
    return (A > 0).astype(A.dtype)


LEAKY_SLOPE = 0.01


def leaky_relu(Z):
    return np.maximum(Z, LEAKY_SLOPE * Z)


def leaky_relu_grad(A):
    return np.where(A > 0, 1.0, LEAKY_SLOPE)


def sigmoid(Z):
    return 1.0 / (1.0 + np.exp(-Z))


def sigmoid_grad(A):
    return A * (1.0 - A)


def tanh_grad(A):
    return 1.0 - A**2


def softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


# Each layer's activation g and its derivative g' (the output's is part of output_delta)
activations = [(np.tanh, tanh_grad), (sigmoid, None)]
LEARNING_RATE, BATCH_SIZE, SEED = 0.5, 4, 0
BETA = 0.9
RHO = 0.99
EPS = 1e-8
BETA1 = 0.9
BETA2 = 0.999
L1, L2 = 0.0, 0.0001
CLIP_NORM = 1.0
STEP_SIZE = 100
GAMMA = 0.5
COSINE_EPOCHS = 300


def forward(X):
    """The forward pass: every layer's output [X, A1, ..., A_L] and the last layer's Z."""
    A = [X]
    for (W, b), (g, _) in zip(layers, activations):
        Z = A[-1] @ W + b                   # (m, n_in) @ (n_in, n_out) + (n_out,)
        A.append(g(Z))
    return A, Z


def loss__bce(Z, A, Y):
    """Binary cross-entropy of A = sigmoid(Z), from the logits Z (it never takes log 0)."""
    return np.mean(np.logaddexp(0.0, Z) - Y * Z)


def loss__cross_entropy(Z, A, Y):
    """Softmax cross-entropy: -log(the probability of the right class), averaged."""
    Zmax = Z.max(axis=1, keepdims=True)
    logsumexp = Zmax[:, 0] + np.log(np.exp(Z - Zmax).sum(axis=1))
    return np.mean(logsumexp - (Y * Z).sum(axis=1))


def loss__mse(Z, A, Y):
    """Half the mean squared error, 1/(2m)·Σ(A - Y)², so that dL/dA = (A - Y) / m."""
    return 0.5 * np.mean(((A - Y) ** 2).sum(axis=1))


loss = loss__bce


def output_delta__fused(A, Y):
    """dL/dZ of the output layer, per sample: with sigmoid + BCE, softmax + cross-entropy or
    identity + MSE the derivatives of the loss and the activation simplify to A - Y."""
    return A - Y


def output_delta__chain(A, Y):
    """dL/dZ of the output layer, per sample: the MSE's dL/dA = A - Y times g'."""
    return (A - Y) * activations[-1][1](A)


output_delta = output_delta__fused


def backward(A, Y):
    """The backward pass, the chain rule from the output back: [dW1, db1, dW2, db2, ...]."""
    dZ = output_delta(A[-1], Y) / len(Y)            # (m, n_out); / m: the loss is a mean
    grads = []
    for i in reversed(range(len(layers))):
        W, b = layers[i]
        dW = A[i].T @ dZ + L1 * np.sign(W) + L2 * W     # + the penalty's gradient
        grads[:0] = [dW, dZ.sum(axis=0)]
        if i > 0:
            dZ = (dZ @ W.T) * activations[i - 1][1](A[i])
    return grads


def clip_by_norm(grads):
    """Gradient clipping: scale all the gradients down together, in place, so that the norm
    of the whole gradient, sqrt(sum of every g^2), is at most CLIP_NORM."""
    norm = np.sqrt(sum(np.sum(g**2) for g in grads))
    for g in grads:
        g *= min(1.0, CLIP_NORM / (norm + 1e-6))


def update__sgd(grads, t, lr):
    """Gradient descent: theta <- theta - lr * g."""
    for p, g in zip(params, grads):
        p -= lr * g


velocity = [np.zeros_like(p) for p in params]


def update__momentum(grads, t, lr):
    """Momentum, as torch's SGD(momentum=BETA): v <- beta*v + g; theta -= lr * v."""
    for p, g, v in zip(params, grads, velocity):
        v[...] = BETA * v + g
        p -= lr * v


def update__nesterov(grads, t, lr):
    """Nesterov momentum: v <- beta*v + g; theta -= lr * (g + beta*v)."""
    for p, g, v in zip(params, grads, velocity):
        v[...] = BETA * v + g
        p -= lr * (g + BETA * v)


square_avg = [np.zeros_like(p) for p in params]


def update__rmsprop(grads, t, lr):
    """RMSprop: s <- rho*s + (1 - rho)*g^2; theta -= lr * g / (sqrt(s) + eps)."""
    for p, g, s in zip(params, grads, square_avg):
        s[...] = RHO * s + (1.0 - RHO) * g**2
        p -= lr * g / (np.sqrt(s) + EPS)


moment1 = [np.zeros_like(p) for p in params]
moment2 = [np.zeros_like(p) for p in params]


def update__adam(grads, t, lr):
    """Adam at step t = 1, 2, ...: running averages of g and g^2, bias-corrected."""
    for p, g, m, v in zip(params, grads, moment1, moment2):
        m[...] = BETA1 * m + (1.0 - BETA1) * g
        v[...] = BETA2 * v + (1.0 - BETA2) * g**2
        m_hat, v_hat = m / (1.0 - BETA1**t), v / (1.0 - BETA2**t)
        p -= lr * m_hat / (np.sqrt(v_hat) + EPS)


update = update__adam


def learning_rate__constant(epoch):
    """The learning rate of every epoch."""
    return LEARNING_RATE


def learning_rate__step(epoch):
    """The learning rate of epoch 0, 1, ...: times GAMMA every STEP_SIZE epochs."""
    return LEARNING_RATE * GAMMA ** (epoch // STEP_SIZE)


def learning_rate__exponential(epoch):
    """The learning rate of epoch 0, 1, ...: times GAMMA after every epoch."""
    return LEARNING_RATE * GAMMA**epoch


def learning_rate__cosine(epoch):
    """The learning rate of epoch 0, 1, ...: half a cosine wave down to 1% of LEARNING_RATE
    over COSINE_EPOCHS epochs, then constant."""
    wave = 0.5 * (1.0 + math.cos(math.pi * min(epoch, COSINE_EPOCHS) / COSINE_EPOCHS))
    return LEARNING_RATE * (0.01 + 0.99 * wave)


learning_rate = learning_rate__cosine


def evaluate__binary(X, Y):
    """The loss and the accuracy over a whole split (class 1 where the output is > 0.5)."""
    A, Z = forward(X)
    correct = np.mean((A[-1] > 0.5) == Y)
    return f"loss {loss(Z, A[-1], Y):.6g}, accuracy {correct:.3f}"


def evaluate__classes(X, Y):
    """The loss and the accuracy over a whole split (the class of the highest output)."""
    A, Z = forward(X)
    correct = np.mean(A[-1].argmax(axis=1) == Y.argmax(axis=1))
    return f"loss {loss(Z, A[-1], Y):.6g}, accuracy {correct:.3f}"


def evaluate__regression(X, Y):
    """The loss over a whole split."""
    A, Z = forward(X)
    return f"loss {loss(Z, A[-1], Y):.6g}"


evaluate = evaluate__binary


def train(epochs):
    """Train for ``epochs`` passes over the shuffled training set, reporting about ten times."""
    shuffler = np.random.default_rng(SEED)
    t = 0
    for epoch in range(1, epochs + 1):
        lr = learning_rate(epoch - 1)
        order = shuffler.permutation(len(X_train))
        for start in range(0, len(order), BATCH_SIZE):
            batch = order[start:start + BATCH_SIZE]
            A, Z = forward(X_train[batch])
            grads = backward(A, Y_train[batch])
            clip_by_norm(grads)
            t += 1
            update(grads, t, lr)
        if epoch % max(1, epochs // 10) == 0 or epoch == epochs:
            print(f"epoch {epoch}: train {evaluate(X_train, Y_train)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Train the network on from these weights.")
    parser.add_argument("--epochs", type=int, default=100)
    train(parser.parse_args().epochs)
    if len(X_test):
        print(f"test: {evaluate(X_test, Y_test)}")
    names = [f"{kind}{i}" for i in range(1, len(layers) + 1) for kind in ("W", "b")]
    np.savez(Path(__file__).with_suffix(".trained.npz"), **dict(zip(names, params)))
