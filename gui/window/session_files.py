"""Sessions on disk: save, save as, open, open recent, the unsaved-work prompt and autosave.

Unsaved work (``unsaved``) is what the title's "•" shows; it is not the renderer's need for a
frame.  Each window autosaves to a file of its own (named after its process), so two windows
never share or delete each other's autosave; at start-up the app offers back the autosaves
of processes that are no longer running.
"""
from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, QStandardPaths, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox

from backprop_lab.engine import save_session
from backprop_lab.engine.io.session_file import open_session

from ..model.config import Config

SESSION_FILTER = "Backprop Lab sessions (*.bplab);;All files (*)"
AUTOSAVE_INTERVAL_MS = 30_000
MAX_RECENT = 8


class SessionFiles(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.w = window
        self.path: Path | None = None
        self.unsaved = False
        self._quiet = False          # while a file is being adopted, its changes are not "work"
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setInterval(AUTOSAVE_INTERVAL_MS)
        self.autosave_timer.timeout.connect(self.autosave)
        self._lock: QLockFile | None = None
        if window.settings is not None:
            self.autosave_timer.start()
            self._lock = _held_lock(self.autosave_path().with_suffix(".lock"))
        c = window.controller
        for signal in (c.rebuilt, c.trained, c.weightsEdited, c.configChanged):
            signal.connect(self._work_changed)

    # ------------------------------------------------------------------ the title
    def _work_changed(self, *_args) -> None:
        if not self._quiet:
            self.unsaved = True
            self.update_title()

    def update_title(self) -> None:
        name = self.path.name if self.path else "untitled"
        self.w.setWindowTitle(f"{name}{' •' if self.unsaved else ''} — Backprop Lab")

    def folder(self) -> Path:
        return self.path.parent if self.path else Path.home()

    # ------------------------------------------------------------------ saving
    def extra(self) -> dict:
        """What the window keeps in a session file beside the engine's session."""
        return {"gui_config": self.w.controller.config.to_dict(), "pins": self.w.pins.to_list()}

    def save_to(self, path) -> bool:
        """Save the whole session to ``path``; False (and a message) if that failed."""
        path = Path(path)
        self.w.stepper.cancel()
        self.w.controller.settle()            # what trains elsewhere is saved as it is now
        try:
            save_session(self.w.controller.session, path, extra=self.extra())
        except (OSError, ValueError) as exc:
            self.w.show_error(f"Could not save {path.name}: {exc}")
            return False
        self._now_at(path, f"Saved {path}")
        return True

    def save(self) -> bool:
        return self.save_as() if self.path is None else self.save_to(self.path)

    def save_as(self) -> bool:
        start = str(self.path or Path.home() / "session.bplab")
        path, _ = QFileDialog.getSaveFileName(self.w, "Save session", start, SESSION_FILTER)
        if not path:
            return False
        if not path.endswith(".bplab"):
            path += ".bplab"
        return self.save_to(path)

    # ------------------------------------------------------------------ opening
    def open_dialog(self) -> None:
        if not self.maybe_keep_work():
            return
        path, _ = QFileDialog.getOpenFileName(self.w, "Open session", str(self.folder()),
                                              SESSION_FILTER)
        if path:
            self.open_path(path, ask=False)

    def open_path(self, path, ask: bool = True) -> bool:
        """Open a session file; a bad file is refused with a message and nothing changes.
        The panels describe the session that was opened (its own network, data and
        settings), whatever window settings the file carries."""
        if ask and not self.maybe_keep_work():
            return False
        path = Path(path)
        try:
            session, extra = open_session(path)
            stored = extra.get("gui_config") if isinstance(extra, dict) else None
            config = Config.from_session(session, stored if isinstance(stored, dict) else None)
        except ValueError as exc:
            return self._refuse(str(exc))
        self.w.view_state.interrupt()
        self._quiet = True
        try:
            self.w.controller.load(config, session, checkpoint="opening " + path.name)
            self.w.pins.load(extra.get("pins") if isinstance(extra, dict) else None)
            self.w.renderer.render()            # a file that opens must also draw
        except Exception as exc:                # noqa: BLE001 — the old session comes back
            self.w.controller.revert()
            return self._refuse(f"{path.name} could not be shown ({exc}); the session you had "
                                "is still open.")
        finally:
            self._quiet = False
        self.w.lesson_card.dismiss()        # the lesson is over, on the stage too
        self._now_at(path, f"Opened {path.name}: epoch {session.epoch}")
        return True

    def _refuse(self, text: str) -> bool:
        self.w.show_error(text)
        if self.w.isVisible() and self.w.settings is not None:      # interactive use
            QMessageBox.warning(self.w, "Cannot open the session", text)
        return False

    def _now_at(self, path: Path, message: str) -> None:
        """The session is now the one in ``path``, with nothing unsaved."""
        self.path, self.unsaved = path, False
        self._remember_recent(path)
        self.update_title()
        self.w.say(message)

    def maybe_keep_work(self) -> bool:
        """Ask before discarding unsaved work; True to go on (saved or discarded)."""
        if not self.unsaved or self.w.settings is None or not self.w.isVisible():
            return True
        answer = QMessageBox.question(
            self.w, "Unsaved work", "The current session has unsaved changes. Save them first?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    # ------------------------------------------------------------------ recent files
    def _remember_recent(self, path: Path) -> None:
        settings = self.w.settings
        if settings is None:
            return
        recent = [p for p in self._recent() if p != str(path)]
        settings.setValue("recent", [str(path)] + recent[: MAX_RECENT - 1])
        self.refresh_recent()

    def _recent(self) -> list[str]:
        value = self.w.settings.value("recent") if self.w.settings is not None else None
        if isinstance(value, str):
            return [value]
        return [str(p) for p in value] if isinstance(value, (list, tuple)) else []

    def refresh_recent(self) -> None:
        menu = self.w.menus["recent"]
        menu.clear()
        recent = self._recent()
        for path in recent:
            action = QAction(path, menu)
            action.triggered.connect(lambda _c=False, p=path: self.open_path(p))
            menu.addAction(action)
        menu.setEnabled(bool(recent))

    # ------------------------------------------------------------------ autosave
    @staticmethod
    def autosave_folder() -> Path:
        return Path(QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.AppDataLocation) or Path.home() / ".backprop-lab")

    @classmethod
    def autosave_path(cls, pid: int | None = None) -> Path:
        """This process's autosave file (another window's has another name)."""
        return cls.autosave_folder() / f"autosave-{os.getpid() if pid is None else pid}.bplab"

    def autosave(self) -> None:
        """Keep a copy of unsaved work where the next launch can offer it back."""
        if not self.unsaved:
            return
        path = self.autosave_path()
        self.w.controller.settle()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            save_session(self.w.controller.session, path,
                         extra={**self.extra(), "source": str(self.path or "")})
        except (OSError, ValueError) as exc:
            self.w.say(f"Autosave failed: {exc}")

    @classmethod
    def orphaned_autosaves(cls) -> list[Path]:
        """Autosaves of app processes that are no longer running (crashed or killed)."""
        found = []
        for path in sorted(cls.autosave_folder().glob("autosave-*.bplab")):
            if path == cls.autosave_path():
                continue
            lock = QLockFile(str(path.with_suffix(".lock")))
            lock.setStaleLockTime(0)          # stale only when its process is gone
            if lock.tryLock(0):               # nobody holds it: that window is gone
                lock.unlock()
                found.append(path)
        return found

    def offer_autosave(self) -> None:
        """After a crash or kill, offer to restore the work that process autosaved."""
        for path in self.orphaned_autosaves()[-1:]:
            answer = QMessageBox.question(
                self.w, "Restore unsaved work?",
                "Backprop Lab did not close normally last time. Restore the work it autosaved?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
            if answer == QMessageBox.StandardButton.Yes and self.open_path(path, ask=False):
                self.path, self.unsaved = None, True
                self.update_title()
            path.unlink(missing_ok=True)

    def closed_normally(self) -> None:
        self.autosave_timer.stop()
        if self.w.settings is not None:
            self.autosave_path().unlink(missing_ok=True)     # nothing to restore
        if self._lock is not None:
            self._lock.unlock()


def _held_lock(path: Path) -> QLockFile | None:
    """A lock that says "this window is alive" for as long as the process runs."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    lock = QLockFile(str(path))
    lock.setStaleLockTime(0)
    return lock if lock.tryLock(0) else None
