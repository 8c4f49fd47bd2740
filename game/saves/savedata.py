"""What a save file records and how it is read: ``SaveData``, its field-by-field validation, and ``read_save``.

A save is JSON (see saves/README.md): the story it belongs to, the seed, the choice log, a snapshot of the state
and a few facts for the saves list. Reading goes through the shared reader (``game.smallfile``: the file's kind
and size checked before it is opened, JSON nesting bounded), then every field is checked: its type, its range,
its shape. A save is never trusted because it parsed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeGuard

from .. import limits, smallfile
from ..engine import Game
from ..sanitize import sanitize_line
from . import jsonio

FORMAT = "jaysh-al-qasas save"
VERSION = 1
MAX_SAVE_BYTES = jsonio.MAX_SAVE_BYTES
BACKUP_SUFFIX = ".bak"
_ID = re.compile(r"[a-z][a-z0-9_]*")
STORY_ID = re.compile(r"[a-z0-9][a-z0-9_-]*")  # as the loader allows for story ids
_KEY = re.compile(r"([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)")
# Keys a playthrough may add to a save (a save with expectations is still a save).
_PLAYTHROUGH_KEYS = frozenset({"expect", "transcript", "scenes"})


class SaveError(Exception):
    """A save that cannot be written or loaded. ``str(e)`` names the file and says why, for the player."""

    def __init__(self, path: Path | str, message: str) -> None:
        self.path = Path(path)
        self.message = message
        super().__init__(f"{sanitize_line(str(path))}: {sanitize_line(message)}")


# ------------------------------------------------------------------------------------------- the data


@dataclass(frozen=True)
class SaveData:
    """Everything in one save file, validated. ``to_json``/``from_json`` round-trip exactly."""

    story_id: str
    story_title: str
    fingerprint: str
    seed: int
    log: tuple[tuple[str, str], ...]
    scene: str
    trust: dict[str, int]
    variables: dict[str, int | bool]
    visited: tuple[str, ...]
    chosen: tuple[str, ...]
    name: str
    chapter: str
    scene_title: str
    created: datetime
    updated: datetime
    play_seconds: float = 0.0
    version: int = VERSION
    # The game continued from a snapshot after a story edit: the log is history that no longer replays on this
    # story, and the snapshot is the truth (written as "state": {"restored": true}).
    restored: bool = False

    @classmethod
    def from_game(
        cls,
        game: Game,
        name: str,
        created: datetime,
        updated: datetime,
        play_seconds: float = 0.0,
        restored: bool = False,
    ) -> SaveData:
        """Capture a game in play (``restored``: its log no longer replays, see the field)."""
        story, st = game.story, game.state
        snap = st.to_dict(story)
        scene = game.scene
        chapter = story.chapters.get(scene.chapter)
        return cls(
            story_id=story.id,
            story_title=story.title,
            fingerprint=story.fingerprint,
            seed=st.seed,
            log=tuple(st.log),
            scene=st.scene,
            trust=dict(snap["trust"]),
            variables=dict(snap["variables"]),
            visited=tuple(snap["visited"]),
            chosen=tuple(snap["chosen"]),
            name=name,
            chapter=chapter.title if chapter else "",
            scene_title=scene.title,
            created=created,
            updated=updated,
            play_seconds=play_seconds,
            restored=restored,
        )

    @property
    def turn(self) -> int:
        return len(self.log)

    def to_json(self) -> dict[str, Any]:
        """The file's content as plain JSON values, in the order it is written."""
        doc: dict[str, Any] = {
            "format": FORMAT,
            "version": self.version,
            "story": {"id": self.story_id, "title": self.story_title, "fingerprint": self.fingerprint},
            "seed": self.seed,
            "choices": [f"{s}.{c}" for s, c in self.log],
            "state": {
                "scene": self.scene,
                "trust": dict(self.trust),
                "variables": dict(self.variables),
                "visited": list(self.visited),
                "chosen": list(self.chosen),
            },
            "meta": {
                "name": self.name,
                "chapter": self.chapter,
                "scene_title": self.scene_title,
                "created": self.created.isoformat(),
                "updated": self.updated.isoformat(),
                "play_seconds": self.play_seconds,
            },
        }
        if self.restored:
            doc["state"]["restored"] = True
        return doc

    def encode(self) -> str:
        """The file's text (readable, diffable JSON)."""
        return jsonio.encode(self.to_json())

    @classmethod
    def from_json(cls, doc: Any) -> SaveData:
        """Validate a parsed save file. Raises ValueError with a message naming the field."""
        return _Validator().save(doc)


