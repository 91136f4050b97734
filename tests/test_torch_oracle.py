"""PyTorch autograd as an oracle for the engine.

The engine computes its gradients by hand-written backpropagation; here PyTorch computes them
by automatic differentiation of the *same* function (same weights, same data, same loss and
regularization conventions), in float64, and the two must agree to rounding.  Then one or a
few optimizer steps of a :class:`TrainingSession` must land on the weights ``torch.optim``
reaches from the same start.

Engine conventions mirrored in torch (see engine/losses.py, engine/network.py):

* ``Z = A_prev @ W + b`` with ``W`` of shape (n_in, n_out);
* ``mse = 1/(2m) · Σ (Â − Y)²``;  ``bce`` = mean over samples of the sum over outputs;
  ``cross_entropy`` = mean over samples, from integer labels;
* penalty ``l1 · Σ|W| + (l2/2) · Σ W²`` over the weights only, never the biases;
* Adam as torch.optim.Adam (bias-corrected, eps added to √v̂); RMSprop as torch.optim.RMSprop;
  momentum as torch.optim.SGD(momentum=β), Nesterov's too; clip_norm as
  torch.nn.utils.clip_grad_norm_; the schedules as torch's StepLR, ExponentialLR and
  CosineAnnealingLR (with eta_min = 1 % of the rate).

Without PyTorch the whole module is skipped, with the reason shown by ``pytest -ra``.
"""
from __future__ import annotations

import itertools

import numpy as np
import pytest

torch = pytest.importorskip(
    "torch",
    reason="PyTorch not installed: the autograd oracle tests need `pip install torch==2.13.0`",
)
F = torch.nn.functional

from backprop_lab.engine import Network, TrainingSession, datasets  # noqa: E402

HIDDEN = ("relu", "leaky_relu", "tanh", "sigmoid", "identity")
#: (output activation, loss, number of outputs)
HEADS = (
    ("sigmoid", "bce", 1),
    ("sigmoid", "bce", 2),              # bce sums over outputs, averages over samples
    ("identity", "mse", 1),
    ("identity", "mse", 2),
    ("sigmoid", "mse", 1),
    ("softmax", "cross_entropy", 3),
)
#: (n_inputs, hidden layer sizes)
ARCHITECTURES = (
    (3, ()),                            # no hidden layer
    (2, (4,)),                          # 2-4-k
    (3, (5, 4, 3)),                     # three hidden layers
)
REGULARIZATION = ((0.0, 0.0), (0.0, 0.1), (0.05, 0.0), (0.03, 0.2))   # (l1, l2)


# ---------------------------------------------------------------------------- torch side
def torch_activation(name: str, Z):
    if name == "relu":
        return torch.relu(Z)
    if name == "leaky_relu":
        return F.leaky_relu(Z, negative_slope=0.01)
    if name == "tanh":
        return torch.tanh(Z)
    if name == "sigmoid":
        return torch.sigmoid(Z)
    if name == "identity":
        return Z
    if name == "softmax":
        return torch.softmax(Z, dim=1)
    raise AssertionError(f"no torch twin for activation {name!r}")


def torch_params(net: Network, dtype=torch.float64) -> list:
    """[W¹, b¹, W², b², …] as leaf tensors copied from the engine network."""
    params = []
    for layer in net.layers:
        params.append(torch.tensor(np.array(layer.W), dtype=dtype, requires_grad=True))
        params.append(torch.tensor(np.array(layer.b), dtype=dtype, requires_grad=True))
    return params


def torch_forward(params, activations, X):
    """(Z of the output layer, Â)."""
    A = X
    Z = None
    for i, act in enumerate(activations):
        W, b = params[2 * i], params[2 * i + 1]
        Z = A @ W + b
        A = torch_activation(act, Z)
    return Z, A


def torch_data_loss(loss: str, Z, A, y):
    """The engine's data loss written with torch's own loss functions where they exist."""
    m = Z.shape[0]
    if loss == "mse":
        Y = y.reshape(m, -1).to(A.dtype)
        return 0.5 * ((A - Y) ** 2).sum() / m
    if loss == "bce":
        Y = y.reshape(m, -1).to(Z.dtype)
        return F.binary_cross_entropy_with_logits(Z, Y, reduction="sum") / m
    if loss == "cross_entropy":
        return F.cross_entropy(Z, y.long())        # mean over samples
    raise AssertionError(loss)


