"""The saves folder: list the saves, save a game in a named slot (atomically, keeping the previous version as a
backup), load one, delete one.

What a save file holds and how one is read and validated is in ``savedata``; how a game is rebuilt from it (the
choice log replayed, the snapshot as a check and a fallback) is in ``restore``. The names they define are
re-exported here for code that imports them from ``game.saves.store``.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..engine import Game, Story
from ..sanitize import sanitize_line
from .atomic import atomic_write, describe_os_error, remove_stale_temps
from .restore import REBUILT_NOTE, ReplayStop, replay_log, restore
from .savedata import (
    BACKUP_SUFFIX,
    FORMAT,
    MAX_SAVE_BYTES,
    STORY_ID,
    VERSION,
    SaveData,
    SaveError,
    decode_text,
    read_bytes,
    read_save,
)
from .slots import AUTOSAVE, SlotNameError, display_name, file_name, slot_key

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


__all__ = [
    "AUTOSAVE",
    "BACKUP_SUFFIX",
    "FORMAT",
    "MAX_SAVE_BYTES",
    "REBUILT_NOTE",
    "STORY_ID",
    "VERSION",
    "LoadResult",
    "ReplayStop",
    "SaveData",
    "SaveError",
    "SaveInfo",
    "SaveStore",
    "decode_text",
    "default_saves_dir",
    "read_bytes",
    "read_save",
    "replay_log",
    "restore",
]
