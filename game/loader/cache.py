"""A cache of validated stories, so a story whose files have not changed loads without YAML.

The key is a SHA-256 of every story file's bytes (with its path relative to the story root) and of the loader's and
engine's own source code, so an edit to any byte of any file, a file added, removed or renamed, or a new version of
the code all miss the cache. Only valid stories are stored; a story with errors is always read and checked again.

The cache holds data only: the validated story as a little JSON, a block of 32-bit integers and a block of texts,
rebuilt into the engine's model without YAML. Conditions are stored as their source text and parsed and compiled
again on load (parsing is cheap). Nothing is pickled or marshalled. A cache file starts with a one-line JSON header
(format, key, sizes and an HMAC-SHA256 of everything after it, keyed with a secret only this user can read); a file
that is truncated, corrupt, tampered with or unexpected in any way is ignored and replaced, never trusted.

Where it lives (never inside a story directory): ``$QASAS_CACHE`` if set, else ``$XDG_CACHE_HOME/jaysh-al-qasas``,
else ``~/.cache/jaysh-al-qasas``. ``QASAS_NO_CACHE=1`` turns it off. There is one file per story directory, so
editing a story replaces its entry instead of piling up new ones, and at most ``MAX_ENTRIES`` files are kept.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import operator
import os
import stat
import sys
from array import array
from collections import deque
from collections.abc import Sequence
from dataclasses import fields
from functools import partial
from itertools import chain, groupby, islice, repeat
from typing import Any, Final, TypeVar

from ..engine import conditions as cond
from ..engine.model import (
    Chapter,
    Choice,
    Condition,
    Effect,
    Ending,
    Faction,
    GlossaryEntry,
    Location,
    Passage,
    Pos,
    Route,
    Scene,
    Story,
    Template,
    Variable,
)
from .errors import Problem

FORMAT = 2
APP_DIR = "jaysh-al-qasas"
MAX_ENTRIES = 32
MAX_CACHE_BYTES = 1024 * 1024 * 1024
_PREFIX, _SUFFIX = "story-", ".cache"
_SECRET = "secret"
_LOADER_MAX_FILE_BYTES = 8 * 1024 * 1024  # yamlsafe.MAX_FILE_BYTES: a larger file never loads, so is never cached
_INT: Final = "i"  # the integer block's item type: 32-bit signed

__all__ = [
    "CacheMiss", "cache_dir", "code_version", "content_digest", "decode", "enabled", "encode", "entry_path",
    "lookup", "read_entry", "stats", "store",
]


_T = TypeVar("_T")


class CacheMiss(Exception):
    """The cache cannot serve this story (absent, stale, corrupt or unexpected); load it from YAML."""


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
    name = hashlib.sha256(os.fsencode(story_root)).hexdigest()[:32]
    return os.path.join(directory, f"{_PREFIX}{name}{_SUFFIX}")


_code_version: str | None = None


def code_version() -> str:
    """A hash of everything besides the story's files that decides what a load gives: the loader's and engine's
    source, the Python and PyYAML versions (and how this machine stores integers), so a cache written by other
    code, or read on another kind of machine, is never served."""
    global _code_version
    if _code_version is None:
        import yaml

        h = hashlib.sha256(
            f"format {FORMAT}\0{sys.version}\0{yaml.__version__} {yaml.__with_libyaml__}\0"
            f"{sys.byteorder} {array(_INT).itemsize}\0".encode()
        )
        game_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        try:
            for package in ("engine", "loader"):
                directory = os.path.join(game_dir, package)
                for name in sorted(os.listdir(directory)):
                    if name.endswith(".py"):
                        with open(os.path.join(directory, name), "rb") as fh:
                            h.update(f"{package}/{name}\0".encode() + fh.read() + b"\0")
        except OSError:  # the source cannot be read (a frozen build?): a version no other process shares
            h.update(os.urandom(16))
        _code_version = h.hexdigest()
    return _code_version


# ------------------------------------------------------------------------------------------------ keys


def content_digest(root: str, paths: Sequence[str]) -> hashlib._Hash | None:
    """The story's content digest, computed from the files' bytes exactly as the loader computes it from their
    text (``paths[0]`` is the manifest). None when a file cannot be one the loader accepts (unreadable, not a
    regular file, too large, containing NUL): such a story is never in the cache.

    The loader hashes ``relative path NUL text NUL`` per file, the text decoded from UTF-8 after dropping a byte
    order mark. For valid UTF-8 the text's encoding is the file's bytes, so nothing needs decoding here; and as
    neither paths nor contents can hold NUL, two different stories never feed the hash the same bytes.
    """
    digest = hashlib.sha256()
    for i, path in enumerate(paths):
        try:
            # As the loader does: never open what is not a regular file (a FIFO would block), nor a huge one.
            st = os.stat(path)
            if not stat.S_ISREG(st.st_mode) or st.st_size > _LOADER_MAX_FILE_BYTES:
                return None
            with open(path, "rb") as fh:
                data = fh.read(_LOADER_MAX_FILE_BYTES + 1)
        except OSError:
            return None
        if len(data) > _LOADER_MAX_FILE_BYTES or b"\0" in data:
            return None
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        digest.update(b"story.yaml" if i == 0 else os.path.relpath(path, root).encode())
        digest.update(b"\0")
        digest.update(data)
        digest.update(b"\0")
    return digest


def _key(content_hex: str) -> str:
    return hashlib.sha256(f"{code_version()}\0{content_hex}".encode()).hexdigest()


# ------------------------------------------------------------------------------------ look up and store


# What this process's loads did: served from the cache ('hits'), not ('misses'), and entries written ('stores').
# Benchmarks report it, so a figure labelled warm is known to be one.
stats = {"hits": 0, "misses": 0, "stores": 0}


def lookup(root: str, paths: Sequence[str], shown: Sequence[str]) -> tuple[Story, list[Problem]] | None:
    """The cached story for these files and its warnings, or None on any miss. ``paths`` are the manifest then
    the scene files in the loader's order; ``shown`` the same files as positions name them."""
    try:
        found = _lookup(root, paths, shown)
    except Exception:  # noqa: BLE001 - e.g. a file name that is not valid UTF-8: the loader itself reports it
        found = None
    stats["hits" if found is not None else "misses"] += 1
    return found


