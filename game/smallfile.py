"""Reading a small file the game owns: a save or its backup, the player's profile, a story-cache entry and its
secret, a playthrough and the golden transcript it names, a story's own files.

Any of these may have been replaced by something hostile or broken: a FIFO (opening it for reading blocks until a
writer comes, so the game would freeze), a device or a link to one (``/dev/zero`` never ends), a folder, a file of
gigabytes, JSON nested deeply enough to exhaust Python's recursion limit. This is the one reader for all of them,
so every caller gets every check:

* ``stat`` first: anything but a regular file, or a file over the caller's size limit, is refused **before** it is
  opened;
* it is then opened non-blocking (a FIFO swapped in after the ``stat`` cannot block) and never as a controlling
  terminal, and ``fstat`` on the open file must again show a regular file within the limit;
* at most ``limit + 1`` bytes are read, so a file that grew after the checks is refused too;
* JSON is parsed strictly (``parse_json``): nesting is measured without recursion before the parser runs,
  duplicate keys and ``NaN``/``Infinity`` are refused, and so are integers longer than ``MAX_INT_DIGITS``.

Every refusal is a ``FileRefused`` whose ``reason`` is a sentence a player can read ("it is a named pipe (FIFO),
not a file"). YAML files are read with ``read_text`` and composed by the story loader's guarded composer
(``game.loader.yamlsafe.compose``: nesting, aliases and tags are checked there).

Nothing from the rest of the game is imported and ``json`` only when JSON is parsed, so start-up pays nothing.
"""

from __future__ import annotations

import errno
import os
import re
import stat

TYPE_CHECKING = False  # (not imported from typing: a warm start does not import typing at all)
if TYPE_CHECKING:
    from typing import Any

MAX_JSON_DEPTH = 32
# Python refuses integers over 4,300 digits anyway; no number a game file holds needs more than a few dozen.
MAX_INT_DIGITS = 100

_O_READ = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO swapped in after the stat must not block the open
    | getattr(os, "O_NOCTTY", 0)  # a terminal device must never become the game's controlling terminal
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)  # Windows: no newline translation
)


class FileRefused(Exception):
    """A file the game will not read. ``reason`` is a sentence for a message ("it is a folder, not a file");
    ``kind`` says what went wrong: 'missing', 'kind' (not a regular file), 'size', 'io' (the system refused),
    'text' (not UTF-8) or 'parse' (not valid JSON; ``line``/``column`` are 1-based, 0 when unknown)."""

    def __init__(
        self, path: str, reason: str, kind: str, line: int = 0, column: int = 0, *, errno: int = 0
    ) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
        self.kind = kind
        self.line = line
        self.column = column
        self.errno = errno  # the system's error number, for kind 'io'


class JsonError(ValueError):
    """Text that is not acceptable JSON; ``line`` and ``column`` are 1-based (0 when unknown)."""

    def __init__(self, message: str, line: int = 0, column: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.message}" if self.line else self.message


# ------------------------------------------------------------------------------------------- bytes


def describe_mode(mode: int) -> str:
    """What a file of this ``st_mode`` is, as a noun phrase: 'a folder', 'a named pipe (FIFO)', 'a device'..."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "not a regular file"


def size_text(size: int) -> str:
    """A size as a person reads it: '812 bytes', '64 KiB', '4 MiB', '50.0 MiB'."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size // 1024} KiB" if size % 1024 == 0 else f"{size / 1024:.1f} KiB"
    mib = size / (1024 * 1024)
    return f"{size // (1024 * 1024)} MiB" if size % (1024 * 1024) == 0 else f"{mib:.1f} MiB"


def os_reason(exc: OSError) -> str:
    """A short reason for an OS error ('permission denied', 'a symbolic link loop'...)."""
    if exc.errno == errno.ELOOP:
        return "a symbolic link loop (or a link where none is allowed)"
    if exc.errno == errno.EISDIR:
        return "it is a folder, not a file"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.ENAMETOOLONG:
        return "the path is too long"
    if exc.errno == errno.ENOTDIR:
        return "a part of the path is not a folder"
    text = exc.strerror or str(exc)
    return text[:1].lower() + text[1:]


def _kind_problem(path: str, st: os.stat_result, through_link: bool) -> FileRefused:
    what = describe_mode(st.st_mode)
    if through_link:
        return FileRefused(path, f"it is a link to {what}, not to a file", "kind")
    return FileRefused(path, f"it is {what}, not a file", "kind")


def _size_problem(path: str, size: int | None, limit: int) -> FileRefused:
    if size is None:  # it grew after the checks
        return FileRefused(path, f"it is too large (the limit is {size_text(limit)})", "size")
    return FileRefused(path, f"it is too large ({size / 1048576:.1f} MiB; the limit is {size_text(limit)})", "size")


