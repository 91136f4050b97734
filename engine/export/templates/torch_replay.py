"""Backprop Lab export: train this network on with PyTorch (the exact-replay template).

As it stands it trains XOR (python torch_replay.py --epochs 100).  The export fills in a
session's settings, weights, optimizer state, data and shuffler (see
backprop_lab.engine.export.replay), so that training on continues as in the app, to rounding.
"""
import argparse

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

# ------------------------------ settings
SIZES = [2, 4, 1]  # units per layer, the inputs first
DTYPE = np.float64  # of the numbers below; the network's is TORCH_DTYPE
TORCH_DTYPE = torch.float64
L1 = 0.0  # penalty L1 * sum|W| (weights only, not biases)
L2 = 0.0  # penalty (L2 / 2) * sum W^2
LEARNING_RATE = 0.5
BETA = 0.9
RHO = 0.99
BETA1 = 0.9
BETA2 = 0.999
EPS = 1e-08
NESTEROV = False
CLIP_NORM = 1.0  # gradient clipping: the longest the whole gradient may be
BATCH_SIZE = None  # samples per step (None: the whole training set)
SEED = 0  # the seed of the mini-batch shuffler
EPOCH = 0  # epochs completed when exported
METRIC = "accuracy"
LEAKY_SLOPE = 0.01


def identity(Z):
    return Z


def leaky_relu(Z):
    return F.leaky_relu(Z, negative_slope=LEAKY_SLOPE)


def softmax(Z):
    return torch.softmax(Z, dim=1)


# Each layer's activation A = g(Z), the output's last
ACTIVATIONS = [torch.tanh, torch.sigmoid]


class MLP(nn.Module):
    """Dense layers Z = A_prev @ W.T + b, each followed by its activation.

    torch.nn.Linear keeps W as (n_out, n_in): the transpose of Backprop Lab's
    (n_in, n_out), so the exported weights are transposed when they are copied in.
    """

    def __init__(self, weights):
        super().__init__()
        self.layers = nn.ModuleList(
            nn.Linear(n_in, n_out, dtype=TORCH_DTYPE) for n_in, n_out in zip(SIZES, SIZES[1:]))
        with torch.no_grad():
            for linear, layer in zip(self.layers, weights):
                linear.weight.copy_(torch.from_numpy(layer["W"].T.copy()))  # (n_out, n_in)
                linear.bias.copy_(torch.from_numpy(layer["b"]))

    def forward(self, X):
        """X (m, n_0) -> (Z, A) of the output layer, both (m, n_L)."""
        A = X
        for linear, g in zip(self.layers, ACTIVATIONS):
            Z = linear(A)
            A = g(Z)
        return Z, A


def data_loss__mse(Z, A, Y, labels):
    """Half the squared error summed over the outputs, averaged over the m samples."""
    return 0.5 * ((A - Y) ** 2).sum() / len(Y)         # 1/(2m) sum (A - Y)^2


def data_loss__bce(Z, A, Y, labels):
    """Binary cross-entropy of sigmoid(Z), from the logits Z: summed over the outputs,
    averaged over the m samples."""
    return F.binary_cross_entropy_with_logits(Z, Y, reduction="sum") / len(Y)


def data_loss__cross_entropy(Z, A, Y, labels):
    """Softmax cross-entropy of the logits Z, averaged over the m samples."""
    return F.cross_entropy(Z, labels)


data_loss = data_loss__bce


def penalty(model):
    """L1 * sum|W| + (L2 / 2) * sum W^2 over every layer's weights (not the biases)."""
    total = torch.zeros((), dtype=TORCH_DTYPE)
    for linear in model.layers:
        if L1:
            total = total + L1 * linear.weight.abs().sum()
        if L2:
            total = total + 0.5 * L2 * (linear.weight * linear.weight).sum()
    return total


