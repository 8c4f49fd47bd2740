"""A cache of validated stories, so a story whose files have not changed loads without YAML.

The key is a SHA-256 of every story file's bytes (with its path relative to the story root) and of the loader's and
engine's own source code, so an edit to any byte of any file, a file added, removed or renamed, or a new version of
the code all miss the cache. Only valid stories are stored; a story with errors is always read and checked again.

The cache holds data only (the format is in ``codec``): the validated story as a little JSON, a block of 32-bit
integers and a block of texts, rebuilt into the engine's model without YAML. Conditions are stored as their source text and parsed and compiled
again on load (parsing is cheap). Nothing is pickled or marshalled. A cache file starts with a one-line JSON header
(format, key, sizes and an HMAC-SHA256 of everything after it, keyed with a secret only this user can read); a file
that is truncated, corrupt, tampered with or unexpected in any way is ignored and replaced, never trusted.

Where it lives (never inside a story directory): ``$QASAS_CACHE`` if set, else ``$XDG_CACHE_HOME/jaysh-al-qasas``,
else ``~/.cache/jaysh-al-qasas``. ``QASAS_NO_CACHE=1`` turns it off. There is one file per story directory, so
editing a story replaces its entry instead of piling up new ones, and at most ``MAX_ENTRIES`` files are kept.
"""

from __future__ import annotations

import json
import os
import sys
from array import array
from collections.abc import Sequence

from .. import smallfile
from ..engine.model import Story
from .codec import _BLOCKS, _INT, FORMAT, CacheMiss, decode, encode
from .digests import compare_digest, hmac_sha256, sha256
from .errors import Problem

TYPE_CHECKING = False  # (not imported from typing: a warm start does not import typing at all)
if TYPE_CHECKING:
    from typing import Any

    Found = tuple[Story, list[Problem]]  # a story from the cache and its warnings

APP_DIR = "jaysh-al-qasas"
MAX_ENTRIES = 32
MAX_CACHE_BYTES = 1024 * 1024 * 1024
_PREFIX, _SUFFIX = "story-", ".cache"
_SECRET = "secret"
_LOADER_MAX_FILE_BYTES = 8 * 1024 * 1024  # yamlsafe.MAX_FILE_BYTES: a larger file never loads, so is never cached

__all__ = [
    "CacheMiss", "Read", "cache_dir", "code_version", "content_digest", "decode", "enabled", "encode", "entry_path",
    "hash_file", "lookup", "probe", "read_entry", "stats", "store", "store_encoded",
]


# -------------------------------------------------------------------------------------- where, whether


def enabled() -> bool:
    """False when ``QASAS_NO_CACHE`` is set to anything but empty or ``0``."""
    return os.environ.get("QASAS_NO_CACHE", "") in ("", "0")


def cache_dir() -> str:
    """The directory cache files live in (it may not exist yet)."""
    override = os.environ.get("QASAS_CACHE", "")
    if override:
        return os.path.abspath(override)
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    # The XDG spec says a relative XDG_CACHE_HOME is invalid and must be ignored.
    base = xdg if os.path.isabs(xdg) else os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, APP_DIR)


def entry_path(root: str) -> str | None:
    """The cache file for the story in ``root``; None when the cache directory would sit inside the story."""
    directory = cache_dir()
    story_root = os.path.abspath(root)
    if directory == story_root or directory.startswith(story_root.rstrip(os.sep) + os.sep):
        return None
    name = sha256(os.fsencode(story_root)).hexdigest()[:32]
    return os.path.join(directory, f"{_PREFIX}{name}{_SUFFIX}")


_code_version: str | None = None


def code_version() -> str:
    """A hash of everything besides the story's files that decides what a load gives: the loader's and engine's
    source, the Python and PyYAML versions (and how this machine stores integers), so a cache written by other
    code, or read on another kind of machine, is never served. PyYAML is identified by its files, not imported:
    a warm load must not pay for importing it."""
    global _code_version
    if _code_version is None:
        h = sha256(f"format {FORMAT}\0{sys.version}\0{sys.byteorder} {array(_INT).itemsize}\0".encode())
        game_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        try:
            for package in ("engine", "loader"):
                directory = os.path.join(game_dir, package)
                for name in sorted(os.listdir(directory)):
                    if name.endswith(".py"):
                        with open(os.path.join(directory, name), "rb") as fh:
                            h.update(f"{package}/{name}\0".encode() + fh.read() + b"\0")
            h.update(_yaml_identity())
        except OSError:  # the source cannot be read (a frozen build?): a version no other process shares
            h.update(os.urandom(16))
        _code_version = h.hexdigest()
    return _code_version