class _Validator:
    """Checks a parsed save field by field; every message names the field, as a player or author reads it."""

    def save(self, doc: Any) -> SaveData:
        if not isinstance(doc, dict):
            raise ValueError("this is not a save file (it should be a JSON object)")
        if doc.get("format") != FORMAT:
            if "format" not in doc:
                raise ValueError(f'this is not a save file (it has no "format": "{FORMAT}" field)')
            raise ValueError(
                f'this is not a save file (its format is {_show(doc.get("format"))}, not "{FORMAT}")'
            )
        version = doc.get("version")
        if not _is_int(version):
            raise ValueError(f"field 'version' must be a whole number (found {_show(version)})")
        if version > VERSION:
            raise ValueError(
                f"this save was made by a newer version of the game (save format {version}; "
                f"this version reads format {VERSION}). Update the game to load it"
            )
        if version < 1:
            raise ValueError(f"unknown save format version {version} (this version reads format {VERSION})")
        self.keys(
            doc, "", {"format", "version", "story", "seed", "choices", "state", "meta"}, _PLAYTHROUGH_KEYS
        )

        story = self.obj(doc, "story")
        self.keys(story, "story.", {"id", "title", "fingerprint"})
        meta = self.obj(doc, "meta")
        self.keys(meta, "meta.", {"name", "chapter", "scene_title", "created", "updated", "play_seconds"})
        state = self.obj(doc, "state")
        self.keys(state, "state.", {"scene", "trust", "variables", "visited", "chosen"}, {"restored"})
        restored = state.get("restored", False)
        if not isinstance(restored, bool):
            raise ValueError(f"field 'state.restored' must be true or false (found {_show(restored)})")

        seed = doc.get("seed")
        if not _is_int(seed) or not limits.seed_in_range(seed):
            raise ValueError(
                f"field 'seed' must be a whole number from {limits.SEED_MIN} to {limits.SEED_MAX} (found {_show(seed)})"
            )
        choices = self.list(doc, "choices")
        log = tuple(self.key(item, f"choices[{i + 1}]") for i, item in enumerate(choices))
        trust = self.values(state, "trust", ints_only=True)
        name = self.text(meta, "name", "meta.name")
        if not name.strip():
            raise ValueError("field 'meta.name' is empty")
        play = meta.get("play_seconds")
        # Compared before any conversion: a 400-digit integer must not reach float() (OverflowError).
        if (
            not isinstance(play, (int, float))
            or isinstance(play, bool)
            or not 0 <= play <= limits.MAX_PLAY_SECONDS  # (False for NaN too)
        ):
            raise ValueError(
                f"field 'meta.play_seconds' must be a number of seconds from 0 to {limits.MAX_PLAY_SECONDS:,} "
                f"(found {_show(play)})"
            )
        created, updated = self.time(meta, "created"), self.time(meta, "updated")
        return SaveData(
            story_id=self.story_id(story.get("id")),
            story_title=self.text(story, "title", "story.title"),
            fingerprint=self.text(story, "fingerprint", "story.fingerprint"),
            seed=seed,
            log=log,
            scene=self.ident(state, "state.scene", "scene"),
            trust={k: int(v) for k, v in trust.items()},
            variables=self.values(state, "variables", ints_only=False),
            visited=tuple(
                self.ident(v, f"state.visited[{i + 1}]")
                for i, v in enumerate(self.list(state, "visited", "state."))
            ),
            chosen=tuple(
                "{}.{}".format(*self.key(v, f"state.chosen[{i + 1}]"))
                for i, v in enumerate(self.list(state, "chosen", "state."))
            ),
            name=name,
            chapter=self.text(meta, "chapter", "meta.chapter"),
            scene_title=self.text(meta, "scene_title", "meta.scene_title"),
            created=created,
            updated=updated,
            play_seconds=float(play) if isinstance(play, int) else play,
            version=version,
            restored=restored,
        )

    def keys(self, obj: dict[str, Any], prefix: str, required: set[str], allowed: Iterable[str] = ()) -> None:
        missing = sorted(required - obj.keys())
        if missing:
            raise ValueError(f"field '{prefix}{missing[0]}' is missing")
        extra = sorted(obj.keys() - required - set(allowed))
        if extra:
            raise ValueError(f"unexpected field '{prefix}{sanitize_line(extra[0])}'")

    def obj(self, doc: dict[str, Any], key: str) -> dict[str, Any]:
        value = doc.get(key)
        if not isinstance(value, dict):
            raise ValueError(f"field '{key}' must be an object (found {_show(value)})")
        return value

    def list(self, doc: dict[str, Any], key: str, prefix: str = "") -> list[Any]:
        value = doc.get(key)
        if not isinstance(value, list):
            raise ValueError(f"field '{prefix}{key}' must be a list (found {_show(value)})")
        return value

    def text(self, doc: dict[str, Any], key: str, shown: str) -> str:
        value = doc.get(key)
        if not isinstance(value, str):
            raise ValueError(f"field '{shown}' must be text (found {_show(value)})")
        return value

    def ident(self, value: Any, shown: str, key: str | None = None) -> str:
        if key is not None:
            value = value.get(key)
        if not isinstance(value, str) or not _ID.fullmatch(value):
            raise ValueError(f"field '{shown}' must be an id like 'gate' (found {_show(value)})")
        return value

    def story_id(self, value: Any) -> str:
        if not isinstance(value, str) or not STORY_ID.fullmatch(value) or len(value) > 200:
            raise ValueError(
                f"field 'story.id' must be a story id like 'jaysh-al-qasas' (found {_show(value)})"
            )
        return value

    def key(self, value: Any, shown: str) -> tuple[str, str]:
        m = _KEY.fullmatch(value) if isinstance(value, str) else None
        if m is None:
            raise ValueError(f"{shown} must be a choice written 'scene.choice' (found {_show(value)})")
        return m.group(1), m.group(2)

    def values(self, state: dict[str, Any], key: str, *, ints_only: bool) -> dict[str, int | bool]:
        obj = state.get(key)
        if not isinstance(obj, dict):
            raise ValueError(f"field 'state.{key}' must be an object (found {_show(obj)})")
        out: dict[str, int | bool] = {}
        for name, value in obj.items():
            if not _ID.fullmatch(name):
                raise ValueError(f"field 'state.{key}' has a name that is not an id: {_show(name)}")
            ok = _is_int(value) if ints_only else isinstance(value, (int, bool))
            if not ok or (_is_int(value) and abs(value) > limits.VALUE_LIMIT):
                kind = "a whole number" if ints_only else "a whole number, true or false"
                raise ValueError(f"field 'state.{key}.{name}' must be {kind} (found {_show(value)})")
            out[name] = value
        return out

    def time(self, meta: dict[str, Any], key: str) -> datetime:
        value = meta.get(key)
        try:
            when = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            when = None
        if when is None or when.tzinfo is None or when.utcoffset() is None:
            raise ValueError(
                f"field 'meta.{key}' must be a date and time with a time zone (found {_show(value)})"
            )
        if not limits.time_in_range(when):  # e.g. year 9999 at -23:59 would overflow when shown in local time
            raise ValueError(
                f"field 'meta.{key}' must be a time from {limits.EARLIEST_YEAR} to {limits.LATEST_YEAR} "
                f"(found {_show(value)})"
            )
        return when


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _show(value: Any) -> str:
    """A short, safe rendering of a bad value for an error message."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    text = repr(value) if isinstance(value, str) else str(value)
    text = sanitize_line(text)
    return text if len(text) <= 40 else text[:37] + "..."


# ------------------------------------------------------------------------------------------ reading


def read_bytes(path: Path, limit: int = MAX_SAVE_BYTES) -> bytes:
    """A save's bytes through the shared reader (``game.smallfile``): anything but a regular file (a FIFO, a device,
    a link to one, a folder) and any file over ``limit`` are refused before it is opened. Raises SaveError."""
    try:
        return smallfile.read_bytes(path, limit)
    except smallfile.FileRefused as exc:
        raise SaveError(path, _refusal(exc, limit)) from None


def _refusal(exc: smallfile.FileRefused, limit: int) -> str:
    """The player's sentence for a file the shared reader refused."""
    if exc.kind == "missing":
        return "there is no such save file" if exc.reason == "there is no such file" else f"this is not a save: {exc.reason}"
    if exc.kind == "kind":
        return f"this is not a save: {exc.reason}"
    if exc.kind == "size":
        return f"the file is too large to be a save{exc.reason.removeprefix('it is too large')}"
    return f"cannot read the save: {exc.reason}"


def decode_text(path: Path, data: bytes) -> str:
    """UTF-8 text of a save or playthrough file (a byte-order mark is tolerated). Raises SaveError."""
    try:
        return smallfile.decode_utf8(str(path), data)
    except smallfile.FileRefused as exc:
        raise SaveError(path, f"the file is not text ({exc.reason.removeprefix('it is not text (')}; it is not a save") from None


def read_save(path: Path | str) -> SaveData:
    """Read and validate one save file. Raises SaveError naming the file; never changes it."""
    path = Path(path)
    text = decode_text(path, read_bytes(path))
    if not text.strip():
        raise SaveError(path, "the file is empty (an interrupted copy?)")
    try:
        doc = jsonio.decode(text)
    except jsonio.JsonError as exc:
        stripped = text.lstrip()
        if stripped[:1] not in ("{", "["):
            raise SaveError(
                path, "this is not a save file (saves are JSON objects starting with '{')"
            ) from None
        raise SaveError(path, f"the file is damaged or incomplete ({exc})") from None
    try:
        return SaveData.from_json(doc)
    except ValueError as exc:
        raise SaveError(path, str(exc)) from None