def score__accuracy(A, labels):
    """Accuracy: the fraction of samples whose predicted class is the label
    (output > 0.5 for one output unit, else the unit with the highest output)."""
    predicted = (A[:, 0] > 0.5).long() if A.shape[1] == 1 else A.argmax(dim=1)
    return int((predicted == labels).sum()) / len(labels)


def score__r2(A, y):
    """R^2 = 1 - sum (prediction - y)^2 / sum (y - mean y)^2 (one output)."""
    residual = float(((A[:, 0] - y) ** 2).sum())
    total = float(((y - y.mean()) ** 2).sum())
    if total == 0.0:
        return 1.0 if residual == 0.0 else 0.0
    return 1.0 - residual / total


score = score__accuracy


def evaluate(model, X, Y, labels):
    """(mean loss, score) over a whole split, as Backprop Lab's history records them
    (the loss without the penalty)."""
    with torch.no_grad():
        Z, A = model(X)
        return data_loss(Z, A, Y, labels).item(), score(A, labels)


def largest_weight(model):
    """max |w| over every W and b (nan if any is nan)."""
    with torch.no_grad():
        return torch.stack([p.abs().max() for p in model.parameters()]).max().item()


def as_parameters(layers):
    """[{"W": (n_in, n_out), "b": (n_out,)}, ...] (NumPy) -> tensors in the order and
    layout of model.parameters(): [W1.T, b1, W2.T, b2, ...]."""
    return [torch.from_numpy(a) for layer in layers for a in (layer["W"].T.copy(), layer["b"])]


def make_optimizer__sgd(model, state):
    """torch.optim configured as Backprop Lab's optimizer: theta <- theta - lr * g."""
    return torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)


def make_optimizer__momentum(model, state):
    """torch.optim configured as Backprop Lab's optimizer, continuing from its running state
    (state: from load_optimizer_state, shaped like Backprop Lab's weights)."""
    # v <- BETA v + g;  theta <- theta - lr v  (Nesterov: theta <- theta - lr (g + BETA v))
    params = list(model.parameters())            # W1, b1, W2, b2, ...
    optimizer = torch.optim.SGD(params, lr=LEARNING_RATE, momentum=BETA, nesterov=NESTEROV)
    for p, v in zip(params, as_parameters(state["v"])):
        optimizer.state[p] = {"momentum_buffer": v}
    return optimizer


def make_optimizer__rmsprop(model, state):
    """torch.optim configured as Backprop Lab's optimizer, continuing from its running state
    (state: from load_optimizer_state, shaped like Backprop Lab's weights)."""
    # s <- RHO s + (1 - RHO) g^2;  theta <- theta - lr g / (sqrt(s) + EPS)  (EPS outside the root)
    params = list(model.parameters())            # W1, b1, W2, b2, ...
    optimizer = torch.optim.RMSprop(params, lr=LEARNING_RATE, alpha=RHO, eps=EPS)
    for p, s in zip(params, as_parameters(state["s"])):
        optimizer.state[p] = {"step": torch.tensor(float(state["t"])), "square_avg": s}
    return optimizer


def make_optimizer__adam(model, state):
    """torch.optim configured as Backprop Lab's optimizer, continuing from its running state
    (state: from load_optimizer_state, shaped like Backprop Lab's weights)."""
    # m <- BETA1 m + (1 - BETA1) g;  v <- BETA2 v + (1 - BETA2) g^2;
    # theta <- theta - lr / (1 - BETA1^t) * m / (sqrt(v) / sqrt(1 - BETA2^t) + EPS)
    params = list(model.parameters())            # W1, b1, W2, b2, ...
    optimizer = torch.optim.Adam(params, lr=LEARNING_RATE, betas=(BETA1, BETA2), eps=EPS)
    for p, m, v in zip(params, as_parameters(state["m"]), as_parameters(state["v"])):
        optimizer.state[p] = {"step": torch.tensor(float(state["t"])),
                              "exp_avg": m, "exp_avg_sq": v}
    return optimizer


