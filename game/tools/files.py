"""Writing the tools' output files: atomically, with the file's own permissions kept (``game/atomic.py``)."""

from __future__ import annotations

from pathlib import Path

from ..atomic import atomic_write


def write_text_atomic(path: str, text: str) -> None:
    """Write ``text`` (UTF-8, newlines as given) to ``path`` via a temporary file and an atomic rename, keeping
    the permissions of the file it replaces: a modeline added to a scene file must not make it private."""
    atomic_write(Path(path), text.encode("utf-8"), preserve_mode=True)