def torch_penalty(params, l1: float, l2: float):
    total = params[0].new_zeros(())
    for W in params[0::2]:                         # weights only, never biases
        if l1:
            total = total + l1 * W.abs().sum()
        if l2:
            total = total + 0.5 * l2 * (W * W).sum()
    return total


def torch_loss(params, activations, loss, X, y, l1=0.0, l2=0.0):
    Z, A = torch_forward(params, activations, X)
    return torch_data_loss(loss, Z, A, y) + torch_penalty(params, l1, l2)


# ---------------------------------------------------------------------------- helpers
def make_problem(n_in, hidden_sizes, hidden, output, loss, n_out, m=11, seed=0):
    """A network with random (non-zero) biases and matching random data and targets."""
    rng = np.random.default_rng(seed)
    sizes = [n_in, *hidden_sizes, n_out]
    net = Network(sizes, hidden=hidden, output=output, init="xavier", seed=seed)
    for layer in net.layers:
        layer.b = rng.normal(0.0, 0.3, layer.n_out)
    X = rng.normal(0.0, 1.0, (m, n_in))
    if loss == "cross_entropy":
        y = np.arange(m) % n_out                   # every class present, integer labels
        rng.shuffle(y)
    elif loss == "bce":
        y = (rng.random((m, n_out)) < 0.5).astype(np.int64)
        y = y[:, 0] if n_out == 1 else y
    else:
        y = rng.normal(0.0, 1.0, (m, n_out))
        y = y[:, 0] if n_out == 1 else y
    return net, X, y


def assert_close(actual, expected, what, rtol=1e-12):
    """Element-wise agreement to ``rtol`` relative to the array's scale (so a component that is
    mathematically 0 but carries 1e-17 of rounding in one of the two does not fail)."""
    actual, expected = np.asarray(actual, float), np.asarray(expected, float)
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape} != {expected.shape}"
    scale = max(float(np.abs(expected).max(initial=0.0)), 1e-300)
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=rtol * scale, err_msg=what)


def _gradient_cases():
    seen = set()
    for (n_in, hid), hidden, head, reg in itertools.product(
            ARCHITECTURES, HIDDEN, HEADS, REGULARIZATION):
        key = (n_in, hid, hidden if hid else None, head, reg)
        if key in seen:                            # no hidden layer: the hidden act is moot
            continue
        seen.add(key)
        name = (f"{'-'.join(map(str, (n_in, *hid, head[2])))}"
                f"-{hidden if hid else 'nohidden'}-{head[0]}+{head[1]}-l1={reg[0]}-l2={reg[1]}")
        yield pytest.param(n_in, hid, hidden, *head, *reg, id=name)


# ---------------------------------------------------------------------------- gradients
@pytest.mark.parametrize("n_in, hidden_sizes, hidden, output, loss, n_out, l1, l2",
                         list(_gradient_cases()))
def test_loss_and_gradients_match_autograd(n_in, hidden_sizes, hidden, output, loss, n_out,
                                           l1, l2):
    net, X, y = make_problem(n_in, hidden_sizes, hidden, output, loss, n_out)
    params = torch_params(net)
    Xt = torch.tensor(X, dtype=torch.float64)
    yt = torch.tensor(y)

    total = torch_loss(params, net.activations, loss, Xt, yt, l1, l2)
    total.backward()

    assert net.loss(X, y, loss, l1=l1, l2=l2) == pytest.approx(total.item(), rel=1e-12, abs=1e-15)
    assert net.penalty(l1, l2) == pytest.approx(
        torch_penalty(params, l1, l2).item(), rel=1e-12, abs=1e-15)
    with torch.no_grad():
        _, A_torch = torch_forward(params, net.activations, Xt)
    assert_close(net.forward(X), A_torch.numpy(), "forward output Â")

    grads = net.gradients(X, y, loss, l1=l1, l2=l2)
    assert len(grads) == len(net.layers)
    for i, g in enumerate(grads):
        assert_close(g["W"], params[2 * i].grad.numpy(), f"layer {i} dW")
        assert_close(g["b"], params[2 * i + 1].grad.numpy(), f"layer {i} db")
    # The flat gradient vector the optimizer reads holds the same numbers.
    flat = np.concatenate([p.grad.numpy().ravel() for p in params])
    assert_close(net.grad, flat, "flat gradient vector")