def _lookup(root: str, paths: Sequence[str], shown: Sequence[str]) -> tuple[Story, list[Problem]] | None:
    entry = entry_path(root)
    if entry is None:
        return None
    secret = _secret(os.path.dirname(entry), create=False)
    if secret is None:  # nothing was ever cached here
        return None
    digest = content_digest(root, paths)
    if digest is None:
        return None
    content_hex = digest.hexdigest()
    try:
        with open(entry, "rb") as fh:
            blob = fh.read(MAX_CACHE_BYTES + 1)
    except OSError:
        return None
    try:
        data, numbers, texts = read_entry(blob, _key(content_hex), secret)
        story, problems = decode(data, numbers, texts, root, list(shown))
    except Exception:  # noqa: BLE001 - whatever is wrong with an entry, the cold load that follows replaces it
        # Stale, truncated, corrupt, tampered with or of an unexpected shape: a miss, never an error. (The tests
        # check that good entries are hits, so a mistake here cannot hide as a permanent miss.)
        return None
    if story.fingerprint != content_hex[:16]:
        return None
    return story, problems


def store(root: str, content_hex: str, story: Story, problems: Sequence[Problem], shown: Sequence[str]) -> None:
    """Write a valid story to the cache under the digest of the text it was read from. Never raises: a cache that
    cannot be written only costs the next load its speed."""
    try:
        _store(root, content_hex, story, problems, shown)
    except Exception:  # noqa: BLE001, S110 - a full disk, a read-only home, a story that cannot be cached: no entry
        pass


