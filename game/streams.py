"""The standard streams and the locale, made safe once for every ``qasas`` command (``game.cli`` calls ``prepare``
before a command runs and ``finish`` after it).

* **A closed stream** (``qasas lint >&-``, ``qasas play <&-``): Python leaves ``sys.stdout`` as None, and the next
  file the program opens would take the free descriptor, so a stray write to "standard output" could land in a
  save. ``prepare`` puts ``/dev/null`` on every closed descriptor and reports which were closed; the CLI then
  refuses, with a message, a command that needs one (every command writes to standard output; ``play`` reads
  standard input). A closed standard error just loses the messages; exit statuses still say what happened.
* **A locale that cannot show every character** (KOI8-R, or the C locale without UTF-8): writing ``Kobanî`` or
  Arabic would raise UnicodeEncodeError. Output streams get the ``qasas-degrade`` error handler instead: a
  character the locale lacks becomes its closest ASCII spelling (``î`` -> ``i``, ``—`` -> ``--``) or ``?``. Input
  that is not valid in the locale's encoding is read with replacement characters, never an exception.
* **Output that fails while the command runs** (a reader that went away, ``/dev/full``, a full non-blocking pipe,
  which Python would silently drop unbuffered, so a non-blocking output is always buffered):
  ``output_failed`` turns the OSError into one line on standard error and an exit status (``EXIT_BROKEN_PIPE``
  for a broken pipe, as a shell reports a command killed by SIGPIPE; ``EXIT_IO`` otherwise), and points the
  descriptor at ``/dev/null`` so the interpreter's own last flush cannot print a traceback.

Nothing is imported but what Python has already loaded at start-up (``unicodedata`` only if a character needs it).
"""

from __future__ import annotations

import codecs
import errno
import io
import os
import sys

TYPE_CHECKING = False  # (not imported from typing: a start-up that needs no typing does not pay for it)

if TYPE_CHECKING:  # typing's names only: importing them costs start-up time every command would pay
    from typing import TextIO

EXIT_IO = 74  # sysexits.h EX_IOERR: a standard stream is closed or cannot be written
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: what a shell shows for a writer whose reader went away
DEGRADE = "qasas-degrade"

# Characters the game's own text uses (typography, the TUI's arrows and bars), spelled in ASCII.
_ASCII = {
    "\u2014": "--", "\u2013": "-", "\u2012": "-", "\u2010": "-", "\u2011": "-", "\u2212": "-",
    "\u2018": "'", "\u2019": "'", "\u201a": ",", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"', "\u2033": '"',
    "\u2026": "...", "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2002": " ", "\u2003": " ",
    "\u2022": "*", "\u00b7": ".", "\u25b2": "^", "\u25bc": "v", "\u2191": "^", "\u2193": "v",
    "\u2192": "->", "\u2190": "<-", "\u2194": "<->", "\u00d7": "x", "\u00f7": "/",
    "\u00df": "ss", "\u00e6": "ae", "\u00c6": "AE", "\u0153": "oe", "\u0152": "OE", "\u00f8": "o", "\u00d8": "O",
    "\u0131": "i", "\u0142": "l", "\u0141": "L", "\u00f0": "d", "\u00d0": "D", "\u00fe": "th", "\u00de": "Th",
    "\u02bf": "'", "\u02be": "'", "\u02bc": "'",  # the ayn and hamza marks of transliterated Arabic
    "\u200e": "", "\u200f": "", "\u061c": "", "\u200b": "", "\u200c": "", "\u200d": "", "\ufeff": "",
}
_registered = False


def ascii_spelling(ch: str) -> str:
    """The closest ASCII spelling of one character, or ``?`` when it has none."""
    known = _ASCII.get(ch)
    if known is not None:
        return known
    if "\u2581" <= ch <= "\u2588":  # the TUI's sparkline blocks, lowest to highest
        return "_.,-=+*#"[ord(ch) - 0x2581]
    import unicodedata

    if "\u2500" <= ch <= "\u259f":  # box drawing and block elements: the TUI's borders, still drawn as lines
        name = unicodedata.name(ch, "")
        if "HORIZONTAL" in name and "VERTICAL" not in name:
            return "-"
        if "VERTICAL" in name and "HORIZONTAL" not in name:
            return "|"
        if "BLOCK" in name:
            return "_" if "LOWER" in name else "-" if "UPPER" in name else "|" if "LEFT" in name or "RIGHT" in name else "#"
        return "#" if "SHADE" in name or "QUADRANT" in name else "+"

    bare = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    return bare if bare and bare.isascii() and bare.isprintable() else "?"


