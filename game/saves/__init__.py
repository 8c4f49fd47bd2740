"""Saves and playthroughs: files that record a playthrough by its stable ids, and replay it.

Saves (``SaveStore``) survive story edits: loading replays the choice log from the start, and when an edit
broke the log the player is told exactly where, and keeps their place from the snapshot. Playthrough files
(``Playthrough``, ``replay_playthrough``) are the same idea written by hand, with expectations, so any
playthrough is a regression test. The formats are described in saves/README.md and
tests/playthroughs/README.md.

Uses the engine only through its public API; no Textual, no Rich.
"""

from .playthrough import (
    Expect,
    Playthrough,
    PlaythroughError,
    Range,
    ReplayFailure,
    ReplayReport,
    Step,
    Transcript,
    find_playthroughs,
    render_playthrough,
    replay_playthrough,
    screen_text,
    search_playthroughs,
    transcript,
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