def _store(root: str, content_hex: str, story: Story, problems: Sequence[Problem], shown: Sequence[str]) -> None:
    import tempfile  # only when writing: a warm load, or a game's start-up, never pays for importing it

    entry = entry_path(root)
    if entry is None or any(p.severity == "error" for p in problems):
        return
    data, numbers, texts = encode(story, problems, list(shown))
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
    disk, a sync tool or a bug) is never trusted, even with its checksum recomputed. None: no caching."""
    path = os.path.join(directory, _SECRET)
    for _ in range(2):
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except FileNotFoundError:
            if not create:
                return None
            try:  # created whole or not at all; if another process wins the race, read its secret instead
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
            except FileExistsError:
                continue
            except OSError:
                return None
            with os.fdopen(fd, "wb") as fh:
                fh.write(os.urandom(32))
            continue
        except OSError:
            return None
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            secret = fh.read(33)
        if os.name == "posix" and (st.st_uid != os.getuid() or st.st_mode & 0o077):
            return None  # someone else's, or readable by others: not a secret
        return secret if len(secret) == 32 else None
    return None


def _mac(secret: bytes, key: str, payload: bytes | memoryview) -> str:
    mac = hmac.new(secret, key.encode(), hashlib.sha256)
    mac.update(payload)
    return mac.hexdigest()


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
    if not isinstance(mac, str) or not hmac.compare_digest(mac, _mac(secret, key, rest)):
        raise CacheMiss("corrupt or tampered with")
    # The integer block is read where it lies, through a view: no copy of megabytes, and no page of it touched
    # until a column is read. (A cast of a length that is not a whole number of items raises TypeError: a miss.)
    numbers = rest[a:b].cast(_INT)
    texts = str(rest[b:], "utf-8").split("\0")  # UnicodeDecodeError (a ValueError) if not UTF-8: a miss
    return json.loads(bytes(rest[:a])), numbers, texts


# -------------------------------------------------------------------------------------------- encoding
#
# An entry has three parts after its header: a little JSON (the manifest's parts and how the tables are laid
# out), a block of 32-bit integers and a block of texts (every distinct text once, UTF-8, separated by NUL).
# The scenes' parts are columnar: one table per kind of element (scenes, passages, templates, choices, routes,
# effects, conditions), each column a part of the integer block, elements in story order. A parent records how
# many children it has and the children follow in the same order, so a warm load builds all the elements of a
# kind at once. A text is its number in the text block; a position is three columns: file (an index into the
# story's files, manifest first; -1 for none), line and column; an optional condition is its row in the condition
# table, or -1 for none; a route's target is a row of the scene table, its chance a row of _CHANCES; an
# effect's kind is an index into _EFFECT_KINDS, its target is its slot's name, and its amount is a whole number,
# made a yes/no where its "boolean" column says 1. A template's parts are rows of the template_parts table, each a
# text or, when negative, the slot -1 - part; its names are rows of template_names, each a slot.
#
# A column is [start, length]: its numbers, as they lie; or [start, runs, length]: ``runs`` values, then as many
# run lengths. Most columns are a few long runs (one file for a thousand scenes, no condition, an empty text,
# one route per choice), so a warm load meets each value once and repeats it in C.

_BLOCKS = ("json", "numbers", "texts")
_POS = ("file", "line", "column")
_EFFECT_KINDS = ("trust", "fair", "set", "add")
_CHANCES = (*range(1, 100), None)  # a route's chance, 1 to 99 percent, is its row + 1; row -1: no chance
_NUMBER = "number"  # a column of the integer block
_TEXT = "text"  # a column of the integer block, each a number in the text block
# Each table's columns.
_TABLES: dict[str, dict[str, str]] = {
    "scenes": {
        "id": _TEXT, "title": _TEXT, "chapter": _TEXT, "place": _TEXT, "date": _TEXT, "location": _TEXT,
        "ending": _TEXT, "passages": _NUMBER, "choices": _NUMBER, "on_enter": _NUMBER,
    },
    "passages": {"paragraphs": _NUMBER, "if": _NUMBER},
    "templates": {"parts": _NUMBER, "names": _NUMBER},
    "template_parts": {"part": _NUMBER},
    "template_names": {"slot": _NUMBER},
    "choices": {
        "id": _TEXT, "key": _TEXT, "label": _TEXT, "reason": _TEXT, "if": _NUMBER, "requires": _NUMBER,
        "routes": _NUMBER, "effects": _NUMBER,
    },
    "routes": {"to": _NUMBER, "if": _NUMBER, "chance": _NUMBER},
    "effects": {"kind": _NUMBER, "slot": _NUMBER, "amount": _NUMBER, "boolean": _NUMBER},
    "on_enter": {"kind": _NUMBER, "slot": _NUMBER, "amount": _NUMBER, "boolean": _NUMBER},
    "conditions": {"source": _TEXT},
}
for _name in ("scenes", "passages", "choices", "routes", "effects", "on_enter", "conditions"):
    _TABLES[_name].update({p: _NUMBER for p in _POS})


def encode(
    story: Story, problems: Sequence[Problem], shown: list[str]
) -> tuple[dict[str, Any], array[int], list[str]]:
    """The story as JSON-ready data, an integer block and a list of texts. ``shown`` lists the files as positions
    name them (manifest first). Raises CacheMiss for a story that cannot be cached (one with a NUL in a text)."""
    file_number = {name: i for i, name in enumerate(shown)}
    file_number[""] = -1

    def where(p: Pos) -> tuple[int, int, int]:
        return file_number[p.file], p.line, p.column

    # Every element of each kind, in story order (children follow their parents, as the counts say).
    scenes = list(story.scenes.values())
    passages = [p for s in scenes for p in s.text]
    templates = [t for p in passages for t in p.paragraphs]
    choices = [c for s in scenes for c in s.choices]
    routes = [r for c in choices for r in c.routes]
    effects = [e for c in choices for e in c.effects]
    on_enter = [e for s in scenes for e in s.on_enter]
    conditions: list[Condition] = []

    def rows(items: list[Condition | None]) -> list[int]:
        """The condition table's rows for these conditions, adding them to it; -1 for none."""
        out = []
        for c in items:
            if c is None:
                out.append(-1)
            else:
                out.append(len(conditions))
                conditions.append(c)
        return out

    def positions(items: Sequence[Any]) -> dict[str, list[int]]:
        try:
            return {"file": [file_number[x.pos.file] for x in items], "line": [x.pos.line for x in items],
                    "column": [x.pos.column for x in items]}
        except KeyError as exc:
            raise CacheMiss(f"a position in an unknown file {exc}") from None

    kind_number = {kind: i for i, kind in enumerate(_EFFECT_KINDS)}
    slot_number = {name: i for i, name in enumerate(story.slot_names)}
    scene_number = {sid: i for i, sid in enumerate(story.scenes)}

    def effect_table(items: list[Effect]) -> dict[str, list[Any]]:
        return {"kind": [kind_number[e.kind] for e in items], "slot": [e.slot for e in items],
                "amount": [int(e.amount) for e in items], "boolean": [int(type(e.amount) is bool) for e in items],
                **positions(items)}

    columns: dict[str, dict[str, list[Any]]] = {
        "scenes": {
            "id": [s.id for s in scenes], "title": [s.title for s in scenes],
            "chapter": [s.chapter for s in scenes], "place": [s.place for s in scenes],
            "date": [s.date for s in scenes], "location": [s.location for s in scenes],
            "ending": [s.ending for s in scenes],
            "passages": [len(s.text) for s in scenes], "choices": [len(s.choices) for s in scenes],
            "on_enter": [len(s.on_enter) for s in scenes], **positions(scenes),
        },
        "passages": {
            "paragraphs": [len(p.paragraphs) for p in passages], "if": rows([p.when for p in passages]),
            **positions(passages),
        },
        "templates": {"parts": [len(t.parts) for t in templates], "names": [len(t.names) for t in templates]},
        "template_parts": {"part": [p for t in templates for p in t.parts]},  # made numbers below
        "template_names": {"slot": [slot_number[n] for t in templates for n in t.names]},
        "choices": {
            "id": [c.id for c in choices], "key": [c.key for c in choices], "label": [c.label for c in choices],
            "reason": [c.reason for c in choices], "if": rows([c.visible_if for c in choices]),
            "requires": rows([c.enabled_if for c in choices]), "routes": [len(c.routes) for c in choices],
            "effects": [len(c.effects) for c in choices], **positions(choices),
        },
        "routes": {
            "to": [scene_number[r.target] for r in routes], "if": rows([r.when for r in routes]),
            "chance": [-1 if r.chance is None else r.chance - 1 for r in routes], **positions(routes),
        },
        "effects": effect_table(effects),
        "on_enter": effect_table(on_enter),
    }
    columns["conditions"] = {"source": [c.source for c in conditions], **positions(conditions)}

    # Texts are numbered in the order first met; "" is always there, so joining and splitting on NUL give back
    # the same list.
    parts = columns["template_parts"]["part"]
    text_columns = [
        columns[name][column] for name, spec in _TABLES.items() for column, kind in spec.items() if kind is _TEXT
    ]
    met = dict.fromkeys(chain([""], *text_columns, (p for p in parts if isinstance(p, str))))
    texts = dict(zip(met, range(len(met))))
    if any("\0" in value for value in texts):  # possible through a YAML escape; such a story is not cached
        raise CacheMiss("a text with a NUL character")
    columns["template_parts"]["part"] = [texts[p] if isinstance(p, str) else -1 - p for p in parts]

    numbers = array(_INT)
    tables: dict[str, dict[str, Any]] = {}
    try:
        for name, spec in _TABLES.items():
            tables[name] = {}
            for column, kind in spec.items():
                values = columns[name][column]
                if kind is _TEXT:
                    values = list(map(texts.__getitem__, values))
                runs = [(value, len(list(run))) for value, run in groupby(values)]
                if len(runs) * 4 <= len(values):  # mostly runs: stored as runs
                    tables[name][column] = [len(numbers), len(runs), len(values)]
                    numbers.fromlist([value for value, _ in runs])
                    numbers.fromlist([n for _, n in runs])
                else:
                    tables[name][column] = [len(numbers), len(values)]
                    numbers.fromlist(values)
    except OverflowError:  # a line number beyond 2**31 is absurd, but then this story is simply not cached
        raise CacheMiss("a number too large to cache") from None
    data = {
        "files": len(shown),
        "texts": len(texts),
        "story": [story.id, story.title, story.start, story.fingerprint],
        "chapters": [[c.id, c.title, c.order, *where(c.pos)] for c in story.chapters.values()],
        "factions": [
            [f.id, f.name, f.description, f.initial, f.low, f.high, f.slot, *where(f.pos)]
            for f in story.factions.values()
        ],
        "variables": [
            [v.id, v.type.__name__, v.default, v.slot, v.description, v.low, v.high, *where(v.pos)]
            for v in story.variables.values()
        ],
        "endings": [[e.id, e.title, *where(e.pos)] for e in story.endings.values()],
        "locations": [[x.id, x.name, *where(x.pos)] for x in story.locations.values()],
        "glossary": [[g.term, g.text, g.kind, *where(g.pos)] for g in story.glossary.values()],
        "slots": [list(story.defaults), list(story.slot_names), list(story.lows), list(story.highs)],
        "tables": tables,
        "problems": [
            [file_number.get(p.file, -1), p.file, p.line, p.column, p.message, p.severity] for p in problems
        ],
    }
    return data, numbers, list(texts)


