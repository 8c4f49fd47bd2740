"""Atomic file writes, the one recipe every writer in the game uses (saves, the player's profile, the tools'
output): a crash, a full disk or ``kill -9`` at any moment leaves either the old file or the new one.

The recipe: write a temporary file in the same folder (so the rename cannot cross file systems), flush and
fsync it, copy the current file to the backup the same way, then ``os.replace`` the temporary file over the
target and fsync the folder so the rename itself is durable. The target is never missing or half-written at
any point: ``os.replace`` is atomic on POSIX and Windows.

The file being replaced is read for its backup through the shared reader (``game.smallfile``), so a FIFO or a link
to a device standing where a save should be is replaced, never read (reading it would block or never end).

No imports from the rest of the game but that reader, so anything may use it.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from . import smallfile

TEMP_SUFFIX = ".tmp"
MAX_BACKUP_BYTES = 64 * 1024 * 1024


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


def _to_keep(path: Path, limit: int) -> bytes | None:
    """The bytes of the file about to be replaced, to keep as its backup. None when there is nothing to keep: no
    file, or a FIFO, device or socket (no data of its own; reading one would block or never end). Raises OSError
    when a file that holds data cannot be kept (unreadable, too large, a folder), so nothing is replaced that
    could not be kept."""
    try:
        return smallfile.read_bytes(path, limit)
    except smallfile.FileRefused as exc:
        if exc.kind == "missing":
            return None
        if exc.kind == "kind":
            if os.path.isdir(path):
                raise IsADirectoryError(errno.EISDIR, "a folder is in the way", str(path)) from None
            return None
        if exc.kind == "size":
            raise OSError(errno.EFBIG, f"the file in the way is too large to keep as a backup ({exc.reason})") from None
        raise OSError(exc.errno or errno.EIO, exc.reason, str(path)) from None


def atomic_write(
    path: Path,
    data: bytes,
    backup: Path | None = None,
    *,
    preserve_mode: bool = False,
    backup_limit: int = MAX_BACKUP_BYTES,
) -> None:
    """Replace ``path`` with ``data`` atomically; first copy the current ``path`` (if any) to ``backup``.

    The new file is private (0600), as saves should be, unless ``preserve_mode``: then it keeps the permissions of
    the file it replaces, or gets the usual ones (0666 less the umask) when there was none, as an author's scene
    files and generated graphs should. Raises OSError (with nothing half-written left behind) when the folder
    cannot be written, or when the file to be kept as ``backup`` cannot be read (nothing is replaced then).
    """
    directory = path.parent
    directory.mkdir(parents=True, exist_ok=True)
    tmp = _write_temp(directory, path.name, data)
    try:
        if preserve_mode:
            try:
                mode = path.stat().st_mode & 0o7777
            except FileNotFoundError:
                mode = 0o666 & ~_umask()
            os.chmod(tmp, mode)
        if backup is not None:
            old = _to_keep(path, backup_limit)
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


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
