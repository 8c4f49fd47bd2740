"""The game and the terminal it runs in: signals that end it cleanly, and where a screenshot goes.

SIGTERM and SIGHUP (a ``kill``, a closed terminal window, a logout) end the game the way ctrl+q does: the autosave
is written, and Textual's own shutdown leaves the alternate screen, shows the cursor and stops mouse reporting, so
the shell is left as it was. The exit status is 128 + the signal's number, as for any process a signal ended.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

# The signals that end the game cleanly (SIGHUP does not exist on Windows).
SIGNALS = tuple(s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s is not None)


def install_signal_handlers(loop: asyncio.AbstractEventLoop, on_signal: Callable[[int], None]) -> list[int]:
    """Call ``on_signal(signum)`` in the event loop for each of ``SIGNALS``; returns those installed (none where
    the loop cannot take signal handlers: not the main thread, or Windows)."""
    installed: list[int] = []
    for signum in SIGNALS:
        try:
            loop.add_signal_handler(signum, on_signal, signum)
        except (NotImplementedError, RuntimeError, ValueError):
            continue
        installed.append(int(signum))
    return installed


def remove_signal_handlers(loop: asyncio.AbstractEventLoop, installed: list[int]) -> None:
    for signum in installed:
        try:
            loop.remove_signal_handler(signum)
        except (NotImplementedError, RuntimeError, ValueError):
            pass


def screenshot_folders(saves: Path | None) -> list[Path]:
    """Where a screenshot may go, best first: the Downloads folder, else the saves folder, else the current folder.
    Only folders that exist (Textual's default, ~/Downloads, often does not)."""
    from platformdirs import user_downloads_path  # Textual's own dependency: where it would save

    candidates: list[Path] = [user_downloads_path()]
    if saves is not None:
        candidates.append(saves)
    candidates.append(Path.cwd())
    out: list[Path] = []
    for folder in candidates:
        if folder.is_dir() and os.access(folder, os.W_OK) and folder not in out:
            out.append(folder)
    return out


def write_screenshot(svg: str, filename: str | None, title: str, folders: list[Path]) -> tuple[Path | None, str]:
    """Write ``svg`` into the first of ``folders`` that takes it: (the file, "") or (None, why not)."""
    from ..atomic import atomic_write

    name = filename or time.strftime(f"{_file_part(title)}-%Y-%m-%dT%H-%M-%S.svg")
    problems: list[str] = []
    for folder in folders:
        target = folder / name
        try:
            atomic_write(target, svg.encode("utf-8"))
        except OSError as exc:
            problems.append(f"{folder}: {exc.strerror or exc}")
            continue
        return target, ""
    return None, "; ".join(problems) or "no folder to write it in (no Downloads, saves or current folder)"


def _file_part(title: str) -> str:
    """A title as part of a file name: letters, digits and dashes."""
    part = "".join(ch if ch.isalnum() else "-" for ch in title).strip("-")
    return "-".join(filter(None, part.split("-")))[:40] or "screenshot"
