"""Saving a file so that a crash at any moment leaves either the old file or the new one.

``with atomic_file(path) as handle: handle.write(...)`` writes to a temporary file in the
target's folder, flushes it to disk (``fsync``), renames it over the target and flushes the
folder, so that the rename itself survives a power cut.  If the block raises, the target is
untouched and the temporary file is removed.

* **Permissions**: the saved file keeps the mode of the file it replaces; a new file gets the
  usual mode for new files (``0o666`` less the umask).
* **Symbolic links**: saving to a link writes through it (the link stays a link).
* **Names**: the temporary file's name is short (``.bpl-`` + 8 hex digits + ``.tmp``), so a
  target whose name is as long as the file system allows can still be saved.
* **Killed saves**: a process killed mid-save leaves its temporary file behind.  Every save
  removes such leftovers from its folder first.  A save in progress holds an exclusive lock
  (``flock``) on its temporary file, so only the files of dead saves are removed; where
  ``flock`` is missing (Windows), an open file cannot be removed either.
"""
from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
import time
from pathlib import Path
from typing import BinaryIO, Iterator

try:
    import fcntl
except ImportError:             # Windows: open files cannot be deleted, which is enough
    fcntl = None

TEMP_PREFIX, TEMP_SUFFIX = ".bpl-", ".tmp"
_TEMP_NAME = re.compile(r"\.bpl-[0-9a-f]{8}\.tmp")
#: Temporary files of earlier versions (``.<target name>.<8 characters>.tmp``), removed when
#: at least this old (those saves took no lock).
_LEGACY_AGE = 600.0


@contextlib.contextmanager
def atomic_file(path) -> Iterator[BinaryIO]:
    """A binary file handle whose contents replace ``path`` when the block ends normally."""
    target = Path(os.path.realpath(path))
    folder = target.parent
    remove_stray_temporaries(folder, target.name)
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        mode = None
    fd, temp = _create_temporary(folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
            if mode is not None:
                os.chmod(temp, mode)
            if fcntl is not None:       # rename while the lock still guards the file
                os.replace(temp, target)
        if fcntl is None:
            os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _sync_folder(folder)


def write_bytes(path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically (see :func:`atomic_file`)."""
    with atomic_file(path) as handle:
        handle.write(data)


def remove_stray_temporaries(folder, target_name: str | None = None) -> int:
    """Remove the temporary files that killed saves left in ``folder``; the number removed.

    A file is removed only when no save holds its lock.  Leftovers of earlier versions next
    to ``target_name`` are removed when older than ten minutes."""
    folder = Path(folder)
    legacy = (re.compile(re.escape(f".{target_name}.") + r"[a-z0-9_]{8}\.tmp")
              if target_name else None)
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        name = entry.name
        if _TEMP_NAME.fullmatch(name):
            removed += _remove_if_unlocked(entry.path)
        elif legacy is not None and legacy.fullmatch(name):
            with contextlib.suppress(OSError):
                if time.time() - entry.stat(follow_symlinks=False).st_mtime > _LEGACY_AGE:
                    os.unlink(entry.path)
                    removed += 1
    return removed


def _create_temporary(folder: Path) -> tuple[int, str]:
    """(descriptor, path) of a new, locked temporary file in ``folder``."""
    while True:
        temp = os.path.join(folder, f"{TEMP_PREFIX}{secrets.token_hex(4)}{TEMP_SUFFIX}")
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                         0o666)
        except FileExistsError:
            continue
        if fcntl is None:
            return fd, temp
        fcntl.flock(fd, fcntl.LOCK_EX)
        if os.fstat(fd).st_nlink > 0:
            return fd, temp
        os.close(fd)            # a cleaner removed it between creation and locking: again


def _remove_if_unlocked(path: str) -> int:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return 0
    try:
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return 0            # a save in progress
        if fcntl is None:
            os.close(fd)            # Windows: an open file cannot be removed
            fd = -1
        os.unlink(path)
        return 1
    except OSError:
        return 0
    finally:
        if fd >= 0:
            os.close(fd)


def _sync_folder(folder: Path) -> None:
    """Flush the folder's entry for the renamed file (POSIX; a no-op where unsupported)."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