def test_gradients_with_dead_and_saturated_units_match_autograd():
    """Large weights: many ReLU units are dead on some samples and sigmoid outputs saturate;
    the subgradient conventions (relu′(0) = 0) and the fused σ+bce dZ = Â − Y agree."""
    net, X, y = make_problem(2, (6, 6), "relu", "sigmoid", "bce", 1, m=40, seed=3)
    net.theta[...] *= 8.0
    params = torch_params(net)
    total = torch_loss(params, net.activations, "bce", torch.tensor(X), torch.tensor(y))
    total.backward()
    assert net.loss(X, y, "bce") == pytest.approx(total.item(), rel=1e-12)
    for i, g in enumerate(net.gradients(X, y, "bce")):
        assert_close(g["W"], params[2 * i].grad.numpy(), f"layer {i} dW")
        assert_close(g["b"], params[2 * i + 1].grad.numpy(), f"layer {i} db")


def test_float32_network_gradients_match_autograd_in_float32():
    """The float32 engine stays in float32 and agrees with torch float32 to float32 rounding."""
    net, X, y = make_problem(3, (8, 8), "tanh", "softmax", "cross_entropy", 4, m=32, seed=5)
    net32 = net.copy(dtype="float32")
    params = torch_params(net32, dtype=torch.float32)
    total = torch_loss(params, net32.activations, "cross_entropy",
                       torch.tensor(X, dtype=torch.float32), torch.tensor(y), 0.0, 0.1)
    total.backward()
    grads = net32.gradients(X, y, "cross_entropy", l2=0.1)
    assert net32.grad.dtype == np.float32
    for i, g in enumerate(grads):
        assert g["W"].dtype == np.float32 and g["b"].dtype == np.float32
        assert_close(g["W"], params[2 * i].grad.numpy(), f"layer {i} dW", rtol=2e-5)
        assert_close(g["b"], params[2 * i + 1].grad.numpy(), f"layer {i} db", rtol=2e-5)


# ---------------------------------------------------------------------------- optimizers
#: name -> (dataset kwargs, network kwargs)
SETUPS = {
    "moons-2-4-1-relu-bce": (dict(name="moons", n_samples=50, seed=1),
                             dict(sizes=[2, 4, 1], hidden="relu", output="sigmoid")),
    "moons-2-6-5-1-tanh-bce": (dict(name="moons", n_samples=50, seed=1),
                               dict(sizes=[2, 6, 5, 1], hidden="tanh", output="sigmoid")),
    "moons-2-5-2-softmax": (dict(name="moons", n_samples=50, seed=1),
                            dict(sizes=[2, 5, 2], hidden="leaky_relu", output="softmax")),
    "spiral3-2-8-3-softmax": (dict(name="spiral", n_samples=60, n_classes=3, seed=2),
                              dict(sizes=[2, 8, 3], hidden="relu", output="softmax")),
    "plane-2-6-1-mse": (dict(name="plane", n_samples=40, seed=3),
                        dict(sizes=[2, 6, 1], hidden="sigmoid", output="identity")),
}