def read_bytes_stat(
    path: str | os.PathLike[str], limit: int, *, follow_links: bool = True
) -> tuple[bytes, os.stat_result]:
    """The bytes of a regular file of at most ``limit`` bytes, and its ``fstat``. Raises FileRefused; never
    blocks (a FIFO is refused before it is opened) and never reads more than ``limit + 1`` bytes.

    With ``follow_links=False`` a symbolic link is refused rather than followed (for files only the game writes).
    """
    p = os.fspath(path)
    try:
        st = os.stat(p, follow_symlinks=follow_links)
    except FileNotFoundError:
        if os.path.lexists(p):
            raise FileRefused(p, "it is a broken symbolic link", "missing") from None
        raise FileRefused(p, "there is no such file", "missing") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # a link loop holds no data: it is no more a file than a FIFO is
            raise FileRefused(p, "it is a symbolic link loop, not a file", "kind", errno=exc.errno) from None
        raise FileRefused(p, os_reason(exc), "io", errno=exc.errno or 0) from None
    if not stat.S_ISREG(st.st_mode):
        if stat.S_ISLNK(st.st_mode):
            raise FileRefused(p, "it is a symbolic link, where the game only writes plain files", "kind")
        raise _kind_problem(p, st, follow_links and os.path.islink(p))
    if st.st_size > limit:
        raise _size_problem(p, st.st_size, limit)
    try:
        fd = os.open(p, _O_READ | (0 if follow_links else getattr(os, "O_NOFOLLOW", 0)))
    except OSError as exc:
        kind = "missing" if exc.errno == errno.ENOENT else "io"
        raise FileRefused(p, os_reason(exc), kind, errno=exc.errno or 0) from None
    try:
        st = os.fstat(fd)
        # Checked again on the open file: it may have been swapped for a FIFO or a device since the stat.
        if not stat.S_ISREG(st.st_mode):
            raise _kind_problem(p, st, False)
        if st.st_size > limit:
            raise _size_problem(p, st.st_size, limit)
        chunks: list[bytes] = []
        left = limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except OSError as exc:
        raise FileRefused(p, os_reason(exc), "io", errno=exc.errno or 0) from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:
        raise _size_problem(p, None, limit)
    return data, st


def read_bytes(path: str | os.PathLike[str], limit: int, *, follow_links: bool = True) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (see ``read_bytes_stat``). Raises FileRefused."""
    return read_bytes_stat(path, limit, follow_links=follow_links)[0]


def decode_utf8(path: str, data: bytes) -> str:
    """UTF-8 text (a byte-order mark is dropped). Raises FileRefused (kind 'text') naming the first bad byte."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FileRefused(path, f"it is not text (invalid UTF-8 at byte {exc.start})", "text") from None


def read_text(path: str | os.PathLike[str], limit: int) -> str:
    """A regular file's UTF-8 text (at most ``limit`` bytes; a BOM is dropped). Raises FileRefused."""
    p = os.fspath(path)
    return decode_utf8(p, read_bytes(p, limit))


def read_json(path: str | os.PathLike[str], limit: int, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """A regular file's strict JSON (see ``parse_json``). Raises FileRefused (kind 'parse' for bad JSON)."""
    p = os.fspath(path)
    text = read_text(p, limit)
    try:
        return parse_json(text, max_depth)
    except JsonError as exc:
        raise FileRefused(p, f"it is not valid JSON ({exc})", "parse", exc.line, exc.column) from None


# -------------------------------------------------------------------------------------------- JSON

_STRINGS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")


def check_json_depth(text: str, max_depth: int = MAX_JSON_DEPTH) -> None:
    """Refuse JSON nested deeper than ``max_depth``, without recursion, before a recursive parser sees it."""
    skeleton = _NOT_BRACKETS.sub("", _STRINGS.sub("", text))
    depth = 0
    for ch in skeleton:
        if ch in "[{":
            depth += 1
            if depth > max_depth:
                raise JsonError(f"nested too deeply (the limit is {max_depth} levels)")
        else:
            depth -= 1


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise JsonError(f"the key {key!r} appears twice in one object")
        out[key] = value
    return out


def _no_constants(name: str) -> Any:
    raise JsonError(f"{name} is not a number JSON allows")


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise JsonError(f"a number has more than {MAX_INT_DIGITS} digits")
    return int(text)


def parse_json(text: str, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Parse JSON strictly: nesting at most ``max_depth`` (checked first, without recursion), no duplicate keys,
    no NaN or Infinity, no float that overflows, no integer of more than MAX_INT_DIGITS digits. Raises JsonError
    with a line and column where there is one."""
    import json
    import math

    check_json_depth(text, max_depth)
    try:
        value = json.loads(
            text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants, parse_int=_bounded_int
        )
    except JsonError:
        raise
    except json.JSONDecodeError as exc:
        raise JsonError(exc.msg, exc.lineno, exc.colno) from None
    except RecursionError:  # pragma: no cover - check_json_depth stops this first
        raise JsonError(f"nested too deeply (the limit is {max_depth} levels)") from None
    except ValueError as exc:
        raise JsonError(str(exc)) from None
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, float) and not math.isfinite(v):
            raise JsonError("a number is too large to represent")
        elif isinstance(v, dict):
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
    return value
