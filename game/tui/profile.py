"""The player's profile: endings discovered across plays, the chosen theme and settings, in one small JSON file.

Lives beside the saves (``.player-profile.json`` in the saves directory: a dot-file, so the save list, which
reads every ``*.json`` there, never mistakes it for a save). Written atomically (a temporary file in the
same directory, then ``os.replace``) so a crash never leaves half a file. Pure Python: no Textual import.

Read through the shared reader (``game.smallfile``: kind and size checked before it is opened, nesting bounded). A
profile that cannot be used never stops the game and is never silently replaced, because it may hold endings
discovered over many plays:

* one that is not a profile at all (a FIFO, a device, a folder, damaged or hostile JSON) is **set aside**: renamed
  to ``.player-profile.json.unreadable-<time>`` beside it, bytes untouched, and a new profile started;
* one the system will not let the game read (permission denied, an I/O error), or one written by a newer version,
  is **left alone**: the game plays on without writing it, so nothing in it is lost.

Either way ``notice`` holds one sentence for the player saying what happened and where the old file is.
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path
from typing import Any

from .. import smallfile
from ..atomic import atomic_write

PROFILE_NAME = ".player-profile.json"
MAX_PROFILE_BYTES = 1024 * 1024
MAX_PROFILE_DEPTH = 8
_VERSION = 1
_STORY_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,199}")
_ENDING_ID = re.compile(r"[a-z][a-z0-9_]{0,199}")
_THEME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
# The settings a player can change, each true or false ("stakes": mark the levels where the story turns).
SETTINGS = frozenset({"stakes"})


class ProfileError(ValueError):
    """A profile whose content this game cannot use (the message says why)."""


class Profile:
    """Endings discovered per story id, the theme the player picked, and their settings."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.theme: str | None = None
        self._endings: dict[str, list[str]] = {}
        self._settings: dict[str, bool] = {}
        self.recovered = False  # True when the file found could not be used (``notice`` says what was done)
        self.notice: str | None = None  # one sentence for the player about the profile found at start
        self.set_aside: Path | None = None  # where an unusable profile was moved
        self.read_only = False  # True when an existing profile must be left as it is (never written)
        self.error: str | None = None  # the last write error, for a notification

    # ----------------------------------------------------------------------------- reading

    @classmethod
    def load(cls, directory: Path | str) -> Profile:
        """Read the profile in ``directory``; a missing one is empty. Never raises and never blocks: an unusable
        one is set aside or left alone (see the module's docstring), with ``notice`` saying which."""
        profile = cls(Path(directory) / PROFILE_NAME)
        try:
            data = smallfile.read_json(profile.path, MAX_PROFILE_BYTES, MAX_PROFILE_DEPTH)
        except smallfile.FileRefused as exc:
            if exc.kind == "missing" and not os.path.lexists(profile.path):
                return profile
            if exc.kind == "io":  # the file may be fine; the system will not let us read it now
                profile._leave_alone(f"it cannot be read ({exc.reason})")
            else:
                profile._put_aside(exc.reason)
            return profile
        try:
            newer = profile._absorb(data)
        except ProfileError as exc:
            profile.theme, profile._endings, profile._settings = None, {}, {}
            profile._put_aside(str(exc))
            return profile
        if newer:
            profile._leave_alone("it was written by a newer version of the game")
        return profile

    def _leave_alone(self, why: str) -> None:
        self.recovered = self.read_only = True
        self.notice = (
            f"The player profile ({self.path}) was left as it is: {why}. "
            "Endings found in this session will not be remembered."
        )

    def _put_aside(self, why: str) -> None:
        """Rename the unusable file out of the way (never delete it) and start afresh."""
        self.recovered = True
        stamp = time.strftime("%Y%m%dT%H%M%S")
        for n in range(1, 100):
            target = self.path.with_name(f"{self.path.name}.unreadable-{stamp}" + (f"-{n}" if n > 1 else ""))
            if os.path.lexists(target):
                continue
            try:
                os.rename(self.path, target)
            except OSError:
                break
            self.set_aside = target
            self.notice = (
                f"The player profile could not be used: {why}. It was kept as {target.name} in "
                f"{target.parent}, and a new one was started."
            )
            self.save()
            return
        self.read_only = True
        self.notice = (
            f"The player profile ({self.path}) could not be used: {why}. It could not be moved out of the way "
            "either, so it was left as it is; endings found in this session will not be remembered."
        )

    def _absorb(self, data: Any) -> bool:
        """Take what the file holds; True when it was written by a newer version. Raises ProfileError."""
        if not isinstance(data, dict):
            raise ProfileError("it is not a profile: it should be a JSON object")
        version = data.get("version", _VERSION)
        if type(version) is not int or version < 1:
            raise ProfileError("it is not a profile: its 'version' is not a format this game knows")
        theme = data.get("theme")
        self.theme = theme if isinstance(theme, str) and _THEME.fullmatch(theme) else None
        endings = data.get("endings", {})
        if not isinstance(endings, dict):
            raise ProfileError("it is not a profile: its 'endings' should be an object")
        clean: dict[str, list[str]] = {}
        for story_id, ids in endings.items():
            # Anything that is not an id is dropped (it could not name an ending), the rest is kept.
            if _STORY_ID.fullmatch(story_id) and isinstance(ids, list):
                clean[story_id] = sorted({i for i in ids if isinstance(i, str) and _ENDING_ID.fullmatch(i)})
        self._endings = clean
        settings = data.get("settings", {})
        if not isinstance(settings, dict):
            raise ProfileError("it is not a profile: its 'settings' should be an object")
        # Unknown names (a newer game's settings) and values that are not true/false are ignored.
        self._settings = {k: v for k, v in settings.items() if k in SETTINGS and isinstance(v, bool)}
        return version > _VERSION

    def endings(self, story_id: str) -> set[str]:
        """The ending ids discovered in this story so far."""
        return set(self._endings.get(story_id, ()))

    def setting(self, name: str) -> bool | None:
        """A setting the player chose (None: never chosen, the game decides)."""
        return self._settings.get(name)

    # ----------------------------------------------------------------------------- writing

    def discover(self, story_id: str, ending_id: str) -> bool:
        """Remember an ending; returns True when it is new. Saved at once."""
        known = self._endings.setdefault(story_id, [])
        if ending_id in known:
            return False
        known.append(ending_id)
        known.sort()
        self.save()
        return True

    def set_theme(self, theme: str) -> None:
        """Remember the theme; saved at once when it changed."""
        if theme != self.theme:
            self.theme = theme
            self.save()

    def set_setting(self, name: str, value: bool) -> None:
        """Remember a setting (one of ``SETTINGS``); saved at once when it changed."""
        if name not in SETTINGS:
            raise ValueError(f"unknown setting {name!r}")
        if self._settings.get(name) != value:
            self._settings[name] = value
            self.save()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"version": _VERSION, "theme": self.theme, "endings": self._endings}
        if self._settings:
            out["settings"] = dict(sorted(self._settings.items()))
        return out

    def save(self) -> bool:
        """Write the profile atomically. On failure keep going (it is only a convenience); ``error`` says why.

        A profile that is left alone (``read_only``) is never written: that would replace what it holds."""
        if self.read_only:
            self.error = f"the player profile {self.path.name} is left as it is, so this was not written down"
            return False
        try:
            text = json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n"
            atomic_write(self.path, text.encode("utf-8"))
        except OSError as exc:
            self.error = f"could not write {self.path}: {exc.strerror or exc}"
            return False
        self.error = None
        return True
