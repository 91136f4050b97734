"""The thin Qt adapter between the engine's TrainingSession and the views.

:class:`SessionController` owns the current session and its :class:`~backprop_lab.gui.model.config.Config`;
it turns the session's plain callbacks into Qt signals and applies the panels' changes
(training settings go to the live session from the next step; data and architecture changes
rebuild it and say so).

Nothing is thrown away for good: every change that replaces the session (a rebuild, a reset,
new data, a lesson, an opened file) first keeps the current one on an undo stack, and
:meth:`SessionController.undo` brings it back as it was — weights, history and timeline.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

import numpy as np

from backprop_lab.engine import Dataset, TrainingSession
from backprop_lab.engine.analysis.session_copy import copy_session
from backprop_lab.engine.io.csv_split import resplit
from backprop_lab.engine.data.datasets import GENERATORS

from ..model.config import ARCHITECTURE_FIELDS, CUSTOM, DATA_FIELDS, Config

#: How many replaced sessions Undo can bring back.
UNDO_DEPTH = 10


@dataclass
class _Kept:
    """A session as it was before something replaced it."""
    config: Config
    session: TrainingSession
    custom_data: Dataset | None
    reason: str          # what replaced it: "a reset", "the lesson 'XOR'", …


class SessionController(QObject):
    rebuilt = Signal()            # a new session (new data and/or network)
    trained = Signal()            # the epoch count or weights moved through training
    weightsEdited = Signal()      # the user typed a weight or bias
    diverged = Signal(str)        # training stopped on a non-finite loss; the message
    stopped = Signal(str)         # early stopping or a stop rule ended training; the message
    message = Signal(str)         # something to tell the user (status bar)
    error = Signal(str)           # something the user asked for was refused
    configChanged = Signal()      # the config changed (panels re-read it)
    settling = Signal()           # the session is about to change or be saved: see settle()

    def __init__(self, config: Config | None = None, parent=None):
        super().__init__(parent)
        self.config = (config or Config()).normalized()
        if self.config.is_custom:           # settings from a run on data that is gone
            self.config = dataclasses.replace(self.config, dataset=Config.dataset).normalized()
        #: Imported or drawn data (what Config.dataset == CUSTOM stands for), else None.
        self.custom_data: Dataset | None = None
        self.session: TrainingSession = self.config.build_session()
        self.session.subscribe(self._on_session_event)
        self._undo: list[_Kept] = []
        self._redo: list[_Kept] = []

    def settle(self) -> None:
        """Before the session is changed or saved: whatever trains it elsewhere (the training
        loop's process) hands the state it reached back first, so :attr:`session` is the
        whole truth."""
        self.settling.emit()

    # ------------------------------------------------------------------ events
    def _on_session_event(self, event: str, session: TrainingSession) -> None:
        if event == "diverged":
            self.diverged.emit(session.diverged or "Training diverged.")
        elif event == "stopped":
            self.stopped.emit(stop_sentence(session))
        elif event == "weights":
            self.weightsEdited.emit()
        elif event in ("trained", "reset", "resumed"):
            self.trained.emit()

    _KEEP = object()

    def _install(self, session: TrainingSession, config: Config | None = None,
                 custom_data=_KEEP, reason: str | None = None) -> None:
        """Make ``session`` (with its ``config`` and ``custom_data``) the current one; with a
        ``reason``, the session it replaces is kept for Undo first."""
        if reason is not None:
            self._keep(self._undo, reason)
            self._redo.clear()
        if config is not None:
            self.config = config
        if custom_data is not self._KEEP:
            self.custom_data = custom_data
        self.session.unsubscribe(self._on_session_event)
        self.session = session
        session.subscribe(self._on_session_event)
        self.rebuilt.emit()

    # ------------------------------------------------------------------ undo
    def _keep(self, stack: list[_Kept], reason: str) -> None:
        stack.append(_Kept(self.config, self.session, self.custom_data, reason))
        del stack[:-UNDO_DEPTH]

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    def undo(self) -> bool:
        """Bring back the session that the last reset, rebuild, lesson or file replaced."""
        return self._swap(self._undo, self._redo, "Undid")

    def redo(self) -> bool:
        return self._swap(self._redo, self._undo, "Redid")

    def revert(self) -> None:
        """Put back the session the last change replaced, and forget that change (it could
        not be completed: e.g. an opened file that cannot be shown)."""
        self.settle()
        if self._undo:
            kept = self._undo.pop()
            self._install(kept.session, kept.config, kept.custom_data)
            self.configChanged.emit()

    def _swap(self, source: list[_Kept], target: list[_Kept], verb: str) -> bool:
        self.settle()
        if not source:
            self.message.emit("Nothing to undo." if verb == "Undid" else "Nothing to redo.")
            return False
        kept = source.pop()
        self._keep(target, kept.reason)
        self._install(kept.session, kept.config, kept.custom_data)
        self.configChanged.emit()
        self.message.emit(f"{verb} {kept.reason}: back at epoch {kept.session.epoch}.")
        return True

    # ------------------------------------------------------------------ config
    def apply(self, **changes) -> bool:
        """Change settings by name; False (and a message saying why) when refused — the
        settings declare their limits (:mod:`..model.settings`), nothing is replaced silently.

        Training settings (and a loss that fits the output layer) apply to the live session
        from its next step; data and architecture changes build a new session, keep the old
        one for Undo, and say what was rebuilt."""
        self.settle()
        try:
            new = self.config.changed(**changes)
        except ValueError as exc:
            self.error.emit(str(exc))
            self.configChanged.emit()            # the panels show the current values again
            return False
        changed = new.changed_fields(self.config)
        if not changed:
            return True
        live_loss = (changed & {"loss"}
                     and new.output_activation() == self.config.output_activation())
        rebuild = changed & (set(DATA_FIELDS) | set(ARCHITECTURE_FIELDS))
        if live_loss:
            rebuild = rebuild - {"loss"}
        try:
            if rebuild:
                self._rebuild(new, changed)
            else:
                s = self.session
                if live_loss:
                    s.loss = new.loss
                new.apply_training(s)
                self.config = new
                self.message.emit("Applies from the next step: " + ", ".join(
                    f"{name.replace('_', ' ')} {getattr(new, name)}" for name in sorted(changed)))
        except ValueError as exc:
            self.error.emit(str(exc))
            self.configChanged.emit()
            return False
        self.configChanged.emit()
        return True

    def _rebuild(self, new: Config, changed: set[str]) -> None:
        keep_data = not (changed & set(DATA_FIELDS))
        custom = self.custom_data
        if new.is_custom:
            if custom is None:
                raise ValueError("there is no imported or drawn data to go back to")
            if changed & {"test_fraction", "validation_fraction", "data_seed"}:
                custom = resplit(custom, new.test_fraction, new.data_seed,
                                 new.validation_fraction)
            data = self._with_features(custom, new)
        elif keep_data:
            data = self._with_features(self.session.data, new)
        else:
            data = None
        session = new.build_session(data)
        old_epoch = self.session.epoch
        names = ", ".join(sorted(name.replace("_", " ") for name in changed))
        self._install(session, new, custom, reason=f"the change of {names}")
        what = "data and network" if not keep_data else "network"
        undo = f" (Ctrl+Z brings back epoch {old_epoch})" if old_epoch else ""
        self.message.emit(f"Rebuilt the {what} for the new {names}: new weights from seed "
                          f"{new.seed}, epoch 0{undo}.")

    @staticmethod
    def _with_features(data: Dataset, config: Config) -> Dataset:
        return data.with_features(config.features) if data.is_planar else data

    def _custom_config(self, data: Dataset, base: Config | None = None,
                       loss: str = "") -> Config:
        """``base`` (default: the current config) describing imported or drawn ``data``; an
        empty ``loss`` takes the first that fits the data's task."""
        base = base or self.config
        return Config(**{**base.__dict__, "dataset": CUSTOM, "custom_task": data.task,
                         "n_classes": max(data.n_classes, 2),
                         "features": data.features if data.is_planar else base.features,
                         "test_fraction": float(data.params.get("test_fraction",
                                                                base.test_fraction)),
                         "validation_fraction": float(data.params.get("validation_fraction",
                                                                      0.0)),
                         "loss": loss}).normalized()

    def use_data(self, data: Dataset, split_chosen: bool = False) -> bool:
        """Train on imported or drawn ``data`` with a new network of the current hidden
        layers (its input and output layers fit the data).  False (and a message) if refused.

        An imported file read without a validation set gets the validation share the data
        panel shows, unless ``split_chosen`` (the import dialog's split stands, 0 % too)."""
        self.settle()
        share = self.config.validation_fraction
        if share and "source" in data.params and not data.has_validation and not split_chosen:
            try:
                data = resplit(data, float(data.params.get("test_fraction", 0.0)),
                               int(data.params.get("seed", 0)), share)
            except ValueError as exc:
                self.message.emit(f"No validation set: {exc}.")
        config = self._custom_config(data)
        try:
            session = config.build_session(data)
        except ValueError as exc:
            self.error.emit(str(exc))
            return False
        self._install(session, config, data, reason=f"loading {data.name}")
        self.configChanged.emit()
        val = f", {len(data.y_val)} validation" if data.has_validation else ""
        self.message.emit(f"Training on {data.name}: {len(data.y_train)} training and "
                          f"{len(data.y_test)} test{val} samples, {data.n_inputs} input(s); "
                          f"new weights from seed {config.seed}.")
        return True

    def edit_data(self, data: Dataset) -> bool:
        """The data changed by hand (a point drawn or removed): keep the network and its
        weights when it still fits, else rebuild it (a new class needs a new output unit)."""
        self.settle()
        session = self.session
        if session.network.n_outputs != data.n_outputs or session.data.task != data.task:
            if not self.use_data(data):
                return False
            self.message.emit(f"{data.n_classes} classes now: the output layer changed, so the "
                              "network starts from new weights.")
            return True
        try:
            session.replace_data(data)
        except ValueError as exc:
            self.error.emit(str(exc))
            return False
        self.custom_data = data
        self.config = self._custom_config(data)
        self.rebuilt.emit()
        self.configChanged.emit()
        return True

    def load(self, config: Config, session: TrainingSession, checkpoint: str | None = None) -> None:
        """Adopt a ready session and the config it was built from (a lesson, a file); with
        ``checkpoint`` (what is opening), the replaced session is kept for Undo."""
        self.settle()
        data = session.data
        custom = None
        if config.is_custom or data.name not in GENERATORS or data.params.get("edited"):
            custom = data
            config = self._custom_config(data, config, session.loss)
        self._install(session, config.normalized(), custom, reason=checkpoint)
        self.configChanged.emit()

    def rebuild(self) -> None:
        """New data and network from the current config (the Regenerate button; imported or
        drawn data is kept, with a new network)."""
        self.settle()
        try:
            self._install(self.config.build_session(
                self._with_features(self.custom_data, self.config)
                if self.config.is_custom and self.custom_data is not None else None),
                reason="regenerating the data")
        except ValueError as exc:
            self.error.emit(str(exc))
            return
        self.message.emit("Regenerated the data and re-initialized the network "
                          "(Ctrl+Z brings the previous run back).")

    # ------------------------------------------------------------------ actions
    def step_epoch(self) -> bool:
        """One epoch; False (and the reason) when the session cannot train."""
        self.settle()
        try:
            self.session.step_epoch()
        except ValueError as exc:            # e.g. a network with a step unit
            self.error.emit(str(exc))
            return False
        return True

    def reset(self) -> None:
        """New random weights from the weight seed, epoch 0, on the same data; the run that
        was there is kept for Undo."""
        self.settle()
        old = self.session
        try:
            session = self.config.build_session(old.data)
        except ValueError as exc:
            self.error.emit(str(exc))
            return
        self._install(session, reason="the reset")
        undo = f" (Ctrl+Z brings back epoch {old.epoch})" if old.epoch else ""
        self.message.emit(f"Reset: new random weights from seed {self.config.seed}, "
                          f"epoch 0{undo}.")

    def set_weight(self, layer: int, i: int, j: int, value: float) -> bool:
        self.settle()
        try:
            self.session.set_weight(layer, i, j, value)
        except (ValueError, IndexError) as exc:
            self.error.emit(str(exc))
            return False
        return True

    def set_bias(self, layer: int, j: int, value: float) -> bool:
        self.settle()
        try:
            self.session.set_bias(layer, j, value)
        except (ValueError, IndexError) as exc:
            self.error.emit(str(exc))
            return False
        return True

    def set_weights_from_landscape(self, theta) -> bool:
        """Train on from weights θ (P,) picked on the loss landscape: a copy of the session
        with those weights and a fresh optimizer state (no momentum carried over from where
        the weights were) replaces it; Ctrl+Z brings back the session as it was."""
        self.settle()
        theta = np.asarray(theta, dtype=np.float64)
        old = self.session
        if theta.shape != old.network.theta.shape or not np.isfinite(theta).all():
            self.error.emit(f"the landscape's point must be {old.network.theta.size} finite "
                            "weights")
            return False
        session = copy_session(old)
        session.network.theta[...] = theta
        session.optimizer.reset()
        session.weights_edited()
        self._install(session, reason="setting the weights from the loss landscape")
        self.message.emit(f"Weights set from the loss landscape at epoch {session.epoch}: "
                          "training goes on from there (Ctrl+Z brings the old weights back).")
        return True


def stop_sentence(session: TrainingSession) -> str:
    """What the status line says when early stopping or a stop rule ended training: the
    session's sentence, shortened for early stopping so it fits a 1024-pixel window."""
    stop = session.stop_report
    if stop is None:
        return "Training stopped."
    early = session.early_stopping
    if stop.reason != "early_stopping" or early is None:
        return stop.message
    patience = early["patience"]
    kept = (f"best epoch {stop.best_epoch} restored" if stop.restored else
            f"the weights stay (best: epoch {stop.best_epoch})")
    return (f"Stopped at epoch {stop.epoch}: no lower {stop.watched} loss for {patience} "
            f"epoch{'s' * (patience != 1)}; {kept}.")
