"""The rules of training both exact-replay scripts follow (numpy_replay.py, torch_replay.py):
the learning-rate schedule, when training has diverged, and when it stops on purpose (early
stopping and the stop rules).

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


# Early stopping, judged after every epoch as in Backprop Lab: when the WATCHED loss has not
# fallen more than MIN_DELTA below the last loss that did for PATIENCE epochs in a row,
# training stops; with RESTORE_BEST the weights of the epoch with the lowest loss come back.
PATIENCE = 3  # epochs without improvement (None: no early stopping)
MIN_DELTA = 0.0
RESTORE_BEST = True
WATCHED = "train"  # the loss watched: "validation", else "test", else "train"
# Where the watch stood when exported: the lowest watched loss and its epoch (None: none
# yet), the last loss that fell by more than MIN_DELTA, and the epochs waited since
BEST_LOSS = math.inf
BEST_EPOCH = None
IMPROVED_LOSS = math.inf
WAITED = 0
# The stop rules: stop at epoch STOP_EPOCH, when the training loss falls to TARGET_LOSS or
# below, or when the training score (accuracy or R^2) rises to TARGET_SCORE or above (None: no
# such rule).  A target stops training when it is reached, not again while it stays reached.
STOP_EPOCH = None
TARGET_LOSS = None
TARGET_SCORE = None
TARGETS_MET = {"loss": False, "score": False}  # whether each target was met when exported


class StopWatch:
    """Early stopping and the stop rules, judged after every epoch."""

    def __init__(self, best_weights):
        self.best = (BEST_EPOCH, best_weights)   # (epoch, weights) of the lowest watched loss
        self.best_loss, self.improved, self.waited = BEST_LOSS, IMPROVED_LOSS, WAITED
        self.met = dict(TARGETS_MET)
        self.restore = False                     # True once the best weights are to come back

    def judge(self, epoch, scores, copy_weights):
        """Why training stops after ``epoch`` (a sentence), or None to train on.
        scores: {split: (loss, score)} of the epoch; copy_weights(): a copy of the weights."""
        early = self.early_stopping(epoch, scores[WATCHED][0], copy_weights)
        return early or self.stop_rules(epoch, *scores["train"])

    def early_stopping(self, epoch, loss, copy_weights):
        if PATIENCE is None:
            return None
        loss = loss if math.isfinite(loss) else math.inf
        if loss < self.best_loss:
            self.best_loss, self.best = loss, (epoch, copy_weights())
        if loss < self.improved - MIN_DELTA:
            self.improved, self.waited = loss, 0
            return None
        self.waited += 1
        if self.waited < PATIENCE:
            return None
        best_epoch = epoch if self.best[0] is None else self.best[0]
        self.restore = RESTORE_BEST and self.best[0] is not None
        by = f"by more than {MIN_DELTA:g} " if MIN_DELTA else ""
        return (f"early stopping at epoch {epoch}: the {WATCHED} loss has not fallen {by}for "
                f"{PATIENCE} epochs; its lowest, {self.best_loss:.4g}, was at epoch {best_epoch}")

    def stop_rules(self, epoch, loss, score):
        met, self.met = self.met, {
            "loss": TARGET_LOSS is not None and loss <= TARGET_LOSS,
            "score": TARGET_SCORE is not None and score >= TARGET_SCORE}
        if epoch == STOP_EPOCH:
            return f"stopped at epoch {epoch}, as the stop rule says"
        for key, target in (("loss", TARGET_LOSS), ("score", TARGET_SCORE)):
            if self.met[key] and not met[key]:
                return f"stopped at epoch {epoch}: the training {key} reached its target {target:g}"
        return None