# -------------------------------------------------------------------------------------------- decoding
#
# Rebuilding 10,000 scenes makes about 250,000 model objects, and making them is most of a warm load. A frozen
# dataclass's __init__ assigns each field through object.__setattr__, a Python call per object and then some. Here
# a whole table's objects are made at once, field by field: map() sets one field on every object through the
# field's slot descriptor, a loop that stays in C. The objects are the very same (the tests compare a warm story
# with a cold one field by field, and play them side by side); they are built in half the time.


def _build(cls: type[_T], count: int, **columns: Sequence[Any]) -> list[_T]:
    """``count`` new instances of a frozen, slotted dataclass, each field set from its column (all of them)."""
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]  # every model class is a dataclass
    if columns.keys() != set(names):
        raise CacheMiss(f"the cache does not describe {cls.__name__} as the model does")
    objects: list[_T] = list(map(object.__new__, repeat(cls, count)))
    for name in names:
        values = columns[name]
        if len(values) != count:
            raise CacheMiss(f"{cls.__name__}.{name}: {len(values)} values for {count} objects")
        deque(map(getattr(cls, name).__set__, objects, values), maxlen=0)
    return objects


def _types_ok(values: Sequence[Any], allowed: tuple[type, ...]) -> bool:
    return set(map(type, values)) <= set(allowed)