def make_session(setup, optimizer, lr, l1=0.0, l2=0.0, batch_size=None, dtype="float64"):
    data_kw, net_kw = SETUPS[setup]
    data_kw = dict(data_kw)
    data = datasets.load(data_kw.pop("name"), **data_kw)
    net = Network(net_kw["sizes"], hidden=net_kw["hidden"], output=net_kw["output"],
                  init="he", seed=7, dtype=dtype)
    rng = np.random.default_rng(11)
    for layer in net.layers:                       # non-zero biases exercise db fully
        layer.b = rng.normal(0.0, 0.2, layer.n_out)
    # Binary data with a 2-unit softmax needs cross_entropy named: the session's default
    # loss comes from the data's task (bce) and refuses a softmax output.
    loss = "cross_entropy" if net_kw["output"] == "softmax" else None
    session = TrainingSession(net, data, loss=loss, optimizer=optimizer, learning_rate=lr,
                              l1=l1, l2=l2, batch_size=batch_size)
    return session


def torch_twin(session, dtype=torch.float64):
    """(params, closure-free loss function of a batch) mirroring ``session``."""
    net = session.network
    params = torch_params(net, dtype=dtype)

    def loss_of(X, y):
        return torch_loss(params, net.activations, session.loss,
                          torch.tensor(np.asarray(X), dtype=dtype), torch.tensor(np.asarray(y)),
                          session.l1, session.l2)
    return params, loss_of


def torch_step(opt, loss_of, X, y):
    opt.zero_grad(set_to_none=True)
    loss = loss_of(X, y)
    loss.backward()
    opt.step()
    return loss.item()


def assert_weights_equal(session, params, what, rtol=1e-12):
    for i, layer in enumerate(session.network.layers):
        assert_close(layer.W, params[2 * i].detach().numpy(), f"{what}: layer {i} W", rtol)
        assert_close(layer.b, params[2 * i + 1].detach().numpy(), f"{what}: layer {i} b", rtol)


def _train_batch(session):
    return session.data.X_train, session.data.y_train


@pytest.mark.parametrize("setup", list(SETUPS))
@pytest.mark.parametrize("l1, l2", [(0.0, 0.0), (0.01, 0.05)])
def test_one_sgd_step_matches_torch_sgd(setup, l1, l2):
    session = make_session(setup, "sgd", lr=0.3, l1=l1, l2=l2)
    params, loss_of = torch_twin(session)
    X, y = _train_batch(session)
    # The loss the session records before training is torch's data loss.
    with torch.no_grad():
        data_loss = loss_of(X, y).item() - torch_penalty(params, l1, l2).item()
    assert session.evaluate("train")["loss"] == pytest.approx(data_loss, rel=1e-12)

    opt = torch.optim.SGD(params, lr=0.3)
    torch_step(opt, loss_of, X, y)
    assert session.step()
    assert session.steps == 1 and session.epoch == 1          # full batch: one step = epoch
    assert_weights_equal(session, params, f"{setup} after one SGD step")


@pytest.mark.parametrize("setup", list(SETUPS))
@pytest.mark.parametrize("n_steps", [1, 5])
def test_adam_steps_match_torch_adam(setup, n_steps):
    session = make_session(setup, "adam", lr=0.01, l2=0.02)
    params, loss_of = torch_twin(session)
    opt = torch.optim.Adam(params, lr=0.01, betas=(0.9, 0.999), eps=1e-8)
    X, y = _train_batch(session)
    for k in range(n_steps):
        torch_step(opt, loss_of, X, y)
        assert session.step()
        assert_weights_equal(session, params, f"{setup} after Adam step {k + 1}")
    assert session.optimizer.t == n_steps


def test_adam_mini_batches_match_torch_adam():
    """Mini-batches: the session's own batch order (next_batch) fed to torch, over 2 epochs."""
    session = make_session("spiral3-2-8-3-softmax", "adam", lr=0.02, l1=0.001, batch_size=16)
    params, loss_of = torch_twin(session)
    opt = torch.optim.Adam(params, lr=0.02)
    n = 2 * session.steps_per_epoch
    for k in range(n):
        X, Y, idx = session.next_batch()
        assert not isinstance(idx, slice)
        torch_step(opt, loss_of, session.data.X_train[idx], session.data.y_train[idx])
        assert session.step()
        assert_weights_equal(session, params, f"mini-batch Adam step {k + 1}", rtol=1e-11)
    assert session.epoch == 2


