"""Helpers shared by subcommands: the one way every command names its story, loading it with errors printed for
the author (not raised), and writing an output file (``-o PATH``) the way a shell redirection would.

The convention (README, scenes/README.md, each command's ``--help``): a command that works on a story takes its
directory as the positional ``DIR`` (default: the story shipped with the game). ``--scenes DIR`` means the same
thing everywhere it is accepted: it is kept on ``play`` and ``bench`` for one release, and it stays on ``replay``,
whose positional arguments are the playthrough files.
"""

from __future__ import annotations

import argparse
import os
import re
import stat
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the engine and loader are imported when a story is loaded, not before the first frame
    from ..engine import Story

DIR_HELP = "the story directory (default: the story shipped with the game)"


def add_story_argument(parser: argparse.ArgumentParser, *, scenes_alias: bool = False) -> None:
    """The positional ``[DIR]``; with ``scenes_alias``, also the older ``--scenes DIR`` (the same, for a release)."""
    parser.add_argument("dir", nargs="?", default=None, metavar="DIR", help=DIR_HELP)
    if scenes_alias:
        parser.add_argument(
            "--scenes", metavar="DIR", default=None, help="the same as DIR (the older spelling, kept for one release)"
        )


def add_scenes_argument(parser: argparse.ArgumentParser) -> None:
    """``--scenes DIR`` for a command whose positional arguments are something else (replay's files)."""
    parser.add_argument("--scenes", metavar="DIR", default=None, help=DIR_HELP)


def story_dir(args: argparse.Namespace, command: str) -> str | None:
    """The story directory the arguments name (None: the shipped story). Giving both spellings is a mistake only
    when they disagree; the message says which was meant."""
    given = getattr(args, "dir", None)
    alias = getattr(args, "scenes", None)
    if given and alias and os.path.abspath(given) != os.path.abspath(alias):
        raise UsageError(f"qasas {command}: two story directories given ({given} and --scenes {alias}); give one")
    return given or alias


class UsageError(Exception):
    """Arguments that cannot be run as given: the message is printed and the command exits with 2."""


def load_or_report(path: str | None) -> Story | None:
    """Load a story; on failure print every problem to stderr and return None (callers exit 2)."""
    from ..loader import StoryError, default_scenes_dir, load_story

    try:
        return load_story(path or default_scenes_dir())
    except StoryError as exc:
        from ..sanitize import sanitize

        print(sanitize(exc.report()), file=sys.stderr)
        return None


def shown_path(path: str) -> str:
    """A path as the author should see it: relative to the working directory when that is shorter."""
    from ..sanitize import sanitize_line

    try:
        rel = os.path.relpath(path)
    except ValueError:
        rel = path
    return sanitize_line(rel if len(rel) < len(path) else path)


class OutputError(Exception):
    """An output path that cannot be written; the message names it and says why."""


def write_output(path: str, data: bytes | str) -> str:
    """Write a tool's output to ``path`` as ``> path`` would, and return how to name where it went.

    ``-`` is standard output. A regular file (or a link to one) is replaced atomically, keeping its permissions,
    and a link stays a link (its target is written). A device, a FIFO or a socket (or a link to one, such as
    ``/dev/stdout``) is written into, never replaced by a regular file. A directory is refused. Raises
    OutputError with a message for the author.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if path == "-":
        _write_stream(raw)
        return "standard output"
    fd = _own_stream(path)
    if fd is not None:
        # /dev/stdout and its kin name a stream this process already has open: write into it.
        if fd == 1:
            _write_stream(raw)
        else:
            _write_all(fd, raw, path)
        return shown_path(path)
    try:
        st: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise OutputError(f"cannot write {shown_path(path)}: {exc.strerror or exc}") from None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise OutputError(f"cannot write {shown_path(path)}: it is a directory; name a file")
    if st is not None and not stat.S_ISREG(st.st_mode):
        _write_special(path, raw, st)
        return shown_path(path)
    # A regular file or a new one: atomically, through any link (os.path.realpath keeps the link in place).
    from ..atomic import atomic_write

    target = os.path.realpath(path) if os.path.islink(path) else path
    try:
        atomic_write(_as_path(target), raw, preserve_mode=True)
    except OSError as exc:
        raise OutputError(f"cannot write {shown_path(path)}: {exc.strerror or exc}") from None
    return shown_path(path)


def _as_path(path: str):  # type: ignore[no-untyped-def]
    from pathlib import Path

    return Path(path)


def _write_stream(raw: bytes) -> None:
    out = sys.stdout
    out.flush()
    buffer = getattr(out, "buffer", None)
    if buffer is not None:
        buffer.write(raw)
        buffer.flush()
    else:  # a text-only stream (tests replace sys.stdout with a StringIO)
        out.write(raw.decode("utf-8", "replace"))
        out.flush()


def _write_special(path: str, raw: bytes, st: os.stat_result) -> None:
    """Write into a device, FIFO or socket as a shell redirection would (never creating or truncating a file)."""
    if stat.S_ISSOCK(st.st_mode):
        raise OutputError(f"cannot write {shown_path(path)}: it is a socket, not a file")
    flags = os.O_WRONLY | getattr(os, "O_NOCTTY", 0)
    if stat.S_ISFIFO(st.st_mode):
        # Opening a FIFO for writing waits for a reader; say so at once instead of hanging when there is none.
        try:
            fd = os.open(path, flags | os.O_NONBLOCK)
        except OSError as exc:
            if exc.errno == 6:  # ENXIO: no process has the FIFO open for reading
                raise OutputError(f"cannot write {shown_path(path)}: it is a FIFO and nothing is reading it") from None
            raise OutputError(f"cannot write {shown_path(path)}: {exc.strerror or exc}") from None
        os.set_blocking(fd, True)
    else:
        try:
            fd = os.open(path, flags)
        except OSError as exc:
            raise OutputError(f"cannot write {shown_path(path)}: {exc.strerror or exc}") from None
    try:
        _write_all(fd, raw, path)
    finally:
        os.close(fd)


def _write_all(fd: int, raw: bytes, path: str) -> None:
    try:
        view = memoryview(raw)
        while view:
            written = os.write(fd, view)
            view = view[written:]
    except OSError as exc:
        raise OutputError(f"cannot write {shown_path(path)}: {exc.strerror or exc}") from None


_OWN_FD = re.compile(r"/dev/(?:std(?P<std>out|err)|fd/(?P<fd>\d+))|/proc/self/fd/(?P<proc>\d+)")


def _own_stream(path: str) -> int | None:
    """The descriptor number when ``path`` (or a chain of links from it) names one of this process's own open
    streams (``/dev/stdout``, ``/dev/fd/2``, ``/proc/self/fd/1``); None otherwise."""
    current = os.path.abspath(path)
    for _ in range(40):  # the kernel's own limit on links followed
        m = _OWN_FD.fullmatch(current)
        if m:
            if m["std"]:
                return 1 if m["std"] == "out" else 2
            return int(m["fd"] or m["proc"])
        if not os.path.islink(current):
            return None
        try:
            target = os.readlink(current)
        except OSError:
            return None
        current = os.path.normpath(os.path.join(os.path.dirname(current), target))
    return None