class _Tables:
    """The entry's tables, checked for their columns and for equal lengths; a column is read when asked for."""

    def __init__(self, data: dict[str, Any], numbers: Sequence[int]) -> None:
        raw = data["tables"]
        if type(raw) is not dict or raw.keys() != _TABLES.keys():
            raise CacheMiss("unexpected tables")
        for name, spec in _TABLES.items():
            columns = raw[name]
            if type(columns) is not dict or columns.keys() != spec.keys():
                raise CacheMiss(f"table {name!r} has unexpected columns")
            lengths = set()
            for where in columns.values():
                if type(where) is not list or len(where) not in (2, 3) or not _types_ok(where, (int,)):
                    raise CacheMiss(f"table {name!r} has a column of an unknown shape")
                lengths.add(where[-1])
            if len(lengths) != 1:
                raise CacheMiss(f"the columns of table {name!r} differ in length")
        self._raw, self._numbers = raw, numbers

    def length(self, table: str) -> int:
        return next(iter(self._raw[table].values()))[-1]  # type: ignore[no-any-return]

    def __call__(self, table: str, column: str, lookup: Sequence[_T] | None = None) -> Sequence[Any]:
        """A column's numbers; with ``lookup``, the item of ``lookup`` each number picks (for a text column, pass
        the texts). A column of runs looks each run's value up once."""
        where = self._raw[table][column]
        if len(where) == 2:
            rows = _block(self._numbers, *where)
            return rows if lookup is None else _refs(lookup, rows)
        start, runs, length = where
        values: Sequence[Any] = _block(self._numbers, start, runs)
        counts = _block(self._numbers, start + runs, runs)
        if sum(counts) != length or (runs and min(counts) < 0):
            raise CacheMiss("runs that do not add up")
        if lookup is not None:
            values = _refs(lookup, values)
        return list(chain.from_iterable(map(repeat, values, counts)))


