"""Atomic file writes: a crash, a full disk or ``kill -9`` at any moment leaves either the old file or the new
one.

The recipe: write a temporary file in the same folder (so the rename cannot cross file systems), flush and
fsync it, copy the current file to the backup the same way, then ``os.replace`` the temporary file over the
target and fsync the folder so the rename itself is durable. The target is never missing or half-written at
any point: ``os.replace`` is atomic on POSIX and Windows.
"""

from __future__ import annotations

import errno
import os
import tempfile
import time
from pathlib import Path

TEMP_SUFFIX = ".tmp"
STALE_TEMP_SECONDS = 600


def _fsync_dir(directory: Path) -> None:
    # Makes the rename durable on POSIX; Windows cannot open a folder this way and does not need it.
    if os.name != "posix":
        return
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_temp(directory: Path, stem: str, data: bytes) -> Path:
    """Write ``data`` to a new hidden, fsynced temporary file in ``directory`` (removed on failure)."""
    fd, name = tempfile.mkstemp(prefix=f".{stem}.", suffix=TEMP_SUFFIX, dir=directory)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        _remove_quietly(tmp)
        raise
    return tmp


def _remove_quietly(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


def atomic_write(path: Path, data: bytes, backup: Path | None = None) -> None:
    """Replace ``path`` with ``data`` atomically; first copy the current ``path`` (if any) to ``backup``.

    Raises OSError (with nothing half-written left behind) when the folder cannot be written.
    """
    directory = path.parent
    directory.mkdir(parents=True, exist_ok=True)
    tmp = _write_temp(directory, path.name, data)
    try:
        if backup is not None:
            try:
                old = path.read_bytes()
            except FileNotFoundError:
                old = None
            if old is not None:
                old_tmp = _write_temp(directory, backup.name, old)
                try:
                    os.replace(old_tmp, backup)
                except BaseException:
                    _remove_quietly(old_tmp)
                    raise
        os.replace(tmp, path)
    except BaseException:
        _remove_quietly(tmp)
        raise
    _fsync_dir(directory)


def remove_stale_temps(directory: Path, stem: str, older_than: float = STALE_TEMP_SECONDS) -> None:
    """Delete old temporary files a killed writer left (fresh ones may belong to a busy writer)."""
    now = time.time()
    try:
        candidates = list(directory.glob(f".{stem}.*{TEMP_SUFFIX}"))
    except OSError:
        return
    for tmp in candidates:
        try:
            if now - tmp.stat().st_mtime > older_than:
                tmp.unlink()
        except OSError:
            pass


def describe_os_error(exc: OSError) -> str:
    """A player-readable reason for a failed write."""
    code = exc.errno
    if code == errno.ENOSPC:
        return "the disk is full"
    if code == errno.EDQUOT:
        return "the disk quota is exceeded"
    if code == errno.EROFS:
        return "the folder is on a read-only file system"
    if code in (errno.EACCES, errno.EPERM):
        return "permission denied (the folder is not writable)"
    if code == errno.ENAMETOOLONG:
        return "the path is too long"
    if code == errno.ENOTDIR or code == errno.EEXIST:
        return "a file is in the way of the saves folder"
    return exc.strerror or str(exc)