make_optimizer = make_optimizer__sgd


def main():
    parser = argparse.ArgumentParser(
        description="Train the network exported from Backprop Lab on from where it was.")
    parser.add_argument("--epochs", type=int, default=100,
                        help="how many epochs to train (default: 100)")
    args = parser.parse_args()
    if args.epochs < 0:
        parser.error("--epochs must be 0 or more")

    X_train, y_train, X_test, y_test = load_data()
    Y_train, Y_test = torch.from_numpy(targets(y_train)), torch.from_numpy(targets(y_test))
    X_train, X_test = torch.from_numpy(X_train), torch.from_numpy(X_test)
    y_train, y_test = torch.from_numpy(y_train), torch.from_numpy(y_test)
    weights = load_weights()                     # Backprop Lab's layout: W (n_in, n_out)
    model = MLP(weights)
    optimizer = make_optimizer(model, load_optimizer_state(weights))
    # The learning rate of each epoch: LEARNING_RATE * schedule(epochs completed before it)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda e: schedule(EPOCH + e))
    batches = Batches(len(X_train))
    epoch = EPOCH
    every = max(1, args.epochs // 10)        # report about ten times

    train_loss, train_score = evaluate(model, X_train, Y_train, y_train)
    print(f"epoch {epoch} (exported): train loss {train_loss:.6g}, {METRIC} {train_score:.4g}")
    healthy = (HEALTHY_EPOCH, MLP(load_healthy_weights(weights)).state_dict())  # to go back to
    diverged = None
    for i in range(args.epochs):
        finished = False
        while not finished:                      # the steps of one epoch
            idx = batches.next()
            if not isinstance(idx, slice):
                idx = torch.from_numpy(idx)
            optimizer.zero_grad()
            Z, A = model(X_train[idx])
            objective = data_loss(Z, A, Y_train[idx], y_train[idx]) + penalty(model)
            objective.backward()                 # autograd fills every p.grad
            if not all(torch.isfinite(p.grad).all() for p in model.parameters()):
                diverged = "the gradient overflowed"
                break
            nn.utils.clip_grad_norm_(model.parameters(), CLIP_NORM)
            optimizer.step()
            finished = batches.advance()
        if diverged:
            break
        epoch += 1
        scheduler.step()
        train_loss, train_score = evaluate(model, X_train, Y_train, y_train)
        diverged = divergence(train_loss, largest_weight(model))
        if diverged:
            break
        if is_healthy(train_loss):
            healthy = (epoch, {k: v.clone() for k, v in model.state_dict().items()})
        if (i + 1) % every == 0 or i + 1 == args.epochs:
            print(f"epoch {epoch}: train loss {train_loss:.6g}, {METRIC} {train_score:.4g}")
    if diverged:
        epoch, weights = healthy
        model.load_state_dict(weights)
        train_loss, train_score = evaluate(model, X_train, Y_train, y_train)
        print(f"training diverged ({diverged}): stopped, back to the weights of "
              f"epoch {epoch}; try a lower learning rate")

    print(f"final epoch: {epoch}")
    print(f"final train loss: {train_loss!r}")
    print(f"final train {METRIC}: {train_score!r}")
    if L1 or L2:
        print(f"final train penalty: {penalty(model).item()!r}")
    if len(y_test):
        test_loss, test_score = evaluate(model, X_test, Y_test, y_test)
        print(f"final test loss: {test_loss!r}")
        print(f"final test {METRIC}: {test_score!r}")


# The schedule and divergence, then the data, the weights and the mini-batches: the export
# pastes those modules' code here.
from backprop_lab.engine.export.templates.replay_rules import (  # noqa: E402
    divergence, is_healthy, schedule)
from backprop_lab.engine.export.templates.replay_data import (  # noqa: E402
    HEALTHY_EPOCH, Batches, load_data, load_healthy_weights, load_optimizer_state, load_weights,
    targets)


if __name__ == "__main__":
    main()
