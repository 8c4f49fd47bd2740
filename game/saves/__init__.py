"""Saves and playthroughs: files that record a playthrough by its stable ids, and replay it.

Saves (``SaveStore``) survive story edits: loading replays the choice log from the start, and when an edit
broke the log the player is told exactly where, and keeps their place from the snapshot. Playthrough files
(``Playthrough``, ``replay_playthrough``) are the same idea written by hand, with expectations, so any
playthrough is a regression test. The formats are described in saves/README.md and
tests/playthroughs/README.md.

Uses the engine only through its public API; no Textual, no Rich.

The names below are imported from their modules on first use (PEP 562): the game's start-up needs the save store
only, and reading playthrough files needs YAML, which a start from the story cache never imports.
"""

from __future__ import annotations

import importlib

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .playthrough import (
        Expect,
        Playthrough,
        PlaythroughError,
        Range,
        ReplayFailure,
        ReplayReport,
        Step,
        find_playthroughs,
        render_playthrough,
        replay_playthrough,
        screen_text,
        search_playthroughs,
        update_golden_requested,
        write_playthrough,
    )
    from .slots import AUTOSAVE, MAX_NAME_CHARS, display_name, file_name
    from .store import (
        FORMAT,
        VERSION,
        LoadResult,
        ReplayStop,
        SaveData,
        SaveError,
        SaveInfo,
        SaveStore,
        default_saves_dir,
        read_save,
        replay_log,
    )

# ``transcript`` is a function and a module's name: once the module is imported (by anything), the package's
# attribute would be the module, so the function is bound here, eagerly (the module is light: no YAML).
from .transcript import Transcript, transcript

_WHERE = {
    "AUTOSAVE": "slots",
    "Expect": "playthrough",
    "FORMAT": "store",
    "LoadResult": "store",
    "MAX_NAME_CHARS": "slots",
    "Playthrough": "playthrough",
    "PlaythroughError": "playthrough",
    "Range": "playthrough",
    "ReplayFailure": "playthrough",
    "ReplayReport": "playthrough",
    "ReplayStop": "store",
    "SaveData": "store",
    "SaveError": "store",
    "SaveInfo": "store",
    "SaveStore": "store",
    "Step": "playthrough",
    "VERSION": "store",
    "default_saves_dir": "store",
    "display_name": "slots",
    "file_name": "slots",
    "find_playthroughs": "playthrough",
    "read_save": "store",
    "render_playthrough": "playthrough",
    "replay_log": "store",
    "replay_playthrough": "playthrough",
    "screen_text": "playthrough",
    "search_playthroughs": "playthrough",
    "update_golden_requested": "playthrough",
    "write_playthrough": "playthrough",
}


def __getattr__(name: str) -> object:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "AUTOSAVE",
    "FORMAT",
    "MAX_NAME_CHARS",
    "VERSION",
    "Expect",
    "LoadResult",
    "Playthrough",
    "PlaythroughError",
    "Range",
    "ReplayFailure",
    "ReplayReport",
    "ReplayStop",
    "SaveData",
    "SaveError",
    "SaveInfo",
    "SaveStore",
    "Step",
    "Transcript",
    "default_saves_dir",
    "display_name",
    "file_name",
    "find_playthroughs",
    "read_save",
    "render_playthrough",
    "replay_log",
    "replay_playthrough",
    "screen_text",
    "search_playthroughs",
    "transcript",
    "update_golden_requested",
    "write_playthrough",
]