def _yaml_identity() -> bytes:
    """PyYAML's version and whether its C extension is there, read from its files without importing it: its
    ``__init__.py`` (which holds the version) and the names of the files beside it."""
    from importlib.util import find_spec

    spec = find_spec("yaml")
    if spec is None or not spec.origin:
        return b"no yaml"
    directory = os.path.dirname(spec.origin)
    with open(spec.origin, "rb") as fh:
        init = fh.read()
    return init + "\0".join(sorted(os.listdir(directory))).encode()


# ------------------------------------------------------------------------------------------------ keys


def content_digest(root: str, paths: Sequence[str]) -> Any:
    """The story's content digest, computed from the files' bytes exactly as the loader computes it from their
    text (``paths[0]`` is the manifest). None when a file cannot be one the loader accepts (unreadable, not a
    regular file, too large, containing NUL): such a story is never in the cache.

    The loader hashes ``relative path NUL text NUL`` per file, the text decoded from UTF-8 after dropping a byte
    order mark. For valid UTF-8 the text's encoding is the file's bytes, so nothing needs decoding here; and as
    neither paths nor contents can hold NUL, two different stories never feed the hash the same bytes.
    """
    found = _digest_and_size(root, paths)
    return found[0] if found is not None else None


def _digest_and_size(root: str, paths: Sequence[str]) -> tuple[Any, int, list[bytes]] | None:
    """``content_digest``, how many bytes the story's files hold, and their bytes as read."""
    digest = sha256()
    total = 0
    read = []
    for i, path in enumerate(paths):
        try:
            # As the loader does (the same reader): never open what is not a regular file, nor a huge one.
            data = smallfile.read_bytes(path, _LOADER_MAX_FILE_BYTES)
        except smallfile.FileRefused:
            return None
        if b"\0" in data:
            return None
        read.append(data)
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        total += len(data)
        hash_file(digest, b"story.yaml" if i == 0 else os.path.relpath(path, root).encode(), data)
    return digest, total, read


def hash_file(digest: Any, name: bytes, data: bytes) -> None:
    """Add one file to a story's content digest: ``name NUL bytes NUL`` (its bytes without a byte-order mark)."""
    digest.update(name)
    digest.update(b"\0")
    digest.update(data)
    digest.update(b"\0")


def entry_limit(source_bytes: int) -> int:
    """The largest cache entry worth reading for a story of ``source_bytes``. An entry holds the story's texts once
    and a few integers per scene and choice: about the size of its YAML (a tenth of it to 1.1 times in the
    shipped and synthetic stories). Anything much larger was not written by this code, and is not read into
    memory to find that out (a sparse file of a gigabyte costs nothing to make)."""
    return min(MAX_CACHE_BYTES, 16 * source_bytes + (1 << 20))


def _key(content_hex: str) -> str:
    return sha256(f"{code_version()}\0{content_hex}".encode()).hexdigest()


# ------------------------------------------------------------------------------------ look up and store


# What this process's loads did: served from the cache ('hits'), not ('misses'), and entries written ('stores').
# Benchmarks report it, so a figure labelled warm is known to be one.
stats = {"hits": 0, "misses": 0, "stores": 0}


def lookup(root: str, paths: Sequence[str], shown: Sequence[str]) -> Found | None:
    """The cached story for these files and its warnings, or None on any miss. ``paths`` are the manifest then
    the scene files in the loader's order; ``shown`` the same files as positions name them."""
    return probe(root, paths, shown)[0]