def test_rmsprop_steps_match_torch_rmsprop():
    session = make_session("moons-2-6-5-1-tanh-bce", "rmsprop", lr=0.01)
    params, loss_of = torch_twin(session)
    opt = torch.optim.RMSprop(params, lr=0.01, alpha=0.99, eps=1e-8)
    X, y = _train_batch(session)
    for k in range(4):
        torch_step(opt, loss_of, X, y)
        assert session.step()
        assert_weights_equal(session, params, f"RMSprop step {k + 1}")


@pytest.mark.parametrize("nesterov", [False, True])
@pytest.mark.parametrize("beta", [0.9, 0.5])
def test_momentum_is_torch_sgd_with_momentum(beta, nesterov):
    """The engine's v ← βv + g, θ ← θ − ηv (Nesterov: θ ← θ − η(g + βv)) is exactly
    ``torch.optim.SGD(momentum=β, nesterov=…)``, the classical form, with the same η."""
    lr = 0.2
    session = make_session("moons-2-4-1-relu-bce", "momentum", lr=lr, l2=0.01)
    session.configure_optimizer(beta=beta, nesterov=nesterov)
    assert session.optimizer_settings == {"beta": beta, "nesterov": nesterov}
    params, loss_of = torch_twin(session)
    opt = torch.optim.SGD(params, lr=lr, momentum=beta, nesterov=nesterov)
    X, y = _train_batch(session)
    for k in range(5):
        torch_step(opt, loss_of, X, y)
        assert session.step()
        assert_weights_equal(session, params, f"momentum step {k + 1}")
    buffers = np.concatenate([opt.state[p]["momentum_buffer"].numpy().ravel() for p in params])
    assert_close(session.optimizer.v, buffers, "velocity v")


def test_clipped_steps_match_torch_clip_grad_norm():
    """clip_norm scales the whole gradient as ``torch.nn.utils.clip_grad_norm_`` does."""
    session = make_session("moons-2-6-5-1-tanh-bce", "sgd", lr=0.5)
    session.clip_norm = 0.05
    params, loss_of = torch_twin(session)
    opt = torch.optim.SGD(params, lr=0.5)
    X, y = _train_batch(session)
    for k in range(3):
        opt.zero_grad(set_to_none=True)
        loss_of(X, y).backward()
        norm = torch.nn.utils.clip_grad_norm_(params, 0.05)
        opt.step()
        assert session.step()
        norm_before, factor = session.last_clip
        assert norm_before == pytest.approx(norm.item(), rel=1e-12) and factor < 0.1
        assert_weights_equal(session, params, f"clipped step {k + 1}")


@pytest.mark.parametrize("spec,torch_scheduler", [
    ({"name": "step", "step_size": 2, "gamma": 0.5},
     lambda opt: torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)),
    ({"name": "exponential", "gamma": 0.8},
     lambda opt: torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.8)),
    ({"name": "cosine", "epochs": 4},
     lambda opt: torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=4, eta_min=0.003)),
])
def test_schedules_give_torch_schedulers_rates(spec, torch_scheduler):
    """Each epoch's learning rate is the one torch's scheduler gives (stepped once per epoch)."""
    session = make_session("plane-2-6-1-mse", "sgd", lr=0.3, batch_size=16)
    session.schedule = spec
    params, _ = torch_twin(session)
    opt = torch.optim.SGD(params, lr=0.3)
    scheduler = torch_scheduler(opt)
    for epoch in range(5):
        assert session.current_learning_rate == pytest.approx(opt.param_groups[0]["lr"],
                                                               rel=1e-12), epoch
        session.run(1)
        opt.step()
        scheduler.step()


def test_float32_adam_steps_match_torch_float32():
    session = make_session("moons-2-6-5-1-tanh-bce", "adam", lr=0.01, dtype="float32")
    params, loss_of = torch_twin(session, dtype=torch.float32)
    opt = torch.optim.Adam(params, lr=0.01)
    X, y = _train_batch(session)
    for k in range(3):
        torch_step(opt, loss_of, X, y)
        assert session.step()
        assert session.network.theta.dtype == np.float32
        assert_weights_equal(session, params, f"float32 Adam step {k + 1}", rtol=1e-5)