def _block(numbers: Sequence[int], start: int, length: int) -> Sequence[int]:
    """``length`` numbers of the integer block from ``start`` (a view: compact, and iterated only once or twice,
    so its numbers need not all exist as Python objects at once)."""
    if not 0 <= start <= start + length <= len(numbers):
        raise CacheMiss("a column outside the integer block")
    return numbers[start : start + length]


def _groups(items: Sequence[_T], counts: Sequence[int]) -> list[tuple[_T, ...]]:
    """Split ``items`` into consecutive tuples of the given sizes (which must use every item exactly once)."""
    if sum(counts) != len(items):  # (a negative size makes islice() raise ValueError: a miss too)
        raise CacheMiss("children do not add up")
    # Runs of equal sizes (most choices have one route) are cut in one go: zip() over k references to one
    # iterator takes k consecutive items per tuple.
    out: list[tuple[_T, ...]] = []
    it = iter(items)
    for size, run in groupby(counts):
        n = len(list(run))  # (counted in C: a generator here cost a tenth of a warm load)
        if size == 0:
            out.extend([()] * n)
        else:
            chunk = islice(it, n * size)
            out.extend(zip(*[chunk] * size))
    return out


def _refs(items: Sequence[_T], rows: Sequence[int]) -> list[_T]:
    """The item of each row: IndexError (a miss) for a row past the end. An entry's rows are never negative
    except the -1 of an optional reference (give a list ending with what -1 means); a negative row could only come
    from a forged entry, which the MAC keeps out, and could only pick another item, never break the engine, so the
    columns are not walked to look for one (min() over each column would cost a tenth of the whole load)."""
    return list(map(items.__getitem__, rows))