class Read:
    """What looking a story up read of its files: their bytes as read, in the order looked up, and the content
    digest of them all. A miss hands them to the cold load that follows, which then reads and hashes nothing
    twice, and reads exactly the bytes it was looked up by."""

    __slots__ = ("data", "digest")

    def __init__(self, data: list[bytes], digest: str) -> None:
        self.data, self.digest = data, digest


def probe(root: str, paths: Sequence[str], shown: Sequence[str]) -> tuple[Found | None, Read | None]:
    """As ``lookup``, and on a miss what was read to find it out (None when the files were not all read)."""
    try:
        found, read = _lookup(root, paths, shown)
    except Exception:  # noqa: BLE001 - e.g. a file name that is not valid UTF-8: the loader itself reports it
        found = read = None
    stats["hits" if found is not None else "misses"] += 1
    return found, (read if found is None else None)


def _lookup(root: str, paths: Sequence[str], shown: Sequence[str]) -> tuple[Found | None, Read | None]:
    entry = entry_path(root)
    if entry is None:
        return None, None
    secret = _secret(os.path.dirname(entry), create=False)
    if secret is None:  # nothing was ever cached here
        return None, None
    found = _digest_and_size(root, paths)
    if found is None:
        return None, None
    content_hex = found[0].hexdigest()
    read = Read(found[2], content_hex)
    try:
        # Only ever a plain file this process's kind wrote: a link, a FIFO (it would block), a device (/dev/zero never
        # ends) or a folder is a miss, refused before it is opened.
        blob = smallfile.read_bytes(entry, entry_limit(found[1]), follow_links=False)
    except smallfile.FileRefused:
        return None, read
    try:
        data, numbers, texts = read_entry(blob, _key(content_hex), secret)
        story, problems = decode(data, numbers, texts, root, list(shown))
    except Exception:  # noqa: BLE001 - whatever is wrong with an entry, the cold load that follows replaces it
        # Stale, truncated, corrupt, tampered with or of an unexpected shape: a miss, never an error. (The tests
        # check that good entries are hits, so a mistake here cannot hide as a permanent miss.)
        return None, read
    if story.fingerprint != content_hex[:16]:
        return None, read
    return (story, problems), None


def store(root: str, content_hex: str, story: Story, problems: Sequence[Problem], shown: Sequence[str]) -> None:
    """Write a valid story to the cache under the digest of the text it was read from. Never raises: a cache that
    cannot be written only costs the next load its speed."""
    if any(p.severity == "error" for p in problems):
        return
    try:
        store_encoded(root, content_hex, encode(story, problems, list(shown)))
    except Exception:  # noqa: BLE001, S110 - a story that cannot be cached: no entry
        pass


def store_encoded(root: str, content_hex: str, encoded: tuple[dict[str, Any], array[int], list[str]]) -> None:
    """``store`` for a story already encoded (``codec.encode``), so a cold load that encodes it anyway pays once.
    Never raises."""
    try:
        _store(root, content_hex, *encoded)
    except Exception:  # noqa: BLE001, S110 - a full disk, a read-only home: no entry
        pass


def _store(root: str, content_hex: str, data: dict[str, Any], numbers: array[int], texts: list[str]) -> None:
    import tempfile  # only when writing: a warm load, or a game's start-up, never pays for importing it

    entry = entry_path(root)
    if entry is None:
        return
    blocks = (
        json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
        numbers.tobytes(),
        "\0".join(texts).encode("utf-8"),
    )
    key = _key(content_hex)
    directory = os.path.dirname(entry)
    os.makedirs(directory, mode=0o700, exist_ok=True)
    secret = _secret(directory, create=True)
    if secret is None:
        return
    payload = b"".join(blocks)
    sizes = {name: len(block) for name, block in zip(_BLOCKS, blocks)}
    header = json.dumps(
        {"format": FORMAT, "key": key, **sizes, "mac": _mac(secret, key, payload)}, separators=(",", ":")
    ).encode()
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=_SUFFIX, dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(header + b"\n" + payload)
        os.replace(tmp, entry)  # atomic: a reader sees the old entry or the new one, never half of one
    except BaseException:
        os.unlink(tmp)
        raise
    stats["stores"] += 1
    _prune(directory)


