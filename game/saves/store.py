"""Save files: what a save records, how it is written (atomically, with a backup) and how it is loaded.

Loading replays the choice log from the start with the seed, because the log is the one thing that stays
meaningful when the story is edited. The snapshot of the state stored beside it is a check (is the file what
it claims to be?) and a fallback (when an edit broke the log, the player keeps their place and is told exactly
why).
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeGuard

from ..engine import ChoiceError, Game, State, Story
from ..sanitize import sanitize_line
from . import jsonio
from .atomic import atomic_write, describe_os_error, remove_stale_temps
from .slots import AUTOSAVE, SlotNameError, display_name, file_name, slot_key

FORMAT = "jaysh-al-qasas save"
VERSION = 1
MAX_SAVE_BYTES = jsonio.MAX_SAVE_BYTES
BACKUP_SUFFIX = ".bak"
REBUILT_NOTE = (
    "The story has changed since this save was made; its choices still apply, so the game was rebuilt "
    "from them."
)

_ID = re.compile(r"[a-z][a-z0-9_]*")
STORY_ID = re.compile(r"[a-z0-9][a-z0-9_-]*")  # as the loader allows for story ids
_KEY = re.compile(r"([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)")
_SEED_MIN, _SEED_MAX = -(2**63), 2**64 - 1
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

    @classmethod
    def from_game(
        cls, game: Game, name: str, created: datetime, updated: datetime, play_seconds: float = 0.0
    ) -> SaveData:
        """Capture a game in play."""
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
        )

    @property
    def turn(self) -> int:
        return len(self.log)

    def to_json(self) -> dict[str, Any]:
        """The file's content as plain JSON values, in the order it is written."""
        return {
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
        self.keys(state, "state.", {"scene", "trust", "variables", "visited", "chosen"})

        seed = doc.get("seed")
        if not _is_int(seed) or not _SEED_MIN <= seed <= _SEED_MAX:
            raise ValueError(f"field 'seed' must be a whole number (found {_show(seed)})")
        choices = self.list(doc, "choices")
        log = tuple(self.key(item, f"choices[{i + 1}]") for i, item in enumerate(choices))
        trust = self.values(state, "trust", ints_only=True)
        name = self.text(meta, "name", "meta.name")
        if not name.strip():
            raise ValueError("field 'meta.name' is empty")
        play = meta.get("play_seconds")
        if (
            not isinstance(play, (int, float))
            or isinstance(play, bool)
            or not math.isfinite(play)
            or play < 0
        ):
            raise ValueError(f"field 'meta.play_seconds' must be a number of seconds (found {_show(play)})")
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
            if not ok or (_is_int(value) and abs(value) > 2**63):
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
        if when is None or when.tzinfo is None:
            raise ValueError(
                f"field 'meta.{key}' must be a date and time with a time zone (found {_show(value)})"
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
    """A save's bytes, refusing oversized files before reading them. Raises SaveError."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise SaveError(path, "there is no such save file") from None
    except OSError as exc:
        raise SaveError(path, f"cannot read the save: {exc.strerror or exc}") from None
    if not path.is_file():
        raise SaveError(path, "this is not a file")
    if size > limit:
        raise SaveError(
            path,
            f"the file is too large to be a save ({size / 1048576:.1f} MiB; "
            f"the limit is {limit // 1048576} MiB)",
        )
    try:
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise SaveError(path, f"cannot read the save: {exc.strerror or exc}") from None
    if len(data) > limit:  # the file grew between stat and read
        raise SaveError(path, f"the file is too large to be a save (the limit is {limit // 1048576} MiB)")
    return data


def decode_text(path: Path, data: bytes) -> str:
    """UTF-8 text of a save or playthrough file (a byte-order mark is tolerated). Raises SaveError."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SaveError(
            path, f"the file is not text (invalid UTF-8 at byte {exc.start}); it is not a save"
        ) from None


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


# -------------------------------------------------------------------------------------- the slots


@dataclass(frozen=True)
class SaveInfo:
    """One slot as listed. ``error`` is set when the file is unreadable (listed, but not loadable)."""

    slot: str
    path: Path
    story_id: str
    chapter: str
    scene_title: str
    saved_at: datetime
    play_seconds: float
    turn: int
    error: str | None = None

    @classmethod
    def of(cls, data: SaveData, path: Path) -> SaveInfo:
        return cls(
            data.name,
            path,
            data.story_id,
            data.chapter,
            data.scene_title,
            data.updated,
            data.play_seconds,
            data.turn,
        )


@dataclass
class LoadResult:
    """A loaded game, with what the player should be told about how it was loaded."""

    game: Game
    play_seconds: float
    notes: list[str]
    exact: bool
    info: SaveInfo | None = None


def default_saves_dir() -> Path:
    """Where saves go: $QASAS_SAVES; else ``saves/`` in a source checkout; else the per-user data folder."""
    env = os.environ.get("QASAS_SAVES")
    if env:
        return Path(env).expanduser()
    checkout = Path(__file__).resolve().parents[2] / "saves"
    if (checkout / "README.md").is_file() and (checkout.parent / "game").is_dir():
        return checkout
    if os.name == "nt":  # pragma: no cover - exercised on Windows only
        base = os.environ.get("LOCALAPPDATA") or os.environ.get("APPDATA")
        if base:
            return Path(base) / "jaysh-al-qasas" / "saves"
    xdg = os.environ.get("XDG_DATA_HOME", "")
    # The XDG spec says relative paths in XDG_DATA_HOME are invalid and must be ignored.
    base_dir = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".local" / "share"
    return base_dir / "jaysh-al-qasas" / "saves"


class SaveStore:
    """The saves folder: list, save (atomically, keeping the previous version), load, delete."""

    def __init__(self, directory: Path | str | None = None) -> None:
        self.directory = Path(directory) if directory is not None else default_saves_dir()

    # ------------------------------------------------------------------------------ paths

    def path_for(self, slot: str) -> Path:
        """The file of a slot (derived from its name; always directly inside the folder)."""
        try:
            return self.directory / file_name(slot)
        except SlotNameError as exc:
            raise SaveError(self.directory, str(exc)) from None

    def backup_path_for(self, slot: str) -> Path:
        """Where the previous version of a slot is kept."""
        path = self.path_for(slot)
        return path.with_name(path.name + BACKUP_SUFFIX)

    def _find(self, slot: str) -> Path | None:
        """The file of a slot; also finds a save whose file was renamed, by the name stored inside it."""
        path = self.path_for(slot)
        if path.is_file():
            return path
        key = slot_key(slot)
        for info in self.list():
            if info.error is None and _same_slot(info.slot, key):
                return info.path
        return None

    # ----------------------------------------------------------------------------- reading

    def list(self) -> list[SaveInfo]:
        """Every save, newest first, autosave included; unreadable files are listed with ``error`` set."""
        try:
            entries = sorted(self.directory.iterdir())
        except (FileNotFoundError, NotADirectoryError):
            return []
        except OSError:
            return []
        infos: list[SaveInfo] = []
        for path in entries:
            if path.name.startswith(".") or path.suffix != ".json" or not path.is_file():
                continue
            try:
                infos.append(SaveInfo.of(read_save(path), path))
            except SaveError as exc:
                try:
                    mtime = datetime.fromtimestamp(path.stat().st_mtime, UTC)
                except OSError:
                    mtime = datetime.fromtimestamp(0, UTC)
                infos.append(SaveInfo(path.stem, path, "", "", "", mtime, 0.0, 0, exc.message))
        infos.sort(key=lambda i: (i.saved_at, i.slot), reverse=True)
        return infos

    def exists(self, slot: str) -> bool:
        """Whether a slot has a save file."""
        try:
            return self._find(slot) is not None
        except SaveError:
            return False

    def newest(self, story_id: str | None = None) -> SaveInfo | None:
        """The most recent loadable save or autosave (of ``story_id``, when given)."""
        for info in self.list():
            if info.error is None and (story_id is None or info.story_id == story_id):
                return info
        return None

    def has_backup(self, slot: str) -> bool:
        try:
            return self.backup_path_for(slot).is_file()
        except SaveError:
            return False

    # ----------------------------------------------------------------------------- writing

    def save(self, slot: str, game: Game, play_seconds: float = 0.0) -> SaveInfo:
        """Save ``game`` in ``slot`` atomically; the slot's previous version becomes its backup.

        Raises SaveError (bad name, disk full, read-only folder...) and then nothing is half-written and the
        previous save is unchanged.
        """
        try:
            name = display_name(slot)
        except SlotNameError as exc:
            raise SaveError(self.directory, str(exc)) from None
        path = self.path_for(name)
        now = datetime.now(UTC)
        created = now
        if path.is_file():
            try:
                created = read_save(path).created
            except SaveError:
                pass  # the old file is unreadable: it still becomes the backup, untouched
        seconds = float(play_seconds) if isinstance(play_seconds, (int, float)) else 0.0
        if not math.isfinite(seconds) or seconds < 0:
            seconds = 0.0
        data = SaveData.from_game(game, name, created, now, seconds)
        blob = data.encode().encode("utf-8")
        if len(blob) > MAX_SAVE_BYTES:
            raise SaveError(path, "this game is too long to save (the file would pass the size limit)")
        try:
            atomic_write(path, blob, path.with_name(path.name + BACKUP_SUFFIX))
        except OSError as exc:
            raise SaveError(
                path, f"could not save: {describe_os_error(exc)}. The previous save is unchanged"
            ) from None
        remove_stale_temps(self.directory, path.name)
        return SaveInfo.of(data, path)

    def autosave(self, game: Game, play_seconds: float = 0.0) -> SaveInfo:
        """Save in the 'autosave' slot."""
        return self.save(AUTOSAVE, game, play_seconds)

    def delete(self, slot: str) -> None:
        """Delete a slot's save and its backup. Raises SaveError when there is no such save."""
        path = self._find(slot)
        if path is None:
            raise SaveError(
                self.path_for(slot), f"there is no save named {sanitize_line(display_name(slot))!r}"
            )
        for victim in (path, path.with_name(path.name + BACKUP_SUFFIX)):
            try:
                victim.unlink()
            except FileNotFoundError:
                pass
            except OSError as exc:
                raise SaveError(victim, f"could not delete: {describe_os_error(exc)}") from None

    # ----------------------------------------------------------------------------- loading

    def load(self, slot: str, story: Story) -> LoadResult:
        """Load a slot into a new Game of ``story``. Raises SaveError with the reason."""
        path = self._find(slot)
        if path is None:
            raise SaveError(self.path_for(slot), f"there is no save named {display_name(slot)!r}")
        try:
            return self.load_path(path, story)
        except SaveError as exc:
            backup = path.with_name(path.name + BACKUP_SUFFIX)
            if backup.is_file():
                raise SaveError(
                    path, f"{exc.message}. The previous version of this save is kept as {backup.name}"
                ) from None
            raise

    def load_backup(self, slot: str, story: Story) -> LoadResult:
        """Load the previous version of a slot (kept as its backup)."""
        return self.load_path(self.backup_path_for(slot), story)

    def load_path(self, path: Path | str, story: Story) -> LoadResult:
        """Load a save file into a new Game of ``story``. Raises SaveError; never changes the file."""
        path = Path(path)
        data = read_save(path)
        return LoadResult(*restore(data, story, path), info=SaveInfo.of(data, path))


def _same_slot(name: str, key: str) -> bool:
    try:
        return slot_key(name) == key
    except SlotNameError:
        return False


# ------------------------------------------------------------------------------------ restoring


@dataclass
class ReplayStop:
    """Where a choice log stopped applying: the 1-based step and a sentence saying why."""

    step: int
    scene: str
    choice: str
    message: str


def replay_log(story: Story, seed: int, log: Iterable[tuple[str, str]]) -> tuple[Game, ReplayStop | None]:
    """Replay a log as far as it applies: (the game at the last step that applied, why it stopped). Scenes and
    choices the log names by a former id (``formerly:``) are followed to their id now."""
    game = Game(story, seed)
    for i, (old_scene, old_choice) in enumerate(log, 1):
        scene_id, choice_id = story.current_choice(old_scene, old_choice)
        here = game.state.scene
        if scene_id not in story.scenes:
            return game, ReplayStop(i, scene_id, choice_id, f"step {i}: scene '{scene_id}' no longer exists")
        if scene_id != here:
            return game, ReplayStop(
                i,
                scene_id,
                choice_id,
                f"step {i}: the choices now lead to scene '{here}', not to scene '{scene_id}'",
            )
        if story.scenes[scene_id].choice(choice_id) is None:
            return game, ReplayStop(
                i, scene_id, choice_id, f"step {i}: scene '{scene_id}' no longer has choice '{choice_id}'"
            )
        try:
            game.choose(choice_id)
        except ChoiceError as exc:
            return game, ReplayStop(i, scene_id, choice_id, f"step {i}: in scene '{scene_id}', {exc}")
    return game, None


def _differences(data: SaveData, state: dict[str, Any], story: Story) -> list[str]:
    """Where a replayed state differs from the save's snapshot, field by field (for messages); the snapshot's
    ids are read as they are now (``formerly:``)."""
    out: list[str] = []
    if state["scene"] != story.current_scene(data.scene):
        out.append(f"scene: saved '{data.scene}', replayed '{state['scene']}'")
    for label, saved, now in (
        ("trust", data.trust, state["trust"]),
        ("variables", data.variables, state["variables"]),
    ):
        for name in sorted(saved.keys() | now.keys()):
            a, b = saved.get(name), now.get(name)
            if a != b or type(a) is not type(b):
                out.append(f"{label}.{name}: saved {_show(a)}, replayed {_show(b)}")
    if set(state["visited"]) != {story.current_scene(s) for s in data.visited}:
        out.append("visited scenes differ")
    if set(state["chosen"]) != _chosen_now(story, data.chosen):
        out.append("choices taken differ")
    return out


def _chosen_now(story: Story, chosen: Iterable[str]) -> set[str]:
    """Choice keys ('scene.choice') as they are now, following former ids."""
    out = set()
    for key in chosen:
        scene_id, _, choice_id = key.partition(".")
        out.add(".".join(story.current_choice(scene_id, choice_id)))
    return out


def restore(data: SaveData, story: Story, path: Path) -> tuple[Game, float, list[str], bool]:
    """Rebuild the game a save describes: (game, play_seconds, notes, exact). Raises SaveError."""
    if data.story_id != story.id:
        raise SaveError(
            path,
            f"this save belongs to another story ('{data.story_title}', id '{data.story_id}'), "
            f"not to '{story.title}' (id '{story.id}')",
        )
    changed = data.fingerprint != story.fingerprint
    game, stop = replay_log(story, data.seed, data.log)
    if stop is None:
        diffs = _differences(data, game.state.to_dict(story), story)
        if not changed:
            if diffs:
                raise SaveError(
                    path,
                    f"the save does not match its own choices ({diffs[0]}); was the file edited by hand?",
                )
            return game, data.play_seconds, [], True
        notes = [REBUILT_NOTE]
        notes.extend(_player_differences(story, data, game))
        return game, data.play_seconds, notes, True
    if not changed:
        raise SaveError(
            path,
            f"the save's choices do not replay on the story they were made with ({stop.message}); "
            "was the file edited by hand?",
        )
    notes = [
        f"The story has changed since this save was made, and its choices no longer apply: {stop.message}."
    ]
    if story.current_scene(data.scene) in story.scenes:
        game, extra = _from_snapshot(data, story)
        notes.append(f"Your place was restored from the save's snapshot instead (scene '{data.scene}').")
        notes.extend(extra)
        return game, data.play_seconds, notes, False
    notes.append(
        f"The saved scene '{data.scene}' no longer exists either, so the game resumes where the choices "
        f"still lead: after step {stop.step - 1}, in scene '{game.state.scene}'."
    )
    return game, data.play_seconds, notes, False


def _player_differences(story: Story, data: SaveData, game: Game) -> list[str]:
    """What a player would notice after a story edit: another scene, other trust."""
    out: list[str] = []
    if game.state.scene != story.current_scene(data.scene):
        out.append(f"You are now in '{game.scene.title}' (the save was made in scene '{data.scene}').")
    for faction in story.factions.values():
        now = game.state.values[faction.slot]
        then = data.trust.get(faction.id)
        if then is not None and then != now:
            out.append(f"Trust with {faction.name} is now {now} (it was {then} when saved).")
    return out


def _from_snapshot(data: SaveData, story: Story) -> tuple[Game, list[str]]:
    """A State built from the snapshot: unknown names dropped, new ones at their defaults, trust clamped."""
    values = list(story.defaults)
    notes: list[str] = []
    added: list[str] = []
    for faction in story.factions.values():
        saved = data.trust.get(faction.id)
        if saved is None:
            added.append(faction.id)
            continue
        clamped = min(max(saved, faction.low), faction.high)
        if clamped != saved:
            notes.append(
                f"Trust with {faction.name} was {saved}, outside its new range; it is now {clamped}."
            )
        values[faction.slot] = clamped
    for var in story.variables.values():
        saved_v = data.variables.get(var.id)
        if saved_v is None:
            added.append(var.id)
        elif (var.type is bool) == isinstance(saved_v, bool):
            values[var.slot] = saved_v
        else:
            added.append(var.id)  # the type changed: the old value means something else now
    dropped = sorted(
        (data.trust.keys() - story.factions.keys()) | (data.variables.keys() - story.variables.keys())
    )
    if dropped:
        notes.append("Values the story no longer uses were dropped: " + ", ".join(dropped) + ".")
    if added:
        notes.append("New values start at their defaults: " + ", ".join(added) + ".")
    # Ids as they are now: a scene or choice renamed since (``formerly:``) is the same place.
    chosen = {
        key
        for key in _chosen_now(story, data.chosen)
        if (parts := key.split(".", 1))[0] in story.scenes and story.scenes[parts[0]].choice(parts[1]) is not None
    }
    scene = story.current_scene(data.scene)
    visited = {s for s in map(story.current_scene, data.visited) if s in story.scenes} | {scene}
    # The log is kept as it was: it is the save's history, and chance rolls count its steps.
    state = State(scene, values, visited, chosen, list(data.log), data.seed)
    return Game(story, state=state), notes


__all__ = [
    "AUTOSAVE",
    "FORMAT",
    "VERSION",
    "LoadResult",
    "ReplayStop",
    "SaveData",
    "SaveError",
    "SaveInfo",
    "SaveStore",
    "default_saves_dir",
    "read_save",
    "replay_log",
    "restore",
]
