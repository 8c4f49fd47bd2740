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

from .. import limits
from ..engine import Game, Story
from ..sanitize import sanitize_line
from . import jsonio
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
from .slots import AUTOSAVE, SlotNameError, display_name, file_name, full_file_name, slot_key

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
        """The file a slot's save is written to when no other save holds that file (derived from its name; always
        directly inside the folder). ``existing(slot).path`` is where a slot's save really is."""
        try:
            return self.directory / file_name(slot)
        except SlotNameError as exc:
            raise SaveError(self.directory, str(exc)) from None

    def backup_path_for(self, slot: str) -> Path:
        """Where the previous version of a slot is kept."""
        found = self.existing(slot)
        path = found.path if found is not None else self.path_for(slot)
        return path.with_name(path.name + BACKUP_SUFFIX)

    def _target(self, name: str) -> Path:
        """The file a save of ``name`` goes to: its own save wherever it is; else its file, unless another save
        holds that file (two names whose hashes share ten digits), then the one named by the name's whole hash."""
        found = self.existing(name)
        if found is not None:
            return found.path
        own = self.path_for(name)
        return own if not os.path.lexists(own) else self.directory / full_file_name(name)

    def existing(self, slot: str) -> SaveInfo | None:
        """The save a slot has, as listed (``error`` set when its file cannot be read), or None: the save that
        saving in ``slot`` would replace, so a question about overwriting can name it as it was saved.

        A file is a slot's only when the name stored inside it is the slot's (same case-folded NFC name); a
        damaged file at the slot's own path counts as the slot's (it is kept as the backup when saved over).
        Also finds a save whose file was renamed, by the name stored inside it."""
        try:
            key = slot_key(slot)
            own, second = self.path_for(slot), self.directory / full_file_name(slot)
        except (SaveError, SlotNameError):
            return None
        for i, path in enumerate((own, second)):
            if not os.path.lexists(path):
                continue
            info = self._info(path)
            if info.error is not None:
                if i == 0:
                    return info
                continue
            if _same_slot(info.slot, key):
                return info
        for info in self.list():
            if info.error is None and _same_slot(info.slot, key):
                return info
        return None

    # ----------------------------------------------------------------------------- reading

    def _info(self, path: Path) -> SaveInfo:
        """One file as listed: its save, or (``error`` set) why it cannot be read, dated by its modification time."""
        try:
            return SaveInfo.of(read_save(path), path)
        except SaveError as exc:
            try:
                mtime = datetime.fromtimestamp(path.lstat().st_mtime, UTC)
            except (OSError, OverflowError, ValueError):  # a time a file system allows but a datetime cannot hold
                mtime = datetime(limits.EARLIEST_YEAR, 1, 1, tzinfo=UTC)
            return SaveInfo(path.stem, path, "", "", "", limits.clamp_time(mtime), 0.0, 0, exc.message)

    def list(self) -> list[SaveInfo]:
        """Every save, newest first, autosave included. A ``*.json`` entry that cannot be read (damaged, a FIFO, a
        device, a folder...) is listed with ``error`` set, never opened if it is not a regular file."""
        try:
            entries = sorted(self.directory.iterdir())
        except OSError:
            return []
        infos = [
            self._info(path) for path in entries if not path.name.startswith(".") and path.suffix == ".json"
        ]
        infos.sort(key=lambda i: (i.saved_at, i.slot), reverse=True)
        return infos

    def exists(self, slot: str) -> bool:
        """Whether a slot has a save file."""
        return self.existing(slot) is not None

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
        previous save is unchanged. Never writes over another slot's save.
        """
        try:
            name = display_name(slot)
        except SlotNameError as exc:
            raise SaveError(self.directory, str(exc)) from None
        path = self._target(name)
        now = limits.clamp_time(datetime.now(UTC))  # a clock set outside what a save can hold is pulled in
        created = now
        if os.path.lexists(path):
            try:
                created = limits.clamp_time(read_save(path).created)
            except SaveError:
                pass  # the old file is unreadable: it still becomes the backup, untouched
        seconds = float(play_seconds) if isinstance(play_seconds, (int, float)) else 0.0
        if not math.isfinite(seconds) or seconds < 0:
            seconds = 0.0
        seconds = min(seconds, float(limits.MAX_PLAY_SECONDS))
        # A game restored from a snapshot carries a log that no longer replays: say so in the file, so that it
        # loads again from its snapshot instead of looking like a save edited by hand.
        restored = bool(game.state.log) and replay_log(game.story, game.state.seed, game.state.log)[1] is not None
        data = SaveData.from_game(game, name, created, now, seconds, restored)
        text = data.encode()
        blob = text.encode("utf-8")
        if len(blob) > MAX_SAVE_BYTES:
            raise SaveError(path, "this game is too long to save (the file would pass the size limit)")
        try:  # never write what the reader would refuse (a seed or a value out of range): that save would be lost
            SaveData.from_json(jsonio.decode(text))
        except ValueError as exc:
            raise SaveError(path, f"this game cannot be saved: {exc}. The previous save is unchanged") from None
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
        found = self.existing(slot)
        if found is None:
            raise SaveError(
                self.path_for(slot), f"there is no save named {sanitize_line(display_name(slot))!r}"
            )
        path = found.path
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
        found = self.existing(slot)
        if found is None:
            raise SaveError(self.path_for(slot), f"there is no save named {display_name(slot)!r}")
        path = found.path
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
