"""Saves' side of atomic writing: the shared recipe lives in ``game/atomic.py``; here, clearing temporary files a
killed writer left behind, and a player-readable reason for a failed write."""

from __future__ import annotations

import errno
import time
from pathlib import Path

from ..atomic import TEMP_SUFFIX, atomic_write

__all__ = ["STALE_TEMP_SECONDS", "TEMP_SUFFIX", "atomic_write", "describe_os_error", "remove_stale_temps"]

STALE_TEMP_SECONDS = 600


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
    if code == errno.EISDIR:
        target = exc.filename2 or exc.filename  # os.replace(tmp, target) names the target second
        name = f" named {Path(target).name}" if isinstance(target, str) else ""
        return f"a folder{name} is in the way of the save; move it"
    if code == errno.EFBIG:
        return exc.strerror or "the file in the way is too large"
    if code == errno.ELOOP:
        return "a symbolic link loop is in the way of the save"
    return exc.strerror or str(exc)
