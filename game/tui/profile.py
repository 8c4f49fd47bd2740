"""The player's profile: endings discovered across plays, the chosen theme and settings, in one small JSON file.

Lives beside the saves (``.player-profile.json`` in the saves directory: a dot-file, so the save list, which
reads every ``*.json`` there, never mistakes it for a save). Written atomically (a temporary file in the
same directory, then ``os.replace``) so a crash never leaves half a file. A corrupt or unreadable profile is not an
error the player should see: it is set aside and rewritten fresh. Pure Python: no Textual import.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..atomic import atomic_write

PROFILE_NAME = ".player-profile.json"
_VERSION = 1
# The settings a player can change, each true or false ("stakes": mark the levels where the story turns).
SETTINGS = frozenset({"stakes"})


class Profile:
    """Endings discovered per story id, the theme the player picked, and their settings."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.theme: str | None = None
        self._endings: dict[str, list[str]] = {}
        self._settings: dict[str, bool] = {}
        self.recovered = False  # True when a corrupt file was found and replaced
        self.error: str | None = None  # the last write error, for a notification

    # ----------------------------------------------------------------------------- reading

    @classmethod
    def load(cls, directory: Path | str) -> Profile:
        """Read the profile in ``directory``; a missing one is empty, a corrupt one is ignored and rewritten."""
        profile = cls(Path(directory) / PROFILE_NAME)
        try:
            raw = profile.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return profile
        except (OSError, UnicodeDecodeError):
            profile.recovered = True
            profile.save()
            return profile
        try:
            profile._absorb(json.loads(raw))
        except (ValueError, TypeError, AttributeError):
            # Not ours, truncated, or hand-edited into nonsense: start again rather than refuse to run.
            profile.theme = None
            profile._endings = {}
            profile._settings = {}
            profile.recovered = True
            profile.save()
        return profile

    def _absorb(self, data: Any) -> None:
        if not isinstance(data, dict):
            raise TypeError("profile is not an object")
        theme = data.get("theme")
        self.theme = theme if isinstance(theme, str) and theme else None
        endings = data.get("endings", {})
        if not isinstance(endings, dict):
            raise TypeError("endings is not an object")
        clean: dict[str, list[str]] = {}
        for story_id, ids in endings.items():
            if isinstance(story_id, str) and isinstance(ids, list):
                clean[story_id] = sorted({i for i in ids if isinstance(i, str)})
        self._endings = clean
        settings = data.get("settings", {})
        if not isinstance(settings, dict):
            raise TypeError("settings is not an object")
        # Unknown names (a newer game's settings) and values that are not true/false are ignored.
        self._settings = {k: v for k, v in settings.items() if k in SETTINGS and isinstance(v, bool)}

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
        """Write the profile atomically. On failure keep going (it is only a convenience); ``error`` says why."""
        try:
            text = json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n"
            atomic_write(self.path, text.encode("utf-8"))
        except OSError as exc:
            self.error = f"could not write {self.path}: {exc.strerror or exc}"
            return False
        self.error = None
        return True
