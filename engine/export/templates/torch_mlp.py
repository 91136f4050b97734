"""XOR learned by a 2-4-1 network in PyTorch: the template of Backprop Lab's readable export.

As it stands it trains XOR from PyTorch's own initial weights: python torch_mlp.py --epochs 300.
The export fills in a session's data, layers, current weights, loss and optimizer; see
backprop_lab.engine.export.readable_torch.
"""
import argparse
import copy
import math
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

ARRAYS = "torch_mlp.npz"


def load(name):
    """An array from the .npz file the export wrote beside this script."""
    with np.load(Path(__file__).with_name(ARRAYS)) as arrays:
        return torch.from_numpy(arrays[name])


# The data: the network's inputs and the targets
X_train = torch.tensor([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
y_train = torch.tensor([[0.0], [1.0], [1.0], [0.0]])
X_val = torch.tensor([[0.2, 0.8], [0.8, 0.1]])
y_val = torch.tensor([[1.0], [1.0]])
X_test = torch.tensor([[0.1, 0.9], [0.9, 0.9]])
y_test = torch.tensor([[1.0], [0.0]])
loader = DataLoader(TensorDataset(X_train, y_train), batch_size=len(X_train))

model = nn.Sequential(
    nn.Linear(2, 4),
    nn.Tanh(),
    nn.Dropout(0.1),  # while training, each hidden unit dropped with probability 0.1
    nn.Linear(4, 1),
)
weights = model.state_dict()
model.load_state_dict(weights)

loss_fn = nn.BCEWithLogitsLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
# Backprop Lab's learning-rate schedule, stepped once per epoch
scheduler = torch.optim.lr_scheduler.LambdaLR(
    optimizer, lambda epoch: 0.01 + 0.99 * 0.5 * (1 + math.cos(math.pi * min(epoch, 300) / 300)))
L1, L2 = 0.0, 0.0001


def penalty():
    """L1·Σ|W| + (L2/2)·ΣW², Backprop Lab's penalty: on the weights only, not the biases."""
    Ws = [layer.weight for layer in model if isinstance(layer, nn.Linear)]
    return L1 * sum(W.abs().sum() for W in Ws) + L2 / 2 * sum((W**2).sum() for W in Ws)


def evaluate__binary(X, y):
    """The loss and the accuracy over a whole split (class 1 where the logit is > 0)."""
    with torch.no_grad():
        output = model(X)
        correct = ((output > 0).float() == y).float().mean()
        return f"loss {loss_fn(output, y).item():.6g}, accuracy {correct.item():.3f}"


def evaluate__classes(X, y):
    """The loss and the accuracy over a whole split (the class of the highest output)."""
    with torch.no_grad():
        output = model(X)
        correct = (output.argmax(dim=1) == y).float().mean()
        return f"loss {loss_fn(output, y).item():.6g}, accuracy {correct.item():.3f}"


def evaluate__regression(X, y):
    """The loss over a whole split."""
    with torch.no_grad():
        return f"loss {loss_fn(model(X), y).item():.6g}"


evaluate = evaluate__binary


def loss_of(X, y):
    """The loss over a whole split (without the penalty)."""
    with torch.no_grad():
        return loss_fn(model(X), y).item()


def score__binary(X, y):
    """The accuracy over a whole split (class 1 where the logit is > 0)."""
    with torch.no_grad():
        return ((model(X) > 0).float() == y).float().mean().item()


def score__classes(X, y):
    """The accuracy over a whole split (the class of the highest output)."""
    with torch.no_grad():
        return (model(X).argmax(dim=1) == y).float().mean().item()


def score__regression(X, y):
    """R² = 1 − Σ(output − y)² / Σ(y − mean y)² over a whole split."""
    with torch.no_grad():
        return 1.0 - ((model(X) - y) ** 2).sum().item() / ((y - y.mean()) ** 2).sum().item()


score = score__binary
# Backprop Lab's early stopping: stop when the loss it watches (see train) has not fallen by
# more than MIN_DELTA for PATIENCE epochs in a row
PATIENCE, MIN_DELTA, RESTORE_BEST = 5, 0.0, True
# Backprop Lab's stop rules
STOP_EPOCH, TARGET_LOSS, TARGET_SCORE = 250, 0.05, 1.0  # epochs, loss at most, accuracy at least


class EarlyStopping:
    """Watches a loss after every epoch and keeps a copy of the weights where it was lowest."""

    def __init__(self):
        self.best_loss, self.best_epoch, self.waited = math.inf, 0, 0
        self.best_weights = copy.deepcopy(model.state_dict())

    def stops(self, loss, epoch):
        """True when training should stop (then, with RESTORE_BEST, the best weights are back)."""
        if loss < self.best_loss - MIN_DELTA:
            self.best_loss, self.best_epoch, self.waited = loss, epoch, 0
            self.best_weights = copy.deepcopy(model.state_dict())
            return False
        self.waited += 1
        if self.waited < PATIENCE:
            return False
        print(f"early stopping at epoch {epoch}: the lowest loss, {self.best_loss:.6g}, "
              f"was at epoch {self.best_epoch}")
        if RESTORE_BEST:
            model.load_state_dict(self.best_weights)
        return True


def stop_rule(epoch):
    """True (after saying which) when one of the stop rules says to stop after ``epoch``."""
    if epoch == STOP_EPOCH:
        print(f"stopped at epoch {epoch}, as the stop rule says")
        return True
    if loss_of(X_train, y_train) <= TARGET_LOSS:
        print(f"stopped at epoch {epoch}: the training loss reached {TARGET_LOSS}")
        return True
    if score(X_train, y_train) >= TARGET_SCORE:
        print(f"stopped at epoch {epoch}: the training score reached {TARGET_SCORE}")
        return True
    return False


def train(epochs):
    """Train for ``epochs`` passes over the training set, reporting about ten times."""
    early_stopping = EarlyStopping()
    for epoch in range(1, epochs + 1):
        model.train()  # dropout on while training ...
        for X, y in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(X), y) + penalty()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
            optimizer.step()
        scheduler.step()
        model.eval()  # ... and off to measure
        if epoch % max(1, epochs // 10) == 0 or epoch == epochs:
            print(f"epoch {epoch}: train {evaluate(X_train, y_train)}")
        if early_stopping.stops(loss_of(X_val, y_val), epoch):
            break
        if stop_rule(epoch):
            break


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Train the network on from these weights.")
    parser.add_argument("--epochs", type=int, default=100)
    train(parser.parse_args().epochs)
    model.eval()
    if len(X_val):
        print(f"validation: {evaluate(X_val, y_val)}")
    if len(X_test):
        print(f"test: {evaluate(X_test, y_test)}")
    torch.save(model.state_dict(), Path(__file__).with_suffix(".trained.pt"))