def decode(
    data: Any, numbers: Sequence[int], texts: list[str], root: str, shown: list[str]
) -> tuple[Story, list[Problem]]:
    """Rebuild the Story and its warnings from ``encode``'s data. Raises on anything unexpected, which the caller
    treats as a miss. Types and cross-references are checked again, so not even a well-formed but inconsistent
    entry can give a story the engine could not play."""
    if not isinstance(data, dict) or data.get("files") != len(shown) or data.get("texts") != len(texts):
        raise CacheMiss("the story's files changed, or the entry is incomplete")
    files = [*shown, ""]  # file -1 is the empty file of a position that has none

    def text(*values: Any) -> None:
        if not _types_ok(values, (str,)):
            raise CacheMiss("unexpected value where text belongs")

    def whole(*values: Any) -> None:
        if not _types_ok(values, (int,)):
            raise CacheMiss("unexpected value where a whole number belongs")

    def pos(fi: int, line: int, column: int) -> Pos:
        whole(fi, line, column)
        if not -1 <= fi < len(shown):
            raise CacheMiss("a position in an unknown file")
        return Pos(files[fi], line, column)

    # The manifest's parts: few, so built and checked one by one.
    story_id, title, start, fingerprint = data["story"]
    text(story_id, title, start, fingerprint)
    chapters: dict[str, Chapter] = {}
    for cid, ctitle, order, *at in data["chapters"]:
        text(cid, ctitle)
        whole(order)
        chapters[cid] = Chapter(cid, ctitle, order, pos(*at))
    factions: dict[str, Faction] = {}
    for fid, name, desc, initial, low, high, slot, *at in data["factions"]:
        text(fid, name, desc)
        whole(initial, low, high, slot)
        factions[fid] = Faction(fid, name, desc, initial, low, high, slot, pos(*at))
    variables: dict[str, Variable] = {}
    for vid, vtype, default, slot, desc, low, high, *at in data["variables"]:
        text(vid, desc)
        kind: type[int] = {"int": int, "bool": bool}[vtype]
        if type(default) is not kind or type(slot) is not int or not _types_ok((low, high), (int, type(None))):
            raise CacheMiss("unexpected variable")
        variables[vid] = Variable(vid, kind, default, slot, desc, low, high, pos(*at))
    endings: dict[str, Ending] = {}
    for eid, etitle, *at in data["endings"]:
        text(eid, etitle)
        endings[eid] = Ending(eid, etitle, pos(*at))
    locations: dict[str, Location] = {}
    for lid, lname, *at in data["locations"]:
        text(lid, lname)
        locations[lid] = Location(lid, lname, pos(*at))
    glossary: dict[str, GlossaryEntry] = {}
    for term, gtext, gkind, *at in data["glossary"]:
        text(term, gtext, gkind)
        glossary[term] = GlossaryEntry(term, gtext, gkind, pos(*at))

    defaults, slot_names, lows, highs = (tuple(x) for x in data["slots"])
    text(*slot_names)
    slots = {name: i for i, name in enumerate(slot_names)}
    if not len(slots) == len(defaults) == len(lows) == len(highs) == len(factions) + len(variables):
        raise CacheMiss("slots do not match the factions and variables")
    items: list[Faction | Variable] = [*factions.values(), *variables.values()]
    for item in items:
        if slots.get(item.id) != item.slot:
            raise CacheMiss("slots do not match the factions and variables")
    if not _types_ok((*defaults, *lows, *highs), (int, bool)):
        raise CacheMiss("unexpected slot values")

    # The scenes' parts: many, so built a whole table at a time.
    col = _Tables(data, numbers)

    def positions(table: str) -> list[Pos]:
        # tuple.__new__ through partial(): every Pos made in C (the integer block holds only ints).
        where = zip(col(table, "file", files), col(table, "line"), col(table, "column"))
        return list(map(partial(tuple.__new__, Pos), where))

    # Conditions are compiled again from their source; identical sources share one parse, as in a cold load.
    sources = col("conditions", "source", texts)
    compiled: dict[str, tuple[cond.Node, cond.Evaluator]] = {}
    for source in set(sources):
        node = cond.parse(source)
        for name in cond.names_in(node):
            if name not in slots:
                raise CacheMiss(f"unknown name {name!r} in a cached condition")
        compiled[source] = (node, cond.compile_node(node, slots))
    nodes, tests = zip(*map(compiled.__getitem__, sources)) if sources else ((), ())
    conditions = _build(
        Condition, len(sources), source=sources, node=nodes, test=tests, pos=positions("conditions")
    )
    condition_rows = [*conditions, None]  # row -1: no condition

    def effects(table: str) -> list[Effect]:
        slots_ = col(table, "slot")
        # The one row used as an index at play time (values[slot]): never let it count from the end.
        if slots_ and min(slots_) < 0:
            raise CacheMiss("an effect on no slot")
        amounts, booleans = col(table, "amount"), col(table, "boolean")
        if not set(booleans) <= {0, 1}:
            raise CacheMiss("an amount neither a number nor a yes/no")
        if any(booleans):
            amounts = [bool(a) if b else a for a, b in zip(amounts, booleans)]
        return _build(
            Effect, col.length(table), kind=col(table, "kind", _EFFECT_KINDS),
            target=_refs(slot_names, slots_), slot=slots_, amount=amounts, pos=positions(table),
        )

    scene_ids = col("scenes", "id", texts)
    routes = _build(
        Route, col.length("routes"), target=col("routes", "to", scene_ids),
        when=col("routes", "if", condition_rows), chance=col("routes", "chance", _CHANCES), pos=positions("routes"),
    )
    keys = col("choices", "key", texts)
    choices = _build(
        Choice, col.length("choices"), id=col("choices", "id", texts), label=col("choices", "label", texts),
        routes=_groups(routes, col("choices", "routes")),
        effects=_groups(effects("effects"), col("choices", "effects")),
        visible_if=col("choices", "if", condition_rows),
        enabled_if=col("choices", "requires", condition_rows),
        reason=col("choices", "reason", texts), key=keys, pos=positions("choices"),
    )

    # A part is a text, or the slot -1 - part: one list that ends with the slots in reverse serves both. Slots are
    # indexes at play time (Template.render), so here a part is checked to be one or the other.
    rows = col("template_parts", "part")
    if rows and not -len(slot_names) <= min(rows) <= max(rows) < len(texts):
        raise CacheMiss("a part of a text that is not there")
    parts = _refs([*texts, *range(len(slot_names) - 1, -1, -1)], rows)
    names = col("template_names", "slot", slot_names)
    templates = _build(
        Template, col.length("templates"), parts=_groups(parts, col("templates", "parts")),
        names=_groups(names, col("templates", "names")),
    )
    passages = _build(
        Passage, col.length("passages"), paragraphs=_groups(templates, col("passages", "paragraphs")),
        when=col("passages", "if", condition_rows), pos=positions("passages"),
    )

    choice_counts = col("scenes", "choices")
    choice_groups = _groups(choices, choice_counts)
    chapter_ids, location_ids, ending_ids = (col("scenes", c, texts) for c in ("chapter", "location", "ending"))
    scenes_list = _build(
        Scene, len(scene_ids), id=scene_ids, title=col("scenes", "title", texts), chapter=chapter_ids,
        text=_groups(passages, col("scenes", "passages")), choices=choice_groups,
        on_enter=_groups(effects("on_enter"), col("scenes", "on_enter")), place=col("scenes", "place", texts),
        date=col("scenes", "date", texts), location=location_ids, ending=ending_ids, pos=positions("scenes"),
    )
    scenes = dict(zip(scene_ids, scenes_list))

    # The cross-checks a cold load makes, so the engine never meets a dangling reference.
    if len(scenes) != len(scenes_list) or len(set(keys)) != len(keys):
        raise CacheMiss("duplicate ids")
    if start not in scenes:
        raise CacheMiss("the start scene is not there")
    if not set(chapter_ids) <= chapters.keys() or not set(location_ids) - {""} <= locations.keys():
        raise CacheMiss("a reference to a chapter or location that is not there")
    has_ending, has_no_choices = list(map(bool, ending_ids)), list(map(operator.not_, choice_counts))
    if not set(ending_ids) - {""} <= endings.keys() or has_ending != has_no_choices:
        raise CacheMiss("an ending with choices, or a scene with neither")

    problems = []
    for fi, name, line, column, message, severity in data["problems"]:
        text(name, message, severity)
        at = pos(fi, line, column)
        problems.append(Problem(at.file if fi >= 0 else name, line, column, message, severity))
    story = Story(
        story_id, title, start, chapters, factions, variables, endings, locations, glossary, scenes, fingerprint,
        os.path.abspath(root), tuple(shown[1:]), defaults, slot_names, lows, highs,
    )
    return story, problems