def _degrade(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    # Only ASCII comes back: every locale encoding in use (KOI8-R, Latin-1, CP1251, ASCII...) can write it.
    return "".join(ascii_spelling(ch) for ch in exc.object[exc.start : exc.end]), exc.end


def register() -> None:
    """Register the ``qasas-degrade`` codec error handler (once)."""
    global _registered
    if not _registered:
        codecs.register_error(DEGRADE, _degrade)
        _registered = True


def _is_utf(encoding: str | None) -> bool:
    try:
        return codecs.lookup(encoding or "ascii").name.startswith("utf")
    except LookupError:
        return False


def _null_on(fd: int, writing: bool) -> None:
    """Put /dev/null on descriptor ``fd`` (closed), so the next file opened cannot take its number."""
    null = os.open(os.devnull, os.O_WRONLY if writing else os.O_RDONLY)
    if null != fd:
        os.dup2(null, fd)
        os.close(null)


def _stream(fd: int, writing: bool) -> TextIO:
    # The process's own standard stream, open for its whole life.
    if writing:
        return open(fd, "w", buffering=1, encoding="utf-8", errors="replace", closefd=False)
    return open(fd, encoding="utf-8", errors="replace", closefd=False)


def _non_blocking(fd: int) -> bool:
    try:
        return not os.get_blocking(fd)
    except (OSError, AttributeError):  # (Windows has no get_blocking for every descriptor)
        return False


def _on(stream: TextIO, fd: int) -> bool:
    """Whether ``stream`` writes to descriptor ``fd`` (not, say, a test's capture standing in for it)."""
    try:
        return stream.fileno() == fd
    except (OSError, ValueError):
        return False


def prepare() -> set[str]:
    """Make the standard streams safe for a command; return the names of those that were closed
    (``'stdin'``, ``'stdout'``, ``'stderr'``), now reading or writing ``/dev/null``."""
    closed: set[str] = set()
    for fd, name, writing in ((0, "stdin", False), (1, "stdout", True), (2, "stderr", True)):
        try:
            os.fstat(fd)
        except OSError:
            closed.add(name)
            try:
                _null_on(fd, writing)
            except OSError:
                continue
            setattr(sys, name, _stream(fd, writing))
            continue
        if getattr(sys, name) is None:  # e.g. pythonw: the descriptor is there but Python made no stream
            setattr(sys, name, _stream(fd, writing))
    for fd, name in ((1, "stdout"), (2, "stderr")):
        stream = getattr(sys, name)
        if _non_blocking(fd) and isinstance(stream, io.TextIOWrapper) and _on(stream, fd):
            # Inherited non-blocking (a parent set it on the shared pipe): unbuffered (PYTHONUNBUFFERED), Python
            # drops what a full pipe refuses without a word. Buffered, it raises, and the command can say so.
            setattr(sys, name, io.TextIOWrapper(
                io.BufferedWriter(io.FileIO(fd, "w", closefd=False)),
                encoding=stream.encoding, errors=stream.errors, line_buffering=stream.line_buffering,
            ))
            stream = getattr(sys, name)
        if not _is_utf(getattr(stream, "encoding", "utf-8")) and hasattr(stream, "reconfigure"):
            register()
            stream.reconfigure(errors=DEGRADE)
    stdin = sys.stdin
    if getattr(stdin, "errors", "replace") == "strict" and hasattr(stdin, "reconfigure"):
        stdin.reconfigure(errors="replace")  # a byte the locale cannot decode is a U+FFFD, not an exception
    return closed


def is_output_error(exc: OSError) -> bool:
    """Whether an OSError nobody caught is the standard output (or error) failing, not a file's error."""
    if isinstance(exc, BrokenPipeError):
        return True
    return exc.filename is None and exc.errno in (
        errno.ENOSPC, errno.EIO, errno.EAGAIN, errno.EWOULDBLOCK, errno.EDQUOT, errno.EFBIG, errno.EBADF,
        errno.EPIPE, errno.ECONNRESET,
    )


def say(message: str) -> None:
    """One line on standard error, if it can still be written (never raises)."""
    try:
        if sys.stderr is not None:
            sys.stderr.write(message + "\n")
            sys.stderr.flush()
    except (OSError, ValueError):
        pass


def _silence(fd: int) -> None:
    """Point a failed output descriptor at /dev/null: what is still buffered for it goes nowhere, quietly."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, fd)
        os.close(null)
    except OSError:
        pass


def output_failed(command: str, exc: OSError) -> int:
    """Report a failed standard output in one line and return the exit status."""
    _silence(1)
    if isinstance(exc, BrokenPipeError) or exc.errno in (errno.EPIPE, errno.ECONNRESET):
        say(f"{command}: the output was closed before everything was written (broken pipe)")
        return EXIT_BROKEN_PIPE
    reason = exc.strerror or str(exc)
    if exc.errno in (errno.EAGAIN, errno.EWOULDBLOCK):
        reason = "the pipe is full and nothing is reading it"
    elif exc.errno == errno.ENOSPC:
        reason = "no space left on the device"
    say(f"{command}: cannot write the output: {reason}")
    return EXIT_IO


def finish(command: str) -> int | None:
    """Flush standard output at the end of a command; the exit status when that fails, else None."""
    for fd, stream in ((1, sys.stdout), (2, sys.stderr)):
        try:
            if stream is not None:
                stream.flush()
        except OSError as exc:
            if fd == 2:
                _silence(2)
                continue
            return output_failed(command, exc)
        except ValueError:  # a stream closed by the command itself
            continue
    return None
