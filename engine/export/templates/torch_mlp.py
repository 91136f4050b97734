"""XOR learned by a 2-4-1 network in PyTorch: the template of Backprop Lab's readable export.

As it stands it trains XOR from PyTorch's own initial weights: python torch_mlp.py --epochs 300.
The export fills in a session's data, layers, current weights, loss and optimizer; see
backprop_lab.engine.export.readable_torch.
"""
import argparse
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
X_test = torch.tensor([[0.1, 0.9], [0.9, 0.9]])
y_test = torch.tensor([[1.0], [0.0]])
loader = DataLoader(TensorDataset(X_train, y_train), batch_size=len(X_train))

model = nn.Sequential(
    nn.Linear(2, 4),
    nn.Tanh(),
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


def train(epochs):
    """Train for ``epochs`` passes over the training set, reporting about ten times."""
    for epoch in range(1, epochs + 1):
        for X, y in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(X), y) + penalty()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
            optimizer.step()
        scheduler.step()
        if epoch % max(1, epochs // 10) == 0 or epoch == epochs:
            print(f"epoch {epoch}: train {evaluate(X_train, y_train)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Train the network on from these weights.")
    parser.add_argument("--epochs", type=int, default=100)
    train(parser.parse_args().epochs)
    if len(X_test):
        print(f"test: {evaluate(X_test, y_test)}")
    torch.save(model.state_dict(), Path(__file__).with_suffix(".trained.pt"))
