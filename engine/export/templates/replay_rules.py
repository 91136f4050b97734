"""The rules of training both exact-replay scripts follow (numpy_replay.py, torch_replay.py):
the learning-rate schedule, and when training has diverged.

The export pastes its code into either script, after its main(), and fills in the numbers
(see backprop_lab.engine.export.replay).
"""
import math

LEARNING_RATE = 0.5

# ============================== Backprop Lab's rules of training

STEP_SIZE = 10  # epochs between two cuts of the learning rate
GAMMA = 0.5  # the factor of each cut
COSINE_EPOCHS = 100  # the length of the half cosine wave
COSINE_FLOOR = 0.01  # its end, as a fraction of LEARNING_RATE


def schedule__constant(epoch):
    """The schedule's factor for ``epoch`` (counting the epochs completed before it: 0 during
    the first), 1: the learning rate stays LEARNING_RATE."""
    return 1.0


def schedule__step(epoch):
    """The schedule's factor for ``epoch`` (counting the epochs completed before it: 0 during
    the first), GAMMA^floor(epoch / STEP_SIZE): the rate is cut by GAMMA every STEP_SIZE
    epochs."""
    return GAMMA ** (epoch // STEP_SIZE)


def schedule__exponential(epoch):
    """The schedule's factor for ``epoch`` (counting the epochs completed before it: 0 during
    the first), GAMMA^epoch: the rate is multiplied by GAMMA after every epoch."""
    return GAMMA ** epoch


def schedule__cosine(epoch):
    """The schedule's factor for ``epoch`` (counting the epochs completed before it: 0 during
    the first): half a cosine wave from 1 down to COSINE_FLOOR over COSINE_EPOCHS epochs, then
    flat."""
    e = min(epoch, COSINE_EPOCHS)
    return COSINE_FLOOR + (1.0 - COSINE_FLOOR) * 0.5 * (1.0 + math.cos(math.pi * e / COSINE_EPOCHS))


schedule = schedule__constant


def learning_rate(epoch):
    """LEARNING_RATE * schedule(epoch): the learning rate of every step of that epoch (at
    least the smallest float > 0)."""
    rate = LEARNING_RATE * schedule(epoch)
    return rate if rate > 0 else math.ulp(0.0)


# Divergence, judged as Backprop Lab judges it after every epoch: training stops when the loss
# or a weight is no longer a finite number, when the loss exceeds RISE x REFERENCE_LOSS, or when
# the largest |weight| exceeds GROWTH x REFERENCE_WEIGHT (also when a gradient overflows); then
# the latest healthy weights, whose loss was at most HEALTHY x REFERENCE_LOSS, come back.
HEALTHY = 1.0
RISE = 4.0
GROWTH = 1000.0
# The training loss when this stretch of training started in Backprop Lab, or the loss of the
# best constant prediction if that is higher (nan: none, then every finite loss is healthy)
REFERENCE_LOSS = 0.6931471805599453
REFERENCE_WEIGHT = 1.0  # the largest |weight| when it started (at least 1)


def divergence(loss, largest):
    """Why training must stop after an epoch whose training loss is ``loss`` and whose largest
    |weight| is ``largest``, or None while it may go on."""
    if not (math.isfinite(loss) and math.isfinite(largest)):
        return "the loss or a weight became infinite or NaN"
    if REFERENCE_LOSS > 0 and loss > RISE * REFERENCE_LOSS:
        return f"the loss rose above {RISE:g} x the reference {REFERENCE_LOSS:.3g}"
    if largest > GROWTH * REFERENCE_WEIGHT:
        return f"the weights exploded: the largest is {largest:.3g}"
    return None


def is_healthy(loss):
    """True when the weights of an epoch with this training loss are worth going back to."""
    return not REFERENCE_LOSS > 0 or loss <= HEALTHY * REFERENCE_LOSS