def _prune(directory: str) -> None:
    """Keep the ``MAX_ENTRIES`` most recently written entries."""
    entries = []
    with os.scandir(directory) as it:
        for e in it:
            if e.name.startswith(_PREFIX) and e.name.endswith(_SUFFIX):
                try:
                    entries.append((e.stat().st_mtime, e.path))
                except OSError:
                    continue
    entries.sort(reverse=True)
    for _, path in entries[MAX_ENTRIES:]:
        try:
            os.unlink(path)
        except OSError:
            pass


def _secret(directory: str, *, create: bool) -> bytes | None:
    """This user's cache key: 32 random bytes in ``directory/secret``, readable by its owner only. An entry whose
    MAC does not check against it is ignored, so an entry changed by anyone who cannot read the secret (or by a
    disk, a sync tool or a bug) is never trusted, even with its checksum recomputed. None: no caching.

    The secret is read by the shared reader without following links: a FIFO there (which would block every
    command), a device, a link, a folder, a file of the wrong size or one others can read is no secret. Looking
    up, that is a miss; storing, the bad one is removed (a cache is only a cache: its entries are then misses)
    and a new one made."""
    path = os.path.join(directory, _SECRET)
    for _ in range(3):
        try:
            secret, st = smallfile.read_bytes_stat(path, 64, follow_links=False)
        except smallfile.FileRefused as exc:
            if exc.kind == "missing" and not os.path.lexists(path):
                if not create:
                    return None
                _create_secret(path)
                continue
            if create and _discard(path):
                continue
            return None
        if len(secret) == 32 and not (os.name == "posix" and (st.st_uid != os.getuid() or st.st_mode & 0o077)):
            return secret
        # Someone else's, readable by others (not a secret), or the wrong size. (An empty one may be another
        # process's, created a moment ago and about to be written: replacing it only costs that entry.)
        if not (create and _discard(path)):
            return None
    return None


def _create_secret(path: str) -> None:
    """Create the secret whole or not at all; if another process wins the race, the caller reads its secret."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except OSError:
        return
    with os.fdopen(fd, "wb") as fh:
        fh.write(os.urandom(32))


def _discard(path: str) -> bool:
    """Remove what stands where the secret should be (an empty folder included). False when it cannot be."""
    try:
        if os.path.isdir(path) and not os.path.islink(path):
            os.rmdir(path)
        else:
            os.unlink(path)
    except OSError:
        return False
    return True


def _mac(secret: bytes, key: str, payload: bytes | memoryview) -> str:
    return hmac_sha256(secret, key.encode(), payload)


def read_entry(blob: bytes, key: str, secret: bytes) -> tuple[Any, memoryview, list[str]]:
    """Check a cache file against the expected key and its MAC; return its JSON data, integer block and texts."""
    if len(blob) > MAX_CACHE_BYTES:
        raise CacheMiss("too large")
    end = blob.find(b"\n", 0, 1024)
    if end < 0:
        raise CacheMiss("no header")
    header = json.loads(blob[:end])
    if not isinstance(header, dict) or header.get("format") != FORMAT or header.get("key") != key:
        raise CacheMiss("stale")
    rest = memoryview(blob)[end + 1 :]  # a view: the entry can be megabytes, not worth copying
    sizes: list[int] = []
    for part in _BLOCKS:
        size = header.get(part)
        if type(size) is not int or size < 0:
            raise CacheMiss("no sizes")
        sizes.append(size)
    a, b = sizes[0], sizes[0] + sizes[1]
    if b + sizes[2] != len(rest):
        raise CacheMiss("truncated")
    mac = header.get("mac")
    if not isinstance(mac, str) or not compare_digest(mac, _mac(secret, key, rest)):
        raise CacheMiss("corrupt or tampered with")
    # The integer block is read where it lies, through a view: no copy of megabytes, and no page of it touched
    # until a column is read. (A cast of a length that is not a whole number of items raises TypeError: a miss.)
    numbers = rest[a:b].cast(_INT)
    texts = str(rest[b:], "utf-8").split("\0")  # UnicodeDecodeError (a ValueError) if not UTF-8: a miss
    return json.loads(bytes(rest[:a])), numbers, texts


